"""Background work happens by itself: the app runs the job queue while it is open (its own
worker thread), one worker per SQLite database, and a command that queues work nobody
will run says how to get it done."""

from __future__ import annotations

import asyncio

import pytest
from conftest import demo_session, make_app, run_cli, settle

from corptui import worker
from storage.models import Document, PersonalAccount

pytestmark = pytest.mark.app_worker


async def _wait_for(pilot, condition, seconds: float = 60.0) -> bool:
    for _ in range(int(seconds / 0.25)):
        if condition():
            return True
        await asyncio.sleep(0.25)
        await pilot.pause()
    return condition()


async def test_a_document_ordered_in_the_app_becomes_ready_without_another_process(seeded):
    app = make_app(demo_session(), background=True)  # as `corptui` starts it
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.embedded_worker is not None and app.embedded_worker.running
        await pilot.press("f12")
        await settle(pilot)
        assert app.screen.SECTION == "documents"
        await pilot.press("c")  # a reconciliation act: every step's default, then Finish
        await settle(pilot)
        wiz = app.screen
        for _ in range(6):
            if not wiz.is_attached:
                break
            wiz.action_next()
            await settle(pilot)
        assert not wiz.is_attached, [str(w.render()) for w in wiz.query(".field-error")]
        doc = Document.select().order_by(Document.id.desc()).get()
        assert doc.type == "reconciliation_act"
        assert await _wait_for(pilot, lambda: Document.get_by_id(doc.id).state == "ready"), \
            Document.get_by_id(doc.id).state
        # the list shows it ready without a key pressed
        screen = app.screen

        def listed_ready() -> bool:
            return any(r["id"] == doc.id and r["state"] == "ready" for r in screen.rows)
        assert await _wait_for(pilot, listed_ready, 20)
    assert not app.embedded_worker.running  # the thread ends with the app


async def test_one_worker_per_sqlite_database(seeded):
    app = make_app(demo_session(), background=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert worker.worker_present(seeded) is True
        # a second app on the same file does not run the queue too
        other = worker.EmbeddedWorker(seeded)
        assert other.start() is False
        # nor does `corptui worker`: it says who does and exits
        result = run_cli("--db", seeded, "worker", "--once")
        assert result.exit_code == 1
        assert "another worker runs the queue of this database" in result.output
    from corptui.database import open_database

    open_database(seeded)
    assert worker.worker_present(seeded) is False
    result = run_cli("--db", seeded, "worker", "--once")
    assert result.exit_code == 0, result.output


def test_a_cli_order_with_no_worker_running_says_how_to_get_it_done(seeded):
    acc = PersonalAccount.select().where(PersonalAccount.company == 1).first()
    result = run_cli("--db", seeded, "documents", "order", "reconciliation", "--company",
                     "ООО «Северный ветер»", "--account", acc.number, "--from", "2026-09-01",
                     "--to", "2026-09-30")
    assert result.exit_code == 0, result.output
    assert "nothing runs it" in result.output and "corptui worker" in result.output
    # with a worker holding the queue (an open app), nothing to say
    slot = worker.WorkerSlot(seeded)
    assert slot.acquire()
    try:
        result = run_cli("--db", seeded, "documents", "order", "reconciliation", "--company",
                         "ООО «Северный ветер»", "--account", acc.number, "--from",
                         "2026-09-01", "--to", "2026-09-30")
    finally:
        slot.release()
    assert result.exit_code == 0 and "nothing runs" not in result.output


async def test_the_app_tells_when_jobs_wait_and_nothing_runs_them(seeded, monkeypatch):
    from corptui import documents

    monkeypatch.setenv("CORPTUI_APP_WORKER", "0")  # e.g. a server that switched it off
    acc = PersonalAccount.select().where(PersonalAccount.company == 1).first()
    documents.order(demo_session(), "reconciliation", [acc.number], [], "2026-09-01",
                    "2026-09-30", "pdf")
    app = make_app(demo_session(), background=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.embedded_worker is None
        app.check_queue()
        await settle(pilot)
        texts = [str(n.message) for n in app._notifications]
        assert any("nothing runs it" in t and "corptui worker" in t for t in texts), texts
