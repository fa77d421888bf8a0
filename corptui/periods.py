"""Dates, periods and amounts typed by a user, shared by payments, charges and calls.

Dates are calendar days in the user's local time zone; the database stores UTC, so a
day range becomes a half-open UTC interval ``[start, end)``. Presets are pure functions
of ``today`` so that screens and tests can inject the date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from corptui.errors import ValidationError
from corptui.i18n import _

UTC = dt.UTC
PRESETS = ("this_month", "last_month", "quarter", "year")

_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%Y.%m.%d", "%d/%m/%Y")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after (or before) the month of ``day``."""
    index = day.year * 12 + (day.month - 1) + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(day: dt.date) -> dt.date:
    return add_months(day, 1) - dt.timedelta(days=1)


def this_month(today: dt.date) -> tuple[dt.date, dt.date]:
    return month_start(today), month_end(today)


def last_month(today: dt.date) -> tuple[dt.date, dt.date]:
    start = add_months(today, -1)
    return start, month_end(start)


def quarter(today: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar quarter that holds ``today``."""
    first = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return first, month_end(add_months(first, 2))


def year(today: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)


def preset(name: str, today: dt.date) -> tuple[dt.date, dt.date]:
    funcs = {"this_month": this_month, "last_month": last_month, "quarter": quarter,
             "year": year}
    if name not in funcs:
        raise ValidationError(_("unknown period {name!r} (use {choices})").format(name=name, choices=', '.join(PRESETS)), "period")
    return funcs[name](today)


def parse_date(text: str | dt.date | None, field: str) -> dt.date | None:
    """'2024-05-31' or '31.05.2024' -> date; empty -> None; else ValidationError(field)."""
    if text is None or isinstance(text, dt.date):
        return text.date() if isinstance(text, dt.datetime) else text
    raw = text.strip()
    if not raw:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValidationError(
        _("{field}: not a date: {value!r} (use YYYY-MM-DD or DD.MM.YYYY)").format(field=field, value=raw[:30]), field
    )


_MONTH_FORMATS = ("%Y-%m", "%m.%Y")


def parse_day_or_month(text, field: str, *, end: bool = False) -> dt.date | None:
    """A day as parse_date, or a whole month ('2026-10', '10.2026'): its first day, or its
    last with ``end`` (so --from 2026-10 --to 2026-10 is October)."""
    raw = text.strip() if isinstance(text, str) else ""
    for fmt in _MONTH_FORMATS:
        try:
            first = dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
        return month_end(first) if end else first
    return parse_date(text, field)


AMOUNT_LIMIT = Decimal("1e15")  # a trillion rubles and more is a typo, not a payment


def parse_amount(text: str | Decimal | int | None, field: str) -> Decimal | None:
    """'1 234,50' / '1,234.50' -> Decimal('1234.50') (corptui.money.parse); empty ->
    None; negative or not a number -> ValidationError naming the field."""
    from corptui import money

    try:
        return money.parse(text, field, maximum=AMOUNT_LIMIT - Decimal("0.01"))
    except ValidationError as exc:
        raise ValidationError(_("{field}: {message}").format(field=field, message=exc.message),
                              field) from None


def check_range(lo, hi, lo_field: str, hi_field: str, what: str) -> dict[str, str]:
    """Field errors for a range whose start is after its end (empty dict when fine)."""
    if lo is not None and hi is not None and lo > hi:
        return {lo_field: f"{lo_field} is after {hi_field}: the {what} range is empty"}
    return {}


def local_tz(tz: dt.tzinfo | None = None) -> dt.tzinfo:
    return tz or dt.datetime.now().astimezone().tzinfo


def utc_bounds(date_from: dt.date | None, date_to: dt.date | None,
               tz: dt.tzinfo | None = None) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Local calendar days [from, to] -> UTC [start, end): end is the next local midnight."""
    start = end = None
    if date_from is not None:
        start = _local_midnight(date_from, tz).astimezone(UTC)
    if date_to is not None:
        end = _local_midnight(date_to + dt.timedelta(days=1), tz).astimezone(UTC)
    return start, end


def _local_midnight(day: dt.date, tz: dt.tzinfo | None) -> dt.datetime:
    naive = dt.datetime.combine(day, dt.time.min)
    if tz is None:
        return naive.astimezone()  # the system's local zone, DST-aware for that day
    if hasattr(tz, "localize"):  # pragma: no cover - pytz zones
        return tz.localize(naive)
    return naive.replace(tzinfo=tz)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of every month from the month of ``first`` to that of ``last``."""
    out, cur = [], month_start(first)
    while cur <= last:
        out.append(cur)
        cur = add_months(cur, 1)
    return out


def parse_ranges(obj, *, amount_fields=("amount_min", "amount_max"),
                 date_fields=("date_from", "date_to"), what="amount") -> tuple[dict, dict]:
    """Parse a filter's amount and date fields: (values, field errors). Shared by the
    payments, charges and calls filters so that they report errors the same way."""
    values: dict = {}
    errors: dict[str, str] = {}
    for name in amount_fields:
        try:
            values[name] = parse_amount(getattr(obj, name), name)
        except ValidationError as exc:
            errors[name] = exc.message
    for name in date_fields:
        try:
            values[name] = parse_date(getattr(obj, name), name)
        except ValidationError as exc:
            errors[name] = exc.message
    if not errors:
        errors.update(check_range(values[date_fields[0]], values[date_fields[1]],
                                  date_fields[0], date_fields[1], "date"))
        errors.update(check_range(values[amount_fields[0]], values[amount_fields[1]],
                                  amount_fields[0], amount_fields[1], what))
    return values, errors


def check_choices(values, allowed, field: str, what: str) -> dict[str, str]:
    bad = [v for v in values if v not in allowed]
    if bad:
        return {field: f"{field}: unknown {what} {bad[0]!r} (use {', '.join(allowed)})"}
    return {}


def raise_errors(errors: dict[str, str]) -> None:
    if errors:
        first = next(iter(errors))
        raise ValidationError(errors[first], first, errors)


def money_sum(value) -> Decimal:
    """A SUM over a MoneyField (raw integer kopecks; numeric on PostgreSQL) -> rubles."""
    return Decimal(int(value or 0)).scaleb(-2)  # exact: 1005 -> 10.05, 0 -> 0.00
