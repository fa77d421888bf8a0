"""The Charges drill-down reaches the call records a usage line sums (issue 19): months
-> numbers -> lines -> Enter: the records with their rated cost (their sum is the line)
-> escape: back to the lines. Also the snapshot of the records screen at 80x24."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from conftest import demo_session, make_app, settle

from corptui.rating import billing, tariffs
from screens.charges import ChargeLinesScreen, ChargeRecordsScreen, ChargesScreen
from screens.widgets.virtual_table import VirtualTable
from storage.models import CallRecord, Charge

TODAY = dt.date(2026, 10, 20)
OCT = dt.date(2026, 10, 1)


@pytest.fixture
def rated(seeded):
    tariffs.seed_demo_rates()
    billing.rate_company_month(1, OCT)
    # the calls line of October with the most records
    import peewee as pw

    top = (CallRecord.select(CallRecord.charge_id, pw.fn.COUNT(CallRecord.id).alias("n"))
           .join(Charge, on=(CallRecord.charge_id == Charge.id))
           .where((Charge.company == 1) & (Charge.period == OCT) & (Charge.kind == "calls"))
           .group_by(CallRecord.charge_id).order_by(pw.SQL("n DESC"), CallRecord.charge_id)
           .first())
    return Charge.get_by_id(top.charge_id)


def app():
    a = make_app(demo_session())
    a.today = TODAY
    return a


async def test_enter_on_a_line_shows_its_records_and_escape_goes_back(rated, english):
    a = app()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(a.screen, ChargesScreen)
        await pilot.press("enter")
        await settle(pilot)
        lines = a.screen
        assert isinstance(lines, ChargeLinesScreen)
        lines.view = "lines"
        lines.show(only_number=rated.subscriber.msisdn)
        table = lines.query_one(VirtualTable)
        row = next(i for i in table.ids if table.row(i)["id"] == rated.id)
        table.cursor = table.ids.index(row)
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        records = a.screen
        assert isinstance(records, ChargeRecordsScreen)
        want = list(CallRecord.select().where(CallRecord.charge_id == rated.id))
        assert want and len(records.rows) == len(want)
        assert sum((r["cost"] for r in records.rows), Decimal(0)) == rated.amount
        assert all(r["kind"] == "voice" and not r["roaming"] for r in records.rows)
        await pilot.press("escape")
        await pilot.pause()
        assert a.screen is lines and lines.view == "lines"


def test_charge_records_screen(snap_compare, rated, utc_english):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.push_screen(ChargeRecordsScreen(rated.id))
        await settle(pilot)

    assert snap_compare(app(), terminal_size=(80, 24), run_before=run_before)
