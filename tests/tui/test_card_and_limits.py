"""The employee card and the limits dialog through Pilot: money as the one formatter
shows it, a limit with its spend, removing a limit only on purpose."""

from __future__ import annotations

from decimal import Decimal

from conftest import make_app
from conftest import settle as _settle

from corptui import cards, limits
from corptui.i18n import money
from screens.card import EmployeeCard
from screens.limits import LimitsDialog
from storage.models import Subscriber


def _sub(session):
    return (Subscriber.select().where(Subscriber.company == session.company_id)
            .order_by(Subscriber.msisdn).first())


def _text(screen, selector) -> str:
    return str(screen.query_one(selector).render())


async def test_card_shows_charges_in_rubles_and_the_limit_with_its_spend(owner, english):
    sub = _sub(owner)
    limits.set_limits(owner, [sub.id], amount="1500")
    data = cards.card(owner, sub.id)
    assert data["charges"], "the seeded number has charges"
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        app.push_screen(EmployeeCard(sub.id))
        await _settle(pilot)
        info = _text(app.screen, "#card-info")
        for c in data["charges"]:
            assert f"{c['period']:%m.%Y} {money(c['amount'])}" in info
        assert "RUB" not in info
        assert "Spending limit: " + limits.spend_line(data["limit_spend"]) in info
        assert " of 1,500.00 ₽ " in info


async def test_limits_dialog_reads_thousands_and_removes_only_on_purpose(owner, english):
    sub = _sub(owner)
    limits.set_limits(owner, [sub.id], amount="1500")
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        app.push_screen(LimitsDialog([sub.id]))
        await _settle(pilot)
        dialog = app.screen
        assert dialog.query_one("#amount").value == "1,500.00"
        assert " of 1,500.00 ₽ " in _text(dialog, "#limits-spend")
        dialog.query_one("#amount").value = "2,000"
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert Subscriber.get_by_id(sub.id).spending_limit == Decimal("2000.00")
        assert " of 2,000.00 ₽ " in _text(dialog, "#limits-spend")
        for typed in ("", "-"):
            dialog.query_one("#amount").value = typed
            await pilot.press("ctrl+s")
            await _settle(pilot)
            assert dialog.query_one("#error-amount").display
            assert Subscriber.get_by_id(sub.id).spending_limit == Decimal("2000.00")
        dialog.query_one("#remove-limit").press()
        await _settle(pilot)
        await pilot.press("y")  # the question: remove the limit?
        await _settle(pilot)
        assert app.screen is dialog
        assert Subscriber.get_by_id(sub.id).spending_limit is None
        assert dialog.query_one("#amount").value == ""
        assert not dialog.query_one("#remove-limit").display
