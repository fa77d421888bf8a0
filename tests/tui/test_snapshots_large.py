"""The main screens at 120x40 in the dark theme, and the numbers list with NO_COLOR
(what an SSH session without colours shows: markers, not colours)."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import demo_session, make_app, settle as _settle

TODAY = dt.date(2026, 10, 20)


@pytest.fixture(autouse=True)
def _utc_english(utc_english):
    """Every test here: UTC and English (the conftest fixture)."""


def _app():
    app = make_app(demo_session())
    app.today = TODAY
    return app


MAIN_SCREENS = ["numbers", "accounts", "payments", "charges", "calls", "documents", "users",
                "audit"]


@pytest.mark.parametrize("section", MAIN_SCREENS)
def test_main_screen_120x40(snap_compare, seeded, section):
    async def run_before(pilot):
        pilot.app.theme = "textual-dark"
        await _settle(pilot)
        if section != "numbers":
            pilot.app.open_section(section)
            await _settle(pilot)
        if section == "numbers":
            await pilot.press("space", "down", "space")

    assert snap_compare(_app(), terminal_size=(120, 40),
                        run_before=run_before)


def test_numbers_no_color(snap_compare, seeded, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = _app()
    assert app.no_color

    async def run_before(pilot):
        await _settle(pilot)
        await pilot.press("space", "down", "down")

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
