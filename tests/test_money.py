"""Money is one type, one parser and one formatter (corptui.money, corptui.i18n.money):
the card's charges, a limit's spend, money typed in either language, CLI table cells."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from conftest import run_cli
from numbers_core_data import build

from corptui import cards, i18n, limits, money
from corptui.errors import ValidationError
from storage.fields import utcnow
from storage.models import Charge


@pytest.fixture
def data(db):
    return build()


@pytest.fixture
def lang():
    old = i18n.language()
    yield i18n.set_language
    i18n.set_language(old)


@pytest.mark.parametrize("typed, value", [
    ("1000", "1000.00"), ("1,000", "1000.00"), ("1 000", "1000.00"),
    ("1 000,50", "1000.50"), ("1,000.50", "1000.50"), ("1000.5", "1000.50"),
    ("1000,5", "1000.50"), ("12,345,678.9", "12345678.90"), ("1\u00a0452,28 ₽", "1452.28"),
    ("0,5", "0.50"), ("1,5", "1.50"), ("1,50", "1.50"), ("7 руб.", "7.00"),
])
def test_parse_reads_both_languages(typed, value):
    assert money.parse(typed) == Decimal(value)


@pytest.mark.parametrize("typed", ["abc", "1.005", "0,500", "1,00,0", "1.234,50", "1e3",
                                   "NaN", "--1", "1,000,5"])
def test_parse_refuses_what_is_not_an_amount(typed):
    with pytest.raises(ValidationError) as err:
        money.parse(typed, "amount")
    assert err.value.field == "amount"


def test_parse_empty_is_none_and_negative_is_refused():
    assert money.parse("  ") is None and money.parse(None) is None
    with pytest.raises(ValidationError, match="negative"):
        money.parse("-5")
    assert money.parse("-5", negative=True) == Decimal("-5.00")


def test_the_one_formatter_in_both_languages(lang):
    lang("en")
    assert money.text(Decimal("1452.28")) == "1,452.28 ₽"
    lang("ru")
    assert money.text(Decimal("1452.28")).replace("\u00a0", " ") == "1 452,28 ₽"


def test_card_charges_are_rubles_not_kopecks(data):
    """The card summed kopecks and showed them as rubles (145,228.00 for 1,452.28)."""
    s, sub = data["session"], data["subs"][0]
    for amount in ("1000.28", "452.00"):
        Charge.create(company=data["company"], account=data["account"], subscriber=sub,
                      kind="calls", period=dt.date(2026, 10, 1), amount=Decimal(amount))
    assert cards.card(s, sub.id)["charges"] == [{"period": dt.date(2026, 10, 1),
                                                 "amount": Decimal("1452.28")}]


def test_limit_shows_its_spend(data, lang):
    lang("en")
    s, sub = data["session"], data["subs"][0]
    month = utcnow().date().replace(day=1)
    limits.set_limits(s, [sub.id], amount="1 500")
    Charge.create(company=data["company"], account=data["account"], subscriber=sub,
                  kind="calls", period=month, amount=Decimal("1234.50"))
    info = limits.limit_spend(s, [sub.id])[sub.id]
    assert (info["spent"], info["limit"], info["percent"], info["state"]) == (
        Decimal("1234.50"), Decimal("1500.00"), 82, "near")
    assert limits.spend_line(info) == "1,234.50 of 1,500.00 ₽ this month (82%)"
    assert limits.spend_line(limits.limit_spend(s, [data["subs"][1].id])[data["subs"][1].id]) \
        == "none"
    lang("ru")
    assert limits.spend_line(info).replace("\u00a0", " ") == \
        "1 234,50 из 1 500,00 ₽ в этом месяце (82%)"


def test_typed_thousands_are_thousands_and_text_never_removes_a_limit(data):
    s, sub = data["session"], data["subs"][0]
    limits.set_limits(s, [sub.id], amount="1,000")
    assert limits.get_limits(s, sub.id)["spending_limit"] == Decimal("1000.00")
    for typed in ("", "  ", "-", "none"):
        with pytest.raises(ValidationError) as err:
            limits.set_limits(s, [sub.id], amount=typed)
        assert err.value.field == "amount"
    assert limits.get_limits(s, sub.id)["spending_limit"] == Decimal("1000.00")
    limits.set_limits(s, [sub.id], amount=None)  # removing: its own, explicit call
    assert limits.get_limits(s, sub.id)["spending_limit"] is None


def test_cli_limits_show_formats_money_and_spend_and_remove_is_a_flag(data, db_url, lang):
    lang("en")
    co = ["--company", data["company"].name]
    sub = data["subs"][0]
    Charge.create(company=data["company"], account=data["account"], subscriber=sub,
                  kind="calls", period=utcnow().date().replace(day=1), amount=Decimal("1234.5"))
    res = run_cli("--db", db_url, "limits", "set", sub.msisdn, "--amount", "1,500", *co)
    assert res.exit_code == 0, res.output
    res = run_cli("--db", db_url, "limits", "show", sub.msisdn, *co)
    assert res.exit_code == 0, res.output
    assert "1,500.00" in res.output and "1500.00" not in res.output
    assert "1,234.50 of 1,500.00 ₽ this month (82%)" in res.output
    rows = json.loads(run_cli("--db", db_url, "limits", "show", sub.msisdn, "--format",
                              "json", *co).output)
    assert (rows[0]["spending_limit"], rows[0]["spent"]) == ("1500.00", "1234.50")
    res = run_cli("--db", db_url, "limits", "set", sub.msisdn, "--amount", "", *co)
    assert res.exit_code == 1 and "Remove the limit" in res.output
    res = run_cli("--db", db_url, "limits", "set", sub.msisdn, "--remove-limit", *co)
    assert res.exit_code == 0, res.output
    rows = json.loads(run_cli("--db", db_url, "limits", "show", sub.msisdn, "--format",
                              "json", *co).output)
    assert rows[0]["spending_limit"] is None


def test_cli_table_cells_show_formatted_money(lang):
    from corptui.output import render

    lang("en")
    out = render([{"amount": Decimal("2705536.14")}], "table", ["amount"])
    assert "2,705,536.14" in out
    assert render([{"amount": Decimal("2705536.14")}], "csv", ["amount"]).endswith(
        "2705536.14")  # files keep the plain number for programs
