"""Employee import wizard: 1 choose a file (a path input completing directory entries, or
a file picker), 2 preview every line with its result and the totals, 3 apply in one
transaction with a progress bar, then the result. Nothing changes before Apply.

Reading the file and applying it show a WorkProgress (counts, Cancel, esc): a cancelled
read goes back to the file step; a cancelled apply is rolled back (one transaction), so
nothing is changed either way.

Dismisses with True when an import was applied, False otherwise."""

from __future__ import annotations

import os

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Checkbox, DirectoryTree, Input, Label, Static

from corptui import importer
from corptui.i18n import N_, _, ngettext, number
from screens.actions.numbers import IMPORT
from screens.widgets.background import run_in_worker
from screens.widgets.registered import Registered
from screens.widgets.safe import plain, safe_text
from screens.widgets.virtual_table import Column, VirtualTable
from screens.widgets.work_progress import WorkProgress

PREVIEW_COLUMNS = [
    Column("line", N_("Line"), 5),
    Column("text", N_("Number / text"), 22, flex=2),
    Column("result", N_("Result"), 24, flex=3),
]

SEPARATORS = {",": N_("comma"), ";": N_("semicolon"), "\t": N_("tab")}


def separator_name(delimiter: str) -> str:
    return _(SEPARATORS[delimiter]) if delimiter in SEPARATORS else repr(delimiter)


def result_text(line, full: bool = False) -> str:
    """The result of one line, readable without colour: a marker and the words. In the
    table an update shows what it replaces (the new value is in the text column)."""
    if line.status == importer.UPDATE:
        if full:
            return "+ " + _("update: {what}").format(what=line.description)
        was = []
        if line.full_name != line.old_full_name:
            was.append(line.old_full_name or _("(no name)"))
        if line.position is not None and line.position != line.old_position:
            was.append(_("position {old}").format(old=line.old_position or _("(none)")))
        return "+ " + _("update, was: {old}").format(old="; ".join(was))
    if line.status == importer.UNCHANGED:
        return "= " + _("unchanged")
    label = _(importer.STATUS_LABELS.get(line.status, line.status))
    if line.message and line.message != label:
        return f"x {label}: {line.message}"
    return f"x {label}"


def totals_text(preview) -> str:
    """'12 lines: 5 update, 3 unchanged, 4 errors (2 unknown number, ...)'."""
    errors = preview.error_count
    lines = ngettext("{n} line", "{n} lines", preview.total).format(n=number(preview.total))
    parts = [lines + ": " + _("{n} to update").format(n=number(preview.updated)),
             _("{n} unchanged").format(n=number(preview.unchanged)),
             ngettext("{n} error", "{n} errors", errors).format(n=number(errors))]
    text = ", ".join(parts)
    if errors:
        # TRANSLATORS: a count of error lines of one kind, e.g. "2 unknown number"
        kinds = [_("{n} {kind}").format(n=number(n), kind=_(importer.STATUS_LABELS[s]))
                 for s, n in preview.totals.items() if n and s not in importer.OK_STATUSES]
        text += " (" + ", ".join(kinds) + ")"
    text += " · " + _("encoding {encoding}").format(encoding=preview.encoding)
    text += " · " + _("separator {name}").format(name=separator_name(preview.delimiter))
    if preview.header_skipped:
        text += " · " + _("header line skipped")
    return text


class PathSuggester(Suggester):
    """Completes the last part of a path with the entries of its directory (folders get
    a trailing slash). Case-sensitive: a path is completed as typed."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return complete_path(value)


def complete_path(value: str) -> str | None:
    if not value:
        return None
    head, tail = os.path.split(value)
    folder = os.path.expanduser(head) if head else "."
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return None
    if not tail.startswith("."):
        names = [n for n in names if not n.startswith(".")]
    matches = [n for n in names if n.startswith(tail)]
    if not matches:
        return None
    if len(matches) > 1:
        common = os.path.commonprefix(matches)
        if len(common) > len(tail):
            return value + common[len(tail):]
    name = matches[0]
    full = os.path.join(head, name) if head else name
    if os.path.isdir(os.path.join(folder, name)):
        full += os.sep
    return full if len(full) > len(value) else None


class PathInput(Input):
    """Tab or right arrow (at the end) accepts the completion; tab without one moves on."""

    BINDINGS = [Binding("tab", "accept_completion", N_("Complete"), show=False)]

    def action_accept_completion(self) -> None:
        suggestion = self._suggestion
        if suggestion and len(suggestion) > len(self.value) and self.cursor_at_end:
            self.value = suggestion
            self.cursor_position = len(self.value)
        else:
            self.screen.focus_next()


class FileTree(DirectoryTree):
    """The file picker, without hidden (dot) entries."""

    def filter_paths(self, paths):
        return [p for p in paths if not p.name.startswith(".")]


class MarkCheckbox(Checkbox):
    """A checkbox whose state is readable without colour: X when on, blank when off."""

    @property
    def _button(self):
        self.BUTTON_INNER = "X" if self.value else " "
        return super()._button


class ImportScreen(Registered, ModalScreen):
    ACTIONS = IMPORT
    DEFAULT_CSS = """
    ImportScreen { align: center middle; }
    #import-box { width: 100%; height: 100%; background: $surface; padding: 0 1; }
    #import-title { height: 1; text-style: bold; background: $primary; color: $text; padding: 0 1; }
    .step { height: 1fr; }
    #step-file Horizontal { height: auto; }
    #path-label { width: 6; padding-top: 1; }
    #path { width: 1fr; }
    #file-error { height: auto; color: $error; text-style: bold; }
    #file-tree { height: 1fr; border: round $panel; }
    #file-hint { height: auto; color: $text-muted; }
    .buttons { height: 3; align: center middle; }
    .buttons Button { margin: 0 1; min-width: 12; }
    #preview-file { height: 1; }
    #preview-totals { height: auto; text-style: bold; }
    #preview-options { height: 1; }
    #preview-options Checkbox { border: none; padding: 0; margin-right: 2; height: 1; }
    #preview-table { height: 1fr; }
    #preview-detail { height: 2; background: $boost; }
    #apply-note { height: auto; text-style: italic; }
    #apply-error { height: auto; color: $error; text-style: bold; }
    #apply-progress, #read-progress { height: 2; }
    #result-text { height: 1fr; padding: 1 1; }
    """

    def __init__(self, start_dir: str = "."):
        super().__init__()
        self.start_dir = start_dir
        self.preview: importer.ImportPreview | None = None
        self.shown: list = []
        self.result: importer.ImportResult | None = None
        self.busy = False
        self.applied = False

    # -- layout ---------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="import-box"):
            yield Static("", id="import-title")
            with Vertical(id="step-file", classes="step"):
                with Horizontal():
                    yield Label(_("File:"), id="path-label")
                    yield PathInput(placeholder=_("path to a .csv or .txt file"),
                                    suggester=PathSuggester(), id="path")
                yield Static("", id="file-error")
                yield Static(Content(_("Tab or -> completes the path; or pick a file below. "
                                     "Lines: phone, full name[, position].")), id="file-hint")
                yield FileTree(self.start_dir, id="file-tree")
                yield WorkProgress(N_("Read {done} of {total} lines"), id="read-progress")
                with Horizontal(classes="buttons"):
                    yield Button(_("Preview"), variant="primary", id="do-preview")
                    yield Button(_("Cancel"), id="cancel")
            with Vertical(id="step-preview", classes="step"):
                yield Static("", id="preview-file")
                yield Static("", id="preview-totals")
                with Horizontal(id="preview-options"):
                    yield MarkCheckbox(_("Errors only (e)"), id="errors-only")
                    yield MarkCheckbox(_("Skip error lines (s)"), id="skip-errors")
                yield VirtualTable(PREVIEW_COLUMNS, self._fetch, checkboxes=False,
                                   empty_text=_("No lines to show."), id="preview-table")
                yield Static("", id="preview-detail")
                yield Static("", id="apply-note")
                yield Static("", id="apply-error")
                yield WorkProgress(N_("Imported {done} of {total} lines"), id="apply-progress")
                with Horizontal(classes="buttons"):
                    yield Button(_("Apply"), variant="primary", id="apply")
                    yield Button(_("Back"), id="back")
                    yield Button(_("Cancel"), id="cancel-preview")
            with Vertical(id="step-result", classes="step"):
                yield Static("", id="result-text")
                with Horizontal(classes="buttons"):
                    yield Button(_("Close"), variant="primary", id="close")

    def on_mount(self) -> None:
        self.watch(self.query_one("#preview-table", VirtualTable), "cursor",
                   self._show_detail, init=False)
        self.query_one("#file-error").display = False
        self.query_one("#apply-error").display = False
        self.query_one("#read-progress", WorkProgress).finish()
        if self.start_dir in (".", ""):
            self.query_one(DirectoryTree).root.set_label(Text(_("(current folder)")))
        self.show_step("file")

    @property
    def step(self) -> str:
        for name in ("file", "preview", "result"):
            if self.query_one(f"#step-{name}").display:
                return name
        return "file"

    def show_step(self, name: str) -> None:
        titles = {"file": _("Import employees · step 1 of 3: choose a file (esc cancels)"),
                  "preview": _("Import employees · step 2 of 3: preview "
                               "(nothing is changed yet)"),
                  "result": _("Import employees · step 3 of 3: done")}
        for step in ("file", "preview", "result"):
            self.query_one(f"#step-{step}").display = step == name
        self.query_one("#import-title", Static).update(Content(titles[name]))
        if name == "file":
            self.query_one("#path", Input).focus()
        elif name == "preview":
            self.query_one("#apply-progress", WorkProgress).finish()
            self.query_one("#preview-table", VirtualTable).focus()
        else:
            self.query_one("#close", Button).focus()

    # -- step 1: the file -------------------------------------------------------------
    def set_file_error(self, message: str) -> None:
        error = self.query_one("#file-error", Static)
        error.update(plain(("x " + message) if message else ""))
        error.display = bool(message)

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        path = self.query_one("#path", Input)
        path.value = str(event.path)
        path.cursor_position = len(path.value)
        self.start_preview()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "path":
            self.start_preview()

    def start_preview(self) -> None:
        if self.busy:
            return
        value = self.query_one("#path", Input).value.strip()
        if not value:
            self.set_file_error(_("Type the path of a file, or pick one below."))
            return
        path = os.path.expanduser(value)
        self.busy = True
        self.set_file_error("")
        self.query_one("#file-hint", Static).update(Content(_("Reading {safe_text} ...").format(safe_text=safe_text(value))))
        bar = self.query_one("#read-progress", WorkProgress)
        bar.start(0)
        self._preview_worker(path, bar.cancelled)

    @work(thread=True, exclusive=True, group="import-preview")
    def _preview_worker(self, path: str, cancelled) -> None:
        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._read_progress, done, total)

        run_in_worker(self.app, lambda: importer.preview(self.app.session, path,
                                                         progress=progress, cancelled=cancelled),
                      self._show_preview, self._preview_failed,
                      on_cancel=lambda: self._preview_failed(""))

    def _read_progress(self, done: int, total: int) -> None:
        self.query_one("#read-progress", WorkProgress).update(done, total)

    def _preview_failed(self, message: str) -> None:
        """The read failed (``message``) or was cancelled (no message): back to step 1."""
        self.busy = False
        self.query_one("#read-progress", WorkProgress).finish()
        if not message:
            self.app.notify(_("Reading the file was cancelled: nothing was changed."),
                            title=_("Cancelled"))
        self.query_one("#file-hint", Static).update(
            Content(_("Tab or -> completes the path; or pick a file below.")))
        self.set_file_error(message)
        self.query_one("#path", Input).focus()

    # -- step 2: the preview ------------------------------------------------------------
    def _show_preview(self, preview) -> None:
        self.busy = False
        self.query_one("#read-progress", WorkProgress).finish()
        self.preview = preview
        self.query_one("#file-hint", Static).update(
            Content(_("Tab or -> completes the path; or pick a file below.")))
        self.query_one("#preview-file", Static).update(
            plain(_("File: {file_name}").format(file_name=preview.file_name)))
        self.query_one("#preview-totals", Static).update(plain(totals_text(preview)))
        self.query_one("#apply-error", Static).update("")
        self.query_one("#apply-error").display = False
        self.query_one("#errors-only", Checkbox).value = False
        self.query_one("#skip-errors", Checkbox).value = False
        self.show_step("preview")
        self.refresh_lines()
        self.update_apply()

    def refresh_lines(self) -> None:
        if self.preview is None:
            return
        errors_only = self.query_one("#errors-only", Checkbox).value
        lines = self.preview.lines
        self.shown = [ln for ln in lines if not ln.ok] if errors_only else lines
        table = self.query_one("#preview-table", VirtualTable)
        table.invalidate()  # ids are positions in self.shown: the rows behind them change
        table.set_ids(list(range(len(self.shown))))
        self._show_detail()

    def _show_detail(self, _cursor=None) -> None:
        """The whole line under the cursor and its whole result (the table truncates)."""
        detail = self.query_one("#preview-detail", Static)
        index = self.query_one("#preview-table", VirtualTable).cursor
        if not 0 <= index < len(self.shown):
            detail.update("")
            return
        ln = self.shown[index]
        detail.update(plain(_("Line {line}: {text}\n{result_text}").format(line=ln.line, text=ln.text, result_text=result_text(ln, full=True)),
                            multiline=True))

    def _fetch(self, ids: list[int]) -> dict[int, dict]:
        out = {}
        for i in ids:
            if 0 <= i < len(self.shown):
                ln = self.shown[i]
                out[i] = {"line": str(ln.line), "text": ln.text, "result": result_text(ln)}
        return out

    def can_apply(self) -> bool:
        if self.preview is None or self.busy:
            return False
        return not self.preview.error_count or self.query_one("#skip-errors", Checkbox).value

    def update_apply(self) -> None:
        self.query_one("#apply", Button).disabled = not self.can_apply()
        note = self.query_one("#apply-note", Static)
        blocked = (self.preview is not None and self.preview.error_count
                   and not self.query_one("#skip-errors", Checkbox).value)
        note.update(Content(_("Apply is off: the file has errors. Fix the file, or skip the "
                            "error lines (s).")) if blocked else "")
        note.display = bool(blocked)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "errors-only":
            self.refresh_lines()
        elif event.checkbox.id == "skip-errors":
            self.update_apply()

    def action_toggle_errors(self) -> None:
        if self.step == "preview" and not self.busy:
            self.query_one("#errors-only", Checkbox).toggle()

    def action_toggle_skip(self) -> None:
        if self.step == "preview" and not self.busy:
            self.query_one("#skip-errors", Checkbox).toggle()

    # -- step 3: apply --------------------------------------------------------------------
    def start_apply(self) -> None:
        if not self.can_apply():
            return
        self.busy = True
        self.update_apply()
        bar = self.query_one("#apply-progress", WorkProgress)
        bar.start(self.preview.updated)
        self.query_one("#apply-error").display = False
        skip = self.query_one("#skip-errors", Checkbox).value
        self._apply_worker(self.preview, skip, bar.cancelled)

    @work(thread=True, exclusive=True, group="import-apply")
    def _apply_worker(self, preview, skip: bool, cancelled) -> None:
        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, done, total)

        run_in_worker(self.app, lambda: importer.apply(self.app.session, preview,
                                                       skip_errors=skip, progress=progress,
                                                       cancelled=cancelled),
                      self._show_result, self._apply_failed,
                      on_cancel=lambda: self._apply_failed(
                          _("The import was cancelled and rolled back.")))

    def _progress(self, done: int, total: int) -> None:
        self.query_one("#apply-progress", WorkProgress).update(done, total)

    def _apply_failed(self, message: str) -> None:
        self.busy = False
        self.query_one("#apply-progress", WorkProgress).finish()
        error = self.query_one("#apply-error", Static)
        error.update(plain(_("x {message} Nothing was changed.").format(message=message)))
        error.display = True
        self.update_apply()

    def _show_result(self, result) -> None:
        self.busy = False
        self.applied = True
        self.result = result
        counts = [(_("Names updated:"), result.updated), (_("Unchanged:"), result.unchanged),
                  (_("Error lines skipped:"), result.skipped),
                  (_("Lines in the file:"), result.total)]
        width = max(len(label) for label, _n in counts) + 1
        lines = [_("Imported {file}.").format(file=result.file_name), ""]
        lines += [f"{label:<{width}}{number(n)}" for label, n in counts]
        lines += ["", _("The change is in the audit log (operation {operation}).").format(
            operation=result.operation)]
        self.query_one("#result-text", Static).update(plain("\n".join(lines), multiline=True))
        self.show_step("result")

    # -- buttons and keys -------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        bid = event.button.id
        if bid == "do-preview":
            self.start_preview()
        elif bid == "apply":
            self.start_apply()
        elif bid == "back":
            self.action_back()
        elif bid in ("cancel", "cancel-preview"):
            if self.busy:
                self.cancel_work()
            else:
                self.dismiss(False)
        elif bid == "close":
            self.dismiss(self.applied)

    def cancel_work(self) -> bool:
        """Ask the running read or apply to stop (both are safe to stop)."""
        for bar in self.query(WorkProgress):
            if bar.display and bar.request_cancel():
                return True
        return False

    def action_back(self) -> None:
        if self.busy:
            self.cancel_work()
            return
        step = self.step
        if step == "preview":
            self.preview = None
            self.shown = []
            self.show_step("file")
        elif step == "result":
            self.dismiss(self.applied)
        else:
            self.dismiss(False)
