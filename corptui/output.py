"""CLI output: tables via tabulate, CSV and JSON. No textual import here."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import Decimal

FORMATS = ("table", "csv", "json")


def _default(value):
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def to_json(rows) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2, default=_default)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def render(rows: Sequence[dict], fmt: str, columns: Sequence[str],
           headers: Sequence[str] | None = None) -> str:
    if fmt == "json":
        return to_json(list(rows))
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([neutralise(_cell(row.get(c))) for c in columns])
        return buf.getvalue().rstrip("\n")
    from tabulate import tabulate

    return tabulate(
        [[_cell(row.get(c)) for c in columns] for row in rows],
        headers=list(headers or columns),
        tablefmt="simple",
        disable_numparse=True,
    )


def neutralise(text: str) -> str:
    """Cells that a spreadsheet would run as a formula get a leading apostrophe."""
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text
