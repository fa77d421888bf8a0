"""Limits that act (corptui.limit_actions): one message per month per threshold to the
admins and, if set, the employee; a limit that blocks blocks until the next month or a
raise; audit entries. Both engines, and the CLI."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import run_cli
from numbers_core_data import build

from corptui import limit_actions, limits
from storage.models import AuditEntry, Charge, LimitAlert, Notification, Subscriber, User

OCT = dt.date(2026, 10, 1)
DAY = dt.date(2026, 10, 15)
NOW = dt.datetime(2026, 10, 15, 12, tzinfo=dt.UTC)


@pytest.fixture
def data(db):
    d = build()
    User.create(company=d["company"], phone="79260000001", role="owner", email="boss@firm.ru")
    User.create(company=d["company"], phone="79260000002", role="admin")  # no email: SMS
    User.create(company=d["company"], phone="79260000003", role="viewer", email="v@firm.ru")
    User.create(company=d["other"], phone="79160000009", role="owner", email="other@x.ru")
    return d


def _spend(d, sub, amount, period=OCT):
    Charge.create(company=d["company"], account=d["account"], subscriber=sub, kind="calls",
                  period=period, amount=amount)


def _check(d, today=DAY, now=NOW):
    return limit_actions.check(d["company"].id, today, now=now)


def _mail():
    return list(Notification.select().order_by(Notification.id))


def test_near_then_over_each_told_once_to_admins_and_the_employee(data):
    s, sub = data["session"], data["subs"][0]
    limits.set_limits(s, [sub.id], amount="1000", notify_percent="80", notify_employee=True)
    _spend(data, sub, "850.00")
    r = _check(data)
    assert (r["near"], r["over"], r["blocked"]) == (1, 0, 0)
    sent = _mail()
    assert {(n.channel, n.recipient) for n in sent} == {
        ("email", "boss@firm.ru"), ("sms", "79260000002"), ("sms", sub.msisdn)}
    email = next(n for n in sent if n.channel == "email")
    assert "near" in email.subject and "+7 926 123-45-67" in email.body and "850" in email.body
    assert _check(data)["messages"] == 0 and len(_mail()) == 3  # told once
    _spend(data, sub, "200.00")  # 1050: over; notify only
    r = _check(data)
    assert (r["near"], r["over"], r["blocked"]) == (0, 1, 0) and len(_mail()) == 6
    assert Subscriber.get_by_id(sub.id).limit_blocked_at is None
    assert _check(data)["messages"] == 0
    assert LimitAlert.select().count() == 2


def test_a_limit_that_blocks_blocks_until_a_raise_then_again(data):
    s, sub = data["session"], data["subs"][1]
    limits.set_limits(s, [sub.id], amount="500", action="block")
    _spend(data, sub, "600.00")  # straight over: only the "over" message, near noted
    r = _check(data)
    assert (r["near"], r["over"], r["blocked"]) == (0, 1, 1)
    assert Subscriber.get_by_id(sub.id).limit_blocked_at is not None
    assert limits.limit_states(s, month=OCT)[sub.id] == "blocked"
    assert {a.level for a in LimitAlert.select()} == {"near", "over"}
    body = next(n for n in _mail() if n.channel == "email").body
    assert "blocked" in body
    block = AuditEntry.get(AuditEntry.action == "limits.block")
    assert block.object_id == str(sub.id) and block.actor == "worker"
    # a raise above the spend lifts the block at once, in the same change
    limits.set_limits(s, [sub.id], amount="700")
    assert Subscriber.get_by_id(sub.id).limit_blocked_at is None
    assert AuditEntry.get(AuditEntry.action == "limits.unblock").after["reason"] == "limit raised"
    # the raised limit is a new threshold: crossing it blocks (and tells) again
    _spend(data, sub, "150.00")
    before = len(_mail())
    r = _check(data)
    assert r["blocked"] == 1 and len(_mail()) > before
    # a raise that stays under the spend keeps the block
    limits.set_limits(s, [sub.id], amount="740")
    assert Subscriber.get_by_id(sub.id).limit_blocked_at is not None


def test_the_next_month_lifts_the_block(data):
    s, sub = data["session"], data["subs"][2]
    limits.set_limits(s, [sub.id], amount="100", action="block")
    _spend(data, sub, "100.00")
    assert _check(data)["blocked"] == 1
    r = _check(data, dt.date(2026, 11, 1), dt.datetime(2026, 11, 1, 0, 5, tzinfo=dt.UTC))
    assert r["lifted"] == 1 and Subscriber.get_by_id(sub.id).limit_blocked_at is None
    entry = AuditEntry.get(AuditEntry.action == "limits.unblock")
    assert entry.after["reason"] == "new month"


def test_switching_to_block_when_already_over_blocks(data):
    s, sub = data["session"], data["subs"][0]
    limits.set_limits(s, [sub.id], amount="100")
    _spend(data, sub, "120.00")
    assert _check(data)["blocked"] == 0
    limits.set_limits(s, [sub.id], action="block")
    assert _check(data)["blocked"] == 1


def test_no_limit_no_action_and_other_companies_untouched(data):
    _spend(data, data["subs"][3], "99999.00")
    osub = data["osub"]
    Subscriber.update(spending_limit=1).where(Subscriber.id == osub.id).execute()
    Charge.create(company=data["other"], account=osub.account, subscriber=osub, kind="calls",
                  period=OCT, amount="50.00")
    r = _check(data)
    assert (r["near"], r["over"], r["messages"]) == (0, 0, 0) and _mail() == []


def test_bad_action_is_a_field_error(data):
    from corptui.errors import ValidationError

    with pytest.raises(ValidationError) as err:
        limits.set_limits(data["session"], [data["subs"][0].id], amount="10", action="explode")
    assert "action" in err.value.errors


@pytest.mark.today
def test_cli_set_action_and_check(data):
    sub = data["subs"][0]
    c = ("--company", "7707083893")
    _spend(data, sub, "25.00", dt.date.today().replace(day=1))
    r = run_cli("limits", "set", sub.msisdn, "--amount", "10", "--action", "block",
                "--notify-employee", *c)
    assert r.exit_code == 0, r.output
    r = run_cli("limits", "show", sub.msisdn, "--format", "json", *c)
    assert '"action": "block"' in r.output and '"notify_employee": true' in r.output
    r = run_cli("limits", "check", *c)
    assert r.exit_code == 0 and "reached: 1" in r.output and "blocked now: 1" in r.output
    r = run_cli("limits", "show", sub.msisdn, *c)
    assert "blocked" in r.output
