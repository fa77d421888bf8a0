"""Rating in the database (issue 19), on SQLite and PostgreSQL: every record rated by
the plan in force at its time, charge lines linked to the records they sum, the
invariant charges = fee shares + rated usage + option fees for every number, idempotent
re-rating, the month close, tariff history written by tariff changes."""

import datetime as dt
from decimal import Decimal

import pytest

from corptui import options as options_uc
from corptui.errors import Conflict, ValidationError
from corptui.rating import billing, plans, tariffs
from corptui.rating.engine import share
from corptui.session import Session
from storage.models import (
    AuditEntry,
    BillingMonth,
    CallRecord,
    Charge,
    Company,
    Option,
    PersonalAccount,
    Subscriber,
    SubscriberOption,
    Tariff,
    TariffHistory,
)

UTC = dt.UTC
OCT = dt.date(2026, 10, 1)
D = Decimal


def t(day, hour=10, minute=0, month=10):
    return dt.datetime(2026, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def co(db):
    start = Tariff.create(code="start", name="Старт", monthly_fee=D("310.00"),
                          rates=plans.validate({"minutes": 10, "sms": 1, "data_mb": 1,
                                                "minute": {"mobile": 250},
                                                "sms_price": 250, "data_mb_price": 15,
                                                "roaming": {"europe": {"in": 9900}}}))
    optimum = Tariff.create(code="optimum", name="Оптимум", monthly_fee=D("620.00"),
                            rates=plans.validate({"minutes": 620, "minute": {"mobile": 200}}))
    extra = Option.create(code="extra", name="Ещё 5 минут", monthly_fee=D("31.00"),
                          connection_fee=D("10.00"), rates={"minutes": 5})
    comp = Company.create(name="ООО «Тест»", inn="7707083893")
    acc = PersonalAccount.create(company=comp, number="500100", name="Основной")
    a = Subscriber.create(company=comp, account=acc, msisdn="79160000001", tariff=start)
    b = Subscriber.create(company=comp, account=acc, msisdn="79160000002", tariff=start)
    other = Company.create(name="ИП Чужой", inn="500100732259")
    oacc = PersonalAccount.create(company=other, number="900100")
    c = Subscriber.create(company=other, account=oacc, msisdn="79160000003", tariff=start)
    rows = [
        (a, t(2), "out", "voice", "79161234567", 300, 0, False, ""),  # 5 min in the bundle
        (a, t(3), "in", "voice", "79161234567", 1200, 0, False, ""),  # incoming: free
        (a, t(4), "out", "voice", "79161234567", 481, 0, False, ""),  # 9 min: 5 + 4 paid
        (a, t(5), "out", "sms", "79161234567", 0, 0, False, ""),
        (a, t(5, 11), "out", "sms", "79161234567", 0, 0, False, ""),  # 2.50
        (a, t(6), "in", "sms", "79161234567", 0, 0, False, ""),
        (a, t(7), "in", "voice", "4930123456", 120, 0, True, "europe"),  # roaming in: 2 x 99
        (a, t(8), "out", "data", "internet", 0, 3072, False, ""),  # 2048 KB x 0.15 / MB
        (b, t(1), "out", "voice", "79161234567", 60 * 20, 0, False, ""),  # 10 paid on start
        (b, t(20), "out", "voice", "79161234567", 60 * 30, 0, False, ""),  # optimum bundle
        (c, t(2), "out", "voice", "79161234567", 60 * 100, 0, False, ""),
        (a, t(1, month=11), "out", "voice", "79161234567", 6000, 0, False, ""),  # November
    ]
    for s, at, direction, kind, to, sec, kb, roaming, zone in rows:
        CallRecord.create(subscriber=s, started_at=at, direction=direction, kind=kind,
                          counterpart=to, duration_seconds=sec, volume_kb=kb, roaming=roaming,
                          roaming_zone=zone, cost=D("7.77"))
    # b moves to optimum on 11 October (10 days of start, 21 of optimum)
    tariffs.record_switches([(b.id, start.id, optimum.id)], t(11, 0))
    Subscriber.update(tariff=optimum).where(Subscriber.id == b.id).execute()
    # a gets the option from 16 October (16 days)
    SubscriberOption.create(subscriber=a, option=extra, state="active",
                            connected_from=t(16, 0))
    return {"company": comp, "other": other, "a": a, "b": b, "c": c, "start": start,
            "optimum": optimum, "extra": extra, "acc": acc}


def lines_of(sid, period=OCT):
    return {(c.kind, c.option_id, c.description): c.amount for c in Charge.select().where(
        (Charge.subscriber == sid) & (Charge.period == period))}


def test_a_month_rated_by_hand(co):
    stats = billing.rate_company_month(co["company"].id, OCT)
    assert stats["numbers"] == 2 and stats["records"] == 10
    a, b = co["a"].id, co["b"].id
    assert lines_of(a) == {
        ("subscription", None, "Старт"): D("310.00"),
        ("subscription", co["extra"].id, "Ещё 5 минут (16/31)"): D("16.00"),
        ("one_off", co["extra"].id, "Ещё 5 минут"): D("10.00"),
        # bundle 10 + 5 (the option's, in the same segment): 5 + 9 minutes all included
        ("calls", None, ""): D("0.00"),
        ("sms", None, ""): D("2.50"),
        ("roaming", None, ""): D("198.00"),
        ("data", None, ""): D("0.30"),
    }
    assert lines_of(b) == {
        ("subscription", None, "Старт (10/31)"): D("100.00"),
        ("subscription", None, "Оптимум (21/31)"): D("420.00"),
        # start's bundle 10*10/31 = 3: 20 - 3 = 17 x 2.50; optimum's 620*21/31 = 420
        ("calls", None, ""): D("42.50"),
    }
    assert share(62000, 21, 31) == 42000
    # the other company is not touched; November is not rated
    assert not lines_of(co["c"].id) and not lines_of(a, dt.date(2026, 11, 1))
    assert billing.month_state(co["company"].id, OCT) == "in_progress"


def invariant(company_id, month):
    """charges = fee shares + rated usage + option fees, per number; each usage line is
    the sum of the records linked to it, and every record of the month is linked."""
    for sub in Subscriber.select().where(Subscriber.company == company_id):
        charges = list(Charge.select().where((Charge.subscriber == sub.id)
                                             & (Charge.period == month)))
        nxt = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        recs = list(CallRecord.select().where(
            (CallRecord.subscriber == sub.id)
            & (CallRecord.started_at >= dt.datetime.combine(month, dt.time(), UTC))
            & (CallRecord.started_at < dt.datetime.combine(nxt, dt.time(), UTC))))
        fees = sum((c.amount for c in charges if c.kind == "subscription" and not c.option_id),
                   D("0"))
        opts = sum((c.amount for c in charges if c.option_id), D("0"))
        usage = sum((r.cost for r in recs), D("0"))
        assert sum((c.amount for c in charges), D("0")) == fees + opts + usage
        by_line = {}
        for r in recs:
            assert r.charge_id is not None
            by_line[r.charge_id] = by_line.get(r.charge_id, D("0")) + r.cost
        for c in charges:
            if c.kind not in ("subscription", "one_off"):
                assert by_line.pop(c.id) == c.amount
        assert not by_line  # no record points to a line of another number or month


def test_invariant_and_idempotent(co):
    cid = co["company"].id
    billing.rate_company_month(cid, OCT)
    invariant(cid, OCT)
    ids = sorted(Charge.select(Charge.id, Charge.amount).where(Charge.company == cid).tuples())
    again = billing.rate_company_month(cid, OCT)
    assert again["records_written"] == 0 and again["lines_new"] == 0
    assert again["lines_changed"] == 0 and again["lines_removed"] == 0
    assert sorted(Charge.select(Charge.id, Charge.amount).where(
        Charge.company == cid).tuples()) == ids
    # a record arrives: the month accrues, the same lines grow
    CallRecord.create(subscriber=co["a"], started_at=t(30), direction="out", kind="sms",
                      counterpart="79161234567")
    more = billing.rate_company_month(cid, OCT)
    assert more["records_written"] == 1 and more["lines_changed"] == 1 and more["lines_new"] == 0
    assert lines_of(co["a"].id)[("sms", None, "")] == D("5.00")
    invariant(cid, OCT)


def test_month_close_fixes_the_month(co):
    cid = co["company"].id
    with pytest.raises(ValidationError):
        billing.close_month(cid, "2026-11", now=t(20, month=11))  # not over yet
    billing.close_month(cid, "2026-10", now=t(2, month=11))
    assert billing.month_state(cid, OCT) == "billed"
    assert billing.billed_months(cid) == {OCT}
    before = lines_of(co["a"].id)
    Tariff.update(monthly_fee=D("999.00")).where(Tariff.id == co["start"].id).execute()
    with pytest.raises(Conflict):
        billing.rate_company_month(cid, OCT)
    assert lines_of(co["a"].id) == before
    assert AuditEntry.select().where(AuditEntry.action == "months.close").count() == 1
    rated = billing.rate_open_months(cid, now=t(2, month=11))
    assert OCT not in rated and dt.date(2026, 11, 1) in rated
    assert BillingMonth.get(BillingMonth.month == dt.date(2026, 11, 1)).state == "in_progress"


def test_tariff_change_writes_history_and_is_rated(co):
    session = Session.system(co["company"].id, "test")
    result = options_uc.change_tariff(session, [co["a"].id], "optimum")
    assert result["changed"] == 1
    (row,) = tariffs.history(co["a"].id)
    assert row[1] == co["optimum"].id and row[2] == co["start"].id
    assert TariffHistory.select().count() == 2


def test_tariff_set_by_the_operator(co):
    card = tariffs.set_tariff("start", ["minutes=600", "minute.mobile=1.75",
                                        "roaming.europe.out=49.90", "data_gb=2.5"],
                              fee="350.00")
    assert card["fee"] == D("350.00")
    r = Tariff.get(Tariff.code == "start").rates
    assert r["minutes"] == 600 and r["minute"]["mobile"] == 175
    assert r["roaming"]["europe"] == {"in": 9900, "out": 4990} and r["data_mb"] == 2560
    for bad in (["minutes=-1"], ["minute.moon=1"], ["minutes"], ["sms_price=abc"],
                ["minute.mobile=1.234"]):
        with pytest.raises(ValidationError):
            tariffs.set_tariff("start", bad)
    assert Tariff.get(Tariff.code == "start").rates == r  # a refused edit changes nothing
    assert AuditEntry.select().where(AuditEntry.action == "tariffs.set").count() == 1


def test_cli_tariffs_and_months(co):
    from conftest import run_cli

    tariffs.seed_demo_rates()
    out = run_cli("tariffs", "list", "--format", "json")
    assert out.exit_code == 0, out.output
    assert {r["code"] for r in __import__("json").loads(out.output)} == {"start", "optimum"}
    out = run_cli("tariffs", "show", "start")
    assert out.exit_code == 0 and "Старт (start)" in out.output and "2.50" in out.output
    out = run_cli("tariffs", "set", "start", "minute.mobile=3.00")
    assert out.exit_code == 0, out.output
    out = run_cli("tariffs", "set", "start", "minute.mobile=abc")
    assert out.exit_code == 1 and "minute.mobile" in out.output
    out = run_cli("tariffs", "show", "nope")
    assert out.exit_code == 1
    out = run_cli("months", "rate", "2026-10", "--company", "7707083893")
    assert out.exit_code == 0 and "2 numbers, 10 records rated" in out.output, out.output
    out = run_cli("months", "rate", "2026-13", "--company", "7707083893")
    assert out.exit_code == 1 and "YYYY-MM" in out.output
    out = run_cli("months", "close", "2026-10", "--company", "7707083893")
    assert out.exit_code == 0 and "billed" in out.output, out.output
    out = run_cli("months", "list", "--company", "7707083893", "--format", "json")
    assert '"billed"' in out.output
    out = run_cli("months", "rate", "2026-10", "--company", "7707083893")
    assert out.exit_code == 1 and "never rated again" in out.output


def test_the_month_in_progress_accrues_in_the_worker(co):
    cid = co["company"].id
    now = t(20)
    got = billing.accrue(now)
    assert got[cid] == [OCT] and billing.month_state(cid, OCT) == "in_progress"
    assert billing.accrue(now).get(cid) is None  # nothing arrived: nothing rated
    CallRecord.create(subscriber=co["a"], started_at=t(19), direction="out", kind="sms",
                      counterpart="79161234567")
    assert billing.accrue(now)[cid] == [OCT]
    assert lines_of(co["a"].id)[("sms", None, "")] == D("5.00")
    invariant(cid, OCT)


def test_reconciliation_turnover_is_the_billed_charges_and_the_payments(co):
    from corptui.documents import figures
    from corptui.documents.scope import resolve_scope
    from storage.models import Payment

    cid = co["company"].id
    session = Session.system(cid, "test")
    for day, amount in ((5, "1000.00"), (31, "250.50")):
        Payment.create(company=cid, account=co["acc"], paid_at=t(day), amount=D(amount),
                       type="bank_transfer")
    Payment.create(company=cid, account=co["acc"], paid_at=t(1, month=11), amount=D("9.00"),
                   type="card")
    billing.rate_company_month(cid, OCT)
    scope = resolve_scope(session, {"accounts": ["500100"]})
    as_of = dt.date(2026, 11, 5)
    # in progress: not billed, so not in the act
    act = figures.reconciliation(session, scope, OCT, dt.date(2026, 10, 31), UTC, as_of=as_of)
    assert act["charges"] == D("0.00") and act["payments"] == D("1250.50")
    billing.close_month(cid, OCT, now=t(2, month=11))
    act = figures.reconciliation(session, scope, OCT, dt.date(2026, 10, 31), UTC, as_of=as_of)
    charged = sum((c.amount for c in Charge.select().where(
        (Charge.company == cid) & (Charge.period == OCT))), D("0"))
    assert charged > 0
    assert act["charges"] == charged and act["payments"] == D("1250.50")
    assert act["closing"] - act["opening"] == act["payments"] - act["charges"]
    invariant(cid, OCT)


def test_settle_history_bills_the_past_and_leaves_the_month_in_progress(co):
    cid = co["company"].id
    done = billing.settle_history(cid, now=t(3, month=11))
    assert done == [OCT, dt.date(2026, 11, 1)]
    assert billing.month_state(cid, OCT) == "billed"
    assert billing.month_state(cid, dt.date(2026, 11, 1)) == "in_progress"
    invariant(cid, OCT)
    invariant(cid, dt.date(2026, 11, 1))


def test_invariant_on_random_usage_options_and_tariff_changes(co):
    """Many numbers with random records, options connected and disconnected mid-month
    and tariff changes: the invariant holds for every number, a second rating changes
    nothing, and the records' costs are the engine's."""
    import random

    rng = random.Random(19)
    cid, acc = co["company"].id, co["acc"]
    tariffs.seed_demo_rates()
    plans_ = [co["start"], co["optimum"]]
    subs = [Subscriber.create(company=cid, account=acc, msisdn=f"7916100{i:04d}",
                              tariff=rng.choice(plans_)) for i in range(25)]
    for s in subs:
        for _ in range(rng.randrange(0, 40)):
            kind = rng.choice(("voice", "voice", "sms", "data"))
            CallRecord.create(
                subscriber=s, started_at=t(rng.randrange(1, 32), rng.randrange(24),
                                           rng.randrange(60)),
                direction=rng.choice(("in", "out")), kind=kind,
                counterpart=rng.choice(("79161234567", "79501234567", "74951234567",
                                        "4930123456", "77011234567", "internet")),
                duration_seconds=rng.randrange(0, 1800) if kind == "voice" else 0,
                volume_kb=rng.randrange(0, 400_000) if kind == "data" else 0,
                roaming=rng.random() < 0.1, roaming_zone=rng.choice(("", "cis", "europe")))
        if rng.random() < 0.4:
            a = t(rng.randrange(1, 31), 0)
            b = None if rng.random() < 0.5 else a + dt.timedelta(days=rng.randrange(1, 20))
            SubscriberOption.create(subscriber=s, option=co["extra"], connected_from=a,
                                    connected_until=b, state="active")
        if rng.random() < 0.3:
            other = plans_[1] if s.tariff_id == plans_[0].id else plans_[0]
            tariffs.record_switches([(s.id, s.tariff_id, other.id)],
                                    t(rng.randrange(2, 31), rng.randrange(24)))
            Subscriber.update(tariff=other).where(Subscriber.id == s.id).execute()
    billing.rate_company_month(cid, OCT)
    invariant(cid, OCT)
    again = billing.rate_company_month(cid, OCT)
    assert again["records_written"] == again["lines_new"] == again["lines_changed"] == 0
    fees = Charge.select().where((Charge.company == cid) & (Charge.kind == "subscription")
                                 & Charge.option.is_null()).count()
    assert fees >= 25


def test_the_operator_edits_an_option(co):
    from conftest import run_cli

    out = run_cli("tariffs", "set-option", "extra", "minutes=50", "roaming_gb.europe=2",
                  "international.europe=19.00")
    assert out.exit_code == 0, out.output
    assert Option.get(Option.code == "extra").rates == {
        "minutes": 50, "roaming_mb": {"europe": 2048}, "international": {"europe": 1900}}
    out = run_cli("tariffs", "set-option", "extra", "roaming_gb.moon=2")
    assert out.exit_code == 1 and "roaming_mb.moon" in out.output
    out = run_cli("tariffs", "set-option", "nope", "minutes=1")
    assert out.exit_code == 1
    assert AuditEntry.select().where(AuditEntry.action == "options.set").count() == 1


def test_settle_history_can_leave_the_current_month_unrated(co):
    cid = co["company"].id
    assert billing.settle_history(cid, now=t(1, 0, month=11), current=False) == [OCT]
    assert billing.month_state(cid, dt.date(2026, 11, 1)) is None


def test_the_demo_seeds_its_plans_prices(db):
    from corptui import demo

    demo.seed(numbers=20, calls=100, months=1, seed=1)
    start = Tariff.get(Tariff.code == "biz-start")
    assert start.rates == plans.DEMO_TARIFF_RATES["biz-start"]
    assert Option.get(Option.code == "sms-500").rates == {"sms": 500}
    assert tariffs.card("biz-unlim")["lines"][2][2] == "unlimited"
