"""Access applications: validation (INN checksums, names, numbers, contacts), the
reference number, approval (company, account, numbers, owner, outbox) and rejection."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from click.testing import CliRunner

from corptui import applications, auth
from corptui.cli import main
from corptui.database import close_database, open_database
from corptui.errors import Conflict, NotFound, ValidationError
from storage.models import (
    AccessApplication,
    AuditEntry,
    Company,
    Notification,
    PersonalAccount,
    Subscriber,
    User,
)

GOOD = dict(company_name="ООО «Ромашка» [/] [@click=app.quit]", inn="7707083893",
            last_name="Иванов-Петров", first_name="Иван", patronymic="Иванович",
            numbers="+7 926 123-45-67\n8 903 111 22 33, 9990000000",
            contact_phone="8 (926) 555-44-33", contact_email="boss@romashka.ru")


def _submit(**changes):
    return applications.submit(**{**GOOD, **changes})


def _counts():
    return [m.select().count() for m in (Company, PersonalAccount, Subscriber, User,
                                         Notification, AccessApplication)]


@pytest.mark.parametrize("inn", ["7707083893", "500100732259", "7830002293",
                                 " 7707083893 "])
def test_valid_inns(inn):
    assert applications.validate_inn(inn) == inn.strip()


def test_an_inn_in_other_digits_is_folded_like_a_phone():
    assert applications.validate_inn("７７０７０８３８９３") == "7707083893"
    assert applications.validate_inn("٧٧٠٧٠٨٣٨٩٣") == "7707083893"


@pytest.mark.parametrize("inn, message", [
    ("7707083894", "check digit"), ("500100732258", "check digits"),
    ("500100732249", "check digits"), ("770708389", "9 digits"), ("", "enter the INN"),
    ("77070838 93", "digits only"), ("７７０７０８３８９４", "check digit"),
    ("1' OR '1'='1", "digits only"),
])
def test_invalid_inns(inn, message):
    with pytest.raises(ValidationError) as exc:
        applications.validate_inn(inn)
    assert exc.value.field == "inn" and message in exc.value.message


def test_numbers_in_every_pasted_form_named_by_line():
    text = "+7 926 123-45-67\n\n89031112233, 9990000000;8 916 000 00 01 89161112233\n89261234567"
    assert applications.parse_numbers(text) == [
        "79261234567", "79031112233", "79990000000", "79160000001", "79161112233"]
    with pytest.raises(ValidationError) as exc:
        applications.parse_numbers("89261234567\n\n12 34 zz")
    assert exc.value.field == "numbers" and exc.value.message.startswith("line 3:")
    with pytest.raises(ValidationError) as empty:
        applications.parse_numbers(" \n ,, ")
    assert "at least one" in empty.value.message


def test_submit_returns_a_unique_reference_and_stores_the_text_literally(db):
    first = _submit()
    second = _submit(company_name="ООО Вторая")
    year = dt.datetime.now(dt.UTC).year
    assert re.fullmatch(rf"A-{year}-\d{{6}}", first["reference"])
    assert first["reference"] != second["reference"] and first["numbers"] == 3
    app = applications.get_application(first["reference"])
    assert app["status"] == "pending"
    assert app["company_name"] == GOOD["company_name"]
    assert app["numbers"] == ["79261234567", "79031112233", "79990000000"]
    assert app["contact_phone"] == "79265554433"
    assert applications.get_application(str(first["id"]))["reference"] == first["reference"]
    assert [a["reference"] for a in applications.list_applications("pending")] == [
        second["reference"], first["reference"]]


def test_the_same_application_sent_twice_is_one(db):
    first = _submit()
    again = _submit(numbers="+7 926 123-45-67\n8 903 111 22 33, 9990000000",
                    contact_phone="+7 926 555-44-33")  # the same, typed another way
    assert again["reference"] == first["reference"] and again["existing"] is True
    assert first["existing"] is False
    assert AccessApplication.select().count() == 1
    assert len(applications.list_applications("pending")) == 1
    a, b = _submit(patronymic=""), _submit(patronymic="")
    assert a["reference"] == b["reference"] != first["reference"]


def test_every_bad_field_at_once_and_nothing_stored(db):
    with pytest.raises(ValidationError) as exc:
        applications.submit(company_name="Я" * 201, inn="123", last_name="Ива\x1bнов",
                            first_name="Ivan Иvan", patronymic="Robert'); DROP TABLE x;--",
                            numbers="89261234567\nnot a number",
                            contact_phone="call me", contact_email="boss@")
    errors = exc.value.errors
    assert set(errors) == {"company_name", "inn", "last_name", "first_name", "patronymic",
                           "numbers", "contact_phone", "contact_email"}
    assert "200 characters" in errors["company_name"]
    assert "control characters" in errors["last_name"]
    assert "Cyrillic and Latin" in errors["first_name"]
    assert "only letters" in errors["patronymic"]
    assert errors["numbers"].startswith("line 2:")
    assert AccessApplication.select().count() == 0
    with pytest.raises(ValidationError) as empty:
        applications.submit("", "", "", "", "", "", "", "")
    assert set(empty.value.errors) == {"company_name", "inn", "last_name", "first_name",
                                       "numbers", "contact_phone", "contact_email"}
    with pytest.raises(ValidationError) as ctl:
        _submit(company_name="ООО \x00Ромашка")
    assert set(ctl.value.errors) == {"company_name"}
    with pytest.raises(ValidationError) as long_name:
        _submit(last_name="Я" * 101)
    assert set(long_name.value.errors) == {"last_name"}
    assert AccessApplication.select().count() == 0


def test_approve_creates_everything_and_the_owner_logs_in(db):
    ref = _submit()["reference"]
    result = applications.approve(ref)
    company = Company.get(Company.name == GOOD["company_name"])
    assert (company.inn, company.contact_email, company.contact_phone) == (
        "7707083893", "boss@romashka.ru", "79265554433")
    account = PersonalAccount.get(PersonalAccount.company == company)
    assert result["account"] == account.number
    numbers = sorted(s.msisdn for s in Subscriber.select().where(Subscriber.company == company))
    assert numbers == ["79031112233", "79261234567", "79990000000"]
    assert all(s.account_id == account.id for s in Subscriber.select())
    owner = User.get(User.phone == "79265554433")
    assert (owner.company_id, owner.role, owner.must_change_password) == (company.id, "owner", True)
    assert owner.full_name == "Иванов-Петров Иван Иванович"
    mails = list(Notification.select().order_by(Notification.id))
    assert [(n.channel, n.recipient, n.state) for n in mails] == [
        ("email", "boss@romashka.ru", "queued"), ("sms", "79265554433", "queued")]
    assert result["temporary_password"] in mails[0].body and "+7 926 555-44-33" in mails[0].body
    assert result["temporary_password"] not in mails[1].body
    app = AccessApplication.get(AccessApplication.reference == ref)
    assert (app.status, app.company_id) == ("approved", company.id) and app.decided_at
    session = auth.login("+79265554433", result["temporary_password"])
    assert session.company_id == company.id and session.extra["must_change_password"]
    actions = {e.action for e in AuditEntry.select().where(AuditEntry.company == company)}
    assert {"application.approve", "company.create", "user.add", "number.link"} <= actions
    assert result["temporary_password"] not in json.dumps(
        [(e.before, e.after) for e in AuditEntry.select()], default=str)
    with pytest.raises(Conflict):
        applications.approve(ref)
    with pytest.raises(Conflict):
        applications.reject(ref, "too late")


def test_approve_conflicts_change_nothing(db):
    taken = _submit()
    applications.approve(taken["reference"])
    before = _counts()
    same_name = _submit(numbers="89000000001", contact_phone="89000000002")
    one_taken = _submit(company_name="ООО Другая", numbers="89000000003\n89261234567",
                        contact_phone="89000000004", inn="7830002293")
    phone_taken = _submit(company_name="ООО Третья", numbers="89000000005",
                          inn="500100732259")
    same_inn = _submit(company_name="ООО Четвёртая", numbers="89000000006",
                       contact_phone="89000000007")
    lookalike = _submit(company_name="ООО Пятая", numbers="89２６1234567",
                        contact_phone="89000000008", inn="7830002293")
    before = _counts()
    for ref, message in [(same_name["reference"], "exists already"),
                         (one_taken["reference"], "+7 926 123-45-67"),
                         (phone_taken["reference"], "already a login"),
                         (same_inn["reference"], "INN 7707083893 exists already"),
                         (lookalike["reference"], "+7 926 123-45-67")]:
        with pytest.raises(Conflict) as exc:
            applications.approve(ref)
        assert message in exc.value.message
    assert _counts() == before
    assert applications.list_applications("pending") and len(
        applications.list_applications("pending")) == 5
    with pytest.raises(NotFound):
        applications.approve("A-1999-000001")
    with pytest.raises(ValidationError):
        applications.list_applications("maybe")


def test_reject_queues_the_reason(db):
    ref = _submit()["reference"]
    with pytest.raises(ValidationError) as exc:
        applications.reject(ref, "   ")
    assert exc.value.field == "reason"
    result = applications.reject(ref, "INN does not match the company [b]name[/b]")
    assert result["status"] == "rejected"
    app = AccessApplication.get(AccessApplication.reference == ref)
    assert app.status == "rejected" and app.reason.startswith("INN does not match")
    mail = Notification.get()
    assert mail.channel == "email" and mail.recipient == "boss@romashka.ru"
    assert "INN does not match the company [b]name[/b]" in mail.body
    assert Company.select().count() == 0 and User.select().count() == 0
    assert AuditEntry.get(AuditEntry.action == "application.reject").after["status"] == "rejected"


def _cli(*args):
    close_database()
    result = CliRunner().invoke(main, list(args))
    close_database()
    return result


def test_cli_list_approve_reject(db):
    first = _submit()
    second = _submit(company_name="ООО Вторая", contact_phone="89000000010",
                     numbers="89000000011")
    close_database()
    listed = _cli("applications", "list", "--format", "json")
    assert listed.exit_code == 0, listed.output
    data = json.loads(listed.output)
    assert [a["reference"] for a in data] == [second["reference"], first["reference"]]
    assert data[1]["company_name"] == GOOD["company_name"] and data[1]["numbers_count"] == 3
    table = _cli("applications", "list", "--status", "pending")
    assert first["reference"] in table.output and "[/]" in table.output
    approved = _cli("applications", "approve", first["reference"])
    assert approved.exit_code == 0, approved.output
    assert "login: +7 926 555-44-33" in approved.output
    temporary = approved.output.split("temporary password: ")[1].split()[0]
    no_reason = _cli("applications", "reject", str(second["id"]))
    assert no_reason.exit_code == 2  # a usage error (a required option missing)
    rejected = _cli("applications", "reject", str(second["id"]), "--reason", "unknown INN")
    assert rejected.exit_code == 0, rejected.output
    twice = _cli("applications", "approve", first["reference"])
    assert twice.exit_code == 1 and "approved already" in twice.output
    statuses = json.loads(_cli("applications", "list", "--status", "rejected", "--format",
                               "json").output)
    assert [a["reference"] for a in statuses] == [second["reference"]]
    bad = _cli("applications", "list", "--status", "lost")
    assert bad.exit_code == 2
    open_database(db)
    assert auth.login("89265554433", temporary).role == "owner"
