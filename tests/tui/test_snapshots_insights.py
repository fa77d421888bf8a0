"""Snapshots at 80x24 of the insights section: unused lines, paid options never used,
month over month, and the who-changed-it dialog (seeded demo data anchored at 2026-10; the
window ends with the latest billed month, so no "now" is shown)."""

from __future__ import annotations

import pytest
from conftest import demo_session, make_app


@pytest.fixture(autouse=True)
def _english(english):
    """Every test here in English (the conftest fixture)."""


async def _open(pilot):
    await pilot.pause()
    pilot.app.open_section("insights")
    await pilot.pause()
    await pilot.pause()


def test_insights_unused_lines(snap_compare, seeded):
    assert snap_compare(make_app(demo_session()), terminal_size=(80, 24), run_before=_open)


def test_insights_unused_options(snap_compare, seeded):
    assert snap_compare(make_app(demo_session()), terminal_size=(80, 24), run_before=_open,
                        press=["p"])


def test_insights_month_over_month(snap_compare, seeded):
    assert snap_compare(make_app(demo_session()), terminal_size=(80, 24), run_before=_open,
                        press=["c"])


def test_insights_who_changed_it(snap_compare, seeded):
    assert snap_compare(make_app(demo_session()), terminal_size=(80, 24), run_before=_open,
                        press=["b"])
