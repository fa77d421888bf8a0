"""The numbers console driven with Pilot on the seeded demo database."""

from __future__ import annotations

from conftest import demo_session, make_app

from screens.numbers import NumbersScreen
from screens.widgets.virtual_table import VirtualTable
from storage.models import Subscriber


async def _settle(pilot):
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_lists_all_numbers_with_count_line(owner):
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        screen = app.screen
        assert isinstance(screen, NumbersScreen)
        table = screen.query_one(VirtualTable)
        assert len(table.ids) == 60
        assert "Selected 0 · shown 60 · total 60" in screen.selection_text()


async def test_space_select_all_invert_clear(owner):
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        table = app.screen.query_one(VirtualTable)
        first = table.ids[0]
        await pilot.press("space")
        assert table.selected == {first}
        assert table.cursor == 1
        await pilot.press("i")
        assert len(table.selected) == 59 and first not in table.selected
        await pilot.press("a")
        assert len(table.selected) == 60
        assert "Selected 60 · shown 60" in app.screen.selection_text()
        await pilot.press("A")
        assert table.selected == set()


async def test_search_keeps_selection_and_enter_returns_to_list(owner):
    target = Subscriber.select().where(Subscriber.company == owner.company_id).order_by(
        Subscriber.msisdn).first()
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        table = app.screen.query_one(VirtualTable)
        await pilot.press("a")
        await pilot.press("slash")
        digits = target.msisdn[1:8]
        await pilot.press(*digits)
        await _settle(pilot)
        assert target.id in table.ids
        assert len(table.ids) < 60
        await pilot.press("enter")
        assert app.focused is table
        # selection survives the filter: all 60 stay selected, some hidden
        assert len(table.selected) == 60
        assert "hidden by the filter" in app.screen.selection_text()


async def test_search_by_cyrillic_name_folds_case_and_yo(owner):
    sub = Subscriber.select().where((Subscriber.company == owner.company_id)
                                    & (Subscriber.full_name != "")).first()
    last = sub.full_name.split()[0]
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await pilot.press("slash")
        await pilot.press(*last.upper().replace("Ё", "Е"))
        await _settle(pilot)
        table = app.screen.query_one(VirtualTable)
        assert sub.id in table.ids


async def test_markup_in_names_is_shown_literally(owner):
    sub = Subscriber.select().where(Subscriber.company == owner.company_id).order_by(
        Subscriber.msisdn).first()
    Subscriber.update(full_name="[/] [@click=app.quit] [VIP]\x1b[31m").where(
        Subscriber.id == sub.id).execute()
    app = make_app(owner)
    async with app.run_test(size=(120, 24)) as pilot:
        await _settle(pilot)
        table = app.screen.query_one(VirtualTable)
        line = "".join(seg.text for seg in table.render_line(1))
        assert "[/] [@click=app.quit] [VIP]?[3" in line  # ESC shown as ?
        await pilot.click(VirtualTable, offset=(30, 1))
        assert app.is_running


async def test_the_other_company_is_not_listed(owner):
    other = demo_session("owner", company=2)
    app = make_app(other)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        table = app.screen.query_one(VirtualTable)
        ids = set(table.ids)
        assert len(ids) == 40
        assert not Subscriber.select().where(
            Subscriber.id.in_(list(ids)) & (Subscriber.company == owner.company_id)).exists()
