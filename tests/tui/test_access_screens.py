"""Access screens driven with Pilot on the seeded demo database: login, lockout, the
forced password change, apply for access, idle logout and logout, the users screen and
the audit log screen."""

from __future__ import annotations

import datetime as dt

from conftest import demo_session, make_app
from conftest import settle as _settle
from textual.widgets import Input, Select, Static, TextArea

from corptui import demo, tags, users
from corptui.auth import LOCK_AFTER
from screens.access_dialogs import AddUserDialog, ConfirmDialog, MessageDialog
from screens.apply import ApplyScreen
from screens.audit import AuditScreen
from screens.change_password import ChangePasswordScreen
from screens.login import LoginScreen
from screens.numbers import NumbersScreen
from screens.users import UsersScreen
from screens.widgets.form import Field
from screens.widgets.virtual_table import VirtualTable
from storage.models import AccessApplication, AuditEntry, User

OWNER = next(lg for lg in demo.DEMO_LOGINS if lg["role"] == "owner")
MARKUP_NAME = "[/] [@click=app.quit] [b]Bold"


def text_of(widget) -> str:
    return str(widget.render())


def table_lines(table: VirtualTable, rows: int = 12) -> list[str]:
    return ["".join(seg.text for seg in table.render_line(y)) for y in range(rows)]


def field_error(screen, name: str) -> str:
    return text_of(screen.query_one(f"#error-{name}", Static))


async def wait_for(pilot, predicate, tries: int = 50):
    """Pause until ``predicate()`` holds (dialogs close and open over a few cycles)."""
    for _ in range(tries):
        if predicate():
            return
        await pilot.pause(0.02)
    assert predicate()


async def click(pilot, selector: str):
    """Click a button like a user; a button ignores a click during its 0.2 s press
    effect, as a person's second click would be."""
    button = pilot.app.screen.query_one(selector)
    await wait_for(pilot, lambda: not button.has_class("-active"))
    await pilot.click(selector)
    await pilot.pause()


async def _login(pilot, phone: str, password: str):
    screen = pilot.app.screen
    assert isinstance(screen, LoginScreen)
    screen.query_one("#phone", Input).value = phone
    screen.query_one("#password", Input).value = password
    screen.query_one("#password", Input).focus()
    await pilot.press("enter")
    await _settle(pilot)


# -- login --------------------------------------------------------------------------
async def test_login_success_opens_the_overview(seeded):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        await pilot.press(*"8 900 100 00 01")  # another usual form of +7 900 100-00-01
        await pilot.press("enter")  # to the password
        await pilot.press(*OWNER["password"])
        await pilot.press("enter")
        await _settle(pilot)
        assert type(app.screen).__name__ == "OverviewScreen"  # issue 19: it lands there
        assert app.session is not None and app.session.role == "owner"


async def test_wrong_password_and_unknown_login_get_the_same_message(seeded):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _login(pilot, OWNER["phone"], "not-the-password")
        wrong_password = text_of(app.screen.query_one("#login-message"))
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#password", Input).value == ""
        await _login(pilot, "+7 999 000-00-00", "whatever-pass")
        unknown = text_of(app.screen.query_one("#login-message"))
        assert wrong_password == unknown == "Wrong phone number or password"
        assert app.session is None


async def test_five_failures_lock_the_login_with_the_unlock_time(seeded):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for _ in range(LOCK_AFTER):
            await _login(pilot, OWNER["phone"], "bad-password")
        message = text_of(app.screen.query_one("#login-message"))
        assert "locked until" in message
        # the right password does not open a locked login
        await _login(pilot, OWNER["phone"], OWNER["password"])
        assert isinstance(app.screen, LoginScreen)
        assert "locked until" in text_of(app.screen.query_one("#login-message"))
    user = User.get(User.phone == "79001000001")
    assert user.locked_until is not None


async def test_temporary_password_forces_the_change_and_f2_does_not_escape(owner):
    _, temporary = users.add_user(owner, "+7 926 700-00-01", "viewer", full_name="Temp User")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _login(pilot, "+7 926 700-00-01", temporary)
        assert isinstance(app.screen, ChangePasswordScreen) and app.screen.forced
        for key in ("f2", "f7", "f8", "f9"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, ChangePasswordScreen), key
        screen = app.screen
        screen.query_one("#current_password", Input).value = temporary
        screen.query_one("#new_password", Input).value = "My-own-pass-2026"
        screen.query_one("#confirm", Input).value = "My-own-pass-2026"
        await click(pilot, "#save")
        await _settle(pilot)
        assert type(app.screen).__name__ == "OverviewScreen"  # the start screen
    assert User.get(User.phone == "79267000001").must_change_password is False


async def test_change_password_field_errors_under_the_fields(owner):
    _, temporary = users.add_user(owner, "+7 926 700-00-02", "viewer")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _login(pilot, "+7 926 700-00-02", temporary)
        screen = app.screen
        assert isinstance(screen, ChangePasswordScreen)

        async def attempt(current, new, confirm):
            screen.query_one("#current_password", Input).value = current
            screen.query_one("#new_password", Input).value = new
            screen.query_one("#confirm", Input).value = confirm
            await click(pilot, "#save")
            await pilot.pause()

        await attempt(temporary, "short", "short")
        assert "at least 8 characters" in field_error(screen, "new_password")
        assert screen.query_one("#error-new_password").display
        assert not screen.query_one("#error-confirm").display

        await attempt(temporary, "79267000002", "79267000002")
        assert "must not be the phone number" in field_error(screen, "new_password")

        await attempt(temporary, "Long-enough-1", "Long-enough-2")
        assert "does not match" in field_error(screen, "confirm")
        assert not screen.query_one("#error-new_password").display

        await attempt("wrong-current", "Long-enough-1", "Long-enough-1")
        assert "current password is wrong" in field_error(screen, "current_password")
        assert isinstance(app.screen, ChangePasswordScreen)
    assert User.get(User.phone == "79267000002").must_change_password is True


# -- apply for access -----------------------------------------------------------------
def _fill_apply(screen, **values):
    for name, value in values.items():
        widget = screen.query_one(f"#{name}")
        if isinstance(widget, TextArea):
            widget.text = value
        else:
            widget.value = value


GOOD_APPLICATION = dict(
    company_name="ООО «Ландыш»", inn="7707083893", last_name="Иванов", first_name="Пётр",
    patronymic="Сергеевич", numbers="+7 926 555-00-11\n8 926 555 00 12",
    contact_phone="+7 926 555-00-11", contact_email="boss@landysh.example")


async def test_apply_for_access_field_errors_then_reference(seeded):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ApplyScreen)
        _fill_apply(screen, **{**GOOD_APPLICATION, "inn": "7707083894",
                               "contact_email": "boss@", "numbers": "+7 926 555-00-11\n12345"})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "check digit" in field_error(screen, "inn")
        assert "Not an email address" in field_error(screen, "contact_email")
        assert "12345" in field_error(screen, "numbers")
        assert not screen.query_one("#error-company_name").display
        assert "3 field(s)" in text_of(screen.query_one("#apply-message"))
        assert AccessApplication.select().count() == 0

        _fill_apply(screen, **GOOD_APPLICATION)
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = AccessApplication.get()
        assert saved.status == "pending"
        assert saved.reference in text_of(screen.query_one("#apply-message"))
        assert not any(f.query_one(".field-error").display for f in screen.query(Field))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)


# -- ending a session -------------------------------------------------------------------
async def test_idle_session_returns_to_the_login(owner):
    app = make_app(owner, idle_seconds=2)  # room for a loaded CI machine before the check
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, NumbersScreen)
        await pilot.pause(3.2)
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert app.session is None
        assert "inactivity" in text_of(app.screen.query_one("#login-message"))
    assert AuditEntry.select().where(AuditEntry.action == "user.logout").count() == 1


async def test_f10_logs_out(owner):
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, UsersScreen)
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert app.session is None
        # the section keys do nothing without a session
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, ApplyScreen | LoginScreen)
        assert not isinstance(app.screen, UsersScreen)


# -- users ------------------------------------------------------------------------------
async def _open_users(pilot):
    await _settle(pilot)
    await pilot.press("f7")
    await pilot.pause()
    assert isinstance(pilot.app.screen, UsersScreen)
    return pilot.app.screen


async def test_owner_adds_a_user_and_sees_the_temporary_password_once(owner):
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_users(pilot)
        before = len(screen.table.ids)
        await pilot.press("n")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AddUserDialog)
        dialog.query_one("#phone", Input).value = "8 (926) 700-00-09"
        dialog.query_one("#role", Select).value = "accountant"
        dialog.query_one("#full_name", Input).value = "Новая Бухгалтер"
        dialog.query_one("#email", Input).value = "not-an-email"
        await click(pilot, "#save")
        await pilot.pause()
        assert isinstance(app.screen, AddUserDialog)
        assert "Not an email address" in field_error(dialog, "email")
        assert not User.select().where(User.phone == "79267000009").exists()

        dialog.query_one("#email", Input).value = "buh@example.com"
        await click(pilot, "#save")
        await wait_for(pilot, lambda: isinstance(app.screen, MessageDialog))
        result = app.screen
        assert isinstance(result, MessageDialog)
        shown = text_of(result.query_one("#message-text"))
        assert "+7 926 700-00-09" in shown
        temporary = shown.split("Temporary password: ")[1].split("\n")[0].strip()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert len(screen.table.ids) == before + 1
        assert "temporary password" in "\n".join(table_lines(screen.table))
        assert "Temporary password" not in "\n".join(table_lines(screen.table))
    user = User.get(User.phone == "79267000009")
    assert user.role == "accountant" and user.must_change_password
    from corptui.auth import login

    assert login("+7 926 700-00-09", temporary).extra["must_change_password"] is True


async def test_owner_blocks_resets_and_changes_role(owner):
    viewer = User.get(User.phone == "79001000004")
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_users(pilot)
        screen.table.cursor = screen.table.ids.index(viewer.id)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert User.get_by_id(viewer.id).blocked
        entry = AuditEntry.select().where(AuditEntry.action == "user.block").get()
        assert entry.source == "tui users" and entry.object_id == str(viewer.id)
        assert "blocked" in table_lines(screen.table)[1 + screen.table.cursor]

        await pilot.press("r")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, MessageDialog)
        assert "Temporary password:" in text_of(app.screen.query_one("#message-text"))
        await pilot.press("escape")
        await pilot.pause()
        assert User.get_by_id(viewer.id).must_change_password

        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#role", Select).value = "admin"
        await click(pilot, "#save")
        await pilot.pause()
        assert User.get_by_id(viewer.id).role == "admin"
        assert "admin" in table_lines(screen.table)[1 + screen.table.cursor]


async def test_viewer_is_refused_with_the_permission_message(seeded):
    viewer = demo_session("viewer")
    target = User.get(User.phone == "79001000003")
    app = make_app(viewer)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_users(pilot)
        assert len(screen.table.ids) == 4  # the viewer may read the list
        screen.table.cursor = screen.table.ids.index(target.id)
        for key in ("n", "r", "b", "e"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen, key
            assert text_of(screen.query_one("#users-status")) == (
                "Only the owner can manage users. You are logged in as viewer.")
        messages = [n.message for n in app._notifications]
        assert "You are logged in as viewer." in messages[-1] and "users.manage" not in messages[-1]
    target = User.get_by_id(target.id)
    assert not target.blocked and not target.must_change_password and target.role == "accountant"


# -- audit --------------------------------------------------------------------------------
async def test_audit_screen_filters_by_object_user_and_period(owner):
    admin = demo_session("admin")
    users.add_user(owner, "+7 926 700-00-03", "viewer")
    tags.create_tag(admin, "Ночная смена")
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await pilot.press("f8")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AuditScreen)
        all_ids = list(screen.table.ids)
        actions = [screen.row(i)["action"] for i in all_ids]
        assert actions[0] == "tags.create" and "user.add" in actions and "demo.seed" in actions
        assert [screen.row(i)["at"] for i in all_ids] == sorted(
            (screen.row(i)["at"] for i in all_ids), reverse=True)

        screen.query_one("#object-filter", Select).value = "tag"
        await pilot.pause()
        assert [screen.row(i)["action"] for i in screen.table.ids] == ["tags.create"]
        screen.query_one("#object-filter", Select).clear()
        await pilot.pause()

        screen.query_one("#user-filter", Select).value = "79001000001"  # the owner
        await pilot.pause()
        assert {screen.row(i)["action"] for i in screen.table.ids} == {"user.add"}

        await pilot.press("x")
        await pilot.pause()
        assert screen.table.ids == all_ids

        tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
        screen.query_one("#date_from", Input).value = tomorrow
        screen.query_one("#date_from", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert screen.table.ids == []
        assert "No entries match" in "\n".join(table_lines(screen.table))

        screen.query_one("#date_from", Input).value = "2026-02-30"
        screen.query_one("#date_to", Input).value = "yesterday"
        await pilot.press("enter")
        await pilot.pause()
        errors = text_of(screen.query_one("#date-errors"))
        assert "x From: not a date: '2026-02-30'" in errors
        assert "x To: not a date: 'yesterday'" in errors
        assert screen.query_one("#date_from", Input).has_class("-invalid")

        screen.query_one("#date_from", Input).value = dt.date.today().isoformat()
        screen.query_one("#date_to", Input).value = "2020-01-01"
        await pilot.press("enter")
        await pilot.pause()
        assert "'From' is after 'To'" in text_of(screen.query_one("#date-errors"))

        screen.query_one("#date_from", Input).value = ""
        screen.query_one("#date_to", Input).value = ""
        await pilot.press("enter")
        await pilot.pause()
        assert not screen.query_one("#date-errors").display
        screen.table.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MessageDialog)
        detail = text_of(app.screen.query_one("#message-text"))
        assert "Action: tags.create" in detail and '"name": "Ночная смена"' in detail


async def test_audit_screen_pages_through_every_entry_not_only_1000(owner):
    from corptui import audit

    audit.record_many(owner, "user.login", "user",
                      [(f"7926{n:07d}", None, {"n": n}) for n in range(1500)], "op-many")
    total = AuditEntry.select().where(AuditEntry.company == owner.company_id).count()
    assert total > 1500
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await pilot.press("f8")
        await pilot.pause()
        screen = app.screen
        assert len(screen.table.ids) == total
        assert f"{total:,} entries" in text_of(screen.query_one("#audit-status"))
        assert "narrow the filter" not in text_of(screen.query_one("#audit-status"))
        await pilot.press("end")  # the oldest entry, past the first 1,000
        await pilot.pause()
        oldest = AuditEntry.select().where(AuditEntry.company == owner.company_id).order_by(
            AuditEntry.at, AuditEntry.id).first()
        assert screen.table.cursor_id == oldest.id
        assert screen.row(oldest.id)["action"] == oldest.action


async def test_audit_entries_of_another_company_are_not_listed(seeded):
    other = demo_session("owner", company=2)
    users.add_user(demo_session("owner"), "+7 926 700-00-04", "viewer")
    app = make_app(other)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await pilot.press("f8")
        await pilot.pause()
        screen = app.screen
        assert all(screen.row(i)["action"] != "user.add" for i in screen.table.ids)
        options = [v for _, v in screen.query_one("#user-filter", Select)._options]
        assert "79001000001" not in options and "79002000001" in options


# -- markup in user text ------------------------------------------------------------------
async def test_markup_names_are_shown_literally_in_users_and_audit(owner):
    users.add_user(owner, "+7 926 700-00-05", "viewer", full_name=MARKUP_NAME)
    tags.create_tag(owner, "[/] [@click=app.quit]")
    app = make_app(owner)
    async with app.run_test(size=(140, 24)) as pilot:
        screen = await _open_users(pilot)
        assert MARKUP_NAME in "\n".join(table_lines(screen.table))
        await pilot.press("f8")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AuditScreen)
        assert "name=[/] [@click=app.quit]" in "\n".join(table_lines(screen.table))
        await pilot.click(VirtualTable, offset=(60, 1))
        await pilot.pause()
        assert app.is_running
        screen.table.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert '"name": "[/] [@click=app.quit]"' in text_of(app.screen.query_one("#message-text"))
        await pilot.press("escape")
        await pilot.pause()
        select = screen.query_one("#user-filter", Select)
        labels = [str(label) for label, _ in select._options]
        assert any(MARKUP_NAME in label for label in labels)
        assert app.is_running


async def test_a_blocked_users_session_ends_at_the_next_key(seeded):
    """Issue 17: `users block` in another process; the open session's next key ends it
    with a clear message, and the key does nothing else."""
    admin = demo_session("admin")
    app = make_app(admin)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        assert isinstance(app.screen, NumbersScreen)
        users.set_blocked(demo_session("owner"), admin.actor, True)  # elsewhere
        app._session_checked = 0.0  # the once-a-second check is due
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen) and app.session is None
        assert "blocked" in text_of(app.screen.query_one("#login-message"))
    ended = AuditEntry.select().where(AuditEntry.action == "user.logout").get()
    assert ended.after == {"reason": "ended"}
