"""The overview of a company: what the admin should look at after login.

Spend so far this month against last month by the same day; budget use per tag; numbers
over or near their limit (and blocked by it); the optimiser's monthly savings; idle
lines and paid options never used, with what they cost; documents ready; open disputes
and change applications.

The heavy figures (a pass over the month's charges, the call records and the limits:
seconds at 100,000 numbers) are kept in ``overview_snapshot`` with the version of the
data they were computed from (``version``: a handful of index lookups). ``figures``
returns the snapshot with ``stale`` set when the data moved since; the screen shows it
at once and has ``refresh`` compute the new one in the background, and the worker keeps
every company's snapshot fresh (``periodic_refresh``). The counts of documents, disputes
and applications are read live (``live``: small indexed counts)."""

from __future__ import annotations

import datetime as dt
import json
import weakref

import peewee as pw

from corptui import insights, limits, permissions, spend
from corptui.periods import add_months, month_start
from storage.db import atomic, database
from storage.fields import from_kopecks, utcnow
from storage.models import (
    AuditEntry,
    CallRecord,
    ChangeApplication,
    Charge,
    Company,
    Dispute,
    Document,
    OverviewSnapshot,
    Subscriber,
    TariffAdvice,
    Tag,
)

USAGE_KINDS = ("calls", "sms", "data", "roaming")  # the rest (fees) count from the 1st
IDLE_DAYS = insights.DEFAULT_DAYS
BUDGET_LINES = 3  # tags named on the overview (the most used budgets first)
READY_DAYS = 7  # documents made ready within these days are "ready"
PAYLOAD_VERSION = 1


# -- the data version -------------------------------------------------------------------

def version(company_id: int, today: dt.date | None = None) -> str:
    """Changes whenever a figure of the snapshot may have changed: charges arrive, calls
    arrive, anything is changed (every mutation writes an audit entry), the optimiser
    ran, or the day changed. Index lookups only (a few milliseconds)."""
    today = today or utcnow().date()
    parts = [
        PAYLOAD_VERSION, today.isoformat(),
        Charge.select(pw.fn.MAX(Charge.id)).where(Charge.company == company_id).scalar(),
        CallRecord.select(pw.fn.MAX(CallRecord.id)).scalar(),
        AuditEntry.select(pw.fn.MAX(AuditEntry.id)).where(AuditEntry.company == company_id)
        .scalar(),
        TariffAdvice.select(pw.fn.MAX(TariffAdvice.id))
        .where(TariffAdvice.company == company_id).scalar(),
    ]
    return ":".join("-" if p is None else str(p) for p in parts)


# -- the heavy figures ------------------------------------------------------------------

def _usage_to_day(company_id: int, month: dt.date, day: int) -> tuple[int, int]:
    """(kopecks of the month's call records up to the end of ``day``, of the whole month)."""
    start = dt.datetime.combine(month, dt.time(), dt.UTC)
    cut = start + dt.timedelta(days=day)
    end = dt.datetime.combine(add_months(month, 1), dt.time(), dt.UTC)
    early = pw.fn.SUM(pw.Case(None, [(CallRecord.started_at < cut, CallRecord.cost)], 0))
    q = (CallRecord.select(early.coerce(False), pw.fn.SUM(CallRecord.cost).coerce(False))
         .join(Subscriber, on=(CallRecord.subscriber == Subscriber.id))
         .where((Subscriber.company == company_id) & (CallRecord.started_at >= start)
                & (CallRecord.started_at < end)))
    to_day, whole = q.tuples().get()
    return int(to_day or 0), int(whole or 0)


def spend_to_day(company_id: int, month: dt.date, day: int) -> int:
    """What the company was charged for ``month`` by the end of its ``day``-th day, in
    kopecks: the month's fees (from its first day) and its usage charges in the share
    the call records of those days have in the month's records (by days when the records
    carry no cost)."""
    kinds = dict(Charge.select(Charge.kind, pw.fn.SUM(Charge.amount).coerce(False))
                 .where((Charge.company == company_id) & (Charge.period == month))
                 .group_by(Charge.kind).tuples())
    usage = sum(int(v or 0) for k, v in kinds.items() if k in USAGE_KINDS)
    fees = sum(int(v or 0) for k, v in kinds.items() if k not in USAGE_KINDS)
    days = (add_months(month, 1) - month).days
    day = min(max(day, 0), days)
    if day >= days:
        return fees + usage
    to_day, whole = _usage_to_day(company_id, month, day)
    share = (usage * to_day // whole) if whole else usage * day // days
    return fees + share


def _spend(company_id: int, today: dt.date) -> dict:
    month = month_start(today)
    prev = add_months(month, -1)
    prev_days = (month - prev).days
    return {"month": month.isoformat(), "day": today.day,
            "now": spend.company_total(company_id, month),
            "before": spend_to_day(company_id, prev, min(today.day, prev_days)),
            "previous_total": spend.company_total(company_id, prev)}


def _budgets(company_id: int, month: dt.date | None) -> dict:
    tags = list(Tag.select(Tag.id, Tag.name, Tag.budget)
                .where((Tag.company == company_id) & Tag.budget.is_null(False)).tuples())
    if not tags or month is None:
        return {"month": month.isoformat() if month else None, "rows": [], "over": 0,
                "with_budget": len(tags)}
    totals = spend.number_totals(company_id, month)
    per_tag, _count = spend.tag_totals(totals, spend._links(company_id))
    rows = []
    for tid, name, budget in tags:
        spent = from_kopecks(per_tag.get(tid, 0))
        rows.append({"tag_id": tid, "name": name, "budget": str(budget), "spent": str(spent),
                     "use": str(spend.use_percent(spent, budget))})
    rows.sort(key=lambda r: (-float(r["use"]), r["name"].casefold()))
    return {"month": month.isoformat(), "rows": rows, "with_budget": len(tags),
            "over": sum(1 for r in rows if float(r["use"]) > 100)}


def _limits(session) -> dict:
    states = limits.limit_states(session)
    out = {"over": [], "near": [], "blocked": []}
    for sid, state in states.items():
        out[state].append(sid)
    for ids in out.values():
        ids.sort()
    return out


def _savings(company_id: int) -> dict:
    rows = list(TariffAdvice.select(TariffAdvice.subscriber, TariffAdvice.saving,
                                    TariffAdvice.computed_at)
                .where(TariffAdvice.company == company_id).tuples())
    if not rows:
        return {"computed": False, "ids": [], "total": "0.00"}
    total = sum((r[1] for r in rows), start=from_kopecks(0))
    return {"computed": True, "ids": sorted(r[0] for r in rows), "total": str(total),
            "at": max(r[2] for r in rows).isoformat()}


def _idle(session) -> dict:
    lines = insights.unused_lines(session, days=IDLE_DAYS)
    options = insights.unused_options(session)
    return {"lines": {"ids": [r["subscriber_id"] for r in lines["lines"]],
                      "total": str(lines["total"]), "days": IDLE_DAYS},
            "options": {"count": len(options["lines"]),
                        "ids": sorted({r["subscriber_id"] for r in options["lines"]}),
                        "total": str(options["total"])}}


def build(session, today: dt.date | None = None) -> dict:
    """Compute the heavy figures now (seconds at 100,000 numbers): the snapshot payload."""
    permissions.require(session, "read")
    today = today or utcnow().date()
    cid = session.company_id
    return {"spend": _spend(cid, today),
            "budgets": _budgets(cid, spend.latest_month(cid, today)),
            "limits": _limits(session), "savings": _savings(cid), **_idle(session)}


def refresh(session, today: dt.date | None = None) -> dict:
    """Compute and keep the company's snapshot; returns it as ``figures`` does."""
    permissions.require(session, "read")
    today = today or utcnow().date()
    ver = version(session.company_id, today)
    payload = build(session, today)
    now = utcnow()
    with atomic():
        updated = (OverviewSnapshot.update(version=ver, computed_at=now, payload=payload)
                   .where(OverviewSnapshot.company == session.company_id).execute())
        if not updated:
            try:
                with atomic():
                    OverviewSnapshot.create(company=session.company_id, version=ver,
                                            computed_at=now, payload=payload)
            except pw.IntegrityError:  # another process made it meanwhile: ours wins
                OverviewSnapshot.update(version=ver, computed_at=now, payload=payload).where(
                    OverviewSnapshot.company == session.company_id).execute()
    return {"payload": payload, "computed_at": now, "stale": False}


def figures(session, today: dt.date | None = None) -> dict | None:
    """The kept snapshot: {"payload", "computed_at", "stale"}; None when there is none
    yet (``refresh`` makes it)."""
    permissions.require(session, "read")
    row = (OverviewSnapshot.select(OverviewSnapshot.version, OverviewSnapshot.computed_at,
                                   OverviewSnapshot.payload)
           .where(OverviewSnapshot.company == session.company_id).tuples().first())
    if row is None:
        return None
    ver, at, payload = row
    if isinstance(payload, str):
        payload = json.loads(payload)
    return {"payload": payload, "computed_at": at,
            "stale": ver != version(session.company_id, today)}


# -- the live counts --------------------------------------------------------------------

def live(session, now: dt.datetime | None = None) -> dict:
    """Documents ready (made within READY_DAYS) and in preparation, disputes open or in
    review, change applications not done: small indexed counts."""
    permissions.require(session, "read")
    now = now or utcnow()
    cid = session.company_id
    docs = dict(Document.select(Document.state, pw.fn.COUNT(Document.id))
                .where((Document.company == cid)
                       & (Document.created_at >= now - dt.timedelta(days=30)))
                .group_by(Document.state).tuples())
    ready = (Document.select().where((Document.company == cid) & (Document.state == "ready")
                                     & (Document.ready_at >= now - dt.timedelta(days=READY_DAYS)))
             .count())
    disputes = dict(Dispute.select(Dispute.status, pw.fn.COUNT(Dispute.id))
                    .where((Dispute.company == cid)
                           & Dispute.status.in_(("open", "in_review")))
                    .group_by(Dispute.status).tuples())
    apps = dict(ChangeApplication.select(ChangeApplication.status,
                                         pw.fn.COUNT(ChangeApplication.id))
                .where((ChangeApplication.company == cid)
                       & ChangeApplication.status.in_(("submitted", "in_progress")))
                .group_by(ChangeApplication.status).tuples())
    return {"documents_ready": ready,
            "documents_waiting": docs.get("queued", 0) + docs.get("preparing", 0),
            "documents_failed": docs.get("failed", 0),
            "disputes_open": disputes.get("open", 0),
            "disputes_in_review": disputes.get("in_review", 0),
            "applications_open": sum(apps.values())}


# -- the worker's hook ------------------------------------------------------------------

REFRESH_EVERY = 60.0  # seconds between two rebuilds of one company's snapshot
_LAST: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def periodic_refresh() -> int:
    """Rebuild the snapshot of every company whose data moved (at most once a minute
    each). Returns how many were rebuilt."""
    import time

    from corptui.session import Session

    last = _LAST.setdefault(database.obj, {})
    done = 0
    for (cid,) in Company.select(Company.id).tuples():
        if time.monotonic() - last.get(cid, -REFRESH_EVERY) < REFRESH_EVERY:
            continue
        last[cid] = time.monotonic()
        session = Session.system(cid, "overview", actor="worker")
        snap = figures(session)
        if snap is not None and not snap["stale"]:
            continue
        if snap is None and not Subscriber.select().where(Subscriber.company == cid).exists():
            continue
        refresh(session)
        done += 1
    return done


def _register() -> None:
    from corptui import jobs

    jobs.register_periodic("overview.refresh", periodic_refresh)


_register()
