"""Snapshots at 80x24 of the numbers console and its dialogs (seeded demo data)."""

from __future__ import annotations

from conftest import demo_session, make_app
from conftest import settle as _settle


def test_numbers_screen(snap_compare, seeded):
    async def run_before(pilot):
        await _settle(pilot)
        await pilot.press("space", "space", "down")

    assert snap_compare(make_app(demo_session()), terminal_size=(80, 24), run_before=run_before)


def test_numbers_search(snap_compare, seeded):
    async def run_before(pilot):
        await _settle(pilot)
        await pilot.press("slash", *"иван")
        await _settle(pilot)

    assert snap_compare(make_app(demo_session()), terminal_size=(80, 24), run_before=run_before)


def test_employee_card(snap_compare, seeded):
    async def run_before(pilot):
        await _settle(pilot)
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(make_app(demo_session()), terminal_size=(80, 24), run_before=run_before)


def test_assign_tags_dialog(snap_compare, seeded):
    async def run_before(pilot):
        await _settle(pilot)
        await pilot.press("a", "t")
        await pilot.pause()
        await pilot.press("down", "space")
        await pilot.pause()

    assert snap_compare(make_app(demo_session()), terminal_size=(80, 24), run_before=run_before)


def test_filter_dialog(snap_compare, seeded):
    async def run_before(pilot):
        await _settle(pilot)
        await pilot.press("f")
        await pilot.pause()

    assert snap_compare(make_app(demo_session()), terminal_size=(80, 24), run_before=run_before)


def test_settings_screen(snap_compare, seeded):
    from corptui import settings

    settings.save_exports_dir(demo_session(), "/srv/corptui/exports")  # shown: not a tmp path
    async def run_before(pilot):
        await _settle(pilot)
        pilot.app.open_section("settings")
        await _settle(pilot)

    assert snap_compare(make_app(demo_session()), terminal_size=(80, 24), run_before=run_before)


def test_go_to_menu(snap_compare, seeded):
    async def run_before(pilot):
        await _settle(pilot)
        await pilot.press("ctrl+g")
        await pilot.pause()

    assert snap_compare(make_app(demo_session()), terminal_size=(80, 24), run_before=run_before)
