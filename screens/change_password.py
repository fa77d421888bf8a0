"""Change password: current, new, confirm; each rule's message under its field. Forced
after a login with a temporary password: nothing else opens until it is changed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Static

from corptui import auth
from corptui.errors import CorptuiError, ValidationError
from corptui.i18n import _
from screens.actions.access import CHANGE_PASSWORD
from screens.widgets.form import Field, show_errors
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.registered import Registered
from screens.widgets.safe import plain


class ChangePasswordScreen(Registered, Screen):
    ACTIONS = CHANGE_PASSWORD
    DEFAULT_CSS = """
    ChangePasswordScreen { align: center top; }
    #password-box { width: 70; height: auto; border: round $primary; padding: 0 1; margin-top: 1; }
    #password-intro { height: auto; margin-bottom: 1; }
    #password-buttons { height: 3; align: center middle; }
    #password-buttons Button { margin: 0 1; }
    #password-message { height: auto; color: $error; text-style: bold; }
    """

    def __init__(self, forced: bool = False):
        super().__init__()
        self.forced = forced

    def compose(self) -> ComposeResult:
        with Vertical(id="password-box"):
            intro = (_("Your password is temporary: choose your own before you go on. At least "
                       "8 characters, not your phone number, not the current password.")
                     if self.forced else
                     _("Change your password. At least 8 characters, not your phone number, "
                       "not the current password."))
            yield Static(intro, id="password-intro", markup=False)
            yield Field(_("Current password"), "current_password", password=True, max_length=256)
            yield Field(_("New password"), "new_password", password=True, max_length=256)
            yield Field(_("Repeat new"), "confirm", password=True, max_length=256)
            yield Static("", id="password-message")
            with Horizontal(id="password-buttons"):
                yield Button(_("Save"), variant="primary", id="save")
                yield Button(_("Log out") if self.forced else _("Cancel"), id="cancel")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#current_password").focus()

    def on_input_submitted(self, event) -> None:
        order = ["current_password", "new_password", "confirm"]
        i = order.index(event.input.id)
        if i < 2:
            self.query_one(f"#{order[i + 1]}").focus()
        else:
            self.save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.save()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        if self.forced:
            self.app.logout()
        else:
            self.app.pop_screen()

    def save(self) -> None:
        values = {f.field_name: f.value for f in self.query(Field)}
        try:
            session = auth.change_password(self.app.session, values["current_password"],
                                           values["new_password"], values["confirm"])
        except ValidationError as exc:
            show_errors(self, exc.errors or {exc.field or "current_password": exc.message})
            return
        except CorptuiError as exc:
            self.query_one("#password-message", Static).update(plain(exc.message))
            return
        self.app.notify(_("The password is changed."), title=_("Password"))
        if self.forced:
            self.app.password_changed(session)
        else:
            self.app.session = session
            self.app.pop_screen()
