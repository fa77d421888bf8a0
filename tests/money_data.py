"""Small, hand-made money data for the payments/charges/calls/export tests: two
companies (so that scoping can be checked), accounts, numbers, payments, charges, calls.
Times are chosen around month boundaries in Moscow time (UTC+3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from corptui.session import Session
from storage.models import CallRecord, Charge, Company, Payment, PersonalAccount, Subscriber
from storage.search import search_key

MSK = dt.timezone(dt.timedelta(hours=3))
UTC = dt.UTC
D = Decimal


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def build() -> dict:
    comp = Company.create(name="ООО «Ромашка»", inn="7707083893")
    acc1 = PersonalAccount.create(company=comp, number="100200300", name="Основной",
                                  balance=D("1500.25"))
    acc2 = PersonalAccount.create(company=comp, number="100200400", name="Филиал",
                                  balance=D("-20.00"))
    people = [("79261234567", "Ёлкин Пётр Ильич", acc1), ("79031112233", "=HYPERLINK(\"x\")", acc1),
              ("79990000000", "Смирнова Анна", acc2)]
    subs = [Subscriber.create(company=comp, account=a, msisdn=m, full_name=n,
                              search_text=search_key(n, "")) for m, n, a in people]
    other = Company.create(name="ИП Другой", inn="500100732259")
    oacc = PersonalAccount.create(company=other, number="900", balance=D("1.00"))
    osub = Subscriber.create(company=other, account=oacc, msisdn="79160000001", full_name="Чужой")

    s1, s2, s3 = subs
    payments = [
        # (company, account, subscriber, paid_at UTC, amount, type, doc)
        (comp, acc1, s1, utc(2024, 4, 30, 20, 59), D("100.00"), "card", "П-1"),  # 23:59 MSK Apr 30
        (comp, acc1, s1, utc(2024, 4, 30, 21, 0), D("250.50"), "bank_transfer", "П-2"),  # 00:00 MSK May 1
        (comp, acc1, s2, utc(2024, 5, 15, 9, 0), D("0.01"), "cash", "П-3"),
        (comp, acc2, s3, utc(2024, 5, 31, 20, 59), D("999.99"), "card", "П-4"),  # 23:59 MSK May 31
        (comp, acc2, None, utc(2024, 5, 31, 21, 0), D("5000.00"), "bank_transfer", "П-5"),  # Jun 1 MSK
        (comp, acc2, s3, utc(2024, 6, 10, 12, 0), D("-30.00"), "adjustment", "=SUM(A1)"),
        (comp, acc1, None, utc(2024, 3, 1, 7, 0), D("1234.56"), "promised", ""),
        (other, oacc, osub, utc(2024, 5, 10, 10, 0), D("777.77"), "card", "X-1"),
    ]
    pay = [Payment.create(company=c, account=a, subscriber=s, paid_at=t, amount=m, type=ty,
                          document_no=doc) for c, a, s, t, m, ty, doc in payments]
    charges = [
        # (account, subscriber, kind, period, amount)
        (acc1, s1, "subscription", dt.date(2024, 4, 1), D("990.00")),
        (acc1, s1, "calls", dt.date(2024, 4, 1), D("12.34")),
        (acc1, s1, "subscription", dt.date(2024, 5, 1), D("990.00")),
        (acc1, s1, "calls", dt.date(2024, 5, 1), D("45.67")),
        (acc1, s1, "roaming", dt.date(2024, 5, 1), D("1500.01")),
        (acc1, s2, "subscription", dt.date(2024, 5, 1), D("590.00")),
        (acc1, s2, "sms", dt.date(2024, 5, 1), D("3.30")),
        (acc2, s3, "subscription", dt.date(2024, 5, 1), D("590.00")),
        (acc2, s3, "data", dt.date(2024, 5, 1), D("0.99")),
        (acc2, None, "one_off", dt.date(2024, 5, 1), D("100.00")),
        (acc2, s3, "subscription", dt.date(2024, 6, 1), D("590.00")),
    ]
    for a, s, kind, period, amount in charges:
        Charge.create(company=comp, account=a, subscriber=s, kind=kind, period=period,
                      amount=amount, description=f"{kind} {period:%m.%Y}")
    Charge.create(company=other, account=oacc, subscriber=osub, kind="subscription",
                  period=dt.date(2024, 5, 1), amount=D("100000.00"))
    calls = [
        # (subscriber, started_at, direction, kind, counterpart, duration, kb, roaming, cost)
        (s1, utc(2023, 12, 31, 20, 30), "out", "voice", "79031112233", 60, 0, False, D("1.50")),  # Jan 1 MSK
        (s1, utc(2024, 1, 15, 8, 0), "in", "voice", "74951234567", 125, 0, False, D("0.00")),
        (s1, utc(2024, 2, 1, 10, 0), "out", "sms", "79990000000", 0, 0, False, D("2.00")),
        (s1, utc(2024, 3, 3, 3, 3), "out", "data", "", 0, 20480, True, D("350.75")),
        (s1, utc(2024, 12, 31, 20, 59), "out", "voice", "+79161234567", 30, 0, True, D("45.00")),
        (s1, utc(2024, 12, 31, 21, 0), "out", "voice", "79161234567", 30, 0, False, D("9.99")),  # 2025 MSK
        (s2, utc(2024, 5, 5, 5, 5), "out", "voice", "79261234567", 10, 0, False, D("0.10")),
        (osub, utc(2024, 5, 5, 5, 5), "out", "voice", "79261234567", 10, 0, False, D("5.00")),
    ]
    for s, t, d, k, cp, dur, kb, roam, cost in calls:
        CallRecord.create(subscriber=s, started_at=t, direction=d, kind=k, counterpart=cp,
                          duration_seconds=dur, volume_kb=kb, roaming=roam, cost=cost)
    return {
        "company": comp, "other": other, "accounts": (acc1, acc2), "subs": subs, "osub": osub,
        "oacc": oacc, "payments": pay,
        "session": Session.system(comp.id, "test"),
        "other_session": Session.system(other.id, "test"),
    }
