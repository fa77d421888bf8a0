"""Money: one type, one parser, one formatter.

The type is ``Decimal`` rubles with two places in the use cases and the screens, integer
kopecks in the database (storage.fields.MoneyField). A ``SUM`` over a money column comes
back as raw kopecks: ``from_sum`` turns it into rubles (never show the raw sum).

``parse`` reads what a person types, in either language: "1000", "1 000,50" (Russian),
"1,000.50" (English), "1000.5", "1 500 ₽". A comma followed by groups of three digits is
a thousands separator ("1,000" is one thousand, not 1.00); a comma or a dot followed by
one or two digits is the decimal separator; more than two decimals is an error, not a
silent rounding. ``text`` is the one formatter (corptui.i18n.money): "1,452.28 ₽" in
English, "1 452,28 ₽" in Russian."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from corptui.errors import ValidationError
from corptui.i18n import _, money, number

CENT = Decimal("0.01")
SPACES = ("\u00a0", "\u202f", "\u2009", " ", "'", "_")
SYMBOLS = ("₽", "руб.", "руб", "rub", "р.")
_PLAIN = re.compile(r"^\d+(?:[.,]\d+)?$")
_GROUPED = re.compile(r"^[1-9]\d{0,2}(?:,\d{3})+(?:\.\d{1,2})?$")  # 1,000 / 1,234,567.89


def text(value: Decimal | int | str | None, *, symbol: bool = True) -> str:
    """The formatted amount ("1,234.50 ₽" / "1 234,50 ₽"); "" for None."""
    return money(value, symbol=symbol)


def from_kopecks(value) -> Decimal | None:
    """Integer kopecks (a raw column value) -> Decimal rubles; None stays None."""
    if value is None:
        return None
    return Decimal(int(value)).scaleb(-2)


def from_sum(value) -> Decimal:
    """A SUM over a MoneyField (raw integer kopecks; numeric on PostgreSQL; None when no
    rows) -> Decimal rubles: 145228 -> 1452.28."""
    return Decimal(int(value or 0)).scaleb(-2)


def parse(value, field: str = "amount", *, negative: bool = False,
          maximum: Decimal | None = None) -> Decimal | None:
    """What was typed -> Decimal rubles (2 places); empty -> None. A bad amount raises
    ValidationError on ``field`` with a message in the user's language."""
    if value is None:
        return None
    if isinstance(value, float):
        raise ValidationError(_("money must be given exactly (text or Decimal), not as a "
                                "float"), field)
    if isinstance(value, (Decimal, int)):
        amount = Decimal(value)
        shown = str(value)
    else:
        shown = str(value).strip()
        raw = shown.lower()
        for mark in SYMBOLS:
            raw = raw.replace(mark, "")
        for space in SPACES:
            raw = raw.replace(space, "")
        if not raw:
            return None
        sign = ""
        if raw[0] in "+-−":
            sign, raw = ("-" if raw[0] != "+" else ""), raw[1:]
        if _GROUPED.match(raw):
            raw = raw.replace(",", "")
        elif _PLAIN.match(raw):
            raw = raw.replace(",", ".")
            if "." in raw and len(raw.split(".")[1]) > 2:  # "0,500", "1.005"
                raise ValidationError(_("an amount has at most 2 decimals (kopecks)"), field)
        else:
            raise ValidationError(_("not an amount: {value} (for example 1 000,50 or "
                                    "1000.50)").format(value=shown[:30]), field)
        try:
            amount = Decimal(sign + raw)
        except InvalidOperation:  # pragma: no cover - the patterns admit only numbers
            raise ValidationError(_("not an amount: {value}").format(value=shown[:30]),
                                  field) from None
    if not amount.is_finite():
        raise ValidationError(_("not an amount: {value}").format(value=shown[:30]), field)
    if amount < 0 and not negative:
        raise ValidationError(_("the amount must not be negative"), field)
    top = maximum if maximum is not None else Decimal("1e15")
    if abs(amount) > top:  # before quantize: 1E100 has too many digits to quantize
        raise ValidationError(_("the amount is at most {maximum}").format(
            maximum=money(top)), field)
    if amount != amount.quantize(CENT):
        raise ValidationError(_("an amount has at most 2 decimals (kopecks)"), field)
    return amount.quantize(CENT)


def percent_of(spent: Decimal, limit: Decimal | None) -> int | None:
    """Whole percent of the limit spent (rounded down; None without a positive limit)."""
    if limit is None or limit <= 0:
        return None
    return int(Decimal(spent) * 100 // Decimal(limit))


def spend_text(spent: Decimal | None, limit: Decimal | None) -> str:
    """"1,234.50 of 1,500.00 ₽ this month (82%)"; without a limit: "none"."""
    if limit is None:
        return _("none")
    spent = spent or Decimal("0.00")
    pct = percent_of(spent, limit)
    if pct is None:
        return _("{spent} of {limit} this month").format(
            spent=money(spent, symbol=False), limit=money(limit))
    return _("{spent} of {limit} this month ({percent}%)").format(
        spent=money(spent, symbol=False), limit=money(limit), percent=number(pct))
