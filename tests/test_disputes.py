"""Disputes of charges (corptui.disputes) and `corptui disputes ...` / `corptui undo last`,
on both engines."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from conftest import run_cli as run
from money_data import build

from corptui import disputes, payments
from corptui.database import close_database, open_database
from corptui.errors import Conflict, NotFound, PermissionDenied, ValidationError
from corptui.session import Session
from storage.models import AuditEntry, Charge, Dispute, Payment, PersonalAccount

CO = ("--company", "ООО «Ромашка»")


@pytest.fixture
def data(db):
    d = build()
    comp = d["company"].id
    d["charges"] = list(Charge.select().where(Charge.company == comp).order_by(Charge.id))
    d["foreign_charge"] = Charge.get(Charge.company == d["other"].id)
    d["roles"] = {r: Session(company_id=comp, role=r, actor=r, source="test")
                  for r in ("owner", "admin", "accountant", "viewer")}
    return d


def roaming(d) -> Charge:
    return next(c for c in d["charges"] if c.kind == "roaming")


def test_open_list_and_one_live_dispute_per_charge(data, tmp_path):
    s = data["roles"]["accountant"]
    charge = roaming(data)
    scan = tmp_path / "bill scan.pdf"
    scan.write_bytes(b"%PDF-1.4 roaming bill")
    d = disputes.open_dispute(s, charge.id, "  Roaming while in Moscow  ", str(scan))
    assert (d["charge"], d["status"], d["amount"]) == (charge.id, "open", Decimal("1500.01"))
    assert d["reason"] == "Roaming while in Moscow" and d["number"] == "+7 926 123-45-67"
    row = Dispute.get_by_id(d["id"])
    assert row.attachment_name == "bill scan.pdf"
    stored = disputes.disputes_dir() / row.attachment.rsplit("/", 1)[-1]
    assert stored.read_bytes() == b"%PDF-1.4 roaming bill"
    with pytest.raises(Conflict, match="already disputed"):
        disputes.open_dispute(s, charge.id, "again")
    disputes.set_status(data["roles"]["admin"], d["id"], "in_review")
    with pytest.raises(Conflict, match="in review"):
        disputes.open_dispute(s, charge.id, "again")
    other = disputes.open_dispute(s, data["charges"][0].id, "fee twice")
    assert [r["id"] for r in disputes.list_disputes(s)] == [other["id"], d["id"]]
    assert [r["id"] for r in disputes.list_disputes(s, "in_review")] == [d["id"]]
    assert disputes.list_disputes(data["other_session"]) == []
    assert disputes.charge_summary(s, charge.id)["disputed"] == d["id"]
    assert [e.action for e in AuditEntry.select().order_by(AuditEntry.id)] == [
        "disputes.open", "disputes.in_review", "disputes.open"]


def test_bad_input_changes_nothing(data, tmp_path):
    s = data["roles"]["owner"]
    charge = roaming(data)
    for reason in ("", "   ", "x" * 2001, "bad\x1b[31m"):
        with pytest.raises(ValidationError) as err:
            disputes.open_dispute(s, charge.id, reason)
        assert err.value.field == "reason"
    with pytest.raises(NotFound):
        disputes.open_dispute(s, data["foreign_charge"].id, "not ours")
    with pytest.raises(ValidationError):
        disputes.open_dispute(s, "abc", "bad id")
    with pytest.raises(ValidationError, match="no such file"):
        disputes.open_dispute(s, charge.id, "r", str(tmp_path / "missing.pdf"))
    big = tmp_path / "big.bin"
    with big.open("wb") as fh:
        fh.truncate(disputes.ATTACHMENT_MAX + 1)
    with pytest.raises(ValidationError, match="at most 10 MB"):
        disputes.open_dispute(s, charge.id, "r", str(big))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(ValidationError, match="empty"):
        disputes.open_dispute(s, charge.id, "r", str(empty))
    assert Dispute.select().count() == 0 and AuditEntry.select().count() == 0
    assert not disputes.disputes_dir().exists() or not any(disputes.disputes_dir().iterdir())


def test_accept_creates_an_adjustment_payment(data):
    s = data["roles"]["accountant"]
    charge = roaming(data)
    d = disputes.open_dispute(s, charge.id, "roaming in Moscow")
    balance = PersonalAccount.get_by_id(charge.account_id).balance
    admin = data["roles"]["admin"]
    for bad in ("0", "-5", "abc", "1.001", "1500.02"):
        with pytest.raises(ValidationError) as err:
            disputes.accept(admin, d["id"], bad)
        assert err.value.field == "credit"
    assert Payment.select().where(Payment.type == "adjustment").count() == 1  # the seed's
    done = disputes.accept(admin, d["id"], "1 500,01")
    assert (done["status"], done["credit"]) == ("accepted", Decimal("1500.01"))
    pay = Payment.get_by_id(Dispute.get_by_id(d["id"]).payment_id)
    assert (pay.type, pay.amount, pay.account_id, pay.subscriber_id) == (
        "adjustment", Decimal("1500.01"), charge.account_id, charge.subscriber_id)
    assert f"dispute #{d['id']}" in pay.comment
    assert PersonalAccount.get_by_id(charge.account_id).balance == balance + Decimal("1500.01")
    # it shows in the payments list
    rows = payments.query(s, payments.PaymentFilter(types=("adjustment",)), limit=None)
    assert Decimal("1500.01") in [r["amount"] for r in rows]
    with pytest.raises(Conflict, match="already accepted"):
        disputes.reject(admin, d["id"], "changed my mind")
    # a decided dispute frees the charge for a new one
    assert disputes.open_dispute(s, charge.id, "another issue")["status"] == "open"


def test_reject_needs_a_reason_and_decisions_need_owner_or_admin(data):
    charge = roaming(data)
    d = disputes.open_dispute(data["roles"]["owner"], charge.id, "why")
    for role in ("accountant", "viewer"):
        with pytest.raises(PermissionDenied):
            disputes.reject(data["roles"][role], d["id"], "no")
        with pytest.raises(PermissionDenied):
            disputes.accept(data["roles"][role], d["id"], "1")
    with pytest.raises(PermissionDenied):
        disputes.open_dispute(data["roles"]["viewer"], data["charges"][0].id, "why")
    with pytest.raises(ValidationError) as err:
        disputes.reject(data["roles"]["owner"], d["id"], " ")
    assert err.value.field == "reason"
    with pytest.raises(ValidationError):
        disputes.set_status(data["roles"]["owner"], d["id"], "open")
    with pytest.raises(NotFound):
        disputes.reject(data["other_session"], d["id"], "not yours")
    done = disputes.reject(data["roles"]["owner"], d["id"], "the roaming was real")
    assert (done["status"], done["decision"], done["credit"]) == (
        "rejected", "the roaming was real", None)
    assert Payment.select().where(Payment.comment.contains("dispute")).count() == 0


def test_cli_open_accept_reject_list(data, db, tmp_path):
    charge = roaming(data)
    other = data["charges"][0]
    note = tmp_path / "note.txt"
    note.write_text("детализация", encoding="utf-8")
    close_database()
    try:
        r = run("disputes", "open", str(charge.id), "--reason", "Роуминг в Москве",
                "--attachment", str(note), *CO)
        assert r.exit_code == 0, r.output
        first = int(r.output.split()[2])
        r = run("disputes", "open", str(charge.id), "--reason", "again", *CO)
        assert r.exit_code == 1 and "already disputed" in r.output
        r = run("disputes", "open", str(other.id), "--reason", "fee", *CO)
        second = int(r.output.split()[2])
        r = run("disputes", "accept", str(first), "--credit", "abc", *CO)
        assert r.exit_code == 1 and "not an amount" in r.output
        assert run("disputes", "accept", str(first), "--credit", "100.50", *CO).exit_code == 0
        assert run("disputes", "reject", str(second), "--reason", "fee is right", *CO).exit_code == 0
        r = run("disputes", "list", "--format", "json", *CO)
        assert r.exit_code == 0, r.output
        rows = json.loads(r.output)
        assert [(x["id"], x["status"], x["credit"]) for x in rows] == [
            (second, "rejected", None), (first, "accepted", "100.50")]
        assert rows[1]["reason"] == "Роуминг в Москве" and rows[1]["attachment"] == "note.txt"
        r = run("disputes", "list", "--format", "table", *CO)
        assert "accepted" in r.output and "Роуминг в Москве" in r.output
    finally:
        open_database(db)
    assert Payment.select().where((Payment.type == "adjustment")
                                  & (Payment.amount == Decimal("100.50"))).count() == 1


def test_cli_undo_last(db):
    from numbers_core_data import build as build_numbers

    from corptui import tags
    from storage.models import SubscriberTag

    d = build_numbers()
    before = set(SubscriberTag.select(SubscriberTag.subscriber, SubscriberTag.tag).tuples())
    tags.assign(d["session"], [s.id for s in d["subs"]], add=["Drivers"])
    close_database()
    try:
        r = run("undo", "last", "--dry-run", *CO)
        assert r.exit_code == 0, r.output
        assert "would undo tag assignment" in r.output and "4 number(s)" in r.output
        r = run("undo", "last", *CO)
        assert r.exit_code == 0 and "4 number(s) restored" in r.output
        r = run("undo", "last", *CO)
        assert r.exit_code == 1 and "no bulk change" in r.output
    finally:
        open_database(db)
    assert set(SubscriberTag.select(SubscriberTag.subscriber, SubscriberTag.tag).tuples()) == before
