"""The main screens at 120x40 in the dark theme, and the numbers list with NO_COLOR
(what an SSH session without colours shows: markers, not colours)."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import demo_session, make_app
from conftest import settle as _settle

TODAY = dt.date(2026, 10, 20)


@pytest.fixture(autouse=True)
def _utc_english(utc_english):
    """Every test here: UTC and English (the conftest fixture)."""


def _app():
    app = make_app(demo_session())
    app.today = TODAY
    return app


MAIN_SCREENS = ["numbers", "accounts", "payments", "charges", "calls", "documents", "users",
                "audit", "schedules", "outbox", "disputes", "settings", "insights"]


def _fill(section: str) -> None:
    """Rows for the sections the demo data leaves empty (fixed times: deterministic)."""
    from corptui import disputes, notify, schedules
    from storage.models import Charge, Notification, PersonalAccount

    session = demo_session()
    if section == "disputes":
        charges = list(Charge.select().where(Charge.company == 1).order_by(Charge.id).limit(3))
        disputes.open_dispute(session, charges[0].id, "Абонплата списана дважды")
        d = disputes.open_dispute(session, charges[1].id, "Роуминг не подключали")
        disputes.accept(session, d["id"], "150")
        d = disputes.open_dispute(session, charges[2].id, "SMS не отправлялись")
        disputes.reject(session, d["id"], "the SMS were delivered")
    elif section == "schedules":
        account = (PersonalAccount.select().where(PersonalAccount.company == 1)
                   .order_by(PersonalAccount.number).first().number)
        now = dt.datetime(2026, 10, 20, 9, 0, tzinfo=dt.UTC)
        schedules.create(session, "invoice", [account], email="buh@example.ru", now=now,
                         tz=dt.UTC)
        schedules.create(session, "calls", [account], fmt="xlsx", period="weekly", day=1,
                         at_time="08:30", phone="+7 926 100-00-01", now=now, tz=dt.UTC)
    elif section == "settings":
        from corptui import settings

        settings.save_exports_dir(session, "/srv/corptui/exports")  # shown: not a tmp path
    elif section == "outbox":
        notify.queue_email("buh@example.ru", "Invoice No. 1", "The invoice is ready.",
                           company_id=1)
        notify.queue_sms("+7 926 100-00-01", "Your report is ready", company_id=1)
        at = dt.datetime(2026, 10, 20, 9, 0, tzinfo=dt.UTC)
        Notification.update(created_at=at).execute()


@pytest.mark.parametrize("section", MAIN_SCREENS)
def test_main_screen_120x40(snap_compare, seeded, section):
    _fill(section)

    async def run_before(pilot):
        pilot.app.theme = "textual-dark"
        await _settle(pilot)
        if section != "numbers":
            pilot.app.open_section(section)
            await _settle(pilot)
        if section == "numbers":
            await pilot.press("space", "down", "space")

    assert snap_compare(_app(), terminal_size=(120, 40),
                        run_before=run_before)


@pytest.mark.parametrize("which", ["tags", "sims"])
def test_numbers_dialog_screen_120x40(snap_compare, seeded, which):
    """The full-screen dialogs of the numbers console: the tag list and the SIM stock."""

    async def run_before(pilot):
        from screens.sims import SimStockScreen
        from screens.tags import TagsScreen

        pilot.app.theme = "textual-dark"
        await _settle(pilot)
        pilot.app.push_screen(TagsScreen() if which == "tags" else SimStockScreen())
        await _settle(pilot)

    assert snap_compare(_app(), terminal_size=(120, 40), run_before=run_before)


def test_numbers_no_color(snap_compare, seeded, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = _app()
    assert app.no_color

    async def run_before(pilot):
        await _settle(pilot)
        await pilot.press("space", "down", "down")

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
