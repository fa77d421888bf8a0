"""The tags screen driven with Pilot on the seeded demo database."""

from __future__ import annotations

from conftest import make_app
from textual.widgets import DataTable, Input, Static

from corptui import tags as tags_uc
from screens.tags import ColorDialog, ConfirmDeleteDialog, TagNameDialog, TagsScreen
from storage.models import SubscriberTag, Tag


async def _open_tags(app, pilot) -> TagsScreen:
    await pilot.pause()
    screen = TagsScreen()
    result = []
    app.push_screen(screen, result.append)
    await pilot.pause()
    screen.dismissed_with = result
    return screen


def _cells(screen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def _goto(pilot, screen, name: str) -> dict:
    table = screen.query_one(DataTable)
    index = next(i for i, t in enumerate(screen.tags) if t["name"] == name)
    table.move_cursor(row=index)
    await pilot.pause()
    return screen.tags[index]


async def test_lists_tags_with_colour_name_and_count(owner):
    expected = tags_uc.list_tags(owner)
    assert expected
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_tags(app, pilot)
        rows = _cells(screen)
        assert len(rows) == len(expected)
        for row, tag in zip(rows, expected):
            assert row[0] == tag["name"]
            assert row[1] == f"■ {tag['color']}"  # the colour as a word too
            assert row[2] == f"{tag['numbers']:,}"
        await pilot.press("escape")
        await pilot.pause()
        assert screen.dismissed_with == [None]
        assert not isinstance(app.screen, TagsScreen)


async def test_new_tag_field_errors_then_created(owner):
    existing = tags_uc.list_tags(owner)[0]["name"]
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_tags(app, pilot)
        await pilot.press("n")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TagNameDialog)
        error = dialog.query_one("#name-error", Static)
        await pilot.press("enter")  # empty name
        await pilot.pause()
        assert "empty" in str(error.render()) and error.display
        assert isinstance(app.screen, TagNameDialog)
        await pilot.press(*existing.upper())
        await pilot.press("enter")
        await pilot.pause()
        assert "exists" in str(error.render())
        dialog.query_one("#tag-name", Input).value = "[b]VIP[/b]"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        names = [r[0] for r in _cells(screen)]
        assert "[b]VIP[/b]" in names
        assert "Created [b]VIP[/b]." in str(screen.query_one("#tags-status").render())
    tag = Tag.get((Tag.company == owner.company_id) & (Tag.name == "[b]VIP[/b]"))
    assert tag.color == tags_uc.DEFAULT_COLOR


async def test_rename_and_recolor(owner):
    first, second = tags_uc.list_tags(owner)[:2]
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_tags(app, pilot)
        await _goto(pilot, screen, first["name"])
        await pilot.press("r")
        await pilot.pause()
        dialog = app.screen
        assert dialog.query_one("#tag-name", Input).value == first["name"]
        dialog.query_one("#tag-name", Input).value = second["name"]
        await pilot.press("enter")
        await pilot.pause()
        assert "exists" in str(dialog.query_one("#name-error").render())
        dialog.query_one("#tag-name", Input).value = "Переименован"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert screen.current()["id"] == first["id"]
        assert screen.current()["name"] == "Переименован"
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ColorDialog)
        new_color = next(c for c in tags_uc.PALETTE if c != first["color"])
        steps = tags_uc.PALETTE.index(new_color) - tags_uc.PALETTE.index(first["color"])
        await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps))
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        row = next(r for r in _cells(screen) if r[0] == "Переименован")
        assert row[1] == f"■ {new_color}"
    tag = Tag.get_by_id(first["id"])
    assert (tag.name, tag.color) == ("Переименован", new_color)


async def test_delete_confirm_states_the_count(owner):
    tags = tags_uc.list_tags(owner)
    used = max(tags, key=lambda t: t["numbers"])
    assert used["numbers"] > 0
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_tags(app, pilot)
        await _goto(pilot, screen, used["name"])
        await pilot.press("d")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDeleteDialog)
        text = str(dialog.query_one("#confirm-text").render())
        assert f"It is on {used['numbers']:,} numbers" in text
        await pilot.press("n")  # cancel: nothing deleted
        await pilot.pause()
        assert app.screen is screen
        assert Tag.get_or_none(Tag.id == used["id"]) is not None
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is screen
        assert used["name"] not in [r[0] for r in _cells(screen)]
        assert f"it was on {used['numbers']:,} numbers" in str(
            screen.query_one("#tags-status").render())
    assert Tag.get_or_none(Tag.id == used["id"]) is None
    assert SubscriberTag.select().where(SubscriberTag.tag == used["id"]).count() == 0


async def test_markup_tag_name_is_literal_in_dialogs(owner):
    tag = tags_uc.create_tag(owner, "[@click=app.quit]x[/]")
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_tags(app, pilot)
        await _goto(pilot, screen, tag["name"])
        await pilot.press("d")
        await pilot.pause()
        text = str(app.screen.query_one("#confirm-text").render())
        assert "Delete the tag [@click=app.quit]x[/]?" in text
        assert "It is on no numbers." in text
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running


async def test_opened_from_numbers_console_with_g(owner):
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, TagsScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, TagsScreen)
