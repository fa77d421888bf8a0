"""Phone numbers: every usual Russian form in, E.164 digits out ("79261234567").

A fast path handles the usual forms (+7/8/7 + 10 digits, or 10 digits starting with 9)
in about a microsecond; anything else goes through the phonenumbers library."""

from __future__ import annotations

import re

from corptui.errors import ValidationError
from corptui.i18n import _
from corptui.usertext import fold_digits

_NON_DIGITS = re.compile(r"[^0-9]")
# digits (any script: folded to ASCII first), spaces (also no-break and thin ones),
# + ( ) . and hyphens or dashes as typed or pasted from an office document
_SEPARATORS = " \t\u00a0\u2009\u202f+()\\-.\u2010\u2011\u2012\u2013\u2014\u2212"
_ALLOWED = re.compile(f"^[0-9{_SEPARATORS}]*$")


def normalize(text: str, field: str = "phone") -> str:
    """Return E.164 digits without '+', or raise ValidationError naming the field.
    Digits of any script are folded to ASCII (``79２６...`` is 79261234567)."""
    raw = fold_digits(text or "").strip()
    if not raw:
        raise ValidationError(_("phone number is empty"), field)
    if len(raw) > 40 or not _ALLOWED.match(raw):
        raise ValidationError(_("not a phone number: {text}").format(text=shorten(raw)), field)
    digits = _NON_DIGITS.sub("", raw)
    if len(digits) == 11 and digits[0] in "78" and digits[1] == "9" and not raw.startswith("+8"):
        return "7" + digits[1:]
    if len(digits) == 10 and digits[0] == "9" and not raw.startswith("+"):
        return "7" + digits
    return _slow(raw, digits, field)


def _slow(raw: str, digits: str, field: str) -> str:
    import phonenumbers

    candidate = raw
    if not raw.startswith("+") and len(digits) == 11 and digits[0] == "8":
        candidate = "+7" + digits[1:]
    try:
        parsed = phonenumbers.parse(candidate, "RU")
    except phonenumbers.NumberParseException:
        raise ValidationError(_("not a phone number: {text}").format(text=shorten(raw)), field) from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(_("not a valid phone number: {text}").format(text=shorten(raw)), field)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)[1:]


def is_valid(text: str) -> bool:
    try:
        normalize(text)
    except ValidationError:
        return False
    return True


def format_msisdn(digits: str) -> str:
    """79261234567 -> "+7 926 123-45-67"; other lengths as +digits."""
    if len(digits) == 11 and digits[0] == "7":
        return f"+7 {digits[1:4]} {digits[4:7]}-{digits[7:9]}-{digits[9:11]}"
    return f"+{digits}"


def search_digits(query: str) -> str | None:
    """The digits of a phone-like query ("926 12", "8926..."), or None for a name query."""
    stripped = fold_digits(query).strip()
    if not stripped or not _ALLOWED.fullmatch(stripped):
        return None
    digits = _NON_DIGITS.sub("", stripped)
    return digits or None


def shorten(text: str, limit: int = 30) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_LIST_SEPARATORS = re.compile(r"[,;\t]+")


def scan_numbers(text: str):
    """Every phone number of a pasted list: one per line, or separated by commas,
    semicolons, tabs or spaces ("+7 926 123-45-67" stays one number: space-separated
    tokens are grouped until they make a whole Russian number). Yields
    (line, text, digits or None, error or None) and never raises."""
    for lineno, line in enumerate(fold_digits(text or "").splitlines(), 1):
        for piece in _LIST_SEPARATORS.split(line):
            piece = piece.strip()
            if not piece:
                continue
            try:
                yield lineno, piece, normalize(piece), None
                continue
            except ValidationError as whole:
                tokens = piece.split()
                if len(tokens) < 2:
                    yield lineno, piece, None, whole.message
                    continue
            group: list[str] = []
            for token in tokens:
                group.append(token)
                digits = _NON_DIGITS.sub("", "".join(group))
                need = 10 if digits[:1] == "9" and not group[0].startswith("+") else 11
                if len(digits) >= need:
                    joined = " ".join(group)
                    try:
                        yield lineno, joined, normalize(joined), None
                    except ValidationError as part:
                        yield lineno, joined, None, part.message
                    group = []
            if group:
                joined = " ".join(group)
                yield lineno, joined, None, f"not a phone number: {shorten(joined)}"
