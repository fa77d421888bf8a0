"""The audit log: every mutation writes an entry in the same transaction.

Writing the entry is also where the logged-in user's rights are confirmed from the
database (``permissions.confirm``: not blocked, same role), so a change made after a
block or a demotion is rolled back with its entry. Only the login itself (``confirm=
False``) records entries for a user whose session is not, or no longer, valid."""

from __future__ import annotations

import uuid
from typing import Any

from corptui import permissions
from storage.bulk import insert_audit
from storage.fields import utcnow
from storage.models import AuditEntry


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    return str(value)  # Decimal, datetime, date


def new_operation() -> str:
    return uuid.uuid4().hex


def record(session, action: str, object_type: str = "", object_id: Any = "",
           before: Any = None, after: Any = None, operation: str = "",
           confirm: bool = True) -> AuditEntry:
    if confirm:
        permissions.confirm(session)
    return AuditEntry.create(
        company=session.company_id,
        user=session.user_id,
        actor=session.actor,
        source=session.source,
        at=utcnow(),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=_jsonable(before),
        after=_jsonable(after),
        operation=operation,
    )


def record_many(session, action: str, object_type: str, rows, operation: str) -> int:
    """Bulk audit: rows of (object_id, before, after), written in one executemany (the
    raw insert of storage.bulk: peewee's insert_many spent most of a 10,000-number bulk
    change building its SQL)."""
    now = utcnow()
    return insert_audit(
        (session.company_id, session.user_id, session.actor, session.source, now, action,
         object_type, str(oid), _jsonable(b), _jsonable(a), operation)
        for oid, b, a in rows)
