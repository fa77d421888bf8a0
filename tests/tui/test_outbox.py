"""Outbox screen (F11) on the seeded demo database: notifications with state, attempts
and last error, `r` sends a failed one again, live job progress; help (`?`) shows the
screen's keys and the hotlines from config.toml; an 80x24 snapshot."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import demo_session, make_app
from textual.widgets import Static

from corptui import jobs, notify
from screens.help import HelpScreen
from screens.outbox import OutboxScreen
from screens.widgets.virtual_table import VirtualTable
from storage.models import Job, Notification

SIZE = (80, 24)


@pytest.fixture
def outbox_data(owner, monkeypatch, tmp_path):
    """Five notifications of the main company in every state, one of another company,
    and two jobs: one running at 40 %, one queued. Deterministic (no SMTP, no gateway)."""
    monkeypatch.delenv("CORPTUI_SMTP_URL", raising=False)
    monkeypatch.delenv("CORPTUI_SMS_URL", raising=False)
    Job.delete().execute()
    Notification.delete().execute()
    company = owner.company_id
    gone = tmp_path / "act.pdf"
    gone.write_bytes(b"x")
    ids = {
        "waiting": notify.queue_email("buh@romashka.example", "Acts", "Acts attached",
                                      company_id=company),
        "failed": notify.queue_email("boss@romashka.example", "Act No. 5", "[b]not markup[/b]",
                                     attachment=gone, company_id=company),
        "kept": notify.queue_sms("+79261234567", "Your act is ready", company_id=company),
    }
    notify.queue_sms("+79031112233", "other company", company_id=demo_session("owner", 2).company_id)
    gone.unlink()
    jobs.run_due("setup")  # no SMTP server: queued with the error; attachment gone: failed
    running = jobs.enqueue("document.build", {"document_id": 1}, company_id=company)
    jobs.claim("w1")
    jobs.progress(running, 40, "w1")
    jobs.enqueue("schedules.due", {}, company_id=company)
    ids["job"] = running
    return ids


def table_lines(table: VirtualTable, rows: int = 6) -> list[str]:
    return ["".join(seg.text for seg in table.render_line(y)) for y in range(rows)]


async def open_outbox(pilot):
    await pilot.press("f11")
    await pilot.pause()
    assert isinstance(pilot.app.screen, OutboxScreen)
    return pilot.app.screen


async def test_outbox_lists_the_company_notifications(outbox_data, owner):
    app = make_app(owner)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_outbox(pilot)
        lines = table_lines(screen.table)
        text = "\n".join(lines)
        assert "other company" not in text and "+7 903" not in text
        kept = next(line for line in lines if "+7 926 123-45-67" in line)
        assert "SMS" in kept and "kept" in kept
        failed = next(line for line in lines if "boss@romashka.example" in line)
        assert "FAILED" in failed and "the attachment act.pdf" in failed
        waiting = next(line for line in lines if "buh@romashka.example" in line)
        assert "queued" in waiting and "no SMTP server configured" in waiting
        status = str(screen.query_one("#outbox-status", Static).render())
        assert "3 notifications" in status and "1 failed" in status


async def test_retry_a_failed_notification(outbox_data, owner):
    app = make_app(owner)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_outbox(pilot)
        while screen.table.cursor_id != outbox_data["failed"]:
            await pilot.press("down")
        await pilot.press("r")
        await pilot.pause()
        assert Notification.get_by_id(outbox_data["failed"]).state == "queued"
        line = next(x for x in table_lines(screen.table) if "boss@romashka.example" in x)
        assert "queued" in line
        # a queued one cannot be sent again: the reason is shown, nothing changes
        await pilot.press("r")
        await pilot.pause()
        assert Notification.get_by_id(outbox_data["failed"]).state == "queued"


async def test_viewer_cannot_retry(outbox_data):
    viewer = demo_session("viewer")
    app = make_app(viewer)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_outbox(pilot)
        while screen.table.cursor_id != outbox_data["failed"]:
            await pilot.press("down")
        await pilot.press("r")
        await pilot.pause()
        assert Notification.get_by_id(outbox_data["failed"]).state == "failed"
        shown = [n.message for n in pilot.app._notifications]
        assert shown == ["Only an owner, an admin or an accountant can save, send or delete "
                         "documents. You are logged in as viewer."], shown


async def test_details_show_the_body_as_plain_text(outbox_data, owner):
    app = make_app(owner)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_outbox(pilot)
        while screen.table.cursor_id != outbox_data["failed"]:
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        text = str(pilot.app.screen.query_one("#message-text", Static).render())
        assert "[b]not markup[/b]" in text and "Attachment:" in text


async def test_job_progress_is_live(outbox_data, owner):
    app = make_app(owner)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_outbox(pilot)
        pane = lambda: str(screen.query_one("#jobs-pane", Static).render())  # noqa: E731
        assert "1 running, 2 queued" in pane() and "notify.send            retry 1/8" in pane()
        assert "document.build" in pane() and " 40%" in pane()
        jobs.progress(outbox_data["job"], 85, "w1")
        await pilot.pause(1.3)
        assert " 85%" in pane() and "#" * 17 in pane()


async def test_help_shows_the_screen_keys_and_configured_hotlines(outbox_data, owner):
    config_dir = Path(os.environ["CORPTUI_CONFIG_DIR"])
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "config.toml").write_text(
        '[[help.hotlines]]\nnumber = "8-800-000-11-22"\nwho = "[b]our desk[/b]"\n',
        encoding="utf-8")
    app = make_app(owner)
    async with app.run_test(size=SIZE) as pilot:
        await open_outbox(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)
        text = str(pilot.app.screen.query_one(Static).render())
        assert "This screen" in text and "Send again" in text and "Reload" in text
        assert "8-800-000-11-22" in text and "[b]our desk[/b]" in text
        assert "https://vk.com/megafon" in text
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(pilot.app.screen, OutboxScreen)


def test_outbox_snapshot(snap_compare, outbox_data, owner):
    assert snap_compare(make_app(owner), terminal_size=SIZE, press=["f11"])
