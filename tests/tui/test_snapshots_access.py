"""Snapshots (80x24) of the access screens: login, apply for access (empty and with
field errors), the forced password change, users, audit log and help.

Note: the footer and the help list every section whose screen module exists, so a new
section screen changes these snapshots (regenerate with --snapshot-update)."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from conftest import demo_session, make_app
from textual.widgets import Input, TextArea

from corptui import tags, users
from storage.models import AuditEntry

SIZE = (80, 24)


@pytest.fixture
def utc_local_time():
    """Times are shown in local time: pin the zone so the snapshots do not depend on it."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


def test_login(snap_compare, seeded):
    assert snap_compare(make_app(), terminal_size=SIZE)


def test_apply_empty(snap_compare, seeded):
    assert snap_compare(make_app(), terminal_size=SIZE, press=["f2"])


def test_apply_with_errors(snap_compare, seeded):
    async def fill(pilot):
        await pilot.press("f2")
        await pilot.pause()
        screen = pilot.app.screen
        values = {"company_name": "ООО «Ландыш»", "inn": "7707083894", "last_name": "Ivanов",
                  "first_name": "", "contact_phone": "12", "contact_email": "boss@"}
        for name, value in values.items():
            screen.query_one(f"#{name}", Input).value = value
        screen.query_one("#numbers", TextArea).text = "+7 926 555-00-11\n12345"
        await pilot.press("ctrl+s")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=fill)


def test_change_password_forced(snap_compare, owner):
    _, temporary = users.add_user(owner, "+7 926 700-00-01", "viewer", full_name="Новый Сотрудник")

    async def login(pilot):
        screen = pilot.app.screen
        screen.query_one("#phone", Input).value = "+7 926 700-00-01"
        screen.query_one("#password", Input).value = temporary
        screen.query_one("#password", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        screen = pilot.app.screen
        screen.query_one("#new_password", Input).value = "short"
        screen.query_one("#confirm", Input).value = "other"
        screen.query_one("#current_password", Input).value = temporary
        await pilot.click("#save")
        await pilot.pause(0.4)  # past the button's pressed look (a timer): deterministic

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=login)


def test_users(snap_compare, owner):
    users.add_user(owner, "+7 926 700-00-02", "accountant", full_name="[/] [@click=app.quit]")
    assert snap_compare(make_app(owner), terminal_size=SIZE, press=["f7"])


def test_audit(snap_compare, owner, utc_local_time):
    users.add_user(owner, "+7 926 700-00-03", "viewer", full_name="Тестов Тест")
    tags.create_tag(demo_session("admin"), "[b]Ночная смена", "blue")
    fixed = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    for i, entry in enumerate(AuditEntry.select().where(AuditEntry.actor != "seed")
                              .order_by(AuditEntry.id)):
        AuditEntry.update(at=fixed + dt.timedelta(minutes=i)).where(
            AuditEntry.id == entry.id).execute()
    assert snap_compare(make_app(owner), terminal_size=SIZE, press=["f8"])


def test_help(snap_compare, owner):
    assert snap_compare(make_app(owner), terminal_size=SIZE, press=["f1"])
