"""The numbers console driven with Pilot on the seeded demo database."""

from __future__ import annotations

from conftest import demo_session, make_app
from conftest import settle as _settle

from screens.numbers import NumbersScreen
from screens.widgets.virtual_table import VirtualTable
from storage.models import Subscriber


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


async def test_sort_keys_and_header_click(owner):
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        screen = app.screen
        table = screen.query_one(VirtualTable)
        by_msisdn = list(table.ids)
        await pilot.press("o")  # next column: full_name
        await _settle(pilot)
        assert screen.flt.sort == "full_name"
        names = [Subscriber.get_by_id(i).full_name for i in table.ids]
        assert names == sorted(names) and table.ids != by_msisdn
        await pilot.press("O")
        await _settle(pilot)
        assert screen.flt.descending
        await pilot.click(VirtualTable, offset=(6, 0))  # the "Number" header
        await _settle(pilot)
        assert screen.flt.sort == "msisdn" and not screen.flt.descending
        assert table.ids == by_msisdn


async def test_mouse_click_on_checkbox_toggles(owner):
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        table = app.screen.query_one(VirtualTable)
        await pilot.click(VirtualTable, offset=(1, 3))
        assert table.selected == {table.ids[2]}


async def test_filter_dialog_by_tag_and_status(owner):
    from storage.models import SubscriberTag, Tag

    tag = Tag.get((Tag.company == owner.company_id) & (Tag.name == "Москва"))
    expected = {r.subscriber_id for r in SubscriberTag.select().where(SubscriberTag.tag == tag)}
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        screen = app.screen
        await pilot.press("f")
        await pilot.pause()
        from textual.widgets import Select
        dialog = app.screen
        dialog.query_one("#filter-tag", Select).value = "Москва"
        await pilot.press("ctrl+s")
        await _settle(pilot)
        table = screen.query_one(VirtualTable)
        assert set(table.ids) == expected
        assert "tag Москва" in str(screen.query_one("#filter-summary").render())
        await pilot.press("x")
        await _settle(pilot)
        assert len(table.ids) == 60


async def test_assign_tags_dialog_previews_then_applies(owner):
    from storage.models import SubscriberTag, Tag

    vip = Tag.get((Tag.company == owner.company_id) & (Tag.name == "VIP"))
    before = SubscriberTag.select().where(SubscriberTag.tag == vip).count()
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        table = app.screen.query_one(VirtualTable)
        await pilot.press("a")
        await pilot.press("t")
        await pilot.pause()
        dialog = app.screen
        add = dialog.query_one("#add")
        add.focus()
        add.cursor = add._values.index("VIP")
        await pilot.press("space")
        await pilot.pause()
        preview = str(dialog.query_one("#assign-preview").render())
        assert f"{60 - before} number(s) change" in preview
        assert SubscriberTag.select().where(SubscriberTag.tag == vip).count() == before
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert SubscriberTag.select().where(SubscriberTag.tag == vip).count() == 60
        assert len(table.selected) == 60


async def test_card_edits_name_with_version_check(owner):
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        table = app.screen.query_one(VirtualTable)
        sid = table.ids[0]
        await pilot.press("enter")
        await pilot.pause()
        card = app.screen
        name_input = card.query_one("#full_name")
        name_input.value = "Новикова Ольга Петровна"
        # another admin saves the same card meanwhile
        Subscriber.update(full_name="Другое Имя", version=Subscriber.version + 1).where(
            Subscriber.id == sid).execute()
        await pilot.press("ctrl+s")
        await pilot.pause()
        message = str(card.query_one("#card-message").render())
        assert "Someone else saved" in message and "Другое Имя" in message
        assert Subscriber.get_by_id(sid).full_name == "Другое Имя"
        await pilot.press("ctrl+s")  # overwrite knowingly
        await pilot.pause()
        assert Subscriber.get_by_id(sid).full_name == "Новикова Ольга Петровна"
        name_input.value = ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert card.query_one("#error-full_name").display
        assert Subscriber.get_by_id(sid).full_name == "Новикова Ольга Петровна"
        await pilot.press("escape")  # the emptied name is not saved: it asks first
        await _settle(pilot)
        await pilot.press("y")
        await _settle(pilot)
        assert "Новикова" in "".join(s.text for s in table.render_line(1))


async def test_viewer_card_is_read_only(seeded):
    viewer = demo_session("viewer")
    app = make_app(viewer)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        card = app.screen
        assert card.query_one("#full_name").disabled
        assert "Read only" in str(card.query_one("#card-message").render())


async def test_bulk_action_keys_open_their_dialogs(owner):
    from screens.change_applications import ChangeApplicationDialog
    from screens.forwarding import ForwardingDialog
    from screens.limits import LimitsDialog
    from screens.services_wizard import ServicesWizard
    from screens.undo import UndoDialog

    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await pilot.press("space", "space")
        for key, dialog in (("s", ServicesWizard), ("w", ForwardingDialog), ("l", LimitsDialog),
                            ("c", ChangeApplicationDialog), ("u", UndoDialog)):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, dialog), key
            await pilot.press("escape")
            await pilot.pause()
            if isinstance(app.screen, dialog):  # a dialog with a focused input: esc twice
                await pilot.press("escape")
                await pilot.pause()


async def test_numbers_over_their_limit_are_marked(owner, english):
    """The mark shows the spend in percent of the limit, whole at 80 columns ("over lim"
    was cut to "over li"), with a text marker: "!" over, "~" near."""
    from decimal import Decimal

    from corptui.limits import limit_marks, limit_states
    from screens.numbers import render_cell

    first = Subscriber.select().where((Subscriber.company == owner.company_id)
                                      & (Subscriber.status == "active")).order_by(
        Subscriber.msisdn).first()
    Subscriber.update(spending_limit=Decimal("0.01")).where(Subscriber.id == first.id).execute()
    flags = limit_states(owner)
    marks = limit_marks(owner)
    assert flags.get(first.id) == "over" and marks[first.id][0] == "over"
    assert marks[first.id][1] > 100
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        table = app.screen.query_one(VirtualTable)
        for sid, (state, pct) in marks.items():
            row = table.row(sid)
            if row and row["status"] != "blocked":
                pct = ">999" if pct > 999 else pct
                want = {"over": f"!lim {pct}%", "near": f"~lim {pct}%",
                        "blocked": "!lim block"}[state]
                assert render_cell(row, "status") == want
        shown = "".join(s.text for s in table.render_line(1))
        assert "!lim >999%" in shown, shown


async def test_section_trip_keeps_search_selection_and_refreshes_data(owner):
    """F4 to payments and F2 back: the same console (search, selection, cursor), with a
    change made meanwhile shown; a logout forgets it all."""
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        screen = app.screen
        table = screen.query_one(VirtualTable)
        numbers = [s.msisdn for s in Subscriber.select().where(
            Subscriber.company == owner.company_id)]
        digits = next(d for d in (f"{i:02d}" for i in range(100))
                      if 2 <= sum(d in n for n in numbers) < 20)
        await pilot.press("slash", *digits, "enter")
        await _settle(pilot)
        shown = list(table.ids)
        assert 2 <= len(shown) < 60, digits
        await pilot.press("space", "space")
        picked = set(table.selected)
        assert len(picked) == 2
        await pilot.press("f4")
        await _settle(pilot)
        assert app.screen.SECTION == "payments"
        # someone renames a listed number's employee while the admin is away
        from corptui import employees

        sub = Subscriber.get_by_id(shown[0])
        employees.update_employee(owner, sub.id, "Изменённое Имя", sub.position, sub.version)
        await pilot.press("f2")
        await _settle(pilot)
        assert app.screen is screen
        assert screen.query_one("#search").value == digits
        assert list(table.ids) == shown and table.selected == picked
        assert "Selected 2" in screen.selection_text()
        assert "Изменённое Имя" in "".join(s.text for s in table.render_line(1))
        # the search index was rebuilt from the changed data
        screen.query_one("#search").value = "изменённое"
        await _settle(pilot)
        assert list(table.ids) == [shown[0]]
        app.logout()
        await _settle(pilot)
        assert not screen.is_attached
        app.login(owner)
        await _settle(pilot)
        app.open_section("numbers")  # the login lands on the overview
        await _settle(pilot)
        fresh = app.screen
        assert isinstance(fresh, NumbersScreen) and fresh is not screen
        assert fresh.query_one(VirtualTable).selected == set()
        assert fresh.query_one("#search").value == ""


async def test_a_big_numbers_load_is_frozen_out_of_the_gc_until_logout(owner, monkeypatch):
    """With a large company loaded, full GC passes would walk the index every time
    (40-100 ms at 100k): after the load it is frozen (gc.freeze), and a logout thaws it."""
    import gc

    import screens.numbers as numbers_screen

    monkeypatch.setattr(numbers_screen, "LONG_LIVED_AT", 50)  # the demo has 60 numbers
    gc.unfreeze()
    app = make_app(owner)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await _settle(pilot)
            await pilot.pause()
            assert gc.get_freeze_count() > 0
            app.logout()
            await _settle(pilot)
            assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
