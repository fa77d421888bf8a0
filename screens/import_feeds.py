"""The feeds' import wizard (bank statements into payments, call records into calls):
1 choose a file (a path input completing directory entries, or a file picker), 2 the
preview (the whole file read and checked, nothing changed: totals, then every bad line,
unmatched payment or record, with its line number), 3 import in one transaction with a
progress bar, then the result with the file's SHA-256 (as the audit entry names it).

Reading and importing show a WorkProgress (Cancel, esc): a cancelled import is rolled
back. Dismisses with True when something was imported."""

from __future__ import annotations

import os

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, DirectoryTree, Input, Label, Static

from corptui import call_import, statement_import
from corptui.i18n import N_, _, money, number
from screens.actions.money import FEED_IMPORT
from screens.import_employees import FileTree, PathInput, PathSuggester
from screens.widgets.background import run_in_worker
from screens.widgets.registered import Registered
from screens.widgets.safe import plain, safe_text
from screens.widgets.virtual_table import Column, VirtualTable
from screens.widgets.work_progress import WorkProgress

COLUMNS = [
    Column("line", N_("Line"), 5),
    Column("text", N_("Entry"), 30, flex=3),
    Column("result", N_("Result"), 24, flex=2),
]
KINDS = {
    "payments": (N_("Import a bank statement"),
                 N_("1CClientBankExchange (Windows-1251) or CSV: number, date, amount, payer, "
                    "payer_inn, purpose[, account].")),
    "calls": (N_("Import call records"),
              N_("CSV or XLSX: record_id, started_at, number, direction, kind, counterpart, "
                 "duration_seconds, volume_kb, roaming (or an export's headers).")),
}


def payment_rows(prev) -> list[dict]:
    """The preview's lines: every bad line, then each payment with what happens to it
    (a text marker each: + a payment, ? unmatched, = imported before, - not a payment)."""
    rows = [{"line": str(e.line), "text": e.text, "result": "x " + e.error} for e in prev.errors]
    marks = {statement_import.NEW: "+", statement_import.UNMATCHED: "?",
             statement_import.ALREADY: "=", statement_import.DUPLICATE: "=",
             statement_import.OUTGOING: "-"}
    for e in prev.entries:
        text = f"№{e.document_no} {e.paid_on:%d.%m.%Y} {money(e.amount)} {e.payer}"
        if e.status == statement_import.NEW:
            result = _("to account {account}").format(account=e.account_number)
        elif e.status == statement_import.UNMATCHED:
            result = _("unmatched: {reason}").format(reason=e.reason_text)
        elif e.status == statement_import.OUTGOING:
            result = _("paid out: not a payment")
        elif e.status == statement_import.DUPLICATE:
            result = _("repeated in the file")
        else:
            result = _("imported before")
        rows.append({"line": str(e.line), "text": text, "result": f"{marks[e.status]} {result}"})
    return rows


def payment_totals(prev) -> str:
    t = prev.totals()
    matched = sum((e.amount for e in prev.matched), start=0)
    return _("{entries} payments: {matched} to accounts ({amount}), {unmatched} unmatched, "
             "{already} imported before, {errors} errors").format(
        entries=number(t["entries"]), matched=number(t["matched"]), amount=money(matched),
        unmatched=number(t["unmatched"]), already=number(t["already_imported"] + t["duplicates"]),
        errors=number(t["errors"]))


def call_rows(res) -> list[dict]:
    rows = [{"line": str(n), "text": t, "result": "x " + e} for n, t, e in res.errors]
    for r in res.sample:
        rows.append({"line": str(r["line"]),
                     "text": f"{r['started_at']:%Y-%m-%d %H:%M} {r['number']} {r['direction']} "
                             f"{r['kind']} {r['counterpart']}",
                     "result": "+ " + _("record {id}").format(id=r["record_id"])})
    return rows


def call_totals(res) -> str:
    return _("{records} records: {new} new, {skipped} imported before, {errors} errors").format(
        records=number(res.lines), new=number(res.inserted), skipped=number(res.skipped),
        errors=number(res.error_count))


class FeedImportScreen(Registered, ModalScreen):
    ACTIONS = FEED_IMPORT
    DEFAULT_CSS = """
    FeedImportScreen { align: center middle; }
    #feed-box { width: 100%; height: 100%; background: $surface; padding: 0 1; }
    #feed-title { height: 1; text-style: bold; background: $primary; color: $text; padding: 0 1; }
    .step { height: 1fr; }
    #feed-step-file Horizontal { height: auto; }
    #feed-path-label { width: 6; padding-top: 1; }
    #feed-path { width: 1fr; }
    #feed-file-error, #feed-error { height: auto; color: $error; text-style: bold; }
    #feed-tree { height: 1fr; border: round $panel; }
    #feed-hint, #feed-note { height: auto; color: $text-muted; }
    .buttons { height: 3; align: center middle; }
    .buttons Button { margin: 0 1; min-width: 12; }
    #feed-totals { height: auto; text-style: bold; }
    #feed-table { height: 1fr; }
    #feed-detail { height: 2; background: $boost; }
    #feed-read, #feed-progress { height: 2; }
    #feed-result { height: 1fr; padding: 1 1; }
    """

    def __init__(self, kind: str, start_dir: str = "."):
        super().__init__()
        self.kind = kind
        self.start_dir = start_dir
        self.prev = None
        self.rows: list[dict] = []
        self.busy = False
        self.imported = False

    def compose(self) -> ComposeResult:
        title, hint = KINDS[self.kind]
        with Vertical(id="feed-box"):
            yield Static("", id="feed-title")
            with Vertical(id="feed-step-file", classes="step"):
                with Horizontal():
                    yield Label(_("File:"), id="feed-path-label")
                    yield PathInput(placeholder=_("path to the file"), suggester=PathSuggester(),
                                    id="feed-path")
                yield Static("", id="feed-file-error")
                yield Static(Content(_(hint)), id="feed-hint")
                yield FileTree(self.start_dir, id="feed-tree")
                yield WorkProgress(N_("Read {done} of {total}"), id="feed-read")
                with Horizontal(classes="buttons"):
                    yield Button(_("Preview"), variant="primary", id="feed-do-preview")
                    yield Button(_("Cancel"), id="feed-cancel")
            with Vertical(id="feed-step-preview", classes="step"):
                yield Static("", id="feed-totals")
                yield VirtualTable(COLUMNS, self._fetch, checkboxes=False,
                                   empty_text=_("No lines to show."), id="feed-table")
                yield Static("", id="feed-detail")
                yield Static("", id="feed-note")
                yield Static("", id="feed-error")
                yield WorkProgress(N_("Imported {done} of {total}"), id="feed-progress")
                with Horizontal(classes="buttons"):
                    yield Button(_("Import"), variant="primary", id="feed-apply")
                    yield Button(_("Back"), id="feed-back")
            with Vertical(id="feed-step-result", classes="step"):
                yield Static("", id="feed-result")
                with Horizontal(classes="buttons"):
                    yield Button(_("Close"), variant="primary", id="feed-close")

    def on_mount(self) -> None:
        self.watch(self.query_one("#feed-table", VirtualTable), "cursor", self._show_detail,
                   init=False)
        for wid in ("#feed-file-error", "#feed-error"):
            self.query_one(wid).display = False
        self.query_one("#feed-read", WorkProgress).finish()
        if self.start_dir in (".", ""):
            self.query_one(DirectoryTree).root.set_label(Text(_("(current folder)")))
        self.show_step("file")

    @property
    def step(self) -> str:
        for name in ("file", "preview", "result"):
            if self.query_one(f"#feed-step-{name}").display:
                return name
        return "file"

    def show_step(self, name: str) -> None:
        title = _(KINDS[self.kind][0])
        steps = {"file": _("step 1 of 3: choose a file (esc cancels)"),
                 "preview": _("step 2 of 3: preview (nothing is changed yet)"),
                 "result": _("step 3 of 3: done")}
        for step in steps:
            self.query_one(f"#feed-step-{step}").display = step == name
        self.query_one("#feed-title", Static).update(Content(f"{title} · {steps[name]}"))
        if name == "file":
            self.query_one("#feed-path", Input).focus()
        elif name == "preview":
            self.query_one("#feed-progress", WorkProgress).finish()
            self.query_one("#feed-table", VirtualTable).focus()
        else:
            self.query_one("#feed-close", Button).focus()

    # -- step 1 ---------------------------------------------------------------------------
    def set_file_error(self, message: str) -> None:
        error = self.query_one("#feed-file-error", Static)
        error.update(plain(("x " + message) if message else ""))
        error.display = bool(message)

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        path = self.query_one("#feed-path", Input)
        path.value = str(event.path)
        self.start_preview()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "feed-path":
            self.start_preview()

    def start_preview(self) -> None:
        if self.busy:
            return
        value = self.query_one("#feed-path", Input).value.strip()
        if not value:
            self.set_file_error(_("Type the path of a file, or pick one below."))
            return
        self.busy = True
        self.set_file_error("")
        self.query_one("#feed-hint", Static).update(
            Content(_("Reading {safe_text} ...").format(safe_text=safe_text(value))))
        bar = self.query_one("#feed-read", WorkProgress)
        bar.start(0)
        self._preview_worker(os.path.expanduser(value), bar.cancelled)

    @work(thread=True, exclusive=True, group="feed-preview")
    def _preview_worker(self, path: str, cancelled) -> None:
        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self.query_one("#feed-read", WorkProgress).update,
                                      done, total)

        module = statement_import if self.kind == "payments" else call_import
        run_in_worker(self.app, lambda: module.preview(self.app.session, path,
                                                       progress=progress, cancelled=cancelled),
                      self._show_preview, self._preview_failed,
                      on_cancel=lambda: self._preview_failed(""))

    def _preview_failed(self, message: str) -> None:
        self.busy = False
        self.query_one("#feed-read", WorkProgress).finish()
        self.query_one("#feed-hint", Static).update(Content(_(KINDS[self.kind][1])))
        self.set_file_error(message)
        self.query_one("#feed-path", Input).focus()

    # -- step 2 ---------------------------------------------------------------------------
    def _show_preview(self, prev) -> None:
        self.busy = False
        self.prev = prev
        self.query_one("#feed-read", WorkProgress).finish()
        self.query_one("#feed-hint", Static).update(Content(_(KINDS[self.kind][1])))
        payments = self.kind == "payments"
        self.rows = payment_rows(prev) if payments else call_rows(prev)
        totals = payment_totals(prev) if payments else call_totals(prev)
        self.query_one("#feed-totals", Static).update(plain(
            _("File: {file_name}").format(file_name=prev.file_name) + "\n" + totals,
            multiline=True))
        errors = prev.error_count
        note = (_("Import is off: the file has errors (x). Fix the file and preview it again.")
                if errors else _("Nothing is changed until Import."))
        self.query_one("#feed-note", Static).update(Content(note))
        self.query_one("#feed-apply", Button).disabled = bool(errors)
        self.query_one("#feed-error").display = False
        self.show_step("preview")
        table = self.query_one("#feed-table", VirtualTable)
        table.invalidate()
        table.set_ids(list(range(len(self.rows))))
        self._show_detail()

    def _show_detail(self, _cursor=None) -> None:
        """The whole entry under the cursor and its whole result (the table cuts them)."""
        index = self.query_one("#feed-table", VirtualTable).cursor
        detail = self.query_one("#feed-detail", Static)
        if not 0 <= index < len(self.rows):
            detail.update("")
            return
        row = self.rows[index]
        detail.update(plain(_("Line {line}: {text}\n{result_text}").format(
            line=row["line"], text=row["text"], result_text=row["result"]), multiline=True))

    def _fetch(self, ids: list[int]) -> dict[int, dict]:
        return {i: self.rows[i] for i in ids if 0 <= i < len(self.rows)}

    # -- step 3 ---------------------------------------------------------------------------
    def start_apply(self) -> None:
        if self.prev is None or self.busy or self.prev.error_count:
            return
        self.busy = True
        self.query_one("#feed-apply", Button).disabled = True
        bar = self.query_one("#feed-progress", WorkProgress)
        bar.start(0)
        self._apply_worker(self.prev, bar.cancelled)

    @work(thread=True, exclusive=True, group="feed-apply")
    def _apply_worker(self, prev, cancelled) -> None:
        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self.query_one("#feed-progress", WorkProgress).update,
                                      done, total)

        module = statement_import if self.kind == "payments" else call_import
        run_in_worker(self.app, lambda: module.apply(self.app.session, prev, progress=progress,
                                                     cancelled=cancelled),
                      self._show_result, self._apply_failed,
                      on_cancel=lambda: self._apply_failed(
                          _("The import was cancelled and rolled back.")))

    def _apply_failed(self, message: str) -> None:
        self.busy = False
        self.query_one("#feed-progress", WorkProgress).finish()
        error = self.query_one("#feed-error", Static)
        error.update(plain(_("x {message} Nothing was changed.").format(message=message)))
        error.display = True
        self.query_one("#feed-apply", Button).disabled = False

    def _show_result(self, res) -> None:
        self.busy = False
        self.imported = True
        if self.kind == "payments":
            lines = [_("Imported {file}.").format(file=res.file_name), "", payment_totals(res)]
            if res.unmatched:
                lines += ["", _("Unmatched payments are kept: `corptui payments unmatched` "
                                "lists them, `corptui payments assign` puts one on an account.")]
        else:
            lines = [_("Imported {file}.").format(file=res.file_name), "", call_totals(res)]
            if res.months:
                lines += [_("Months rated again: {months}").format(
                    months=", ".join(m.strftime("%Y-%m") for m in res.months))]
        lines += ["", _("SHA-256: {digest}").format(digest=res.digest),
                  _("The import is in the audit log.")]
        self.query_one("#feed-result", Static).update(plain("\n".join(lines), multiline=True))
        self.show_step("result")

    # -- buttons and keys -------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        bid = event.button.id
        if bid == "feed-do-preview":
            self.start_preview()
        elif bid == "feed-apply":
            self.start_apply()
        elif bid == "feed-back":
            self.action_back()
        elif bid == "feed-cancel":
            self.action_back()
        elif bid == "feed-close":
            self.dismiss(self.imported)

    def action_back(self) -> None:
        if self.busy:
            for bar in self.query(WorkProgress):
                if bar.display and bar.request_cancel():
                    return
            return
        if self.step == "preview":
            self.prev = None
            self.rows = []
            self.show_step("file")
        else:
            self.dismiss(self.imported)
