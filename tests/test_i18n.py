"""Two languages: the Russian catalog is complete and compiles; _() follows the language;
money, numbers and dates per locale."""

from __future__ import annotations

import datetime as dt
import gettext
import re
from decimal import Decimal

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from corptui import i18n, i18n_tools


@pytest.fixture
def lang():
    """Switch the language for a test; English again afterwards."""
    yield i18n.set_language
    i18n.set_language("en")


def _po():
    with open(i18n_tools.po_path("ru"), "rb") as fh:
        return read_po(fh, locale="ru")


def test_catalog_has_every_string_of_the_code_translated():
    code = {m.id for m in i18n_tools.extract() if m.id}
    assert len(code) > 300  # the screens' strings are marked
    catalog = _po()
    ids = {m.id for m in catalog if m.id}
    assert code - ids == set(), "not in the catalog: run python -m corptui.i18n_tools update"
    for m in catalog:
        if not m.id:
            continue
        assert not m.fuzzy, m.id
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        assert all(strings), f"untranslated: {m.id!r}"
    assert i18n_tools.problems("ru") == []


def test_translations_keep_the_placeholders():
    for m in _po():
        if m.id and m.string:
            ids = m.id if isinstance(m.id, tuple) else (m.id,)
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            fields = sorted(re.findall(r"\{[^{}]*\}", ids[-1]))
            for string in strings:  # each plural form keeps the placeholders
                assert fields == sorted(re.findall(r"\{[^{}]*\}", string)), m.id


def test_catalog_compiles_and_the_committed_mo_is_current(tmp_path):
    catalog = _po()
    out = tmp_path / "corptui.mo"
    with open(out, "wb") as fh:
        write_mo(fh, catalog, use_fuzzy=False)
    fresh = gettext.GNUTranslations(open(out, "rb"))
    committed_path = i18n_tools.po_path("ru").with_suffix(".mo")
    with open(committed_path, "rb") as fh:
        committed = read_mo(fh)
    for m in catalog:
        if m.id and isinstance(m.id, tuple):  # plural: 1, 2, 5 pick the three Russian forms
            forms = tuple(fresh.ngettext(m.id[0], m.id[1], n) for n in (1, 2, 5))
            assert forms == tuple(m.string), m.id
            assert committed.get(m.id) is not None and \
                tuple(committed[m.id].string) == tuple(m.string), \
                f"stale .mo ({m.id!r}): run python -m corptui.i18n_tools compile"
        elif m.id:
            assert fresh.gettext(m.id) == m.string
            assert committed.get(m.id) is not None and committed[m.id].string == m.string, \
                f"stale .mo ({m.id!r}): run python -m corptui.i18n_tools compile"


def test_underscore_follows_the_language(lang):
    assert i18n._("Numbers") == "Numbers"
    assert lang("ru") == "ru"
    assert i18n._("Numbers") == "Номера"
    assert i18n._("Search") == "Поиск"
    assert i18n._("Selected {selected} · shown {shown} · total {total}").startswith("Выбрано")
    assert i18n._("") == ""  # not the catalog header
    assert i18n._("a string nobody marked") == "a string nobody marked"
    lang("en")
    assert i18n._("Numbers") == "Numbers"


def test_use_case_errors_in_russian(lang):
    from corptui import tags
    from corptui.errors import ValidationError

    with pytest.raises(ValidationError) as err:
        tags.clean_name("   ")
    assert err.value.message == "a tag name is empty"
    lang("ru")
    with pytest.raises(ValidationError) as err:
        tags.clean_name("   ")
    assert err.value.message == "название тега не заполнено"


@pytest.mark.parametrize("environ, expected", [
    ({"LANG": "ru_RU.UTF-8"}, "ru"),
    ({"LC_ALL": "ru_RU.UTF-8", "LANG": "en_US.UTF-8"}, "ru"),
    ({"LC_ALL": "en_GB.UTF-8", "LANG": "ru_RU.UTF-8"}, "en"),
    ({"CORPTUI_LANG": "en", "LANG": "ru_RU.UTF-8"}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "en"),
    ({}, "en"),
])
def test_language_from_the_environment(environ, expected):
    assert i18n.detect_language(environ) == expected


def test_money_numbers_and_dates_per_locale(lang):
    amount = Decimal("1234567.5")
    day = dt.date(2026, 3, 9)
    lang("en")
    assert i18n.money(amount) == "1,234,567.50 ₽"
    assert i18n.money(Decimal("-12.3"), symbol=False) == "-12.30"
    assert i18n.number(12345) == "12,345"
    assert i18n.date_text(day) == "2026-03-09"
    lang("ru")
    nbsp = "\u00a0"
    assert i18n.money(amount).replace(nbsp, " ") == "1 234 567,50 ₽"
    assert i18n.money(Decimal("-12.3"), symbol=False) == "-12,30"
    assert i18n.number(12345).replace(nbsp, " ") == "12 345"
    assert i18n.date_text(day) == "09.03.2026"
    assert i18n.date_text(dt.datetime(2026, 3, 9, 14, 5), with_time=True) == "09.03.2026 14:05"


def test_money_cells_of_the_screens_follow_the_locale(lang):
    from screens.money_dialogs import date_cell, money_cell, money_text

    lang("en")
    assert money_text(Decimal("1500")) == "1,500.00"
    assert money_cell(Decimal("1500"), 10) == "  1,500.00"
    assert date_cell(dt.date(2026, 1, 31)) == "2026-01-31"
    lang("ru")
    assert money_text(Decimal("1500")).replace("\u00a0", " ") == "1 500,00"
    assert date_cell(dt.date(2026, 1, 31)) == "31.01.2026"



def test_month_text_stays_iso_in_both_languages(lang):
    """Month fields are typed back as YYYY-MM, so the month reads the same in Russian."""
    from screens.money_dialogs import month_text

    for code in ("en", "ru"):
        lang(code)
        assert month_text(dt.date(2026, 3, 1)) == "2026-03"


def test_no_literal_translated_inside_an_f_string():
    """babel does not see _("...") inside an f-string's braces: such a string would be
    missing from the catalog without the completeness test noticing."""
    offenders = []
    for folder in i18n_tools.SOURCE_DIRS:
        for path in (i18n_tools.ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for m in re.finditer(r"\{N?_\(['\"]", text):
                offenders.append(f"{path.name}:{text.count(chr(10), 0, m.start()) + 1}")
    assert offenders == []


def test_russian_plural_forms(lang):
    from corptui.i18n import ngettext

    def numbers(n):
        return ngettext("{n} number", "{n} numbers", n).format(n=n)

    assert [numbers(n) for n in (1, 2, 5)] == ["1 number", "2 numbers", "5 numbers"]
    lang("ru")
    assert [numbers(n) for n in (1, 2, 5, 11, 21, 22, 25, 111)] == [
        "1 номер", "2 номера", "5 номеров", "11 номеров", "21 номер", "22 номера",
        "25 номеров", "111 номеров"]


def test_use_case_errors_of_several_modules_in_russian(lang):
    """Messages raised by the use cases (forwarding, periods, permissions) come
    out in the language in force when they are raised."""
    import datetime as dt

    from corptui import forwarding, periods, permissions
    from corptui.errors import CorptuiError

    def message(fn, *args):
        with pytest.raises(CorptuiError) as err:
            fn(*args)
        return err.value.message

    class Viewer:
        role = "viewer"

    calls = [(forwarding.clean_rule, "sometimes", "+79001234567", None, "79000000000"),
             (periods.parse_amount, "abc", "amount_min"),
             (periods.preset, "fortnight", dt.date(2026, 3, 9)),
             (permissions.require, Viewer(), "users.manage")]
    english = [message(*c) for c in calls]
    lang("ru")
    russian = [message(*c) for c in calls]
    for en, ru in zip(english, russian):
        assert en != ru
        assert re.search("[а-яё]", ru), ru
    assert "наблюдатель" in russian[-1]
