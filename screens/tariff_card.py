"""A tariff's card (read only): the monthly fee, the bundles, the prices by call class
and zone, roaming, and the options that change it. Opened from the employee card (y);
the operator edits tariffs with `corptui tariffs set`."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from corptui.errors import CorptuiError
from corptui.i18n import _, money
from corptui.rating import tariffs as tariffs_uc
from screens.actions.numbers import TARIFF_CARD
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.registered import Registered
from screens.widgets.safe import plain


def card_text(card: dict) -> str:
    out = []
    section = None
    for sec, label, value in card["lines"]:
        if sec != section:
            out.append(sec)
            section = sec
        out.append(f"  {label}: {value}")
    if card["options"]:
        out.append(_("Options that change it"))
        for o in card["options"]:
            out.append(f"  {o['name']} ({money(o['fee'])}): {o['changes']}")
    return "\n".join(out)


class TariffCard(Registered, ModalScreen):
    ACTIONS = TARIFF_CARD
    DEFAULT_CSS = """
    TariffCard { align: center middle; }
    #tariff-card { width: 100%; height: 100%; border: round $primary; background: $surface;
                   padding: 0 1; }
    #tariff-title { height: 1; text-style: bold; }
    #tariff-body { height: 1fr; }
    """

    def __init__(self, code: str):
        super().__init__()
        self.code = code

    def compose(self) -> ComposeResult:
        try:
            card = tariffs_uc.tariff_card(self.app.session, self.code)
            title = _("{name} ({code}): {fee} a month").format(
                name=card["name"], code=card["code"], fee=money(card["fee"]))
            body = card_text(card)
        except CorptuiError as exc:
            title, body = _("Tariff"), exc.message
        with Vertical(id="tariff-card"):
            yield Static(plain(title), id="tariff-title")
            with VerticalScroll(id="tariff-body"):
                yield Static(plain(body, multiline=True), id="tariff-text")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#tariff-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
