"""Spreadsheets as import input: the rows of an XLSX sheet (the first, or one named) as
the importer's text lines, one line per sheet row, so the import's preview, per-row
errors (row N is line N) and all-or-nothing apply work as for CSV.

Read with openpyxl in read-only mode (rows streamed, cached values only: a formula is
never evaluated, a formula cell without a saved value reads empty); phone numbers typed as
numbers read as their digits ("79261234567", not "79261234567.0"); line breaks inside a
cell become spaces. Encrypted workbooks, the old binary .xls and damaged files are refused
with a message that says what to do."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

from corptui.errors import ValidationError
from corptui.i18n import _

MAX_ROWS = 1_000_000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted Office files and old .xls


def is_xlsx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile:
        return False
    return "xl/workbook.xml" in names


def refuse_ole(data: bytes, name: str) -> None:
    if data.startswith(OLE_MAGIC):
        raise ValidationError(
            _("{name} is an old .xls or a password-protected workbook: save it in Excel as "
              "an .xlsx without a password, or as CSV").format(name=name), "file")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return " ".join(str(value).split())


def open_sheet(raw, name: str, sheet: str | None = None):
    """(workbook, worksheet) of an XLSX file or stream, read-only, formulas never
    evaluated: the sheet named ``sheet``, or the first. A damaged workbook or an unknown
    sheet is a ValidationError naming the file; the caller closes the workbook."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(raw, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValidationError(_("{name} is not a readable XLSX workbook: {error}").format(
            name=name, error=type(exc).__name__), "file") from None
    if sheet is None:
        return wb, wb.worksheets[0]
    if sheet in wb.sheetnames:
        return wb, wb[sheet]
    wb.close()
    raise ValidationError(_("{name} has no sheet {sheet!r} (its sheets: {sheets})").format(
        name=name, sheet=sheet, sheets=", ".join(wb.sheetnames)), "sheet")


def sheet_text(data: bytes, name: str, sheet: str | None = None) -> tuple[str, str]:
    """(CSV text with one line per row, "xlsx, sheet NAME") of the chosen sheet."""
    wb, ws = open_sheet(io.BytesIO(data), name, sheet)
    try:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
            if i > MAX_ROWS:
                raise ValidationError(_("{name}: more than {n} rows").format(
                    name=name, n=MAX_ROWS), "file")
            cells = [_cell(v) for v in row]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                writer.writerow(cells)
            else:
                out.write("\n")  # keep row N on line N
        return out.getvalue(), _("xlsx, sheet {sheet}").format(sheet=ws.title)
    finally:
        wb.close()
