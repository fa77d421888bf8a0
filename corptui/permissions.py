"""The permission matrix, in one place. Use cases call ``require(session, action)``.

viewer reads everything but changes nothing; accountant handles payments, documents and
reports; admin manages numbers, employees, tags and services; owner also manages users."""

from __future__ import annotations

from corptui.errors import PermissionDenied
from corptui.i18n import N_, _

OWNER = "owner"
ADMIN = "admin"
ACCOUNTANT = "accountant"
VIEWER = "viewer"

_ALL = frozenset({OWNER, ADMIN, ACCOUNTANT, VIEWER})
_ADMINS = frozenset({OWNER, ADMIN})
_MONEY = frozenset({OWNER, ADMIN, ACCOUNTANT})

MATRIX: dict[str, frozenset[str]] = {
    # reading
    "read": _ALL,
    "audit.read": _ALL,
    "account.password": _ALL,  # change one's own password
    # numbers, employees, tags, services
    "numbers.edit": _ADMINS,
    "tags.manage": _ADMINS,
    "tags.assign": _ADMINS,
    "import.employees": _ADMINS,
    "services.change": _ADMINS,
    "forwarding.change": _ADMINS,
    "sim.replace": _ADMINS,
    "limits.change": _ADMINS,
    # money and documents
    "payments.export": _MONEY,
    "documents.order": _MONEY,
    "documents.manage": _MONEY,
    "reports.schedule": _MONEY,
    "budgets.manage": _MONEY,  # a tag's (department's) monthly budget
    "disputes.open": _MONEY,
    "disputes.decide": _ADMINS,  # review, accept with a credit, reject a dispute
    # users
    "users.manage": frozenset({OWNER}),
    "settings.manage": frozenset({OWNER}),
}

ROLE_LABELS = {  # translated where shown: role_label()
    OWNER: N_("owner"),
    ADMIN: N_("admin"),
    ACCOUNTANT: N_("accountant"),
    VIEWER: N_("viewer"),
}


def role_label(role: str) -> str:
    """The role as users read it, in the current language."""
    return _(ROLE_LABELS.get(role, role))


def allowed(role: str, action: str) -> bool:
    roles = MATRIX.get(action)
    if roles is None:
        raise KeyError(_("unknown action {action!r}").format(action=action))
    return role in roles


def require(session, action: str) -> None:
    if not allowed(session.role, action):
        raise PermissionDenied(_("the {role} role may not do this ({action})").format(
            role=role_label(session.role), action=action))


def matrix_rows() -> list[tuple[str, ...]]:
    """For the README and the help screen: one row per action, a mark per role."""
    roles = (OWNER, ADMIN, ACCOUNTANT, VIEWER)
    return [(action, *("yes" if r in MATRIX[action] else "-" for r in roles)) for action in MATRIX]
