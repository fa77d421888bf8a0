"""Snapshots at 80x24 of the service dialogs (seeded demo data): forwarding, replace SIM,
SIM stock, limits, change application."""

from __future__ import annotations

from conftest import demo_session, make_app
from conftest import settle as _settle

from storage.models import Subscriber


def _ids(n=1):
    return [s.id for s in Subscriber.select(Subscriber.id).where(Subscriber.company == 1)
            .order_by(Subscriber.msisdn).limit(n)]


async def _type(pilot, selector, text):
    widget = pilot.app.screen.query_one(selector)
    widget.focus()
    await pilot.pause()
    await pilot.press(*text)


def test_forwarding_dialog_with_errors(snap_compare, seeded):
    async def run_before(pilot):
        await _settle(pilot)
        await pilot.press("enter")  # the card of the first number
        await _settle(pilot)
        await pilot.press("ctrl+f")
        await _settle(pilot)
        pilot.app.screen.query_one("#fwd-condition").value = "no_answer"
        await _settle(pilot)
        await _type(pilot, "#target", "12345")
        await _type(pilot, "#delay", "40")
        await pilot.press("ctrl+s")
        await _settle(pilot)

    assert snap_compare(make_app(demo_session()), terminal_size=(80, 24), run_before=run_before)


def test_forwarding_bulk_preview(snap_compare, seeded):
    async def run_before(pilot):
        from screens.forwarding import ForwardingDialog

        await _settle(pilot)
        pilot.app.push_screen(ForwardingDialog(_ids(12)))
        await _settle(pilot)
        await _type(pilot, "#target", "+74951234567")
        await pilot.pause()

    assert snap_compare(make_app(demo_session()), terminal_size=(80, 24), run_before=run_before)


def test_replace_sim_dialog_wrong_puk(snap_compare, seeded):
    async def run_before(pilot):
        from corptui.demo import stock_sim
        from screens.sims import ReplaceSimDialog

        await _settle(pilot)
        pilot.app.push_screen(ReplaceSimDialog(_ids()[0]))
        await _settle(pilot)
        iccid, puk = stock_sim(1, 0)
        await _type(pilot, "#iccid", iccid)
        await _type(pilot, "#puk", "00000000" if puk != "00000000" else "11111111")
        await pilot.press("ctrl+s")
        await pilot.pause()

    assert snap_compare(make_app(demo_session()), terminal_size=(80, 24), run_before=run_before)


def test_sim_stock_screen(snap_compare, seeded):
    async def run_before(pilot):
        from screens.sims import SimStockScreen

        await _settle(pilot)
        pilot.app.push_screen(SimStockScreen())
        await _settle(pilot)

    assert snap_compare(make_app(demo_session()), terminal_size=(80, 24), run_before=run_before)


def test_limits_dialog_bulk_with_error(snap_compare, seeded):
    async def run_before(pilot):
        from screens.limits import LimitsDialog

        await _settle(pilot)
        pilot.app.push_screen(LimitsDialog(_ids(5)))
        await _settle(pilot)
        await _type(pilot, "#amount", "12.345")
        await pilot.press("ctrl+s")
        await pilot.pause()

    assert snap_compare(make_app(demo_session()), terminal_size=(80, 24), run_before=run_before)


def test_change_application_form_with_errors(snap_compare, seeded):
    async def run_before(pilot):
        from screens.change_applications import ChangeApplicationDialog

        await _settle(pilot)
        pilot.app.push_screen(ChangeApplicationDialog(_ids(2)))
        await _settle(pilot)
        await _type(pilot, "#contact", "nobody")
        await pilot.press("ctrl+s")
        await pilot.pause()

    assert snap_compare(make_app(demo_session()), terminal_size=(80, 24), run_before=run_before)
