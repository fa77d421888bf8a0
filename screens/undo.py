"""Undo of the last bulk change: a dialog that finds the user's last undoable change,
shows what undo would restore and which numbers changed since (kept as they are), and
undoes it on Undo (or u) in a thread worker with a WorkProgress (counts, Cancel, esc: a
cancel rolls it back). Dismisses True if undone, False otherwise."""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from corptui import undo as undo_uc
from corptui.errors import CorptuiError
from corptui.i18n import N_, _, ngettext, number
from corptui.phones import format_msisdn
from screens.actions.common import UNDO
from screens.widgets.bulk_work import BulkWork
from screens.widgets.registered import Registered
from screens.widgets.safe import plain
from screens.widgets.work_progress import WorkProgress

SHOWN = 50  # changed-since numbers listed; the rest is a count


def _numbers(n: int) -> str:
    """"1 number" / "5 numbers" ("1 номер" / "5 номеров")."""
    return ngettext("{n} number", "{n} numbers", n).format(n=number(n))


def ago(at, now=None) -> str:
    """How long ago, in words ("just now", "5 min ago", "3 h ago")."""
    minutes = int(((now or dt.datetime.now(dt.UTC)) - at).total_seconds() // 60)
    if minutes < 1:
        return _("just now")
    if minutes < 60:
        return _("{minutes} min ago").format(minutes=minutes)
    return _("{hours} h {minutes} min ago").format(hours=minutes // 60,
                                                   minutes=f"{minutes % 60:02d}")


def preview_text(preview: dict) -> str:
    when = ago(preview["at"])
    actor = preview["actor"] or "?"
    who = format_msisdn(actor) if actor.isdigit() else actor
    restorable = preview["restorable"]
    lines = [_("Undo the {label} made {when} by {who}?").format(
                 label=preview["label"], when=when, who=who),
             ngettext("{n} number gets its previous value back.",
                      "{n} numbers get their previous values back.",
                      restorable).format(n=number(restorable))]
    changed = preview["changed_since"]
    if changed:
        lines.append(_("{plural} changed since, left as they are:").format(plural=_numbers(len(changed))))
        lines += [f"  {c['number']}: {c['what']}" for c in changed[:SHOWN]]
        if len(changed) > SHOWN:
            lines.append(_("  ... and {value} more").format(value=number(len(changed) - SHOWN)))
    return "\n".join(lines)


class UndoDialog(Registered, BulkWork, ModalScreen[bool]):
    """The preview of undoing the last bulk change (of this user, or anyone's for an
    owner); ``operation`` picks another one."""

    ACTIONS = UNDO
    DEFAULT_CSS = """
    UndoDialog { align: center middle; }
    #undo-box { width: 76; max-width: 100%; height: auto; max-height: 22;
                border: round $warning; background: $surface; padding: 0 1; }
    #undo-scroll { height: auto; max-height: 15; }
    #undo-text { height: auto; }
    #undo-error { height: auto; color: $error; text-style: bold; }
    #undo-progress { height: 2; }
    #undo-buttons { height: 3; align: center middle; }
    #undo-buttons Button { margin: 0 1; }
    """

    def __init__(self, operation: str | None = None):
        super().__init__()
        self.operation = operation
        self.preview: dict | None = None
        self.message = ""

    def _load(self) -> None:
        session = self.app.session
        try:
            op = self.operation or undo_uc.last_undoable(session)
            if op is None:
                self.message = _("Nothing to undo: no bulk change of yours in the last 24 hours.")
                return
            self.operation = op
            self.preview = undo_uc.preview_undo(session, op)
        except CorptuiError as exc:
            self.message = exc.message

    def compose(self) -> ComposeResult:
        self._load()
        with Vertical(id="undo-box"):
            yield Static(_("Undo the last bulk change"), id="undo-title")
            with VerticalScroll(id="undo-scroll"):
                text = preview_text(self.preview) if self.preview else self.message
                yield Static(plain(text, multiline=True), id="undo-text")
            yield Static("", id="undo-error")
            yield WorkProgress(id="undo-progress")
            with Horizontal(id="undo-buttons"):
                if self.preview:
                    yield Button(_("Undo (u)"), variant="warning", id="undo")
                yield Button(_("Cancel (esc)") if self.preview else _("Close (esc)"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#undo-error").display = False
        self.query_one("#undo-progress", WorkProgress).finish()
        self.query_one("#undo" if self.preview else "#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "undo":
            self.action_undo()
        else:
            self.action_cancel()

    def action_undo(self) -> None:
        if not self.preview or self.busy:
            return
        session = self.app.session.with_source("tui undo")
        operation = self.operation
        self.query_one("#undo-error").display = False
        self.query_one("#undo", Button).disabled = True
        self.start_bulk(self.query_one("#undo-progress", WorkProgress),
                        N_("Restored {done} of {total} numbers"), self.preview["restorable"],
                        lambda progress, cancelled: undo_uc.undo(
                            session, operation, progress=progress, cancelled=cancelled),
                        done=self._undone, failed=self._failed, cancelled=self._cancelled)
        self.query_one("#undo-progress .work-cancel", Button).focus()

    def _undone(self, result: dict) -> None:
        restored = _numbers(result["restored"])
        kept = len(result["changed_since"])
        text = (_("Undone: {restored} restored; {kept} changed since kept").format(
                    restored=restored, kept=_numbers(kept)) if kept else
                _("Undone: {restored} restored").format(restored=restored))
        self.app.notify(text, title=_("Undo"))
        self.dismiss(True)

    def _failed(self, message: str) -> None:
        error = self.query_one("#undo-error", Static)
        error.update(plain("x " + message))
        error.display = True
        self.query_one("#undo", Button).disabled = False
        self.query_one("#undo", Button).focus()

    def _cancelled(self) -> None:
        self._failed(_("Cancelled: nothing was changed."))

    def action_cancel(self) -> None:
        if self.busy:  # esc while undoing: stop it (rolled back)
            self.cancel_bulk()
            return
        self.dismiss(False)
