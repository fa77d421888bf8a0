"""Login, lockout, blocked users, password change, idle timeout, users' owner actions."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time

import pytest
from access_data import OTHER_OWNER, PASSWORD, ROLE_PHONES, build, session_of
from click.testing import CliRunner

from corptui import auth, passwords, users
from corptui.auth import LOCK_AFTER, LoginLocked
from corptui.cli import main
from corptui.database import close_database, open_database
from corptui.errors import AuthError, NotFound, PermissionDenied, ValidationError
from corptui.passwords import hash_password, verify_password
from storage.fields import utcnow
from storage.models import AuditEntry, User

T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def data(db):
    return build()


def _user(phone) -> User:
    return User.get(User.phone == phone)


def test_login_accepts_any_phone_form_and_returns_the_session(data):
    owner = data["users"]["owner"]
    for form in ("+7 926 000-00-01", "8 (926) 000 00 01", "9260000001", "79260000001"):
        session = auth.login(form, PASSWORD, now=T0)
        assert (session.company_id, session.role, session.user_id, session.actor) == (
            owner.company_id, "owner", owner.id, "79260000001")
        assert session.extra == {"must_change_password": False}
    assert _user("79260000001").last_login_at == T0
    entry = AuditEntry.select().where(AuditEntry.action == "user.login").order_by(
        AuditEntry.id.desc()).first()
    assert entry.company_id == owner.company_id and entry.user_id == owner.id


def test_wrong_password_and_unknown_login_get_the_same_message(data):
    with pytest.raises(AuthError) as wrong:
        auth.login("79260000001", "Wrong-password-1", now=T0)
    with pytest.raises(AuthError) as unknown:
        auth.login("79269999999", PASSWORD, now=T0)
    assert wrong.value.message == unknown.value.message == "wrong phone number or password"
    assert type(wrong.value) is type(unknown.value) is AuthError
    failed = list(AuditEntry.select().where(AuditEntry.action == "user.login_failed")
                  .order_by(AuditEntry.id))
    assert [(e.company_id, e.actor) for e in failed] == [
        (data["company"].id, "79260000001"), (None, "79269999999")]
    assert all(PASSWORD not in json.dumps([e.before, e.after]) for e in AuditEntry.select())


def test_empty_and_malformed_fields_are_field_errors(data):
    with pytest.raises(ValidationError) as empty:
        auth.login("  ", "", now=T0)
    assert set(empty.value.errors) == {"phone", "password"}
    with pytest.raises(ValidationError) as bad:
        auth.login("12ab[/]", PASSWORD, now=T0)
    assert bad.value.field == "phone"


def test_unknown_login_costs_a_real_verification(data, monkeypatch):
    """Timing must not tell whether a login exists: with the production cost an unknown
    login takes about as long as a wrong password for a known one."""
    monkeypatch.setattr(passwords, "_test_fast", False)
    User.update(password_hash=hash_password(PASSWORD)).where(
        User.phone == "79260000002").execute()

    def timed(phone):
        start = time.perf_counter()
        with pytest.raises(AuthError):
            auth.login(phone, "Wrong-password-1", now=T0)
        return time.perf_counter() - start

    known = min(timed("79260000002") for _ in range(2))
    unknown = min(timed("79269999998") for _ in range(2))
    assert known > 0.02  # production argon2id parameters
    assert unknown > known * 0.5


def test_no_environment_variable_weakens_production_hashes(monkeypatch):
    """Issue 17: CORPTUI_ARGON2_FAST (once the tests' switch) does nothing in production."""
    from argon2 import extract_parameters

    monkeypatch.setattr(passwords, "_test_fast", False)
    for value in ("1", "yes", "true"):
        monkeypatch.setenv("CORPTUI_ARGON2_FAST", value)
        params = extract_parameters(passwords.hash_password("Some-password-1"))
        assert (params.time_cost, params.memory_cost, params.parallelism) == (3, 65536, 4)


def test_five_failures_lock_the_login_with_its_unlock_time(data):
    for i in range(LOCK_AFTER - 1):
        with pytest.raises(AuthError) as exc:
            auth.login("79260000003", "nope-nope", now=T0 + dt.timedelta(seconds=i))
        assert not isinstance(exc.value, LoginLocked)
    with pytest.raises(LoginLocked) as locked:
        auth.login("79260000003", "nope-nope", now=T0 + dt.timedelta(seconds=10))
    until = T0 + dt.timedelta(seconds=10, minutes=15)
    assert locked.value.locked_until == until
    assert "2026-03-01T09:15:10Z" in locked.value.message
    assert "wrong phone number or password" in locked.value.message
    assert _user("79260000003").locked_until == until
    # the right password does not help while locked, and is not even checked
    with pytest.raises(LoginLocked) as still:
        auth.login("79260000003", PASSWORD, now=until - dt.timedelta(seconds=1))
    assert still.value.locked_until == until
    assert "wrong phone number" not in still.value.message
    # after the lock: in again, the count starts over
    session = auth.login("79260000003", PASSWORD, now=until)
    assert session.role == "accountant"
    user = _user("79260000003")
    assert (user.failed_attempts, user.locked_until) == (0, None)


def test_a_success_resets_the_count_and_an_expired_lock_counts_from_one(data):
    for i in range(LOCK_AFTER - 1):
        with pytest.raises(AuthError):
            auth.login("79260000004", "nope-nope", now=T0)
    auth.login("79260000004", PASSWORD, now=T0)
    with pytest.raises(AuthError) as exc:
        auth.login("79260000004", "nope-nope", now=T0)
    assert not isinstance(exc.value, LoginLocked)
    assert _user("79260000004").failed_attempts == 1
    User.update(failed_attempts=LOCK_AFTER, locked_until=T0).where(
        User.phone == "79260000004").execute()
    with pytest.raises(AuthError) as again:
        auth.login("79260000004", "nope-nope", now=T0 + dt.timedelta(minutes=1))
    assert not isinstance(again.value, LoginLocked)
    assert _user("79260000004").failed_attempts == 1


def test_lock_minutes_come_from_the_environment(data, monkeypatch):
    monkeypatch.setenv("CORPTUI_LOCK_MINUTES", "40")
    for _ in range(LOCK_AFTER - 1):
        with pytest.raises(AuthError):
            auth.login("79260000002", "nope-nope", now=T0)
    with pytest.raises(LoginLocked) as locked:
        auth.login("79260000002", "nope-nope", now=T0)
    assert locked.value.locked_until == T0 + dt.timedelta(minutes=40)
    monkeypatch.setenv("CORPTUI_LOCK_MINUTES", "soon")
    with pytest.raises(ValidationError):
        auth.lock_minutes()


def test_the_lock_holds_across_processes_and_restarts(data, db):
    now = utcnow()
    for _ in range(LOCK_AFTER):
        with pytest.raises(AuthError):
            auth.login("79260000002", "nope-nope", now=now)
    close_database()
    code = ("from corptui.database import open_database; from corptui import auth\n"
            "open_database()\n"
            "try:\n    auth.login('79260000002', %r)\n"
            "except auth.LoginLocked as e:\n    print('LOCKED', e.locked_until.isoformat())\n"
            "else:\n    print('IN')\n" % PASSWORD)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.stdout.startswith("LOCKED"), out.stdout + out.stderr
    assert dt.datetime.fromisoformat(out.stdout.split()[1]) > now
    open_database(db)
    with pytest.raises(LoginLocked):
        auth.login("79260000002", PASSWORD)


def test_a_blocked_user_learns_it_only_with_the_right_password(data):
    owner = session_of(data["users"]["owner"])
    users.set_blocked(owner, "79260000002", True)
    with pytest.raises(AuthError) as wrong:
        auth.login("79260000002", "nope-nope", now=T0)
    assert wrong.value.message == "wrong phone number or password"
    with pytest.raises(AuthError) as right:
        auth.login("79260000002", PASSWORD, now=T0)
    assert "blocked" in right.value.message
    users.set_blocked(owner, "79260000002", False)
    assert auth.login("79260000002", PASSWORD, now=T0).role == "admin"


def test_temporary_password_must_be_changed_and_change_password_rules(data):
    owner = session_of(data["users"]["owner"])
    user, temporary = users.add_user(owner, "8 926 777 66 55", "viewer")
    session = auth.login("89267776655", temporary, now=T0)
    assert session.extra["must_change_password"] is True

    with pytest.raises(ValidationError) as all_wrong:
        auth.change_password(session, "not-it", "short", "other")
    errors = all_wrong.value.errors
    assert set(errors) == {"current_password", "new_password", "confirm"}
    assert "wrong" in errors["current_password"]
    assert "8 characters" in errors["new_password"]
    assert "does not match" in errors["confirm"]
    rules = [("79267776655", "the phone number"), ("+7 926 777-66-55", "the phone number"),
             (temporary, "differ from the current")]
    for new, message in rules:
        with pytest.raises(ValidationError) as exc:
            auth.change_password(session, temporary, new, new)
        assert set(exc.value.errors) == {"new_password"} and message in exc.value.message
    with pytest.raises(ValidationError) as empty:
        auth.change_password(session, "", "", "")
    assert set(empty.value.errors) == {"current_password", "new_password", "confirm"}
    assert _user("79267776655").must_change_password is True

    new_session = auth.change_password(session, temporary, "Brand-new-pass-1", "Brand-new-pass-1")
    assert new_session.extra["must_change_password"] is False
    stored = _user("79267776655")
    assert stored.must_change_password is False and stored.password_changed_at is not None
    assert verify_password(stored.password_hash, "Brand-new-pass-1")
    with pytest.raises(AuthError):
        auth.login("79267776655", temporary, now=T0)
    assert auth.login("79267776655", "Brand-new-pass-1", now=T0).extra == {
        "must_change_password": False}
    dump = json.dumps([(e.before, e.after) for e in AuditEntry.select()], default=str)
    for secret in (temporary, "Brand-new-pass-1", "not-it"):
        assert secret not in dump
    assert AuditEntry.select().where(AuditEntry.action == "user.password_change").count() == 1


def test_idle_timeout_from_the_environment(monkeypatch):
    monkeypatch.delenv("CORPTUI_IDLE_MINUTES", raising=False)
    assert auth.idle_timeout_seconds() == 15 * 60
    monkeypatch.setenv("CORPTUI_IDLE_MINUTES", "3")
    assert auth.idle_timeout_seconds() == 180
    monkeypatch.setenv("CORPTUI_IDLE_MINUTES", "0")
    with pytest.raises(ValidationError):
        auth.idle_timeout_seconds()


def test_owner_resets_a_password_which_lifts_a_lock(data):
    owner = session_of(data["users"]["owner"])
    for _ in range(LOCK_AFTER):
        with pytest.raises(AuthError):
            auth.login("79260000004", "nope-nope")
    temporary = users.reset_password(owner, "+7 926 000-00-04")
    user = _user("79260000004")
    assert user.must_change_password and user.locked_until is None and user.failed_attempts == 0
    with pytest.raises(AuthError):
        auth.login("79260000004", PASSWORD)
    session = auth.login("79260000004", temporary)
    assert session.extra["must_change_password"] is True
    entry = AuditEntry.get(AuditEntry.action == "user.reset_password")
    assert entry.user_id == owner.user_id and temporary not in json.dumps(entry.after)


def test_owner_actions_stay_in_the_company_and_guard_the_owner(data):
    owner = session_of(data["users"]["owner"])
    for call in (lambda: users.reset_password(owner, OTHER_OWNER),
                 lambda: users.set_blocked(owner, OTHER_OWNER, True),
                 lambda: users.change_role(owner, data["other_user"].id, "viewer")):
        with pytest.raises(NotFound):
            call()
    other = _user(OTHER_OWNER)
    assert (other.blocked, other.role, other.must_change_password) == (False, "owner", False)
    with pytest.raises(ValidationError):
        users.set_blocked(owner, owner.user_id, True)
    with pytest.raises(ValidationError):
        users.change_role(owner, owner.user_id, "viewer")
    assert users.change_role(owner, "79260000002", "accountant")["role"] == "accountant"
    assert _user("79260000002").role == "accountant"
    with pytest.raises(ValidationError):
        users.change_role(owner, "79260000002", "god")
    admin = session_of(data["users"]["admin"])
    with pytest.raises(PermissionDenied):
        users.set_blocked(admin, "79260000004", True)


def _cli(*args):
    close_database()
    result = CliRunner().invoke(main, list(args))
    close_database()
    return result


def test_cli_reset_password_block_unblock(data, db):
    close_database()
    blocked = _cli("users", "block", "8 926 000-00-02", "--company", "ООО «Ромашка»")
    assert blocked.exit_code == 0, blocked.output
    assert "79260000002 blocked" in blocked.output
    again = _cli("users", "block", "79260000002", "--company", "ООО «Ромашка»")
    assert "already" in again.output
    foreign = _cli("users", "block", OTHER_OWNER, "--company", "ООО «Ромашка»")
    assert foreign.exit_code == 1 and "no user" in foreign.output
    reset = _cli("users", "reset-password", "79260000002", "--company", "ООО «Ромашка»")
    assert reset.exit_code == 0
    temporary = reset.output.split("temporary password: ")[1].split()[0]
    unblocked = _cli("users", "unblock", "79260000002", "--company", "ООО «Ромашка»")
    assert "unblocked" in unblocked.output
    open_database(db)
    session = auth.login("79260000002", temporary)
    assert session.extra["must_change_password"] is True
    actions = [e.action for e in AuditEntry.select().where(AuditEntry.source.startswith("cli"))
               .order_by(AuditEntry.id)]
    assert actions == ["user.block", "user.reset_password", "user.unblock"]
    assert ROLE_PHONES["admin"] == "79260000002"
