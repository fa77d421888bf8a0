"""Snapshots (80x24) of long work mid-way: the WorkProgress bar, counts and Cancel in the
services wizard's check, the import's apply and the export dialog. The workers are
replaced by no-ops and the progress is driven by hand, so the pictures are fixed."""

from __future__ import annotations

from conftest import demo_session, make_app

from screens.import_employees import ImportScreen
from screens.money_dialogs import ExportDialog
from screens.services_wizard import ServicesWizard
from screens.widgets.check_list import CheckList
from storage.models import Subscriber

SIZE = (80, 24)


def _no_worker(self, *args, **kwargs) -> None:
    """Stands in for a thread worker: the test reports the progress itself."""


async def _settle(pilot) -> None:
    """Wait for the screens' workers (not the file picker's loader: it never ends)."""
    await pilot.pause()
    mine = [w for w in pilot.app.workers if w.group != "_loader"]
    if mine:
        await pilot.app.workers.wait_for_complete(mine)
    await pilot.pause()


def _ids(n: int) -> set[int]:
    return {s.id for s in Subscriber.select(Subscriber.id).where(Subscriber.company == 1)
            .order_by(Subscriber.msisdn).limit(n)}


def test_services_check_mid_way(snap_compare, seeded, utc_english, monkeypatch):
    monkeypatch.setattr(ServicesWizard, "_check_worker", _no_worker)

    async def run_before(pilot):
        await _settle(pilot)
        pilot.app.push_screen(ServicesWizard(_ids(60)))
        await pilot.pause()
        screen = pilot.app.screen
        lst = screen.query_one("#connect", CheckList)
        lst.selected = {lst._values.index("int-calls")}
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen._progress(24, 60)
        await pilot.pause()

    assert snap_compare(make_app(demo_session()), terminal_size=SIZE, run_before=run_before)


def test_import_apply_mid_way(snap_compare, seeded, utc_english, monkeypatch, tmp_path):
    monkeypatch.setattr(ImportScreen, "_apply_worker", _no_worker)
    subs = list(Subscriber.select().where(Subscriber.company == 1)
                .order_by(Subscriber.msisdn).limit(40))
    path = tmp_path / "staff.csv"
    path.write_text("".join(f"{s.msisdn},Новое Имя {i}\n" for i, s in enumerate(subs)),
                    encoding="utf-8")

    async def run_before(pilot):
        await _settle(pilot)
        screen = ImportScreen()
        pilot.app.push_screen(screen)
        await pilot.pause()
        screen.query_one("#path").value = str(path)
        screen.query_one("#path").focus()
        await pilot.press("enter")
        await _settle(pilot)
        screen.start_apply()
        screen._progress(20, 40)
        await pilot.pause()

    assert snap_compare(make_app(demo_session()), terminal_size=SIZE, run_before=run_before)


def test_export_mid_way(snap_compare, seeded, utc_english, monkeypatch):
    monkeypatch.setattr(ExportDialog, "_export", _no_worker)
    from corptui import settings

    settings.save_exports_dir(demo_session(), "/srv/corptui/exports")  # shown: not a tmp path

    async def run_before(pilot):
        await _settle(pilot)
        await pilot.press("f4")
        await _settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        dialog = pilot.app.screen
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog._progress(8, 19)  # the 19 payments shown
        await pilot.pause()

    assert snap_compare(make_app(demo_session()), terminal_size=SIZE, run_before=run_before)
