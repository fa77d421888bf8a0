"""Users of the account: logins (phone numbers), names, roles, states and last logins.
The owner adds users (a temporary password is shown once), resets passwords, blocks and
unblocks logins and changes roles; the use cases refuse everyone else, and so does the
screen, with the same message."""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.widgets import Static

from corptui import permissions
from corptui import users as users_uc
from corptui.auth import local_time_text
from corptui.errors import CorptuiError
from corptui.i18n import N_, _, date_text
from corptui.phones import format_msisdn
from screens.access_dialogs import AddUserDialog, RoleDialog
from screens.actions.access import USERS
from screens.base import KeyedRowsScreen
from screens.widgets.dialogs import ConfirmDialog, MessageDialog
from screens.widgets.safe import plain
from screens.widgets.virtual_table import Column, VirtualTable

COLUMNS = [
    Column("phone", N_("Login"), 16),
    Column("full_name", N_("Name"), 12, flex=2),
    Column("role", N_("Role"), 10),
    Column("state", N_("State"), 20, flex=1),
    Column("last_login_at", N_("Last login"), 16),
]

OWNER_HINT = N_("n add · r reset password · b block/unblock · e role · enter details")
VIEWER_HINT = N_("Only the owner manages users: the list is read-only for your role.")


def _when(iso: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(iso) if iso else None


def state_text(row: dict, now: dt.datetime | None = None) -> str:
    """Text markers (readable without colour): blocked, locked until..., temporary
    password; "active" otherwise."""
    now = now or dt.datetime.now(dt.UTC)
    parts = []
    if row.get("blocked"):
        parts.append(_("blocked"))
    locked = _when(row.get("locked_until"))
    if locked is not None and locked > now:
        parts.append(_("locked until {local_time_text}").format(local_time_text=local_time_text(locked)))
    if row.get("must_change_password"):
        parts.append(_("temporary password"))
    return "; ".join(parts) or _("active")


def render_cell(row: dict, key: str) -> str:
    if key == "phone":
        return format_msisdn(row["phone"])
    if key == "state":
        return state_text(row)
    if key == "last_login_at":
        last = _when(row.get("last_login_at"))
        return date_text(last, with_time=True) if last else _("never")
    if key == "full_name":
        return row.get("full_name") or _("(no name)")
    if key == "role":
        return permissions.role_label(row.get("role") or "")
    return str(row.get(key) or "")


class UsersScreen(KeyedRowsScreen):
    SECTION = "users"
    TITLE = N_("Users")
    ACTIONS = USERS
    DEFAULT_CSS = """
    #users-status { height: 1; background: $boost; padding: 0 1; }
    """

    def compose_body(self) -> ComposeResult:
        yield VirtualTable(COLUMNS, self._fetch, render_cell, checkboxes=False,
                           id="users-table", empty_text=_("No users."))
        yield Static("", id="users-status")

    @property
    def can_manage(self) -> bool:
        return permissions.allowed(self.session.role, "users.manage")

    @property
    def acting(self):
        """The session for changes: the audit log names this screen as the source."""
        return self.session.with_source("tui users")

    def on_mount(self) -> None:
        self.reload()
        self.set_status(_(OWNER_HINT if self.can_manage else VIEWER_HINT))
        self.table.focus()

    def reload(self) -> None:
        try:
            rows = users_uc.list_users(self.session)
        except CorptuiError as exc:
            self.app.show_error(exc)
            rows = []
        self.rows = {r["id"]: r for r in rows}
        self.table.invalidate()
        self.table.set_ids([r["id"] for r in rows], keep_cursor=True)

    def set_status(self, text: str) -> None:
        self.query_one("#users-status", Static).update(plain(text))

    def refuse(self, exc: CorptuiError) -> None:
        self.app.show_error(exc)
        self.set_status(exc.message[:1].upper() + exc.message[1:])

    def refuse_action(self, message: str) -> None:
        """The registry refused an action (before any dialog): the status line says why."""
        super().refuse_action(message)
        self.set_status(message)

    def current(self) -> dict | None:
        row_id = self.table.cursor_id
        return self.rows.get(row_id) if row_id is not None else None

    @staticmethod
    def who(row: dict) -> str:
        name = row.get("full_name") or ""
        return format_msisdn(row["phone"]) + (f" ({name})" if name else "")

    # -- actions --------------------------------------------------------------------
    def action_add_user(self) -> None:

        def done(result) -> None:
            if not result:
                return
            user, temporary = result
            self.reload()
            if user.id in self.table.shown_ids:
                self.table.cursor = self.table.ids.index(user.id)
            self.set_status(_("Added {number} ({role}).").format(number=format_msisdn(user.phone), role=permissions.role_label(user.role)))
            if temporary:
                self.show_temporary(user.phone, temporary)

        self.app.push_screen(AddUserDialog(), done)

    def show_temporary(self, phone: str, temporary: str) -> None:
        self.app.push_screen(MessageDialog(
            _("Temporary password"),
            _("Login: {number}\nTemporary password: {temporary}\n\nIt is shown only this once: give it to the user. It must be changed at the first login.").format(number=format_msisdn(phone), temporary=temporary), dialog_id="temporary-password"))

    def action_reset_password(self) -> None:
        row = self.current()
        if row is None:
            return

        def done(yes: bool) -> None:
            if not yes:
                return
            try:
                temporary = users_uc.reset_password(self.acting, row["id"])
            except CorptuiError as exc:
                self.refuse(exc)
                return
            self.reload()
            self.set_status(_("The password of {number} is reset.").format(number=format_msisdn(row['phone'])))
            self.show_temporary(row["phone"], temporary)

        self.app.push_screen(ConfirmDialog(
            _("Give {who} a new temporary password? The current password stops working and a lockout is lifted.").format(who=self.who(row)),
            title=_("Reset password"), yes=_("Reset"), focus_yes=True), done)

    def action_toggle_block(self) -> None:
        row = self.current()
        if row is None:
            return
        block = not row["blocked"]

        def done(yes: bool) -> None:
            if not yes:
                return
            try:
                users_uc.set_blocked(self.acting, row["id"], block)
            except CorptuiError as exc:
                self.refuse(exc)
                return
            self.reload()
            self.set_status((_("{number} is blocked.") if block else _("{number} is unblocked."))
                            .format(number=format_msisdn(row['phone'])))

        text = (_("Block the login {who}? It will not be able to log in.") if block else
                _("Unblock the login {who}? It can log in again.")).format(who=self.who(row))
        self.app.push_screen(ConfirmDialog(text, title=_("Block login") if block else _("Unblock login"),
                                           yes=_("Block") if block else _("Unblock"),
                                           focus_yes=True), done)

    def action_change_role(self) -> None:
        row = self.current()
        if row is None:
            return

        def done(role) -> None:
            if not role or role == row["role"]:
                return
            try:
                users_uc.change_role(self.acting, row["id"], role)
            except CorptuiError as exc:
                self.refuse(exc)
                return
            self.reload()
            self.set_status(_("{number} is now {role}.").format(number=format_msisdn(row['phone']), role=permissions.role_label(role)))

        self.app.push_screen(RoleDialog(self.who(row), row["role"]), done)

    def on_virtual_table_opened(self, event: VirtualTable.Opened) -> None:
        row = self.rows.get(event.row_id)
        if row is None:
            return
        text = "\n".join([
            _("Login: {number}").format(number=format_msisdn(row['phone'])),
            _("Name: {name}").format(name=row.get('full_name') or _("(no name)")),
            _("Role: {role}").format(role=permissions.role_label(row['role'])),
            _("State: {state}").format(state=state_text(row)),
            _("Last login: {when}").format(when=render_cell(row, 'last_login_at')),
        ])
        self.app.push_screen(MessageDialog(_("User"), text))
