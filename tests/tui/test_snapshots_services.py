"""Snapshots (80x24) of each step of the "Tariffs and options" wizard: choose (with a
field error), the check with marked numbers and the reason line, and the summary."""

from __future__ import annotations

from conftest import demo_session, make_app

from screens.services_wizard import ServicesWizard
from screens.widgets.check_list import CheckList
from storage.models import Subscriber

SIZE = (80, 24)


def _ids(n: int) -> set[int]:
    return {s.id for s in Subscriber.select(Subscriber.id).where(Subscriber.company == 1)
            .order_by(Subscriber.msisdn).limit(n)}


async def _open(pilot, n=30) -> ServicesWizard:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    pilot.app.push_screen(ServicesWizard(_ids(n)))
    await pilot.pause()
    return pilot.app.screen


def _mark(screen, list_id: str, code: str) -> None:
    lst = screen.query_one(f"#{list_id}", CheckList)
    lst.selected = {lst._values.index(code)}
    lst.refresh()


async def _settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_wizard_step1_choose(snap_compare, seeded):
    async def run_before(pilot):
        screen = await _open(pilot)
        _mark(screen, "connect", "int-calls")
        screen.query_one("#date_until").value = "01.01.2020"
        await pilot.press("ctrl+s")  # the end date is in the past: a field error
        await pilot.pause()

    assert snap_compare(make_app(demo_session()), terminal_size=SIZE, run_before=run_before)


def test_wizard_step2_check(snap_compare, seeded):
    async def run_before(pilot):
        screen = await _open(pilot)
        _mark(screen, "connect", "int-calls")
        await pilot.press("ctrl+s")
        await _settle(pilot)

    assert snap_compare(make_app(demo_session()), terminal_size=SIZE, run_before=run_before)


def test_wizard_step3_summary(snap_compare, seeded):
    async def run_before(pilot):
        screen = await _open(pilot)
        _mark(screen, "connect", "int-calls")
        await pilot.press("ctrl+s")
        await _settle(pilot)
        await pilot.press("ctrl+s")
        await _settle(pilot)

    assert snap_compare(make_app(demo_session()), terminal_size=SIZE, run_before=run_before)
