"""Snapshots at 80x24 of the accounts, payments, charges and calls screens and of the
export dialog (seeded demo data anchored at 2026-10; presets count from app.today; times
shown in UTC, numbers in English)."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import demo_session, make_app
from conftest import settle as _settle

TODAY = dt.date(2026, 10, 20)


@pytest.fixture(autouse=True)
def _utc_english(utc_english):
    """Every test here: UTC and English (the conftest fixture)."""


def app():
    a = make_app(demo_session())
    a.today = TODAY
    return a


def _press(*keys):
    async def run_before(pilot):
        await _settle(pilot)
        for key in keys:
            await pilot.press(key)
            await _settle(pilot)

    return run_before


def test_accounts_screen(snap_compare, seeded):
    assert snap_compare(app(), terminal_size=(80, 24), run_before=_press("f3", "space"))


def test_payments_screen_last_month(snap_compare, seeded):
    assert snap_compare(app(), terminal_size=(80, 24), run_before=_press("f4", "2"))


def test_payments_filter_dialog_with_errors(snap_compare, seeded):
    async def run_before(pilot):
        await _press("f4", "f")(pilot)
        pilot.app.screen.query_one("#amount_min").value = "abc"
        pilot.app.screen.query_one("#date_to").value = "31.02.2026"
        await pilot.press("ctrl+s")
        await _settle(pilot)

    assert snap_compare(app(), terminal_size=(80, 24), run_before=run_before)


def test_payments_export_dialog(snap_compare, seeded):
    from corptui import settings

    settings.save_exports_dir(demo_session(), "/srv/corptui/exports")  # shown: not a tmp path
    assert snap_compare(app(), terminal_size=(80, 24), run_before=_press("f4", "e"))


def test_charges_screen(snap_compare, seeded):
    assert snap_compare(app(), terminal_size=(80, 24), run_before=_press("f5"))


def test_charges_drill_down(snap_compare, seeded):
    assert snap_compare(app(), terminal_size=(80, 24), run_before=_press("f5", "enter"))


def test_calls_screen(snap_compare, seeded):
    assert snap_compare(app(), terminal_size=(80, 24), run_before=_press("f6", "4"))


def test_number_picker(snap_compare, seeded):
    assert snap_compare(app(), terminal_size=(80, 24),
                        run_before=_press("f4", "n", "space", "space"))
