"""The first screen: phone number and password; the way to apply for access; the
operator's hotline numbers for legal entities (from the seed article)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from corptui import permissions
from corptui.errors import CorptuiError, ValidationError
from corptui.i18n import N_, _
from screens.actions.access import LOGIN
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.registered import Registered
from screens.widgets.safe import plain

HOTLINE = N_("Hotline for legal entities: 8-800-550-05-55 (free in Russia), short 0555 "
           "from a company SIM · individuals: 8-800-550-05-00, short 0500")


class LoginScreen(Registered, Screen):
    TITLE = N_("Log in")
    ACTIONS = LOGIN
    DEFAULT_CSS = """
    LoginScreen { align: center top; }
    #login-box { width: 64; height: auto; border: round $primary; padding: 0 1; margin-top: 0; }
    #login-box Label { width: 14; padding-top: 1; }
    #login-box .row { height: 3; }
    #login-box Input { width: 1fr; }
    #login-buttons { height: 3; align: center middle; }
    #login-buttons Button { margin: 0 1; }
    #login-message { height: auto; min-height: 1; color: $error; text-style: bold; }
    #login-info { width: 64; height: auto; color: $text-muted; margin-top: 1; }
    #app-title { width: 64; text-style: bold; content-align: center middle; }
    """

    def __init__(self, demo_logins=None, message: str = ""):
        super().__init__()
        self.demo_logins = list(demo_logins or [])
        self.initial_message = message

    def compose(self) -> ComposeResult:
        yield Static(_("corptui · corporate mobile account"), id="app-title")
        with Vertical(id="login-box"):
            with Horizontal(classes="row"):
                yield Label(_("Phone number"))
                yield Input(placeholder="+7 926 123-45-67", id="phone", max_length=40)
            with Horizontal(classes="row"):
                yield Label(_("Password"))
                yield Input(password=True, id="password", max_length=256)
            yield Static(plain(self.initial_message), id="login-message")
            with Horizontal(id="login-buttons"):
                yield Button(_("Log in"), variant="primary", id="login")
                yield Button(_("Apply for access"), id="apply")
        yield Static(self._info(), id="login-info")
        yield KeysFooter()

    def _info(self) -> Content:
        lines = [_(HOTLINE)]
        if self.demo_logins:
            lines.append(_("Demo logins:"))
            for login in self.demo_logins:
                role = permissions.role_label(login["role"])
                lines.append(f"  {login['phone']}  {login['password']}  ({role})")
        return plain("\n".join(lines), multiline=True)

    def on_mount(self) -> None:
        self.query_one("#phone", Input).focus()

    def show_demo_logins(self, logins) -> None:
        """The demo logins that work now (the app checks them against the database)."""
        self.demo_logins = list(logins)
        self.query_one("#login-info", Static).update(self._info())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "phone":
            self.query_one("#password", Input).focus()
        else:
            self.try_login()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "login":
            self.try_login()
        elif event.button.id == "apply":
            self.action_apply()

    def action_apply(self) -> None:
        from screens.apply import ApplyScreen

        self.app.push_screen(ApplyScreen())

    def show_message(self, text: str) -> None:
        self.query_one("#login-message", Static).update(plain(text[:1].upper() + text[1:]))

    def try_login(self) -> None:
        phone = self.query_one("#phone", Input).value
        password_input = self.query_one("#password", Input)
        from corptui import auth  # the database layer: not needed for the first frame

        try:
            session = auth.login(phone, password_input.value, source="tui login")
        except ValidationError as exc:
            self.show_message(exc.message)
            self.query_one("#phone" if exc.field == "phone" else "#password", Input).focus()
            return
        except CorptuiError as exc:
            password_input.value = ""
            password_input.focus()
            self.show_message(exc.message)
            return
        password_input.value = ""
        self.app.login(session)
