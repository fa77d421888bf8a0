"""Column types shared by every model: money as exact kopecks, times as UTC."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import peewee as pw

CENT = Decimal("0.01")
UTC = dt.UTC


def to_kopecks(value) -> int:
    """Decimal/str/int rubles -> integer kopecks (half-up). Floats are refused."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    return int((Decimal(value) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_kopecks(value: int | None) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(int(value)) / 100).quantize(CENT)


class MoneyField(pw.BigIntegerField):
    """Rubles as Decimal in Python, exact integer kopecks in the database, so SUM() is
    exact on SQLite and PostgreSQL alike."""

    def db_value(self, value):
        if value is None:
            return None
        return to_kopecks(value)

    def python_value(self, value):
        return from_kopecks(value)


def utc_naive(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def utcnow() -> dt.datetime:
    return dt.datetime.now(UTC)


DB_TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def db_time(value: dt.datetime) -> str:
    """The text form stored by UTCDateTimeField on SQLite (for raw bulk inserts)."""
    return utc_naive(value).strftime(DB_TIME_FORMAT)


class UTCDateTimeField(pw.DateTimeField):
    """Aware datetimes in Python, naive UTC in the database; reads back aware UTC."""

    def db_value(self, value):
        if isinstance(value, dt.datetime):
            value = utc_naive(value)
        return super().db_value(value)

    def python_value(self, value):
        if isinstance(value, str):  # SQLite text: the C parser first (peewee tries formats)
            try:
                parsed = dt.datetime.fromisoformat(value)
            except ValueError:
                parsed = None
            if parsed is not None:
                return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed
        value = super().python_value(value)
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value
