"""The figures of the documents, from the ledger: the reconciliation act's balances and
turnovers, the service lines of a billed month with their VAT.

Reconciliation act: a billed charge belongs to the month it is billed for
(``Charge.period``), counted when its month lies in [month of date_from, month of
date_to]; payments count by their local calendar day. For a scope of whole accounts the
balances are anchored to the accounts' current balance (closing = balance now -
payments after the period + charges after it + charges not billed yet; opening =
closing - payments in + charges in). For a scope of numbers (a number has no balance of
its own) the opening balance is the numbers' turnover before the period (payments -
billed charges), and closing = opening + payments - charges. A positive balance is the
customer's advance, a negative one its debt.

VAT: the ledger's amounts include VAT; the rate is the one in force on the document's
date (20% to 2025, 22% from 1 January 2026), the tax is rate/(100+rate) of the amount,
to the kopeck, half up."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from corptui.documents import ledger
from corptui.periods import month_end, month_start, months_between, utc_bounds
from storage.models import Charge, Payment

ZERO = Decimal("0.00")
VAT_RATES = ((dt.date(2019, 1, 1), Decimal(20)), (dt.date(2026, 1, 1), Decimal(22)))


def vat_rate(on: dt.date) -> Decimal:
    rate = VAT_RATES[0][1]
    for since, value in VAT_RATES:
        if on >= since:
            rate = value
    return rate


def vat_of(gross: Decimal, rate: Decimal) -> Decimal:
    """The VAT included in a gross amount."""
    return (gross * rate / (100 + rate)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def reconciliation(session, scope, date_from: dt.date, date_to: dt.date,
                   tz: dt.tzinfo | None = None, progress=None,
                   as_of: dt.date | None = None) -> dict:
    """Opening balance, per month billed charges and payments, totals, closing balance
    (see the module doc for the rules)."""
    as_of = as_of or dt.date.today()
    first, last = month_start(date_from), month_start(date_to)
    billed = ledger.billed_cond(scope, as_of)
    pcond = scope.payment_cond()
    charged = ledger.charges_by_month(scope, first, last, as_of)
    months = []
    all_months = months_between(first, last)
    for i, month in enumerate(all_months):
        lo, hi = utc_bounds(max(month, date_from), min(month_end(month), date_to), tz)
        paid = ledger.payments_sum(pcond & (Payment.paid_at >= lo) & (Payment.paid_at < hi))
        months.append({"month": month, "charges": charged.get(month, ZERO), "payments": paid})
        if progress:
            progress(10 + int(60 * (i + 1) / len(all_months)))
    charges_in = sum((m["charges"] for m in months), ZERO)
    payments_in = sum((m["payments"] for m in months), ZERO)
    start, end = utc_bounds(date_from, date_to, tz)
    if scope.subscriber_ids:
        opening = (ledger.payments_sum(pcond & (Payment.paid_at < start))
                   - ledger.charges_sum(billed & (Charge.period < first)))
        closing = opening + payments_in - charges_in
        basis = "numbers"
    else:
        ccond = scope.charge_cond()
        after = (ledger.payments_sum(pcond & (Payment.paid_at >= end))
                 - ledger.charges_sum(ccond & (Charge.period > last)))
        unbilled = (ledger.charges_sum(ccond & (Charge.period <= last))
                    - ledger.charges_sum(billed & (Charge.period <= last)))
        closing = ledger.balance(scope) - after + unbilled
        opening = closing - payments_in + charges_in
        basis = "accounts"
    return {"opening": opening, "months": months, "charges": charges_in,
            "payments": payments_in, "closing": closing, "basis": basis}


def service_lines(scope, month: dt.date, as_of: dt.date, tz=None) -> list[dict]:
    """A billed month's services: [{key, amount, count, quantity, unit}] where quantity
    and unit come from usage (minutes, SMS, MB), the number-months of the subscription
    fees, or 1 conventional unit."""
    used = ledger.usage(scope, month, tz)
    out = []
    for key, amount, count in ledger.service_lines(scope, month, as_of):
        if key in ("calls", "sms", "data") and used.get(key):
            quantity, unit = used[key], key
        elif key == "subscription":
            quantity, unit = Decimal(count), "month"
        else:
            quantity, unit = Decimal(1), "unit"
        out.append({"key": key, "amount": amount, "count": count, "quantity": quantity,
                    "unit": unit})
    return out
