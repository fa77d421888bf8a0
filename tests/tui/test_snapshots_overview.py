"""Snapshots at 80x24 of the overview (English and Russian) and of spend by tag with a
budget over (seeded demo data anchored at 2026-10; the app's day fixed; UTC)."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import demo_session, make_app
from conftest import settle as _settle

from corptui import limits, spend

TODAY = dt.date(2026, 10, 20)


@pytest.fixture(autouse=True)
def _utc_english(utc_english):
    """Every test here: UTC and English (the conftest fixture)."""


def _app():
    session = demo_session()
    ids = sorted(spend.number_totals(session.company_id, dt.date(2026, 10, 1)))
    limits.set_limits(session, ids[:2], amount="1")
    limits.set_limits(session, ids[2:3], amount="100000")
    spend.set_budget(session, spend.by_tag(session)["rows"][0]["tag_id"], "1000")
    app = make_app(session)
    app.today = TODAY
    return app


def _open(section, *keys):
    async def run_before(pilot):
        await pilot.pause()
        pilot.app.open_section(section)
        await _settle(pilot)
        for key in keys:
            await pilot.press(key)
            await _settle(pilot)
    return run_before


def test_overview(snap_compare, seeded):
    assert snap_compare(_app(), terminal_size=(80, 24), run_before=_open("overview"))


def test_overview_in_russian(snap_compare, seeded, monkeypatch):
    from corptui import settings

    monkeypatch.delenv("CORPTUI_LANG", raising=False)
    settings.save_ui(demo_session(), "textual-dark", 15, "ru")
    assert snap_compare(_app(), terminal_size=(80, 24), run_before=_open("overview"))


def test_spend_by_tag(snap_compare, seeded):
    assert snap_compare(_app(), terminal_size=(80, 24), run_before=_open("spend"))


def test_spend_budget_dialog(snap_compare, seeded):
    assert snap_compare(_app(), terminal_size=(80, 24), run_before=_open("spend", "b"))
