"""Two languages, English and Russian: gettext for strings, babel for numbers, money
and dates. The language comes from the settings ([ui] language), else CORPTUI_LANG /
LC_ALL / LC_MESSAGES / LANG; the app sets it in ``CorptuiApp.on_mount``.

Use ``from corptui.i18n import _`` for user-facing strings; ``money()``, ``date_text()``
and ``number()`` format per locale.

Strings made at import time (Binding descriptions, Column titles, a screen's TITLE, the
actions registry, module-level tables of labels) are only *marked* with ``N_()`` (which
returns the English text unchanged, so Textual and the keymap see the same Binding) and
translated where they are drawn: KeysFooter, the help screen, the command palette, the
top bar and VirtualTable's header call ``_()`` at render time. So the language can be
set (or changed in settings) after the screens' modules are imported, and the English
screens are byte-for-byte what they were. ``_("")`` is "" (not the catalog header).

Catalogs: corptui/locale/<lang>/LC_MESSAGES/corptui.po (+ the compiled .mo, committed);
``python -m corptui.i18n_tools extract|update|compile|check`` keeps them with babel."""

from __future__ import annotations

import datetime as dt
import gettext
import os
from decimal import Decimal
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "corptui"
LANGUAGES = ("en", "ru")

_language = "en"
_translation: gettext.NullTranslations = gettext.NullTranslations()


def detect_language(environ=None) -> str:
    env = os.environ if environ is None else environ
    for var in ("CORPTUI_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = (env.get(var) or "").strip()
        if value and value not in ("C", "POSIX"):
            code = value.split(".")[0].split("_")[0].lower()
            return code if code in LANGUAGES else "en"
    return "en"


def set_language(code: str | None = None) -> str:
    """Switch the language ("en"/"ru"; None = detect). Returns the language in force."""
    global _language, _translation
    code = code or detect_language()
    if code not in LANGUAGES:
        code = "en"
    _language = code
    if code == "en":
        _translation = gettext.NullTranslations()
    else:
        _translation = gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)
    return code


def language() -> str:
    return _language


def _(message: str) -> str:
    if not message:
        return message
    return _translation.gettext(message)


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, where it is shown."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for the count n (Russian has three: 1 номер, 2 номера, 5 номеров); format
    the count into the result yourself: ``ngettext("{n} number", "{n} numbers", n).format(n=n)``."""
    return _translation.ngettext(singular, plural, n)


# The states and statuses stored in the database (storage/models.py), as users read them.
STATE_LABELS = {
    "active": N_("active"), "blocked": N_("blocked"), "in_stock": N_("in stock"),
    "retired": N_("retired"), "planned": N_("planned"), "disconnected": N_("disconnected"),
    "queued": N_("queued"), "preparing": N_("preparing"), "ready": N_("ready"),
    "failed": N_("failed"), "sent": N_("sent"), "running": N_("running"), "done": N_("done"),
    "pending": N_("pending"), "approved": N_("approved"), "rejected": N_("rejected"),
    "cancelled": N_("cancelled"), "submitted": N_("submitted"),
    "in_progress": N_("in progress"), "open": N_("open"), "in_review": N_("in review"),
    "accepted": N_("accepted"),
}


def state_label(code: str | None) -> str:
    """A stored state ("in_stock") in the current language ("in stock" / "на складе")."""
    if not code:
        return ""
    return _(STATE_LABELS.get(code, code))


def translated(table: dict) -> dict:
    """A module-level table of N_()-marked labels, translated now: {key: _(label)}."""
    return {key: _(label) for key, label in table.items()}


def _babel_locale(lang: str | None = None) -> str:
    return "ru_RU" if (lang or _language) == "ru" else "en_GB"


def number(value, pattern: str | None = None, *, lang: str | None = None) -> str:
    """12,345 (en) / 12 345 (ru); ``pattern`` is babel's, e.g. "0.0" for one decimal.
    ``lang`` formats for that language instead of the current one (documents)."""
    from babel.numbers import format_decimal

    return format_decimal(value, format=pattern, locale=_babel_locale(lang))


def money(value: Decimal | None, *, symbol: bool = True, lang: str | None = None) -> str:
    """Rubles with two decimals: "1 234,50 ₽" (ru) / "1,234.50 ₽" (en). ``lang`` formats
    for that language instead of the current one (a document in its ordered language)."""
    if value is None:
        return ""
    from babel.numbers import format_decimal

    text = format_decimal(Decimal(value), format="#,##0.00", locale=_babel_locale(lang))
    return f"{text} ₽" if symbol else text


_catalogs: dict[str, gettext.NullTranslations] = {}
EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
             "Dec")


def catalog(code: str) -> gettext.NullTranslations:
    """The translations of one language, whatever the current one is (thread-safe: the
    embedded worker builds a Russian document while the screen shows English)."""
    if code not in _catalogs:
        _catalogs[code] = (gettext.NullTranslations() if code == "en" else
                           gettext.translation(DOMAIN, LOCALE_DIR, languages=[code],
                                               fallback=True))
    return _catalogs[code]


class Lang:
    """Texts, money, numbers and dates in one explicit language (a document's): ``gettext``
    and ``ngettext`` from that catalog, ``money`` the same formatter as the screens."""

    def __init__(self, code: str | None = None):
        code = code or _language
        self.code = code if code in LANGUAGES else "en"
        self._t = catalog(self.code)

    def gettext(self, message: str) -> str:
        return self._t.gettext(message) if message else message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._t.ngettext(singular, plural, n)

    def money(self, value, *, symbol: bool = True) -> str:
        return money(value, symbol=symbol, lang=self.code)

    def number(self, value, pattern: str | None = None) -> str:
        return number(value, pattern, lang=self.code)

    def date(self, value: dt.date | None) -> str:
        """31.10.2026 (ru) / 31 Oct 2026 (en): the documents' dates."""
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            value = value.astimezone().date() if value.tzinfo else value.date()
        if self.code == "ru":
            return value.strftime("%d.%m.%Y")
        return f"{value.day:02d} {EN_MONTHS[value.month - 1]} {value.year}"

    def month(self, value: dt.date) -> str:
        """сентябрь 2026 (ru) / September 2026 (en)."""
        from babel.dates import format_date

        return format_date(value, "LLLL y", locale=_babel_locale(self.code))


def date_text(value: dt.date | dt.datetime | None, *, with_time: bool = False) -> str:
    """A date (or UTC datetime shown in local time) in the locale's short form."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        local = value.astimezone() if value.tzinfo else value
        if with_time:
            return local.strftime("%d.%m.%Y %H:%M" if _language == "ru" else "%Y-%m-%d %H:%M")
        value = local.date()
    return value.strftime("%d.%m.%Y" if _language == "ru" else "%Y-%m-%d")


set_language()
