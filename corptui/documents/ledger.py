"""The ledger as the documents read it: billed charges by month and kind, the usage
behind them, payments with their payment orders, balances.

Invoices, acts and the reconciliation act use BILLED months only (issue 19): a month
the rating has opened ("in progress", corptui.rating.billing) counts only once it is
closed ("billed"); a month with no state (charges from before rating) counts once it has
ended before the day the document was ordered (``as_of``). ``billed_cond`` is the one
place that says so."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import peewee as pw

from corptui.periods import money_sum, month_end, month_start, utc_bounds
from storage.idsets import in_ids
from storage.models import CallRecord, Charge, Payment, PersonalAccount

ZERO = Decimal("0.00")
# service lines of an act: (charge kind, from an option?) -> line key
OPTION_LINE = "options"


def billed_cond(scope, as_of: dt.date):
    """The charges that have been billed by ``as_of`` (see the module doc)."""
    from storage.models import BillingMonth

    cond = scope.charge_cond() & (Charge.period < month_start(as_of))
    open_months = [m for (m,) in BillingMonth.select(BillingMonth.month).where(
        (BillingMonth.company == scope.company_id)
        & (BillingMonth.state != "billed")).tuples()]
    if open_months:
        cond &= Charge.period.not_in(open_months)
    return cond


def billed_months(scope, first: dt.date, last: dt.date, as_of: dt.date) -> list[dt.date]:
    """The billed months from ``first`` to ``last`` (first days) that have charges."""
    q = (Charge.select(Charge.period).distinct()
         .where(billed_cond(scope, as_of) & (Charge.period >= month_start(first))
                & (Charge.period <= month_start(last)))
         .order_by(Charge.period).tuples())
    return [_day(p) for (p,) in q]


def charges_by_month(scope, first: dt.date, last: dt.date, as_of: dt.date) -> dict:
    """{month: billed charges of the month} for the months first..last."""
    q = (Charge.select(Charge.period, pw.fn.SUM(Charge.amount).coerce(False))
         .where(billed_cond(scope, as_of) & (Charge.period >= month_start(first))
                & (Charge.period <= month_start(last)))
         .group_by(Charge.period).tuples())
    return {_day(period): money_sum(total) for period, total in q}


def service_lines(scope, month: dt.date, as_of: dt.date) -> list[tuple[str, Decimal, int]]:
    """The billed month's charges as service lines: [(line key, amount, charge lines)],
    the line key a charge kind, or ``options`` for the options' fees."""
    is_option = Charge.option.is_null(False)
    q = (Charge.select(Charge.kind, is_option.alias("opt"),
                       pw.fn.SUM(Charge.amount).coerce(False), pw.fn.COUNT(Charge.id))
         .where(billed_cond(scope, as_of) & (Charge.period == month))
         .group_by(Charge.kind, is_option).order_by(Charge.kind).tuples())
    merged: dict[str, list] = {}
    for kind, opt, total, count in q:
        key = OPTION_LINE if opt else kind
        acc = merged.setdefault(key, [ZERO, 0])
        acc[0] += money_sum(total)
        acc[1] += int(count)
    return [(k, v[0], v[1]) for k, v in merged.items()]


def usage(scope, month: dt.date, tz=None) -> dict[str, Decimal]:
    """What the numbers used in the month, for the act's quantities: call minutes, SMS,
    megabytes (home network). Empty for a scope of whole accounts with no numbers."""
    from storage.models import Subscriber

    start, end = utc_bounds(month, month_end(month), tz)
    if scope.subscriber_ids:
        who = in_ids(CallRecord.subscriber, scope.subscriber_ids)
    else:
        who = CallRecord.subscriber.in_(
            Subscriber.select(Subscriber.id).where(in_ids(Subscriber.account, scope.account_ids)))
    q = (CallRecord.select(CallRecord.kind, pw.fn.COUNT(CallRecord.id),
                           pw.fn.SUM(CallRecord.duration_seconds), pw.fn.SUM(CallRecord.volume_kb))
         .where(who & (CallRecord.started_at >= start) & (CallRecord.started_at < end)
                & (CallRecord.direction == "out") & (CallRecord.roaming == False))  # noqa: E712
         .group_by(CallRecord.kind).tuples())
    out: dict[str, Decimal] = {}
    for kind, count, seconds, kb in q:
        if kind == "voice":
            out["calls"] = (Decimal(int(seconds or 0)) / 60).quantize(Decimal("0.01"))
        elif kind == "sms":
            out["sms"] = Decimal(int(count or 0))
        elif kind == "data":
            out["data"] = (Decimal(int(kb or 0)) / 1024).quantize(Decimal("0.01"))
    return out


def payments_in(scope, date_from: dt.date, date_to: dt.date, tz=None) -> list[tuple]:
    """The payments of the period grouped by payment order: [(local day, document no.,
    amount)] in date order (one line per payment order and day)."""
    start, end = utc_bounds(date_from, date_to, tz)
    q = (Payment.select(Payment.paid_at, Payment.document_no, Payment.amount)
         .where(scope.payment_cond() & (Payment.paid_at >= start) & (Payment.paid_at < end))
         .order_by(Payment.paid_at, Payment.id).tuples())
    lines: dict[tuple, Decimal] = {}
    for paid_at, number, amount in q:
        day = paid_at.astimezone(tz).date() if tz else paid_at.astimezone().date()
        key = (day, number or "")
        lines[key] = lines.get(key, ZERO) + Decimal(amount)
    return [(day, number, amount) for (day, number), amount in lines.items()]


def charges_sum(cond) -> Decimal:
    return money_sum(Charge.select(pw.fn.SUM(Charge.amount).coerce(False)).where(cond).scalar())


def payments_sum(cond) -> Decimal:
    return money_sum(Payment.select(pw.fn.SUM(Payment.amount).coerce(False)).where(cond).scalar())


def balance(scope) -> Decimal:
    return money_sum(PersonalAccount.select(pw.fn.SUM(PersonalAccount.balance).coerce(False))
                     .where(in_ids(PersonalAccount.id, scope.account_ids)).scalar())


def _day(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value
