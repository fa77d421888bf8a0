"""Change application form (changes that need the operator: numbers, desired tariff or
services, comment, contact) and the company's history of applications."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from corptui import change_applications as ca
from corptui import permissions
from corptui.errors import CorptuiError, ValidationError
from corptui.i18n import N_, _, number
from screens.actions.services import CHANGE_REQUEST, CHANGE_REQUESTS
from screens.widgets.form import Field, show_errors
from screens.widgets.registered import Registered
from screens.widgets.safe import plain, safe_text
from screens.widgets.virtual_table import Column, VirtualTable


class ChangeApplicationDialog(Registered, ModalScreen):
    """Dismisses with the new application's reference, or None."""

    ACTIONS = CHANGE_REQUEST
    DEFAULT_CSS = """
    ChangeApplicationDialog { align: center middle; }
    #ca-box { width: 78; height: auto; max-height: 100%; border: round $primary;
              background: $surface; padding: 0 1; }
    #ca-box Field TextArea { height: 4; }
    #ca-message { height: auto; text-style: bold; }
    #ca-buttons { height: 3; align: center middle; }
    #ca-buttons Button { margin: 0 1; }
    """

    def __init__(self, ids=()):
        super().__init__()
        self.ids = [int(i) for i in ids]
        self.reference: str | None = None

    def compose(self) -> ComposeResult:
        session = self.app.session
        self.can_send = permissions.allowed(session.role, ca.ACTION)
        numbers = ca.numbers_text(session, self.ids) if self.ids else ""
        with Vertical(id="ca-box"):
            yield Static(Content(_("Change application: a change only the operator can make")))
            yield Field(_("Numbers"), "numbers", value=numbers, multiline=True)
            yield Field(_("Desired tariff"), "desired", placeholder=_("tariff or services wanted"),
                        max_length=ca.MAX_DESIRED)
            yield Field(_("Comment"), "comment", placeholder="optional",
                        max_length=ca.MAX_COMMENT)
            yield Field(_("Contact"), "contact", placeholder=_("phone or email"),
                        max_length=ca.MAX_CONTACT)
            yield Static("" if self.can_send else
                         Content(_("Read only: the {role} role cannot send applications.").format(role=permissions.role_label(session.role))), id="ca-message")
            with Horizontal(id="ca-buttons"):
                yield Button(_("Send"), variant="primary", id="send", disabled=not self.can_send)
                yield Button(_("History"), id="history")
                yield Button(_("Close"), id="close")

    def on_mount(self) -> None:
        if self.can_send:
            self.query_one("#numbers" if not self.ids else "#desired").focus()
        else:
            self.query_one("#close", Button).focus()

    def _message(self, text: str) -> None:
        self.query_one("#ca-message", Static).update(plain(text, multiline=True))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "send":
            self.action_send()
        elif event.button.id == "history":
            self.action_history()
        else:
            self.action_close()

    def action_send(self) -> None:
        if not self.can_send or self.reference:
            return
        values = {f.field_name: f.value for f in self.query(Field)}
        try:
            app = ca.create(self.app.session, values["numbers"], values["desired"],
                            values["comment"], values["contact"])
        except ValidationError as exc:
            show_errors(self, exc.errors or {exc.field: exc.message})
            self._message("")
            return
        except CorptuiError as exc:
            self._message("x " + exc.message)
            return
        show_errors(self, {})
        self.reference = app["reference"]
        self._message(_("Sent: application {reference} for {n_numbers} number(s), status submitted.").format(reference=app['reference'], n_numbers=number(len(app['numbers']))))
        self.query_one("#send", Button).disabled = True
        self.query_one("#close", Button).focus()

    def action_history(self) -> None:
        self.app.push_screen(ChangeApplicationHistory())

    def action_close(self) -> None:
        self.dismiss(self.reference)


HISTORY_COLUMNS = [
    Column("reference", N_("Number"), 13),
    Column("created_at", N_("Date"), 10),
    Column("status", N_("Status"), 11),
    Column("numbers", N_("Nos."), 5),
    Column("desired", N_("Desired"), 12, flex=1),
]


def _render(row: dict, key: str) -> str:
    if key == "created_at":
        return f"{row['created_at']:%Y-%m-%d}"
    if key == "status":
        return _(ca.STATUS_LABELS.get(row["status"], row["status"]))
    if key == "numbers":
        return str(len(row["numbers"]))
    return safe_text(row.get(key, ""))


class ChangeApplicationHistory(Registered, ModalScreen):
    """The company's change applications, newest first; enter shows one."""

    ACTIONS = CHANGE_REQUESTS
    DEFAULT_CSS = """
    ChangeApplicationHistory { align: center middle; }
    #cah-box { width: 100%; height: 100%; border: round $primary; background: $surface;
               padding: 0 1; }
    #cah-detail { height: auto; max-height: 8; }
    """

    def __init__(self, open_only: bool = False):
        super().__init__()
        self.open_only = open_only  # only those not done yet (the overview's line)

    def compose(self) -> ComposeResult:
        with Vertical(id="cah-box"):
            title = (_("Change applications not done yet (enter shows one, esc closes)")
                     if self.open_only else
                     _("Change applications (enter shows one, esc closes)"))
            yield Static(Content(title))
            yield VirtualTable(HISTORY_COLUMNS, self._fetch, _render, checkboxes=False,
                               empty_text=_("No applications yet"), id="cah-table")
            yield Static("", id="cah-detail")

    def _fetch(self, ids: list[int]) -> dict[int, dict]:
        return {i: self.rows[i] for i in ids if 0 <= i < len(self.rows)}

    def on_mount(self) -> None:
        try:
            self.rows = [r for r in ca.list_applications(self.app.session)
                         if not self.open_only or r["status"] in ("submitted", "in_progress")]
        except CorptuiError as exc:
            self.app.show_error(exc)
            self.rows = []
        table = self.query_one("#cah-table", VirtualTable)
        table.set_ids(list(range(len(self.rows))))
        table.focus()

    def on_virtual_table_opened(self, event: VirtualTable.Opened) -> None:
        row = self.rows[event.row_id]
        from corptui.phones import format_msisdn

        numbers = ", ".join(format_msisdn(n) for n in row["numbers"][:6])
        if len(row["numbers"]) > 6:
            numbers = _("{numbers} and {n} more").format(numbers=numbers,
                                                         n=len(row['numbers']) - 6)
        text = _("{reference} · {status} · contact {contact}\nNumbers: {numbers}\n"
                 "Desired: {desired}\nComment: {comment}").format(
            reference=row['reference'],
            status=_(ca.STATUS_LABELS.get(row['status'], row['status'])),
            contact=row['contact'], numbers=numbers, desired=row['desired'],
            comment=row['comment'] or '-')
        self.query_one("#cah-detail", Static).update(plain(text, multiline=True))

    def action_close(self) -> None:
        self.dismiss(None)
