"""The employee card's name/position editing with optimistic locking, on both engines."""

from __future__ import annotations

import pytest
from numbers_core_data import build

from corptui import employees, numbers
from corptui.employees import VersionConflict
from corptui.errors import Conflict, NotFound, PermissionDenied, ValidationError
from corptui.session import Session
from storage.models import AuditEntry, Subscriber


@pytest.fixture
def data(db):
    return build()


def test_update_strips_bumps_version_and_reindexes_search(data):
    s = data["session"]
    sub = data["subs"][0]
    card = employees.get_employee(s, sub.id)
    assert card["version"] == 1
    before_updated = Subscriber.get_by_id(sub.id).updated_at
    saved = employees.update_employee(s, sub.id, "  Сидоров   Семён ", " Старший  инженер ", 1)
    assert saved == {"id": sub.id, "msisdn": sub.msisdn, "full_name": "Сидоров Семён",
                     "position": "Старший инженер", "version": 2}
    row = Subscriber.get_by_id(sub.id)
    assert (row.full_name, row.position, row.version) == ("Сидоров Семён", "Старший инженер", 2)
    assert row.updated_at >= before_updated
    # search folds Cyrillic case and ё = е on the new name
    found = numbers.matching_ids(s, numbers.NumberFilter(search="СЕМЕН"))
    assert found == [sub.id]
    entry = AuditEntry.get(AuditEntry.action == "employee.update")
    assert entry.before == {"full_name": "Иванов Иван Иванович", "position": "Инженер"}
    assert entry.after == {"full_name": "Сидоров Семён", "position": "Старший инженер"}
    assert entry.object_id == sub.msisdn


def test_second_admin_gets_a_conflict_with_both_values(data):
    first = data["session"]
    second = Session(company_id=data["company"].id, role="admin", actor="79000000001")
    sub = data["subs"][1]
    v = employees.get_employee(second, sub.id)["version"]
    employees.update_employee(first, sub.id, "Петрова-Смирнова Анна", "Бухгалтер", v)
    with pytest.raises(VersionConflict) as err:
        employees.update_employee(second, sub.id, "Петрова Анна", "Главный бухгалтер", v)
    exc = err.value
    assert isinstance(exc, Conflict)
    assert exc.theirs == {"full_name": "Петрова-Смирнова Анна", "position": "Бухгалтер"}
    assert exc.yours == {"full_name": "Петрова Анна", "position": "Главный бухгалтер"}
    assert (exc.current_version, exc.expected_version) == (v + 1, v)
    assert "Петрова-Смирнова Анна" in exc.message and "Главный бухгалтер" in exc.message
    row = Subscriber.get_by_id(sub.id)
    assert (row.full_name, row.version) == ("Петрова-Смирнова Анна", v + 1)
    # reopening the card and saving again works
    again = employees.update_employee(second, sub.id, "Петрова Анна", "Главный бухгалтер", v + 1)
    assert again["version"] == v + 2


@pytest.mark.parametrize("name,position,field", [
    ("", "x", "full_name"),
    ("   ", "x", "full_name"),
    ("Я" * 201, "", "full_name"),
    ("Bad\x1b[2JName", "", "full_name"),
    ("Ok", "П" * 201, "position"),
    ("Ok", "line\nbreak\x07", "position"),
])
def test_validation(data, name, position, field):
    sub = data["subs"][0]
    with pytest.raises(ValidationError) as err:
        employees.update_employee(data["session"], sub.id, name, position, 1)
    assert err.value.field == field
    assert Subscriber.get_by_id(sub.id).version == 1


def test_limits_and_markup_are_kept_literally(data):
    sub = data["subs"][2]
    saved = employees.update_employee(data["session"], sub.id, "[b]Я[/b]" + "я" * 192, "", 1)
    assert len(saved["full_name"]) == 200
    assert Subscriber.get_by_id(sub.id).full_name.startswith("[b]Я[/b]")


def test_scope_and_permissions(data):
    with pytest.raises(NotFound):
        employees.update_employee(data["session"], data["osub"].id, "Мой", "", 1)
    assert Subscriber.get_by_id(data["osub"].id).full_name == "Чужой Сотрудник"
    with pytest.raises(PermissionDenied):
        employees.update_employee(data["viewer"], data["subs"][0].id, "X", "", 1)
