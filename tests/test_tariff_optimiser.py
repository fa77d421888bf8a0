"""Tariff optimisation (corptui.tariff_optimiser, `corptui insights tariffs`): a hand-built
company whose recommendations are worked out by hand below, on both engines."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

from corptui import tariff_optimiser
from corptui.cli import main
from corptui.rating import plans
from corptui.session import Session
from storage.models import (
    BillingMonth,
    CallRecord,
    Company,
    Option,
    OptionRule,
    PersonalAccount,
    Subscriber,
    SubscriberOption,
    Tariff,
    TariffAdvice,
)

D = Decimal
UTC = dt.UTC
MONTHS = (dt.date(2026, 7, 1), dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1))


def minutes(sub, month: dt.date, n: int, day: int = 3):
    CallRecord.create(subscriber=sub, started_at=dt.datetime(month.year, month.month, day, 10,
                                                             tzinfo=UTC),
                      direction="out", kind="voice", counterpart="79161234567",
                      duration_seconds=n * 60)


@pytest.fixture
def co(db):
    """Tariffs (fee; minutes included; a minute to a mobile beyond them):
    Базовый 300 ₽, 0, 3.00 · Пакет 500 ₽, 300, 2.50 · Эконом 200 ₽, 0, 4.00 ·
    Старый 100 ₽, 0, 1.00 (archived: never recommended) · Особый 150 ₽, by application."""
    def tariff(code, name, fee, mins, price, **kw):
        return Tariff.create(code=code, name=name, monthly_fee=D(fee), rates=plans.validate(
            {"minutes": mins, "minute": {"mobile": price, "onnet": price}}), **kw)

    base = tariff("base", "Базовый", "300", 0, 300)
    pack = tariff("pack", "Пакет", "500", 300, 250)
    eco = tariff("eco", "Эконом", "200", 0, 400)
    tariff("old", "Старый", "100", 0, 100, archived=True)
    comp = Company.create(name="ООО «Тест»", inn="7707083893")
    acc = PersonalAccount.create(company=comp, number="500100")
    subs = {}
    for key, msisdn, t in (("a", "79160000001", base), ("b", "79160000002", base),
                           ("c", "79160000003", pack), ("d", "79160000004", base),
                           ("e", "79160000005", base)):
        subs[key] = Subscriber.create(company=comp, account=acc, msisdn=msisdn, tariff=t,
                                      full_name=key.upper())
    for m in MONTHS:
        BillingMonth.create(company=comp, month=m, state="billed")
    # July is not among the last three billed months: its heavy use is not counted
    minutes(subs["b"], MONTHS[0], 1000)
    for m in MONTHS[1:]:
        minutes(subs["a"], m, 200)  # a: 200 minutes a month
        minutes(subs["b"], m, 10)  # b: 10 minutes a month
        minutes(subs["d"], m, 60)  # d: 60 minutes a month
    # c uses nothing, but has an option that rules Эконом out
    opt = Option.create(code="roam", name="Роуминг+", monthly_fee=D("0"))
    OptionRule.create(option=opt, kind="incompatible_tariff", tariff=eco)
    SubscriberOption.create(subscriber=subs["c"], option=opt, state="active")
    # e uses nothing and is blocked: no recommendation for a blocked number
    Subscriber.update(status="blocked").where(Subscriber.id == subs["e"].id).execute()
    other = Company.create(name="ИП Другой", inn="500100732259")
    oacc = PersonalAccount.create(company=other, number="900")
    Subscriber.create(company=other, account=oacc, msisdn="79160000009", tariff=base)
    return {"company": comp, "subs": subs, "session": Session.system(comp.id, "test"),
            "other": other}


def test_the_recommendations_match_the_hand_calculation(co):
    res = tariff_optimiser.optimise(co["session"])
    assert res["months"] == list(MONTHS[1:]) and res["numbers"] == 5
    got = {r["msisdn"]: r for r in tariff_optimiser.advice(co["session"])["rows"]}
    # a: Базовый 300 + 200 x 3.00 = 900; Пакет 500 (200 of 300 minutes); Эконом
    #    200 + 200 x 4.00 = 1000 -> Пакет, saving 400 a month
    a = got["79160000001"]
    assert (a["current_tariff"], a["recommended_tariff"]) == ("Базовый", "Пакет")
    assert (a["current_cost"], a["recommended_cost"], a["saving"]) == (D("900.00"), D("500.00"),
                                                                       D("400.00"))
    assert [(m["month"], m["current"], m["recommended"]) for m in a["months"]] == [
        ("2026-08", D("900.00"), D("500.00")), ("2026-09", D("900.00"), D("500.00")),
        ("2026-10", D("900.00"), D("500.00"))]
    # b: Базовый 300 + 10 x 3.00 = 330; Эконом 200 + 10 x 4.00 = 240; Пакет 500
    #    -> Эконом saves 90 a month
    b = got["79160000002"]
    assert (b["recommended_tariff"], b["saving"]) == ("Эконом", D("90.00"))
    # c: Пакет 500 with no use; Эконом (200) is ruled out by its option; Базовый 300
    #    (the archived Старый 100 is never offered) -> Базовый saves 200
    c = got["79160000003"]
    assert (c["current_tariff"], c["recommended_tariff"], c["saving"]) == (
        "Пакет", "Базовый", D("200.00"))
    # d: Базовый 300 + 180 = 480; Эконом 200 + 240 = 440; Пакет 500: 40 a month is
    #    under the 50 ₽ threshold -> no recommendation; e is blocked
    assert set(got) == {"79160000001", "79160000002", "79160000003"}
    assert tariff_optimiser.advice(co["session"])["total"] == D("690.00")


def test_the_threshold_and_a_new_run_replace_the_findings(co):
    tariff_optimiser.optimise(co["session"], threshold=D("30"))
    assert "79160000004" in {r["msisdn"] for r in tariff_optimiser.advice(co["session"])["rows"]}
    tariff_optimiser.optimise(co["session"], threshold=D("300"))
    rows = tariff_optimiser.advice(co["session"])["rows"]
    assert [r["msisdn"] for r in rows] == ["79160000001"]
    assert TariffAdvice.select().count() == 1


def test_the_card_and_the_selection(co):
    tariff_optimiser.optimise(co["session"])
    a = co["subs"]["a"]
    assert tariff_optimiser.of_number(co["session"], a.id)["recommended_tariff"] == "Пакет"
    assert tariff_optimiser.of_number(co["session"], co["subs"]["d"].id) is None
    ids = tariff_optimiser.recommended_ids(co["session"])
    assert ids == [co["subs"][k].id for k in ("a", "b", "c")]
    other = Session.system(co["other"].id, "test")
    assert tariff_optimiser.of_number(other, a.id) is None
    assert tariff_optimiser.recommended_ids(other) == []


def test_no_billed_month_no_recommendation(co):
    BillingMonth.delete().execute()
    res = tariff_optimiser.optimise(co["session"])
    assert res["advised"] == 0 and tariff_optimiser.advice(co["session"])["rows"] == []


def test_cli_insights_tariffs(co):
    runner = CliRunner()
    res = runner.invoke(main, ["insights", "tariffs", "--company", "7707083893",
                               "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["total"] == "690.00"
    assert [(r["msisdn"], r["recommended_tariff"], r["saving"]) for r in data["rows"]] == [
        ("79160000001", "Пакет", "400.00"), ("79160000003", "Базовый", "200.00"),
        ("79160000002", "Эконом", "90.00")]
    res = runner.invoke(main, ["insights", "tariffs", "--company", "7707083893"])
    assert res.exit_code == 0 and "Пакет" in res.output and "690.00" in res.output


def test_the_fast_month_total_is_the_rating_engines_on_the_demo(seeded):
    """The optimiser's month total (``_fast``) equals the rating engine's (``_cost``) for
    every number of the demo, on every tariff, with its options, over its months."""
    from corptui.rating import tariffs as tariff_store
    from storage import rating_store

    tariff_store.seed_demo_rates()
    catalogue, offered = tariff_optimiser._catalogue()
    options = {oid: (name, tariff_optimiser.to_kopecks(fee), rates) for oid, name, fee, rates
               in Option.select(Option.id, Option.name, Option.monthly_fee,
                                Option.rates).tuples()}
    subs = [s for (s,) in Subscriber.select(Subscriber.id).order_by(Subscriber.id).tuples()]
    opts_of = tariff_optimiser._options(subs)
    first = CallRecord.select(CallRecord.started_at).order_by(CallRecord.started_at).scalar()
    month = dt.date(first.year, first.month, 1)
    checked = 0
    for _ in range(3):
        nxt = tariff_optimiser.add_months(month, 1)
        days = (nxt - month).days
        per: dict[int, list] = {}
        for r in rating_store.month_records(subs[0], subs[-1], tariff_optimiser._bound(month),
                                            tariff_optimiser._bound(nxt)):
            per.setdefault(r[1], []).append((r[0], *r[2:10]))
        for sid in subs:
            opts = tuple(opts_of.get(sid, ()))
            records = per.get(sid, [])
            recs = tariff_optimiser._classified(records)
            for tid in offered:
                spans = [tariff_optimiser.OptionSpan(o, options[o][0], None, None,
                                                     options[o][1], 0, options[o][2], days)
                         for o in opts]
                engine = tariff_optimiser._cost(days, catalogue[tid], tid, spans, records, {})
                fast = tariff_optimiser._fast(
                    tariff_optimiser._Priced(catalogue[tid], opts, options), recs)
                assert fast == engine, (sid, tid, month)
                checked += 1
        month = nxt
    assert checked > 500
