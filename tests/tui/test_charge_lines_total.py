"""The lines of one number (Enter on a number in the month's drill-down) say the total of
those lines, not of the whole month (the walk found '5 lines · total 27,461,622.99 ₽' for
five lines of 17,632.22)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from conftest import demo_session, make_app, settle

from screens.money_dialogs import money_text
from screens.charges import ChargeLinesScreen
from screens.widgets.virtual_table import VirtualTable


async def test_one_numbers_lines_total_only_its_lines(seeded, english):
    app = make_app(demo_session())
    app.today = dt.date.today()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        months = app.screen
        await app.workers.wait_for_complete()
        await pilot.pause()
        billed = [i for i, r in enumerate(months.months) if r["total"]]
        months.table.cursor = months.table.ids.index(billed[0])
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        lines = app.screen
        assert isinstance(lines, ChargeLinesScreen) and lines.lines
        numbers = {ln["number"] for ln in lines.lines}
        assert len(numbers) > 1
        lines.view = "numbers"
        lines.show()
        table = lines.query_one(VirtualTable)
        table.cursor = 0
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        shown = lines.rows
        assert shown and len({ln["number"] for ln in shown}) == 1
        own = sum((ln["amount"] for ln in shown), Decimal("0.00"))
        month = sum((ln["amount"] for ln in lines.lines), Decimal("0.00"))
        assert own != month
        text = str(lines.query_one("#drill-line").render())
        assert f"total {money_text(own)}" in text, text
