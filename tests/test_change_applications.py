"""Change applications through corptui.change_applications (and the CLI), on both
engines."""

from __future__ import annotations

import pytest
from numbers_core_data import OTHER_MSISDN, build

from corptui import change_applications as ca
from corptui.errors import Conflict, NotFound, PermissionDenied, ValidationError
from storage.models import AuditEntry, ChangeApplication


@pytest.fixture
def data(db):
    return build()


def test_create_list_get_cancel(data):
    s, subs = data["session"], data["subs"]
    app = ca.create(s, ["+7 926 123-45-67", "89261234568"], "Тариф «Бизнес Безлимит»",
                    "с 1-го числа", "8 903 111 22 33")
    assert app["reference"].startswith("Z-") and len(app["reference"]) == 13
    assert app["numbers"] == ["79261234567", "79261234568"]
    assert (app["status"], app["contact"]) == ("submitted", "+79031112233")
    second = ca.create(s, ca.numbers_text(s, [subs[2].id]), "Роуминг", "", "a@b.ru")
    history = ca.list_applications(s)
    assert [h["reference"] for h in history] == [second["reference"], app["reference"]]
    assert ca.list_applications(data["other_session"]) == []
    assert ca.get_application(s, app["reference"].lower())["desired"] == "Тариф «Бизнес Безлимит»"
    with pytest.raises(NotFound):
        ca.get_application(data["other_session"], app["reference"])
    ca.cancel(s, app["reference"])
    assert [h["status"] for h in ca.list_applications(s, "cancelled")] == ["cancelled"]
    with pytest.raises(Conflict):
        ca.cancel(s, app["reference"])
    actions = [a for (a,) in AuditEntry.select(AuditEntry.action).order_by(AuditEntry.id).tuples()]
    assert actions == ["change_application.create"] * 2 + ["change_application.cancel"]


def test_field_errors_and_nothing_saved(data):
    s = data["session"]
    with pytest.raises(ValidationError) as err:
        ca.create(s, "", " ", "x" * 3000, "not a contact")
    assert set(err.value.errors) == {"numbers", "desired", "comment", "contact"}
    with pytest.raises(ValidationError, match="no number .* in this company") as err:
        ca.create(s, [OTHER_MSISDN], "Тариф", "", "a@b.ru")
    assert err.value.field == "numbers"
    with pytest.raises(ValidationError) as err:
        ca.create(s, ["79261234567"], "Тариф", "", "a@b")
    assert err.value.field == "contact"
    assert ChangeApplication.select().count() == 0
    with pytest.raises(PermissionDenied):
        ca.create(data["viewer"], ["79261234567"], "Тариф", "", "a@b.ru")


def test_cli_create_and_list(data, db_url):
    import json

    from click.testing import CliRunner

    from corptui.cli import main

    comp = ["--company", data["company"].name]
    run = CliRunner()
    res = run.invoke(main, ["--db", db_url, "change-requests", "create", "79261234567",
                            "--desired", "Тариф «Бизнес»", "--contact", "a@b.ru", *comp])
    assert res.exit_code == 0 and "submitted for 1 number(s)" in res.output, res.output
    res = run.invoke(main, ["--db", db_url, "change-requests", "list", "--format", "json",
                            *comp])
    rows = json.loads(res.output)
    assert [(r["status"], r["numbers"], r["desired"]) for r in rows] == [
        ("submitted", ["79261234567"], "Тариф «Бизнес»")]
    res = run.invoke(main, ["--db", db_url, "change-requests", "create", "79261234567",
                            "--desired", "", "--contact", "a@b.ru", *comp])
    assert res.exit_code == 1 and "required" in res.output
