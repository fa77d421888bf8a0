"""The permission matrix, in one place. Use cases call ``require(session, action)``.

viewer reads everything but changes nothing; accountant handles payments, documents and
reports; admin manages numbers, employees, tags and services; owner also manages users.

A session's role is what the user had at login. ``confirm(session)`` re-reads the user
from the database: still there, not blocked, same role; else SessionEnded. It runs inside
the transaction of every mutation, because every mutation writes its audit entry there
(``corptui.audit.record`` / ``record_many`` call it: one place, not one call per use
case), and before any change a use case asks for with ``require``. On PostgreSQL the
user's row is read FOR SHARE, so a concurrent block waits for the change to commit and
a change never commits after the block."""

from __future__ import annotations

from corptui.errors import PermissionDenied, SessionEnded
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
    "import.calls": _ADMINS,  # the operator's call records (the feed of usage)
    "services.change": _ADMINS,
    "forwarding.change": _ADMINS,
    "sim.replace": _ADMINS,
    "limits.change": _ADMINS,
    # money and documents
    "payments.export": _MONEY,
    "import.payments": _MONEY,  # a bank statement
    "payments.assign": _MONEY,  # an unmatched payment of a statement to an account
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


# who may do each action, as a sentence a user reads when refused (no internal codes)
WHO_MAY = {
    "read": N_("Every role can read the account."),
    "audit.read": N_("Every role can read the audit log."),
    "account.password": N_("Every role can change its own password."),
    "numbers.edit": N_("Only an owner or an admin can edit numbers and employees."),
    "tags.manage": N_("Only an owner or an admin can create, rename or delete tags."),
    "tags.assign": N_("Only an owner or an admin can assign tags."),
    "import.employees": N_("Only an owner or an admin can import employees."),
    "import.calls": N_("Only an owner or an admin can import call records."),
    "services.change": N_("Only an owner or an admin can change tariffs and options."),
    "forwarding.change": N_("Only an owner or an admin can change call forwarding."),
    "sim.replace": N_("Only an owner or an admin can replace SIM cards."),
    "limits.change": N_("Only an owner or an admin can change limits."),
    "payments.export": N_("Only an owner, an admin or an accountant can export payments, "
                          "charges and call details."),
    "import.payments": N_("Only an owner, an admin or an accountant can import bank "
                          "statements."),
    "payments.assign": N_("Only an owner, an admin or an accountant can assign a payment to "
                          "an account."),
    "documents.order": N_("Only an owner, an admin or an accountant can order documents."),
    "documents.manage": N_("Only an owner, an admin or an accountant can save, send or "
                           "delete documents."),
    "reports.schedule": N_("Only an owner, an admin or an accountant can set up automatic "
                           "reports."),
    "disputes.open": N_("Only an owner, an admin or an accountant can dispute a charge."),
    "disputes.decide": N_("Only an owner or an admin can decide on a dispute."),
    "budgets.manage": N_("Only an owner, an admin or an accountant can set a tag's budget."),
    "users.manage": N_("Only the owner can manage users."),
    "settings.manage": N_("Only the owner can change the email and SMS delivery."),
}


def roles_for(action: str) -> list[str]:
    """The roles that may do ``action``, strongest first."""
    return [r for r in (OWNER, ADMIN, ACCOUNTANT, VIEWER) if r in MATRIX[action]]


def roles_list(action: str) -> str:
    """The roles that may do ``action``, as users read them: "owner, admin"."""
    return ", ".join(role_label(r) for r in roles_for(action))


def roles_text(action: str) -> str:
    """A short mark for menus and help: "only owner, admin"."""
    return _("only {roles}").format(roles=roles_list(action))


def denial(role: str, action: str) -> str:
    """Why ``role`` may not do ``action``: two sentences in the current language."""
    return " ".join((_(WHO_MAY[action]), _("You are logged in as {role}.").format(
        role=role_label(role))))


def require(session, action: str) -> None:
    if session is None:  # logged out meanwhile (a background read that outlived its screen)
        raise SessionEnded(_("you are logged out: log in again (nothing was changed)"))
    if not allowed(session.role, action):
        raise PermissionDenied(denial(session.role, action))
    if action != "read" and getattr(session, "user_id", None) is not None:
        confirm(session)  # fail before the work; audit.record checks again inside it


def confirm(session) -> None:
    """Raise SessionEnded unless the session's user still exists in its company, is not
    blocked and has the session's role (the operator's and the worker's sessions, with
    no user, are not users' logins and pass)."""
    if getattr(session, "user_id", None) is None:
        return
    from storage.db import is_postgres
    from storage.models import User

    q = User.select(User.company, User.role, User.blocked).where(User.id == session.user_id)
    if is_postgres():
        q = q.for_update("FOR SHARE")
    row = q.tuples().first()
    if row is None or row[0] != session.company_id:
        raise SessionEnded(_("this login no longer exists: the session has ended"))
    company, role, blocked = row
    if blocked:
        raise SessionEnded(_("this login has been blocked: the session has ended and nothing "
                             "was changed"))
    if role != session.role:
        raise SessionEnded(_("your role changed from {old} to {new}: log in again (nothing "
                             "was changed)").format(old=role_label(session.role),
                                                    new=role_label(role)))


def matrix_rows() -> list[tuple[str, ...]]:
    """For the README and the help screen: one row per action, a mark per role."""
    roles = (OWNER, ADMIN, ACCOUNTANT, VIEWER)
    return [(action, *("yes" if r in MATRIX[action] else "-" for r in roles)) for action in MATRIX]
