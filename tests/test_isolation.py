"""Two companies: no use case, search, export or CLI path of one company returns the
other's numbers, users, tags, audit entries or money."""

from __future__ import annotations

import json

import money_data
import pytest
from access_data import OTHER_OWNER, build, session_of
from click.testing import CliRunner

from corptui import (
    accounts,
    auditlog,
    calls,
    charges,
    employees,
    numbers,
    payments,
    tags,
    users,
)
from corptui.cli import main
from corptui.database import close_database, open_database
from corptui import scope
from corptui.errors import NotFound, ValidationError
from corptui.numbers import NumberFilter
from storage.models import SubscriberTag

MINE = {"79261234567", "79031112233", "79990000000"}
THEIRS = {"79160000001", "79261230000"}


@pytest.fixture
def data(db):
    d = build()
    users.reset_password(session_of(d["other_user"]), OTHER_OWNER)  # an audit entry there
    tags.create_tag(session_of(d["users"]["owner"]), "Свой")  # and one here
    return d


@pytest.mark.parametrize("query", ["", "926123", "8926123", "Смирн", "Ёлкин", "ЧУЖОЙ",
                                   "7916", "Чужой тег"])
def test_numbers_lists_and_searches_stay_in_the_company(data, query):
    for role in ("owner", "viewer"):
        session = session_of(data["users"][role])
        flt = NumberFilter(search=query)
        listed = {r["msisdn"] for r in numbers.list_numbers(session, flt)}
        ids = numbers.matching_ids(session, flt)
        rows = numbers.rows_by_ids(session, ids)
        assert listed <= MINE and {r["msisdn"] for r in rows.values()} == listed
    everything = {r["msisdn"] for r in numbers.list_numbers(session_of(data["users"]["owner"]))}
    assert everything == MINE


def test_foreign_ids_match_nothing(data):
    owner = session_of(data["users"]["owner"])
    foreign = [s.id for s in data["other_subs"]]
    assert numbers.rows_by_ids(owner, foreign) == {}
    assert numbers.matching_ids(owner, NumberFilter(tags=("Чужой тег",))) == []
    for ref in (foreign[0], "79160000001"):
        with pytest.raises(NotFound):
            numbers.get_subscriber(owner, ref)
    with pytest.raises(NotFound):
        employees.get_employee(owner, foreign[0])
    with pytest.raises(NotFound):
        tags.get_tag(owner, data["other_tag"].id)
    before = SubscriberTag.select().count()
    with pytest.raises(ValidationError, match="no number .* in this company"):
        scope.ids(owner, ["79160000001"])
    try:
        tags.assign(owner, foreign, add=["Москва"])
    except NotFound:
        pass
    assert SubscriberTag.select().count() == before
    assert numbers.count_all(owner) == 3


def test_users_tags_and_audit_stay_in_the_company(data):
    owner = session_of(data["users"]["owner"])
    assert {u["phone"] for u in users.list_users(owner)} == {
        "79260000001", "79260000002", "79260000003", "79260000004"}
    assert {t["name"] for t in tags.list_tags(owner)} == {"Москва", "Свой"}
    entries = auditlog.list_entries(owner, limit=None)
    assert [e["action"] for e in entries] == ["tags.create"]
    assert auditlog.list_entries(owner, user=OTHER_OWNER) == []
    other = session_of(data["other_user"])
    assert [u["phone"] for u in users.list_users(other)] == [OTHER_OWNER]
    assert [e["action"] for e in auditlog.list_entries(other, limit=None)] == [
        "user.reset_password"]


def test_money_queries_and_exports_stay_in_the_company(db, tmp_path):
    m = money_data.build()
    session = m["session"]
    foreign_sub, foreign_acc = m["osub"].id, m["oacc"].id
    rows = payments.query(session, payments.PaymentFilter(), 0, None)
    assert rows and "X-1" not in {r["document_no"] for r in rows}
    assert payments.query(session, payments.PaymentFilter(subscriber_ids=(foreign_sub,))) == []
    assert payments.query(session, payments.PaymentFilter(account_ids=(foreign_acc,))) == []
    assert payments.totals(session, payments.PaymentFilter(account_ids=(foreign_acc,)))[
        "count"] == 0
    assert "900" not in {a["number"] for a in accounts.list_accounts(session)}
    assert all(r["amount"] != money_data.D("100000.00") for r in charges.lines(
        session, [s.id for s in m["subs"]] + [foreign_sub], money_data.dt.date(2024, 5, 1)))
    assert calls.query(session, calls.CallFilter(subscriber_ids=(foreign_sub,))) == []
    for module, flt in ((payments, payments.PaymentFilter()), (charges, charges.ChargeFilter()),
                        (calls, calls.CallFilter())):
        path = tmp_path / f"{module.__name__}.json"
        module.export(session, flt, "json", str(path))
        text = path.read_text(encoding="utf-8")
        for foreign in ("79160000001", "Чужой", "777.77", "100000.00"):
            assert foreign not in text, (module.__name__, foreign)


def _cli(*args):
    close_database()
    result = CliRunner().invoke(main, list(args))
    close_database()
    return result


def test_cli_paths_stay_in_the_company(data, db):
    close_database()
    company = ["--company", "ООО «Ромашка»"]
    for args in (["numbers", "list", "--format", "json"],
                 ["numbers", "list", "--search", "926123", "--format", "json"],
                 ["numbers", "list", "--search", "Смирн", "--format", "json"],
                 ["users", "list", "--format", "json"],
                 ["audit", "list", "--format", "json"],
                 ["accounts", "list", "--format", "json"],
                 ["export", "payments", "--format", "json", "-o", "-"],
                 ["export", "calls", "--format", "json", "-o", "-"]):
        result = _cli(*args, *company)
        assert result.exit_code == 0, (args, result.output)
        json.loads(result.stdout)
        for foreign in sorted(THEIRS) + [OTHER_OWNER, "Чужой", "user.reset_password", "\"900\""]:
            assert foreign not in result.output, (args, foreign)
    listed = json.loads(_cli("numbers", "list", "--format", "json", *company).output)
    assert {r["msisdn"] for r in listed} == MINE
    open_database(db)
