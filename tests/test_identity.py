"""Identity (issue 17): look-alike digits in logins and applications, INNs that are
unique and validated, a company name that can never be an INN, an unambiguous
``--company``, stored look-alikes folded by the v6 migration."""

from __future__ import annotations

import peewee as pw
import pytest
from click.testing import CliRunner

from corptui import applications, auth, companies
from corptui.cli import main
from corptui.errors import Conflict, NotFound, ValidationError
from corptui.passwords import hash_password
from storage import schema
from storage.db import database
from storage.models import Company, PersonalAccount, Subscriber, User

GOOD = dict(company_name="ООО Ромашка", inn="7707083893", last_name="Иванов",
            first_name="Иван", patronymic="", numbers="89261234567",
            contact_phone="89031234567", contact_email="boss@example.com")


def _submit(**changes):
    return applications.submit(**{**GOOD, **changes})


def test_a_lookalike_login_is_the_same_login(db):
    company = Company.create(name="A", inn="7707083893")
    User.create(company=company, phone="79261234567", role="owner",
                password_hash=hash_password("Long-enough-pass-1"), must_change_password=False)
    session = auth.login("79２６1234567", "Long-enough-pass-1")
    assert session.actor == "79261234567"
    with pytest.raises(auth.AuthError):
        auth.login("7٩٢٦1234567", "wrong-password-here")
    assert User.get(User.phone == "79261234567").failed_attempts == 1


def test_a_lookalike_of_another_companys_number_is_not_approved(db):
    first = _submit()
    applications.approve(first["reference"])
    copy = _submit(company_name="ООО Копия", inn="7830002293", numbers="79２６1234567",
                   contact_phone="89000000002")
    with pytest.raises(Conflict, match="already linked to another company"):
        applications.approve(copy["reference"])
    assert Subscriber.select().where(Subscriber.msisdn.contains("２")).count() == 0


@pytest.mark.parametrize("name", ["7701234560", " 7701234560 ", "500100732259",
                                  "７７０１２３４５６０", "770 123 4560"])
def test_a_company_name_is_never_a_valid_inn(db, name):
    with pytest.raises(ValidationError) as err:
        _submit(company_name=name)
    assert err.value.field == "company_name" and "may not be an INN" in err.value.message


def test_an_inn_is_one_company(db):
    applications.approve(_submit()["reference"])
    second = _submit(company_name="ООО Двойник", numbers="89000000001",
                     contact_phone="89000000002")
    with pytest.raises(Conflict, match="INN 7707083893 exists already"):
        applications.approve(second["reference"])
    with pytest.raises(pw.IntegrityError):  # and the database says so too
        with database.atomic():
            Company.create(name="Напрямую", inn="7707083893")


def _two_companies_one_named_like_the_others_inn():
    victim = Company.create(name="ООО Жертва", inn="7701234560")
    PersonalAccount.create(company=victim, number="1")
    # stored before the rule (a company named like another's INN)
    attacker = Company.create(name="7701234560", inn="7830002293")
    return victim, attacker


def test_company_lookup_by_inn_is_by_inn_only(db):
    victim, attacker = _two_companies_one_named_like_the_others_inn()
    assert companies.resolve_company("7701234560").id == victim.id
    assert companies.resolve_company("７７０１２３４５６０").id == victim.id
    assert companies.resolve_company("7830002293").id == attacker.id
    assert companies.resolve_company("ооо жертва").id == victim.id
    with pytest.raises(NotFound, match="no company with the INN 7707083893"):
        companies.resolve_company("7707083893")
    res = CliRunner().invoke(main, ["accounts", "list", "--company", "7701234560",
                                    "--format", "json"])
    assert res.exit_code == 0 and '"number": "1"' in res.output


def test_upgrade_folds_stored_lookalikes_and_makes_inns_unique(db):
    company = Company.create(name="A", inn="7707083893")
    account = PersonalAccount.create(company=company, number="1")
    Subscriber.create(company=company, account=account, msisdn="79261234567")
    Subscriber.create(company=company, account=account, msisdn="79２６1234567")  # a copy
    Subscriber.create(company=company, account=account, msisdn="79١٠٠633762")
    User.create(company=company, phone="7903١١١2233", role="owner")
    database.execute_sql('DROP INDEX "company_inn_unique"')
    schema.models.SchemaVersion.update(version=7).execute()
    assert schema.upgrade() == (7, schema.SCHEMA_VERSION)
    stored = {m for (m,) in Subscriber.select(Subscriber.msisdn).tuples()}
    assert "79100633762" in stored and "79261234567" in stored
    assert User.get().phone == "79031112233"
    problems = schema.check()
    assert any("look-alike of 79261234567" in p for p in problems)  # left for the operator
    with pytest.raises(pw.IntegrityError):
        with database.atomic():
            Company.create(name="B", inn="7707083893")
