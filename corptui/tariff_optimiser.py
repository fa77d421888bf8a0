"""Tariff optimisation (issue 19): which tariff would have been cheaper for each number?

For every number of the company, its last three billed months (the company's three
latest closed months) are rated again by the rating engine (corptui.rating.engine, the
same code that makes the charges) on every tariff the number may have: a tariff still
offered, with prices, that no option connected to the number rules out (an
``incompatible_tariff`` rule: the same check as a tariff change). Each month is rated as
if the tariff had been in force all month, with the number's options of today (their
fees and bundles count on every tariff alike). The cheapest on average over the months
is recommended when it saves more than the threshold (default 50 ₽ a month); a tariff
"by application" is recommended too, marked so (its change goes through a change
application).

``optimise`` writes the findings (TariffAdvice, one row per number, replacing the
company's previous run) in one transaction; ``advice``, ``of_number`` and
``recommended_ids`` read them."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal

from corptui import permissions
from corptui.i18n import _
from corptui.periods import add_months, parse_amount
from corptui.rating.engine import OptionSpan, Segment, rate_month
from storage import bulk, rating_store
from storage.db import atomic, is_postgres
from storage.fields import from_kopecks, to_kopecks, utcnow
from storage.models import (
    Option,
    OptionRule,
    Subscriber,
    SubscriberOption,
    Tariff,
    TariffAdvice,
)

UTC = dt.UTC
THRESHOLD = Decimal("50.00")
MONTHS = 3
CHUNK = 5000
ADVICE_COLUMNS = ("company_id", "subscriber_id", "current_tariff_id", "tariff_id",
                  "current_cost", "cost", "saving", "months", "by_application", "computed_at")


def _months(company_id: int, count: int = MONTHS) -> list[dt.date]:
    from corptui.rating import billing

    return sorted(billing.billed_months(company_id))[-count:]


def _bound(day: dt.date):
    moment = dt.datetime.combine(day, dt.time(), UTC)
    if is_postgres():
        return moment.replace(tzinfo=None)
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _catalogue() -> tuple[dict[int, tuple], set[int]]:
    """id -> (name, fee kopecks, rates, by_application) of every tariff; the ids a
    number may move to (offered, with prices)."""
    tariffs, offered = {}, set()
    for tid, name, fee, rates, archived, by_app in Tariff.select(
            Tariff.id, Tariff.name, Tariff.monthly_fee, Tariff.rates, Tariff.archived,
            Tariff.by_application).tuples():
        tariffs[tid] = (name, to_kopecks(fee), rates, bool(by_app))
        if not archived and rates is not None:
            offered.add(tid)
    return tariffs, offered


def _options(ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    for i in range(0, len(ids), CHUNK):
        for sid, oid in (SubscriberOption.select(SubscriberOption.subscriber,
                                                 SubscriberOption.option)
                         .where(SubscriberOption.subscriber.in_(ids[i:i + CHUNK])
                                & (SubscriberOption.state == "active")).tuples()):
            out[sid].append(oid)
    return out


def _cost(days: int, tariff: tuple, tid: int, spans: list, records, cache: dict) -> int:
    name, fee, rates, _by_app = tariff
    lines, _costs = rate_month(days, [Segment(None, tid, name, fee, rates, days)], spans,
                               records, cache)
    return sum(line.amount for line in lines)


def optimise(session, *, threshold=THRESHOLD, progress=None) -> dict:
    """Rate the company's numbers' last billed months on every tariff they may have and
    write the recommendations (replacing the previous run). Returns {"months",
    "numbers", "advised", "total"} (total: Decimal, the monthly savings)."""
    permissions.require(session, "read")
    threshold_kop = to_kopecks(parse_amount(threshold, "threshold") if not isinstance(
        threshold, Decimal) else threshold)
    company_id = session.company_id
    months = _months(company_id)
    tariffs, offered = _catalogue()
    banned: dict[int, set[int]] = defaultdict(set)  # option -> tariffs it rules out
    for oid, tid in (OptionRule.select(OptionRule.option, OptionRule.tariff)
                     .where(OptionRule.kind == "incompatible_tariff").tuples()):
        banned[oid].add(tid)
    options = {oid: (name, to_kopecks(fee), rates) for oid, name, fee, rates in
               Option.select(Option.id, Option.name, Option.monthly_fee, Option.rates).tuples()}
    subs = list(Subscriber.select(Subscriber.id, Subscriber.tariff, Subscriber.status)
                .where(Subscriber.company == company_id).order_by(Subscriber.id).tuples())
    rows = []
    if months:
        spans_of = _options([s[0] for s in subs])
        cache: dict = {}
        days = [(add_months(m, 1) - m).days for m in months]
        empty: dict[tuple, int] = {}  # (tariff, options, days) -> a month's cost without use
        for c in range(0, len(subs), CHUNK):
            chunk = subs[c:c + CHUNK]
            lo, hi = chunk[0][0], chunk[-1][0]
            mine = {s[0] for s in chunk}
            usage: list[dict[int, list]] = []
            for m in months:
                per: dict[int, list] = defaultdict(list)
                for r in rating_store.month_records(lo, hi, _bound(m), _bound(add_months(m, 1))):
                    if r[1] in mine:
                        per[r[1]].append((r[0], r[2], r[3], r[4], r[5], r[6], r[7], r[8],
                                          r[9]))
                usage.append(per)
            for sid, current, status in chunk:
                if current is None or status != "active":
                    continue
                opts = tuple(spans_of.get(sid, ()))
                rule_out = set().union(*(banned[o] for o in opts)) if opts else set()
                candidates = [t for t in offered if t not in rule_out and t != current]
                if not candidates:
                    continue
                costs: dict[int, list[int]] = {}
                for tid in (current, *candidates):
                    month_costs = []
                    for i, m_days in enumerate(days):
                        records = usage[i].get(sid)
                        key = (tid, opts, m_days)
                        if records is None and key in empty:  # a month without use
                            month_costs.append(empty[key])
                            continue
                        spans = [OptionSpan(o, options[o][0], None, None, options[o][1], 0,
                                            options[o][2], m_days) for o in opts]
                        cost = _cost(m_days, tariffs[tid], tid, spans, records or (), cache)
                        if records is None:
                            empty[key] = cost
                        month_costs.append(cost)
                    costs[tid] = month_costs
                best = min(candidates, key=lambda t: (sum(costs[t]), t))
                now_total, best_total = sum(costs[current]), sum(costs[best])
                n = len(months)
                saving = (now_total - best_total) // n
                if saving > threshold_kop:
                    rows.append((sid, current, best, now_total // n, best_total // n, saving,
                                 [{"month": m.strftime("%Y-%m"), "current": costs[current][i],
                                   "recommended": costs[best][i]}
                                  for i, m in enumerate(months)],
                                 tariffs[best][3]))
            if progress:
                progress(min(c + CHUNK, len(subs)), len(subs))
    now = utcnow()
    stamp = bulk.time_value(now)
    with atomic():
        TariffAdvice.delete().where(TariffAdvice.company == company_id).execute()
        for i in range(0, len(rows), 5000):
            bulk.insert_rows("tariff_advice", ADVICE_COLUMNS, [
                (company_id, sid, cur, best, c_cost, b_cost, saving, json.dumps(detail),
                 bool(by_app), stamp)
                for sid, cur, best, c_cost, b_cost, saving, detail, by_app in rows[i:i + 5000]])
    total = from_kopecks(sum(r[5] for r in rows))
    return {"months": months, "numbers": len(subs), "advised": len(rows), "total": total}


def _row(values, names) -> dict:
    (sid, msisdn, employee, cur, best, c_cost, b_cost, saving, months, by_app, at) = values
    return {"subscriber_id": sid, "msisdn": msisdn, "employee": employee,
            "current_tariff": names.get(cur, ""), "recommended_tariff": names.get(best, ""),
            "current_cost": c_cost, "recommended_cost": b_cost, "saving": saving,
            "months": [{"month": m["month"], "current": from_kopecks(m["current"]),
                        "recommended": from_kopecks(m["recommended"])} for m in months],
            "by_application": bool(by_app), "computed_at": at}


def _query(session):
    return (TariffAdvice.select(TariffAdvice.subscriber, Subscriber.msisdn, Subscriber.full_name,
                                TariffAdvice.current_tariff, TariffAdvice.tariff,
                                TariffAdvice.current_cost, TariffAdvice.cost,
                                TariffAdvice.saving, TariffAdvice.months,
                                TariffAdvice.by_application, TariffAdvice.computed_at)
            .join(Subscriber, on=(TariffAdvice.subscriber == Subscriber.id))
            .where((TariffAdvice.company == session.company_id)
                   & (Subscriber.company == session.company_id)))


def advice(session, limit: int | None = None) -> dict:
    """{"rows": [...], "total": Decimal a month, "count"} of the last run, the biggest
    saving first."""
    permissions.require(session, "read")
    names = dict(Tariff.select(Tariff.id, Tariff.name).tuples())
    q = _query(session).order_by(TariffAdvice.saving.desc(), Subscriber.msisdn)
    rows = [_row(v, names) for v in q.tuples()]
    total = sum((r["saving"] for r in rows), start=Decimal("0.00"))
    if limit is not None:
        rows = rows[:limit]
    return {"rows": rows, "total": total, "count": len(rows)}


def of_number(session, subscriber_id: int) -> dict | None:
    """The recommendation for one number (for its card), or None."""
    permissions.require(session, "read")
    names = dict(Tariff.select(Tariff.id, Tariff.name).tuples())
    v = _query(session).where(TariffAdvice.subscriber == subscriber_id).tuples().first()
    return _row(v, names) if v else None


def recommended_ids(session) -> list[int]:
    """The numbers with a recommendation ("Select recommended" in the numbers console)."""
    permissions.require(session, "read")
    return [r[0] for r in _query(session).order_by(Subscriber.msisdn).tuples()]


def summary_text(result: dict) -> str:
    months = ", ".join(m.strftime("%Y-%m") for m in result["months"]) or _("none")
    return _("{advised} of {numbers} numbers would save on another tariff; billed months "
             "used: {months}").format(advised=result["advised"], numbers=result["numbers"],
                                      months=months)
