"""Kiosk screens: the welcome (attract) screen and the staff PIN dialog."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Static

from corptui.i18n import N_, _
from screens.actions.access import KIOSK_WELCOME, PIN
from screens.widgets.registered import Registered

WELCOME = N_("""corptui: your company's mobile numbers, in one keyboard-driven console

  * the numbers of a demo company: employees, tags, tariffs
  * search as you type, select with space, assign tags,
    open an employee card
  * payments, charges and call details for every number

Everything here is a demo: it resets itself when you leave.

Legal entities hotline: 8-800-550-05-55 (free), short 0555""")


class WelcomeScreen(Registered, Screen):
    ACTIONS = KIOSK_WELCOME
    DEFAULT_CSS = """
    WelcomeScreen { align: center middle; }
    #welcome { width: 76; height: auto; border: double $primary; padding: 1 2; }
    #welcome Button { width: 100%; margin-top: 1; }
    """

    def compose(self) -> ComposeResult:
        with Vertical(id="welcome"):
            yield Static(Content(_(WELCOME)))
            with Center():
                yield Button(_("Try it (enter)"), variant="primary", id="try")

    def on_mount(self) -> None:
        self.query_one("#try").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_try_it()

    def action_try_it(self) -> None:
        self.app.try_it()


class PinDialog(Registered, ModalScreen):
    """Staff PIN to leave the kiosk; dismisses True when it is right."""

    ACTIONS = PIN
    DEFAULT_CSS = """
    PinDialog { align: center middle; }
    PinDialog > Vertical { width: 50; height: auto; border: round $warning; padding: 0 1;
        background: $surface; }
    #pin-message { height: auto; text-style: bold; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Staff only: enter the PIN to quit the kiosk (esc goes back)."), markup=False)
            yield Input(password=True, id="pin", max_length=32)
            yield Static("", id="pin-message")

    def on_mount(self) -> None:
        self.query_one("#pin").focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from corptui.kiosk import check_pin

        if check_pin(event.value):
            self.dismiss(True)
        else:
            event.input.value = ""
            self.query_one("#pin-message", Static).update(Content(_("x Wrong PIN.")))

    def action_cancel(self) -> None:
        self.dismiss(False)
