"""Communication limits through corptui.limits (and the CLI), on both engines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from numbers_core_data import build

from corptui import limits
from corptui.errors import NotFound, PermissionDenied, ValidationError
from storage.models import AuditEntry, Charge, Subscriber


@pytest.fixture
def data(db):
    return build()


def test_set_one_number_and_read_back(data):
    s, sub = data["session"], data["subs"][0]
    done = limits.set_limits(s, [sub.id], amount="1 500,50", data_ban=True, notify_percent="90%")
    assert done["changed"] == 1
    got = limits.get_limits(s, sub.id)
    assert got == {"id": sub.id, "spending_limit": Decimal("1500.50"), "data_ban": True,
                   "roaming_ban": False, "limit_notify_percent": 90, "limit_action": "notify",
                   "limit_notify_employee": False, "limit_blocked_at": None}
    entry = AuditEntry.get(AuditEntry.action == "limits.set")
    assert entry.before["spending_limit"] is None and entry.after["spending_limit"] == "1500.50"
    # fields left out stay; None (the explicit removal) removes the limit
    limits.set_limits(s, [sub.id], amount=None, roaming_ban=True)
    got = limits.get_limits(s, sub.id)
    assert (got["spending_limit"], got["data_ban"], got["roaming_ban"]) == (None, True, True)


def test_validation_field_errors(data):
    s, sub = data["session"], data["subs"][0]
    with pytest.raises(ValidationError) as err:
        limits.set_limits(s, [sub.id], amount="-1", notify_percent="150")
    assert set(err.value.errors) == {"amount", "notify_percent"}
    for bad, msg in (("abc", "not an amount"), ("1.005", "2 decimals"), ("20 000 000", "at most"), ("1E100", "not an amount"),
                     ("NaN", "not an amount")):
        with pytest.raises(ValidationError, match=msg):
            limits.clean_amount(bad)
    with pytest.raises(ValidationError):
        limits.clean_amount(1.5)
    assert limits.clean_amount("0") == Decimal("0.00")
    for bad in ("0", "101", "x"):
        with pytest.raises(ValidationError):
            limits.clean_percent(bad)
    with pytest.raises(ValidationError, match="nothing to change"):
        limits.set_limits(s, [sub.id])
    assert Subscriber.get_by_id(sub.id).spending_limit is None


def test_bulk_preview_all_or_nothing_scope_and_permission(data):
    s, subs = data["session"], data["subs"]
    ids = [x.id for x in subs]
    limits.set_limits(s, ids[:2], amount="1000")
    p = limits.preview(s, ids, amount="1000")
    assert (p["numbers"], p["changed"]) == (5, 3)
    done = limits.set_limits(s, ids, amount="1000")
    assert done["changed"] == 3
    assert AuditEntry.select().where(AuditEntry.operation == done["operation"]).count() == 3
    with pytest.raises(NotFound):
        limits.set_limits(s, ids + [data["osub"].id], amount="5")
    assert {x.spending_limit for x in Subscriber.select().where(Subscriber.id.in_(ids))} == {
        Decimal("1000.00")}
    assert Subscriber.get_by_id(data["osub"].id).spending_limit is None
    with pytest.raises(PermissionDenied):
        limits.set_limits(data["viewer"], ids, amount="5")


def test_state_of_rules():
    d = Decimal
    assert limits.state_of(d("100"), None, None) is None
    assert limits.state_of(d("79.99"), d("100"), None) is None
    assert limits.state_of(d("80"), d("100"), None) == "near"
    assert limits.state_of(d("49"), d("100"), 50) is None
    assert limits.state_of(d("50"), d("100"), 50) == "near"
    assert limits.state_of(d("100"), d("100"), None) == "over"
    assert limits.state_of(d("0"), d("0"), None) is None
    assert limits.state_of(d("0.01"), d("0"), None) == "over"


@pytest.mark.today
def test_limit_states_use_the_billing_month(data):
    s, subs, acc = data["session"], data["subs"], data["account"]
    comp = data["company"]
    from storage.fields import utcnow

    today = utcnow().date()
    month = today.replace(day=1)
    last = (month - dt.timedelta(days=1)).replace(day=1)
    limits.set_limits(s, [subs[0].id, subs[1].id, subs[2].id], amount="1000")
    limits.set_limits(s, [subs[2].id], notify_percent=95)

    def charge(sub, amount, period):
        Charge.create(company=comp, account=acc, subscriber=sub, kind="calls", period=period,
                      amount=Decimal(amount))

    charge(subs[0], "700", last)
    charge(subs[0], "400", last)      # over last month
    charge(subs[1], "850", last)      # near (80 %)
    charge(subs[2], "900", last)      # not near with a 95 % threshold
    charge(subs[3], "99999", last)    # no limit
    assert limits.billing_month(s) == last
    assert limits.limit_states(s) == {subs[0].id: "over", subs[1].id: "near"}
    assert limits.limit_states(s, [subs[1].id, subs[2].id]) == {subs[1].id: "near"}
    charge(subs[2], "10", month)       # the current month now has charges: it counts
    assert limits.billing_month(s) == month
    assert limits.limit_states(s) == {}
    assert limits.limit_states(data["other_session"]) == {}


def test_cli_set_and_show(data, db_url):
    import json

    from click.testing import CliRunner

    from corptui.cli import main

    comp = ["--company", data["company"].name]
    run = CliRunner()
    res = run.invoke(main, ["--db", db_url, "limits", "set", "79261234567", "79261234568",
                            "--amount", "2500.5", "--data-ban", "--notify", "75", *comp])
    assert res.exit_code == 0 and "2 of 2" in res.output, res.output
    res = run.invoke(main, ["--db", db_url, "limits", "set", "79261234567", "--no-data-ban",
                            "--roaming-ban", *comp])
    assert res.exit_code == 0, res.output
    res = run.invoke(main, ["--db", db_url, "limits", "show", "79261234567", "79261234568",
                            "--format", "json", *comp])
    rows = json.loads(res.output)
    assert [(r["msisdn"], r["spending_limit"], r["data_ban"], r["roaming_ban"],
             r["notify_percent"]) for r in rows] == [
        ("79261234567", "2500.50", False, True, 75), ("79261234568", "2500.50", True, False, 75)]
    res = run.invoke(main, ["--db", db_url, "limits", "set", "79261234567", "--amount", "-3",
                            *comp])
    assert res.exit_code == 1 and "negative" in res.output
