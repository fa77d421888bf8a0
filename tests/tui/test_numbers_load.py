"""The numbers console while its list loads and on lists too big for one frame, on the
60-number demo with the size thresholds lowered: a first page from SQL at once, search
answered by SQL until the list is in memory (what was typed is kept and applied), and a
search that paints its first matches and completes its count in the following frames."""

from __future__ import annotations

import threading

from conftest import make_app
from conftest import settle as _settle

import screens.numbers as numbers_screen
from corptui import numbers as numbers_uc
from corptui.numbers import NumberFilter
from screens.numbers import NumbersScreen


async def test_typing_during_the_load_is_kept_and_applied(owner, monkeypatch):
    release = threading.Event()
    real_load = numbers_uc.load_view

    def slow_load(session, flt):  # the background load of a big company, held back
        release.wait(10)
        return real_load(session, flt)

    monkeypatch.setattr(numbers_screen, "load_view", slow_load)
    monkeypatch.setattr(numbers_screen, "FIRST_PAGE", 10)
    expected = numbers_uc.matching_ids(owner, NumberFilter(search="ив"))
    assert 0 < len(expected) < 60
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3):
            await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NumbersScreen) and screen.view is None
        assert len(screen.table.ids) == 10  # the first page, at once
        assert "loading 60 numbers" in screen.selection_text()
        await pilot.press("slash", "и", "в")  # typed before the list is in memory
        for _ in range(100):  # SQL answers in a thread (the load is still held back)
            await pilot.pause(0.02)
            if list(screen.table.ids) == expected:
                break
        assert screen.view is None
        assert list(screen.table.ids) == expected  # answered by SQL meanwhile
        await pilot.press("а")  # still typing when the list arrives
        release.set()
        await _settle(pilot)
        assert screen.view is not None
        assert screen.query_one("#search").value == "ива"
        assert list(screen.table.ids) == numbers_uc.matching_ids(
            owner, NumberFilter(search="ива"))
        assert "shown" in screen.selection_text()


async def test_a_search_over_a_list_too_big_for_one_frame_completes_in_steps(
        owner, monkeypatch):
    monkeypatch.setattr(numbers_screen, "SYNC_ROWS", 10)  # as if the list were huge
    monkeypatch.setattr(numbers_screen, "MORE_ROWS", 7)
    monkeypatch.setattr(numbers_screen, "FIRST_PAGE", 3)
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        screen = app.screen
        expected = numbers_uc.matching_ids(owner, NumberFilter(search="9"))
        screen.query_one("#search").value = "9"  # the handler paints the first matches
        scan = screen.scan
        assert scan is not None and not scan.done
        assert 3 <= len(screen.table.ids) < len(expected)
        assert list(screen.table.ids) == expected[:len(screen.table.ids)]
        assert "(searching)" in screen.selection_text()
        for _ in range(40):  # the rest arrives frame by frame
            await pilot.pause(0.01)
            if scan.done:
                break
        assert scan.done and list(screen.table.ids) == expected
        assert "(searching)" not in screen.selection_text()
        # select all during a search still running takes every match
        screen.query_one("#search").value = "1"
        await pilot.press("escape", "a")
        assert screen.table.selected == set(
            numbers_uc.matching_ids(owner, NumberFilter(search="1")))
