"""Ordering documents: validate (the wizard checks each step with it), order (a queued
``Document`` and its ``document.build`` job in one transaction, with the audit entry),
order again, cancel, delete; and the company's closing-document set."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

from corptui import audit, permissions
from corptui.documents.history import as_date, get_doc, public
from corptui.documents.kinds import (
    CLOSING,
    FORMATS,
    JOB_KIND,
    LANGUAGE_CHOICES,
    MAX_COPIES,
    MIN_PASSWORD,
    SET_NAMES,
    TYPE_LABELS,
    closing_types,
    type_of,
)
from corptui.documents.scope import validate_scope
from corptui.errors import Conflict, ValidationError
from corptui.i18n import _, language
from corptui.periods import parse_date, raise_errors
from storage.db import atomic
from storage.fields import utcnow
from storage.models import Company, Document

CANCELLABLE = ("queued", "preparing")


def _check_period(values, errors, date_from, date_to, today) -> None:
    for name, raw in (("date_from", date_from), ("date_to", date_to)):
        try:
            values[name] = parse_date(raw, name)
            if values[name] is None:
                errors[name] = _("{name}: enter a date").format(name=name)
        except ValidationError as exc:
            errors[name] = exc.message
    lo, hi = values.get("date_from"), values.get("date_to")
    if lo and hi:
        if lo > hi:
            errors["date_from"] = _("date_from is after date_to: the period is reversed")
        elif lo > today:
            errors["date_from"] = _("the period is in the future")
        elif hi > today:
            errors["date_to"] = _("date_to is in the future (today is {isoformat})").format(isoformat=today.isoformat())


def _check_type(session, values, errors, type_) -> None:
    try:
        values["type"] = type_of(type_)
    except ValidationError as exc:
        errors["type"] = exc.message
        return
    if values["type"] in CLOSING:
        company = Company.get_by_id(session.company_id)
        allowed = closing_types(company.document_set)
        if values["type"] not in allowed:
            errors["type"] = _("this company gets {allowed} for a billed month, not {type} "
                               "(the company's setting: `corptui documents set-forms`)").format(
                allowed=", ".join(_(TYPE_LABELS[t]) for t in allowed),
                type=_(TYPE_LABELS[values["type"]]))


def _check_delivery(values, errors, notify_email, notify_sms, password) -> None:
    from corptui.applications import validate_email
    from corptui.phones import normalize

    values["notify_email"] = ""
    if notify_email and str(notify_email).strip():
        try:
            values["notify_email"] = validate_email(notify_email, "email")
        except ValidationError as exc:
            errors["email"] = exc.message
    values["notify_sms"] = ""
    if notify_sms and str(notify_sms).strip():
        try:
            values["notify_sms"] = normalize(notify_sms, "sms")
        except ValidationError as exc:
            errors["sms"] = _("sms: {message}").format(message=exc.message)
    if password is not None and password != "" and len(password) < MIN_PASSWORD:
        errors["password"] = _("password: at least {min_password} characters").format(min_password=MIN_PASSWORD)


def _validate(session, type_, accounts, numbers, date_from, date_to, fmt, copies,
              notify_email, notify_sms, password, today, lang=None, excel_ru=None) -> dict:
    errors: dict[str, str] = {}
    values: dict = {}
    today = today or dt.date.today()
    _check_type(session, values, errors, type_)
    _check_period(values, errors, date_from, date_to, today)
    allowed = FORMATS.get(values.get("type", ""), ("pdf", "xlsx", "csv"))
    if fmt not in allowed:
        errors["format"] = _("format: use {choices} for this document").format(choices=', '.join(allowed))
    try:
        copies = int(copies)
    except (TypeError, ValueError):
        copies = 0
    if not 1 <= copies <= MAX_COPIES:
        errors["copies"] = _("copies: a whole number from 1 to {max_copies}").format(max_copies=MAX_COPIES)
    values["copies"] = copies
    lang = lang or language()
    if lang not in LANGUAGE_CHOICES:
        errors["language"] = _("language: use {choices}").format(choices=", ".join(LANGUAGE_CHOICES))
    values["language"] = lang
    values["options"] = {"as_of": today.isoformat(),
                         "excel_ru": bool(lang == "ru" if excel_ru is None else excel_ru)}
    _check_delivery(values, errors, notify_email, notify_sms, password)
    values["scope"] = validate_scope(session, accounts, numbers, errors)
    raise_errors(errors)
    values["fmt"] = fmt
    return values


def validate(session, type: str, accounts=(), numbers=(), date_from=None, date_to=None,
             fmt: str = "pdf", copies: int = 1, notify_email: str | None = None,
             notify_sms: str | None = None, password: str | None = None,
             today: dt.date | None = None, language: str | None = None,
             excel_ru: bool | None = None) -> dict[str, str]:
    """The field errors ``order`` would raise (empty when the order is fine); the wizard
    checks each step with it."""
    permissions.require(session, "read")
    try:
        _validate(session, type, accounts, numbers, date_from, date_to, fmt, copies,
                  notify_email, notify_sms, password, today, language, excel_ru)
    except ValidationError as exc:
        return dict(exc.errors) or {exc.field or "type": exc.message}
    return {}


def order(session, type: str, accounts=(), numbers=(), date_from=None, date_to=None,
          fmt: str = "pdf", copies: int = 1, notify_email: str | None = None,
          notify_sms: str | None = None, password: str | None = None,
          today: dt.date | None = None, language: str | None = None,
          excel_ru: bool | None = None) -> Document:
    """Validate and queue a document in ``language`` (default: the ordering user's, the
    language in force). ``excel_ru``: a CSV for Russian Excel (BOM, ";", decimal comma;
    default on for Russian). Field errors: type, accounts, numbers, date_from, date_to,
    format, copies, language, email, sms, password."""
    permissions.require(session, "documents.order")
    v = _validate(session, type, accounts, numbers, date_from, date_to, fmt, copies,
                  notify_email, notify_sms, password, today, language, excel_ru)
    password_hash = ""
    if password:
        from corptui.passwords import hash_password

        password_hash = hash_password(password)
    return create(session, v["type"], v["scope"], v["date_from"], v["date_to"], v["fmt"],
                  v["copies"], v["notify_email"], v["notify_sms"], password_hash,
                  action="document.order", language=v["language"], options=v["options"])


def create(session, type_, scope, date_from, date_to, fmt, copies, notify_email,
           notify_sms, password_hash, action, language="en", options=None) -> Document:
    """Store a queued document and its build job (one transaction, audited)."""
    from corptui import jobs

    with atomic():
        doc = Document.create(
            company=session.company_id, user=session.user_id, type=type_, format=fmt,
            scope=scope, period_from=date_from, period_to=date_to, copies=copies,
            state="queued", progress=0, protected=bool(password_hash),
            password_hash=password_hash, notify_email=notify_email, notify_sms=notify_sms,
            created_at=utcnow(), language=language, options=dict(options or {}))
        jobs.enqueue(JOB_KIND, {"document_id": doc.id}, company_id=session.company_id)
        audit.record(session, action, "document", doc.id, None, public(doc))
    return doc


def report_types(session) -> list[str]:
    """The wizard's reporting documents for the session's company (CLI names): its own
    closing documents (act + invoice-facture, or UPD), never the other set."""
    from corptui.documents.kinds import TYPE_NAMES

    permissions.require(session, "read")
    allowed = closing_types(Company.get_by_id(session.company_id).document_set)
    return [name for name, t in TYPE_NAMES.items()
            if name != "reconciliation" and (t not in CLOSING or t in allowed)]


def cancel(session, doc_id) -> dict:
    """Stop a queued or preparing document: its state becomes ``cancelled`` at once and
    the worker stops at its next step (no file is kept). A document that is ready, failed
    or already cancelled -> Conflict."""
    permissions.require(session, "documents.order")
    with atomic():
        doc = get_doc(session, doc_id)
        if doc.state not in CANCELLABLE:
            raise Conflict(_("document {id} is {state}: only a queued or preparing document "
                             "can be cancelled").format(id=doc.id, state=doc.state))
        before = public(doc)
        changed = (Document.update(state="cancelled", error="")
                   .where((Document.id == doc.id) & Document.state.in_(CANCELLABLE))
                   .execute())
        if not changed:  # the worker finished it meanwhile
            raise Conflict(_("document {id} was finished meanwhile: nothing to cancel")
                           .format(id=doc.id))
        doc = Document.get_by_id(doc.id)
        after = public(doc)
        audit.record(session, "document.cancel", "document", doc.id, before, after)
    return after


def reorder(session, doc_id) -> Document:
    """Order the same document again ("restore", a reprint): a new queued document with
    the same type, scope, period, format, copies, language, notifications and password;
    a numbered form gets the same number and date."""
    permissions.require(session, "documents.order")
    doc = get_doc(session, doc_id)
    return create(session, doc.type, dict(doc.scope or {}), as_date(doc.period_from),
                  as_date(doc.period_to), doc.format, doc.copies, doc.notify_email,
                  doc.notify_sms, doc.password_hash or "", action="document.reorder",
                  language=doc.language or "en", options=dict(doc.options or {}))


def delete(session, doc_id) -> None:
    """Remove a document from the history, with its file."""
    permissions.require(session, "documents.manage")
    doc = get_doc(session, doc_id)
    before = public(doc)
    with atomic():
        Document.delete().where(Document.id == doc.id).execute()
        audit.record(session, "document.delete", "document", doc.id, before, None)
    if doc.file_path:
        with contextlib.suppress(OSError):
            Path(doc.file_path).unlink()


def set_forms(session, document_set: str, director: str | None = None,
              chief_accountant: str | None = None) -> dict:
    """The company's closing documents ("act-invoice": act of services + invoice-facture,
    or "upd") and who signs them (owner only; audited)."""
    from corptui.documents.parties import clean_name

    permissions.require(session, "settings.manage")
    value = SET_NAMES.get(document_set, document_set)
    if value not in SET_NAMES.values():
        raise ValidationError(_("forms: use {choices}").format(choices=", ".join(SET_NAMES)),
                              "forms")
    with atomic():
        company = Company.get_by_id(session.company_id)
        before = {"document_set": company.document_set, "director": company.director,
                  "chief_accountant": company.chief_accountant}
        after = dict(before, document_set=value)
        if director is not None:
            after["director"] = clean_name(director, "director")
        if chief_accountant is not None:
            after["chief_accountant"] = clean_name(chief_accountant, "chief_accountant")
        Company.update(**after).where(Company.id == company.id).execute()
        audit.record(session, "company.document_forms", "company", company.id, before, after)
    return after
