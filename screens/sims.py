"""SIM cards: replace a number's SIM (ICCID of a stock SIM + its PUK1), the company's SIM
stock list, and importing stock from a file (one "ICCID;PUK1" a line)."""

from __future__ import annotations

import os

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static

from corptui import permissions, sims
from corptui.errors import CorptuiError, ValidationError
from corptui.i18n import N_, _, number
from corptui.phones import format_msisdn
from screens.actions.services import IMPORT_STOCK, REPLACE_SIM, SIM_STOCK
from screens.widgets.form import Field, show_errors
from screens.widgets.registered import Registered
from screens.widgets.safe import plain, safe_text
from screens.widgets.virtual_table import Column, VirtualTable


class ReplaceSimDialog(Registered, ModalScreen):
    """Dismisses with True when the SIM was replaced."""

    ACTIONS = REPLACE_SIM
    DEFAULT_CSS = """
    ReplaceSimDialog { align: center middle; }
    #sim-box { width: 72; height: auto; border: round $primary; background: $surface;
               padding: 0 1; }
    #sim-message { height: auto; text-style: bold; }
    #sim-buttons { height: 3; align: center middle; }
    #sim-buttons Button { margin: 0 1; }
    """

    def __init__(self, subscriber_id: int):
        super().__init__()
        self.subscriber_id = int(subscriber_id)
        self.replaced = False

    def compose(self) -> ComposeResult:
        from corptui.cards import card

        session = self.app.session
        self.can_edit = permissions.allowed(session.role, sims.ACTION)
        d = card(session, self.subscriber_id)
        with Vertical(id="sim-box"):
            yield Static(plain(_("Replace the SIM of {number}").format(number=format_msisdn(d['msisdn']))))
            yield Static(self._current_text(d), id="sim-current")
            yield Field(_("New SIM ICCID"), "iccid", placeholder=_("19-20 digits"), max_length=30)
            yield Field(_("PUK1"), "puk", password=True, placeholder=_("8 digits"), max_length=8)
            yield Static("" if self.can_edit else
                         Content(_("Read only: the {role} role cannot replace SIMs.").format(role=permissions.role_label(session.role))),
                         id="sim-message")
            with Horizontal(id="sim-buttons"):
                yield Button(_("Replace"), variant="primary", id="replace",
                             disabled=not self.can_edit)
                yield Button(_("Close"), id="close")

    def _current_text(self, d: dict | None = None):
        """The header line: the active SIM and the stock (read again after a change)."""
        from corptui.cards import card

        d = d or card(self.app.session, self.subscriber_id)
        current = (", ".join(s["iccid"] for s in d["sims"] if s["state"] == "active")
                   or _("none"))
        return plain(_("Current SIM: {current} · in stock: {stock_count}").format(
            current=current, stock_count=number(sims.stock_count(self.app.session))))

    def on_mount(self) -> None:
        if self.can_edit:
            self.query_one("#iccid").focus()
        else:
            self.query_one("#close", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "replace":
            self.action_replace()
        else:
            self.action_close()

    def _message(self, text: str) -> None:
        self.query_one("#sim-message", Static).update(plain(text, multiline=True))

    def action_replace(self) -> None:
        if not self.can_edit or self.replaced:
            return
        iccid = self.query_one("#iccid").value
        puk_input = self.query_one("#puk")
        try:
            done = sims.replace_sim(self.app.session, self.subscriber_id, iccid, puk_input.value)
        except ValidationError as exc:
            puk_input.value = ""
            show_errors(self, exc.errors or {exc.field: exc.message})
            self._message("")
            return
        except CorptuiError as exc:
            puk_input.value = ""
            self._message("x " + exc.message)
            return
        puk_input.value = ""
        show_errors(self, {})
        self.replaced = True
        old = ", ".join(done["old"]) or _("none")
        self._message(_("Done: SIM {new} is active; {old} retired.").format(new=done['new'], old=old))
        self.query_one("#sim-current", Static).update(self._current_text())
        self.query_one("#replace", Button).disabled = True
        self.query_one("#close", Button).focus()

    def action_close(self) -> None:
        self.dismiss(self.replaced)


STATE_CHOICES = [(N_("in stock"), "in_stock"), (N_("locked"), "locked"), (N_("active"), "active"),
                 (N_("retired"), "retired"), (N_("all"), "all")]
STOCK_COLUMNS = [
    Column("iccid", N_("ICCID"), 20),
    Column("state", N_("State"), 9),
    Column("puk_failures", N_("Wrong PUKs"), 10),
    Column("msisdn", N_("Number"), 16, flex=1),
]


def _render(row: dict, key: str) -> str:
    if key == "msisdn":
        return format_msisdn(row["msisdn"]) if row["msisdn"] else ""
    if key == "state":
        return _({v: t for t, v in STATE_CHOICES}.get(row["state"], row["state"]))
    if key == "puk_failures":
        return str(row["puk_failures"] or "")
    return safe_text(row.get(key, ""))


class SimStockScreen(Registered, ModalScreen):
    """The company's SIM cards by state; `i` imports stock from a file."""

    ACTIONS = SIM_STOCK
    DEFAULT_CSS = """
    SimStockScreen { align: center middle; }
    #stock-box { width: 100%; height: 100%; border: round $primary; background: $surface;
                 padding: 0 1; }
    #stock-top { height: 3; }
    #stock-top Label { width: 8; padding-top: 1; }
    #stock-state { width: 24; }
    #stock-count { padding: 1 0 0 2; width: 1fr; }
    #stock-buttons { height: 3; align: center middle; }
    #stock-buttons Button { margin: 0 1; }
    """

    def __init__(self):
        super().__init__()
        self.rows: list[dict] = []

    def compose(self) -> ComposeResult:
        self.can_import = permissions.allowed(self.app.session.role, sims.ACTION)
        with Vertical(id="stock-box"):
            yield Static(Content(_("SIM stock (i imports a file, esc closes)")), id="stock-title")
            with Horizontal(id="stock-top"):
                yield Label(_("State"))
                yield Select([(Text(_(label)), value) for label, value in STATE_CHOICES],
                             value="in_stock", allow_blank=False, id="stock-state")
                yield Static("", id="stock-count")
            yield VirtualTable(STOCK_COLUMNS, self._fetch, _render, checkboxes=False,
                               empty_text=_("No SIM cards here"), id="stock-table")
            with Horizontal(id="stock-buttons"):
                yield Button(_("Import stock"), id="import", disabled=not self.can_import)
                yield Button(_("Close"), id="close")

    def _fetch(self, ids: list[int]) -> dict[int, dict]:
        return {i: self.rows[i] for i in ids if 0 <= i < len(self.rows)}

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#stock-table", VirtualTable).focus()

    def reload(self) -> None:
        state = self.query_one("#stock-state", Select).value
        try:
            self.rows = sims.stock(self.app.session, state)
        except CorptuiError as exc:
            self.app.show_error(exc)
            self.rows = []
        table = self.query_one("#stock-table", VirtualTable)
        table.invalidate()
        table.set_ids(list(range(len(self.rows))))
        self.query_one("#stock-count", Static).update(Content(_("{n_rows} SIM(s)").format(n_rows=number(len(self.rows)))))

    def on_select_changed(self, event: Select.Changed) -> None:
        if self.is_mounted:
            self.reload()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "import":
            self.action_import()
        else:
            self.action_close()

    def action_import(self) -> None:
        if not self.can_import:
            self.app.notify(_("Your role cannot import SIM stock."), title=_("SIM stock"),
                            severity="warning", markup=False)
            return

        def done(imported) -> None:
            if imported:
                self.reload()

        self.app.push_screen(ImportStockDialog(), done)

    def action_close(self) -> None:
        self.dismiss(None)


class ImportStockDialog(Registered, ModalScreen):
    """A file path, Check (every bad line listed), Import. Dismisses with the count."""

    ACTIONS = IMPORT_STOCK
    DEFAULT_CSS = """
    ImportStockDialog { align: center middle; }
    #import-box { width: 76; height: auto; max-height: 100%; border: round $primary;
                  background: $surface; padding: 0 1; }
    #import-result { height: auto; max-height: 10; }
    #import-buttons { height: 3; align: center middle; }
    #import-buttons Button { margin: 0 1; }
    """

    def __init__(self):
        super().__init__()
        self.imported = 0
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="import-box"):
            yield Static(Content(_("Import SIM stock: a text file with one ICCID;PUK1 a line")))
            yield Field(_("File"), "path", placeholder=_("/path/to/stock.csv"), max_length=500)
            yield Static("", id="import-result")
            with Horizontal(id="import-buttons"):
                yield Button(_("Check"), id="check")
                yield Button(_("Import"), variant="primary", id="import")
                yield Button(_("Close"), id="close")

    def on_mount(self) -> None:
        self.query_one("#path").focus()

    def _read(self) -> str | None:
        path = os.path.expanduser(self.query_one("#path").value.strip())
        if not path:
            show_errors(self, {"path": _("enter the path of the file")})
            return None
        try:
            with open(path, encoding="utf-8-sig", errors="replace") as fh:
                text = fh.read(20_000_000)
        except OSError as exc:
            show_errors(self, {"path": _("cannot read the file: {error}").format(error=exc.strerror)})
            return None
        show_errors(self, {})
        return text

    def _result(self, text: str) -> None:
        self.query_one("#import-result", Static).update(plain(text, multiline=True))

    def _check(self) -> dict | None:
        text = self._read()
        if text is None:
            return None
        try:
            checked = sims.preview_import(self.app.session, text)
        except CorptuiError as exc:
            self._result("x " + exc.message)
            return None
        errors = checked["errors"]
        if errors:
            lines = ["x " + _("{n} bad line(s): nothing will be imported").format(
                n=number(len(errors)))]
            lines += ["  " + _("line {no}: {message}").format(no=no, message=msg)
                      for no, msg in errors[:8]]
            if len(errors) > 8:
                lines.append(_("  ... and {value} more").format(value=number(len(errors) - 8)))
            self._result("\n".join(lines))
        else:
            self._result(_("{rows} SIM(s) ready to import.").format(rows=number(checked['rows'])))
        checked["text"] = text
        return checked

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "check":
            self._check()
        elif event.button.id == "import":
            self.action_import()
        else:
            self.action_close()

    def action_import(self) -> None:
        if self.busy:
            return
        checked = self._check()
        if checked is None or checked["errors"] or not checked["rows"]:
            return
        self.busy = True
        for button in self.query(Button):
            button.disabled = button.id != "close"
        self._result(_("Importing {rows} SIM(s)... (each PUK1 is hashed)").format(rows=number(checked['rows'])))
        self._import_worker(checked["text"])

    @work(thread=True, exclusive=True, group="sim-import")
    def _import_worker(self, text: str) -> None:
        from corptui.database import close_thread_connection

        try:
            done = sims.import_stock(self.app.session, text)
            message = _("Imported {imported} SIM(s) into the stock.").format(imported=number(done['imported']))
        except CorptuiError as exc:
            done, message = {"imported": 0}, "x " + exc.message
        except Exception as exc:  # noqa: BLE001 - shown, never a crash
            done, message = {"imported": 0}, f"x {type(exc).__name__}: {exc}"
        finally:
            close_thread_connection()
        self.app.call_from_thread(self._imported, done["imported"], message)

    def _imported(self, count: int, message: str) -> None:
        self.busy = False
        self.imported += count
        if not self.is_mounted:  # closed while importing
            return
        for button in self.query(Button):
            button.disabled = False
        self._result(message)

    def action_close(self) -> None:
        if self.busy:
            self._result(_("Importing... wait for the result before closing."))
            return
        self.dismiss(self.imported)
