"""Bad input that used to get through or crash (issue 17): import quotes and huge
fields, one rule for invisible and direction characters in every text field."""

from __future__ import annotations

import pytest
from numbers_core_data import build

from corptui import applications, disputes, employees, importer, tags, usertext, views
from corptui.errors import ValidationError

IVANOV, PETROVA, ELKIN = "79261234567", "79261234568", "79031112233"


@pytest.fixture
def data(db):
    return build()


def test_an_unclosed_quote_is_a_line_error_and_the_next_lines_stand_alone(data):
    text = (f'{IVANOV},"Иванов, Иван\n{PETROVA},Петрова Анна\n{ELKIN},Ёлкин Пётр\n')
    prev = importer.preview(data["session"], text.encode())
    assert [(ln.line, ln.status) for ln in prev.lines] == [
        (1, "invalid_line"), (2, "update"), (3, "update")]
    assert "does not close" in prev.lines[0].message
    assert prev.error_count == 1


def test_a_huge_field_is_a_line_error_not_an_internal_error(data):
    text = f"{IVANOV},{'Я' * 140_000}\n{PETROVA},Петрова Анна\n"
    prev = importer.preview(data["session"], text.encode())
    assert [ln.status for ln in prev.lines] == ["invalid_line", "update"]
    assert "131,072" in prev.lines[0].message


def test_a_separator_inside_a_name_does_not_split_the_import_line(data):
    text = f"{IVANOV},Иван\x85Иванов\n{PETROVA},Анна\u2028Петрова\n"
    prev = importer.preview(data["session"], text.encode())
    assert [ln.line for ln in prev.lines] == [1, 2]
    assert prev.lines[0].status == "invalid_name"  # NEL is a control character
    assert prev.lines[1].full_name == "Анна Петрова"  # a line separator is a space


REFUSED = ["Иван\u202eов", "\ufeffИванов", "Ива\u200bнов", "Иван\u2066ов\u2069",
           "Ив\u00adанов", "Иван\x1bов", "Иванов\u200d", "Ива\u200dнов", "Ivan\u200cov",
           "a\U000e0067b"]
KEPT = ["👨\u200d👩\u200d👧", "👩🏽\u200d💻", "می\u200cخواهم", "क्\u200dष",
        "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f", "Zalgo Z̴̡a̷l̶", "[b]x[/b]"]
CLEANERS = [
    ("employee name", lambda t: employees.clean_full_name(t)),
    ("position", lambda t: employees.clean_position(t)),
    ("tag", lambda t: tags.clean_name(t)),
    ("view", lambda t: views._clean_name(t)),
    ("company", lambda t: applications.clean_text(t, "company_name", "the company name")),
    ("reason", lambda t: disputes.clean_reason(t)),
]


@pytest.mark.parametrize("label,clean", CLEANERS, ids=[c[0] for c in CLEANERS])
@pytest.mark.parametrize("text", REFUSED)
def test_invisible_and_direction_characters_are_refused_in_every_field(label, clean, text):
    with pytest.raises(ValidationError):
        clean(text)


@pytest.mark.parametrize("label,clean", CLEANERS, ids=[c[0] for c in CLEANERS])
@pytest.mark.parametrize("text", KEPT)
def test_joiners_that_graphemes_need_are_kept_byte_for_byte(label, clean, text):
    assert clean(text) == text


def test_the_documented_changes_only():
    assert usertext.clean_line("  Иван \u00a0\u3000 Иванов\t", "f", "x", max_len=50) == (
        "Иван Иванов")
    assert usertext.clean_multiline("строка 1\r\nстрока\t2 ", "f", "x", max_len=50) == (
        "строка 1\nстрока\t2")
    with pytest.raises(ValidationError, match="U\\+0009"):
        usertext.clean_line("Иван\tИванов", "f", "x", max_len=50)
