"""Which new passwords are refused (NIST SP 800-63B: length, and a blocklist rather than
composition rules).

- 8..200 characters;
- not one of the commonest passwords: the 30,000 of zxcvbn's list (from leaked password
  sets) and a few Russian-keyboard ones, compared without case, also with the digits and
  symbols people add at the end ("Password123!" is "password");
- not the login's own digits: the phone number in any form (79261234567, 89261234567,
  9261234567) or six or more of its digits in a row with little else;
- not the company's name (without its legal form: "ООО «Ромашка»" -> "ромашка") or INN,
  nor one of the name's words of four letters or more with digits or symbols added."""

from __future__ import annotations

import re
from functools import lru_cache

from corptui.errors import ValidationError
from corptui.i18n import _
from corptui.usertext import fold_digits

MIN_LENGTH = 8
MAX_LENGTH = 200
FIELD = "new_password"
# common passwords of Russian users that the English list does not hold
_RUSSIAN_COMMON = (
    "йцукен", "йцукенгш", "йцукенгшщз", "пароль", "парольпароль", "qwertyйцукен",
    "1q2w3e4r", "1q2w3e4r5t", "zaq12wsx", "xsw2zaq1", "parol", "parol123", "privet",
    "привет", "любовь", "lubov", "lyubov", "marina", "natasha", "nastya", "svetlana",
    "spartak", "zenit", "admin123", "adminadmin", "qwerty123", "qwe123qwe",
    "1qaz2wsx", "ytrewq", "фыва", "фывапролдж", "ячсмить", "я люблю тебя", "ялюблютебя",
    "corptui", "billing", "megafon", "beeline", "mts", "tele2",
)
_LEGAL_FORMS = {"ооо", "оао", "зао", "пао", "ао", "ип", "нко", "ано", "llc", "ltd", "inc",
                "jsc", "гуп", "муп", "фгуп"}
_TAIL = re.compile(r"[\W\d_]+$")
_HEAD = re.compile(r"^[\W\d_]+")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"]) | frozenset(_RUSSIAN_COMMON)


def _letters(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalpha())


def _is_common(password: str) -> bool:
    common = common_passwords()
    folded = password.casefold()
    if folded in common or folded.replace(" ", "") in common:
        return True
    base = _HEAD.sub("", _TAIL.sub("", folded))  # "Password123!" -> "password"
    return len(base) >= 4 and base in common


def _is_phone(password: str, phone: str) -> bool:
    if not phone:
        return False
    digits = "".join(ch for ch in fold_digits(password) if ch.isdigit())
    others = sum(1 for ch in password if not ch.isdigit() and ch not in "+()-. ")
    forms = {phone, "8" + phone[1:], phone[1:]} if phone.startswith("7") else {phone}
    if digits in forms or password in forms:
        return True
    return len(digits) >= 6 and others < 4 and any(digits in f for f in forms)


def _company_words(name: str) -> list[str]:
    words = [w for w in re.split(r"[\W_]+", name.casefold()) if w]
    return [w for w in words if w not in _LEGAL_FORMS]


def _is_company(password: str, company_name: str, inn: str) -> bool:
    if inn and inn in fold_digits(password):
        return True
    words = _company_words(company_name or "")
    if not words:
        return False
    letters = _letters(password)
    whole = "".join(words)
    if letters and (letters == _letters(whole) or (len(whole) >= 4 and whole in letters)):
        return True
    base = _HEAD.sub("", _TAIL.sub("", password.casefold()))
    return any(len(w) >= 4 and (base == w or letters == w) for w in words)


def check(password: str, phone: str = "", company_name: str = "", inn: str = "",
          current: str | None = None) -> None:
    """Raise ValidationError (field "new_password") when the password is refused."""
    if len(password) < MIN_LENGTH:
        raise ValidationError(_("the password needs at least 8 characters"), FIELD)
    if len(password) > MAX_LENGTH:
        raise ValidationError(_("the password is longer than 200 characters"), FIELD)
    if _is_phone(password, phone):
        raise ValidationError(_("the password must not be the phone number"), FIELD)
    if _is_company(password, company_name, inn):
        raise ValidationError(_("the password must not be the company's name or INN"), FIELD)
    if _is_common(password):
        raise ValidationError(_("this is one of the commonest passwords: choose another"),
                              FIELD)
    if current is not None and password == current:
        raise ValidationError(_("the new password must differ from the current one"), FIELD)
