"""Pilot tests of the overview (where a login lands) and of spend by tag: the lines open
their sections already filtered; the setting that lands on the numbers console instead;
budgets and the export from the spend screen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from conftest import demo_session, make_app
from conftest import settle as _settle
from textual.widgets import Input

from corptui import demo, insights, limits, spend
from corptui import settings as settings_uc

OWNER = next(lg for lg in demo.DEMO_LOGINS if lg["role"] == "owner")
TODAY = dt.date(2026, 10, 20)


@pytest.fixture(autouse=True)
def _english(utc_english):
    """Every test here in English and UTC (the conftest fixture)."""


def _app(session=None):
    app = make_app(session)
    app.today = TODAY
    return app


async def _login(pilot):
    screen = pilot.app.screen
    screen.query_one("#phone", Input).value = OWNER["phone"]
    screen.query_one("#password", Input).value = OWNER["password"]
    screen.query_one("#password", Input).focus()
    await pilot.press("enter")
    await _settle(pilot)


async def _overview(pilot):
    await pilot.pause()
    pilot.app.open_section("overview")
    await _settle(pilot)
    return pilot.app.screen


def _line(screen, start: str) -> int:
    return next(r["id"] for r in screen.rows if r["line"].startswith(start))


async def _open_line(pilot, screen, start: str):
    screen.table.cursor = _line(screen, start)
    await pilot.press("enter")
    await _settle(pilot)
    await _settle(pilot)
    return pilot.app.screen


async def test_login_lands_on_the_overview_then_the_numbers_a_key_away(seeded):
    app = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _login(pilot)
        assert type(app.screen).__name__ == "OverviewScreen"
        assert app.screen.rows and not app.screen.updating
        await pilot.press("n")
        await _settle(pilot)
        assert type(app.screen).__name__ == "NumbersScreen"
        await pilot.press("shift+f2")
        await _settle(pilot)
        assert type(app.screen).__name__ == "OverviewScreen"


async def test_the_setting_lands_on_the_numbers_console(seeded):
    settings_uc.save_ui(demo_session(), "textual-dark", 15, "en", start="numbers")
    assert settings_uc.ui()["start"] == "numbers"
    app = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _login(pilot)
        assert type(app.screen).__name__ == "NumbersScreen"


async def test_lines_open_their_section_filtered(seeded):
    session = demo_session()
    limits.set_limits(session, sorted(spend.number_totals(session.company_id,
                                                          dt.date(2026, 10, 1)))[:3], amount="1")
    states = limits.limit_states(session)
    over = {sid for sid, st in states.items() if st in ("over", "blocked")}
    assert len(over) >= 3
    app = _app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _overview(pilot)
        numbers = await _open_line(pilot, screen, "Over the limit")
        assert type(numbers).__name__ == "NumbersScreen"
        assert set(numbers.table.ids) == over
        assert "over the limit" in str(numbers.query_one("#filter-summary").render())
        await pilot.press("x")  # clears it
        await _settle(pilot)
        assert len(numbers.table.ids) == numbers.total
        screen = await _overview(pilot)
        found = await _open_line(pilot, screen, "Idle 60 days")
        assert type(found).__name__ == "InsightsScreen" and found.mode == "unused"
        assert [r["sid"] for r in found.rows] == [
            r["subscriber_id"] for r in insights.unused_lines(session)["lines"]]
        screen = await _overview(pilot)
        found = await _open_line(pilot, screen, "Paid options never used")
        assert found.mode == "options"


async def test_budget_line_opens_spend_on_the_tag(seeded):
    session = demo_session()
    r = spend.by_tag(session)
    tag = r["rows"][2]
    spend.set_budget(session, tag["tag_id"], "1")  # far over
    app = _app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _overview(pilot)
        head = next(x for x in screen.rows if x["line"].startswith("Budgets:"))
        assert head["mark"] == "!" and "1 of 1 tag over budget" in head["line"]
        found = await _open_line(pilot, screen, f"  {tag['name']}:")
        assert type(found).__name__ == "SpendScreen"
        assert found.current()["tag_id"] == tag["tag_id"]


async def test_spend_screen_budget_dialog_and_numbers_of_a_tag(seeded, tmp_path):
    session = demo_session()
    expected = spend.by_tag(session)
    app = _app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_section("spend")
        await _settle(pilot)
        screen = app.screen
        assert [r["raw"]["name"] for r in screen.rows] == [r["name"] for r in expected["rows"]]
        first = screen.current()
        await pilot.press("b")
        await _settle(pilot)
        field = app.screen.query_one("#budget", Input)
        field.value = "-5"
        await pilot.press("enter")
        await _settle(pilot)
        assert type(app.screen).__name__ == "BudgetDialog"  # the error stays in the form
        field.value = "1 000,50"
        await pilot.press("enter")
        await _settle(pilot)
        assert type(app.screen).__name__ == "SpendScreen"
        assert spend.by_tag(session)["rows"][0]["budget"] == Decimal("1000.50")
        assert screen.current()["tag_id"] == first["tag_id"]
        assert screen.current()["name"].startswith("! ")  # over budget, without colour
        await pilot.press("enter")
        await _settle(pilot)
        await _settle(pilot)
        numbers = app.screen
        assert type(numbers).__name__ == "NumbersScreen"
        assert numbers.flt.tags == (first["tag"],)
        assert len(numbers.table.ids) == first["raw"]["numbers"]
