"""Options and tariffs through corptui.options (and the CLI), on both engines: every
eligibility rule kind, all reasons at once, planned and ending options, tariff changes,
permissions and company isolation."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

from corptui import options
from corptui.cli import main
from corptui.errors import NotFound, PermissionDenied, ValidationError
from corptui.session import Session
from storage.fields import utcnow
from storage.models import (
    AuditEntry,
    Company,
    Option,
    OptionRule,
    PersonalAccount,
    Subscriber,
    SubscriberOption,
    Tariff,
    TariffChange,
)

UTC = dt.UTC


def _sub(company, account, msisdn, tariff, status="active"):
    return Subscriber.create(company=company, account=account, msisdn=msisdn, tariff=tariff,
                             status=status, full_name=f"Emp {msisdn[-2:]}")


@pytest.fixture
def data(db):
    a = Company.create(name="Alpha", inn="7707083893")
    b = Company.create(name="Beta", inn="7736207543")
    rich = PersonalAccount.create(company=a, number="A-1", balance=Decimal("5000.00"))
    poor = PersonalAccount.create(company=a, number="A-2", balance=Decimal("10.00"))
    other_acc = PersonalAccount.create(company=b, number="B-1", balance=Decimal("9000.00"))
    start = Tariff.create(code="start", name="Start", monthly_fee=Decimal("300"))
    iot = Tariff.create(code="iot", name="IoT", monthly_fee=Decimal("100"))
    maxi = Tariff.create(code="max", name="Max", monthly_fee=Decimal("900"))
    special = Tariff.create(code="special", name="Special", by_application=True)
    old = Tariff.create(code="old", name="Old", archived=True)
    opt = {}
    for code, fee in (("world", "0"), ("eu", "900"), ("unlim", "700"), ("d10", "300"),
                      ("intl", "150"), ("pbx", "1200"), ("ip", "200"), ("all", "1"),
                      ("geo", "99")):
        opt[code] = Option.create(code=code, name=f"Opt {code}", monthly_fee=Decimal(fee),
                                  connection_fee=Decimal("5"))
    R = OptionRule.create
    R(option=opt["eu"], kind="requires_option", other_option=opt["world"])
    R(option=opt["unlim"], kind="incompatible_tariff", tariff=iot,
      message="Unlim is not on IoT")
    R(option=opt["unlim"], kind="conflicts_option", other_option=opt["d10"])
    R(option=opt["intl"], kind="not_blocked")
    R(option=opt["pbx"], kind="min_balance", amount=Decimal("1000.00"))
    R(option=opt["ip"], kind="company_limit", limit_count=2)
    # one option with every kind of rule, default messages
    R(option=opt["all"], kind="incompatible_tariff", tariff=iot)
    R(option=opt["all"], kind="conflicts_option", other_option=opt["d10"])
    R(option=opt["all"], kind="requires_option", other_option=opt["world"])
    R(option=opt["all"], kind="not_blocked")
    R(option=opt["all"], kind="min_balance", amount=Decimal("1000.00"))
    R(option=opt["all"], kind="company_limit", limit_count=0)
    n = {
        "plain": _sub(a, rich, "79160000001", start),
        "iot": _sub(a, rich, "79160000002", iot),
        "blocked": _sub(a, rich, "79160000003", start, "blocked"),
        "poor": _sub(a, poor, "79160000004", start),
        "d10": _sub(a, rich, "79160000005", start),
        "world": _sub(a, rich, "79160000006", maxi),
        "worst": _sub(a, poor, "79160000007", iot, "blocked"),
        "other": _sub(b, other_acc, "79260000001", start),
    }
    for key, code in (("d10", "d10"), ("worst", "d10"), ("world", "world"),
                      ("other", "ip")):
        SubscriberOption.create(subscriber=n[key], option=opt[code], state="active")
    return {
        "a": a, "b": b, "opt": opt, "n": n, "tariffs": {"start": start, "iot": iot,
                                                         "max": maxi, "special": special,
                                                         "old": old},
        "owner": Session(a.id, "owner", actor="t", source="test"),
        "admin": Session(a.id, "admin", actor="t", source="test"),
        "viewer": Session(a.id, "viewer", actor="t", source="test"),
        "accountant": Session(a.id, "accountant", actor="t", source="test"),
        "other": Session(b.id, "owner", actor="t", source="test"),
    }


def ids(data, *keys):
    return [data["n"][k].id for k in keys]


def live(sub, code) -> list[str]:
    return [r[0] for r in SubscriberOption.select(SubscriberOption.state).join(Option)
            .where((SubscriberOption.subscriber == sub.id) & (Option.code == code)
                   & (SubscriberOption.state != "disconnected")).tuples()]


# -- the rules --------------------------------------------------------------------------

def test_incompatible_tariff_uses_the_rule_message(data):
    r = options.check(data["owner"], "unlim", ids(data, "plain", "iot"))
    assert r[data["n"]["plain"].id] == {"ok": True, "already": False, "reasons": [],
                                        "msisdn": "79160000001"}
    assert r[data["n"]["iot"].id]["ok"] is False
    assert r[data["n"]["iot"].id]["reasons"] == ["Unlim is not on IoT"]


def test_conflicting_option(data):
    r = options.check(data["owner"], "unlim", ids(data, "d10", "plain"))
    assert r[data["n"]["d10"].id]["reasons"] == ["does not go together with Opt d10"]
    assert r[data["n"]["plain"].id]["ok"]


def test_required_option_active_or_planned_by_then(data):
    s = data["owner"]
    r = options.check(s, "eu", ids(data, "plain", "world"))
    assert r[data["n"]["plain"].id]["reasons"] == ["needs the option Opt world first"]
    assert r[data["n"]["world"].id]["ok"]
    # world planned from a future day: eu is possible from that day on, not before
    day = (utcnow() + dt.timedelta(days=10)).date()
    options.connect(s, "world", ids(data, "plain"), date_from=day)
    assert not options.check(s, "eu", ids(data, "plain"))[data["n"]["plain"].id]["ok"]
    later = options.check(s, "eu", ids(data, "plain"), at=day + dt.timedelta(days=1))
    assert later[data["n"]["plain"].id]["ok"]


def test_not_blocked(data):
    r = options.check(data["owner"], "intl", ids(data, "blocked", "plain"))
    assert r[data["n"]["blocked"].id]["reasons"] == ["the number is blocked"]
    assert r[data["n"]["plain"].id]["ok"]


def test_min_balance_of_the_account(data):
    r = options.check(data["owner"], "pbx", ids(data, "poor", "plain"))
    assert r[data["n"]["poor"].id]["reasons"] == [
        "the account balance must be at least 1,000.00 ₽"]
    assert r[data["n"]["plain"].id]["ok"]
    PersonalAccount.update(balance=Decimal("1000.00")).where(
        PersonalAccount.number == "A-2").execute()
    assert options.check(data["owner"], "pbx", ids(data, "poor"))[data["n"]["poor"].id]["ok"]


def test_company_limit_counts_this_company_and_the_selection(data):
    s = data["owner"]
    # the other company's "ip" does not count; limit 2: the first two pass
    r = options.check(s, "ip", ids(data, "plain", "poor", "d10"))
    assert [r[i]["ok"] for i in ids(data, "plain", "poor", "d10")] == [True, True, False]
    assert "at most 2 numbers of the company may have it (0 in use, room for 2 more)" in \
        r[data["n"]["d10"].id]["reasons"]
    out = options.connect(s, "ip", ids(data, "plain", "poor", "d10"))
    assert len(out["ids"]) == 2 and list(out["skipped"]) == [data["n"]["d10"].id]
    r = options.check(s, "ip", ids(data, "world"))
    assert r[data["n"]["world"].id]["reasons"] == [
        "at most 2 numbers of the company may have it (2 in use, room for 0 more)"]


def test_every_reason_at_once_and_already_connected(data):
    n = data["n"]
    r = options.check(data["owner"], "all", [n["worst"].id, n["plain"].id])
    reasons = r[n["worst"].id]["reasons"]
    assert r[n["worst"].id]["ok"] is False
    assert reasons == [
        "not available on the tariff IoT",
        "does not go together with Opt d10",
        "needs the option Opt world first",
        "the number is blocked",
        "the account balance must be at least 1,000.00 ₽",
        "at most 0 numbers of the company may have it (0 in use, room for 0 more)",
    ]
    # the plain number fails only the limit and the missing requirement
    assert r[n["plain"].id]["reasons"] == [
        "needs the option Opt world first",
        "at most 0 numbers of the company may have it (0 in use, room for 0 more)"]
    already = options.check(data["owner"], "d10", [n["d10"].id, n["plain"].id])
    assert already[n["d10"].id] == {"ok": False, "already": True,
                                    "reasons": ["already connected"], "msisdn": "79160000005"}
    assert already[n["plain"].id]["ok"]


def test_rules_are_data_a_new_rule_applies_at_once(data):
    s = data["owner"]
    assert options.check(s, "geo", ids(data, "iot"))[data["n"]["iot"].id]["ok"]
    OptionRule.create(option=data["opt"]["geo"], kind="incompatible_tariff",
                      tariff=data["tariffs"]["iot"], message="No geo for things")
    assert options.check(s, "geo", ids(data, "iot"))[data["n"]["iot"].id]["reasons"] == [
        "No geo for things"]


def test_list_options_prices_and_rules_in_words(data):
    rows = {r["code"]: r for r in options.list_options(data["viewer"])}
    assert rows["unlim"]["price"] == Decimal("700.00")
    assert rows["unlim"]["rules"] == ["not on the tariff IoT", "not together with Opt d10"]
    assert rows["pbx"]["rules"] == ["account balance at least 1,000.00 ₽"]
    assert rows["ip"]["rules"] == ["at most 2 numbers of the company"]
    assert rows["intl"]["rules"] == ["not for blocked numbers"]
    assert rows["eu"]["rules"] == ["needs Opt world"]


# -- connect, disconnect, planned changes ----------------------------------------------

def test_connect_applies_to_those_that_pass_with_audit(data):
    s = data["admin"]
    out = options.connect(s, "unlim", ids(data, "plain", "iot", "d10", "poor"))
    assert out["connected"] == 2 and out["planned"] == 0
    assert set(out["skipped"]) == set(ids(data, "iot", "d10"))
    assert live(data["n"]["plain"], "unlim") == ["active"]
    assert live(data["n"]["iot"], "unlim") == []
    entries = list(AuditEntry.select().where(AuditEntry.operation == out["operation"]))
    assert sorted(e.object_id for e in entries) == ["79160000001", "79160000004"]
    assert {e.action for e in entries} == {"options.connect"}
    assert all(e.company_id == data["a"].id for e in entries)


def test_connect_rechecks_inside_the_transaction(data):
    s = data["owner"]
    first = options.check(s, "intl", ids(data, "plain"))
    assert first[data["n"]["plain"].id]["ok"]
    Subscriber.update(status="blocked").where(Subscriber.id == data["n"]["plain"].id).execute()
    out = options.connect(s, "intl", ids(data, "plain"))
    assert out["ids"] == [] and out["skipped"] == {data["n"]["plain"].id:
                                                   ["the number is blocked"]}
    assert live(data["n"]["plain"], "intl") == []


@pytest.mark.today
def test_planned_option_until_and_apply_due(data):
    s = data["owner"]
    start = (utcnow() + dt.timedelta(days=5)).date()
    until = start + dt.timedelta(days=30)
    out = options.connect(s, "geo", ids(data, "plain", "poor"), start, until)
    assert out["planned"] == 2 and out["connected"] == 0
    row = SubscriberOption.get((SubscriberOption.subscriber == data["n"]["plain"].id)
                               & (SubscriberOption.option == data["opt"]["geo"].id))
    assert row.state == "planned" and row.connected_until > row.connected_from
    # planned counts as connected for a second attempt
    again = options.check(s, "geo", ids(data, "plain"))[data["n"]["plain"].id]
    assert again["ok"] is False and again["reasons"][0].startswith("already connected")
    assert options.apply_due(utcnow())["activated"] == 0
    after_start = row.connected_from + dt.timedelta(hours=1)
    assert options.apply_due(after_start) == {"activated": 2, "ended": 0, "tariffs": 0}
    assert live(data["n"]["plain"], "geo") == ["active"]
    assert options.apply_due(row.connected_until + dt.timedelta(seconds=1))["ended"] == 2
    assert live(data["n"]["plain"], "geo") == []
    worker = AuditEntry.select().where(AuditEntry.actor == "worker")
    assert {e.action for e in worker} == {"options.start", "options.end"}
    with pytest.raises(ValidationError) as err:
        options.connect(s, "geo", ids(data, "plain"), until, start)
    assert err.value.field == "date_until"
    with pytest.raises(ValidationError) as err:
        options.connect(s, "geo", ids(data, "plain"), "31.02.2030")
    assert err.value.field == "date_from"


@pytest.mark.today
def test_disconnect_now_planned_and_its_reasons(data):
    s = data["owner"]
    n = data["n"]
    options.connect(s, "eu", ids(data, "world"))
    r = options.check(s, "world", ids(data, "world", "plain"), action="disconnect")
    assert r[n["world"].id]["reasons"] == ["Opt eu needs it: disconnect Opt eu first"]
    assert r[n["plain"].id]["reasons"] == ["not connected"]
    out = options.disconnect(s, "eu", ids(data, "world", "plain"))
    assert out["disconnected"] == 1 and out["skipped"] == {}
    assert out["unchanged"] == {n["plain"].id: ["not connected"]}
    assert live(n["world"], "eu") == []
    day = (utcnow() + dt.timedelta(days=3)).date()
    out = options.disconnect(s, "world", ids(data, "world"), day)
    assert out["planned"] == 1
    assert live(n["world"], "world") == ["active"]
    row = SubscriberOption.get((SubscriberOption.subscriber == n["world"].id)
                               & (SubscriberOption.option == data["opt"]["world"].id))
    assert options.apply_due(row.connected_until)["ended"] == 1
    assert live(n["world"], "world") == []
    actions = [e.action for e in AuditEntry.select().order_by(AuditEntry.id)]
    assert actions.count("options.disconnect") == 2 and "options.end" in actions


# -- tariffs ------------------------------------------------------------------------------

@pytest.mark.today
def test_change_tariff_now_planned_refused_by_application(data):
    s = data["owner"]
    n = data["n"]
    options.connect(s, "unlim", ids(data, "plain"))
    r = options.check_tariff(s, ids(data, "plain", "poor", "iot"), "iot")
    assert r[n["plain"].id]["reasons"] == [
        "Opt unlim is not available on IoT: disconnect Opt unlim first"]
    assert r[n["iot"].id]["reasons"] == ["already on this tariff"]
    out = options.change_tariff(s, ids(data, "plain", "poor", "iot"), "iot")
    assert out["changed"] == 1 and Subscriber.get_by_id(n["poor"].id).tariff_id == \
        data["tariffs"]["iot"].id
    assert Subscriber.get_by_id(n["plain"].id).tariff_id == data["tariffs"]["start"].id
    with pytest.raises(ValidationError, match="change application") as err:
        options.change_tariff(s, ids(data, "plain"), "special")
    assert err.value.field == "tariff"
    with pytest.raises(ValidationError, match="no longer offered"):
        options.change_tariff(s, ids(data, "plain"), "old")
    day = (utcnow() + dt.timedelta(days=2)).date()
    out = options.change_tariff(s, ids(data, "plain"), "max", day)
    assert out["planned"] == 1
    change = TariffChange.get(TariffChange.subscriber == n["plain"].id)
    assert change.state == "planned"
    assert options.number_options(s, n["plain"].id)["tariff_change"]["code"] == "max"
    assert options.apply_due(change.effective_from)["tariffs"] == 1
    assert Subscriber.get_by_id(n["plain"].id).tariff_id == data["tariffs"]["max"].id
    assert TariffChange.get_by_id(change.id).state == "done"
    # the change now, the planned one, and the worker carrying it out
    assert AuditEntry.select().where(AuditEntry.action == "tariffs.change").count() == 3


def test_number_options_for_the_card(data):
    s = data["owner"]
    card = options.number_options(s, data["n"]["d10"].id)
    assert [(o["code"], o["state"], o["price"]) for o in card["options"]] == [
        ("d10", "active", Decimal("300.00"))]
    avail = {o["code"]: o for o in card["available"]}
    assert "d10" not in avail
    assert avail["unlim"]["ok"] is False and avail["geo"]["ok"] is True
    with pytest.raises(NotFound):
        options.number_options(s, data["n"]["other"].id)


# -- permissions and isolation -------------------------------------------------------------

def test_permissions(data):
    for role in ("viewer", "accountant"):
        s = data[role]
        assert options.check(s, "geo", ids(data, "plain"))  # reading is allowed
        with pytest.raises(PermissionDenied):
            options.connect(s, "geo", ids(data, "plain"))
        with pytest.raises(PermissionDenied):
            options.disconnect(s, "d10", ids(data, "d10"))
        with pytest.raises(PermissionDenied):
            options.change_tariff(s, ids(data, "plain"), "max")
    assert live(data["n"]["plain"], "geo") == [] and live(data["n"]["d10"], "d10") == ["active"]
    assert AuditEntry.select().count() == 0


def test_other_company_numbers_are_out_of_reach(data):
    s = data["owner"]
    other = data["n"]["other"].id
    r = options.check(s, "geo", [other])
    assert r[other] == {"ok": False, "already": False, "msisdn": None,
                        "reasons": ["the number is no longer in this company"]}
    out = options.connect(s, "geo", [other, data["n"]["plain"].id])
    assert out["ids"] == [data["n"]["plain"].id]
    assert live(data["n"]["other"], "geo") == []
    assert options.disconnect(s, "ip", [other])["ids"] == []
    assert live(data["n"]["other"], "ip") == ["active"]
    assert options.change_tariff(s, [other], "max")["ids"] == []
    assert Subscriber.get_by_id(other).tariff_id == data["tariffs"]["start"].id
    with pytest.raises(NotFound):
        options.check(s, "nope", [other])


# -- CLI ----------------------------------------------------------------------------------

def run(*args, input=None):
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    return result


def test_cli_list_and_check(data):
    out = run("options", "list", "--company", "Alpha", "--format", "json")
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    unlim = next(r for r in rows if r["code"] == "unlim")
    assert {"code", "name", "price", "rules"} <= set(unlim)
    assert unlim["price"] == "700.00" and unlim["rules"][0] == "not on the tariff IoT"
    table = run("options", "list", "--company", "Alpha")
    assert table.exit_code == 0 and "Opt unlim" in table.output
    out = run("options", "check", "d10", "+7 916 000-00-05", "89160000001", "--company",
              "Alpha", "--format", "json")
    assert out.exit_code == 0, out.output
    got = {r["msisdn"]: r for r in json.loads(out.output)}
    assert got["79160000005"] == {"msisdn": "79160000005", "ok": False, "already": True,
                                  "reasons": ["already connected"]}
    assert got["79160000001"]["ok"] is True and got["79160000001"]["reasons"] == []
    text = run("options", "check", "all", "79160000007", "--company", "Alpha")
    assert "! no" in text.output and "the number is blocked" in text.output
    assert "0 of 1 can get it" in text.output


@pytest.mark.today
def test_cli_connect_disconnect_from_until_and_file(data, tmp_path):
    day = (utcnow() + dt.timedelta(days=4)).date().isoformat()
    out = run("options", "connect", "geo", "79160000001", "79160000002", "--from", day,
              "--until", "2099-01-31", "--company", "Alpha")
    assert out.exit_code == 0, out.output
    assert "geo planned: 2 of 2 number(s)" in out.output
    assert live(data["n"]["plain"], "geo") == ["planned"]
    f = tmp_path / "numbers.txt"
    f.write_text("+7 916 000-00-01\n79160000003\n", encoding="utf-8")
    out = run("options", "disconnect", "geo", "--file", str(f), "--company", "Alpha")
    assert out.exit_code == 0
    assert "geo disconnected: 1 of 2 number(s), 1 already as asked" in out.output
    assert "not connected" in out.output
    assert live(data["n"]["plain"], "geo") == []
    out = run("options", "connect", "intl", "-", "--company", "Alpha",
              input="79160000003\n")
    assert out.exit_code == 1 and "the number is blocked" in out.output
    bad = run("options", "connect", "geo", "79990000000", "--company", "Alpha")
    assert bad.exit_code == 1 and "in this company" in bad.output
    bad = run("options", "connect", "geo", "79160000001", "--from", "soon", "--company",
              "Alpha")
    assert bad.exit_code == 1 and "not a date" in bad.output
    out = run("options", "tariff", "special", "79160000001", "--company", "Alpha")
    assert out.exit_code == 1 and "change application" in out.output


# -- the wizard's plan ---------------------------------------------------------------------

def test_plan_validation_field_errors(data):
    s = data["owner"]
    with pytest.raises(ValidationError) as err:
        options.validate_plan(s, options.Plan())
    assert "changes" in err.value.errors
    with pytest.raises(ValidationError) as err:
        options.validate_plan(s, options.Plan(connect=("geo",), disconnect=("geo",)))
    assert "cannot be connected and disconnected" in err.value.errors["changes"]
    with pytest.raises(ValidationError) as err:
        options.validate_plan(s, options.Plan(tariff="special", date_from="soon",
                                              date_until="01.01.2020"))
    assert set(err.value.errors) == {"tariff", "date_from", "date_until"}
    assert "change application" in err.value.errors["tariff"]
    with pytest.raises(ValidationError) as err:
        options.validate_plan(s, options.Plan(disconnect=("geo",), date_until="01.01.2099"))
    assert "connected" in err.value.errors["date_until"]


def test_check_plan_names_each_change_and_apply_plan_gives_what_each_can_get(data):
    s = data["owner"]
    n = data["n"]
    plan = options.Plan(tariff="max", connect=("unlim", "intl"))
    seen = []
    keys = ("plain", "d10", "blocked", "world")
    r = options.check_plan(s, plan, ids(data, *keys),
                           progress=lambda done, total: seen.append((done, total)), chunk=2)
    assert seen[-1] == (12, 12)
    assert r[n["plain"].id]["reasons"] == [] and r[n["plain"].id]["ok"]
    assert r[n["plain"].id]["changes"] == ["tariff Max", "+ Opt unlim", "+ Opt intl"]
    assert r[n["d10"].id]["reasons"] == ["+ Opt unlim: does not go together with Opt d10"]
    assert r[n["blocked"].id]["reasons"] == ["+ Opt intl: the number is blocked"]
    assert r[n["world"].id]["reasons"] == []  # already on Max: a note, not a failure
    assert r[n["world"].id]["notes"] == ["tariff Max: already on this tariff"]
    out = options.apply_plan(s, plan, ids(data, *keys))
    assert out["applied"] == 4 and set(out["skipped"]) == set(ids(data, "d10", "blocked"))
    assert [c for _, c in out["steps"]] == [3, 3, 3]
    assert Subscriber.get_by_id(n["plain"].id).tariff_id == data["tariffs"]["max"].id
    assert live(n["plain"], "unlim") == ["active"] and live(n["plain"], "intl") == ["active"]
    assert live(n["d10"], "intl") == ["active"] and live(n["d10"], "unlim") == []
    with pytest.raises(PermissionDenied):
        options.apply_plan(data["viewer"], plan, ids(data, "poor"))


def test_company_limit_across_check_chunks(data):
    s = data["owner"]
    r = options.check_plan(s, options.Plan(connect=("ip",)),
                           ids(data, "plain", "poor", "d10", "world"), chunk=1)
    assert [r[i]["ok"] for i in ids(data, "plain", "poor", "d10", "world")] == [
        True, True, False, False]


def test_tariff_change_can_be_undone(data):
    from corptui import undo

    s = data["owner"]
    n = data["n"]
    out = options.change_tariff(s, ids(data, "poor"), "iot")
    assert Subscriber.get_by_id(n["poor"].id).tariff_id == data["tariffs"]["iot"].id
    assert undo.preview_undo(s, out["operation"])["restorable"] == 1
    assert undo.undo(s, out["operation"])["restored"] == 1
    assert Subscriber.get_by_id(n["poor"].id).tariff_id == data["tariffs"]["start"].id
    # a planned change is cancelled by undo
    day = (utcnow() + dt.timedelta(days=2)).date()
    out = options.change_tariff(s, ids(data, "plain"), "max", day)
    assert undo.undo(s, out["operation"])["restored"] == 1
    assert TariffChange.get(TariffChange.subscriber == n["plain"].id).state == "cancelled"


# -- issue 16: the wizard's dates and its per-number, per-option outcome -----------------

def test_now_as_the_placeholder_says_is_a_start_date(data):
    s = data["owner"]
    plan = options.validate_plan(s, options.Plan(connect=("geo",), date_from="now"))
    out = options.apply_plan(s, plan, ids(data, "plain"))
    assert out["planned"] is False and live(data["n"]["plain"], "geo") == ["active"]
    assert options.connect(s, "geo", ids(data, "poor"), date_from=" NOW ")["connected"] == 1


def test_a_start_date_in_the_past_is_an_error_not_now(data):
    s = data["owner"]
    past = (utcnow() - dt.timedelta(days=3)).date()
    with pytest.raises(ValidationError) as err:
        options.validate_plan(s, options.Plan(connect=("geo",), date_from=past.isoformat()))
    assert "past" in err.value.errors["date_from"]
    for call in (lambda: options.connect(s, "geo", ids(data, "plain"), date_from=past),
                 lambda: options.disconnect(s, "d10", ids(data, "d10"), date_from=past),
                 lambda: options.change_tariff(s, ids(data, "plain"), "max", past),
                 lambda: options.check(s, "geo", ids(data, "plain"), at=past)):
        with pytest.raises(ValidationError) as err:
            call()
        assert "past" in err.value.message
    assert live(data["n"]["plain"], "geo") == [] and live(data["n"]["d10"], "d10") == ["active"]
    # today itself is "now"
    today = dt.datetime.now().date()
    assert options.connect(s, "geo", ids(data, "plain"), date_from=today)["connected"] == 1
    out = run("options", "connect", "geo", "79160000004", "--from", past.isoformat(),
              "--company", "Alpha")
    assert out.exit_code == 1 and "past" in out.output


def test_until_is_shown_as_the_last_day_typed(data):
    s = data["owner"]
    last = (dt.datetime.now() + dt.timedelta(days=40)).date()
    options.connect(s, "geo", ids(data, "plain"), date_until=last.strftime("%d.%m.%Y"))
    row = [o for o in options.number_options(s, data["n"]["plain"].id)["options"]
           if o["code"] == "geo"][0]
    assert row["last_day"] == last


def test_plan_gives_each_number_the_options_it_can_get(data):
    s = data["owner"]
    n = data["n"]
    plan = options.Plan(connect=("unlim", "intl"))
    keys = ("plain", "d10", "blocked")
    r = options.check_plan(s, plan, ids(data, *keys))
    assert r[n["d10"].id]["changes"] == ["+ Opt intl"]
    assert r[n["blocked"].id]["changes"] == ["+ Opt unlim"]
    assert r[n["plain"].id]["changes"] == ["+ Opt unlim", "+ Opt intl"]
    per = options.plan_summary(r)
    assert per == [("+ Opt unlim", {"ok": 2, "already": 0, "fail": 1}),
                   ("+ Opt intl", {"ok": 2, "already": 0, "fail": 1})]
    out = options.apply_plan(s, plan, ids(data, *keys))
    assert out["applied"] == 3 and [c for _, c in out["steps"]] == [2, 2]
    assert live(n["d10"], "intl") == ["active"] and live(n["d10"], "unlim") == []
    assert live(n["blocked"], "unlim") == ["active"] and live(n["blocked"], "intl") == []


def test_already_connected_is_not_a_failure(data):
    s = data["owner"]
    n = data["n"]
    r = options.check_plan(s, options.Plan(connect=("d10", "geo")), ids(data, "d10", "plain"))
    assert r[n["d10"].id]["failed"] == [] and r[n["d10"].id]["already"] == ["+ Opt d10"]
    assert r[n["d10"].id]["changes"] == ["+ Opt geo"]
    r = options.check(s, "d10", ids(data, "d10"))[n["d10"].id]
    assert r["already"] is True
    out = run("options", "connect", "d10", "79160000005", "--company", "Alpha")
    assert out.exit_code == 0, out.output
    assert "already" in out.output


def test_company_cap_room_is_the_same_in_the_plan_and_in_the_check(data):
    s = data["owner"]
    keys = ("blocked", "plain", "poor", "d10")
    alone = options.check(s, "ip", ids(data, *keys))
    # the blocked number cannot get intl, but it takes ip's room as `options check` says
    r = options.check_plan(s, options.Plan(connect=("ip", "intl")), ids(data, *keys), chunk=1)
    for sid in ids(data, *keys):
        assert ("+ Opt ip" in r[sid]["changes"]) == alone[sid]["ok"]
        if not alone[sid]["ok"]:
            assert ["+ Opt ip: " + x for x in alone[sid]["reasons"]] == [
                x for x in r[sid]["reasons"] if x.startswith("+ Opt ip")]


def test_the_cli_records_the_os_user(data):
    import getpass

    out = run("options", "connect", "geo", "79160000001", "--company", "Alpha")
    assert out.exit_code == 0, out.output
    entry = AuditEntry.get(AuditEntry.action == "options.connect")
    assert entry.actor == f"cli:{getpass.getuser()}"
    listed = run("audit", "list", "--company", "Alpha", "--user", "cli", "--format", "json")
    assert "options.connect" in listed.output
