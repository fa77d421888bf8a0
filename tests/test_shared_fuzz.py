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


# -- the other forms: applications, change requests, limits, forwarding, documents,
#    settings, money filters ------------------------------------------------------------
TEXT = NASTY | st.text(alphabet=string.digits + " +-()", max_size=20)


@FUZZ
@given(company=NASTY, inn=TEXT, last=NASTY, first=NASTY, patronymic=NASTY, numbers=TEXT,
       phone=TEXT, email=NASTY)
def test_access_application_form(data, company, inn, last, first, patronymic, numbers,
                                 phone, email):
    from corptui import applications
    from storage.models import AccessApplication

    try:
        applications.submit(company, inn, last, first, patronymic, numbers, phone, email)
    except CorptuiError:
        return
    app = AccessApplication.select().order_by(AccessApplication.id.desc()).get()
    assert applications.validate_inn(app.inn) == app.inn
    assert normalize(app.contact_phone) == app.contact_phone
    assert all(normalize(n) == n for n in app.numbers.split("\n") if n)


@FUZZ
@given(numbers=st.lists(msisdn, max_size=4), desired=NASTY, comment=NASTY, contact=TEXT)
def test_change_request_form(data, numbers, desired, comment, contact):
    from corptui import change_applications

    try:
        change_applications.create(data["session"], numbers, desired, comment, contact)
    except CorptuiError:
        return


@FUZZ
@given(amount=TEXT | st.decimals(allow_nan=True, allow_infinity=True).map(str),
       percent=TEXT | st.integers(-10**6, 10**6).map(str), ban=st.none() | st.booleans())
def test_limits_form(data, amount, percent, ban):
    from decimal import Decimal

    from corptui import limits

    ids = [s.id for s in data["subs"][:2]]
    try:
        limits.set_limits(data["session"], ids, amount=amount, notify_percent=percent,
                          data_ban=ban)
    except CorptuiError:
        pass
    for sub in Subscriber.select():
        assert sub.spending_limit is None or sub.spending_limit >= Decimal(0)


@FUZZ
@given(condition=st.sampled_from(["busy", "no_answer", "unconditional", "x", ""]),
       target=TEXT, delay=st.none() | st.integers(-100, 1000) | TEXT)
def test_forwarding_form(data, condition, target, delay):
    from corptui import forwarding
    from storage.models import ForwardingRule

    try:
        forwarding.add_rule(data["session"], data["subs"][0].id, condition, target, delay)
    except CorptuiError:
        pass
    for rule in ForwardingRule.select():
        assert normalize(rule.target) == rule.target
        assert rule.target != data["subs"][0].msisdn


@FUZZ
@given(kind=st.sampled_from(["reconciliation", "invoice", "calls", "nonsense", ""]),
       date_from=TEXT, date_to=TEXT, email=NASTY, copies=st.integers(-5, 500))
def test_document_order_form(data, kind, date_from, date_to, email, copies):
    from corptui import documents

    try:
        documents.validate(data["session"], kind, accounts=["100200300"], date_from=date_from,
                           date_to=date_to, copies=copies, notify_email=email)
    except CorptuiError:
        return


@FUZZ
@given(theme=NASTY | st.sampled_from(["textual-dark", "ansi-light"]), minutes=TEXT,
       language=NASTY | st.sampled_from(["en", "ru", ""]))
def test_settings_form(theme, minutes, language):
    from corptui import settings as settings_uc

    try:
        values = settings_uc.validate_ui(theme, minutes, language)
    except CorptuiError:
        return
    assert values["theme"] in settings_uc.THEMES and 1 <= values["idle_minutes"] <= 720


@FUZZ
@given(lo=TEXT, hi=TEXT, d1=TEXT, d2=TEXT,
       types=st.lists(st.sampled_from(["card", "cash", "bogus", ""]), max_size=3))
def test_payment_filter_form(data, lo, hi, d1, d2, types):
    from corptui import payments

    flt = payments.PaymentFilter(amount_min=lo or None, amount_max=hi or None,
                                 date_from=d1 or None, date_to=d2 or None, types=tuple(types))
    try:
        payments.totals(data["session"], flt)
    except CorptuiError:
        return
