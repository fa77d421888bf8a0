"""Pilot tests of the insights section (issue 12): the lists match the use cases, s selects
the listed numbers in the numbers list, Enter opens the card, b shows who changed it (from
the insights list and from the employee card)."""

from __future__ import annotations

import pytest
from conftest import demo_session, make_app

from corptui import insights


@pytest.fixture(autouse=True)
def _english(english):
    """Every test here in English (the conftest fixture)."""


async def _open(pilot):
    await pilot.pause()
    pilot.app.open_section("insights")
    await pilot.pause()
    await pilot.pause()
    return pilot.app.screen


async def test_unused_lines_then_select_them_in_numbers(seeded):
    session = demo_session()
    expected = [r["subscriber_id"] for r in insights.unused_lines(session)["lines"]]
    assert expected  # the demo seed has idle lines
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        assert type(screen).__name__ == "InsightsScreen"
        assert [r["sid"] for r in screen.rows] == expected
        await pilot.press("s")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        numbers = pilot.app.screen
        assert type(numbers).__name__ == "NumbersScreen"
        assert numbers.table.selected == set(expected)


async def test_modes_days_and_card(seeded):
    session = demo_session()
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        await pilot.press("d")  # 60 -> 90 days
        await pilot.pause()
        assert screen.days == 90
        assert [r["sid"] for r in screen.rows] == [
            r["subscriber_id"] for r in insights.unused_lines(session, days=90)["lines"]]
        await pilot.press("p")
        await pilot.pause()
        opts = insights.unused_options(session)["lines"]
        assert [(r["sid"], r["item"]) for r in screen.rows] == [
            (r["subscriber_id"], f"option:{r['option']}") for r in opts]
        await pilot.press("b")
        await pilot.pause()
        dialog = pilot.app.screen
        assert type(dialog).__name__ == "BlameDialog"
        text = str(dialog.query_one("#blame-text").render())
        assert "before corptui" in text
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        r = insights.changes(session)
        assert screen.month_b == r["month_b"]
        spikes = [row for row in screen.rows if row["what"] == "! Roaming"]
        assert [row["sid"] for row in spikes] == [x["subscriber_id"] for x in r["roaming_spikes"]]
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert screen.month_b.month == r["month_b"].month - 1
        # Enter on a number's row opens its card
        first = next(i for i, row in enumerate(screen.rows) if row.get("sid"))
        screen.table.cursor = first
        await pilot.press("enter")
        await pilot.pause()
        assert type(pilot.app.screen).__name__ == "EmployeeCard"
        assert pilot.app.screen.subscriber_id == screen.rows[first]["sid"]


async def test_card_b_shows_who_changed_it(seeded):
    from corptui import options

    session = demo_session()
    sid = insights.unused_lines(session)["lines"][0]["subscriber_id"]
    options.connect(session.with_source("services wizard"), "geo", [sid])
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        from screens.card import EmployeeCard

        pilot.app.push_screen(EmployeeCard(sid))
        await pilot.pause()
        await pilot.press("ctrl+b")
        await pilot.pause()
        dialog = pilot.app.screen
        assert type(dialog).__name__ == "BlameDialog"
        geo = next(i for i, item in enumerate(dialog.items) if item["item"] == "option:geo")
        dialog.query_one("OptionList").highlighted = geo
        await pilot.pause()
        text = str(dialog.query_one("#blame-text").render())
        assert "options.connect" in text and "services wizard" in text
        assert session.actor in text


async def test_charges_b_on_a_fee_line_shows_who_turned_it_on(seeded):
    import datetime as dt

    from screens.charges import ChargeLinesScreen

    session = demo_session()
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pilot.app.push_screen(ChargeLinesScreen(dt.date(2026, 10, 1), None, "subscription",
                                                "all numbers"))
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        screen = pilot.app.screen
        await pilot.press("v")  # the lines
        await pilot.pause()
        line = screen.rows[screen.table.cursor_id]
        await pilot.press("b")
        await pilot.pause()
        dialog = pilot.app.screen
        assert type(dialog).__name__ == "BlameDialog"
        expected = insights.blame(session, None, f"charge:{line['id']}")
        assert dialog.subscriber_id == expected["subscriber_id"]
        text = str(dialog.query_one("#blame-text").render())
        assert f"Charge line {line['id']}" in text and "before corptui" in text
        await pilot.press("escape")
        await pilot.pause()
        # a calls line is not a recurring fee: the reason, no dialog
        screen.rows = [dict(line, id=_calls_line_id())]
        screen.table.set_ids([0])
        await pilot.press("b")
        await pilot.pause()
        assert type(pilot.app.screen).__name__ == "ChargeLinesScreen"
        assert any("not a recurring fee" in n.message for n in pilot.app._notifications)


def _calls_line_id():
    from storage.models import Charge

    return Charge.get((Charge.company == 1) & (Charge.kind == "calls")).id


async def test_month_keys_stay_within_the_billed_months(seeded):
    session = demo_session()
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        await pilot.press("c")
        await pilot.pause()
        last = screen.month_b
        await pilot.press("right_square_bracket")  # no later month: stays, says why
        await pilot.pause()
        assert screen.month_b == last
        assert any("no charges for" in n.message for n in pilot.app._notifications)
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert (screen.month_b.year, screen.month_b.month) == (
            (last.year, last.month - 1) if last.month > 1 else (last.year - 1, 12))
        r = insights.changes(session, None, screen.month_b)
        assert screen.query_one("#insights-summary").render().plain.count(
            f"{r['month_a']:%m.%Y} -> {r['month_b']:%m.%Y}") == 1
