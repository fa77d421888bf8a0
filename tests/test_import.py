"""Employee import through corptui.importer on a corpus of real-world file variants
(tests/data/import), on both engines."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from numbers_core_data import build

from corptui import importer, numbers
from corptui.errors import Conflict, PermissionDenied, ValidationError
from storage.models import AuditEntry, Subscriber

DATA = Path(__file__).parent / "data" / "import"

IVANOV, PETROVA, ELKIN, SMIRNOVA, EMPTY = (
    "79261234567", "79261234568", "79031112233", "79990000000", "79161110000")


def card(msisdn):
    s = Subscriber.get(Subscriber.msisdn == msisdn)
    return s.full_name, s.position, s.version


@pytest.fixture
def data(db):
    return build()


# file -> (encoding, delimiter, {line: status}, {msisdn: (full_name, position)} after apply)
SIMPLE_AFTER = {
    IVANOV: ("Иванов Иван Иванович", "Главный инженер"),
    PETROVA: ("Петрова Анна Сергеевна", "Бухгалтер"),
    ELKIN: ("Ёлкин Пётр Ильич", "Водитель"),
}
SIMPLE = {1: "update", 2: "unchanged", 3: "update"}
CORPUS = {
    "utf8.csv": ("utf-8", ",", SIMPLE, SIMPLE_AFTER),
    "utf8_bom.csv": ("utf-8-sig", ",", {2: "update", 3: "unchanged", 4: "update"}, SIMPLE_AFTER),
    "cp1251.csv": ("cp1251", ";", SIMPLE, SIMPLE_AFTER),
    "semicolon.csv": ("utf-8", ";", {2: "update", 3: "unchanged", 4: "update"}, SIMPLE_AFTER),
    "tab.txt": ("utf-8", "\t", SIMPLE, SIMPLE_AFTER),
    "crlf.csv": ("utf-8", ",", SIMPLE, SIMPLE_AFTER),
    "quoted.csv": ("utf-8", ",", {1: "update", 2: "unchanged"}, {
        IVANOV: ("Иванов, Иван Иванович", 'Инженер, "старший"'),
        PETROVA: ("Петрова Анна Сергеевна", "Бухгалтер"),
    }),
    "blank_lines.csv": ("utf-8", ",", {3: "update", 6: "unchanged"}, {
        IVANOV: ("Иванов Иван Иванович", "Главный инженер"),
        PETROVA: ("Петрова Анна Сергеевна", "Бухгалтер"),
    }),
    "mixed_formats.csv": ("utf-8", ",", {1: "unchanged", 2: "unchanged", 3: "unchanged",
                                         4: "update", 5: "update"}, {
        IVANOV: ("Иванов Иван Иванович", "Инженер"),
        ELKIN: ("Ёлкин Пётр Ильич", ""),
        SMIRNOVA: ("Смирнова Ольга Петровна", "Директор"),  # no third column: kept
        EMPTY: ("Курьер Новый", ""),
    }),
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_preview_then_apply(data, name):
    encoding, delimiter, statuses, after = CORPUS[name]
    session = data["session"]
    before = {m: card(m) for m in after}
    prev = importer.preview(session, DATA / name)
    assert (prev.encoding, prev.delimiter) == (encoding, delimiter)
    assert {ln.line: ln.status for ln in prev.lines} == statuses
    assert prev.total == len(statuses)
    assert prev.updated == sum(1 for s in statuses.values() if s == "update")
    assert prev.errors == []
    assert {m: card(m) for m in after} == before  # preview changes nothing
    for ln in prev.lines:
        if ln.status == "update":
            new_name, new_pos = after[ln.msisdn]
            old_name, old_pos, _ = before[ln.msisdn]
            assert (new_name in ln.description) == (new_name != old_name)
            assert (f"position: {old_pos or '(none)'} -> {new_pos}" in ln.description) == (
                new_pos != old_pos)

    result = importer.apply(session, prev)
    assert (result.total, result.updated, result.unchanged) == (
        prev.total, prev.updated, prev.unchanged)
    for msisdn, (full_name, position) in after.items():
        name_now, pos_now, version = card(msisdn)
        assert (name_now, pos_now) == (full_name, position)
        changed = (full_name, position) != before[msisdn][:2]
        assert version == before[msisdn][2] + (1 if changed else 0)


def test_cp1251_and_utf8_give_the_same_cyrillic_names(data):
    a = importer.preview(data["session"], DATA / "cp1251.csv")
    b = importer.preview(data["session"], DATA / "utf8.csv")
    assert [(ln.full_name, ln.position) for ln in a.lines] == [
        (ln.full_name, ln.position) for ln in b.lines]
    assert a.lines[2].full_name == "Ёлкин Пётр Ильич"


def test_koi8_and_utf16_are_read_too(data):
    text = f"{PETROVA};Петрова Анна Сергеевна;Главный бухгалтер\r\n{ELKIN};Ёлкин Пётр Ильич\r\n"
    for enc, expected in (("koi8_r", "koi8_r"), ("utf-16", "utf-16")):
        prev = importer.preview(data["session"], text.encode(enc))
        assert prev.encoding == expected
        assert [ln.status for ln in prev.lines] == ["update", "unchanged"]
        assert prev.lines[0].position == "Главный бухгалтер"


def test_errors_file_reports_every_problem_and_applies_nothing(data):
    session = data["session"]
    before = {m: card(m) for m in (IVANOV, PETROVA, ELKIN)}
    prev = importer.preview(session, DATA / "errors.csv")
    assert [(ln.line, ln.status) for ln in prev.lines] == [
        (1, "update"), (2, "invalid_number"), (3, "duplicate"), (4, "unknown_number"),
        (5, "unknown_number"), (6, "invalid_name"), (7, "unchanged"),
    ]
    report = prev.report()
    assert (report["total"], report["updated"], report["unchanged"]) == (7, 1, 1)
    assert [e["line"] for e in report["errors"]] == [2, 3, 4, 5, 6]
    assert report["errors"][0]["text"] == "12345,Плохой Номер"
    assert "line 1" in report["errors"][1]["error"]
    with pytest.raises(ValidationError, match="5 line"):
        importer.apply(session, prev)
    assert {m: card(m) for m in before} == before
    assert card("79160000001")[0] == "Чужой Сотрудник"

    result = importer.apply(session, prev, skip_errors=True)
    assert (result.updated, result.skipped) == (1, 5)
    assert card(IVANOV)[:2] == ("Иванов Иван Иванович", "Ведущий инженер")
    assert card("79160000001")[0] == "Чужой Сотрудник"  # the other company is untouched


def test_binary_and_oversized_files_are_refused(data, tmp_path):
    with pytest.raises(ValidationError, match="not a text file"):
        importer.preview(data["session"], DATA / "binary.bin")
    big = tmp_path / "big.csv"
    with open(big, "wb") as fh:
        fh.truncate(50 * 1024 * 1024 + 1)
    with pytest.raises(ValidationError, match="too big"):
        importer.preview(data["session"], big)
    with pytest.raises(ValidationError, match="no such file"):
        importer.preview(data["session"], tmp_path / "missing.csv")


def test_file_vanished_or_changed_between_preview_and_apply(data, tmp_path):
    session = data["session"]
    path = tmp_path / "staff.csv"
    path.write_text(f"{IVANOV},Новое Имя\n", encoding="utf-8")
    prev = importer.preview(session, path)
    assert prev.updated == 1
    os.remove(path)
    with pytest.raises(ValidationError, match="no such file"):
        importer.apply(session, prev)
    assert card(IVANOV)[0] == "Иванов Иван Иванович"
    path.write_text(f"{IVANOV},Другое Имя\n", encoding="utf-8")
    with pytest.raises(Conflict, match="changed since the preview"):
        importer.apply(session, prev)
    assert card(IVANOV)[0] == "Иванов Иван Иванович"


def test_apply_is_audited_under_one_operation_and_searchable(data):
    session = data["session"]
    seen = []
    result = importer.apply(session, DATA / "mixed_formats.csv",
                            progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (2, 2)
    entries = list(AuditEntry.select().where(AuditEntry.operation == result.operation))
    summary = [e for e in entries if e.action == "import.employees"]
    per_number = {e.object_id: e for e in entries if e.action == "employee.import"}
    assert len(summary) == 1
    assert summary[0].after["file"] == "mixed_formats.csv"
    assert summary[0].after["updated"] == 2
    assert set(per_number) == {SMIRNOVA, EMPTY}
    assert per_number[SMIRNOVA].before["full_name"] == "Смирнова Ольга"
    assert per_number[SMIRNOVA].after["full_name"] == "Смирнова Ольга Петровна"
    assert per_number[EMPTY].company_id == data["company"].id
    prev = importer.preview(session, DATA / "mixed_formats.csv")
    assert [ln.description for ln in prev.lines] == ["unchanged"] * 5  # applied already
    found = numbers.matching_ids(session, numbers.NumberFilter(search="курьер"))
    assert found == [Subscriber.get(Subscriber.msisdn == EMPTY).id]


def test_another_companys_numbers_read_exactly_like_unknown_ones(data):
    """Issue 17: the import must not tell a company which numbers exist elsewhere."""
    prev = importer.preview(data["other_session"], DATA / "utf8.csv")
    assert {ln.status for ln in prev.lines} == {"unknown_number"}
    nobody = importer.preview(data["other_session"], b"79000000001,X\n")
    assert {ln.message for ln in prev.lines} == {ln.message for ln in nobody.lines} == {
        "no such number in this company"}


def test_names_with_control_characters_or_too_long_are_invalid(data):
    text = (f"{IVANOV},\x1b[31mRed\x1b[0m\n{PETROVA},{'Я' * 201}\n"
            f"{ELKIN},[b]Markup[/b] Имя\n")
    prev = importer.preview(data["session"], text.encode())
    assert [ln.status for ln in prev.lines] == ["invalid_name", "invalid_name", "update"]
    assert prev.lines[2].full_name == "[b]Markup[/b] Имя"  # stored literally


def test_too_many_columns_and_missing_name(data):
    prev = importer.preview(data["session"], f"{IVANOV};A;B;C\n{PETROVA}\n".encode())
    assert [ln.status for ln in prev.lines] == ["invalid_name", "invalid_name"]
    assert "too many columns" in prev.lines[0].message
    assert "empty" in prev.lines[1].message


def test_viewer_may_not_import(data):
    with pytest.raises(PermissionDenied):
        importer.preview(data["viewer"], DATA / "utf8.csv")
    with pytest.raises(PermissionDenied):
        importer.apply(data["viewer"], DATA / "utf8.csv")


def test_many_lines_in_one_transaction(data, tmp_path):
    """More lines than one apply chunk and one lookup parameter set."""
    from storage.models import PersonalAccount

    acc = PersonalAccount.get(PersonalAccount.company == data["company"])
    rows = [{"company": data["company"].id, "account": acc.id, "msisdn": f"7955{i:07d}",
             "full_name": "", "search_text": ""} for i in range(6000)]
    for i in range(0, len(rows), 500):
        Subscriber.insert_many(rows[i:i + 500]).execute()
    path = tmp_path / "many.csv"
    path.write_text("".join(f"8955{i:07d};Сотрудник Номер {i};Отдел {i % 7}\n"
                            for i in range(6000)), encoding="cp1251")
    result = importer.apply(data["session"], path)
    assert result.updated == 6000
    assert card("79550005999")[:2] == ("Сотрудник Номер 5999", "Отдел 0")
    assert Subscriber.select().where(Subscriber.search_text.contains("сотрудник номер")).count() == 6000


def test_short_cp1251_line_is_not_read_as_cp866():
    """A one-line Windows-1251 file: under cp866 its capitals become box-drawing
    characters between lower-case pieces, which must not win."""
    from corptui.importer import decode

    text = "79102261353;Тест Тестов"
    assert decode(text.encode("cp1251")) == (text, "cp1251")
    assert decode(text.encode("cp866")) == (text, "cp866")
