"""Employee import from XLSX: the first sheet or a named one, phone numbers typed as
numbers, the same preview with per-row errors (row N is line N), all-or-nothing apply,
formulas never evaluated; old .xls / encrypted workbooks and unknown sheets refused."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from numbers_core_data import build
from openpyxl import Workbook

from corptui import importer
from corptui.cli import main
from corptui.errors import ValidationError
from storage.models import Subscriber

IVANOV, PETROVA, ELKIN = "79261234567", "79261234568", "79031112233"


@pytest.fixture
def data(db):
    return build()


def workbook(rows, second=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Сотрудники"
    for row in rows:
        ws.append(row)
    if second is not None:
        other = wb.create_sheet("Новые")
        for row in second:
            other.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def name_of(msisdn):
    s = Subscriber.get(Subscriber.msisdn == msisdn)
    return s.full_name, s.position


def test_first_sheet_with_numbers_typed_as_numbers(data, tmp_path):
    path = tmp_path / "staff.xlsx"
    path.write_bytes(workbook([
        ["Телефон", "ФИО", "Должность"],
        [79261234567, "Иванов  Иван\nИванович", "Главный инженер"],
        [],
        ["+7 (926) 123-45-68", "Петрова Анна Сергеевна", "Главный бухгалтер"],
        [79031112233.0, "Ёлкин Пётр Ильич", "=1+2"],  # a formula with no saved value
    ]))
    elkin = name_of(ELKIN)
    prev = importer.preview(data["session"], str(path))
    assert prev.encoding == "xlsx, sheet Сотрудники" and prev.header_skipped
    assert {it.line: it.status for it in prev.lines} == {2: "update", 4: "update",
                                                         5: "unchanged"}
    result = importer.apply(data["session"], prev)
    assert result.updated == 2
    assert name_of(IVANOV) == ("Иванов Иван Иванович", "Главный инженер")
    assert name_of(PETROVA) == ("Петрова Анна Сергеевна", "Главный бухгалтер")
    assert name_of(ELKIN) == elkin  # the formula was not evaluated: the position is kept


def test_row_errors_name_the_row_and_nothing_is_applied(data, tmp_path):
    before = name_of(IVANOV)
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook([[79261234567, "Иванов Новый"], ["12", "Кто-то"],
                               [79261234567, "Дубль"]]))
    prev = importer.preview(data["session"], str(path))
    errors = {it.line: it.status for it in prev.errors}
    assert errors == {2: "invalid_number", 3: "duplicate"}
    with pytest.raises(ValidationError, match="line 2"):
        importer.apply(data["session"], prev)
    assert name_of(IVANOV) == before
    runner = CliRunner()
    res = runner.invoke(main, ["import", "employees", str(path), "--company", "7707083893"])
    assert res.exit_code == 1 and "nothing applied" in res.output
    assert name_of(IVANOV) == before


def test_named_sheet_and_unknown_sheet(data, tmp_path):
    path = tmp_path / "two.xlsx"
    path.write_bytes(workbook([[79261234567, "С первого листа"]],
                              second=[[79261234568, "Со второго листа", "Юрист"]]))
    runner = CliRunner()
    res = runner.invoke(main, ["import", "employees", str(path), "--company", "7707083893",
                               "--sheet", "Новые"])
    assert res.exit_code == 0, res.output
    assert name_of(PETROVA) == ("Со второго листа", "Юрист")
    assert name_of(IVANOV)[0] != "С первого листа"
    res = runner.invoke(main, ["import", "employees", str(path), "--company", "7707083893",
                               "--sheet", "Нет такого"])
    assert res.exit_code != 0 and "Нет такого" in res.output and "Сотрудники" in res.output


def test_old_xls_encrypted_and_damaged_workbooks_are_refused(data, tmp_path):
    ole = tmp_path / "old.xls"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(ValidationError, match=".xlsx"):
        importer.preview(data["session"], str(ole))
    broken = workbook([[79261234567, "Иванов"]])
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(broken[:len(broken) // 2] + b"\0" * 100)
    with pytest.raises(ValidationError):
        importer.preview(data["session"], str(damaged))
