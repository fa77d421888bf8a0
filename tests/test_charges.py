"""Charges: by month and kind, drill-down lines, spending chart, top spenders, sums by
number over the company, the export filter. Sums checked against the rows (Decimal)."""

import datetime as dt
from decimal import Decimal

import pytest
from money_data import build

from corptui import charges
from corptui.charges import ChargeFilter
from corptui.errors import ValidationError
from storage.models import Charge

D = Decimal
MAY = dt.date(2024, 5, 1)


@pytest.fixture
def data(db):
    return build()


def expected(company_id, subscriber_ids=None, period=None):
    total = D("0.00")
    for c in Charge.select().where(Charge.company == company_id):
        if subscriber_ids is not None and c.subscriber_id not in subscriber_ids:
            continue
        if period is not None and c.period != period:
            continue
        total += c.amount
    return total


def test_one_number_by_month_and_kind(data):
    s = data["session"]
    s1 = data["subs"][0]
    rows = charges.by_month(s, (s1.id,), "2024-03-01", dt.date(2024, 6, 15))
    assert [r["period"] for r in rows] == [dt.date(2024, m, 1) for m in (3, 4, 5, 6)]
    march, april, may, june = rows
    assert march["total"] == D("0.00") and june["total"] == D("0.00")
    assert april["subscription"] == D("990.00") and april["calls"] == D("12.34")
    assert may == {"period": MAY, "subscription": D("990.00"), "calls": D("45.67"),
                   "sms": D("0.00"), "data": D("0.00"), "roaming": D("1500.01"),
                   "one_off": D("0.00"), "total": D("2535.68")}
    assert sum(r["total"] for r in rows) == expected(data["company"].id, {s1.id})


def test_a_set_of_numbers_and_the_whole_company(data):
    s = data["session"]
    s1, s2, s3 = data["subs"]
    pair = charges.by_month(s, (s1.id, s2.id), MAY, MAY)[0]
    assert pair["total"] == expected(data["company"].id, {s1.id, s2.id}, MAY) == D("3128.98")
    company = charges.by_month(s, None, MAY, MAY)[0]
    assert company["one_off"] == D("100.00")  # the account's own charge counts
    assert company["total"] == expected(data["company"].id, None, MAY) == D("3819.97")
    chart = charges.spending_by_month(s, None, "2024-04-01", "2024-06-01")
    assert chart == [(dt.date(2024, 4, 1), D("1002.34")), (MAY, D("3819.97")),
                     (dt.date(2024, 6, 1), D("590.00"))]


def test_drill_down_lines_of_a_month(data):
    s = data["session"]
    s1, s2, s3 = data["subs"]
    lines = charges.lines(s, (s1.id, s2.id), "2024-05-20")
    assert [(r["number"], r["kind"], r["amount"]) for r in lines] == [
        ("79031112233", "sms", D("3.30")),
        ("79031112233", "subscription", D("590.00")),
        ("79261234567", "calls", D("45.67")),
        ("79261234567", "roaming", D("1500.01")),
        ("79261234567", "subscription", D("990.00")),
    ]
    assert lines[0]["period"] == MAY and lines[0]["account"] == "100200300"
    only_roaming = charges.lines(s, None, MAY, kind="roaming")
    assert [r["employee"] for r in only_roaming] == ["Ёлкин Пётр Ильич"]
    with pytest.raises(ValidationError):
        charges.lines(s, None, MAY, kind="lottery")


def test_top_spenders_and_sums_by_number(data):
    s = data["session"]
    s1, s2, s3 = data["subs"]
    top = charges.top_spenders(s, "2024-05-31", limit=2)
    assert [(r["number"], r["total"]) for r in top] == [("79261234567", D("2535.68")),
                                                        ("79031112233", D("593.30"))]
    assert top[0]["employee"] == "Ёлкин Пётр Ильич"
    sums = charges.sums_by_number(s, MAY)
    assert sums == {s1.id: D("2535.68"), s2.id: D("593.30"), s3.id: D("590.99")}
    # another company's 100 000 ₽ number is not in this company's figures
    assert data["osub"].id not in sums
    assert charges.sums_by_number(data["other_session"], MAY) == {data["osub"].id: D("100000.00")}
    assert charges.sums_by_number(s, dt.date(2023, 1, 1)) == {}


def test_other_company_numbers_are_not_visible(data):
    s = data["session"]
    rows = charges.by_month(s, (data["osub"].id,), MAY, MAY)
    assert rows[0]["total"] == D("0.00")
    assert charges.lines(s, (data["osub"].id,), MAY) == []


def test_export_filter(data):
    s = data["session"]
    acc1, acc2 = data["accounts"]
    flt = ChargeFilter(account_ids=(acc2.id,), date_from="2024-05-15", date_to="2024-06-30")
    rows = list(charges.iter_lines(s, flt))
    assert [(r["period"], r["kind"]) for r in rows] == [
        (MAY, "data"), (MAY, "subscription"), (MAY, "one_off"), (dt.date(2024, 6, 1), "subscription")]
    assert rows[2]["number"] == ""  # the account's own line
    assert charges.totals(s, flt) == {"sum": D("1280.99"), "count": 4}
    big = ChargeFilter(kinds=("subscription", "roaming"), amount_min="600")
    assert charges.totals(s, big) == {"sum": D("3480.01"), "count": 3}
    assert charges.totals(s, ChargeFilter()) == {"sum": expected(data["company"].id), "count": 11}
    with pytest.raises(ValidationError) as exc:
        charges.totals(s, ChargeFilter(kinds=("bogus",)))
    assert exc.value.field == "kinds"
    with pytest.raises(ValidationError) as exc:
        charges.totals(s, ChargeFilter(date_from="2024-07-01", date_to="2024-06-01"))
    assert exc.value.field == "date_from"
    with pytest.raises(ValidationError):
        charges.by_month(s, None, "2024-07-01", "2024-06-01")


def test_company_months_are_cached_until_a_new_charge_arrives(data):
    import datetime as dt
    from decimal import Decimal

    from corptui import charges as charges_uc
    from storage.models import Charge

    s = data["session"]
    may = dt.date(2024, 5, 1)
    before = charges_uc.by_month(s, None, may, may)[0]["total"]
    assert charges_uc.by_month(s, None, may, may)[0]["total"] == before  # from the cache
    acc1 = data["accounts"][0]
    Charge.create(company=data["company"], account=acc1, subscriber=data["subs"][0],
                  kind="one_off", period=may, amount=Decimal("10.00"))
    assert charges_uc.by_month(s, None, may, may)[0]["total"] == before + Decimal("10.00")
    # scoped to numbers: never cached, always exact
    sid = data["subs"][0].id
    assert charges_uc.by_month(s, [sid], may, may)[0]["one_off"] == Decimal("10.00")
