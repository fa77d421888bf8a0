"""export_rows: real XLSX cells, Cyrillic PDF, CSV with BOM and ';', JSON, formula
neutralisation, nothing half-written, existing files, unwritable places, missing fonts.
Plus the use cases' exports checked against their totals."""

import csv
import datetime as dt
import io
import json
import os
from decimal import Decimal

import openpyxl
import pypdf
import pytest
from money_data import MSK, build

from corptui import calls, charges, export, payments
from corptui.errors import Conflict, ValidationError
from corptui.export import Column, ExportError, export_rows
from corptui.writers import pdf as export_pdf
from corptui.writers import target as export_target

D = Decimal
COLS = [Column("at", "Дата и время", "datetime"), Column("day", "Месяц", "date"),
        Column("name", "Сотрудник"), Column("amount", "Сумма", "money"),
        Column("seconds", "Секунды", "int"), Column("roaming", "Роуминг", "bool")]
AT = dt.datetime(2024, 5, 31, 21, 0, tzinfo=dt.UTC)  # 00:00 on June 1 in Moscow
NASTY = ["=1+2", "+7 cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def rows(n=3):
    names = ["Ёлкин Пётр Ильич", "Смирнова Анна", "Щукин-Ъ"] + NASTY
    return [(AT, dt.date(2024, 6, 1), names[i % len(names)], D("1234.56") + i, i * 60, i % 2 == 0)
            for i in range(n)]


def test_xlsx_has_typed_cells_bold_header_frozen_row(tmp_path):
    path = tmp_path / "out.xlsx"
    result = export_rows(COLS, rows(9), "xlsx", str(path), "Платежи", "май 2024", tz=MSK)
    assert result.rows == 9 and result.path == str(path)
    ws = openpyxl.load_workbook(path).active
    assert [c.value for c in ws[1]] == [c.title for c in COLS]
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    at, day, name, amount, seconds, roaming = ws[2]
    assert at.is_date and at.value == dt.datetime(2024, 6, 1, 0, 0)  # local (Moscow) time
    assert day.is_date and day.value == dt.datetime(2024, 6, 1)
    assert amount.data_type == "n" and amount.value == 1234.56
    assert amount.number_format == "#,##0.00"
    assert seconds.data_type == "n" and seconds.value == 0
    assert name.data_type == "s" and name.value == "Ёлкин Пётр Ильич"
    assert roaming.value == "yes"
    assert ws.column_dimensions["C"].width >= len("Ёлкин Пётр Ильич")
    neutralised = [ws.cell(row=r, column=3).value for r in range(5, 11)]
    # (xlsxwriter escapes CR in inline strings as _x000D_; openpyxl does not decode it)
    assert [v.replace("_x000D_", "\r") for v in neutralised] == ["'" + s for s in NASTY]
    assert all(ws.cell(row=r, column=3).data_type == "s" for r in range(2, 11))


def test_pdf_renders_cyrillic_with_header_and_page_numbers(tmp_path):
    path = tmp_path / "out.pdf"
    data = [(AT, dt.date(2024, 6, 1), f"Сотрудник Ёжиков №{i}", D("10.00") + i, i, False)
            for i in range(300)]
    export_rows(COLS, data, "pdf", str(path), "ООО «Ромашка»: платежи", "2024-05-01 — 2024-05-31")
    reader = pypdf.PdfReader(path)
    pages = len(reader.pages)
    assert pages > 1
    first = reader.pages[0].extract_text()
    last = reader.pages[-1].extract_text()
    assert "ООО «Ромашка»: платежи" in first and "2024-05-01 — 2024-05-31" in first
    assert "Сотрудник Ёжиков №0" in first and "Сотрудник Ёжиков №299" in last
    assert "ООО «Ромашка»: платежи" in last  # the header is on every page
    assert f"page 1 of {pages}" in first and f"page {pages} of {pages}" in last
    assert "Дата и время" in last  # headings repeat


def test_pdf_without_fonts_names_the_package(tmp_path, monkeypatch):
    monkeypatch.setattr(export_pdf, "FONT_DIRS", [str(tmp_path)])
    with pytest.raises(ExportError) as exc:
        export_rows(COLS, rows(), "pdf", str(tmp_path / "x.pdf"))
    assert "fonts-dejavu-core" in exc.value.message and "DejaVuSans.ttf" in exc.value.message
    assert not (tmp_path / "x.pdf").exists()


def test_pdf_row_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "PDF_MAX_ROWS", 5)
    with pytest.raises(ValidationError) as exc:
        export_rows(COLS, rows(6), "pdf", str(tmp_path / "x.pdf"))
    assert "CSV or XLSX" in exc.value.message
    assert os.listdir(tmp_path) == []


def test_csv_bom_separator_and_neutralisation(tmp_path):
    path = tmp_path / "out.csv"
    export_rows(COLS, rows(9), "csv", str(path), sep=";", tz=MSK)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert table[0] == [c.title for c in COLS]
    assert table[1] == ["2024-06-01 00:00:00", "2024-06-01", "Ёлкин Пётр Ильич", "1234,56", "0", "yes"]
    assert [r[2] for r in table[4:10]] == ["'" + s for s in NASTY]
    plain = tmp_path / "plain.csv"
    export_rows(COLS, rows(2), "csv", str(plain), tz=MSK)
    second = list(csv.reader(io.StringIO(plain.read_text("utf-8-sig"), newline="")))[2]
    assert second[3] == "1235.56" and second[4] == "60" and second[5] == "no"


def test_json_is_exact_and_verbatim(tmp_path):
    path = tmp_path / "out.json"
    data = [dict(zip([c.key for c in COLS], r, strict=True)) for r in rows(4)]  # dict rows too
    export_rows(COLS, data, "json", str(path), tz=MSK)
    loaded = json.loads(path.read_text("utf-8"))
    assert loaded[0] == {"at": "2024-06-01T00:00:00+03:00", "day": "2024-06-01",
                         "name": "Ёлкин Пётр Ильич", "amount": "1234.56", "seconds": 0,
                         "roaming": True}
    assert loaded[3]["name"] == "=1+2"  # JSON is data, not a spreadsheet: kept verbatim
    export_rows(COLS, [], "json", str(tmp_path / "empty.json"))
    assert json.loads((tmp_path / "empty.json").read_text()) == []


def test_written_to_a_temp_file_then_renamed(tmp_path, monkeypatch):
    seen = []
    real_link = os.link

    def spy(src, dst, *a, **kw):
        seen.append((src, dst, os.path.getsize(src)))
        return real_link(src, dst, *a, **kw)

    monkeypatch.setattr(os, "link", spy)
    target = tmp_path / "out.csv"
    export_rows(COLS, rows(), "csv", str(target))
    (src, dst, size), = seen
    assert os.path.dirname(src) == str(tmp_path) and src != str(target) and str(dst) == str(target)
    assert size == target.stat().st_size and not os.path.exists(src)
    assert os.listdir(tmp_path) == ["out.csv"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json", "pdf"])
def test_a_failure_midway_leaves_nothing_behind(tmp_path, fmt):
    def broken():
        yield from rows(3)
        raise RuntimeError("database went away")

    target = tmp_path / f"out.{fmt}"
    with pytest.raises(RuntimeError):
        export_rows(COLS, broken(), fmt, str(target))
    assert os.listdir(tmp_path) == []
    target.write_text("old")
    with pytest.raises(RuntimeError):
        export_rows(COLS, broken(), fmt, str(target), force=True)
    assert target.read_text() == "old" and os.listdir(tmp_path) == [target.name]


def test_existing_file_needs_force(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("keep me")
    with pytest.raises(Conflict) as exc:
        export_rows(COLS, rows(), "csv", str(target))
    assert "--force" in exc.value.message and target.read_text() == "keep me"
    export_rows(COLS, rows(), "csv", str(target), force=True)
    assert target.read_text("utf-8-sig").startswith("Дата и время")
    assert os.listdir(tmp_path) == ["out.csv"]


def test_unwritable_places_are_clear_errors(tmp_path, monkeypatch):
    with pytest.raises(ValidationError, match="no such folder"):
        export_rows(COLS, rows(), "csv", str(tmp_path / "missing" / "x.csv"))
    with pytest.raises(ValidationError, match="is a folder"):
        export_rows(COLS, rows(), "csv", str(tmp_path))
    with pytest.raises(ValidationError, match="standard output"):
        export_rows(COLS, rows(), "xlsx", "-")
    with pytest.raises(ValidationError, match="unknown format"):
        export_rows(COLS, rows(), "docx", str(tmp_path / "x.docx"))

    def denied(*a, **kw):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(export_target.tempfile, "mkstemp", denied)
    with pytest.raises(ExportError, match="cannot write to .*Permission denied"):
        export_rows(COLS, rows(), "csv", str(tmp_path / "x.csv"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="permission denied"):
            export_rows(COLS, rows(), "csv", str(folder / "x.csv"))
    finally:
        folder.chmod(0o700)


# -- the use cases' exports ----------------------------------------------------------

@pytest.fixture
def data(db):
    return build()


def test_payments_xlsx_matches_the_totals(data, tmp_path):
    s = data["session"]
    flt = payments.PaymentFilter(date_from="2024-01-01", date_to="2024-12-31", tz=MSK,
                                 sort="date", descending=False)
    path = tmp_path / "p.xlsx"
    result = payments.export(s, flt, "xlsx", str(path), company_name="ООО «Ромашка»")
    ws = openpyxl.load_workbook(path).active
    body = list(ws.iter_rows(min_row=2, values_only=True))
    t = payments.totals(s, flt)
    assert result.rows == len(body) == t["count"] == 7
    assert sum(D(str(r[4])) for r in body) == t["sum"]
    employees = [r[3] for r in body]
    assert "'=HYPERLINK(\"x\")" in employees  # the employee name is not a live formula
    assert "'=SUM(A1)" in [r[6] for r in body]  # nor the document number


def test_charges_and_calls_exports(data, tmp_path):
    s = data["session"]
    cflt = charges.ChargeFilter(date_from="2024-05-01", date_to="2024-05-31")
    res = charges.export(s, cflt, "csv", str(tmp_path / "c.csv"), sep=";")
    table = list(csv.reader(io.StringIO((tmp_path / "c.csv").read_text("utf-8-sig"), newline=""),
                            delimiter=";"))
    assert res.rows == len(table) - 1 == charges.totals(s, cflt)["count"]
    assert sum(D(r[-1].replace(",", ".")) for r in table[1:]) == charges.totals(s, cflt)["sum"]
    s1 = data["subs"][0]
    kflt = calls.CallFilter(subscriber_ids=(s1.id,), date_from="2024-01-01", date_to="2024-12-31",
                            tz=MSK)
    res = calls.export(s, kflt, "pdf", str(tmp_path / "k.pdf"), company_name="ООО «Ромашка»")
    assert res.rows == 4
    text = pypdf.PdfReader(tmp_path / "k.pdf").pages[0].extract_text()
    assert "Call detail — ООО «Ромашка»" in text and "350.75" in text
    assert "2025-01-01" not in text and "2024-12-31 23:59:00" in text  # Moscow time
