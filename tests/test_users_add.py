"""users.add_user checks every field at once (the add-user dialog shows each message under
its field) and stores nothing for bad input."""

from __future__ import annotations

import pytest
from access_data import build, session_of

from corptui import users
from corptui.errors import ValidationError
from storage.models import AuditEntry, User


@pytest.fixture
def owner(db):
    return session_of(build()["users"]["owner"])


def _counts():
    return User.select().count(), AuditEntry.select().count()


def test_every_bad_field_is_reported_and_nothing_is_stored(owner):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        users.add_user(owner, "12", "boss", full_name="x" * 201, email="boss@")
    errors = info.value.errors
    assert set(errors) == {"phone", "role", "full_name", "email"}
    assert "201" in errors["full_name"] and "200" in errors["full_name"]
    assert "boss@" in errors["email"]
    assert _counts() == before


@pytest.mark.parametrize("name,field_message", [
    ("Иван\x1b[31m", "control characters"),
    ("Иван\x07", "control characters"),
])
def test_control_characters_in_the_name_are_refused(owner, name, field_message):
    with pytest.raises(ValidationError) as info:
        users.add_user(owner, "+7 926 700-00-01", "viewer", full_name=name)
    assert field_message in info.value.errors["full_name"]
    assert not User.select().where(User.phone == "79267000001").exists()


def test_markup_and_sql_looking_names_are_stored_as_typed(owner):
    name = "[/] [@click=app.quit] Robert'); DROP TABLE app_user;--"
    user, temporary = users.add_user(owner, "+7 926 700-00-02", "viewer", full_name=name,
                                     email="  r@example.com ")
    stored = User.get_by_id(user.id)
    assert stored.full_name == name and stored.email == "r@example.com"
    assert temporary and stored.must_change_password


def test_name_and_email_are_optional(owner):
    user, _ = users.add_user(owner, "8 926 700 00 03", "accountant")
    assert (user.full_name, user.email, user.role) == ("", "", "accountant")
