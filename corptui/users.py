"""Users of a company (logins are phone numbers)."""

from __future__ import annotations

from corptui import audit, permissions
from corptui.errors import Conflict, NotFound, ValidationError
from corptui.i18n import _
from corptui.passwords import generate_temporary, hash_password
from corptui.phones import normalize
from storage.db import atomic
from storage.fields import utcnow
from storage.models import ROLES, User


def validate_new_password(password: str, phone: str = "", current: str | None = None,
                          company_id: int | None = None) -> None:
    """The password policy (corptui.password_policy) for a login of the company."""
    from corptui.password_policy import check
    from storage.models import Company

    company = Company.get_or_none(Company.id == company_id) if company_id else None
    check(password, phone, company.name if company else "", company.inn if company else "",
          current)


def add_user(session, phone: str, role: str, password: str | None = None,
             full_name: str = "", email: str = "") -> tuple[User, str | None]:
    """Create a user in the session's company. Without a password a temporary one is
    generated (returned) and must be changed at first login."""
    permissions.require(session, "users.manage")
    from corptui.applications import clean_text, validate_email

    errors: dict[str, str] = {}
    login = ""
    try:
        login = normalize(phone, "phone")
    except ValidationError as exc:
        errors["phone"] = exc.message
    if role not in ROLES:
        errors["role"] = _("unknown role {role!r}: one of {choices}").format(role=role, choices=', '.join(ROLES))
    try:
        full_name = clean_text(full_name, "full_name", "the name", required=False, max_len=200)
    except ValidationError as exc:
        errors["full_name"] = exc.message
    try:
        email = validate_email(email, "email") if (email or "").strip() else ""
    except ValidationError as exc:
        errors["email"] = exc.message
    if errors:
        first = next(iter(errors))
        raise ValidationError(errors[first], first, errors)
    temporary = None
    if password is None:
        temporary = password = generate_temporary()
        must_change = True
    else:
        validate_new_password(password, login, company_id=session.company_id)
        must_change = False
    with atomic():
        if User.select().where(User.phone == login).exists():
            raise Conflict(_("a user with login {login} exists already").format(login=login))
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


def _user_of_company(session, user) -> User:
    """A user of the session's company by id or login (any phone form); NotFound for a
    user of another company, exactly as for one that does not exist."""
    q = User.select().where(User.company == session.company_id)
    if isinstance(user, int):
        q = q.where(User.id == user)
        label = f"#{user}"
    else:
        label = normalize(str(user), "phone")
        q = q.where(User.phone == label)
    found = q.first()
    if found is None:
        raise NotFound(_("no user {label} in this company").format(label=label))
    return found


def reset_password(session, user) -> str:
    """Give the user a new temporary password (returned once) that must be changed at
    the next login; also lifts a lockout. Owner only."""
    permissions.require(session, "users.manage")
    temporary = generate_temporary()
    new_hash = hash_password(temporary)
    with atomic():
        target = _user_of_company(session, user)
        before = {"must_change_password": target.must_change_password,
                  "failed_attempts": target.failed_attempts,
                  "locked_until": target.locked_until}
        User.update(password_hash=new_hash, must_change_password=True, failed_attempts=0,
                    locked_until=None).where(User.id == target.id).execute()
        audit.record(session, "user.reset_password", "user", target.id, before,
                     {"must_change_password": True, "failed_attempts": 0,
                      "locked_until": None})
    return temporary


def set_blocked(session, user, blocked: bool) -> dict:
    """Block or unblock a login of the company. Owner only; nobody blocks himself."""
    permissions.require(session, "users.manage")
    with atomic():
        target = _user_of_company(session, user)
        if blocked and session.user_id is not None and target.id == session.user_id:
            raise ValidationError(_("you cannot block your own login"), "user")
        before = {"blocked": target.blocked}
        if target.blocked != bool(blocked):
            User.update(blocked=bool(blocked)).where(User.id == target.id).execute()
            audit.record(session, "user.block" if blocked else "user.unblock", "user",
                         target.id, before, {"blocked": bool(blocked)})
    return {"id": target.id, "phone": target.phone, "blocked": bool(blocked),
            "changed": before["blocked"] != bool(blocked)}


def change_role(session, user, role: str) -> dict:
    """Give a user another role. Owner only; an owner does not change his own role
    (so a company never loses its last owner by accident)."""
    permissions.require(session, "users.manage")
    if role not in ROLES:
        raise ValidationError(_("unknown role {role!r}: one of {join}").format(role=role, join=', '.join(ROLES)), "role")
    with atomic():
        target = _user_of_company(session, user)
        if session.user_id is not None and target.id == session.user_id:
            raise ValidationError(_("you cannot change your own role"), "role")
        before = {"role": target.role}
        if target.role != role:
            User.update(role=role).where(User.id == target.id).execute()
            audit.record(session, "user.role", "user", target.id, before, {"role": role})
    return {"id": target.id, "phone": target.phone, "role": role}
