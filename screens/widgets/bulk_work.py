"""BulkWork: a dialog mixin that runs one bulk change (a use case taking ``progress`` and
``cancelled``) in a thread worker while its WorkProgress shows the counts.

The use case raises ``Cancelled`` inside its transaction when the user cancels (esc or
the bar's Cancel button), so a cancelled change leaves nothing behind. Usage::

    self.start_bulk(bar, N_("Changed {done} of {total} numbers"), total,
                    lambda progress, cancelled: use_case(..., progress=progress,
                                                        cancelled=cancelled),
                    done=self._saved, failed=self._failed, cancelled=self._cancelled)

and route the dialog's escape to ``cancel_bulk()`` while ``busy``. Each of the three
callbacks runs on the UI thread after the bar is hidden and ``busy`` is false again."""

from __future__ import annotations

from collections.abc import Callable

from textual import work

from screens.widgets.background import run_in_worker
from screens.widgets.work_progress import WorkProgress


class BulkWork:
    """Mix into a Screen (it uses ``self.app`` and ``run_worker``)."""

    busy: bool = False
    _bulk_bar: WorkProgress | None = None

    def start_bulk(self, bar: WorkProgress, template: str, total: int,
                   call: Callable[[Callable[[int, int], None], Callable[[], bool]], object],
                   *, done: Callable[[object], None], failed: Callable[[str], None],
                   cancelled: Callable[[], None]) -> None:
        self.busy = True
        self._bulk_bar = bar
        bar.start(total, template)
        self._bulk_worker(bar, call, done, failed, cancelled)

    @work(thread=True, exclusive=True, group="bulk-change")
    def _bulk_worker(self, bar: WorkProgress, call, done, failed, cancelled) -> None:
        def progress(count: int, total: int) -> None:
            self.app.call_from_thread(bar.update, count, total)

        def end(then):
            def finish(*args) -> None:
                self.busy = False
                bar.finish()
                then(*args)
            return finish

        run_in_worker(self.app, lambda: call(progress, bar.cancelled), end(done), end(failed),
                      on_cancel=end(cancelled))

    def cancel_bulk(self) -> bool:
        """Ask the running change to stop; False when none runs."""
        bar = self._bulk_bar
        return bool(self.busy and bar is not None and bar.request_cancel())


class BulkForm(BulkWork):
    """A form dialog (forwarding, limits) whose change of a selection runs as bulk work:
    the form is locked and the bar's Cancel focused meanwhile; a failure or a cancel is
    said on the dialog's message line (``self._message``); esc cancels the running
    change before it closes the dialog. Set ``FORM_FIELDS`` (selectors locked while
    busy), ``FORM_FOCUS`` (focused afterwards), ``PROGRESS`` (the WorkProgress) and
    ``NOTICE_TITLE`` (marked with N_)."""

    FORM_FIELDS: tuple[str, ...] = ()
    FORM_FOCUS = ""
    PROGRESS = ""
    NOTICE_TITLE = ""

    def start_form_bulk(self, template: str, call, done: Callable[[object], None]) -> None:
        self._message("")
        self._lock_form(True)
        self.start_bulk(self.query_one(self.PROGRESS, WorkProgress), template, len(self.ids),
                        call, done=lambda result: self._form_bulk_end(done, result),
                        failed=self._form_bulk_failed, cancelled=self._form_bulk_cancelled)

    def _lock_form(self, busy: bool) -> None:
        for selector in self.FORM_FIELDS:
            self.query_one(selector).disabled = busy
        if busy:
            self.query_one(f"{self.PROGRESS} .work-cancel").focus()
        else:
            self.query_one(self.FORM_FOCUS).focus()

    def _form_bulk_end(self, done, result) -> None:
        self._lock_form(False)
        done(result)

    def _form_bulk_failed(self, message: str) -> None:
        self._lock_form(False)
        self._message("x " + message)

    def _form_bulk_cancelled(self) -> None:
        from corptui.i18n import _

        self._lock_form(False)
        text = _("Cancelled: nothing was changed.")
        self._message(text)
        self.app.notify(text, title=_(self.NOTICE_TITLE), markup=False)

    def action_close(self) -> None:
        if self.busy:  # esc while a bulk change runs: cancel it (rolled back)
            self.cancel_bulk()
            return
        super().action_close()
