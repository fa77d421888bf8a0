"""The tariff card (issue 19): from the employee card, y (ctrl+y in a text field) shows
the number's tariff with its fee, bundles, prices and roaming, read only; escape goes
back to the employee card. Snapshot at 80x24."""

from __future__ import annotations

import pytest
from conftest import demo_session, make_app, settle

from corptui.rating import tariffs
from screens.card import EmployeeCard
from screens.tariff_card import TariffCard
from storage.models import Subscriber, Tariff


@pytest.fixture
def priced(seeded):
    tariffs.seed_demo_rates()
    start = Tariff.get(Tariff.code == "biz-start")
    return (Subscriber.select().where((Subscriber.company == 1) & (Subscriber.tariff == start))
            .order_by(Subscriber.id).first())


async def test_the_employee_card_opens_the_tariff_card(priced, english):
    app = make_app(demo_session("viewer"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(EmployeeCard(priced.id))
        await settle(pilot)
        card = app.screen
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, TariffCard)
        text = str(app.screen.query_one("#tariff-text").render())
        assert "minutes: 300" in text and "other mobile networks: 2.50" in text
        assert "Roaming: Europe" in text
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is card


async def test_ctrl_y_works_in_the_name_field(priced, english):
    app = make_app(demo_session("owner"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(EmployeeCard(priced.id))
        await settle(pilot)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert isinstance(app.screen, TariffCard)


def test_tariff_card_screen(snap_compare, priced, utc_english):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.push_screen(TariffCard("biz-start"))
        await settle(pilot)

    assert snap_compare(make_app(demo_session()), terminal_size=(80, 24),
                        run_before=run_before)
