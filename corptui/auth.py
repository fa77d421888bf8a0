"""Login, lockout, password change and the idle timeout.

- A login is a phone number in any usual form and a password (argon2id, see passwords).
- Wrong credentials get one message that does not say which part was wrong; an unknown
  login costs the same hashing work as a known one, so timing does not tell either.
- After LOCK_AFTER failures in a row the login is locked for ``lock_minutes()``
  (CORPTUI_LOCK_MINUTES, default 15). The lock lives in the database (User.locked_until),
  so it holds across restarts and processes. Each attempt is counted and the lock
  decided in one transaction before the password is checked, so parallel attempts (one
  process per browser tab under `corptui serve`) cannot get more checks than the lock
  allows; a locked login gives the same reply whatever the password.
- A blocked user learns that the login is blocked only after giving the right password.
- Every attempt is audited ("user.login" / "user.login_failed"); passwords never are."""

from __future__ import annotations

import datetime as dt
import os

from corptui import audit, permissions
from corptui.errors import AuthError, ValidationError
from corptui.i18n import N_, _
from corptui.passwords import dummy_verify, hash_password, verify_password
from corptui.phones import normalize
from corptui.session import Session
from corptui.users import validate_new_password
from storage.db import atomic, is_postgres
from storage.fields import UTC, utcnow
from storage.models import User

LOCK_AFTER = 5
DEFAULT_LOCK_MINUTES = 15
DEFAULT_IDLE_MINUTES = 15
WRONG_CREDENTIALS = N_("wrong phone number or password")
BLOCKED = N_("this login is blocked: ask your company's owner to unblock it")


class LoginLocked(AuthError):
    """Too many failures in a row: the login is locked until ``locked_until`` (UTC)."""

    def __init__(self, locked_until: dt.datetime, prefix: str = ""):
        self.locked_until = locked_until
        text = _("too many failed attempts: the login is locked until {local} ({utc})").format(
            local=local_time_text(locked_until), utc=iso_utc(locked_until))
        super().__init__(f"{prefix}; {text}" if prefix else text)


def _env_minutes(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError(_("{name} must be a whole number of minutes, not {raw!r}").format(name=name, raw=raw[:20]),
                              name) from None
    if value < 1 or value > 7 * 24 * 60:
        raise ValidationError(_("{name} must be between 1 and 10080 minutes").format(name=name), name)
    return value


def lock_minutes() -> int:
    return _env_minutes("CORPTUI_LOCK_MINUTES", DEFAULT_LOCK_MINUTES)


def idle_timeout_seconds() -> int:
    """Seconds of inactivity after which the TUI session ends: CORPTUI_IDLE_MINUTES, else
    the settings (config.toml [ui] idle_minutes), else 15 minutes."""
    default = DEFAULT_IDLE_MINUTES
    try:
        from corptui.settings import ui

        default = ui()["idle_minutes"]
    except Exception:  # a broken config file must not stop a login
        pass
    return _env_minutes("CORPTUI_IDLE_MINUTES", default) * 60


def iso_utc(value: dt.datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def local_time_text(value: dt.datetime, tz: dt.tzinfo | None = None) -> str:
    """'14:35' today, else '2026-05-01 14:35', in the local (or given) zone."""
    local = value.astimezone(tz) if tz else value.astimezone()
    now = dt.datetime.now(local.tzinfo)
    fmt = "%H:%M" if local.date() == now.date() else "%Y-%m-%d %H:%M"
    return local.strftime(fmt)


def _audit_session(user: User | None, login: str) -> Session:
    if user is None:
        return Session(company_id=None, role="", user_id=None, actor=login, source="login")
    return Session(company_id=user.company_id, role=user.role, user_id=user.id,
                   actor=user.phone, source="login")


def _locked(user: User, now: dt.datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def _reload_for_update(user_id: int) -> User:
    q = User.select().where(User.id == user_id)
    if is_postgres():
        q = q.for_update()
    return q.get()


def login(phone: str, password: str, now: dt.datetime | None = None,
          lock_for_minutes: int | None = None, source: str = "login") -> Session:
    """Check the credentials and return the user's session, or raise AuthError
    (LoginLocked while locked) / ValidationError (an empty or malformed field).

    The attempt is counted, and the lock decided, in one transaction *before* the
    (slow) password check: of any number of parallel attempts exactly LOCK_AFTER get a
    password check before the lock, and every other one gets the locked reply, the same
    whatever its password. A right password then takes its own count back."""
    errors = {}
    if not (phone or "").strip():
        errors["phone"] = _("enter your phone number")
    if not password:
        errors["password"] = _("enter your password")
    if errors:
        first = next(iter(errors))
        raise ValidationError(errors[first], first, errors)
    login_digits = normalize(phone, "phone")
    if len(password) > 200:
        dummy_verify(password[:200])
        raise AuthError(_(WRONG_CREDENTIALS))
    now = now or utcnow()
    minutes = lock_for_minutes if lock_for_minutes is not None else lock_minutes()

    user = User.get_or_none(User.phone == login_digits)
    if user is None:
        dummy_verify(password)
        with atomic():
            audit.record(_audit_session(None, login_digits), "user.login_failed", "user",
                         "", None, {"reason": "credentials"}, confirm=False)
        raise AuthError(_(WRONG_CREDENTIALS))
    counted, locked_until = _count_attempt(user.id, now, minutes, login_digits)
    if counted is None:  # locked before this attempt: no password check at all
        raise LoginLocked(locked_until)
    ok = verify_password(user.password_hash, password)  # slow: outside any transaction
    if not ok:
        with atomic():
            audit.record(_audit_session(user, login_digits), "user.login_failed", "user",
                         user.id, {"failed_attempts": counted - 1},
                         {"reason": "credentials", "failed_attempts": counted,
                          "locked_until": locked_until}, confirm=False)
        if locked_until is not None:
            raise LoginLocked(locked_until, _(WRONG_CREDENTIALS))
        raise AuthError(_(WRONG_CREDENTIALS))
    return _succeed(user.id, counted, now, minutes, login_digits, source)


def _count_attempt(user_id: int, now: dt.datetime, minutes: int, login_digits: str):
    """Count one attempt as a failure and lock at LOCK_AFTER, atomically (IMMEDIATE on
    SQLite, FOR UPDATE on PostgreSQL): (this attempt's count, locked_until), or (None,
    locked_until) when the login was locked already (that attempt is audited here)."""
    with atomic():
        user = _reload_for_update(user_id)
        if _locked(user, now):
            audit.record(_audit_session(user, login_digits), "user.login_failed", "user",
                         user.id, None, {"reason": "locked"}, confirm=False)
            return None, user.locked_until
        lock_expired = user.locked_until is not None and user.locked_until <= now
        failed = 1 if lock_expired else user.failed_attempts + 1
        locked_until = now + dt.timedelta(minutes=minutes) if failed >= LOCK_AFTER else None
        User.update(failed_attempts=failed, locked_until=locked_until).where(
            User.id == user.id).execute()
    return failed, locked_until


def _succeed(user_id: int, counted: int, now: dt.datetime, minutes: int, login_digits: str,
             source: str) -> Session:
    """The right password: take this attempt's count back (failures counted after it,
    by parallel attempts, stay, and so does a lock one of them set: the attempts after
    it were refused unchecked), then the session; a blocked login says so only now."""
    with atomic():
        user = _reload_for_update(user_id)
        before = {"failed_attempts": user.failed_attempts}
        left = max(0, user.failed_attempts - counted)
        keep = (user.locked_until if counted < LOCK_AFTER and _locked(user, now) else None)
        if user.blocked:
            User.update(failed_attempts=left, locked_until=keep).where(
                User.id == user.id).execute()
            audit.record(_audit_session(user, login_digits), "user.login_failed", "user",
                         user.id, None, {"reason": "blocked"}, confirm=False)
            error = AuthError(_(BLOCKED))
        else:
            error = None
            User.update(failed_attempts=left, locked_until=keep, last_login_at=now).where(
                User.id == user.id).execute()
            session = Session(company_id=user.company_id, role=user.role, user_id=user.id,
                              actor=user.phone, source=source,
                              extra={"must_change_password": bool(user.must_change_password)})
            audit.record(session, "user.login", "user", user.id, before,
                         {"failed_attempts": left, "attempt": counted, "locked_until": keep,
                          "must_change_password": user.must_change_password}, confirm=False)
    if error is not None:
        raise error
    return session


def change_password(session: Session, current: str, new: str, confirm: str) -> Session:
    """Change the logged-in user's own password; ValidationError lists every bad field
    ("current_password", "new_password", "confirm"). Returns the session with
    must_change_password cleared."""
    permissions.require(session, "account.password")
    if session.user_id is None:
        raise ValidationError(_("only a logged-in user can change a password"), "current_password")
    user = User.get_or_none((User.id == session.user_id) & (User.company == session.company_id))
    if user is None:
        raise AuthError(_("the session's user no longer exists: log in again"))
    errors: dict[str, str] = {}
    if not current:
        errors["current_password"] = _("enter the current password")
    elif not verify_password(user.password_hash, current):
        errors["current_password"] = _("the current password is wrong")
    if not new:
        errors["new_password"] = _("enter a new password")
    else:
        try:
            validate_new_password(new, user.phone, current if current else None,
                                  company_id=user.company_id)
        except ValidationError as exc:
            errors["new_password"] = exc.message
    if not confirm:
        errors["confirm"] = _("repeat the new password")
    elif new and confirm != new:
        errors["confirm"] = _("the confirmation does not match the new password")
    if errors:
        first = next(iter(errors))
        raise ValidationError(errors[first], first, errors)
    new_hash = hash_password(new)
    now = utcnow()
    with atomic():
        before = {"must_change_password": user.must_change_password,
                  "password_changed_at": user.password_changed_at}
        User.update(password_hash=new_hash, must_change_password=False,
                    password_changed_at=now).where(User.id == user.id).execute()
        audit.record(session, "user.password_change", "user", user.id, before,
                     {"must_change_password": False, "password_changed_at": now})
    extra = dict(session.extra)
    extra["must_change_password"] = False
    return Session(session.company_id, session.role, session.user_id, session.actor,
                   session.source, extra)



def logout(session: Session, reason: str = "key") -> None:
    """End a session: an audit entry (reason "key" or "idle")."""
    if session.user_id is None:
        return
    with atomic():
        audit.record(session, "user.logout", "user", session.user_id, None, {"reason": reason},
                     confirm=False)


def working_demo_logins(logins) -> list[dict]:
    """The demo logins that log in today: the user is there, not blocked, and the demo
    password still verifies (a login whose password was changed in the demo is not
    offered on the login screen)."""
    from storage.models import User

    out = []
    for login in logins:
        try:
            phone = normalize(login["phone"])
        except ValidationError:
            continue
        user = User.select().where(User.phone == phone).first()
        if user is None or getattr(user, "blocked", False):
            continue
        if verify_password(user.password_hash, login["password"]):
            out.append(login)
    return out
