"""XLSX through xlsxwriter in constant-memory mode (rows written in order, +3 MB however
many): real number cells for money (a money number format, so sums work), real dates,
text neutralised against formulas. ``Book`` is the workbook both the exports and the
documents write; ``table`` streams rows into a sheet."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import chain, islice

from corptui.i18n import _
from corptui.output import neutralise
from corptui.writers.cells import Style, local, widths
from corptui.writers.target import ExportError

# number formats: the exports' machine forms, and per document language (the codes are
# locale-free: Excel shows them with the reader's own separators)
MACHINE = {"money": "#,##0.00", "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm:ss",
           "int": "0"}
BY_LANGUAGE = {
    "ru": {"money": "#,##0.00", "money_symbol": '#,##0.00 "₽"', "date": "dd.mm.yyyy",
           "datetime": "dd.mm.yyyy hh:mm:ss", "int": "#,##0"},
    "en": {"money": "#,##0.00", "money_symbol": '#,##0.00 "₽"', "date": "dd mmm yyyy",
           "datetime": "dd mmm yyyy hh:mm:ss", "int": "#,##0"},
}


class Book:
    """An xlsxwriter workbook with the formats every sheet uses (``fmt[kind]``, and the
    bold ``fmt["bold_" + kind]``)."""

    def __init__(self, path, title: str = "", subject: str = "", style: Style = Style()):
        import xlsxwriter

        self.style = style
        self.wb = xlsxwriter.Workbook(str(path), {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False})
        self.wb.set_properties({"title": title, "subject": subject, "creator": "corptui"})
        codes = BY_LANGUAGE.get(style.lang or "", MACHINE)
        self.fmt = {"bold": self.wb.add_format({"bold": True}),
                    "wrap": self.wb.add_format({"text_wrap": True, "valign": "top"}),
                    "title": self.wb.add_format({"bold": True, "font_size": 13})}
        for kind, code in codes.items():
            self.fmt[kind] = self.wb.add_format({"num_format": code})
            self.fmt["bold_" + kind] = self.wb.add_format({"num_format": code, "bold": True})

    def sheet(self, name: str):
        clean = (name or "Export")[:31].translate(str.maketrans("[]:*?/\\", "_______"))
        return self.wb.add_worksheet(clean)

    def cell(self, ws, r: int, c: int, value, kind: str = "text", bold: bool = False) -> None:
        """One typed cell: money and int as numbers, dates as dates, text neutralised."""
        if value is None:
            return
        pre = "bold_" if bold else ""
        if kind in ("money", "money_symbol") and isinstance(value, (Decimal, int, float)):
            ws.write_number(r, c, float(value), self.fmt[pre + kind])  # exact in a double
        elif kind == "int" and isinstance(value, (int, float, Decimal)):
            ws.write_number(r, c, value, self.fmt[pre + "int"])
        elif kind == "datetime" and isinstance(value, dt.datetime):
            ws.write_datetime(r, c, local(value, self.style.tz).replace(tzinfo=None),
                              self.fmt[pre + "datetime"])
        elif kind in ("date", "datetime") and isinstance(value, dt.date):
            ws.write_datetime(r, c, dt.datetime.combine(value, dt.time.min),
                              self.fmt[pre + "date"])
        elif kind == "bool" or isinstance(value, bool):
            ws.write_string(r, c, self._yes_no(value), self.fmt["bold"] if bold else None)
        else:
            ws.write_string(r, c, neutralise(str(value)), self.fmt["bold"] if bold else None)

    def _yes_no(self, value) -> str:
        if self.style.lang:
            lang = self.style.language()
            return lang.gettext("yes") if value else lang.gettext("no")
        return "yes" if value else "no"

    def close(self) -> None:
        try:
            self.wb.close()
        except OSError as exc:
            raise ExportError(_("cannot write the XLSX file: {strerror}").format(strerror=exc.strerror)) from None


def table(book: Book, ws, columns, rows, first_row: int = 0, freeze: bool = False) -> int:
    """The header at ``first_row`` and the rows under it, streamed. Returns the rows."""
    sample = list(islice(rows, 200))
    for i, width in enumerate(widths(columns, sample, book.style)):
        ws.set_column(i, i, width)
    if freeze:
        ws.freeze_panes(first_row + 1, 0)
    bold = book.fmt["bold"]
    for c, col in enumerate(columns):
        ws.write_string(first_row, c, col.title, bold)
    kinds = [c.kind for c in columns]
    fmt, tz, cell = book.fmt, book.style.tz, book.cell
    write_number, write_string, write_datetime = ws.write_number, ws.write_string, ws.write_datetime
    money_f, int_f, date_f, dtime_f = fmt["money"], fmt["int"], fmt["date"], fmt["datetime"]
    count = 0
    for r, row in enumerate(chain(sample, rows), start=first_row + 1):  # the hot loop
        for c, (value, kind) in enumerate(zip(row, kinds, strict=True)):
            if value is None:
                continue
            if kind == "money":
                write_number(r, c, float(value), money_f)
            elif kind == "int":
                write_number(r, c, value, int_f)
            elif kind == "datetime" and isinstance(value, dt.datetime):
                write_datetime(r, c, local(value, tz).replace(tzinfo=None), dtime_f)
            elif kind == "date":
                write_datetime(r, c, dt.datetime.combine(value, dt.time.min), date_f)
            elif kind == "text":
                write_string(r, c, neutralise(str(value)))
            else:
                cell(ws, r, c, value, kind)
        count += 1
    return count


def write(path, columns, rows, title: str = "", subtitle: str = "",
          style: Style = Style()) -> int:
    """The exports' XLSX: one sheet named by the title, the header frozen."""
    book = Book(path, title, subtitle, style)
    try:
        ws = book.sheet(title)
        count = table(book, ws, columns, rows, freeze=True)
    finally:
        book.close()
    return count
