"""Access: the login and application screens, the kiosk, users, the audit log, passwords."""

from __future__ import annotations

from corptui.i18n import N_
from screens.actions import Action, Registry, dialog

LOGIN = Registry("login", N_("Log in"), (
    Action("apply", "f2", N_("Apply for access"),
           N_("A new company applies for access to the corporate account")),
    Action("help", "f1", N_("Help"), action="app.help"),
))

APPLY = Registry("apply", N_("Apply for access"), (
    Action("back", "escape", N_("Back"), N_("Back to the login screen"), palette=False),
    Action("submit", "ctrl+s", N_("Submit"), N_("Send the application")),
))

KIOSK_WELCOME = Registry("kiosk", N_("Welcome"), (
    Action("try_it", "enter", N_("Try it"), N_("Log in to the demo company")),
))
PIN = dialog("kiosk_pin", N_("Staff PIN"), cancel_label=N_("Back"))

USERS = Registry("users", N_("Users"), (
    Action("add_user", "n", N_("Add"), N_("add a user (the temporary password is shown once)"),
           permission="users.manage"),
    Action("reset_password", "r", N_("Reset password"),
           N_("reset the password of the user under the cursor"), permission="users.manage"),
    Action("toggle_block", "b", N_("Block/unblock"), N_("block or unblock the login"),
           permission="users.manage"),
    Action("change_role", "e", N_("Role"), N_("change the role"), permission="users.manage"),
))
ADD_USER = dialog("add_user", N_("Add a user"), Action("save", "ctrl+s", N_("Add")))
ROLE = dialog("role", N_("Role"))

AUDIT = Registry("audit", N_("Audit log"), (
    Action("focus_filters", "slash", N_("Filter"),
           N_("filter by user, object, period (YYYY-MM-DD, enter applies)")),
    Action("clear_filters", "x", N_("Clear filter"), N_("clear the filter")),
))

CHANGE_PASSWORD = dialog("password", N_("Change password"))
