"""Call-detail records: a number's period in local days, filters, totals, scoping."""

import datetime as dt
from decimal import Decimal

import pytest
from money_data import MSK, build, utc

from corptui import calls
from corptui.calls import CallFilter
from corptui.errors import ValidationError

D = Decimal


@pytest.fixture
def data(db):
    return build()


def year_2024(sub, **kw):
    return CallFilter(subscriber_ids=(sub.id,), date_from="2024-01-01", date_to="2024-12-31",
                      tz=MSK, **kw)


def test_a_numbers_year_in_local_days(data):
    s = data["session"]
    s1 = data["subs"][0]
    rows = calls.query(s, year_2024(s1), 0, 100)
    # 20:30 UTC Dec 31 2023 is 23:30 MSK (still 2023): out; 21:00 UTC Dec 31 2024 is 2025
    assert [r["started_at"] for r in rows] == [
        utc(2024, 1, 15, 8, 0), utc(2024, 2, 1, 10, 0), utc(2024, 3, 3, 3, 3),
        utc(2024, 12, 31, 20, 59)]
    first = rows[0]
    assert first == {"id": first["id"], "started_at": utc(2024, 1, 15, 8, 0),
                     "number": "79261234567", "direction": "in", "kind": "voice",
                     "counterpart": "74951234567", "duration_seconds": 125, "volume_kb": 0,
                     "roaming": False, "cost": D("0.00")}
    t = calls.totals(s, year_2024(s1))
    assert t == {"count": 4, "duration_seconds": 155, "volume_kb": 20480, "cost": D("397.75")}
    assert t["cost"] == sum((r["cost"] for r in rows), D("0.00"))


def test_filters(data):
    s = data["session"]
    s1, s2, _ = data["subs"]
    assert calls.totals(s, year_2024(s1, roaming=True))["cost"] == D("395.75")
    assert calls.totals(s, year_2024(s1, roaming=False))["count"] == 2
    assert [r["kind"] for r in calls.query(s, year_2024(s1, kinds=("sms", "data")))] == ["sms", "data"]
    assert [r["direction"] for r in calls.query(s, year_2024(s1, directions=("in",)))] == ["in"]
    assert calls.totals(s, year_2024(s1, amount_min="2", amount_max="45"))["cost"] == D("47.00")
    newest = calls.query(s, year_2024(s1, descending=True), 0, 1)[0]
    assert newest["started_at"] == utc(2024, 12, 31, 20, 59)
    both = CallFilter(subscriber_ids=(s1.id, s2.id))
    assert calls.totals(s, both)["count"] == 7
    assert len(calls.query(s, both, 5, 100)) == 2


def test_scoped_to_the_company(data):
    s = data["session"]
    foreign = CallFilter(subscriber_ids=(data["osub"].id,))
    assert calls.query(s, foreign) == []
    assert calls.totals(s, foreign)["count"] == 0
    everything = calls.totals(s, CallFilter())
    assert everything["count"] == 7 and everything["cost"] == D("409.34")
    assert calls.totals(s, CallFilter(subscriber_ids=()))["count"] == 0


def test_validation(data):
    s = data["session"]
    with pytest.raises(ValidationError) as exc:
        calls.query(s, CallFilter(date_from="2024-02-01", date_to="2024-01-01"))
    assert exc.value.field == "date_from"
    with pytest.raises(ValidationError) as exc:
        calls.query(s, CallFilter(directions=("sideways",)))
    assert exc.value.field == "direction"
    with pytest.raises(ValidationError) as exc:
        calls.totals(s, CallFilter(kinds=("fax",)))
    assert exc.value.field == "kinds"
    with pytest.raises(ValidationError) as exc:
        calls.totals(s, CallFilter(date_to="yesterday"))
    assert exc.value.field == "date_to" and "date_to" in exc.value.message


def test_utc_days_differ_from_moscow_days(data):
    s = data["session"]
    s1 = data["subs"][0]
    flt = CallFilter(subscriber_ids=(s1.id,), date_from=dt.date(2024, 1, 1),
                     date_to=dt.date(2024, 12, 31), tz=dt.UTC)
    stamps = [r["started_at"] for r in calls.query(s, flt)]
    assert utc(2023, 12, 31, 20, 30) not in stamps
    assert utc(2024, 12, 31, 21, 0) in stamps  # 00:00 MSK Jan 1 2025, still 2024 in UTC


def test_time_index_plan_gives_the_same_pages(data, monkeypatch):
    """The plan for a company holding most numbers (walk the time index) returns exactly
    the pages of the usual plan, both orders, any offset."""
    from dataclasses import replace

    from corptui import calls as calls_uc

    session = data["session"]
    flt_all = calls_uc.CallFilter()
    expected = {d: [r["id"] for r in calls_uc.query(session, replace(flt_all, descending=d),
                                                     limit=None)] for d in (False, True)}
    monkeypatch.setattr(calls_uc, "TIME_ORDER_MIN_NUMBERS", 1)
    assert calls_uc._company_holds_most(session)
    for d in (False, True):
        flt = replace(flt_all, descending=d)
        got = [r["id"] for off in range(0, 10, 2)
               for r in calls_uc.query(session, flt, offset=off, limit=2)]
        assert got == expected[d][:10]
