"""Payments: filter, presets, page, totals, scoping, validation, accounts overview."""

import datetime as dt
from decimal import Decimal

import pytest
from money_data import MSK, build, utc

from corptui import accounts, payments
from corptui.errors import PermissionDenied, ValidationError
from corptui.payments import PaymentFilter
from corptui.session import Session
from storage.models import Payment

D = Decimal


@pytest.fixture
def data(db):
    return build()


def sums(rows):
    return sum((r["amount"] for r in rows), D("0.00"))


def test_presets_are_pure_functions_of_today():
    today = dt.date(2024, 3, 31)
    assert payments.this_month(today) == (dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    assert payments.last_month(today) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert payments.quarter(today) == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert payments.year(today) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert payments.last_month(dt.date(2024, 1, 10)) == (dt.date(2023, 12, 1), dt.date(2023, 12, 31))
    assert payments.quarter(dt.date(2024, 11, 5)) == (dt.date(2024, 10, 1), dt.date(2024, 12, 31))
    assert payments.preset("quarter", dt.date(2024, 5, 2))[0] == dt.date(2024, 4, 1)
    with pytest.raises(ValidationError):
        payments.preset("decade", today)


def test_local_days_become_utc_bounds(data):
    """May in Moscow starts at 21:00 UTC on April 30 and ends before 21:00 UTC May 31."""
    s = data["session"]
    flt = PaymentFilter(date_from=dt.date(2024, 5, 1), date_to=dt.date(2024, 5, 31), tz=MSK)
    rows = payments.query(s, flt, 0, 50)
    assert [r["document_no"] for r in rows] == ["П-4", "П-3", "П-2"]  # newest first
    assert payments.totals(s, flt) == {"sum": D("1250.50"), "count": 3}
    # the same days in UTC take the payment of 23:59 MSK April 30 out and 00:00 MSK June 1 in
    flt_utc = PaymentFilter(date_from="2024-05-01", date_to="31.05.2024", tz=dt.UTC)
    assert [r["document_no"] for r in payments.query(s, flt_utc)] == ["П-5", "П-4", "П-3"]


def test_rows_carry_every_column(data):
    s = data["session"]
    row = payments.query(s, PaymentFilter(types=("cash",)))[0]
    assert row["date"] == utc(2024, 5, 15, 9, 0)
    assert row["account"] == "100200300"
    assert row["number"] == "79031112233"
    assert row["employee"] == '=HYPERLINK("x")'
    assert row["amount"] == D("0.01") and isinstance(row["amount"], Decimal)
    assert row["type"] == "cash" and row["document_no"] == "П-3"
    # a payment on the account itself has no number
    acc_only = payments.query(s, PaymentFilter(types=("promised",)))[0]
    assert acc_only["number"] == "" and acc_only["employee"] == ""


def test_totals_match_the_data_exactly(data):
    s = data["session"]
    mine = [p for p in Payment.select() if p.company_id == data["company"].id]
    expected = sum((p.amount for p in mine), D("0.00"))
    t = payments.totals(s, PaymentFilter())
    assert t == {"sum": expected, "count": len(mine)}
    assert t["sum"] == D("7555.06")
    assert sums(payments.query(s, PaymentFilter(), 0, None)) == t["sum"]


def test_filters_by_amount_type_numbers_accounts(data):
    s = data["session"]
    s1, s2, s3 = data["subs"]
    acc1, acc2 = data["accounts"]
    by_amount = payments.query(s, PaymentFilter(amount_min="100", amount_max="1 000,00"))
    assert sorted(r["amount"] for r in by_amount) == [D("100.00"), D("250.50"), D("999.99")]
    by_type = payments.query(s, PaymentFilter(types=("card", "cash")))
    assert {r["document_no"] for r in by_type} == {"П-1", "П-3", "П-4"}
    by_number = payments.query(s, PaymentFilter(subscriber_ids=(s1.id, s2.id)))
    assert {r["document_no"] for r in by_number} == {"П-1", "П-2", "П-3"}
    by_account = payments.totals(s, PaymentFilter(account_ids=(acc2.id,)))
    assert by_account == {"sum": D("5969.99"), "count": 3}
    # numbers and accounts together: the union of both scopes
    both = payments.totals(s, PaymentFilter(subscriber_ids=(s2.id,), account_ids=(acc2.id,)))
    assert both == {"sum": D("5970.00"), "count": 4}


def test_sorting_and_paging(data):
    s = data["session"]
    asc = payments.query(s, PaymentFilter(sort="amount", descending=False), 0, 3)
    assert [r["amount"] for r in asc] == [D("-30.00"), D("0.01"), D("100.00")]
    page2 = payments.query(s, PaymentFilter(sort="amount", descending=False), 3, 3)
    assert [r["amount"] for r in page2] == [D("250.50"), D("999.99"), D("1234.56")]
    for descending in (False, True):  # payments with no number sort last either way
        by_employee = payments.query(s, PaymentFilter(sort="employee", descending=descending))
        assert [r["employee"] for r in by_employee][-2:] == ["", ""]
        assert by_employee[0]["employee"] != ""
    for col in payments.SORT_COLUMNS:
        assert len(payments.query(s, PaymentFilter(sort=col))) == 7


def test_scoped_to_the_company(data):
    s = data["session"]
    foreign = PaymentFilter(subscriber_ids=(data["osub"].id,), account_ids=(data["oacc"].id,))
    assert payments.query(s, foreign) == []
    assert payments.totals(s, foreign) == {"sum": D("0.00"), "count": 0}
    other = payments.totals(data["other_session"], PaymentFilter())
    assert other == {"sum": D("777.77"), "count": 1}


def test_validation_names_the_fields(data):
    s = data["session"]
    with pytest.raises(ValidationError) as exc:
        payments.query(s, PaymentFilter(date_from="2024-06-01", date_to="2024-05-01"))
    assert exc.value.field == "date_from" and "after" in exc.value.message
    with pytest.raises(ValidationError) as exc:
        payments.totals(s, PaymentFilter(amount_min="-5", amount_max="abc"))
    assert set(exc.value.errors) == {"amount_min", "amount_max"}
    assert "negative" in exc.value.errors["amount_min"]
    assert "not an amount" in exc.value.errors["amount_max"]
    with pytest.raises(ValidationError) as exc:
        payments.query(s, PaymentFilter(date_to="31.02.2024"))
    assert exc.value.field == "date_to"
    with pytest.raises(ValidationError) as exc:
        payments.query(s, PaymentFilter(amount_min="10", amount_max="5"))
    assert exc.value.field == "amount_min"
    with pytest.raises(ValidationError) as exc:
        payments.query(s, PaymentFilter(types=("barter",)))
    assert exc.value.field == "types"
    with pytest.raises(ValidationError):
        payments.query(s, PaymentFilter(sort="id; drop table payment"))
    with pytest.raises(ValidationError):
        payments.query(s, PaymentFilter(amount_min=1.5))  # floats are refused


def test_many_numbers_in_one_filter(data):
    """A selection larger than SQLite's parameter limit still filters in SQL."""
    s = data["session"]
    s1 = data["subs"][0]
    ids = tuple(range(10_000_000, 10_040_000)) + (s1.id,)
    assert payments.totals(s, PaymentFilter(subscriber_ids=ids)) == {"sum": D("350.50"), "count": 2}
    assert len(payments.query(s, PaymentFilter(subscriber_ids=ids))) == 2


def test_export_needs_a_money_role(data, tmp_path):
    viewer = Session(data["company"].id, "viewer")
    assert payments.totals(viewer, PaymentFilter())["count"] == 7  # reading is allowed
    with pytest.raises(PermissionDenied):
        payments.export(viewer, PaymentFilter(), "csv", str(tmp_path / "p.csv"))
    assert not (tmp_path / "p.csv").exists()


def test_accounts_overview(data):
    s = data["session"]
    rows = accounts.list_accounts(s, today=dt.date(2024, 5, 20))
    assert [r["number"] for r in rows] == ["100200300", "100200400"]
    a1, a2 = rows
    assert a1["balance"] == D("1500.25") and a2["balance"] == D("-20.00")
    assert (a1["numbers"], a2["numbers"]) == (2, 1)
    assert a1["month_charges"] == D("3128.98")
    assert a2["month_charges"] == D("690.99")
    assert a1["last_payment_at"] == utc(2024, 5, 15, 9, 0)
    assert a1["last_payment_amount"] == D("0.01")
    assert a2["last_payment_at"] == utc(2024, 6, 10, 12, 0)
    assert a2["last_payment_amount"] == D("-30.00")
    june = accounts.list_accounts(s, today=dt.date(2024, 6, 1))
    assert [r["month_charges"] for r in june] == [D("0.00"), D("590.00")]
    assert [r["number"] for r in accounts.list_accounts(data["other_session"])] == ["900"]


def test_parse_amount_refuses_huge_values_with_a_field_error():
    from corptui.errors import ValidationError
    from corptui.periods import parse_amount

    for text in ("100000000000000000000000000", "1e26", Decimal("1E40")):
        with pytest.raises(ValidationError) as err:
            parse_amount(text, "amount_from")
        assert err.value.field == "amount_from"
    assert parse_amount("999 999 999,99", "amount_from") == Decimal("999999999.99")
