"""Record ids typed by people (documents, schedules, disputes, charges, applications,
notifications): whole numbers from 1 to 2^63 - 1, the range both engines store. Anything
else is a field error, never an overflow in the database driver. Digits of any script
are folded to ASCII first (corptui.usertext)."""

from __future__ import annotations

from corptui.errors import ValidationError
from corptui.i18n import _
from corptui.usertext import fold_digits

MAX_ID = 2**63 - 1


def parse_id(value, field: str = "id", what: str = "") -> int:
    """The id in ``value`` (an int or its text), or ValidationError naming ``field``."""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int):
        number = value
    else:
        text = fold_digits(str(value if value is not None else "")).strip()
        if not (text.isascii() and text.isdigit()):
            raise ValidationError(_("{field}: not an id: {value!r} (a whole number)").format(
                field=field, value=text[:20]), field)
        number = int(text) if len(text) <= 20 else MAX_ID + 1
    if not 1 <= number <= MAX_ID:
        raise ValidationError(_("{field}: no {what} {value} (ids go from 1 to {max})").format(
            field=field, what=what or _("record"), value=str(number)[:20], max=MAX_ID), field)
    return number


def is_id(value) -> bool:
    try:
        parse_id(value)
    except ValidationError:
        return False
    return True
