"""Cancelling the bulk changes of the numbers console through their use cases (both
engines): a forwarding set or delete, a limits change and a services plan cancelled
mid-way (or after the last chunk) change nothing and write no audit entry; without a
cancel they report their counts and write as before."""

from __future__ import annotations

from decimal import Decimal

import pytest
from numbers_core_data import build

from corptui import audit, forwarding, limits, options
from corptui.errors import Cancelled
from storage.models import (
    AuditEntry,
    ForwardingRule,
    Option,
    Subscriber,
    SubscriberOption,
    Tariff,
    TariffChange,
)


@pytest.fixture
def data(db):
    out = build(extra=30)  # 35 numbers in the company
    start = Tariff.create(code="start", name="Start", monthly_fee=Decimal("300"))
    Tariff.create(code="max", name="Max", monthly_fee=Decimal("900"))
    Option.create(code="sms", name="SMS 500", monthly_fee=Decimal("100"))
    Subscriber.update(tariff=start).execute()
    out["ids"] = [s.id for s in out["subs"]]
    return out


def _state():
    """Everything a bulk change of the numbers console may write."""
    return (
        sorted(ForwardingRule.select(ForwardingRule.subscriber, ForwardingRule.condition,
                                     ForwardingRule.target, ForwardingRule.delay_seconds,
                                     ForwardingRule.active).tuples()),
        sorted(Subscriber.select(Subscriber.id, Subscriber.tariff, Subscriber.spending_limit,
                                 Subscriber.data_ban, Subscriber.roaming_ban,
                                 Subscriber.limit_notify_percent).tuples()),
        sorted(SubscriberOption.select(SubscriberOption.subscriber, SubscriberOption.option,
                                       SubscriberOption.state).tuples()),
        TariffChange.select().count(),
        AuditEntry.select().count(),
    )


class Reports:
    """progress(done, total) recorder with a cancel that fires after ``after`` reports."""

    def __init__(self, after: int | None = None):
        self.after = after
        self.seen: list[tuple[int, int]] = []

    def progress(self, done: int, total: int) -> None:
        self.seen.append((done, total))

    def cancelled(self) -> bool:
        return self.after is not None and len(self.seen) >= self.after


# -- forwarding -------------------------------------------------------------------------

def test_cancelled_forwarding_set_mid_way_changes_nothing(data, monkeypatch):
    monkeypatch.setattr(forwarding, "CHUNK", 10)  # 35 numbers: four chunks
    session, ids = data["session"], data["ids"]
    forwarding.add_rule(session, ids[0], "busy", "+7 495 000-00-01")  # one replaced rule
    before = _state()
    r = Reports(after=3)  # (0, 35), (10, 35), (20, 35): two chunks written, then cancel
    with pytest.raises(Cancelled) as exc:
        forwarding.bulk_set(session, ids, "busy", "+7 495 123-45-67",
                            progress=r.progress, cancelled=r.cancelled)
    assert "nothing was changed" in exc.value.message
    assert r.seen == [(0, 35), (10, 35), (20, 35)]
    assert _state() == before


def test_forwarding_set_cancelled_after_the_last_chunk_still_rolls_back(data, monkeypatch):
    monkeypatch.setattr(forwarding, "CHUNK", 10)
    session, ids = data["session"], data["ids"]
    before = _state()
    r = Reports()
    with pytest.raises(Cancelled):
        forwarding.bulk_set(session, ids, "unconditional", "84951234567", progress=r.progress,
                            cancelled=lambda: bool(r.seen) and r.seen[-1][0] == 35)
    assert r.seen[-1] == (35, 35)
    assert _state() == before


def test_forwarding_set_and_delete_report_counts_and_write(data, monkeypatch):
    monkeypatch.setattr(forwarding, "CHUNK", 10)
    session, ids = data["session"], data["ids"]
    r = Reports()
    done = forwarding.bulk_set(session, ids, "busy", "84951234567", progress=r.progress,
                               cancelled=lambda: False)
    assert done["changed"] == 35
    assert r.seen == [(0, 35), (10, 35), (20, 35), (30, 35), (35, 35)]
    entries = AuditEntry.select().where(AuditEntry.operation == done["operation"])
    assert entries.count() == 35 and {e.action for e in entries} == {"forwarding.set"}
    r = Reports()
    gone = forwarding.bulk_delete(session, ids, "busy", progress=r.progress,
                                  cancelled=lambda: False)
    assert gone["deleted"] == 35 and r.seen[0] == (0, 35) and r.seen[-1] == (35, 35)
    assert ForwardingRule.select().count() == 0
    assert AuditEntry.select().where(AuditEntry.operation == gone["operation"]).count() == 35


def test_cancelled_forwarding_delete_keeps_every_rule(data, monkeypatch):
    monkeypatch.setattr(forwarding, "CHUNK", 10)
    session, ids = data["session"], data["ids"]
    forwarding.bulk_set(session, ids, "busy", "84951234567")
    before = _state()
    r = Reports(after=2)
    with pytest.raises(Cancelled):
        forwarding.bulk_delete(session, ids, "busy", progress=r.progress,
                               cancelled=r.cancelled)
    assert r.seen == [(0, 35), (10, 35)]
    assert _state() == before


# -- limits -----------------------------------------------------------------------------

def test_cancelled_limits_change_mid_way_changes_nothing(data, monkeypatch):
    monkeypatch.setattr(limits, "CHUNK", 10)
    session, ids = data["session"], data["ids"]
    before = _state()
    r = Reports(after=2)
    with pytest.raises(Cancelled):
        limits.set_limits(session, ids, progress=r.progress, cancelled=r.cancelled,
                          amount="1500", data_ban=True)
    assert r.seen == [(0, 35), (10, 35)]
    assert _state() == before
    r = Reports()
    done = limits.set_limits(session, ids, progress=r.progress, cancelled=lambda: False,
                             amount="1500", data_ban=True)
    assert done["changed"] == 35 and r.seen[-1] == (35, 35)
    assert Subscriber.get_by_id(ids[3]).spending_limit == Decimal("1500")
    assert AuditEntry.select().where(AuditEntry.operation == done["operation"]).count() == 35


# -- the services plan --------------------------------------------------------------------

PLAN = options.Plan(tariff="max", connect=("sms",))


def test_cancelled_services_apply_mid_way_changes_nothing(data, monkeypatch):
    monkeypatch.setattr(options, "APPLY_CHUNK", 10)
    session, ids = data["session"], data["ids"]
    before = _state()
    # the tariff step is written for all 35 numbers, the connect step for 10, then cancel
    r = Reports(after=6)
    with pytest.raises(Cancelled):
        options.apply_plan(session, PLAN, ids, progress=r.progress, cancelled=r.cancelled)
    assert r.seen == [(0, 70), (10, 70), (20, 70), (30, 70), (35, 70), (45, 70)]
    assert _state() == before


def test_services_apply_cancelled_at_the_end_rolls_back(data, monkeypatch):
    session, ids = data["session"], data["ids"]
    before = _state()
    r = Reports()
    with pytest.raises(Cancelled):
        options.apply_plan(session, PLAN, ids, progress=r.progress,
                           cancelled=lambda: bool(r.seen) and r.seen[-1][0] == 70)
    assert r.seen[-1] == (70, 70)
    assert _state() == before


def test_services_apply_in_chunks_keeps_one_operation_per_change(data, monkeypatch):
    monkeypatch.setattr(options, "APPLY_CHUNK", 10)
    session, ids = data["session"], data["ids"]
    r = Reports()
    out = options.apply_plan(session, PLAN, ids, progress=r.progress, cancelled=lambda: False)
    assert out["applied"] == 35 and out["steps"] == [("tariff Max", 35), ("+ SMS 500", 35)]
    assert r.seen[-1] == (70, 70)
    assert {s.tariff.code for s in Subscriber.select().where(Subscriber.id.in_(ids))} == {"max"}
    assert SubscriberOption.select().where(SubscriberOption.state == "active").count() == 35
    ops = {}
    for e in AuditEntry.select().where(AuditEntry.action.in_(["tariffs.change",
                                                                "options.connect"])):
        ops.setdefault(e.action, set()).add(e.operation)
    # four chunks of each change, one audit operation each (so undo takes a change whole)
    assert {k: len(v) for k, v in ops.items()} == {"tariffs.change": 1, "options.connect": 1}


# -- the audit rows of a bulk change ---------------------------------------------------------

def test_record_many_keeps_the_values(data):
    session = data["session"]
    op = audit.new_operation()
    rows = [(7, {"limit": Decimal("10.50"), "name": "Ёлкин"}, None),
            ("79261234567", None, {"on": True, "n": 3, "tags": {"b", "a"}})]
    assert audit.record_many(session, "test.bulk", "subscriber", rows, op) == 2
    got = list(AuditEntry.select().where(AuditEntry.operation == op).order_by(AuditEntry.id))
    assert [(e.object_id, e.before, e.after) for e in got] == [
        ("7", {"limit": "10.50", "name": "Ёлкин"}, None),
        ("79261234567", None, {"on": True, "n": 3, "tags": ["a", "b"]})]
    assert all(e.company_id == session.company_id and e.action == "test.bulk"
               and e.at is not None for e in got)


# -- undo of a bulk change -------------------------------------------------------------------

def test_cancelled_undo_restores_nothing(data):
    from corptui import undo

    session, ids = data["session"], data["ids"]
    done = limits.set_limits(session, ids, amount="1500")
    before = _state()
    r = Reports(after=1)  # (0, 35): cancelled before the action is undone
    with pytest.raises(Cancelled):
        undo.undo(session, done["operation"], progress=r.progress, cancelled=r.cancelled)
    assert r.seen == [(0, 35)]
    assert _state() == before
    r = Reports()
    with pytest.raises(Cancelled):  # after the last action: still rolled back
        undo.undo(session, done["operation"], progress=r.progress,
                  cancelled=lambda: bool(r.seen) and r.seen[-1][0] == 35)
    assert r.seen == [(0, 35), (35, 35)]
    assert _state() == before
    out = undo.undo(session, done["operation"], progress=r.progress, cancelled=lambda: False)
    assert out["restored"] == 35
    assert Subscriber.get_by_id(ids[0]).spending_limit is None
