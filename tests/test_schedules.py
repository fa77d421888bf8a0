"""Automatic reports: validation, next run times, due() orders the report of the period just
ended once per run (compare-and-set), pause/resume/edit/delete, the CLI."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from corptui import demo, documents, jobs, schedules
from corptui.cli import main
from corptui.errors import NotFound, PermissionDenied, ValidationError
from corptui.session import Session
from storage.models import Document, Notification, PersonalAccount

MSK = dt.timezone(dt.timedelta(hours=3))


def utc(*a):
    return dt.datetime(*a, tzinfo=dt.UTC)


@pytest.fixture
def owner(db):
    demo.seed(numbers=20, calls=100, months=3, seed=5)
    return Session(company_id=1, role="owner", user_id=1, actor="t", source="test")


@pytest.fixture
def acc():
    return PersonalAccount.select().where(PersonalAccount.company == 1).first().number


def test_next_run_daily_weekly_monthly():
    after = utc(2026, 11, 25, 10, 0)  # Wednesday 13:00 in Moscow
    assert schedules.next_run("daily", 1, "09:00", after, MSK) == utc(2026, 11, 26, 6, 0)
    assert schedules.next_run("daily", 1, "14:30", after, MSK) == utc(2026, 11, 25, 11, 30)
    assert schedules.next_run("weekly", 1, "09:00", after, MSK) == utc(2026, 11, 30, 6, 0)
    assert schedules.next_run("weekly", 3, "13:00", after, MSK) == utc(2026, 12, 2, 10, 0)
    assert schedules.next_run("monthly", 5, "08:00", after, MSK) == utc(2026, 12, 5, 5, 0)
    assert schedules.next_run("monthly", 25, "23:59", after, MSK) == utc(2026, 11, 25, 20, 59)


def test_report_periods():
    assert schedules.report_period("daily", dt.date(2026, 3, 1)) == (dt.date(2026, 2, 28),) * 2
    assert schedules.report_period("weekly", dt.date(2026, 3, 9)) == (
        dt.date(2026, 3, 2), dt.date(2026, 3, 8))
    assert schedules.report_period("monthly", dt.date(2026, 1, 5)) == (
        dt.date(2025, 12, 1), dt.date(2025, 12, 31))


@pytest.mark.parametrize("kwargs,field", [
    ({"period": "hourly"}, "period"),
    ({"period": "weekly", "day": 8}, "day"),
    ({"period": "monthly", "day": 31}, "day"),
    ({"at_time": "25:00"}, "at_time"),
    ({"email": None, "phone": None}, "email"),
    ({"email": "x@"}, "email"),
    ({"phone": "123"}, "phone"),
    ({"accounts": []}, "accounts"),
    ({"fmt": "csv", "type": "reconciliation"}, "format"),
])
def test_bad_schedules_name_the_field(owner, acc, kwargs, field):
    args = {"type": "invoice", "accounts": [acc], "fmt": "pdf", "period": "monthly", "day": 1,
            "at_time": "09:00", "email": "buh@example.ru", "phone": None}
    args.update(kwargs)
    with pytest.raises(ValidationError) as err:
        schedules.create(owner, **args)
    assert field in err.value.errors
    assert schedules.list_schedules(owner) == []


def test_due_orders_the_last_month_once_and_delivers(owner, acc):
    row = schedules.create(owner, "reconciliation", [acc], [], "pdf", "monthly", 1, "09:00",
                           email="buh@example.ru", phone="+79120001122",
                           now=utc(2026, 10, 15), tz=MSK)
    assert row["next_run_at"] == utc(2026, 11, 1, 6, 0)
    assert schedules.due(now=utc(2026, 10, 31, 23), tz=MSK) == []  # not yet
    made = schedules.due(now=utc(2026, 11, 1, 6, 5), tz=MSK)
    assert len(made) == 1
    doc = Document.get_by_id(made[0])
    assert (doc.period_from, doc.period_to) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert doc.notify_email == "buh@example.ru" and doc.notify_sms == "79120001122"
    # the same run is not ordered twice; the next one is in December
    assert schedules.due(now=utc(2026, 11, 1, 6, 6), tz=MSK) == []
    after = schedules.get(owner, row["id"])
    assert after["next_run_at"] == utc(2026, 12, 1, 6, 0)
    assert after["last_run_at"] == utc(2026, 11, 1, 6, 5)
    while jobs.run_one("w", kinds=[documents.JOB_KIND]):
        pass
    assert documents.get(owner, doc.id)["state"] == "ready"
    mail = Notification.get(Notification.channel == "email")
    assert mail.attachment.endswith(".pdf") and mail.recipient == "buh@example.ru"
    assert Notification.select().where(Notification.channel == "sms").count() == 1


def test_pause_resume_edit_delete(owner, acc):
    row = schedules.create(owner, "invoice", [acc], [], "xlsx", "daily", 1, "07:00",
                           email="a@example.ru", now=utc(2026, 11, 1), tz=MSK)
    schedules.pause(owner, row["id"])
    assert schedules.due(now=utc(2026, 11, 5), tz=MSK) == []
    resumed = schedules.resume(owner, row["id"], now=utc(2026, 11, 5, 12), tz=MSK)
    assert resumed["active"] and resumed["next_run_at"] == utc(2026, 11, 6, 4, 0)
    edited = schedules.edit(owner, row["id"], period="weekly", day=5, at_time="18:15",
                            now=utc(2026, 11, 5, 12), tz=MSK)
    assert edited["when"] == "weekly, Fri 18:15"
    assert edited["next_run_at"] == utc(2026, 11, 6, 15, 15)
    with pytest.raises(ValidationError):
        schedules.edit(owner, row["id"], day=9)
    viewer = Session(company_id=1, role="viewer", user_id=None, actor="v", source="t")
    with pytest.raises(PermissionDenied):
        schedules.delete(viewer, row["id"])
    other = Session(company_id=2, role="owner", user_id=None, actor="o", source="t")
    with pytest.raises(NotFound):
        schedules.pause(other, row["id"])
    schedules.delete(owner, row["id"])
    assert schedules.list_schedules(owner) == []


def test_due_is_a_worker_hook(owner, acc):
    assert "schedules.due" in jobs.load_handlers()
    schedules.create(owner, "payments", [acc], [], "csv", "daily", 1, "00:00",
                     email="a@example.ru", now=utc(2026, 11, 1), tz=MSK)
    from storage.models import ReportSchedule

    ReportSchedule.update(next_run_at=utc(2026, 11, 2)).execute()
    errors = jobs.run_periodic() if hasattr(jobs, "run_periodic") else {}
    assert not errors.get("schedules.due")
    assert Document.select().count() == 1


def test_cli_schedules(owner, acc):
    runner = CliRunner()
    base = ["--company", "7701234560"]
    res = runner.invoke(main, ["schedules", "add", "invoice", *base, "--account", acc,
                               "--period", "weekly", "--day", "2", "--time", "8:30",
                               "--email", "a@example.ru", "--sms", "+79120001122"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["schedules", "list", *base, "--format", "json"])
    data = json.loads(res.output)
    assert data[0]["when"] == "weekly, Tue 08:30" and data[0]["active"] is True
    sid = str(data[0]["id"])
    assert runner.invoke(main, ["schedules", "pause", sid, *base]).exit_code == 0
    assert json.loads(runner.invoke(main, ["schedules", "list", *base, "--format", "json"])
                      .output)[0]["active"] is False
    assert runner.invoke(main, ["schedules", "resume", sid, *base]).exit_code == 0
    assert runner.invoke(main, ["schedules", "delete", sid, *base]).exit_code == 0
    res = runner.invoke(main, ["schedules", "add", "invoice", *base, "--account", acc,
                               "--period", "monthly", "--day", "30", "--email", "a@example.ru"])
    assert res.exit_code == 1 and "day" in res.output
