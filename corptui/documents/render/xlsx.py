"""A document's forms as XLSX: one sheet per form, the lines written in order (the
shared constant-memory workbook), money as numbers with a money format, dates as dates
in the language's date format, totals bold."""

from __future__ import annotations

from decimal import Decimal

from corptui.documents.model import Content, Fields, Signatures, Table, Text
from corptui.writers.cells import Style
from corptui.writers.xlsx import Book

KIND = {"money": "money", "qty": "int", "int": "int", "date": "date"}


def write(path, content: Content) -> None:
    book = Book(path, content.title, "", Style(lang=content.lang))
    try:
        used: set[str] = set()
        for i, form in enumerate(content.forms, start=1):
            name = _sheet_name(form.title or content.title, i, used)
            ws = book.sheet(name)
            _widths(ws, form)
            r = 0
            for block in form.blocks:
                r = _block(book, ws, block, r)
    finally:
        book.close()


def _sheet_name(title: str, i: int, used: set[str]) -> str:
    name = title[:28].strip() or f"Form {i}"
    while name in used:
        name = f"{name[:25]} {i}"
    used.add(name)
    return name


def _widths(ws, form) -> None:
    table = next((b for b in form.blocks if isinstance(b, Table) and not b.plain), None)
    weights = [c.width for c in table.columns] if table else [1, 3]
    for i, w in enumerate(weights):
        ws.set_column(i, i, max(10, min(60, w * 11)))


def _block(book: Book, ws, block, r: int) -> int:
    fmt = book.fmt
    if isinstance(block, Text):
        book.cell(ws, r, 0, block.text, bold=block.style in ("title", "bold"))
        return r + (2 if block.style == "title" else 1)
    if isinstance(block, Fields):
        for label, value in block.rows:
            ws.write_string(r, 0, label, fmt["bold"])
            book.cell(ws, r, 1, value)
            r += 1
        return r + 1
    if isinstance(block, Signatures):
        for side, people in block.sides:
            book.cell(ws, r, 0, side, bold=True)
            for position, name in people:
                book.cell(ws, r, 1, position)
                book.cell(ws, r, 2, "______________ / " + (name or "______________") + " /")
                r += 1
            r += 1
        return r
    return _table(book, ws, block, r)


def _table(book: Book, ws, block: Table, r: int) -> int:
    if block.title:
        book.cell(ws, r, 0, block.title, bold=True)
        r += 1
    if block.plain:
        for row in block.rows:
            for c, v in enumerate(row):
                book.cell(ws, r, c, v)
            r += 1
        return r + 1
    if block.group_header:
        c = 0
        for title, span in block.group_header:
            if span > 1:
                ws.merge_range(r, c, r, c + span - 1, title, book.fmt["bold"])
            else:
                ws.write_string(r, c, title, book.fmt["bold"])
            c += span
        r += 1
    for c, col in enumerate(block.columns):
        ws.write_string(r, c, col.title, book.fmt["wrap"])
    r += 1
    if block.numbered_header:
        for c, n in enumerate(block.numbered_header):
            ws.write_string(r, c, n, book.fmt["bold"])
        r += 1
    kinds = [KIND.get(c.kind, "text") for c in block.columns]
    for bold, rows in ((False, block.rows), (True, block.totals)):
        for row in rows:
            for c, (v, kind) in enumerate(zip(row, kinds, strict=True)):
                if kind == "int" and isinstance(v, Decimal) and v != v.to_integral_value():
                    kind = "money"
                book.cell(ws, r, c, v, kind, bold=bold)
            r += 1
    return r + 1
