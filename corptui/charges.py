"""Charges (what the company is billed): by month and kind for one number or a set,
the lines of a month, spending by month for a chart, the company's top spenders, and
the export of charge lines.

A ``Charge`` row is one kind of charge of one number (or of the account itself, with no
number) for one month (``period`` = first day). All sums are exact (integer kopecks in
SQL). ``numbers=None`` means the whole company; a tuple of subscriber ids restricts to
those numbers (any size: storage.idsets). Every query is scoped to the company."""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass, replace
from decimal import Decimal

import peewee as pw

from corptui import permissions
from corptui.i18n import _
from corptui.periods import (
    check_choices,
    money_sum,
    month_start,
    months_between,
    parse_date,
    parse_ranges,
    raise_errors,
)
from storage.idsets import in_ids
from storage.models import CHARGE_KINDS, Charge, PersonalAccount, Subscriber

KINDS = CHARGE_KINDS
ZERO = Decimal("0.00")


def _month(value, field: str = "period") -> dt.date:
    day = parse_date(value, field)
    if day is None:
        from corptui.errors import ValidationError

        raise ValidationError(_("{field}: a month is needed").format(field=field), field)
    return month_start(day)


def _scope(session, numbers):
    cond = Charge.company == session.company_id
    if numbers is not None:
        cond &= in_ids(Charge.subscriber, numbers)
    return cond


def _sum():
    return pw.fn.SUM(Charge.amount).coerce(False)


# The whole company's month totals, kept per (database, company, month) with the newest
# charge id seen: charges are written once (billing) and never edited, so a month's sums
# only change when a newer charge arrives. Switching the months shown, or coming back to
# the screen, then costs nothing instead of an index scan of ~300k rows a month.
# (keyed by the open Database object itself, weakly: a new connection starts afresh)
_MONTH_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _newest_charge_id() -> int:
    return Charge.select(pw.fn.MAX(Charge.id)).scalar() or 0


def _company_months(session, months: list[dt.date]) -> dict[dt.date, dict[str, Decimal]]:
    from storage.db import database

    newest = _newest_charge_id()
    cache = _MONTH_CACHE.setdefault(database.obj, {})
    key0 = (session.company_id,)
    out, missing = {}, []
    for m in months:
        hit = cache.get((*key0, m))
        if hit is not None and hit[0] == newest:
            out[m] = hit[1]
        else:
            missing.append(m)
    if missing:
        fresh = {m: {} for m in missing}
        q = (Charge.select(Charge.period, Charge.kind, _sum())
             .where((Charge.company == session.company_id)
                    & (Charge.period >= min(missing)) & (Charge.period <= max(missing)))
             .group_by(Charge.period, Charge.kind).tuples())
        for period, kind, total in q:
            period = _as_date(period)
            if period in fresh:
                fresh[period][kind] = fresh[period].get(kind, ZERO) + money_sum(total)
        if len(cache) > 2000:
            cache.clear()
        for m, kinds in fresh.items():
            cache[(*key0, m)] = (newest, kinds)
            out[m] = kinds
    return out


def by_month(session, numbers, first, last) -> list[dict]:
    """One row per month from ``first`` to ``last`` (oldest first), every month present:
    {"period", <each kind>: Decimal, "total"}."""
    permissions.require(session, "read")
    first, last = _month(first, "date_from"), _month(last, "date_to")
    raise_errors({} if first <= last else {"date_from": "date_from is after date_to"})
    table = {m: dict.fromkeys(KINDS, ZERO) for m in months_between(first, last)}
    if numbers is None:
        for m, kinds in _company_months(session, list(table)).items():
            for kind, total in kinds.items():
                table[m][kind] = table[m].get(kind, ZERO) + total
    else:
        q = (Charge.select(Charge.period, Charge.kind, _sum())
             .where(_scope(session, numbers) & (Charge.period >= first)
                    & (Charge.period <= last))
             .group_by(Charge.period, Charge.kind).tuples())
        for period, kind, total in q:
            period = _as_date(period)
            if period in table:
                table[period][kind] = table[period].get(kind, ZERO) + money_sum(total)
    out = []
    for period, kinds in table.items():
        out.append({"period": period, **kinds, "total": sum(kinds.values(), ZERO)})
    return out


def spending_by_month(session, numbers, first, last) -> list[tuple[dt.date, Decimal]]:
    """(month, total) for a chart, every month from ``first`` to ``last`` present."""
    return [(row["period"], row["total"]) for row in by_month(session, numbers, first, last)]


LINE_FIELDS = ("id", "period", "account", "number", "employee", "kind", "description", "amount")


def _lines_query(session, cond):
    return (
        Charge.select(Charge.id, Charge.period, PersonalAccount.number, Subscriber.msisdn,
                      Subscriber.full_name, Charge.kind, Charge.description, Charge.amount)
        .join(PersonalAccount, on=(Charge.account == PersonalAccount.id))
        .switch(Charge)
        .join(Subscriber, pw.JOIN.LEFT_OUTER, on=(Charge.subscriber == Subscriber.id))
        .where((Charge.company == session.company_id) & cond)
    )


def _line(values) -> dict:
    d = dict(zip(LINE_FIELDS, values, strict=True))
    d["period"] = _as_date(d["period"])
    d["number"] = d["number"] or ""
    d["employee"] = d["employee"] or ""
    return d


def lines(session, numbers, period, kind: str | None = None) -> list[dict]:
    """The drill-down of one month: every charge line of the numbers (by number, kind)."""
    permissions.require(session, "read")
    period = _month(period)
    if kind is not None:
        raise_errors(check_choices((kind,), KINDS, "kind", "charge kind"))
    cond = _scope(session, numbers) & (Charge.period == period)
    if kind:
        cond &= Charge.kind == kind
    q = _lines_query(session, cond).order_by(Subscriber.msisdn.asc(nulls="LAST"), Charge.kind, Charge.id)
    return [_line(v) for v in q.tuples()]


def sums_by_number(session, period) -> dict[int, Decimal]:
    """{subscriber id: total charged in the month} over the whole company (one grouped
    query on the (company, period, subscriber, amount) index)."""
    permissions.require(session, "read")
    period = _month(period)
    q = (Charge.select(Charge.subscriber, _sum())
         .where((Charge.company == session.company_id) & (Charge.period == period)
                & Charge.subscriber.is_null(False))
         .group_by(Charge.subscriber).tuples())
    return {sid: money_sum(total) for sid, total in q.iterator()}


def top_spenders(session, period, limit: int = 10) -> list[dict]:
    """The numbers charged most in the month: msisdn, employee, total (largest first)."""
    permissions.require(session, "read")
    period = _month(period)
    total = _sum().alias("total")
    inner = (Charge.select(Charge.subscriber.alias("sid"), total)
             .where((Charge.company == session.company_id) & (Charge.period == period)
                    & Charge.subscriber.is_null(False))
             .group_by(Charge.subscriber)
             .order_by(_sum().desc(), Charge.subscriber)
             .limit(limit))
    rows = list(inner.tuples())
    info = {sid: (m, n) for sid, m, n in Subscriber.select(
        Subscriber.id, Subscriber.msisdn, Subscriber.full_name)
        .where((Subscriber.company == session.company_id)
               & Subscriber.id.in_([r[0] for r in rows] or [0])).tuples()}
    return [{"subscriber_id": sid, "number": info.get(sid, ("", ""))[0],
             "employee": info.get(sid, ("", ""))[1], "total": money_sum(t)}
            for sid, t in rows]


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


# -- the export of charge lines -------------------------------------------------------

@dataclass(frozen=True)
class ChargeFilter:
    subscriber_ids: tuple[int, ...] = ()
    account_ids: tuple[int, ...] = ()
    date_from: dt.date | str | None = None  # months: the month of date_from ...
    date_to: dt.date | str | None = None  # ... to the month of date_to
    kinds: tuple[str, ...] = ()
    amount_min: Decimal | str | None = None
    amount_max: Decimal | str | None = None

    def validated(self) -> ChargeFilter:
        values, errors = parse_ranges(self)
        errors.update(check_choices(self.kinds, KINDS, "kinds", "charge kind"))
        raise_errors(errors)
        return replace(self, **values)


def _filter_cond(flt: ChargeFilter):
    cond = None
    parts = []
    if flt.subscriber_ids and flt.account_ids:
        parts.append(in_ids(Charge.subscriber, flt.subscriber_ids)
                     | in_ids(Charge.account, flt.account_ids))
    elif flt.subscriber_ids:
        parts.append(in_ids(Charge.subscriber, flt.subscriber_ids))
    elif flt.account_ids:
        parts.append(in_ids(Charge.account, flt.account_ids))
    if flt.date_from is not None:
        parts.append(Charge.period >= month_start(flt.date_from))
    if flt.date_to is not None:
        parts.append(Charge.period <= month_start(flt.date_to))
    if flt.kinds:
        parts.append(Charge.kind.in_(flt.kinds))
    if flt.amount_min is not None:
        parts.append(Charge.amount >= flt.amount_min)
    if flt.amount_max is not None:
        parts.append(Charge.amount <= flt.amount_max)
    for p in parts:
        cond = p if cond is None else (cond & p)
    return cond if cond is not None else (Charge.id.is_null(False))


def iter_lines(session, flt: ChargeFilter):
    """Every matching charge line, by month, number and kind (streamed)."""
    permissions.require(session, "read")
    flt = flt.validated()
    q = _lines_query(session, _filter_cond(flt)).order_by(
        Charge.period, PersonalAccount.number, Subscriber.msisdn.asc(nulls="LAST"), Charge.kind,
        Charge.id)
    from storage.db import stream

    for values in stream(q):
        yield _line(values)


def totals(session, flt: ChargeFilter) -> dict:
    permissions.require(session, "read")
    flt = flt.validated()
    total, count = (Charge.select(_sum(), pw.fn.COUNT(Charge.id))
                    .where((Charge.company == session.company_id) & _filter_cond(flt))
                    .tuples().get())
    return {"sum": money_sum(total), "count": int(count)}


def export_columns():
    from corptui.export import Column

    return [Column("period", "Month", "date"), Column("account", "Account"),
            Column("number", "Number"), Column("employee", "Employee"),
            Column("kind", "Kind"), Column("description", "Description"),
            Column("amount", "Amount", "money")]


def export(session, flt, fmt: str, path: str, *, company_name: str = "",
           force: bool = False, sep: str = ",", progress=None, cancelled=None):
    """Write the matching rows to a file (or "-" for stdout); returns ExportResult.
    ``progress(rows written, total)`` (the total counted first) and ``cancelled()`` ->
    Cancelled with no file left behind (see corptui.export)."""
    from corptui import export as exports

    permissions.require(session, "payments.export")
    return exports.export(session, title="Charges", flt=flt, columns=export_columns(),
                          rows=iter_lines, totals=totals, fmt=fmt, path=path,
                          company_name=company_name, force=force, sep=sep,
                          progress=progress, cancelled=cancelled)


# -- a line's records (issue 19: the rated records a usage line sums) ----------------

def line_records(session, charge_id) -> dict:
    """One charge line and the call records it sums (rated: each with its cost), in
    time order: {"line": line dict, "records": [calls.FIELDS dicts], "total": Decimal,
    "rated": bool}. A fee line has no records. Scoped to the company (NotFound)."""
    from corptui.calls import FIELDS as CALL_FIELDS
    from corptui.errors import NotFound
    from corptui.periods import add_months
    from storage.models import CallRecord

    permissions.require(session, "read")
    try:
        cid = int(charge_id)
    except (TypeError, ValueError):
        cid = 0
    rows = list(_lines_query(session, Charge.id == cid).tuples())
    if not rows:
        raise NotFound(_("no charge line {id}").format(id=charge_id))
    line = _line(rows[0])
    sid = Charge.select(Charge.subscriber).where(Charge.id == cid).scalar()
    records = []
    if sid is not None:
        start = dt.datetime.combine(line["period"], dt.time(), dt.UTC)
        end = dt.datetime.combine(add_months(line["period"], 1), dt.time(), dt.UTC)
        q = (CallRecord.select(CallRecord.id, CallRecord.started_at, Subscriber.msisdn,
                               CallRecord.direction, CallRecord.kind, CallRecord.counterpart,
                               CallRecord.duration_seconds, CallRecord.volume_kb,
                               CallRecord.roaming, CallRecord.cost)
             .join(Subscriber, on=(CallRecord.subscriber == Subscriber.id))
             .where((CallRecord.subscriber == sid) & (Subscriber.company == session.company_id)
                    & (CallRecord.started_at >= start) & (CallRecord.started_at < end)
                    & (CallRecord.charge_id == cid))
             .order_by(CallRecord.started_at, CallRecord.id))
        for values in q.tuples():
            d = dict(zip(CALL_FIELDS, values, strict=True))
            d["roaming"] = bool(d["roaming"])
            records.append(d)
    return {"line": line, "records": records,
            "total": sum((r["cost"] for r in records), ZERO)}


def month_states(session, first, last, today: dt.date | None = None) -> dict[dt.date, str]:
    """{month: "in_progress" | "billed"} for the months from ``first`` to ``last`` that
    have a state (issue 19): a month being rated (accruing) or closed; the month of
    ``today`` is in progress even before its first rating."""
    from corptui.rating.billing import BILLED, IN_PROGRESS
    from storage.models import BillingMonth

    permissions.require(session, "read")
    first, last = _month(first, "date_from"), _month(last, "date_to")
    out = {}
    for month, state in (BillingMonth.select(BillingMonth.month, BillingMonth.state)
                         .where((BillingMonth.company == session.company_id)
                                & (BillingMonth.month >= first) & (BillingMonth.month <= last))
                         .tuples()):
        out[_as_date(month)] = state
    if today is not None:
        this = month_start(today)
        if first <= this <= last and out.get(this) != BILLED:
            out[this] = IN_PROGRESS
    return out
