"""Reading the audit log of the session's company: filter by user, object type and
period (local calendar days), newest first. Writing is corptui.audit."""

from __future__ import annotations

import datetime as dt

from corptui import permissions
from corptui.errors import ValidationError
from corptui.i18n import _
from corptui.periods import check_range, parse_date, raise_errors, utc_bounds
from corptui.phones import normalize
from storage.models import AuditEntry, User

DEFAULT_LIMIT = 1000
MAX_LIMIT = 100_000
COLUMNS = ("at", "actor", "action", "object_type", "object_id", "before", "after", "source")


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def list_entries(session, user: str | None = None, object_type: str | None = None,
                 date_from: dt.date | str | None = None, date_to: dt.date | str | None = None,
                 limit: int | None = DEFAULT_LIMIT, tz: dt.tzinfo | None = None,
                 action: str | None = None) -> list[dict]:
    """Entries of the session's company only. ``user`` is a login (any phone form) or
    an actor name such as "cli"; dates are local calendar days, both inclusive."""
    permissions.require(session, "audit.read")
    errors: dict[str, str] = {}
    values = {}
    for name, raw in (("date_from", date_from), ("date_to", date_to)):
        try:
            values[name] = parse_date(raw, name)
        except ValidationError as exc:
            errors[name] = exc.message
    if not errors:
        errors.update(check_range(values["date_from"], values["date_to"], "date_from",
                                  "date_to", "date"))
    if limit is not None and (not isinstance(limit, int) or limit < 1 or limit > MAX_LIMIT):
        errors["limit"] = _("limit must be a whole number from 1 to {max_limit}").format(max_limit=MAX_LIMIT)
    raise_errors(errors)

    q = AuditEntry.select().where(AuditEntry.company == session.company_id)
    if user is not None and str(user).strip():
        text = str(user).strip()
        try:
            login = normalize(text, "user")
        except ValidationError:
            q = q.where(AuditEntry.actor == text)
        else:
            uid = (User.select(User.id)
                   .where((User.company == session.company_id) & (User.phone == login)).scalar())
            cond = AuditEntry.actor == login
            if uid is not None:
                cond |= AuditEntry.user == uid
            q = q.where(cond)
    if object_type:
        q = q.where(AuditEntry.object_type == object_type.strip())
    if action:
        q = q.where(AuditEntry.action == action.strip())
    start, end = utc_bounds(values["date_from"], values["date_to"], tz)
    if start is not None:
        q = q.where(AuditEntry.at >= start)
    if end is not None:
        q = q.where(AuditEntry.at < end)
    q = q.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if limit is not None:
        q = q.limit(limit)
    return [
        {"id": e.id, "at": _iso(e.at), "actor": e.actor, "action": e.action,
         "object_type": e.object_type, "object_id": e.object_id, "before": e.before,
         "after": e.after, "source": e.source, "operation": e.operation}
        for e in q
    ]


def object_types(session) -> list[str]:
    """The object types present in the company's log (for a filter's choices)."""
    permissions.require(session, "audit.read")
    q = (AuditEntry.select(AuditEntry.object_type).distinct()
         .where(AuditEntry.company == session.company_id).order_by(AuditEntry.object_type))
    return [t for (t,) in q.tuples() if t]
