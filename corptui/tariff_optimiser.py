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

The months are rated by ``_fast``: the engine's rules for that case (one tariff all month,
options all month) on records classified once, equal to the engine's own result (a test
checks every demo number, tariff and month); a tariff whose fees alone cost more than
the best so far (or than the current tariff less the threshold) is not rated at all.

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
from corptui.rating.plans import call_class, plan_of
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
    """A month's total by the rating engine itself (the reference ``_fast`` matches)."""
    name, fee, rates, _by_app = tariff
    lines, _costs = rate_month(days, [Segment(None, tid, name, fee, rates, days)], spans,
                               records, cache)
    return sum(line.amount for line in lines)


def _classified(records) -> list[tuple]:
    """A number-month's records with what does not depend on the tariff worked out once:
    (direction, kind, minutes, KB, roaming, zone, call class or None)."""
    out = []
    for _rid, _t, direction, kind, counterpart, dur, vol, roaming, zone in records:
        minutes = (dur + 59) // 60
        where = None
        if kind == "voice" and direction == "out" and not roaming:
            where = call_class(counterpart)
        out.append((direction, kind, minutes, vol, bool(roaming), zone or "world", where))
    return out


class _Priced:
    """A tariff with a set of options for a whole month (one segment, options connected
    all month: what the optimiser asks): the engine's prices (``plan_of``) and the
    month's bundles, fees and all, as the engine sets them up for that case."""

    __slots__ = ("plan", "fixed", "minutes", "sms", "kb", "roam")

    def __init__(self, tariff: tuple, opts: tuple, options: dict):
        _name, fee, rates, _by_app = tariff
        r = rates or {}
        self.plan = plan_of(rates, [options[o][2] for o in opts])
        self.fixed = fee + sum(options[o][1] for o in opts)
        self.minutes, self.sms = r.get("minutes", 0), r.get("sms", 0)
        self.kb = r.get("data_mb", 0) * 1024
        self.roam: dict[str, int] = {}
        for o in opts:
            o_rates = options[o][2] or {}
            self.minutes += o_rates.get("minutes", 0)
            self.sms += o_rates.get("sms", 0)
            self.kb += o_rates.get("data_mb", 0) * 1024
            for zone, mb in (o_rates.get("roaming_mb") or {}).items():
                self.roam[zone] = self.roam.get(zone, 0) + mb * 1024


def _fast(priced: _Priced, recs: list[tuple]) -> int:
    """The month's total of ``recs`` (``_classified``) on ``priced``: the engine's rules
    (corptui.rating.engine.rate_month) for one segment and options all month, record by
    record in time order; tests check it equals ``_cost`` on the demo's data."""
    plan = priced.plan
    total = priced.fixed
    minutes_left, sms_left, kb_left = priced.minutes, priced.sms, priced.kb
    roam_left = dict(priced.roam) if priced.roam else {}
    for direction, kind, minutes, vol, roaming, zone, where in recs:
        if roaming:
            prices = plan.roaming.get(zone) or plan.roaming.get("world") or {}
            if kind == "voice":
                total += minutes * prices.get("out" if direction == "out" else "in", 0)
            elif kind == "sms":
                if direction == "out":
                    total += prices.get("sms", 0)
            else:
                left = roam_left.get(zone, 0)
                used = min(left, vol)
                if used:
                    roam_left[zone] = left - used
                total += ((vol - used) * prices.get("mb", 0) + 512) // 1024
        elif kind == "voice":
            if direction != "out":
                total += minutes * plan.incoming
            elif where[0] == "international":
                total += minutes * plan.international.get(where[1], 0)
            else:
                price = plan.minute.get(where[1], 0)
                if price:
                    used = min(minutes_left, minutes)
                    minutes_left -= used
                    total += (minutes - used) * price
        elif kind == "sms":
            if direction == "out":
                if sms_left > 0:
                    sms_left -= 1
                else:
                    total += plan.sms_price
        elif not plan.data_unlimited:
            used = min(kb_left, vol)
            kb_left -= used
            total += ((vol - used) * plan.data_mb_price + 512) // 1024
    return total


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
        n = len(months)
        prices: dict[tuple, _Priced] = {}  # (tariff, options) -> its month's prices
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
                month_recs = [usage[i].get(sid) for i in range(n)]
                month_recs = [_classified(r) if r else None for r in month_recs]

                def priced_of(tid):
                    p = prices.get((tid, opts))
                    if p is None:
                        p = prices[(tid, opts)] = _Priced(tariffs[tid], opts, options)
                    return p

                now_costs = [_fast(priced_of(current), r) if r else priced_of(current).fixed
                             for r in month_recs]
                now_total = sum(now_costs)
                # a tariff can only be recommended if it costs less than this; its fees
                # alone are a lower bound of its cost (so most tariffs need no rating)
                bound = now_total - n * threshold_kop
                best, best_costs = None, None
                for tid in sorted(candidates, key=lambda t: (priced_of(t).fixed, t)):
                    p = priced_of(tid)
                    if n * p.fixed >= bound:
                        break  # sorted by fees: none after it can be cheaper either
                    t_costs = [_fast(p, r) if r else p.fixed for r in month_recs]
                    total = sum(t_costs)
                    if total < bound:
                        best, best_costs, bound = tid, t_costs, total
                if best is not None and (now_total - bound) // n > threshold_kop:
                    rows.append((sid, current, best, now_total // n, bound // n,
                                 (now_total - bound) // n,
                                 [{"month": m.strftime("%Y-%m"), "current": now_costs[i],
                                   "recommended": best_costs[i]}
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


def current(session, *, threshold=THRESHOLD) -> dict:
    """The findings as ``advice`` gives them, the optimiser run first when it has never
    run for the company or a month was closed since (a new billed month changes them)."""
    from storage.models import BillingMonth

    permissions.require(session, "read")
    last_run = (TariffAdvice.select(TariffAdvice.computed_at)
                .where(TariffAdvice.company == session.company_id)
                .order_by(TariffAdvice.computed_at.desc()).scalar())
    closed = (BillingMonth.select(BillingMonth.closed_at)
              .where((BillingMonth.company == session.company_id)
                     & BillingMonth.closed_at.is_null(False))
              .order_by(BillingMonth.closed_at.desc()).scalar())
    if last_run is None or (closed is not None and closed > last_run):
        optimise(session, threshold=threshold)
    return advice(session)


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
