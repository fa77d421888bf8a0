"""Columns and cell values as text. Two styles: the exports' machine forms (ISO dates,
"1234.50", a decimal comma when the CSV separator is ";") and a document's language
(``Style(lang="ru")``: "31.10.2026", "1234,50"; in PDF "1 234,50"), the same formatter
as the screens (``corptui.i18n``) with an explicit language."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain

from corptui.i18n import Lang
from corptui.output import neutralise

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str = "text"  # text | money | int | date | datetime | bool
    width: int = 0  # characters; 0 = from the header and the first rows


@dataclass(frozen=True)
class Style:
    """How cells read: ``lang`` None = the exports' machine forms; "ru"/"en" = a
    document's language. ``decimal_comma`` for Russian Excel; ``grouped`` money with
    thousands separators (PDF and text, never CSV); ``tz`` for times."""

    lang: str | None = None
    decimal_comma: bool = False
    grouped: bool = False
    tz: dt.tzinfo | None = None

    def language(self) -> Lang:
        """The document's language; for the exports the current one (page counts)."""
        return Lang(self.lang)


def as_tuples(columns, rows_iter):
    """Rows as tuples in column order (dicts are read by the columns' keys)."""
    it = iter(rows_iter)
    first = next(it, None)
    if first is None:
        return iter(())
    if isinstance(first, Mapping):
        keys = [c.key for c in columns]
        return (tuple(r.get(k) for k in keys) for r in chain((first,), it))
    return chain((first,), it)


def local(value: dt.datetime, tz) -> dt.datetime:
    if value.tzinfo is None:
        return value
    return value.astimezone(tz) if tz else value.astimezone()


def formatter(kind: str, style: Style, safe: bool = True):
    """A fast value -> text function for one column (CSV, PDF, text): no per-cell
    dispatch. ``safe`` neutralises what a spreadsheet would run as a formula."""
    lang = style.language() if style.lang else None
    comma = style.decimal_comma or (lang is not None and lang.code == "ru")

    def money(v):
        if v is None:
            return ""
        if lang is not None and style.grouped:
            return lang.money(v, symbol=False)
        text = format(v, ".2f") if isinstance(v, Decimal) else str(v)
        return text.replace(".", ",") if comma else text

    def when(v):
        if v is None:
            return ""
        if isinstance(v, dt.datetime):
            v = local(v, style.tz)
            if lang is not None:
                return f"{lang.date(v.date())} {v:%H:%M:%S}"
            return v.strftime("%Y-%m-%d %H:%M:%S")
        return lang.date(v) if lang is not None else v.isoformat()

    def text(v):
        if v is None:
            return ""
        return neutralise(str(v)) if safe else str(v)

    def yes_no(v):
        if v is None:
            return ""
        if lang is not None:
            return lang.gettext("yes") if v else lang.gettext("no")
        return "yes" if v else "no"

    def whole(v):
        if v is None:
            return ""
        return lang.number(v) if lang is not None and style.grouped else str(v)

    return {"money": money, "datetime": when, "date": when, "text": text, "int": whole,
            "bool": yes_no}.get(kind, text)


def json_value(value, tz):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return local(value, tz).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


_MIN_WIDTH = {"money": 12, "date": 11, "datetime": 19, "int": 8, "bool": 6, "text": 8}


def widths(columns, sample, style: Style) -> list[int]:
    """Column widths in characters: the header, the first rows, a minimum per kind."""
    out = []
    for i, col in enumerate(columns):
        if col.width:
            out.append(col.width)
            continue
        fmt = formatter(col.kind, style, safe=False)
        longest = max((len(fmt(r[i])) for r in sample), default=0)
        out.append(min(60, max(_MIN_WIDTH.get(col.kind, 8), len(col.title), longest) + 2))
    return out
