"""Select by list and saved views on the numbers console (Pilot + snapshots)."""

from __future__ import annotations

from conftest import demo_session, make_app
from conftest import settle as _settle

from screens.widgets.virtual_table import VirtualTable
from storage.models import Subscriber


def _msisdns(company_id, k):
    return [s.msisdn for s in Subscriber.select().where(Subscriber.company == company_id)
            .order_by(Subscriber.msisdn.desc()).limit(k)]


async def test_paste_list_selects_and_reports(owner):
    numbers = _msisdns(owner.company_id, 3)
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        table = app.screen.query_one(VirtualTable)
        await pilot.press("p")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#list-text").text = "\n".join(numbers) + "\n79990000001\nмусор"
        await pilot.click("#add")
        await pilot.pause()
        message = str(dialog.query_one("#list-message").render())
        assert "3 found" in message and "1 not in this company" in message and "1 invalid"
        assert len(dialog.query_one("#list-problems", VirtualTable).ids) == 2
        await pilot.pause(0.6)  # not a double click
        await pilot.click("#add")  # select those found
        await _settle(pilot)
        expected = {s.id for s in Subscriber.select().where(Subscriber.msisdn.in_(numbers))}
        assert table.selected == expected
        assert "Selected 3" in app.screen.selection_text()


async def test_paste_list_ctrl_s_selects_those_found_and_lists_repeats(owner):
    numbers = _msisdns(owner.company_id, 2)
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        table = app.screen.query_one(VirtualTable)
        await pilot.press("p")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#list-text").text = "\n".join(numbers + [numbers[0], "мусор"])
        await pilot.press("ctrl+s")
        await pilot.pause()
        problems = dialog.query_one("#list-problems", VirtualTable)
        assert len(problems.ids) == 2  # the invalid line and the repeated one
        rows = dialog._problem_rows(problems.ids)
        assert any(r["reason"] == "repeats line 1" and r["line"] == "3"
                   for r in rows.values())
        assert "ctrl+s" in str(dialog.query_one("#list-message").render())
        await pilot.press("ctrl+s")  # as advertised: selects the numbers found
        await _settle(pilot)
        expected = {s.id for s in Subscriber.select().where(Subscriber.msisdn.in_(numbers))}
        assert table.selected == expected


async def test_save_and_apply_a_view(owner):
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        screen = app.screen
        table = screen.query_one(VirtualTable)
        await pilot.press("slash", *"ива", "enter")
        await pilot.press("o")
        await _settle(pilot)
        shown = list(table.ids)
        await pilot.press("v")
        await pilot.pause()
        await pilot.press(*"Иваны", "enter")
        await pilot.pause()
        await pilot.press("x")  # clear the filter and search
        screen.query_one("#search").value = ""
        await _settle(pilot)
        assert len(table.ids) == 60
        await pilot.press("V")
        await pilot.pause()
        await pilot.press("enter")
        await _settle(pilot)
        assert screen.flt.search == "ива" and screen.flt.sort == "full_name"
        assert table.ids == shown


def test_snapshot_select_by_list(snap_compare, seeded):
    async def run_before(pilot):
        await _settle(pilot)
        await pilot.press("p")
        await pilot.pause()
        pilot.app.screen.query_one("#list-text").text = "79990000001\nмусор\n"
        await pilot.click("#add")
        await pilot.pause(0.4)  # past the button's pressed look (a timer): deterministic

    assert snap_compare(make_app(demo_session()), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_views(snap_compare, seeded):
    from corptui import numbers as n
    from corptui import views

    views.save_view(demo_session(), "Москва, по имени",
                    views.spec_of(n.NumberFilter(tags=("Москва",), sort="full_name")))

    async def run_before(pilot):
        await _settle(pilot)
        await pilot.press("V")
        await pilot.pause()

    assert snap_compare(make_app(demo_session()), terminal_size=(80, 24), run_before=run_before)
