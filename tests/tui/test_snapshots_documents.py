"""Snapshots at 80x24: the documents history, each step of the reporting-documents and
reconciliation-act wizards, and the automatic reports (presets count from app.today)."""

from __future__ import annotations

import datetime as dt

from conftest import demo_session, make_app
from conftest import settle as _settle

from corptui import documents, jobs, schedules
from storage.models import PersonalAccount

TODAY = dt.date(2026, 11, 20)


def app():
    a = make_app(demo_session())
    a.today = TODAY
    return a


def _history():
    s = demo_session()
    accs = [a.number for a in PersonalAccount.select().where(PersonalAccount.company == 1)
            .order_by(PersonalAccount.number)]
    documents.order(s, "reconciliation", accs[:1], [], "2026-08-01", "2026-10-31", "pdf",
                    today=TODAY)
    documents.order(s, "invoice", accs[:2], [], "2026-10-01", "2026-10-31", "xlsx",
                    password="secret-1", today=TODAY)
    while jobs.run_one("snap", kinds=[documents.JOB_KIND]):
        pass
    documents.order(s, "calls", accs[:1], [], "2026-10-01", "2026-10-31", "csv", today=TODAY)


def _steps(key: str, steps: int, setup=None):
    async def run_before(pilot):
        if setup:
            setup()
        await _settle(pilot)
        await pilot.press("f12")
        await _settle(pilot)
        await pilot.press(key)
        await _settle(pilot)
        if key == "n" and steps:
            pilot.app.screen.query_one("#accounts").focus()
            await pilot.press("space")
        for _ in range(steps):
            pilot.app.screen.action_next()
            await _settle(pilot)

    return run_before


def test_history(snap_compare, seeded):
    assert snap_compare(app(), terminal_size=(80, 24), run_before=_steps("home", 0, _history))


def test_report_wizard_accounts(snap_compare, seeded):
    assert snap_compare(app(), terminal_size=(80, 24), run_before=_steps("n", 0))


def test_report_wizard_period(snap_compare, seeded):
    assert snap_compare(app(), terminal_size=(80, 24), run_before=_steps("n", 1))


def test_report_wizard_type_and_format(snap_compare, seeded):
    assert snap_compare(app(), terminal_size=(80, 24), run_before=_steps("n", 2))


def test_report_wizard_review(snap_compare, seeded):
    assert snap_compare(app(), terminal_size=(80, 24), run_before=_steps("n", 3))


def test_report_wizard_notification(snap_compare, seeded):
    assert snap_compare(app(), terminal_size=(80, 24), run_before=_steps("n", 4))


def test_act_wizard_account(snap_compare, seeded):
    assert snap_compare(app(), terminal_size=(80, 24), run_before=_steps("c", 0))


def test_act_wizard_numbers(snap_compare, seeded):
    assert snap_compare(app(), terminal_size=(80, 24), run_before=_steps("c", 1))


def test_act_wizard_period(snap_compare, seeded):
    assert snap_compare(app(), terminal_size=(80, 24), run_before=_steps("c", 2))


def test_act_wizard_notification(snap_compare, seeded):
    assert snap_compare(app(), terminal_size=(80, 24), run_before=_steps("c", 3))


def test_schedules(snap_compare, seeded):
    def setup():
        acc = PersonalAccount.select().where(PersonalAccount.company == 1).order_by(
            PersonalAccount.number).first()
        now = dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)  # the next runs shown: fixed
        schedules.create(demo_session(), "reconciliation", [acc.number], [], "pdf", "monthly",
                         5, "09:00", email="buh@example.ru", phone="+79120001122", now=now)
        schedules.create(demo_session(), "calls", [acc.number], [], "csv", "weekly", 1,
                         "08:30", email="it@example.ru", now=now)

    assert snap_compare(app(), terminal_size=(80, 24), run_before=_steps("a", 0, setup))
