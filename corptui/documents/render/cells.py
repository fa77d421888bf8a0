"""A form's values as text in the document's language: money "1 234,50" (grouped, for
PDF and the preview) or "1234,50" (CSV), quantities "12,5", dates "31.10.2026"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from corptui.i18n import Lang


def text(value, kind: str, lang: Lang, grouped: bool = True, comma: bool | None = None) -> str:
    if value is None:
        return ""
    if kind == "money" and isinstance(value, (Decimal, int)):
        if grouped:
            return lang.money(value, symbol=False)
        plain = format(Decimal(value), ".2f")
        return plain.replace(".", ",") if (lang.code == "ru" if comma is None else comma) else plain
    if kind in ("qty", "int") and isinstance(value, (Decimal, int)):
        if grouped:
            return lang.number(value, "#,##0.##")
        plain = format(Decimal(value).normalize(), "f")
        return plain.replace(".", ",") if (lang.code == "ru" if comma is None else comma) else plain
    if isinstance(value, dt.date):
        return lang.date(value)
    return str(value)
