"""WorkProgress: the one progress display of long work (import, checks, exports).

A bar, the counts in words ("Checked 4,200 of 10,000 numbers", locale-formatted) and,
where stopping is safe, a Cancel button with its key (esc) named. The work runs in a
thread worker; it reports with ``update(done, total)`` (through ``call_from_thread``)
and asks ``cancelled()`` between chunks: that reads a ``threading.Event``, so it is safe
to call from the worker thread. Pressing Cancel (or the screen's escape, routed to
``request_cancel``) sets the event, shows "Cancelling..." and posts ``CancelRequested``;
the use case then stops at its next check and raises ``corptui.errors.Cancelled``.

Usage::

    yield WorkProgress(N_("Checked {done} of {total} numbers"), id="check-progress")
    ...
    progress.start(total)                       # shows it, clears a previous cancel
    worker: use_case(..., progress=lambda d, t: app.call_from_thread(progress.update, d, t),
                     cancelled=progress.cancelled)
    progress.finish()                           # hides it
"""

from __future__ import annotations

import threading

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, ProgressBar, Static

from corptui.i18n import N_, _, number


class WorkProgress(Vertical):
    DEFAULT_CSS = """
    WorkProgress { height: 2; width: 1fr; }
    WorkProgress > Horizontal { height: 1; width: 1fr; }
    WorkProgress ProgressBar { width: 1fr; height: 1; }
    WorkProgress ProgressBar Bar { width: 1fr; }
    WorkProgress .work-cancel { margin-left: 1; min-width: 14; }
    WorkProgress .work-text { height: 1; width: 1fr; }
    """

    class CancelRequested(Message):
        """The user asked to stop the work (the button or the screen's cancel key)."""

        def __init__(self, progress: WorkProgress) -> None:
            super().__init__()
            self.progress = progress

        @property
        def control(self) -> WorkProgress:
            return self.progress

    def __init__(self, template: str = N_("Done {done} of {total}"), *,
                 cancellable: bool = True, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.template = template
        self.cancellable = cancellable
        self.done = 0
        self.total = 0
        self._cancel = threading.Event()

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield ProgressBar(show_eta=False, classes="work-bar")
            if self.cancellable:
                yield Button(_("Cancel esc"), compact=True, classes="work-cancel")
        yield Static("", classes="work-text")

    # -- the work's side (thread-safe) ----------------------------------------------------
    def cancelled(self) -> bool:
        """True once the user asked to stop (safe from any thread)."""
        return self._cancel.is_set()

    # -- the screen's side ------------------------------------------------------------------
    def start(self, total: int, template: str | None = None) -> None:
        """Show the bar at 0 of ``total`` and forget an earlier cancel."""
        if template is not None:
            self.template = template
        self._cancel.clear()
        self.done, self.total = 0, max(0, int(total))
        self.display = True
        for button in self.query(".work-cancel"):
            button.disabled = False
        self._render_counts()

    def update(self, done: int, total: int | None = None) -> None:
        if total is not None:
            self.total = max(0, int(total))
        self.done = max(0, int(done))
        self._render_counts()

    def request_cancel(self) -> bool:
        """Ask the work to stop; False when it cannot be cancelled (or already was)."""
        if not self.cancellable or not self.display or self._cancel.is_set():
            return False
        self._cancel.set()
        for button in self.query(".work-cancel"):
            button.disabled = True
        self._text(_("Cancelling..."))
        self.post_message(self.CancelRequested(self))
        return True

    def finish(self) -> None:
        self.display = False

    @property
    def text(self) -> str:
        """The counts line as shown (for tests)."""
        return str(self.query_one(".work-text", Static).render())

    # -- drawing ---------------------------------------------------------------------------
    def _render_counts(self) -> None:
        bar = self.query_one(ProgressBar)
        bar.update(total=max(1, self.total), progress=min(self.done, max(1, self.total)))
        if self._cancel.is_set():
            return
        line = _(self.template).format(done=number(self.done), total=number(self.total))
        if self.cancellable:
            line += " · " + _("esc cancels")
        self._text(line)

    def _text(self, line: str) -> None:
        self.query_one(".work-text", Static).update(Content(line))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.has_class("work-cancel"):
            event.stop()
            self.request_cancel()
