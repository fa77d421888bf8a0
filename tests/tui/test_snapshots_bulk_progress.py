"""Snapshots (80x24) of bulk changes mid-way: the forwarding dialog setting a rule on a
selection, and the services wizard applying its plan (bar, counts, Cancel esc). The
workers are replaced by no-ops and the progress is driven by hand, so the pictures are
fixed."""

from __future__ import annotations

from conftest import demo_session, make_app

from screens.forwarding import ForwardingDialog
from screens.services_wizard import ServicesWizard
from screens.widgets.check_list import CheckList
from screens.widgets.work_progress import WorkProgress
from storage.models import Subscriber

SIZE = (80, 24)


def _no_worker(self, *args, **kwargs) -> None:
    """Stands in for a thread worker: the test reports the progress itself."""


async def _settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _ids(n: int) -> list[int]:
    return [s.id for s in Subscriber.select(Subscriber.id).where(Subscriber.company == 1)
            .order_by(Subscriber.msisdn).limit(n)]


def test_forwarding_bulk_set_mid_way(snap_compare, seeded, utc_english, monkeypatch):
    monkeypatch.setattr(ForwardingDialog, "_bulk_worker", _no_worker)

    async def run_before(pilot):
        await _settle(pilot)
        pilot.app.push_screen(ForwardingDialog(_ids(40)))
        await _settle(pilot)
        dialog = pilot.app.screen
        dialog.query_one("#fwd-condition").value = "busy"
        dialog.query_one("#target").value = "+7 495 111-22-33"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog.query_one("#fwd-progress", WorkProgress).update(30, 40)
        await pilot.pause()

    assert snap_compare(make_app(demo_session()), terminal_size=SIZE, run_before=run_before)


def test_services_apply_mid_way(snap_compare, seeded, utc_english, monkeypatch):
    monkeypatch.setattr(ServicesWizard, "_apply_worker", _no_worker)

    async def run_before(pilot):
        await _settle(pilot)
        pilot.app.push_screen(ServicesWizard(set(_ids(60))))
        await pilot.pause()
        screen = pilot.app.screen
        lst = screen.query_one("#connect", CheckList)
        lst.selected = {lst._values.index("who-called")}
        await pilot.press("ctrl+s")
        await _settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen._progress(20, 57)  # 57 of the 60 numbers pass the check
        await pilot.pause()

    assert snap_compare(make_app(demo_session()), terminal_size=SIZE, run_before=run_before)
