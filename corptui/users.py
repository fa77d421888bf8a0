"""Users of a company (logins are phone numbers)."""

from __future__ import annotations

from corptui import audit, permissions
from corptui.errors import Conflict, ValidationError
from corptui.passwords import generate_temporary, hash_password
from corptui.phones import normalize
from storage.db import atomic
from storage.fields import utcnow
from storage.models import ROLES, User


def validate_new_password(password: str, phone: str = "", current: str | None = None) -> None:
    if len(password) < 8:
        raise ValidationError("the password needs at least 8 characters", "new_password")
    if len(password) > 200:
        raise ValidationError("the password is longer than 200 characters", "new_password")
    digits = "".join(ch for ch in password if ch.isdigit())
    if phone and (password == phone or digits == phone or (len(digits) >= 10 and digits in phone)):
        raise ValidationError("the password must not be the phone number", "new_password")
    if current is not None and password == current:
        raise ValidationError("the new password must differ from the current one", "new_password")


def add_user(session, phone: str, role: str, password: str | None = None,
             full_name: str = "", email: str = "") -> tuple[User, str | None]:
    """Create a user in the session's company. Without a password a temporary one is
    generated (returned) and must be changed at first login."""
    permissions.require(session, "users.manage")
    if role not in ROLES:
        raise ValidationError(f"unknown role {role!r}: one of {', '.join(ROLES)}", "role")
    login = normalize(phone, "phone")
    temporary = None
    if password is None:
        temporary = password = generate_temporary()
        must_change = True
    else:
        validate_new_password(password, login)
        must_change = False
    with atomic():
        if User.select().where(User.phone == login).exists():
            raise Conflict(f"a user with login {login} exists already")
        user = User.create(
            company=session.company_id, phone=login, role=role, full_name=full_name,
            email=email, password_hash=hash_password(password),
            must_change_password=must_change,
            password_changed_at=None if must_change else utcnow(),
        )
        audit.record(session, "user.add", "user", user.id, None,
                     {"phone": login, "role": role, "temporary": must_change})
    return user, temporary


def list_users(session) -> list[dict]:
    permissions.require(session, "read")
    return [
        {
            "id": u.id, "phone": u.phone, "full_name": u.full_name, "role": u.role,
            "blocked": u.blocked, "must_change_password": u.must_change_password,
            "locked_until": u.locked_until.isoformat() if u.locked_until else None,
            "last_login_at": u.last_login_at.isoformat() if u.last_login_at else None,
        }
        for u in User.select().where(User.company == session.company_id).order_by(User.phone)
    ]
