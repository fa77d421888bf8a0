"""The background job ``document.build``: figures, the file (written all-or-nothing into
the database's own documents folder, its size and hash recorded), the text preview, the
document ``ready``, the notifications in the document's language.

Progress is reported in percent; the worker notices a cancel between steps (every
progress report, and twice a second while a tabular document writes its rows): it stops,
removes its temporary file and leaves the state ``cancelled``; a document cancelled while
queued is skipped when its job comes up."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from corptui.documents import files
from corptui.documents.history import as_date
from corptui.documents.kinds import JOB_KIND, TABULAR, TYPE_LABELS
from corptui.documents.scope import resolve_scope
from corptui.errors import Cancelled, ValidationError
from corptui.i18n import Lang, _
from storage.db import atomic
from storage.fields import utcnow
from storage.models import Document

CANCEL_CHECK_SECONDS = 0.5  # how often a tabular document asks whether it was cancelled


class _Stopped(Exception):
    """The document was cancelled while the worker prepared it."""


def _reporter(doc_id: int, progress):
    def report(percent: int) -> None:
        """Record the progress; a document no longer preparing was cancelled: stop."""
        percent = max(0, min(99, int(percent)))
        with atomic():
            still = (Document.update(progress=percent)
                     .where((Document.id == doc_id) & (Document.state == "preparing"))
                     .execute())
        if not still:
            raise _Stopped()
        if progress:
            progress(percent)

    last_check = [time.monotonic()]

    def stopped() -> bool:  # for the rows of a tabular document: a query twice a second
        now = time.monotonic()
        if now - last_check[0] < CANCEL_CHECK_SECONDS:
            return False
        last_check[0] = now
        return not Document.select().where((Document.id == doc_id)
                                           & (Document.state == "preparing")).exists()

    return report, stopped


def write_file(session, doc: Document, scope, tmp: Path, report, stopped) -> tuple[str, str]:
    """The document's file at ``tmp``. Returns (number, preview text)."""
    from corptui.documents.forms import content
    from corptui.documents.render import csv as csv_form
    from corptui.documents.render import pdf as pdf_form
    from corptui.documents.render import text as text_form
    from corptui.documents.render import xlsx as xlsx_form

    if doc.type in TABULAR:
        report(20)
        _rows, number, preview = _tabular(session, doc, scope, tmp, stopped)
        return number, preview
    c = content(session, doc, scope, progress=report)
    report(80)  # the last check before the file is written
    if doc.format == "pdf":
        pdf_form.write(tmp, c, doc.copies)
    elif doc.format == "xlsx":
        xlsx_form.write(tmp, c)
    else:
        csv_form.write(tmp, c, bool(dict(doc.options or {}).get("excel_ru")))
    return c.number, text_form.render(c)


def _tabular(session, doc, scope, tmp, stopped):
    from corptui.documents.tabular import build as build_tabular

    return build_tabular(session, doc, scope, tmp, stopped)


def build(document_id: int, progress=None) -> str:
    """Produce the document's file (the worker's job). Returns its path, or "" when the
    document was cancelled (before or while it was prepared: no file is kept)."""
    from corptui.jobs import PermanentError, atomic_output
    from corptui.session import Session

    doc = Document.get_or_none(Document.id == int(document_id))
    if doc is None:
        raise PermanentError(_("document {document_id} no longer exists").format(document_id=document_id))
    if doc.state == "cancelled":
        return ""
    session = Session.system(doc.company_id, source="worker document.build", actor="worker")
    report, stopped = _reporter(doc.id, progress)
    with atomic():
        started = (Document.update(state="preparing", progress=1, error="")
                   .where((Document.id == doc.id) & (Document.state != "cancelled"))
                   .execute())
    if not started:
        return ""
    try:
        scope = resolve_scope(session, dict(doc.scope or {}))
        report(5)
        target = files.new_target(doc)
        with atomic_output(target) as tmp:
            number, preview = write_file(session, doc, scope, tmp, report, stopped)
            os.chmod(tmp, 0o600)
            report(95)
        size, sha = files.digest(target)
    except (_Stopped, Cancelled):  # cancelled meanwhile: the temporary file is gone
        return ""
    except ValidationError as exc:  # the scope changed since the order: do not retry
        _fail(doc.id, exc.message)
        raise PermanentError(exc.message) from None
    except BaseException as exc:
        _fail(doc.id, f"{type(exc).__name__}: {exc}"[:2000])
        raise
    return _finish(doc, target, size, sha, number, preview, progress)


def _finish(doc, target: Path, size, sha, number, preview, progress) -> str:
    with atomic():
        done = Document.update(state="ready", progress=100, file_path=str(target), error="",
                               ready_at=utcnow(), file_size=size, file_sha256=sha,
                               number=number or "", preview=preview).where(
            (Document.id == doc.id) & (Document.state == "preparing")).execute()
        if done:
            doc = Document.get_by_id(doc.id)
            _notify_ready(doc, target)
    if not done:  # cancelled in the last moment: no file is kept
        with contextlib.suppress(OSError):
            target.unlink()
        return ""
    if progress:
        progress(100)
    return str(target)


def _fail(doc_id: int, error: str) -> None:
    """Mark a failure, unless the document was cancelled meanwhile (it stays cancelled)."""
    with atomic():
        Document.update(state="failed", error=error).where(
            (Document.id == doc_id) & (Document.state != "cancelled")).execute()


def _notify_ready(doc: Document, path: Path) -> None:
    """The "ready" email (the file attached, unless protected: then how to get it) and
    SMS, in the document's language."""
    if not doc.notify_email and not doc.notify_sms:
        return
    from corptui import notify

    lang = Lang(doc.language or "en")
    label = lang.gettext(TYPE_LABELS.get(doc.type, doc.type))
    number = doc.number or str(doc.id)
    period = f"{lang.date(as_date(doc.period_from))} - {lang.date(as_date(doc.period_to))}"
    subject = lang.gettext("{label} No. {number} is ready").format(label=label, number=number)
    if doc.notify_email:
        if doc.protected:
            notify.queue_email(doc.notify_email, subject, lang.gettext(
                "{label} for {period} is ready. It is password-protected: save it, or send "
                "it from corptui with its password (documents send --password-stdin), to "
                "get the protected file.").format(label=label, period=period),
                company_id=doc.company_id)
        else:
            notify.queue_email(doc.notify_email, subject,
                               lang.gettext("{label} for {period} is attached.").format(
                                   label=label, period=period),
                               attachment=str(path), company_id=doc.company_id)
    if doc.notify_sms:
        notify.queue_sms(doc.notify_sms, lang.gettext(
            "corptui: {label} No. {number} for {period} is ready.").format(
            label=label, number=number, period=period), company_id=doc.company_id)


def _job(payload: dict, progress) -> dict:
    from corptui.jobs import PermanentError

    try:
        doc_id = int(payload["document_id"])
    except (KeyError, TypeError, ValueError):
        raise PermanentError(_("bad payload {payload!r}").format(payload=payload)) from None
    path = build(doc_id, progress)
    return {"file": path} if path else {"cancelled": True}


def register() -> None:
    from corptui import jobs

    jobs.register(JOB_KIND, _job)
