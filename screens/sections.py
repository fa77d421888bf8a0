"""Go to: every section of the app in one list (ctrl+g), with its key."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from corptui.i18n import _
from screens.actions import APP_ACTIONS, available_sections
from screens.actions.common import GOTO
from screens.actions.keys import key_text
from screens.widgets.registered import Registered


class SectionMenu(Registered, ModalScreen):
    ACTIONS = GOTO
    DEFAULT_CSS = """
    SectionMenu { align: center middle; }
    SectionMenu > Vertical { width: 78; height: auto; max-height: 22; border: round $primary;
        background: $surface; padding: 0 1; }
    SectionMenu OptionList { height: auto; max-height: 18; }
    """

    def compose(self) -> ComposeResult:
        have = available_sections()
        shown = [a for a in APP_ACTIONS if a.section and a.section in have]
        label_w = max(len(_(a.label)) for a in shown)
        key_w = max(len(key_text(a.keys)) for a in shown)
        room = max(10, 68 - label_w - key_w - 2)  # one line a section (80 columns)
        options = []
        for a in shown:
            key = key_text(a.keys)
            text = _(a.description)
            if len(text) > room:
                text = text[:room - 1].rstrip() + "…"
            options.append(Option(Content(f"{_(a.label):<{label_w}} {key:<{key_w}} {text}"),
                                  id=a.section))
        with Vertical():
            yield Static(_("Go to (enter opens, esc closes)"), markup=False)
            yield OptionList(*options, id="sections")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
