"""Rating a company's month in the database, month states and the month close.

The hot path (FACTS.md): the company's numbers are taken in id ranges of CHUNK; each
range's records of the month are read in one query in (number, time) order, rated by
``engine.rate_month`` per number, and only what changed is written back in batches
(records' cost and charge line, lines' amounts); new lines get ids first so records can
point to them. The whole month is one transaction: a failure leaves the old figures."""

from __future__ import annotations

import datetime as dt
import weakref
from collections import defaultdict

from corptui import audit
from corptui.errors import Conflict, ValidationError
from corptui.i18n import _
from corptui.periods import add_months, month_start
from corptui.rating.engine import OptionSpan, Segment, rate_month
from storage import rating_store
from storage.bulk import time_value
from storage.db import atomic, database, is_postgres
from storage.fields import utcnow
from storage.models import AuditEntry, BillingMonth, Company, Option, Subscriber, Tariff, TariffHistory

UTC = dt.UTC
CHUNK = 5000
IN_PROGRESS, BILLED = "in_progress", "billed"


def parse_month(value) -> dt.date:
    """'2026-10' / '2026-10-01' / a date -> the month's first day (ValidationError)."""
    if isinstance(value, dt.datetime):
        return month_start(value.date())
    if isinstance(value, dt.date):
        return month_start(value)
    text = str(value or "").strip()
    try:
        if len(text) == 7:
            return dt.date(int(text[:4]), int(text[5:7]), 1)
        return month_start(dt.date.fromisoformat(text))
    except ValueError:
        pass
    raise ValidationError(_("month: not a month: {value!r} (use YYYY-MM)").format(
        value=text[:20]), "month")


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), UTC)


def _aware(value) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _day_index(moment: dt.datetime, month: dt.date) -> int:
    """Days of the month before ``moment``'s day (a partial day counts as in force)."""
    return (moment.date() - month).days


def month_state(company_id: int, month) -> str | None:
    """"in_progress", "billed", or None (never rated)."""
    row = BillingMonth.get_or_none((BillingMonth.company == company_id)
                                   & (BillingMonth.month == parse_month(month)))
    return row.state if row else None


def billed_months(company_id: int) -> set[dt.date]:
    return {m if isinstance(m, dt.date) else dt.date.fromisoformat(str(m)[:10])
            for (m,) in BillingMonth.select(BillingMonth.month).where(
                (BillingMonth.company == company_id) & (BillingMonth.state == BILLED)).tuples()}


def months(company_id: int) -> list[dict]:
    """The company's rated months, newest first: month, state, rated_at, closed_at."""
    q = (BillingMonth.select().where(BillingMonth.company == company_id)
         .order_by(BillingMonth.month.desc()))
    return [{"month": r.month if isinstance(r.month, dt.date) else
             dt.date.fromisoformat(str(r.month)[:10]), "state": r.state,
             "rated_at": r.rated_at, "closed_at": r.closed_at} for r in q]


def _segments(month, days, start, end, tariffs, current, history):
    """The tariff segments of a number's month from its history rows (valid_from
    aware, tariff id, previous id), oldest first."""
    before = [h for h in history if h[0] <= start]
    inside = [h for h in history if start < h[0] < end]
    if before:
        first = before[-1][1]
    elif history:
        first = history[0][2]
    else:
        first = current
    out = []
    tid, from_day, from_t = first, 0, None
    for valid_from, new_tid, _prev in inside:
        day = _day_index(valid_from, month)
        out.append((tid, from_t, day - from_day))
        tid, from_day, from_t = new_tid, day, valid_from
    out.append((tid, from_t, days - from_day))
    segs = []
    for tid, t, n in out:
        code, name, fee, rates = tariffs.get(tid, (None, "", 0, None))
        segs.append(Segment(None if t is None else time_value(t), tid if code else None,
                            name, fee, rates, n))
    return segs


def _spans(month, days, start, end, options, rows):
    spans = []
    for oid, c_from, c_until in rows:
        name, fee, cfee, rates = options[oid]
        lo = max(c_from, start)
        hi = end if c_until is None else min(c_until, end)
        first_day = _day_index(lo, month)
        last_day = _day_index(hi, month) + (0 if hi.time() == dt.time() else 1)
        spans.append(OptionSpan(
            oid, name, None if c_from <= start else time_value(c_from),
            None if c_until is None or c_until >= end else time_value(c_until),
            fee, cfee, rates, max(0, min(days, last_day) - first_day),
            connected_here=c_from >= start))
    return spans


def rate_company_month(company_id: int, month, *, now: dt.datetime | None = None) -> dict:
    """Rate (again) the company's month: every number's fee shares, option fees,
    connection fees and usage lines, every record's cost and line. Refused for a billed
    month. The month becomes "in progress" if it was not rated. Returns counts."""
    month = parse_month(month)
    nxt = add_months(month, 1)
    days = (nxt - month).days
    start, end = _moment(month), _moment(nxt)
    now = now or utcnow()
    stats = {"numbers": 0, "records": 0, "records_written": 0, "lines_new": 0,
             "lines_changed": 0, "lines_removed": 0, "total": 0}
    with atomic():
        row = (BillingMonth.select().where((BillingMonth.company == company_id)
                                           & (BillingMonth.month == month)).first())
        if is_postgres():
            database.execute_sql("SELECT pg_advisory_xact_lock(42019, %s)", (company_id,))
        if row is not None and row.state == BILLED:
            raise Conflict(_("{month} is billed (closed): it is never rated again").format(
                month=month.strftime("%Y-%m")))
        tariffs = {tid: (code, name, int(fee * 100) if fee is not None else 0, rates)
                   for tid, code, name, fee, rates in Tariff.select(
                       Tariff.id, Tariff.code, Tariff.name, Tariff.monthly_fee,
                       Tariff.rates).tuples()}
        options = {oid: (name, int(fee * 100), int(cfee * 100), rates)
                   for oid, name, fee, cfee, rates in Option.select(
                       Option.id, Option.name, Option.monthly_fee, Option.connection_fee,
                       Option.rates).tuples()}
        subs = database.execute_sql(
            f"SELECT id, account_id, tariff_id FROM subscriber WHERE company_id = {_p()} "
            "ORDER BY id", (company_id,)).fetchall()
        history: dict[int, list] = defaultdict(list)
        for sid, vf, tid, prev in (TariffHistory.select(
                TariffHistory.subscriber, TariffHistory.valid_from, TariffHistory.tariff,
                TariffHistory.previous)
                .join(Subscriber).where(Subscriber.company == company_id)
                .order_by(TariffHistory.subscriber, TariffHistory.valid_from,
                          TariffHistory.id).tuples()):
            history[sid].append((vf, tid, prev))
        opt_rows: dict[int, list] = defaultdict(list)
        p = _p()
        for sid, oid, c_from, c_until in database.execute_sql(
                "SELECT so.subscriber_id, so.option_id, so.connected_from, so.connected_until "
                "FROM subscriber_option so JOIN subscriber s ON s.id = so.subscriber_id "
                f"WHERE s.company_id = {p} AND so.connected_from < {p} AND "
                f"(so.connected_until IS NULL OR (so.connected_until > {p} AND "
                "so.connected_until > so.connected_from)) ORDER BY so.id",
                (company_id, time_value(end), time_value(start))).fetchall():
            opt_rows[sid].append((oid, _aware(c_from),
                                  None if c_until is None else _aware(c_until)))
        existing: dict[int, dict] = defaultdict(dict)
        for cid, sid, kind, oid, desc, amount in rating_store.month_charges(
                company_id, _day(month)):
            key = (kind, oid, desc or "")
            if key in existing[sid]:  # a duplicate line (older data): removed
                stats["lines_removed"] += 1
                rating_store.delete_charges([cid])
                continue
            existing[sid][key] = (cid, amount)
        created = time_value(now)
        period = _day(month)
        s_start, s_end = time_value(start), time_value(end)
        plan_cache: dict = {}
        for i in range(0, len(subs), CHUNK):
            chunk = subs[i:i + CHUNK]
            lo, hi = chunk[0][0], chunk[-1][0]
            records: dict[int, list] = defaultdict(list)
            for rec in rating_store.month_records(lo, hi, s_start, s_end):
                records[rec[1]].append(rec)
            new_rows, amount_rows, dead, rec_rows, link_rows = [], [], [], [], []
            pending = []  # (sid, account, lines, costs, olds)
            need = 0
            for sid, account, tariff_id in chunk:
                recs = records.get(sid, ())
                segs = _segments(month, days, start, end, tariffs, tariff_id,
                                 [(_aware(v), t, pv) for v, t, pv in history.get(sid, ())])
                spans = _spans(month, days, start, end, options, opt_rows.get(sid, ()))
                lines, costs = rate_month(days, segs, spans, (
                    (r[0], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9]) for r in recs),
                    plan_cache)
                old = existing.pop(sid, {})
                need += sum(1 for ln in lines if ln.key not in old)
                pending.append((sid, account, lines, costs, old, recs))
            fresh = iter(rating_store.new_charge_ids(need))
            for sid, account, lines, costs, old, recs in pending:
                stats["numbers"] += 1
                ids = []
                for ln in lines:
                    hit = old.pop(ln.key, None)
                    if hit is None:
                        cid = next(fresh)
                        new_rows.append((cid, company_id, account, sid, ln.kind, period,
                                         ln.amount, ln.description, ln.option_id, created))
                    else:
                        cid = hit[0]
                        if hit[1] != ln.amount:
                            amount_rows.append((cid, ln.amount))
                    ids.append(cid)
                    stats["total"] += ln.amount
                dead.extend(cid for cid, _a in old.values())
                for rec, (_rid, cost, index) in zip(recs, costs, strict=True):
                    cid = ids[index]
                    if rec[10] != cost:
                        rec_rows.append((rec[0], cost, cid))
                    elif rec[11] != cid:
                        link_rows.append((rec[0], cid))
                stats["records"] += len(recs)
            rating_store.insert_charges(new_rows)
            rating_store.update_charge_amounts(amount_rows)
            rating_store.delete_charges(dead)
            rating_store.update_records(rec_rows)
            rating_store.update_record_links(link_rows)
            stats["lines_new"] += len(new_rows)
            stats["lines_changed"] += len(amount_rows)
            stats["lines_removed"] += len(dead)
            stats["records_written"] += len(rec_rows) + len(link_rows)
        # lines of numbers no longer in the company
        leftover = [cid for lines in existing.values() for cid, _a in lines.values()]
        rating_store.delete_charges(leftover)
        stats["lines_removed"] += len(leftover)
        if row is None:
            BillingMonth.create(company=company_id, month=month, state=IN_PROGRESS,
                                rated_at=now)
        else:
            BillingMonth.update(rated_at=now).where(BillingMonth.id == row.id).execute()
    return stats


def _p() -> str:
    return "%s" if is_postgres() else "?"


def _day(month: dt.date):
    return month if is_postgres() else month.isoformat()


def close_month(company_id: int, month, *, actor: str = "cli", now=None,
                rate: bool = True) -> dict:
    """Rate the month a last time and make it billed (fixed). Refused for the current
    or a future month, and for a billed one. ``rate=False``: the caller has just rated
    it (the demo's history)."""
    month = parse_month(month)
    now = now or utcnow()
    if add_months(month, 1) > now.date():
        raise ValidationError(_("month: {month} is not over yet: only a past month can be "
                                "closed").format(month=month.strftime("%Y-%m")), "month")
    with atomic():
        if rate:
            stats = rate_company_month(company_id, month, now=now)
        else:
            if month_state(company_id, month) == BILLED:
                raise Conflict(_("{month} is billed (closed): it is never rated again")
                               .format(month=month.strftime("%Y-%m")))
            stats = {"total": 0}
        BillingMonth.update(state=BILLED, closed_at=now, closed_by=actor[:100]).where(
            (BillingMonth.company == company_id) & (BillingMonth.month == month)).execute()
        from corptui.session import Session

        entry = audit.record(Session.system(company_id, f"months close {month:%Y-%m}", actor),
                             "months.close", "month", month.strftime("%Y-%m"), None,
                             {"state": BILLED, "total": stats["total"]})
        AuditEntry.update(at=now).where(AuditEntry.id == entry.id).execute()  # its time
    return stats


def rate_open_months(company_id: int, *, now=None, current: bool = True) -> list[dt.date]:
    """Rate every month of the company from its first record's month that is not billed
    (the current month accrues this way; ``current=False`` leaves it out). Returns the
    months rated."""
    now = now or utcnow()
    billed = billed_months(company_id)
    p = _p()
    lo = database.execute_sql(
        "SELECT MIN(c.started_at) FROM call_record c JOIN subscriber s ON "
        f"s.id = c.subscriber_id WHERE s.company_id = {p}", (company_id,)).fetchone()[0]
    first = month_start(_aware(lo).date()) if lo else month_start(now.date())
    out = []
    m = first
    this = month_start(now.date())
    while m < this or (current and m == this):
        if m not in billed:
            rate_company_month(company_id, m, now=now)
            out.append(m)
        m = add_months(m, 1)
    return out


def settle_history(company_id: int, *, now=None, actor: str = "seed",
                   current: bool = True) -> list[dt.date]:
    """The demo's months: every month from the first record's to the current one rated,
    the past ones closed (billed), the current one left in progress (``current=False``:
    not rated yet, as on a month's first day). Returns the months rated."""
    now = now or utcnow()
    this = month_start(now.date())
    done = rate_open_months(company_id, now=now, current=current)
    for m in done:
        if m < this:
            close_month(company_id, m, actor=actor, now=now, rate=False)
    return done


def company_ids() -> list[int]:
    return [c for (c,) in Company.select(Company.id).order_by(Company.id).tuples()]


# -- the worker's hook: the month in progress accrues as records arrive ----------------

# (database -> {company id: version} of the last rating)
_LAST: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _version(company_id: int) -> tuple:
    p = _p()
    one = lambda sql, *a: database.execute_sql(sql, a).fetchone()[0]  # noqa: E731
    return (one("SELECT MAX(c.id) FROM call_record c JOIN subscriber s ON "
                f"s.id = c.subscriber_id WHERE s.company_id = {p}", company_id),
            one("SELECT MAX(so.id) FROM subscriber_option so JOIN subscriber s ON "
                f"s.id = so.subscriber_id WHERE s.company_id = {p}", company_id),
            one("SELECT MAX(id) FROM tariff_history"), one("SELECT COUNT(*) FROM subscriber "
                                                          f"WHERE company_id = {p}", company_id),
            one("SELECT MAX(id) FROM audit_entry WHERE action = 'tariffs.set'"))


def accrue(now: dt.datetime | None = None) -> dict[int, list]:
    """Rate the current month (and the month before, while it is not billed: records
    come late) of every company whose records, options, tariffs or numbers changed
    since the last run. Returns {company id: months rated}."""
    now = now or utcnow()
    seen = _LAST.setdefault(database.obj, {})
    this = month_start(now.date())
    out = {}
    for cid in company_ids():
        version = (_version(cid), this)
        if seen.get(cid) == version:
            continue
        billed = billed_months(cid)
        done = []
        for m in (add_months(this, -1), this):
            if m not in billed and (m == this or month_state(cid, m) is not None):
                rate_company_month(cid, m, now=now)
                done.append(m)
        seen[cid] = version
        out[cid] = done
    return out


def _register() -> None:
    from corptui import jobs

    jobs.register_periodic("rating.accrue", accrue)


_register()
