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


def _query(session, user, object_type, date_from, date_to, limit, tz, action):
    """The filtered query of the company's entries, newest first (fields checked)."""
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
            cond = AuditEntry.actor == text
            if text == "cli":  # the shell's entries, of every OS user ("cli:alice")
                cond |= AuditEntry.actor.startswith("cli:")
            q = q.where(cond)
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
    return q


def _entry(e: AuditEntry) -> dict:
    return {"id": e.id, "at": _iso(e.at), "actor": e.actor, "action": e.action,
            "object_type": e.object_type, "object_id": e.object_id, "before": e.before,
            "after": e.after, "source": e.source, "operation": e.operation}


def _with_numbers(session, entries: list[dict]) -> list[dict]:
    """Each entry about a number gets its phone ("number"): older entries (and some
    changes) name the number by its id, the log shows the phone."""
    from storage.models import Subscriber

    ids = {int(e["object_id"]) for e in entries
           if e["object_type"] == "subscriber" and str(e["object_id"]).isdigit()
           and len(str(e["object_id"])) < 10}
    phones = {}
    if ids:
        phones = dict(Subscriber.select(Subscriber.id, Subscriber.msisdn)
                      .where((Subscriber.company == session.company_id)
                             & Subscriber.id.in_(sorted(ids))).tuples())
    for e in entries:
        oid = str(e["object_id"])
        if e["object_type"] != "subscriber" or not oid.isdigit():
            e["number"] = ""
        elif len(oid) >= 10:
            e["number"] = oid
        else:
            e["number"] = phones.get(int(oid), "")
    return entries


def list_entries(session, user: str | None = None, object_type: str | None = None,
                 date_from: dt.date | str | None = None, date_to: dt.date | str | None = None,
                 limit: int | None = DEFAULT_LIMIT, tz: dt.tzinfo | None = None,
                 action: str | None = None) -> list[dict]:
    """Entries of the session's company only. ``user`` is a login (any phone form) or
    an actor name such as "cli"; dates are local calendar days, both inclusive."""
    q = _query(session, user, object_type, date_from, date_to, limit, tz, action)
    return _with_numbers(session, [_entry(e) for e in q])


def entry_ids(session, user: str | None = None, object_type: str | None = None,
              date_from: dt.date | str | None = None, date_to: dt.date | str | None = None,
              tz: dt.tzinfo | None = None, action: str | None = None) -> list[int]:
    """The ids of EVERY matching entry, newest first (no limit: a screen pages through
    them and reads the rows it shows with ``entries_by_ids``)."""
    q = _query(session, user, object_type, date_from, date_to, None, tz, action)
    return [i for (i,) in q.select(AuditEntry.id).tuples()]


def entries_by_ids(session, ids) -> dict[int, dict]:
    """The entries of these ids (of the session's company only)."""
    permissions.require(session, "audit.read")
    ids = [int(i) for i in ids]
    if not ids:
        return {}
    q = AuditEntry.select().where((AuditEntry.company == session.company_id)
                                  & AuditEntry.id.in_(ids))
    return {r["id"]: r for r in _with_numbers(session, [_entry(e) for e in q])}


def object_types(session) -> list[str]:
    """The object types present in the company's log (for a filter's choices)."""
    permissions.require(session, "audit.read")
    q = (AuditEntry.select(AuditEntry.object_type).distinct()
         .where(AuditEntry.company == session.company_id).order_by(AuditEntry.object_type))
    return [t for (t,) in q.tuples() if t]
