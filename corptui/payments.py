"""Payments received on the company's personal accounts: filter, page, totals, export.

``PaymentFilter`` is what the payments screen and ``corptui export payments`` share. It
is validated once (``validated()``), with field-level errors, and then runs in SQL on
the (company, paid_at), (account, paid_at) and (subscriber, paid_at) indexes; every
query carries ``company = session.company_id``, so ids of another company match nothing.
Days are local calendar days turned into UTC bounds (periods.utc_bounds)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

import peewee as pw

from corptui import permissions
from corptui.i18n import _
from corptui.periods import (  # noqa: F401 - presets are part of this module's surface
    PRESETS,
    check_choices,
    last_month,
    money_sum,
    parse_ranges,
    preset,
    quarter,
    raise_errors,
    this_month,
    utc_bounds,
    year,
)
from storage.idsets import in_ids
from storage.models import PAYMENT_TYPES, Payment, PersonalAccount, Subscriber

SORT_COLUMNS = ("date", "amount", "type", "account", "number", "employee", "document_no")
COLUMNS = ("id", "date", "account", "number", "employee", "amount", "type", "document_no")


@dataclass(frozen=True)
class PaymentFilter:
    subscriber_ids: tuple[int, ...] = ()
    account_ids: tuple[int, ...] = ()
    amount_min: Decimal | str | None = None
    amount_max: Decimal | str | None = None
    date_from: dt.date | str | None = None
    date_to: dt.date | str | None = None
    types: tuple[str, ...] = ()
    sort: str = "date"
    descending: bool = True
    tz: dt.tzinfo | None = None  # None: the system's local zone

    def validated(self) -> PaymentFilter:
        """The same filter with parsed values; ValidationError with every bad field."""
        values, errors = parse_ranges(self)
        errors.update(check_choices(self.types, PAYMENT_TYPES, "types", "payment type"))
        if self.sort not in SORT_COLUMNS:
            errors["sort"] = _("sort: unknown column {sort!r} (use {choices})").format(sort=self.sort, choices=', '.join(SORT_COLUMNS))
        raise_errors(errors)
        return replace(self, **values, subscriber_ids=tuple(self.subscriber_ids),
                       account_ids=tuple(self.account_ids), types=tuple(self.types))


def _where(session, flt: PaymentFilter):
    cond = Payment.company == session.company_id
    start, end = utc_bounds(flt.date_from, flt.date_to, flt.tz)
    if start is not None:
        cond &= Payment.paid_at >= start
    if end is not None:
        cond &= Payment.paid_at < end
    if flt.subscriber_ids and flt.account_ids:
        cond &= (in_ids(Payment.subscriber, flt.subscriber_ids)
                 | in_ids(Payment.account, flt.account_ids))
    elif flt.subscriber_ids:
        cond &= in_ids(Payment.subscriber, flt.subscriber_ids)
    elif flt.account_ids:
        cond &= in_ids(Payment.account, flt.account_ids)
    if flt.amount_min is not None:
        cond &= Payment.amount >= flt.amount_min
    if flt.amount_max is not None:
        cond &= Payment.amount <= flt.amount_max
    if flt.types:
        cond &= Payment.type.in_(flt.types)
    return cond


def _sort_key(flt: PaymentFilter):
    return {
        "date": Payment.paid_at, "amount": Payment.amount, "type": Payment.type,
        "account": PersonalAccount.number, "number": Subscriber.msisdn,
        "employee": Subscriber.full_name, "document_no": Payment.document_no,
    }[flt.sort]


def _ordered(q, flt: PaymentFilter):
    col = _sort_key(flt)
    # payments with no number sort last either way, on both engines
    nulls = "LAST" if flt.sort in ("number", "employee") else None
    if flt.descending:
        return q.order_by(col.desc(nulls=nulls), Payment.id.desc())
    return q.order_by(col.asc(nulls=nulls), Payment.id)


def _wide():
    return (
        Payment.select(Payment.id, Payment.paid_at, PersonalAccount.number, Subscriber.msisdn,
                       Subscriber.full_name, Payment.amount, Payment.type, Payment.document_no)
        .join(PersonalAccount, on=(Payment.account == PersonalAccount.id))
        .switch(Payment)
        .join(Subscriber, pw.JOIN.LEFT_OUTER, on=(Payment.subscriber == Subscriber.id))
    )


def _rows_query(session, flt: PaymentFilter):
    return _ordered(_wide().where(_where(session, flt)), flt)


def _page_ids(session, flt: PaymentFilter, offset: int, limit: int | None) -> list[int]:
    """Sort narrow (id + key) rows, read from the covering index; fetch only the page."""
    q = Payment.select(Payment.id).where(_where(session, flt))
    if flt.sort in ("number", "employee"):
        q = q.join(Subscriber, pw.JOIN.LEFT_OUTER, on=(Payment.subscriber == Subscriber.id))
    elif flt.sort == "account":
        q = q.join(PersonalAccount, on=(Payment.account == PersonalAccount.id))
    q = _ordered(q, flt)
    if limit is not None:
        q = q.limit(limit)
    if offset:
        q = q.offset(offset)
    return [r[0] for r in q.tuples()]


def _row(values) -> dict:
    d = dict(zip(COLUMNS, values, strict=True))
    d["number"] = d["number"] or ""
    d["employee"] = d["employee"] or ""
    return d


def query(session, flt: PaymentFilter, offset: int = 0, limit: int | None = 50) -> list[dict]:
    """One page of payments: id, date (aware UTC), account, number, employee, amount,
    type, document_no."""
    permissions.require(session, "read")
    flt = flt.validated()
    ids = _page_ids(session, flt, offset, limit)
    rows = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for values in _wide().where((Payment.company == session.company_id)
                                    & Payment.id.in_(chunk)).tuples():
            rows[values[0]] = _row(values)
    return [rows[i] for i in ids]


def iter_rows(session, flt: PaymentFilter):
    """Every matching payment in display order, streamed (for exports)."""
    permissions.require(session, "read")
    flt = flt.validated()
    from storage.db import stream

    for values in stream(_rows_query(session, flt)):
        yield _row(values)


def totals(session, flt: PaymentFilter) -> dict:
    """{"sum": Decimal, "count": int} of the matching payments (exact kopecks)."""
    permissions.require(session, "read")
    flt = flt.validated()
    row = (Payment.select(pw.fn.SUM(Payment.amount).coerce(False), pw.fn.COUNT(Payment.id))
           .where(_where(session, flt)).tuples().get())
    return {"sum": money_sum(row[0]), "count": int(row[1])}


def accounts_of(session) -> list[dict]:
    """The company's accounts for the filter's account picker."""
    permissions.require(session, "read")
    q = (PersonalAccount.select(PersonalAccount.id, PersonalAccount.number, PersonalAccount.name)
         .where(PersonalAccount.company == session.company_id).order_by(PersonalAccount.number))
    return [{"id": i, "number": n, "name": name} for i, n, name in q.tuples()]


def export_columns():
    from corptui.export import Column

    return [
        Column("date", "Date", "datetime"), Column("account", "Account"),
        Column("number", "Number"), Column("employee", "Employee"),
        Column("amount", "Amount", "money"), Column("type", "Type"),
        Column("document_no", "Document no."),
    ]


def export(session, flt, fmt: str, path: str, *, company_name: str = "",
           force: bool = False, sep: str = ",", progress=None, cancelled=None):
    """Write the matching rows to a file (or "-" for stdout); returns ExportResult.
    ``progress(rows written, total)`` (the total counted first) and ``cancelled()`` ->
    Cancelled with no file left behind (see corptui.export)."""
    from corptui import export as exports

    permissions.require(session, "payments.export")
    return exports.export(session, title="Payments", flt=flt, columns=export_columns(),
                          rows=iter_rows, totals=totals, fmt=fmt, path=path,
                          company_name=company_name, force=force, sep=sep,
                          progress=progress, cancelled=cancelled)


def period_text(date_from: dt.date | None, date_to: dt.date | None) -> str:
    if date_from is None and date_to is None:
        return _("all dates")
    return f"{date_from.isoformat() if date_from else '…'} — {date_to.isoformat() if date_to else '…'}"
