"""CSV: a header row and the rows, streamed to a file or a stream (standard output).
Russian Excel reads UTF-8 with a BOM, ";" between cells and decimal commas; the exports'
``sep=";"`` and a document's ``excel_ru`` option write that. Text that a spreadsheet
would run as a formula is neutralised."""

from __future__ import annotations

import csv

from corptui.output import neutralise
from corptui.writers.cells import Style, formatter


def rows_to(stream, columns, rows, sep: str = ",", style: Style = Style()) -> int:
    """Write the header and ``rows`` (tuples in column order) to ``stream``."""
    writer = csv.writer(stream, delimiter=sep)
    writer.writerow([neutralise(c.title) for c in columns])
    fmts = [formatter(c.kind, style) for c in columns]
    count = 0
    writerow = writer.writerow
    for row in rows:
        writerow([f(v) for f, v in zip(fmts, row, strict=True)])
        count += 1
    return count


def open_csv(path, bom: bool = True):
    return open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="")


def write(path, columns, rows, sep: str = ",", style: Style = Style(), bom: bool = True) -> int:
    with open_csv(path, bom) as fh:
        return rows_to(fh, columns, rows, sep, style)
