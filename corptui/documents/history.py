"""The order history: documents as users see them (never the password hash), one
document, the states the history polls, the text preview of a ready document."""

from __future__ import annotations

import datetime as dt

from corptui import permissions
from corptui.documents.files import looks_present
from corptui.documents.kinds import TYPE_LABELS
from corptui.errors import NotFound
from corptui.i18n import _
from storage.models import Document


def as_date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def public(doc: Document) -> dict:
    """A document as shown to users (never the password hash). A ready document whose
    file is gone or is not the one built reads ``missing``."""
    scope = dict(doc.scope or {})
    state = doc.state
    missing = state == "ready" and not looks_present(doc)
    return {
        "id": doc.id, "type": doc.type, "type_label": _(TYPE_LABELS.get(doc.type, doc.type)),
        "format": doc.format, "accounts": list(scope.get("accounts", [])),
        "numbers": list(scope.get("numbers", [])),
        "period_from": as_date(doc.period_from), "period_to": as_date(doc.period_to),
        "copies": doc.copies, "state": "missing" if missing else state,
        "progress": doc.progress, "protected": bool(doc.protected),
        "notify_email": doc.notify_email, "notify_sms": doc.notify_sms,
        "error": (_("the file was removed from disk: order the document again")
                  if missing else doc.error),
        "file": doc.file_path if state == "ready" else "",
        "created_at": doc.created_at, "ready_at": doc.ready_at,
        "language": doc.language or "en", "number": doc.number or "",
        "options": dict(doc.options or {}),
    }


def list_documents(session, limit: int | None = None) -> list[dict]:
    """The order history, newest first. ``state`` is queued/preparing/ready/failed, or
    ``missing`` for a ready document whose file was removed from disk."""
    permissions.require(session, "read")
    q = (Document.select().where(Document.company == session.company_id)
         .order_by(Document.created_at.desc(), Document.id.desc()))
    if limit:
        q = q.limit(limit)
    return [public(d) for d in q]


def get_doc(session, doc_id) -> Document:
    try:
        doc_id = int(doc_id)
    except (TypeError, ValueError):
        raise NotFound(_("no document {doc_id!r}").format(doc_id=doc_id)) from None
    if not -(2 ** 63) <= doc_id < 2 ** 63:
        raise NotFound(_("no document {doc_id} in this company").format(doc_id=doc_id))
    doc = Document.get_or_none((Document.id == doc_id)
                               & (Document.company == session.company_id))
    if doc is None:
        raise NotFound(_("no document {doc_id} in this company").format(doc_id=doc_id))
    return doc


def get(session, doc_id) -> dict:
    permissions.require(session, "read")
    return public(get_doc(session, doc_id))


def states(session, ids) -> dict[int, dict]:
    """{id: {"state", "progress", "error"}} of some documents (the history's polling)."""
    permissions.require(session, "read")
    ids = [int(i) for i in ids]
    if not ids:
        return {}
    q = Document.select().where((Document.company == session.company_id)
                                & Document.id.in_(ids))
    return {d.id: {k: v for k, v in public(d).items() if k in ("state", "progress", "error")}
            for d in q}


def preview(session, doc_id) -> str:
    """The text layout of a ready document (its parties, tables and totals as built),
    for the app's preview; only for a document whose file is still the one built."""
    from corptui.documents.files import verified

    permissions.require(session, "read")
    doc = get_doc(session, doc_id)
    verified(doc)
    return doc.preview or ""
