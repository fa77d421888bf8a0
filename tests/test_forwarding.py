"""Call forwarding through corptui.forwarding (and the CLI), on both engines."""

from __future__ import annotations

import pytest
from numbers_core_data import OTHER_MSISDN, build

from corptui import forwarding
from corptui.errors import NotFound, PermissionDenied, ValidationError
from storage.models import AuditEntry, ForwardingRule


@pytest.fixture
def data(db):
    return build()


def rules_of(sub):
    return sorted((r.condition, r.target, r.delay_seconds) for r in
                  ForwardingRule.select().where(ForwardingRule.subscriber == sub.id))


def test_add_list_edit_delete_with_audit(data):
    s, sub = data["session"], data["subs"][0]
    r1 = forwarding.add_rule(s, sub.id, "unconditional", "8 (495) 123-45-67")
    assert r1["target"] == "74951234567" and r1["delay_seconds"] == 0
    r2 = forwarding.add_rule(s, sub.id, "no_answer", "+7 903 111-22-33", "")
    assert r2["delay_seconds"] == 20
    listed = forwarding.list_rules(s, sub.id)
    assert [r["condition"] for r in listed] == ["unconditional", "no_answer"]
    # "always" forwards every call: the no-answer rule is not in effect behind it
    assert forwarding.describe(listed[1]) == (
        "no answer (20 s) -> +7 903 111-22-33 (not in effect: 'always' forwards every call)")
    assert forwarding.describe(listed[0]).endswith("(overrides the other rules)")
    edited = forwarding.update_rule(s, r2["id"], "no_answer", "79031112234", "5")
    assert (edited["target"], edited["delay_seconds"]) == ("79031112234", 5)
    forwarding.delete_rule(s, r1["id"])
    assert rules_of(sub) == [("no_answer", "79031112234", 5)]
    actions = [a for (a,) in AuditEntry.select(AuditEntry.action)
               .where(AuditEntry.object_id == str(sub.id)).order_by(AuditEntry.id).tuples()]
    assert actions == ["forwarding.add", "forwarding.add", "forwarding.change",
                       "forwarding.delete"]


def test_validation_with_field_errors(data):
    s, sub = data["session"], data["subs"][0]
    with pytest.raises(ValidationError) as err:
        forwarding.add_rule(s, sub.id, "sometimes", "abc", "3")
    assert set(err.value.errors) == {"condition", "target"}
    with pytest.raises(ValidationError, match="itself") as err:
        forwarding.add_rule(s, sub.id, "busy", "+7 926 123-45-67")
    assert err.value.field == "target"
    for delay in ("4", "31", "x", "-5"):
        with pytest.raises(ValidationError) as err:
            forwarding.add_rule(s, sub.id, "no_answer", "74951234567", delay)
        assert err.value.field == "delay"
    with pytest.raises(ValidationError, match="only to the 'no answer'"):
        forwarding.add_rule(s, sub.id, "busy", "74951234567", "10")
    forwarding.add_rule(s, sub.id, "busy", "74951234567")
    with pytest.raises(ValidationError, match="already has") as err:
        forwarding.add_rule(s, sub.id, "busy", "74951234568")
    assert err.value.field == "condition"
    other = forwarding.add_rule(s, sub.id, "unreachable", "74951234568")
    with pytest.raises(ValidationError, match="already has"):
        forwarding.update_rule(s, other["id"], "busy", "74951234568")
    assert rules_of(sub) == [("busy", "74951234567", 0), ("unreachable", "74951234568", 0)]


def test_scope_and_permissions(data):
    s, sub, osub = data["session"], data["subs"][0], data["osub"]
    with pytest.raises(NotFound):
        forwarding.add_rule(s, osub.id, "busy", "74951234567")
    foreign = forwarding.add_rule(data["other_session"], osub.id, "busy", "74951234567")
    with pytest.raises(NotFound):
        forwarding.delete_rule(s, foreign["id"])
    with pytest.raises(NotFound):
        forwarding.bulk_set(s, [sub.id, osub.id], "busy", "74951234567")
    assert rules_of(sub) == []
    with pytest.raises(PermissionDenied):
        forwarding.add_rule(data["viewer"], sub.id, "busy", "74951234567")
    assert forwarding.list_rules(data["viewer"], sub.id) == []


def test_bulk_set_preview_and_all_or_nothing(data):
    s, subs = data["session"], data["subs"]
    ids = [x.id for x in subs]
    forwarding.add_rule(s, subs[0].id, "no_answer", "74951234567", 10)
    forwarding.add_rule(s, subs[1].id, "no_answer", "74957654321", 15)
    p = forwarding.preview_set(s, ids, "no_answer", "74957654321", 15)
    assert (p["numbers"], p["new"], p["replaced"], p["unchanged"]) == (5, 3, 1, 1)
    before = AuditEntry.select().count()
    done = forwarding.bulk_set(s, ids, "no_answer", "74957654321", 15)
    assert (done["numbers"], done["changed"]) == (5, 4)
    assert AuditEntry.select().where(AuditEntry.operation == done["operation"]).count() == 4
    assert AuditEntry.select().count() == before + 4
    for sub in subs:
        assert rules_of(sub) == [("no_answer", "74957654321", 15)]
    # a target that is one of the selected numbers: nothing changes
    with pytest.raises(ValidationError, match="itself"):
        forwarding.bulk_set(s, ids, "busy", subs[2].msisdn)
    assert ForwardingRule.select().where(ForwardingRule.condition == "busy").count() == 0
    gone = forwarding.bulk_delete(s, ids[:2], "no_answer")
    assert gone["deleted"] == 2 and rules_of(subs[0]) == [] and rules_of(subs[2])
    assert forwarding.preview_delete(s, ids)["rules"] == 3


def test_cli_list_set_delete(data, db_url):
    from click.testing import CliRunner

    from corptui.cli import main

    run = CliRunner()
    comp = data["company"].name
    res = run.invoke(main, ["--db", db_url, "forwarding", "set", "+7 926 123-45-67",
                            "79261234568", "--condition", "no_answer", "--target",
                            "84951234567", "--delay", "25", "--company", comp])
    assert res.exit_code == 0, res.output
    assert "2 number(s)" in res.output
    res = run.invoke(main, ["--db", db_url, "forwarding", "list", "79261234567",
                            "--company", comp, "--format", "json"])
    assert res.exit_code == 0, res.output
    import json

    rows = json.loads(res.output)
    assert [(r["condition"], r["target"], r["delay_seconds"]) for r in rows] == [
        ("no_answer", "74951234567", 25)]
    res = run.invoke(main, ["--db", db_url, "forwarding", "set", "79261234567",
                            "--condition", "busy", "--target", "79261234567", "--company", comp])
    assert res.exit_code == 1 and "itself" in res.output
    res = run.invoke(main, ["--db", db_url, "forwarding", "set", OTHER_MSISDN,
                            "--condition", "busy", "--target", "74951234567", "--company", comp])
    assert res.exit_code == 1 and "in this company" in res.output
    res = run.invoke(main, ["--db", db_url, "forwarding", "delete", "79261234567",
                            "--all", "--company", comp])
    assert res.exit_code == 0, res.output
    assert rules_of(data["subs"][0]) == [] and len(rules_of(data["subs"][1])) == 1


def test_the_audit_names_the_number_by_its_phone(data):
    from corptui import auditlog
    from corptui.phones import format_msisdn
    from screens.audit import render_cell

    s, sub = data["session"], data["subs"][0]
    forwarding.add_rule(s, sub.id, "busy", "+7 903 111-22-33")
    entry = [e for e in auditlog.list_entries(s) if e["action"] == "forwarding.add"][0]
    assert entry["number"] == sub.msisdn
    assert render_cell(entry, "object") == format_msisdn(sub.msisdn)
