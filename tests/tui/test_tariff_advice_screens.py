"""The optimiser in the TUI: the insights section's tariffs list (t) with current and
recommended tariff and the saving, s puts them in the numbers console's selection, and a
number's card shows its recommendation with the three months it rests on."""

from __future__ import annotations

import pytest
from conftest import demo_session, make_app
from textual.widgets import Static

from corptui import tariff_optimiser
from corptui.periods import add_months, month_start
from corptui.rating import billing, tariffs
from storage.models import CallRecord


@pytest.fixture
def billed(seeded):
    """The demo's prices and the three months before its last one closed (billed): the
    same months whatever the day the tests run (the seed is anchored to a fixed date)."""
    tariffs.seed_demo_rates()
    last = CallRecord.select(CallRecord.started_at).order_by(
        CallRecord.started_at.desc()).scalar()
    this = month_start(last.date())
    for back in (3, 2, 1):
        m = add_months(this, -back)
        if billing.month_state(1, m) != "billed":
            billing.close_month(1, m)
    return seeded


@pytest.fixture(autouse=True)
def _english(english):
    """Every test here in English (the conftest fixture)."""


async def _tariffs(pilot):
    await pilot.pause()
    pilot.app.open_section("insights")
    await pilot.pause()
    await pilot.press("t")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return pilot.app.screen


async def test_the_list_selects_the_recommended_and_the_card_shows_one(billed):
    session = demo_session()
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _tariffs(pilot)
        found = tariff_optimiser.advice(session)
        assert found["rows"], "the demo has numbers a cheaper tariff saves on"
        assert [r["sid"] for r in screen.rows] == [r["subscriber_id"] for r in found["rows"]]
        first = found["rows"][0]
        assert screen.rows[0]["detail"].startswith(first["current_tariff"] + " -> "
                                                   + first["recommended_tariff"])
        summary = str(screen.query_one("#insights-summary", Static).render())
        assert "Cheaper tariffs" in summary and "a month on another tariff" in summary
        await pilot.press("enter")  # the card of the biggest saving
        await pilot.pause()
        info = str(app.screen._info())  # the card's summary rows as text
        assert f"Cheaper tariff: {first['recommended_tariff']} saves" in info
        assert info.count(" -> ") >= 3 and "Based on" in info
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("s")  # select recommended
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        numbers = app.screen
        assert type(numbers).__name__ == "NumbersScreen"
        assert numbers.table.selected == set(tariff_optimiser.recommended_ids(session))


def test_snapshot_insights_tariffs(snap_compare, billed):
    assert snap_compare(make_app(demo_session()), terminal_size=(80, 24), run_before=_tariffs)
