"""Numbers console dialogs: select by a pasted list (or a file), save a view, open a
saved view."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from corptui import numbers as numbers_uc
from corptui import views as views_uc
from corptui.errors import CorptuiError, ValidationError
from corptui.i18n import N_, _, state_label
from screens.actions.numbers import SAVE_VIEW, SELECT_BY_LIST, VIEWS
from screens.widgets.registered import Registered
from screens.widgets.safe import plain, safe_text
from screens.widgets.virtual_table import Column, VirtualTable

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 76; height: 22; border: round $primary; background: $surface;
    padding: 0 1; }}
{name} .buttons {{ height: 3; align: center middle; }}
{name} .buttons Button {{ margin: 0 1; }}
{name} .message {{ height: auto; text-style: bold; }}
"""


class SelectByListDialog(Registered, ModalScreen):
    """Paste numbers or read them from a file; returns the ids found (and whether to
    replace the selection), or None."""

    ACTIONS = SELECT_BY_LIST
    DEFAULT_CSS = DIALOG_CSS.format(name="SelectByListDialog") + """
    SelectByListDialog TextArea { height: 7; }
    SelectByListDialog #list-file { width: 1fr; }
    SelectByListDialog #list-problems { height: 1fr; }
    SelectByListDialog Horizontal { height: auto; }
    SelectByListDialog Horizontal Label { padding-top: 1; width: 8; }
    """

    def __init__(self):
        super().__init__()
        self.result: numbers_uc.ListSelection | None = None
        self._checked_text: str | None = None  # the list self.result is of
        self._pending_replace: bool | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Paste numbers (any format; newlines, commas, semicolons or spaces)"
                         " or give a file. ctrl+s selects."), markup=False)
            yield TextArea(id="list-text")
            with Horizontal():
                yield Label(_("File"))
                yield Input(placeholder=_("path of a text/CSV file (optional)"), id="list-file")
            yield Static("", classes="message", id="list-message")
            yield VirtualTable([Column("line", N_("Line"), 5), Column("text", N_("Text"), 20, flex=1),
                                Column("reason", N_("Problem"), 20, flex=1)],
                               self._problem_rows, checkboxes=False, id="list-problems",
                               empty_text=_("Problems with the list are shown here."))
            with Horizontal(classes="buttons"):
                yield Button(_("Add to selection"), variant="primary", id="add")
                yield Button(_("Replace selection"), id="replace")
                yield Button(_("Cancel"), id="cancel")

    def _problem_rows(self, ids):
        rows = {}
        problems = self._problems()
        for i in ids:
            if i < len(problems):
                line, text, reason = problems[i]
                rows[i] = {"line": str(line), "text": text, "reason": reason}
        return rows

    def _problems(self):
        if self.result is None:
            return []
        return sorted([(ln, t, _("not in this company")) for ln, t in self.result.not_found]
                      + list(self.result.invalid)
                      + [(ln, t, _("repeats line {line}").format(line=first))
                         for ln, t, first in self.result.repeated])

    def on_mount(self) -> None:
        self.query_one("#list-text").focus()

    def _read(self) -> str:
        path = self.query_one("#list-file", Input).value.strip()
        text = self.query_one("#list-text", TextArea).text
        if path:
            p = Path(path).expanduser()
            try:
                if p.stat().st_size > numbers_uc.MAX_LIST_BYTES:
                    raise ValidationError(_("the file is over 20 MB"), "file")
                data = p.read_bytes()
            except FileNotFoundError:
                raise ValidationError(_("no such file: {path}").format(path=path), "file") from None
            except IsADirectoryError:
                raise ValidationError(_("{path} is a folder, not a file").format(path=path), "file") from None
            except PermissionError:
                raise ValidationError(_("cannot read {path}: permission denied").format(path=path), "file") from None
            if b"\x00" in data:
                raise ValidationError(_("{path} is not a text file").format(path=path), "file")
            try:
                from corptui.importer import decode

                file_text, _unused = decode(data, path)
            except ImportError:  # pragma: no cover
                file_text = data.decode("utf-8", "replace")
            text = (text + "\n" + file_text) if text.strip() else file_text
        return text

    def action_select(self, replace: bool = False) -> None:
        """Check the list; with no problems select the numbers found at once. With
        problems they are listed first; the same key or button again (the list
        unchanged) selects the numbers found."""
        message = self.query_one("#list-message", Static)
        try:
            text = self._read()
        except CorptuiError as exc:
            message.update(plain("x " + exc.message))
            return
        if (self.result is not None and self._problems() and text == self._checked_text
                and self._pending_replace == replace and self.result.ids):
            self.dismiss({"ids": self.result.ids, "replace": replace,
                          "summary": self.result.summary()})
            return
        try:
            self.result = numbers_uc.select_by_list(self.app.session, text)
        except CorptuiError as exc:
            message.update(plain("x " + exc.message))
            return
        self._checked_text = text
        table = self.query_one("#list-problems", VirtualTable)
        table.invalidate()
        table.set_ids(list(range(len(self._problems()))))
        message.update(Content(safe_text(self.result.summary())))
        if not self._problems():
            self.dismiss({"ids": self.result.ids, "replace": replace,
                          "summary": self.result.summary()})
        else:
            self._pending_replace = replace
            again = _("ctrl+s or Add to selection again") if not replace else _(
                "Replace selection again")
            message.update(Content(safe_text(
                _("{summary}. {again}: selects the {n} found.").format(
                    summary=self.result.summary(), again=again,
                    n=len(self.result.ids)) if self.result.ids else
                _("{summary}: no number to select.").format(summary=self.result.summary()))))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.action_cancel()
            return
        self.action_select(event.button.id == "replace")

    def action_cancel(self) -> None:
        self.dismiss(None)


class SaveViewDialog(Registered, ModalScreen):
    ACTIONS = SAVE_VIEW
    DEFAULT_CSS = DIALOG_CSS.format(name="SaveViewDialog").replace("height: 22", "height: 11")

    def __init__(self, spec: dict):
        super().__init__()
        self.spec = spec
        self.confirm_replace = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Save the current search, filter and sort as a view."), markup=False)
            yield Input(placeholder=_("view name"), id="view-name", max_length=80)
            yield Static("", classes="message", id="view-message")
            with Horizontal(classes="buttons"):
                yield Button(_("Save"), variant="primary", id="save")
                yield Button(_("Cancel"), id="cancel")

    def on_input_submitted(self, event) -> None:
        self.save()

    def on_input_changed(self, event) -> None:
        self.confirm_replace = False

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.save()
        else:
            self.action_cancel()

    def save(self) -> None:
        name = self.query_one("#view-name", Input).value
        message = self.query_one("#view-message", Static)
        try:
            saved = views_uc.save_view(self.app.session, name, self.spec,
                                       overwrite=self.confirm_replace)
        except ValidationError as exc:
            message.update(plain("x " + exc.message))
            return
        except CorptuiError as exc:
            self.confirm_replace = True
            message.update(plain("x " + exc.message + ". Save again to replace it."))
            return
        self.dismiss(saved)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ViewsDialog(Registered, ModalScreen):
    """The user's saved views: enter applies, d deletes."""

    ACTIONS = VIEWS
    DEFAULT_CSS = DIALOG_CSS.format(name="ViewsDialog")

    def compose(self) -> ComposeResult:
        self.views = views_uc.list_views(self.app.session)
        with Vertical():
            yield Static(_("Saved views: enter applies, d deletes, esc closes"), markup=False)
            yield VirtualTable([Column("name", N_("Name"), 14, flex=1),
                                Column("what", N_("Filter and sort"), 20, flex=2)],
                               self._rows, checkboxes=False, id="views-table",
                               empty_text=_("No saved views yet: v saves the current one."))
            yield Static("", classes="message", id="views-message")

    @staticmethod
    def describe(spec: dict) -> str:
        parts = []
        if spec.get("search"):
            parts.append(_("search {search}").format(search=spec['search']))
        if spec.get("tags"):
            parts.append(_("tag {tags}").format(tags=", ".join(spec["tags"])))
        if spec.get("tariff"):
            parts.append(_("tariff {tariff}").format(tariff=spec["tariff"]))
        if spec.get("status"):
            parts.append(_("status {status}").format(status=state_label(spec["status"])))
        if spec.get("account"):
            parts.append(_("account {account}").format(account=spec["account"]))
        from screens.numbers import COLUMNS  # the numbers screen imports this module

        key = spec.get("sort") or "msisdn"
        column = next((_(c.title).lower() for c in COLUMNS if c.key == key), key)
        parts.append(_("sort {column}").format(column=column)
                     + (" " + _("descending") if spec.get("descending") else ""))
        return "; ".join(parts)

    def _rows(self, ids):
        return {i: {"name": self.views[i]["name"], "what": self.describe(self.views[i]["spec"])}
                for i in ids if i < len(self.views)}

    def on_mount(self) -> None:
        table = self.query_one(VirtualTable)
        table.set_ids(list(range(len(self.views))))
        table.focus()

    def on_virtual_table_opened(self, event: VirtualTable.Opened) -> None:
        self.dismiss(self.views[event.row_id])

    def action_delete(self) -> None:
        table = self.query_one(VirtualTable)
        i = table.cursor_id
        if i is None:
            return
        try:
            views_uc.delete_view(self.app.session, self.views[i]["name"])
        except CorptuiError as exc:
            self.query_one("#views-message", Static).update(plain("x " + exc.message))
            return
        self.views = views_uc.list_views(self.app.session)
        table.invalidate()
        table.set_ids(list(range(len(self.views))))

    def action_cancel(self) -> None:
        self.dismiss(None)
