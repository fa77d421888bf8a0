"""Fuzz (hypothesis): the import parser and the forms' validation. Whatever the input, no
exception other than a CorptuiError escapes, and nothing invalid is stored."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numbers_core_data import PEOPLE, build

from corptui import employees, importer, tags, users
from corptui.errors import CorptuiError, ValidationError
from corptui.phones import normalize
from storage.models import Subscriber, Tag, User

FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
NASTY = st.text(alphabet=st.characters(codec="utf-8"), max_size=260) | st.sampled_from(
    ["", " ", "\x00", "\u202e", "[b]x[/b]", "a\tb", "Ёлкин\r\n", "x" * 201, "\ufeffИмя",
     "=cmd|' /C calc'!A0", "\u0085", "  двойные   пробелы  "])


@pytest.fixture
def data(db):
    return build()


def stored_names_are_valid() -> None:
    for sub in Subscriber.select():
        if sub.full_name:  # the seed has one number without a name
            assert employees.clean_full_name(sub.full_name) == sub.full_name
        assert employees.clean_position(sub.position or "") == (sub.position or "")


cell = NASTY.map(lambda t: t.replace(";", ",").replace("\n", " ").replace("\r", " "))
msisdn = st.sampled_from([m for m, _, _ in PEOPLE] + ["79000000000", "", "+7 926 123-45-67",
                                                       "8 (926) 123 45 68", "abc"])


@FUZZ
@given(raw=st.binary(max_size=2000))
def test_import_of_any_bytes_is_refused_cleanly_or_previewed(data, raw):
    try:
        prev = importer.preview(data["session"], raw)
    except CorptuiError:
        return
    assert prev.total == len(prev.lines)
    for line in prev.errors:
        assert line.message and "Traceback" not in line.message


@FUZZ
@given(rows=st.lists(st.tuples(msisdn, cell, st.none() | cell), min_size=1, max_size=12),
       delimiter=st.sampled_from([";", ",", "\t"]), skip=st.booleans())
def test_import_applies_only_valid_lines(data, rows, delimiter, skip):
    text = "\n".join(
        delimiter.join([m, n.replace(delimiter, " ")]
                       + ([] if p is None else [p.replace(delimiter, " ")]))
        for m, n, p in rows) + "\n"
    try:
        importer.apply(data["session"], text.encode("utf-8"), skip_errors=skip)
    except CorptuiError:
        pass
    stored_names_are_valid()


@FUZZ
@given(name=NASTY, position=NASTY)
def test_card_form_stores_only_clean_values(data, name, position):
    sid = data["subs"][0].id
    card = employees.get_employee(data["session"], sid)
    try:
        saved = employees.update_employee(data["session"], sid, name, position, card["version"])
    except ValidationError as exc:
        assert exc.errors and set(exc.errors) <= {"full_name", "position"}
        assert Subscriber.get_by_id(sid).version == card["version"]
    else:
        row = Subscriber.get_by_id(sid)
        assert (row.full_name, row.position) == (saved["full_name"], saved["position"])
    stored_names_are_valid()


@FUZZ
@given(name=NASTY, color=st.none() | st.sampled_from(["red", "green", "", "#fff", "синий"]) | NASTY)
def test_tag_form_stores_only_clean_names(data, name, color):
    try:
        tags.create_tag(data["session"], name, color)
    except CorptuiError:
        pass
    for tag in Tag.select():
        assert tags.clean_name(tag.name) == tag.name
        assert tags.clean_color(tag.color) == tag.color


@FUZZ
@given(phone=NASTY | st.text(alphabet=string.digits + "+-() ", max_size=20),
       role=st.sampled_from(["owner", "admin", "viewer", "root", ""]),
       full_name=NASTY, email=NASTY | st.emails())
def test_user_form_stores_only_valid_users(data, phone, role, full_name, email):
    try:
        users.add_user(data["session"], phone, role, "Pass-word-2026-x", full_name, email)
    except CorptuiError:
        pass
    for user in User.select():
        assert normalize(user.phone) == user.phone
        assert user.role in users.ROLES
