"""Sessions and roles under attack (issue 17): a blocked or demoted user's open session
changes nothing; undo needs the rights of the change; parallel logins meet an exact
lock and a locked login answers the same whatever the password."""

from __future__ import annotations

import threading
import time

import pytest
from access_data import PASSWORD, ROLE_PHONES, build, session_of

from corptui import audit, auth, limits, passwords, tags, undo, users
from corptui.errors import AuthError, PermissionDenied, SessionEnded
from storage.db import atomic
from storage.models import AuditEntry, Subscriber, Tag, User


@pytest.fixture
def data(db):
    return build()


def _owner(data):
    return session_of(data["users"]["owner"])


def test_a_blocked_users_open_session_changes_nothing(data):
    admin = session_of(data["users"]["admin"])  # logged in before the block
    users.set_blocked(_owner(data), ROLE_PHONES["admin"], True)
    last = AuditEntry.select().order_by(AuditEntry.id.desc()).first().id
    with pytest.raises(SessionEnded, match="blocked"):
        tags.create_tag(admin, "После блокировки")
    with pytest.raises(SessionEnded):
        limits.set_limits(admin, [data["subs"][0].id], amount="100")
    assert not Tag.select().where(Tag.name == "После блокировки").exists()
    assert Subscriber.get_by_id(data["subs"][0].id).spending_limit is None
    assert AuditEntry.select().where(AuditEntry.id > last).count() == 0


def test_a_demoted_users_open_session_keeps_no_rights(data):
    admin = session_of(data["users"]["admin"])
    users.change_role(_owner(data), ROLE_PHONES["admin"], "viewer")
    with pytest.raises(SessionEnded, match="role changed from admin to viewer"):
        tags.create_tag(admin, "Новый")
    assert not Tag.select().where(Tag.name == "Новый").exists()


def test_the_check_is_inside_the_mutations_transaction(data):
    """A block that lands after the use case's first check still rolls the change back:
    the audit entry, written in the same transaction, confirms the rights."""
    admin = session_of(data["users"]["admin"])
    with pytest.raises(SessionEnded), atomic():
        Tag.create(company=admin.company_id, name="Наполовину")
        User.update(blocked=True).where(User.id == admin.user_id).execute()  # meanwhile
        audit.record(admin, "tags.create", "tag", 0)
    assert not Tag.select().where(Tag.name == "Наполовину").exists()


def test_undo_needs_the_rights_of_the_change(data):
    admin_user = data["users"]["admin"]
    admin = session_of(admin_user)
    tags.assign(admin, [s.id for s in data["subs"]], add=["Москва"])
    users.change_role(_owner(data), ROLE_PHONES["admin"], "viewer")
    with pytest.raises(SessionEnded):  # the old session
        undo.undo_last(admin)
    viewer = session_of(User.get_by_id(admin_user.id))  # logged in again, as a viewer
    assert viewer.role == "viewer"
    op = undo.last_undoable(viewer)
    assert op is not None  # still the viewer's own change...
    with pytest.raises(PermissionDenied, match="assign tags"):  # ...but not the viewer's right
        undo.undo(viewer, op)
    assert undo.undo(_owner(data), op)["restored"] == 2  # an owner still may


def _race(phone: str, passwords_tried: list[str], monkeypatch) -> list:
    """Every password tried at once, each from its own thread (and connection); a slow
    password check widens the window as the real argon2 would."""
    real = passwords.verify_password

    def slow_verify(stored, password):
        time.sleep(0.3)
        return real(stored, password)

    monkeypatch.setattr(auth, "verify_password", slow_verify)
    gate = threading.Barrier(len(passwords_tried))
    results: list = [None] * len(passwords_tried)

    def attempt(i: int, password: str) -> None:
        gate.wait()
        try:
            results[i] = auth.login(phone, password)
        except AuthError as exc:
            results[i] = exc
        finally:
            from corptui.database import close_thread_connection

            close_thread_connection()

    threads = [threading.Thread(target=attempt, args=(i, p))
               for i, p in enumerate(passwords_tried)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_sixteen_parallel_wrong_logins_and_a_right_one_meet_an_exact_lock(data, monkeypatch):
    tried = [f"wrong-{i}-password" for i in range(16)]
    tried.insert(9, PASSWORD)
    results = _race(ROLE_PHONES["viewer"], tried, monkeypatch)
    locked = [r for r in results if isinstance(r, auth.LoginLocked) and "wrong" not in r.message]
    checked = [r for r in results if r not in locked]
    assert len(checked) == auth.LOCK_AFTER  # exactly five got a password check
    assert len({r.message for r in locked}) == 1  # one reply while locked, any password
    user = User.get(User.phone == ROLE_PHONES["viewer"])
    right = results[9]
    if isinstance(right, auth.LoginLocked):  # the right one came too late: locked like the rest
        assert right in locked
        assert user.failed_attempts == auth.LOCK_AFTER and user.locked_until is not None
    else:  # it was among the five: it logged in and took only its own count back
        assert right.user_id == user.id
        login = AuditEntry.get(AuditEntry.action == "user.login").after
        assert user.failed_attempts == auth.LOCK_AFTER - login["attempt"]
        # the lock a later attempt set stays (that attempt's followers were refused)
        assert (user.locked_until is None) == (login["attempt"] == auth.LOCK_AFTER)
    failed = AuditEntry.select().where((AuditEntry.action == "user.login_failed")
                                       & (AuditEntry.object_id == str(user.id))).count()
    assert failed == 16 + isinstance(right, auth.LoginLocked)  # every attempt is audited


def test_a_locked_login_answers_the_same_whatever_the_password(data):
    phone = ROLE_PHONES["accountant"]
    for _ in range(auth.LOCK_AFTER):
        with pytest.raises(AuthError):
            auth.login(phone, "not-the-password")
    replies = []
    for password in ("not-the-password", PASSWORD, "другой"):
        with pytest.raises(auth.LoginLocked) as err:
            auth.login(phone, password)
        replies.append(err.value.message)
    assert len(set(replies)) == 1


@pytest.mark.parametrize("password,why", [
    ("password", "commonest"), ("Password123!", "commonest"), ("qwertyuiop", "commonest"),
    ("йцукенгш", "commonest"), ("1q2w3e4r5t", "commonest"), ("iloveyou2", "commonest"),
    ("79260000002", "phone number"), ("89260000002", "phone number"),
    ("9260000002", "phone number"), ("x9260000002", "phone number"),
    ("+7 (926) 000-00-02", "phone number"), ("+7(926)000-00-02", "phone number"), ("79２６0000002", "phone number"),
    ("Ромашка2024", "company"), ("РОМАШКА!!", "company"), ("ООО Ромашка", "company"),
    ("inn7707083893", "company"),
])
def test_a_blocklisted_password_is_refused(data, password, why):
    owner = _owner(data)
    from corptui.errors import ValidationError

    new_login = "79260000099"
    as_new = password.replace("9260000002", "9260000099").replace("79２６0000002", "79２６0000099")
    if "(" not in password:  # (the formatted ones name the admin's number only)
        with pytest.raises(ValidationError) as err:
            users.add_user(owner, new_login, "viewer", password=as_new)
        assert err.value.field == "new_password" and why in err.value.message
    admin = session_of(data["users"]["admin"])
    with pytest.raises(ValidationError) as err:
        auth.change_password(admin, PASSWORD, password, password)
    assert "new_password" in err.value.errors


@pytest.mark.parametrize("password", ["Correct-horse-9", "Зелёный слон 12", "tr0ub4dor&3x",
                                      "9260 дорог к морю"])
def test_an_uncommon_password_passes(data, password):
    user, _temporary = users.add_user(_owner(data), "79260000099", "viewer", password=password)
    assert user.id


def test_a_read_that_outlives_its_login_is_told_the_session_ended(data):
    # a background read started before a logout (kiosk reset, idle timeout) meets a None
    # session: a clear refusal the screens already handle, not an AttributeError
    from corptui import overview

    with pytest.raises(SessionEnded):
        overview.refresh(None, __import__("datetime").date.today())
    with pytest.raises(SessionEnded):
        tags.create_tag(None, "Отдел")
