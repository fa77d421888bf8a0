"""The overview's figures (corptui.overview) on both engines: spend against last month
by the same day (a hand calculation), budgets, limits, idle lines, live counts, and the
kept snapshot going stale when the data moves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from numbers_core_data import build

from corptui import limits, overview, spend
from storage.models import (
    CallRecord,
    ChangeApplication,
    Charge,
    Dispute,
    Document,
    TariffAdvice,
    Tariff,
)

SEP, OCT = dt.date(2026, 9, 1), dt.date(2026, 10, 1)
TODAY = dt.date(2026, 10, 15)


def _charge(d, sub, period, kind, amount):
    return Charge.create(company=d["company"], account=d["account"], subscriber=sub,
                         kind=kind, period=period, amount=amount)


def _call(sub, day: dt.date, cost: str, hour: int = 12):
    CallRecord.create(subscriber=sub, started_at=dt.datetime.combine(
        day, dt.time(hour), dt.UTC), direction="out", kind="voice", duration_seconds=60,
        cost=cost)


@pytest.fixture
def data(db):
    d = build()
    s = d["subs"]
    # September: fees 300, usage 200; the records: 30 by the 15th, 60 in the month
    _charge(d, s[0], SEP, "subscription", "300.00")
    _charge(d, s[0], SEP, "calls", "200.00")
    _call(s[0], dt.date(2026, 9, 3), "10.00")
    _call(s[0], dt.date(2026, 9, 15), "20.00", hour=23)  # the 15th counts whole
    _call(s[0], dt.date(2026, 9, 16), "30.00", hour=0)
    # October so far: 450 on three numbers, sub 1 over its limit, sub 2 near
    _charge(d, s[0], OCT, "subscription", "300.00")
    _charge(d, s[1], OCT, "calls", "120.00")
    _charge(d, s[2], OCT, "calls", "30.00")
    limits.set_limits(d["session"], [s[1].id], amount="100", action="block")
    limits.set_limits(d["session"], [s[2].id], amount="35")
    spend.set_budget(d["session"], "Продажи", "400")
    return d


def test_last_month_by_the_same_day_by_hand(data):
    cid = data["company"].id
    # fees whole (300) + usage 200 in the records' share by the 15th (30 of 60)
    assert overview.spend_to_day(cid, SEP, 15) == 40000
    assert overview.spend_to_day(cid, SEP, 30) == 50000  # the whole month
    assert overview.spend_to_day(cid, SEP, 2) == 30000  # no record before the 3rd


def test_usage_by_days_when_the_records_carry_no_cost(data):
    CallRecord.update(cost=0).execute()
    # 200 of usage, 15 of 30 days
    assert overview.spend_to_day(data["company"].id, SEP, 15) == 40000


def test_the_payload(data):
    p = overview.build(data["session"], TODAY)
    s = data["subs"]
    assert p["spend"] == {"month": "2026-10-01", "day": 15, "now": 45000, "before": 40000,
                          "previous_total": 50000}
    assert p["limits"] == {"over": [s[1].id], "near": [s[2].id], "blocked": []}
    b = p["budgets"]
    assert b["with_budget"] == 1 and b["over"] == 1
    assert b["rows"][0]["name"] == "Продажи" and Decimal(b["rows"][0]["spent"]) == Decimal("420.00")
    assert b["rows"][0]["use"] == "105.0"
    assert p["savings"] == {"computed": False, "ids": [], "total": "0.00"}
    assert set(p["lines"]) == {"ids", "total", "days"} and p["options"]["count"] == 0


def test_savings_from_the_optimiser(data):
    s = data["subs"]
    t1 = Tariff.create(code="t1", name="T1", monthly_fee="500")
    t2 = Tariff.create(code="t2", name="T2", monthly_fee="300")
    for sub, saving in ((s[0], "120.50"), (s[1], "80.00")):
        TariffAdvice.create(company=data["company"], subscriber=sub, current_tariff=t1,
                            tariff=t2, current_cost="500", cost="380", saving=saving)
    sav = overview.build(data["session"], TODAY)["savings"]
    assert sav["computed"] and sav["total"] == "200.50"
    assert sav["ids"] == sorted([s[0].id, s[1].id])


def test_live_counts(data):
    now = dt.datetime(2026, 10, 15, 12, tzinfo=dt.UTC)
    c = data["company"]
    base = {"company": c, "type": "invoice", "format": "pdf", "period_from": SEP,
            "period_to": dt.date(2026, 9, 30), "created_at": now - dt.timedelta(days=1)}
    Document.create(**base, state="ready", ready_at=now - dt.timedelta(hours=2))
    Document.create(**base, state="ready", ready_at=now - dt.timedelta(days=20))
    Document.create(**base, state="queued")
    Document.create(**base, state="failed")
    charge = Charge.get(Charge.kind == "calls", Charge.period == OCT)
    for status in ("open", "in_review", "rejected"):
        Dispute.create(company=c, charge=charge, reason="x", status=status)
    for i, status in enumerate(("submitted", "in_progress", "done")):
        ChangeApplication.create(company=c, reference=f"Z-1-{i}", numbers="7", status=status)
    live = overview.live(data["session"], now)
    assert live == {"documents_ready": 1, "documents_waiting": 1, "documents_failed": 1,
                    "disputes_open": 1, "disputes_in_review": 1, "applications_open": 2}
    assert overview.live(data["other_session"], now)["documents_ready"] == 0


def test_the_snapshot_goes_stale_when_the_data_moves(data):
    s = data["session"]
    assert overview.figures(s, TODAY) is None
    snap = overview.refresh(s, TODAY)
    assert snap["stale"] is False
    again = overview.figures(s, TODAY)
    assert again["stale"] is False and again["payload"]["spend"]["now"] == 45000
    _charge(data, data["subs"][3], OCT, "calls", "5.00")  # a charge arrives
    assert overview.figures(s, TODAY)["stale"] is True
    overview.refresh(s, TODAY)
    limits.set_limits(s, [data["subs"][3].id], amount="1")  # a change (audited)
    assert overview.figures(s, TODAY)["stale"] is True
    assert overview.figures(s, dt.date(2026, 10, 16))["stale"] is True  # a new day
    assert overview.figures(data["other_session"], TODAY) is None  # per company


def test_the_worker_keeps_the_snapshots(data, monkeypatch):
    monkeypatch.setattr(overview, "REFRESH_EVERY", 0.0)
    overview._LAST.clear()
    assert overview.periodic_refresh() == 2  # both companies have numbers
    assert overview.periodic_refresh() == 0  # nothing moved
    assert overview.figures(data["session"])["stale"] is False
