"""The options of one number (opened from the employee card with ``o``, or ``ctrl+o`` from a text field): connected and
planned options with price and dates (an end date shows the last day the option is on);
``x`` or delete (or a click on the first column's ``×``) disconnects one after a
confirmation, or says first why it cannot (another option needs it); below, the options the number can have
(enter or a double click connects one from now, after a confirmation). A planned tariff
change is shown in the heading. Dismisses with True when something changed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from corptui import options as options_uc
from corptui import permissions
from corptui.errors import CorptuiError
from corptui.i18n import N_, _, date_text, money, state_label
from corptui.phones import format_msisdn
from screens.actions.numbers import CARD_OPTIONS
from screens.widgets.dialogs import ConfirmDialog
from screens.widgets.registered import Registered
from screens.widgets.safe import plain
from screens.widgets.virtual_table import Column, VirtualTable


CROSS = "×"  # the disconnect column (not "[x]": that is a ticked checkbox everywhere else)


def _price(value) -> str:
    return money(value, symbol=False)


def _day(value) -> str:
    return date_text(value) if value else "-"


class ConnectedTable(VirtualTable):
    """The first column is the cross: a click on it asks to disconnect that row."""

    BINDINGS = [Binding("x,delete,backspace", "remove", N_("Disconnect"),
                        key_display="x")]

    def on_click(self, event) -> None:
        # runs before VirtualTable.on_click (which moves the cursor)
        index = int(self.scroll_offset.y) + event.y - 1
        if event.y > 0 and event.x <= 3 and 0 <= index < len(self.ids):
            self.screen.ask_disconnect(self.ids[index])

    def action_remove(self) -> None:
        if self.cursor_id is not None:
            self.screen.ask_disconnect(self.cursor_id)


class CardOptionsDialog(Registered, ModalScreen):
    ACTIONS = CARD_OPTIONS
    DEFAULT_CSS = """
    CardOptionsDialog { align: center middle; }
    #opt-box { width: 100%; height: 100%; border: round $primary; background: $surface; padding: 0 1; }
    #opt-title { height: auto; text-style: bold; }
    #opt-connected { height: 1fr; }
    #opt-available { height: 1fr; }
    .opt-label { height: 1; }
    #opt-message { height: auto; text-style: bold; }
    #opt-buttons { height: 3; align: center middle; }
    #opt-buttons Button { margin: 0 1; }
    """

    def __init__(self, subscriber_id: int, msisdn: str = ""):
        super().__init__()
        self.subscriber_id = subscriber_id
        self.msisdn = msisdn
        self.changed = False
        self.data: dict = {"options": [], "available": [], "tariff_change": None}

    def compose(self) -> ComposeResult:
        self.can_change = permissions.allowed(self.app.session.role, "services.change")
        with Vertical(id="opt-box"):
            yield Static("", id="opt-title")
            yield Static(Content(_("Connected (x or delete disconnects):")), classes="opt-label")
            yield ConnectedTable(
                [Column("x", "", 3), Column("name", N_("Option"), 16, flex=1),
                 Column("price", N_("₽ a month"), 9), Column("from", N_("From"), 10),
                 Column("until", N_("Until"), 10), Column("state", N_("State"), 7,
                                                      min_table_width=70)],
                self._connected_rows, checkboxes=False, id="opt-connected",
                empty_text=_("No options connected"))
            yield Static(Content(_("Add option (enter connects from now):")), classes="opt-label")
            yield VirtualTable(
                [Column("name", N_("Option"), 16, flex=1), Column("price", N_("₽ a month"), 9),
                 Column("fee", N_("Connection"), 10, min_table_width=60)],
                self._available_rows, checkboxes=False, id="opt-available",
                empty_text=_("No other option is possible for this number"))
            yield Static(Content("" if self.can_change else
                                 _("Read only: the {role} role cannot change options.").format(
                                     role=permissions.role_label(self.app.session.role))),
                         id="opt-message")
            with Horizontal(id="opt-buttons"):
                yield Button(_("Close"), id="close")

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#opt-connected", ConnectedTable).focus()

    def reload(self) -> None:
        try:
            self.data = options_uc.number_options(self.app.session, self.subscriber_id)
        except CorptuiError as exc:
            self._message("x " + exc.message)
            return
        change = self.data["tariff_change"]
        title = (_("Options of {number}").format(number=format_msisdn(self.msisdn))
                 if self.msisdn else _("Options"))
        if change:
            title += " · " + _("tariff {tariff} planned from {date}").format(
                tariff=change['tariff'], date=_day(change['from']))
        self.query_one("#opt-title", Static).update(plain(title))
        self.available = [o for o in self.data["available"] if o["ok"]]
        connected = self.query_one("#opt-connected", VirtualTable)
        connected.invalidate()
        connected.set_ids(list(range(len(self.data["options"]))))
        available = self.query_one("#opt-available", VirtualTable)
        available.invalidate()
        available.set_ids(list(range(len(self.available))))

    def _connected_rows(self, ids: list[int]) -> dict[int, dict]:
        out = {}
        for i in ids:
            if i < len(self.data["options"]):
                o = self.data["options"][i]
                out[i] = {"x": " " + CROSS, "name": o["name"], "price": _price(o["price"]),
                          "from": _day(o["from"]), "until": _day(o.get("last_day")),
                          "state": state_label(o["state"])}
        return out

    def _available_rows(self, ids: list[int]) -> dict[int, dict]:
        out = {}
        for i in ids:
            if i < len(self.available):
                o = self.available[i]
                out[i] = {"name": o["name"], "price": _price(o["price"]),
                          "fee": _price(o["connection_fee"])}
        return out

    def _message(self, text: str) -> None:
        self.query_one("#opt-message", Static).update(plain(text))

    # -- disconnect ----------------------------------------------------------------------
    def ask_disconnect(self, index: int) -> None:
        if not self.can_change:
            self._message(_("x The {role} role cannot change options.").format(role=permissions.role_label(self.app.session.role)))
            return
        if index >= len(self.data["options"]):
            return
        option = self.data["options"][index]
        try:
            check = options_uc.check(self.app.session, option["code"], [self.subscriber_id],
                                     action="disconnect").get(self.subscriber_id)
        except CorptuiError as exc:
            self._message("x " + exc.message)
            return
        if check and not check["ok"] and not check["already"]:
            # another option needs it: say so before asking anything
            self._message(_("x {name} cannot be disconnected: {reasons}").format(
                name=option["name"], reasons="; ".join(check["reasons"])))
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self._disconnect(option["code"], option["name"])

        self.app.push_screen(ConfirmDialog(_("Disconnect {name} from this number?").format(name=option['name']),
                                           yes=_("Disconnect")), answer)

    def _disconnect(self, code: str, name: str) -> None:
        try:
            out = options_uc.disconnect(self.app.session, code, [self.subscriber_id])
        except CorptuiError as exc:
            self._message("x " + exc.message)
            return
        if out["ids"]:
            self.changed = True
            self._message(_("Disconnected: {name}.").format(name=name))
        else:
            reasons = "; ".join(out["skipped"].get(self.subscriber_id, [])
                                or out["unchanged"].get(self.subscriber_id, []))
            self._message(_("x Not disconnected: {reasons}").format(reasons=reasons))
        self.reload()

    # -- connect -------------------------------------------------------------------------
    def action_focus_add(self) -> None:
        self.query_one("#opt-available", VirtualTable).focus()

    def on_virtual_table_opened(self, event: VirtualTable.Opened) -> None:
        if event.table.id != "opt-available":
            return
        event.stop()
        if not self.can_change:
            self._message(_("x The {role} role cannot change options.").format(role=permissions.role_label(self.app.session.role)))
            return
        if event.row_id >= len(self.available):
            return
        option = self.available[event.row_id]

        def answer(yes: bool | None) -> None:
            if yes:
                self._connect(option["code"], option["name"])

        self.app.push_screen(ConfirmDialog(
            (_("Connect {name} for {price} a month (connection fee {fee})?").format(
                name=option['name'], price=money(option['price']),
                fee=money(option['connection_fee']))
             if option["connection_fee"] else
             _("Connect {name} for {price} a month?").format(
                 name=option['name'], price=money(option['price']))),
            yes=_("Connect")), answer)

    def _connect(self, code: str, name: str) -> None:
        try:
            out = options_uc.connect(self.app.session, code, [self.subscriber_id])
        except CorptuiError as exc:
            self._message("x " + exc.message)
            return
        if out["ids"]:
            self.changed = True
            self._message(_("Connected: {name}.").format(name=name))
        else:
            reasons = "; ".join(out["skipped"].get(self.subscriber_id, [])
                                or out["unchanged"].get(self.subscriber_id, []))
            self._message(_("x Not connected: {reasons}").format(reasons=reasons))
        self.reload()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "close":
            self.action_close()

    def action_close(self) -> None:
        self.dismiss(self.changed)
