"""Disputes of charges: the list (status, credit), and the dialogs to open a dispute from
a charge line (``DisputeDialog(charge_id)``) and to decide one (in review, accept with a
credit, reject with a reason). Reasons and names are user text: shown literally."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Label, Static

from corptui import disputes as disputes_uc
from corptui.errors import CorptuiError, ValidationError
from corptui.i18n import N_, _, money
from screens.actions.money import DISPUTES
from screens.base import AppScreen
from screens.widgets.dialogs import SaveCancelDialog
from screens.widgets.safe import plain, safe_text

COLUMNS = [("id", "#", 3), ("number", N_("Number"), 16), ("amount", N_("Amount"), 10),
           ("status", N_("Status"), 9), ("credit", N_("Credit"), 8), ("reason", N_("Reason"), 20)]


def _cell(row: dict, key: str) -> Text:
    value = row.get(key)
    if key == "period":
        text = value.strftime("%m.%Y") if value else ""
    elif key == "status":
        text = row["status_label"]
    elif key in ("amount", "credit"):
        text = money(value, symbol=False) if value is not None else ""
    else:
        text = safe_text(value)
    justify = "right" if key in ("amount", "credit", "id") else "left"
    return Text(text, justify=justify)


def _kind(code: str) -> str:
    """A charge kind ("calls") as users read it."""
    from screens.money_dialogs import CHARGE_KIND_LABELS

    return _(CHARGE_KIND_LABELS.get(code, code or ""))


class _FormDialog(SaveCancelDialog):
    DEFAULT_CSS = """
    _FormDialog { align: center middle; }
    .form-box { width: 70; max-width: 100%; height: auto; border: round $primary;
                background: $surface; padding: 0 1; }
    .form-box Horizontal { height: auto; }
    .form-box Label { width: 12; padding-top: 1; }
    .form-box Input { width: 1fr; }
    .field-error { height: auto; padding-left: 12; color: $error; text-style: bold; }
    .form-buttons { height: 3; align: center middle; }
    .form-buttons Button { margin: 0 1; }
    """

    def show_error(self, exc: CorptuiError) -> None:
        field = getattr(exc, "field", "") or ""
        errors = getattr(exc, "errors", None) or {}
        shown = False
        for widget in self.query(".field-error"):
            name = (widget.id or "").removesuffix("-error")
            message = errors.get(name) or (exc.message if name == field else "")
            widget.update(plain(("x " + message) if message else ""))
            widget.display = bool(message)
            shown = shown or bool(message)
        if not shown:
            general = self.query_one("#general-error", Static)
            general.update(plain("x " + exc.message))
            general.display = True

    def on_mount(self) -> None:
        for widget in self.query(".field-error"):
            widget.display = False
        first = self.query(Input).first()
        first.focus()


class DisputeDialog(_FormDialog):
    """Dispute one charge line: a reason and an optional attachment (a file path).
    Dismisses with the new dispute (a dict) or None."""

    def __init__(self, charge_id: int):
        super().__init__()
        self.charge_id = charge_id

    def compose(self) -> ComposeResult:
        try:
            c = disputes_uc.charge_summary(self.app.session, self.charge_id)
            head = _("Dispute the charge {id}: {kind} {period} {number} {amount}").format(
                id=c["id"], kind=_kind(c["kind"]), period=f"{c['period']:%m.%Y}",
                number=c["number"] or _("account"), amount=money(c['amount']))
            head += f"\n{c['description']}"
            if c["disputed"]:
                head += "\n" + _("(already disputed: dispute {id})").format(id=c["disputed"])
        except CorptuiError as exc:
            head = exc.message
        with Vertical(classes="form-box"):
            yield Static(plain(head, multiline=True), id="dispute-head")
            with Horizontal():
                yield Label(_("Reason"))
                yield Input(id="reason", max_length=disputes_uc.REASON_MAX,
                            placeholder=_("why the charge is wrong"))
            yield Static("", id="reason-error", classes="field-error")
            with Horizontal():
                yield Label(_("Attachment"))
                yield Input(id="attachment", placeholder=_("optional: path of a file (10 MB)"))
            yield Static("", id="attachment-error", classes="field-error")
            yield Static("", id="general-error", classes="field-error")
            with Horizontal(classes="form-buttons"):
                yield Button(_("Open dispute"), variant="primary", id="save")
                yield Button(_("Cancel"), id="cancel")

    def action_save(self) -> None:
        reason = self.query_one("#reason", Input).value
        attachment = self.query_one("#attachment", Input).value.strip() or None
        try:
            result = disputes_uc.open_dispute(self.app.session.with_source("tui disputes"),
                                              self.charge_id, reason, attachment)
        except CorptuiError as exc:
            self.show_error(exc)
            return
        self.app.notify(_("Dispute {id} opened").format(id=result['id']), title=_("Disputes"))
        self.dismiss(result)


class DecideDialog(_FormDialog):
    """Accept (with a credit) or reject (with a reason) a dispute."""

    def __init__(self, dispute: dict, accept: bool):
        super().__init__()
        self.dispute = dispute
        self.accept = accept

    def compose(self) -> ComposeResult:
        d = self.dispute
        verb = _("Accept") if self.accept else _("Reject")
        template = (_("Accept dispute {id} of charge {charge} ({number}, {amount})")
                    if self.accept else
                    _("Reject dispute {id} of charge {charge} ({number}, {amount})"))
        head = template.format(id=d["id"], charge=d["charge"],
                               number=d["number"] or _("account"), amount=money(d['amount']))
        head += "\n" + _("Reason: {reason}").format(reason=d["reason"])
        with Vertical(classes="form-box"):
            yield Static(plain(head, multiline=True), id="decide-head")
            with Horizontal():
                if self.accept:
                    yield Label(_("Credit"))
                    yield Input(str(d["amount"]), id="credit", placeholder=_("rubles"))
                else:
                    yield Label(_("Reason"))
                    yield Input(id="reason", placeholder=_("why it is rejected"))
            yield Static("", id="credit-error" if self.accept else "reason-error",
                         classes="field-error")
            yield Static("", id="general-error", classes="field-error")
            with Horizontal(classes="form-buttons"):
                yield Button(verb, variant="primary" if self.accept else "error", id="save")
                yield Button(_("Cancel"), id="cancel")

    def action_save(self) -> None:
        session = self.app.session.with_source("tui disputes")
        try:
            if self.accept:
                value = self.query_one("#credit", Input).value
                result = disputes_uc.accept(session, self.dispute["id"], value)
            else:
                value = self.query_one("#reason", Input).value
                result = disputes_uc.reject(session, self.dispute["id"], value)
        except CorptuiError as exc:
            self.show_error(exc)
            return
        self.dismiss(result)


class DisputesScreen(AppScreen):
    SECTION = "disputes"
    TITLE = N_("Disputes")
    ACTIONS = DISPUTES
    DEFAULT_CSS = """
    DisputesScreen #disputes-table { height: 1fr; }
    DisputesScreen #disputes-detail { height: 3; padding: 0 1; background: $boost; }
    """

    def compose_body(self) -> ComposeResult:
        yield DataTable(id="disputes-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="disputes-detail")

    def on_mount(self) -> None:
        table = self.query_one("#disputes-table", DataTable)
        for key, title, width in COLUMNS:
            table.add_column(_(title), key=key, width=width)
        self.load()
        table.focus()

    open_only = False  # o: only the disputes still open or in review (the overview's)

    def show_open_only(self, on: bool = True) -> None:
        self.open_only = on
        self.load()

    def action_toggle_open(self) -> None:
        self.show_open_only(not self.open_only)

    def load(self) -> None:
        table = self.query_one("#disputes-table", DataTable)
        try:
            self.rows = [r for r in disputes_uc.list_disputes(self.session)
                         if not self.open_only or r["status"] in ("open", "in_review")]
        except CorptuiError as exc:
            self.rows = []
            self.app.show_error(exc)
        keep = table.cursor_row
        table.clear()
        for row in self.rows:
            table.add_row(*(_cell(row, k) for k, _t, _w in COLUMNS), key=str(row["id"]))
        if self.rows:
            table.move_cursor(row=min(keep, len(self.rows) - 1))
        self.show_detail()

    def current(self) -> dict | None:
        table = self.query_one("#disputes-table", DataTable)
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def show_detail(self) -> None:
        d = self.current()
        if d is None:
            text = _("No disputes. Open one from a charge line (Charges, key d) or "
                     "`corptui disputes open`.")
        else:
            period = d["period"].strftime("%m.%Y") if d["period"] else ""
            text = _("Dispute {id} · charge {charge}: {kind} {period} · {status}").format(
                id=d["id"], charge=d["charge"], kind=_kind(d["kind"]), period=period,
                status=d["status_label"])
            if d["attachment"]:
                text += " · " + _("attached: {file}").format(file=d["attachment"])
            text += "\n" + _("Reason: {reason}").format(reason=" ".join(d["reason"].split()))
            if d["decision"]:
                text += "\n" + _("Decision: {decision}").format(
                    decision=" ".join(d["decision"].split()))
        self.query_one("#disputes-detail", Static).update(plain(text, multiline=True))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def _after(self, result) -> None:
        if result:
            self.load()

    def action_reload(self) -> None:
        self.load()

    def action_review(self) -> None:
        d = self.current()
        if d is None:
            return
        try:
            disputes_uc.set_status(self.session.with_source("tui disputes"), d["id"], "in_review")
        except CorptuiError as exc:
            self.app.show_error(exc)
            return
        self.load()

    def action_accept(self) -> None:
        self._decide(True)

    def action_reject(self) -> None:
        self._decide(False)

    def _decide(self, accept: bool) -> None:
        d = self.current()
        if d is None:
            return
        if d["status"] not in disputes_uc.LIVE:
            self.app.show_error(ValidationError(_("dispute {id} is already {status_label}").format(id=d['id'], status_label=d['status_label'])))
            return
        self.app.push_screen(DecideDialog(d, accept), self._after)
