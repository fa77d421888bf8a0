"""Small modal dialogs of the users screen: the forms to add a user and to change a role
(the yes/no confirmation and the message dialog are the shared ones of
screens.widgets.dialogs). All user text is shown as plain Content, never as markup."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static

from corptui import permissions
from corptui import users as users_uc
from corptui.errors import CorptuiError, ValidationError
from corptui.i18n import _
from screens.actions.access import ADD_USER, ROLE
from screens.widgets.dialogs import DIALOG_CSS, ConfirmDialog, MessageDialog, SaveCancelDialog  # noqa: F401 (ConfirmDialog, MessageDialog: shared)
from screens.widgets.form import Field, show_errors
from screens.widgets.registered import Registered
from screens.widgets.safe import plain

ROLES = tuple(permissions.ROLE_LABELS)

def role_options() -> list[tuple[str, str]]:
    return [(permissions.role_label(role), role) for role in ROLES]


class AddUserDialog(SaveCancelDialog):
    """Phone, role, name, email. On success dismisses with (user, temporary password)."""

    ACTIONS = ADD_USER
    DEFAULT_CSS = DIALOG_CSS.format(cls="AddUserDialog") + """
    AddUserDialog #role-row { height: auto; }
    AddUserDialog #role-row Label { width: 18; padding-top: 1; }
    AddUserDialog #role { width: 1fr; }
    AddUserDialog #error-role { height: auto; padding-left: 18; color: $error; text-style: bold; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Add a user"), classes="dialog-title")
            yield Field(_("Phone (login)"), "phone", placeholder="+7 926 123-45-67", max_length=40)
            with Horizontal(id="role-row"):
                yield Label(_("Role"))
                yield Select(role_options(), allow_blank=False, value="viewer", id="role")
            yield Static("", id="error-role")
            yield Field(_("Name"), "full_name", max_length=300)
            yield Field(_("Email"), "email", max_length=300)
            yield Static("", classes="dialog-message", id="add-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Add"), variant="primary", id="save")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#phone").focus()
        self.query_one("#error-role", Static).display = False

    def action_save(self) -> None:
        values = {f.field_name: f.value for f in self.query(Field)}
        role = self.query_one("#role", Select).value
        message = self.query_one("#add-message", Static)
        role_error = self.query_one("#error-role", Static)
        try:
            user, temporary = users_uc.add_user(
                self.app.session.with_source("tui users"), values["phone"], str(role), None,
                full_name=values["full_name"], email=values["email"])
        except ValidationError as exc:
            errors = exc.errors or {exc.field: exc.message}
            show_errors(self, errors)
            text = errors.get("role", "")
            role_error.update(plain(("x " + text[:1].upper() + text[1:]) if text else ""))
            role_error.display = bool(text)
            message.update("")
            return
        except CorptuiError as exc:
            message.update(plain(exc.message[:1].upper() + exc.message[1:]))
            return
        self.dismiss((user, temporary))


class RoleDialog(Registered, ModalScreen):
    """Choose another role; dismisses with the role or None."""

    ACTIONS = ROLE
    DEFAULT_CSS = DIALOG_CSS.format(cls="RoleDialog") + """
    RoleDialog #role { width: 1fr; }
    """

    def __init__(self, who: str, role: str):
        super().__init__()
        self.who = who
        self.role = role if role in ROLES else ROLES[-1]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(_("Role of {who}").format(who=self.who)), classes="dialog-title")
            yield Select(role_options(), allow_blank=False, value=self.role, id="role")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save"), variant="primary", id="save")
                yield Button(_("Cancel"), id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.dismiss(str(self.query_one("#role", Select).value))
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
