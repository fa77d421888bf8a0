"""Accounting documents: order, build in the background, keep in the order history.

``order()`` validates the request (period not in the future and not reversed, a scope of
the company's accounts and/or numbers, email and phone for the notifications, copies),
stores a ``Document`` (state ``queued``) and queues the job ``document.build`` in the same
transaction. The worker runs ``build()``: it computes the figures, writes the file
atomically (``jobs.atomic_output``) into ``locations.documents_dir()/<company>/``, moves
the document to ``ready`` (progress in percent on the way) and queues the chosen
notifications (email with the file attached, SMS with a short text).

Scope: ``{"accounts": [account numbers], "numbers": [E.164 msisdns]}``. With numbers the
document covers those numbers' charges and payments; without, the whole accounts'.

Reconciliation act: charges belong to the month they are billed for (``Charge.period``),
so a charge counts when its month lies in [month of date_from, month of date_to];
payments count by their local calendar day. For a scope of whole accounts the balances
are anchored to the accounts' current balance (closing = balance now - payments after the
period + charges after it; opening = closing - payments in + charges in). For a scope of
numbers (a number has no balance of its own) the opening balance is the numbers' turnover
before the period (payments - charges), and closing = opening + payments - charges.

Password protection: the password is never stored; ``Document.password_hash`` keeps its
argon2id hash. The file kept in the data folder is plain (mode 0600, the app's own data);
every copy that leaves it, saved to a path or sent by email, is an AES-256 encrypted ZIP
(pyzipper) made at that moment with the password given again and checked against the
hash. The "ready" email of a protected document therefore carries no attachment (the
worker does not know the password): it says the document is ready to be saved or sent.

Copies: a PDF holds the document ``copies`` times (for printing); XLSX and CSV hold it once.

Cancel: ``cancel()`` moves a queued or preparing document to ``cancelled`` (role, audit,
one transaction). The worker notices between steps (every progress report, and every few
hundred rows of a tabular document): it stops, removes its temporary file and leaves the
state ``cancelled``; a document cancelled while queued is skipped when its job comes up.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
import shutil
import time
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import peewee as pw

from corptui import audit, locations, permissions
from corptui.errors import Cancelled, Conflict, CorptuiError, NotFound, ValidationError
from corptui.i18n import N_, _
from corptui.periods import (
    money_sum,
    month_end,
    month_start,
    months_between,
    parse_date,
    raise_errors,
    utc_bounds,
)
from storage.db import atomic
from storage.fields import utcnow
from storage.idsets import in_ids
from storage.models import (
    DOCUMENT_TYPES,
    Charge,
    Company,
    Document,
    Payment,
    PersonalAccount,
    Subscriber,
)

JOB_KIND = "document.build"
ZERO = Decimal("0.00")
VAT_RATE = Decimal(20)

# CLI / wizard names -> stored type
TYPE_NAMES = {
    "reconciliation": "reconciliation_act",
    "invoice": "invoice",
    "act": "act_of_services",
    "invoice-facture": "invoice_facture",
    "charges": "charges_detail",
    "payments": "payments_report",
    "calls": "call_detail",
    "changes": "changes_report",  # insights (issue 12): what changed, month over month
    "spend": "spend_by_tag",  # issue 19: spend per tag (department) against budgets
}
TYPE_LABELS = {
    "reconciliation_act": N_("Reconciliation act"),
    "invoice": N_("Invoice"),
    "act_of_services": N_("Act of services"),
    "invoice_facture": N_("Invoice-facture"),
    "charges_detail": N_("Charges detail"),
    "payments_report": N_("Payments report"),
    "call_detail": N_("Call details"),
    "changes_report": N_("What changed by month"),
    "spend_by_tag": N_("Spend by tag"),
}
FORMATS = {t: ("pdf", "xlsx", "csv") for t in DOCUMENT_TYPES}
FORMATS["reconciliation_act"] = ("pdf", "xlsx")
MAX_COPIES = 10
MIN_PASSWORD = 6
OPERATOR = {
    "name": "Mobile operator (corporate services)",
    "hotline": "8-800-550-05-55",
}


class DocumentError(CorptuiError):
    title = N_("Document")


def type_of(name: str) -> str:
    """A CLI/wizard name ("act") or a stored type ("act_of_services") -> stored type."""
    if name in DOCUMENT_TYPES:
        return name
    if name in TYPE_NAMES:
        return TYPE_NAMES[name]
    raise ValidationError(
        _("unknown document type {name!r} (use {choices})").format(name=name, choices=', '.join(TYPE_NAMES)), "type")


# -- ordering -------------------------------------------------------------------------


def _validate(session, type_, accounts, numbers, date_from, date_to, fmt, copies,
              notify_email, notify_sms, password, today) -> dict:
    from corptui.applications import validate_email
    from corptui.phones import normalize

    errors: dict[str, str] = {}
    values: dict = {}
    try:
        values["type"] = type_of(type_)
    except ValidationError as exc:
        errors["type"] = exc.message
    for name, raw in (("date_from", date_from), ("date_to", date_to)):
        try:
            values[name] = parse_date(raw, name)
            if values[name] is None:
                errors[name] = _("{name}: enter a date").format(name=name)
        except ValidationError as exc:
            errors[name] = exc.message
    lo, hi = values.get("date_from"), values.get("date_to")
    today = today or dt.date.today()
    if lo and hi:
        if lo > hi:
            errors["date_from"] = _("date_from is after date_to: the period is reversed")
        elif lo > today:
            errors["date_from"] = _("the period is in the future")
        elif hi > today:
            errors["date_to"] = _("date_to is in the future (today is {isoformat})").format(isoformat=today.isoformat())
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
    values["scope"] = validate_scope(session, accounts, numbers, errors)
    raise_errors(errors)
    values["fmt"] = fmt
    return values


def validate_scope(session, accounts, numbers, errors: dict[str, str]) -> dict:
    """The accounts and numbers a document or a schedule covers: cleaned, without repeats,
    not empty and all of the session's company; problems go into ``errors``."""
    from corptui.phones import normalize

    accounts = list(dict.fromkeys(a.strip() for a in (accounts or ()) if a and a.strip()))
    try:
        msisdns = list(dict.fromkeys(normalize(n, "numbers") for n in (numbers or ())
                                     if n and str(n).strip()))
    except ValidationError as exc:
        errors["numbers"] = _("numbers: {message}").format(message=exc.message)
        msisdns = []
    if not accounts and not msisdns and "numbers" not in errors:
        errors["accounts"] = _("choose at least one personal account or number")
    if not errors:
        try:
            _check_scope(session, accounts, msisdns)
        except ValidationError as exc:
            errors[exc.field or "accounts"] = exc.message
    return {"accounts": accounts, "numbers": msisdns}


def validate(session, type: str, accounts=(), numbers=(), date_from=None, date_to=None,
             fmt: str = "pdf", copies: int = 1, notify_email: str | None = None,
             notify_sms: str | None = None, password: str | None = None,
             today: dt.date | None = None) -> dict[str, str]:
    """The field errors ``order`` would raise (empty when the order is fine); the wizard
    checks each step with it."""
    permissions.require(session, "read")
    try:
        _validate(session, type, accounts, numbers, date_from, date_to, fmt, copies,
                  notify_email, notify_sms, password, today)
    except ValidationError as exc:
        return dict(exc.errors) or {exc.field or "type": exc.message}
    return {}


def _check_scope(session, accounts: list[str], msisdns: list[str]) -> None:
    from corptui.payments import account_ids_by_number, subscriber_ids_by_msisdn

    acc_ids = account_ids_by_number(session, accounts, "accounts")
    sub_ids = subscriber_ids_by_msisdn(session, msisdns, "numbers")
    if acc_ids and sub_ids:
        outside = (Subscriber.select(Subscriber.msisdn)
                   .where(in_ids(Subscriber.id, sub_ids)
                          & ~(Subscriber.account.in_(list(acc_ids))))
                   .limit(1).tuples().first())
        if outside:
            raise ValidationError(
                _("numbers: {value} is not on the chosen account(s)").format(value=outside[0]), "numbers")


def order(session, type: str, accounts=(), numbers=(), date_from=None, date_to=None,
          fmt: str = "pdf", copies: int = 1, notify_email: str | None = None,
          notify_sms: str | None = None, password: str | None = None,
          today: dt.date | None = None) -> Document:
    """Validate and queue a document. Field errors: type, accounts, numbers, date_from,
    date_to, format, copies, email, sms, password."""
    permissions.require(session, "documents.order")
    v = _validate(session, type, accounts, numbers, date_from, date_to, fmt, copies,
                  notify_email, notify_sms, password, today)
    password_hash = ""
    if password:
        from corptui.passwords import hash_password

        password_hash = hash_password(password)
    return _create(session, v["type"], v["scope"], v["date_from"], v["date_to"], v["fmt"],
                   v["copies"], v["notify_email"], v["notify_sms"], password_hash,
                   action="document.order")


def _create(session, type_, scope, date_from, date_to, fmt, copies, notify_email,
            notify_sms, password_hash, action) -> Document:
    from corptui import jobs

    with atomic():
        doc = Document.create(
            company=session.company_id, user=session.user_id, type=type_, format=fmt,
            scope=scope, period_from=date_from, period_to=date_to, copies=copies,
            state="queued", progress=0, protected=bool(password_hash),
            password_hash=password_hash, notify_email=notify_email, notify_sms=notify_sms,
            created_at=utcnow())
        jobs.enqueue(JOB_KIND, {"document_id": doc.id}, company_id=session.company_id)
        audit.record(session, action, "document", doc.id, None, _public(doc))
    return doc


# -- reading --------------------------------------------------------------------------


def _public(doc: Document) -> dict:
    """A document as shown to users (never the password hash)."""
    scope = dict(doc.scope or {})
    state = doc.state
    missing = state == "ready" and not (doc.file_path and os.path.isfile(doc.file_path))
    return {
        "id": doc.id, "type": doc.type, "type_label": _(TYPE_LABELS.get(doc.type, doc.type)),
        "format": doc.format, "accounts": list(scope.get("accounts", [])),
        "numbers": list(scope.get("numbers", [])),
        "period_from": _as_date(doc.period_from), "period_to": _as_date(doc.period_to),
        "copies": doc.copies, "state": "missing" if missing else state,
        "progress": doc.progress, "protected": bool(doc.protected),
        "notify_email": doc.notify_email, "notify_sms": doc.notify_sms,
        "error": ("the file was removed from disk: order the document again"
                  if missing else doc.error),
        "file": doc.file_path if state == "ready" else "",
        "created_at": doc.created_at, "ready_at": doc.ready_at,
    }


def _as_date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def list_documents(session, limit: int | None = None) -> list[dict]:
    """The order history, newest first. ``state`` is queued/preparing/ready/failed, or
    ``missing`` for a ready document whose file was removed from disk."""
    permissions.require(session, "read")
    q = (Document.select().where(Document.company == session.company_id)
         .order_by(Document.created_at.desc(), Document.id.desc()))
    if limit:
        q = q.limit(limit)
    return [_public(d) for d in q]


def _get(session, doc_id) -> Document:
    try:
        doc_id = int(doc_id)
    except (TypeError, ValueError):
        raise NotFound(_("no document {doc_id!r}").format(doc_id=doc_id)) from None
    doc = Document.get_or_none((Document.id == doc_id)
                               & (Document.company == session.company_id))
    if doc is None:
        raise NotFound(_("no document {doc_id} in this company").format(doc_id=doc_id))
    return doc


def get(session, doc_id) -> dict:
    permissions.require(session, "read")
    return _public(_get(session, doc_id))


def states(session, ids) -> dict[int, dict]:
    """{id: {"state", "progress", "error"}} of some documents (the history's polling)."""
    permissions.require(session, "read")
    ids = [int(i) for i in ids]
    if not ids:
        return {}
    q = Document.select().where((Document.company == session.company_id)
                                & Document.id.in_(ids))
    return {d.id: {k: v for k, v in _public(d).items() if k in ("state", "progress", "error")}
            for d in q}


# -- save, send, reorder, delete ----------------------------------------------------


def _ready_file(doc: Document) -> Path:
    if doc.state != "ready":
        raise Conflict(_("document {id} is {state}, not ready yet").format(id=doc.id, state=doc.state))
    path = Path(doc.file_path or "")
    if not doc.file_path or not path.is_file():
        raise NotFound(_("the file of document {id} was removed from disk: order it again (reorder)").format(id=doc.id))
    return path


def _check_password(doc: Document, password: str | None) -> None:
    if not doc.protected:
        return
    from corptui.passwords import verify_password

    if not password:
        raise ValidationError(_("this document is protected: enter its password"), "password")
    if not verify_password(doc.password_hash or "", password):
        raise ValidationError(_("wrong password for this document"), "password")


def download_name(doc: Document) -> str:
    base = f"{doc.type}-{doc.id}-{_as_date(doc.period_from)}-{_as_date(doc.period_to)}"
    return f"{base}.{doc.format}"


def _write_zip(src: Path, target: Path, arcname: str, password: str) -> None:
    import pyzipper

    with pyzipper.AESZipFile(target, "w", compression=pyzipper.ZIP_DEFLATED,
                             encryption=pyzipper.WZ_AES) as zf:
        zf.setpassword(password.encode("utf-8"))
        zf.setencryption(pyzipper.WZ_AES, nbits=256)
        zf.write(src, arcname)


def save_to(session, doc_id, path: str, force: bool = False,
            password: str | None = None) -> str:
    """Copy a ready document to ``path`` ("save to PC"); a protected one is written as an
    AES-encrypted ZIP (give the password). No overwrite without ``force``."""
    from corptui.export import _check_target, _install, _temp_in

    permissions.require(session, "documents.manage")
    doc = _get(session, doc_id)
    src = _ready_file(doc)
    _check_password(doc, password)
    target = _check_target(path, force)
    tmp = _temp_in(target)
    try:
        if doc.protected:
            Path(tmp).unlink(missing_ok=True)
            _write_zip(src, Path(tmp), download_name(doc), password)
        else:
            shutil.copyfile(src, tmp)
        _install(tmp, target, force)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    with atomic():
        audit.record(session, "document.save", "document", doc.id, None,
                     {"path": str(target), "encrypted": bool(doc.protected)})
    return str(target)


def send(session, doc_id, email: str, password: str | None = None) -> int:
    """Queue an email with the document attached (encrypted ZIP when protected).
    Returns the notification id."""
    from corptui import notify
    from corptui.applications import validate_email

    permissions.require(session, "documents.manage")
    email = validate_email(email, "email")
    doc = _get(session, doc_id)
    src = _ready_file(doc)
    _check_password(doc, password)
    outbox = locations.documents_dir() / str(doc.company_id) / "outbox"
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%d%H%M%S%f")
    if doc.protected:
        attachment = outbox / f"{stamp}-{Path(download_name(doc)).stem}.zip"
        from corptui.jobs import atomic_output

        with atomic_output(attachment) as tmp:
            tmp.unlink(missing_ok=True)
            _write_zip(src, tmp, download_name(doc), password)
    else:
        attachment = outbox / f"{stamp}-{download_name(doc)}"
        shutil.copyfile(src, attachment)
    label = _(TYPE_LABELS.get(doc.type, doc.type))
    with atomic():
        nid = notify.queue_email(
            email, f"{label} No. {doc.id}",
            f"{label} for {_as_date(doc.period_from)} - {_as_date(doc.period_to)} is "
            f"attached{' (a password-protected ZIP)' if doc.protected else ''}.",
            attachment=str(attachment), company_id=doc.company_id)
        audit.record(session, "document.send", "document", doc.id, None,
                     {"email": email, "encrypted": bool(doc.protected)})
    return nid


CANCELLABLE = ("queued", "preparing")


def cancel(session, doc_id) -> dict:
    """Stop a queued or preparing document: its state becomes ``cancelled`` at once and
    the worker stops at its next step (no file is kept). A document that is ready, failed
    or already cancelled -> Conflict."""
    permissions.require(session, "documents.order")
    with atomic():
        doc = _get(session, doc_id)
        if doc.state not in CANCELLABLE:
            raise Conflict(_("document {id} is {state}: only a queued or preparing document "
                             "can be cancelled").format(id=doc.id, state=doc.state))
        before = _public(doc)
        changed = (Document.update(state="cancelled", error="")
                   .where((Document.id == doc.id) & Document.state.in_(CANCELLABLE))
                   .execute())
        if not changed:  # the worker finished it meanwhile
            raise Conflict(_("document {id} was finished meanwhile: nothing to cancel")
                           .format(id=doc.id))
        doc = Document.get_by_id(doc.id)
        after = _public(doc)
        audit.record(session, "document.cancel", "document", doc.id, before, after)
    return after


def reorder(session, doc_id) -> Document:
    """Order the same document again ("restore"): a new queued document with the same
    type, scope, period, format, copies, notifications and password."""
    permissions.require(session, "documents.order")
    doc = _get(session, doc_id)
    return _create(session, doc.type, dict(doc.scope or {}), _as_date(doc.period_from),
                   _as_date(doc.period_to), doc.format, doc.copies, doc.notify_email,
                   doc.notify_sms, doc.password_hash or "", action="document.reorder")


def delete(session, doc_id) -> None:
    """Remove a document from the history, with its file."""
    permissions.require(session, "documents.manage")
    doc = _get(session, doc_id)
    before = _public(doc)
    with atomic():
        Document.delete().where(Document.id == doc.id).execute()
        audit.record(session, "document.delete", "document", doc.id, before, None)
    if doc.file_path:
        with contextlib.suppress(OSError):
            Path(doc.file_path).unlink()


# -- content --------------------------------------------------------------------------


@dataclass
class Table:
    title: str
    columns: list[tuple[str, str]]  # (title, kind: text|money|int|date)
    rows: list[tuple] = field(default_factory=list)
    total: tuple | None = None


@dataclass
class Content:
    title: str
    header: list[str]
    tables: list[Table]
    summary: list[tuple[str, Decimal | str]] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Scope:
    company_id: int
    account_ids: tuple[int, ...]
    subscriber_ids: tuple[int, ...]
    accounts: tuple[str, ...]
    numbers: tuple[str, ...]

    def charge_cond(self):
        cond = Charge.company == self.company_id
        if self.subscriber_ids:
            return cond & in_ids(Charge.subscriber, self.subscriber_ids)
        return cond & in_ids(Charge.account, self.account_ids)

    def payment_cond(self):
        cond = Payment.company == self.company_id
        if self.subscriber_ids:
            return cond & in_ids(Payment.subscriber, self.subscriber_ids)
        return cond & in_ids(Payment.account, self.account_ids)


def resolve_scope(session, scope: dict) -> Scope:
    from corptui.payments import account_ids_by_number, subscriber_ids_by_msisdn

    accounts = tuple(scope.get("accounts") or ())
    numbers = tuple(scope.get("numbers") or ())
    acc_ids = account_ids_by_number(session, accounts, "accounts")
    sub_ids = subscriber_ids_by_msisdn(session, numbers, "numbers")
    return Scope(session.company_id, tuple(acc_ids), tuple(sub_ids), accounts, numbers)


def _csum(cond) -> Decimal:
    return money_sum(Charge.select(pw.fn.SUM(Charge.amount).coerce(False)).where(cond)
                     .scalar())


def _psum(cond) -> Decimal:
    return money_sum(Payment.select(pw.fn.SUM(Payment.amount).coerce(False)).where(cond)
                     .scalar())


def reconciliation(session, scope: Scope, date_from: dt.date, date_to: dt.date,
                   tz: dt.tzinfo | None = None, progress=None) -> dict:
    """The figures of a reconciliation act: opening balance, per month charges and
    payments, totals, closing balance (see the module doc for the rules)."""
    first, last = month_start(date_from), month_start(date_to)
    ccond, pcond = scope.charge_cond(), scope.payment_cond()
    charged = {}
    for period, total in (Charge.select(Charge.period, pw.fn.SUM(Charge.amount).coerce(False))
                          .where(ccond & (Charge.period >= first) & (Charge.period <= last))
                          .group_by(Charge.period).tuples()):
        charged[_as_date(period)] = money_sum(total)
    months = []
    all_months = months_between(first, last)
    for i, month in enumerate(all_months):
        lo = max(month, date_from)
        hi = min(month_end(month), date_to)
        start, end = utc_bounds(lo, hi, tz)
        paid = _psum(pcond & (Payment.paid_at >= start) & (Payment.paid_at < end))
        months.append({"month": month, "charges": charged.get(month, ZERO), "payments": paid})
        if progress:
            progress(10 + int(60 * (i + 1) / len(all_months)))
    charges_in = sum((m["charges"] for m in months), ZERO)
    payments_in = sum((m["payments"] for m in months), ZERO)
    start, end = utc_bounds(date_from, date_to, tz)
    if scope.subscriber_ids:
        before = (_psum(pcond & (Payment.paid_at < start))
                  - _csum(ccond & (Charge.period < first)))
        opening = before
        closing = opening + payments_in - charges_in
        basis = "numbers"
    else:
        balance = money_sum(PersonalAccount.select(
            pw.fn.SUM(PersonalAccount.balance).coerce(False))
            .where(in_ids(PersonalAccount.id, scope.account_ids)).scalar())
        after = _psum(pcond & (Payment.paid_at >= end)) - _csum(ccond & (Charge.period > last))
        closing = balance - after
        opening = closing - payments_in + charges_in
        basis = "accounts"
    return {"opening": opening, "months": months, "charges": charges_in,
            "payments": payments_in, "closing": closing, "basis": basis}


def _requisites(company_id: int) -> list[str]:
    c = Company.get_by_id(company_id)
    lines = [f"Customer: {c.name}"]
    ids = [f"INN {c.inn}" if c.inn else "", f"KPP {c.kpp}" if c.kpp else "",
           f"OGRN {c.ogrn}" if c.ogrn else ""]
    if any(ids):
        lines.append(", ".join(i for i in ids if i))
    if c.legal_address:
        lines.append(f"Address: {c.legal_address}")
    lines.append(f"Supplier: {OPERATOR['name']}, hotline {OPERATOR['hotline']}")
    return lines


def _scope_line(scope: Scope) -> str:
    text = f"Accounts: {', '.join(scope.accounts)}" if scope.accounts else ""
    if scope.numbers:
        shown = ", ".join(scope.numbers[:5])
        more = f" and {len(scope.numbers) - 5} more" if len(scope.numbers) > 5 else ""
        text = (text + "; " if text else "") + f"numbers ({len(scope.numbers)}): {shown}{more}"
    return text


def _period_line(date_from, date_to) -> str:
    return f"Period: {date_from.isoformat()} - {date_to.isoformat()}"


def _vat(amount: Decimal) -> Decimal:
    """VAT included in a gross amount at 20% (20/120), to the kopeck, half up."""
    return (amount * VAT_RATE / (100 + VAT_RATE)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _kind_totals(scope: Scope, date_from, date_to, by_month: bool = False):
    first, last = month_start(date_from), month_start(date_to)
    cols = [Charge.period, Charge.kind] if by_month else [Charge.kind]
    q = (Charge.select(*cols, pw.fn.SUM(Charge.amount).coerce(False))
         .where(scope.charge_cond() & (Charge.period >= first) & (Charge.period <= last))
         .group_by(*cols).order_by(*cols).tuples())
    return [tuple(_as_date(v) if i == 0 and by_month else v for i, v in enumerate(r[:-1]))
            + (money_sum(r[-1]),) for r in q]


KIND_LABELS = {"subscription": N_("Subscription fees"), "calls": N_("Calls"), "sms": N_("SMS"),
               "data": N_("Mobile internet"), "roaming": N_("Roaming"),
               "one_off": N_("One-off charges")}


def content(session, doc: Document, scope: Scope, progress=None) -> Content:
    """The text and tables of the non-tabular documents."""
    date_from, date_to = _as_date(doc.period_from), _as_date(doc.period_to)
    header = _requisites(doc.company_id) + [_scope_line(scope), _period_line(date_from, date_to)]
    title = f"{TYPE_LABELS[doc.type]} No. {doc.id}"  # document bodies are English
    if doc.type == "reconciliation_act":
        r = reconciliation(session, scope, date_from, date_to, progress=progress)
        table = Table("Charges and payments by month",
                      [("Month", "text"), ("Charges", "money"), ("Payments", "money")],
                      [(m["month"].strftime("%Y-%m"), m["charges"], m["payments"])
                       for m in r["months"]],
                      ("Total", r["charges"], r["payments"]))
        basis = ("the accounts' balance" if r["basis"] == "accounts"
                 else "the numbers' payments less charges")
        return Content(title, header, [table], [
            ("Opening balance", r["opening"]), ("Charges", r["charges"]),
            ("Payments", r["payments"]), ("Closing balance", r["closing"])],
            [f"Balances from {basis}. Positive balance: the customer's advance; "
             "negative: the customer's debt."])
    if doc.type == "act_of_services":
        rows = [(p.strftime("%Y-%m"), KIND_LABELS.get(k, k), a)
                for p, k, a in _kind_totals(scope, date_from, date_to, by_month=True)]
        total = sum((r[2] for r in rows), ZERO)
        table = Table("Services rendered", [("Month", "text"), ("Service", "text"),
                                            ("Amount", "money")], rows, ("Total", "", total))
        return Content(title, header, [table], [("Total", total), ("incl. VAT 20%", _vat(total))],
                       ["The services were rendered in full; the customer has no claims."])
    if doc.type == "invoice":
        rows = [(KIND_LABELS.get(k, k), a) for k, a in _kind_totals(scope, date_from, date_to)]
        total = sum((r[1] for r in rows), ZERO)
        table = Table("Services", [("Service", "text"), ("Amount", "money")], rows,
                      ("Total", total))
        return Content(title, header, [table], [("Total due", total), ("incl. VAT 20%", _vat(total))])
    if doc.type == "invoice_facture":
        rows = []
        for k, a in _kind_totals(scope, date_from, date_to):
            vat = _vat(a)
            rows.append((KIND_LABELS.get(k, k), a - vat, "20%", vat, a))
        net = sum((r[1] for r in rows), ZERO)
        vat = sum((r[3] for r in rows), ZERO)
        gross = sum((r[4] for r in rows), ZERO)
        table = Table("Services", [("Service", "text"), ("Without VAT", "money"),
                                   ("VAT rate", "text"), ("VAT", "money"), ("Total", "money")],
                      rows, ("Total", net, "", vat, gross))
        return Content(title, header, [table], [("Without VAT", net), ("VAT", vat),
                                                ("Total with VAT", gross)])
    if doc.type == "changes_report":
        from corptui import insights

        r = insights.changes_report(session, scope.accounts, date_to)
        header = header[:-2] + [f"Scope: {r['scope']}",
                                f"Months: {r['month_a']:%Y-%m} -> {r['month_b']:%Y-%m}"]
        return Content(title, header, [Table(t, cols, rows, total)
                                       for t, cols, rows, total in r["tables"]],
                       r["summary"], r["footer"])
    if doc.type == "spend_by_tag":
        from corptui import spend

        r = spend.report(session, date_to)
        month = f"{r['month']:%Y-%m}" if r["month"] else "-"
        return Content(title, header[:-1] + [f"Month: {month}"],
                       [Table(t, cols, rows, total) for t, cols, rows, total in r["tables"]],
                       r["summary"], r["footer"])
    raise ValueError(_("{type} is a tabular document").format(type=doc.type))


# -- writers ----------------------------------------------------------------------------


def _cell(value, kind: str = "text") -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_pdf(path: Path, c: Content, copies: int = 1) -> None:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    from corptui.export import find_fonts

    regular, bold = find_fonts()
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(c.title)
    pdf.set_creator("corptui")
    pdf.add_font("DejaVu", "", regular)
    pdf.add_font("DejaVu", "B", bold)
    pdf.set_auto_page_break(True, margin=14)
    for copy in range(copies):
        pdf.add_page()
        pdf.set_font("DejaVu", "B", 13)
        pdf.cell(0, 8, c.title, new_x="LMARGIN", new_y="NEXT")
        if copies > 1:
            pdf.set_font("DejaVu", "", 8)
            pdf.cell(0, 5, f"Copy {copy + 1} of {copies}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 9)
        for line in c.header:
            pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        for t in c.tables:
            pdf.set_font("DejaVu", "B", 10)
            pdf.cell(0, 6, t.title, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("DejaVu", "", 9)
            aligns = tuple("RIGHT" if k in ("money", "int") else "LEFT" for _, k in t.columns)
            with pdf.table(text_align=aligns, line_height=5,
                           headings_style=FontFace(emphasis="BOLD"), padding=0.8) as table:
                head = table.row()
                for title, _ in t.columns:
                    head.cell(title)
                for row in t.rows + ([t.total] if t.total else []):
                    line = table.row()
                    for value, (_, kind) in zip(row, t.columns, strict=True):
                        line.cell(_cell(value, kind))
            pdf.ln(3)
        pdf.set_font("DejaVu", "B", 10)
        for label, value in c.summary:
            pdf.cell(70, 6, f"{label}:")
            pdf.cell(40, 6, _cell(value), align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 8)
        for line in c.footer:
            pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def write_xlsx(path: Path, c: Content) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False})
    try:
        wb.set_properties({"title": c.title, "creator": "corptui"})
        ws = wb.add_worksheet("Document")
        bold = wb.add_format({"bold": True})
        money = wb.add_format({"num_format": "#,##0.00"})
        money_bold = wb.add_format({"num_format": "#,##0.00", "bold": True})
        ws.set_column(0, 0, 34)
        ws.set_column(1, 5, 16)
        r = 0
        ws.write_string(r, 0, c.title, bold)
        r += 1
        for line in c.header:
            ws.write_string(r, 0, line)
            r += 1
        for t in c.tables:
            r += 1
            ws.write_string(r, 0, t.title, bold)
            r += 1
            for i, (title, _) in enumerate(t.columns):
                ws.write_string(r, i, title, bold)
            r += 1
            for row in t.rows + ([t.total] if t.total else []):
                is_total = row is t.total
                for i, (value, (_, kind)) in enumerate(zip(row, t.columns, strict=True)):
                    if kind == "money" and isinstance(value, Decimal):
                        ws.write_number(r, i, float(value), money_bold if is_total else money)
                    else:
                        ws.write_string(r, i, _cell(value), bold if is_total else None)
                r += 1
        r += 1
        for label, value in c.summary:
            ws.write_string(r, 0, label, bold)
            if isinstance(value, Decimal):
                ws.write_number(r, 1, float(value), money_bold)
            else:
                ws.write_string(r, 1, str(value))
            r += 1
        for line in c.footer:
            ws.write_string(r, 0, line)
            r += 1
    finally:
        wb.close()


def write_csv(path: Path, c: Content) -> None:
    from corptui.output import neutralise

    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([neutralise(c.title)])
        for line in c.header:
            w.writerow([neutralise(line)])
        for t in c.tables:
            w.writerow([])
            w.writerow([neutralise(t.title)])
            w.writerow([title for title, _ in t.columns])
            for row in t.rows + ([t.total] if t.total else []):
                w.writerow([neutralise(_cell(v)) for v in row])
        w.writerow([])
        for label, value in c.summary:
            w.writerow([label, _cell(value)])


def _tabular(session, doc: Document, scope: Scope, tmp: Path, cancelled=None) -> int:
    """Charges detail, payments report, call details: rows through export_rows."""
    from corptui import calls, charges, payments
    from corptui.export import export_rows

    date_from, date_to = _as_date(doc.period_from), _as_date(doc.period_to)
    company = Company.get_by_id(doc.company_id).name
    label = TYPE_LABELS[doc.type]
    title = f"{label} No. {doc.id} — {company}"
    subtitle = f"{_scope_line(scope)}; {_period_line(date_from, date_to)}"
    if doc.type == "charges_detail":
        flt = charges.ChargeFilter(subscriber_ids=scope.subscriber_ids,
                                   account_ids=() if scope.subscriber_ids else scope.account_ids,
                                   date_from=date_from, date_to=date_to)
        cols, rows = charges.export_columns(), charges.iter_lines(session, flt)
    elif doc.type == "payments_report":
        flt = payments.PaymentFilter(
            subscriber_ids=scope.subscriber_ids,
            account_ids=() if scope.subscriber_ids else scope.account_ids,
            date_from=date_from, date_to=date_to, sort="date", descending=False)
        cols, rows = payments.export_columns(), payments.iter_rows(session, flt)
    else:
        ids = scope.subscriber_ids
        if not ids:
            ids = tuple(i for (i,) in Subscriber.select(Subscriber.id).where(
                (Subscriber.company == doc.company_id)
                & in_ids(Subscriber.account, scope.account_ids)).tuples())
        flt = calls.CallFilter(subscriber_ids=ids, date_from=date_from, date_to=date_to)
        cols, rows = calls.export_columns(), calls.iter_export_tuples(session, flt)
    result = export_rows(cols, rows, doc.format, str(tmp), title=title, subtitle=subtitle,
                         force=True, cancelled=cancelled)
    return result.rows


# -- the job ----------------------------------------------------------------------------


def file_path_for(doc: Document) -> Path:
    return (locations.documents_dir() / str(doc.company_id)
            / f"{doc.id:06d}-{doc.type}.{doc.format}")


def _set(doc_id: int, **values) -> None:
    with atomic():
        Document.update(**values).where(Document.id == doc_id).execute()


class _Stopped(Exception):
    """The document was cancelled while the worker prepared it."""


CANCEL_CHECK_SECONDS = 0.5  # how often a tabular document asks whether it was cancelled


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

    def report(percent: int) -> None:
        """Record the progress; a document no longer preparing was cancelled: stop."""
        percent = max(0, min(99, int(percent)))
        with atomic():
            still = (Document.update(progress=percent)
                     .where((Document.id == doc.id) & (Document.state == "preparing"))
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
        return not Document.select().where((Document.id == doc.id)
                                           & (Document.state == "preparing")).exists()

    with atomic():
        started = (Document.update(state="preparing", progress=1, error="")
                   .where((Document.id == doc.id) & (Document.state != "cancelled"))
                   .execute())
    if not started:
        return ""
    try:
        scope = resolve_scope(session, dict(doc.scope or {}))
        report(5)
        target = file_path_for(doc)
        target.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            os.chmod(target.parent, 0o700)
        with atomic_output(target) as tmp:
            if doc.type in ("charges_detail", "payments_report", "call_detail"):
                report(20)
                _tabular(session, doc, scope, tmp, stopped)
            else:
                c = content(session, doc, scope, progress=report)
                report(80)  # the last check before the file is written
                if doc.format == "pdf":
                    write_pdf(tmp, c, doc.copies)
                elif doc.format == "xlsx":
                    write_xlsx(tmp, c)
                else:
                    write_csv(tmp, c)
            os.chmod(tmp, 0o600)
            report(95)
    except (_Stopped, Cancelled):  # cancelled meanwhile: the temporary file is gone
        return ""
    except ValidationError as exc:  # the scope changed since the order: do not retry
        _fail(doc.id, exc.message)
        raise PermanentError(exc.message) from None
    except BaseException as exc:
        _fail(doc.id, f"{type(exc).__name__}: {exc}"[:2000])
        raise
    with atomic():
        done = Document.update(state="ready", progress=100, file_path=str(target), error="",
                               ready_at=utcnow()).where(
            (Document.id == doc.id) & (Document.state == "preparing")).execute()
        if done:
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
    if not doc.notify_email and not doc.notify_sms:
        return
    from corptui import notify

    label = _(TYPE_LABELS.get(doc.type, doc.type))
    period = f"{_as_date(doc.period_from)} - {_as_date(doc.period_to)}"
    if doc.notify_email:
        if doc.protected:
            notify.queue_email(
                doc.notify_email, f"{label} No. {doc.id} is ready",
                f"{label} for {period} is ready. It is password-protected: save it or send "
                "it from corptui with its password.", company_id=doc.company_id)
        else:
            notify.queue_email(doc.notify_email, f"{label} No. {doc.id} is ready",
                               f"{label} for {period} is attached.", attachment=str(path),
                               company_id=doc.company_id)
    if doc.notify_sms:
        notify.queue_sms(doc.notify_sms, f"corptui: {label} No. {doc.id} for {period} is ready.",
                         company_id=doc.company_id)


def _job(payload: dict, progress) -> dict:
    from corptui.jobs import PermanentError

    try:
        doc_id = int(payload["document_id"])
    except (KeyError, TypeError, ValueError):
        raise PermanentError(_("bad payload {payload!r}").format(payload=payload)) from None
    path = build(doc_id, progress)
    return {"file": path} if path else {"cancelled": True}


def _register() -> None:
    from corptui import jobs

    jobs.register(JOB_KIND, _job)


_register()
