"""The company's personal accounts with their figures, in four grouped queries (accounts,
numbers per account, this month's charges per account, last payment per account) however
many accounts there are."""

from __future__ import annotations

import datetime as dt

import peewee as pw

from corptui import permissions
from corptui.errors import NotFound
from corptui.i18n import _
from corptui.periods import money_sum, month_start
from storage.models import Charge, Payment, PersonalAccount, Subscriber

FIELDS = ("id", "number", "name", "balance", "numbers", "month_charges",
          "last_payment_at", "last_payment_amount")


def list_accounts(session, today: dt.date | None = None) -> list[dict]:
    """Every account of the company ordered by number: balance, count of numbers, the
    charges of the month of ``today`` and the last payment (date and amount, or None)."""
    permissions.require(session, "read")
    company = session.company_id
    month = month_start(today or dt.date.today())
    accounts = list(PersonalAccount.select(PersonalAccount.id, PersonalAccount.number,
                                           PersonalAccount.name, PersonalAccount.balance)
                    .where(PersonalAccount.company == company)
                    .order_by(PersonalAccount.number).tuples())
    counts = dict(Subscriber.select(Subscriber.account, pw.fn.COUNT(Subscriber.id))
                  .where(Subscriber.company == company)
                  .group_by(Subscriber.account).tuples())
    charges = dict(Charge.select(Charge.account, pw.fn.SUM(Charge.amount).coerce(False))
                   .where((Charge.company == company) & (Charge.period == month))
                   .group_by(Charge.account).tuples())
    last = _last_payments(company)
    out = []
    for aid, number, name, balance in accounts:
        paid_at, amount = last.get(aid, (None, None))
        out.append({"id": aid, "number": number, "name": name, "balance": balance,
                    "numbers": int(counts.get(aid, 0)),
                    "month_charges": money_sum(charges.get(aid)),
                    "last_payment_at": paid_at, "last_payment_amount": amount})
    return out


def _last_payments(company_id: int) -> dict:
    """{account id: (paid_at, amount)} of each account's latest payment (ties: the
    highest id), via the (account, paid_at) index."""
    latest = (Payment.select(Payment.account.alias("acc"),
                             pw.fn.MAX(Payment.paid_at).alias("at"))
              .where(Payment.company == company_id)
              .group_by(Payment.account).alias("latest"))
    q = (Payment.select(Payment.account, Payment.paid_at, Payment.amount, Payment.id)
         .join(latest, on=((Payment.account == latest.c.acc) & (Payment.paid_at == latest.c.at)))
         .where(Payment.company == company_id)
         .order_by(Payment.account, Payment.id))
    out = {}
    for acc, paid_at, amount, _pid in q.tuples():
        out[acc] = (paid_at, amount)  # the last id of a tie wins
    return out


def get_account(session, number: str) -> dict:
    """One account's row (as in list_accounts) by its number."""
    for row in list_accounts(session):
        if row["number"] == number:
            return row
    raise NotFound(_("no personal account {number} in this company").format(number=number))
