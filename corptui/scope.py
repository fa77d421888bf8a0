"""Which numbers (and accounts) does the user mean? One answer for every door.

Every place that takes numbers from a person (the paste list, the money and document
dialogs, the CLI's arguments, ``--numbers`` and ``--file``, change requests, the import)
reads them here, with one splitting rule: ``phones.scan_numbers`` (one per line, or
separated by commas, semicolons, tabs or spaces; "+7 926 123-45-67" stays one number;
digits of any script are folded to ASCII). CLI arguments are read as lines of a list,
so ``tags assign T "79261234567 79261234568"`` and a file with the same text agree.

Two modes, one switch (``strict``):

- strict (the default; every change and every report): one bad or unknown entry is an
  error naming the entries (up to five, with their line) and nothing is done;
- lenient (the paste list): the known numbers are kept and the others are reported.

A number of another company is reported exactly like a number nobody has ("no number
... in this company"): a company user cannot learn which numbers exist elsewhere."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from corptui import permissions
from corptui.errors import ValidationError
from corptui.i18n import _, ngettext
from corptui.phones import format_msisdn, scan_numbers, shorten
from corptui.usertext import fold_digits
from storage.bulk import in_values
from storage.db import database
from storage.models import PersonalAccount, Subscriber

MAX_LIST_CHARS = 20 * 1024 * 1024
SHOWN = 5  # entries named in an error
WHOLE_COMPANY_FROM = 20_000  # entries from which one query of the company's map is cheaper
CHUNK = 5000


@dataclass
class Entry:
    line: int  # 1-based line (or argument) the entry came from
    text: str  # the entry as given
    msisdn: str | None  # E.164 digits, None when it is not a phone number
    error: str | None = None


@dataclass
class Selection:
    ids: list[int] = field(default_factory=list)  # the company's numbers, given order, no repeats
    msisdns: list[str] = field(default_factory=list)  # the same numbers, E.164 digits
    not_found: list[tuple[int, str]] = field(default_factory=list)  # (line, text)
    invalid: list[tuple[int, str, str]] = field(default_factory=list)  # (line, text, reason)
    duplicates: int = 0  # entries given more than once
    # (line, text, line of its first occurrence) of each entry given again
    repeated: list[tuple[int, str, int]] = field(default_factory=list)

    @property
    def by_msisdn(self) -> dict[str, int]:
        return dict(zip(self.msisdns, self.ids, strict=True))


def as_text(given) -> str:
    """The list as one text: a str as it is, an iterable of entries one per line."""
    if given is None:
        return ""
    if isinstance(given, str):
        return given
    return "\n".join(str(x) for x in given)


def entries(given) -> list[Entry]:
    """Every entry of a list (text, or an iterable of strings: one line each); parse
    only, never raises."""
    return [Entry(line, text, msisdn, error)
            for line, text, msisdn, error in scan_numbers(as_text(given))]


def count(given) -> int:
    """How many entries a list holds (for a summary such as "3 numbers")."""
    return sum(1 for _ in scan_numbers(as_text(given)))


def _check_size(text: str, field_name: str) -> None:
    if len(text) > MAX_LIST_CHARS:
        raise ValidationError(_("the list is over 20 MB"), field_name)
    if "\x00" in text:
        raise ValidationError(_("the list is binary data, not text"), field_name)


def lookup(company_id: int, msisdns: Iterable[str], *columns) -> dict[str, tuple]:
    """msisdn -> (id, *columns) for those of ``msisdns`` that are the company's."""
    wanted = list(dict.fromkeys(msisdns))
    out: dict[str, tuple] = {}
    cols = (Subscriber.msisdn, Subscriber.id, *columns)
    if len(wanted) >= WHOLE_COMPANY_FROM:
        q = Subscriber.select(*cols).where(Subscriber.company == company_id)
        want = set(wanted)
        for row in database.execute(q).fetchall():
            if row[0] in want:
                out[row[0]] = tuple(row[1:])
        return out
    for i in range(0, len(wanted), CHUNK):
        q = Subscriber.select(*cols).where((Subscriber.company == company_id)
                                           & in_values(Subscriber.msisdn, wanted[i:i + CHUNK]))
        for row in database.execute(q).fetchall():
            out[row[0]] = tuple(row[1:])
    return out


def numbers(session, given, *, strict: bool = True, field_name: str = "numbers",
            allow_empty: bool = False) -> Selection:
    """The company's numbers of ``given`` (text or an iterable of strings). Strict: any
    bad or unknown entry -> ValidationError naming them; lenient: they are reported in
    the Selection. An empty list is an error unless ``allow_empty``."""
    permissions.require(session, "read")
    text = as_text(given)
    _check_size(text, field_name)
    sel = Selection()
    found: list[Entry] = []
    seen: dict[str, int] = {}
    for entry in entries(text):
        if entry.error:
            sel.invalid.append((entry.line, entry.text, entry.error))
        elif entry.msisdn in seen:
            sel.duplicates += 1
            sel.repeated.append((entry.line, entry.text, seen[entry.msisdn]))
        else:
            seen[entry.msisdn] = entry.line
            found.append(entry)
    if strict and sel.invalid:
        raise ValidationError(_invalid_message(sel.invalid, field_name, "\n" in text.strip()),
                              field_name)
    if not found and not sel.invalid and not allow_empty:
        raise ValidationError(_("{field}: the list is empty: give at least one number").format(
            field=field_name), field_name)
    ids = lookup(session.company_id, (e.msisdn for e in found))
    for entry in found:
        hit = ids.get(entry.msisdn)
        if hit is None:
            sel.not_found.append((entry.line, entry.text))
        else:
            sel.ids.append(hit[0])
            sel.msisdns.append(entry.msisdn)
    if strict and sel.not_found:
        raise ValidationError(unknown_message([t for _l, t in sel.not_found], field_name),
                              field_name)
    return sel


def ids(session, given, *, field_name: str = "numbers") -> dict[str, int]:
    """Strict: msisdn -> id of every number of ``given`` (all must be the company's)."""
    return numbers(session, given, strict=True, field_name=field_name).by_msisdn


def one(session, given: str, *, field_name: str = "msisdn") -> int:
    """The id of one number of the company (strict)."""
    sel = numbers(session, given, strict=True, field_name=field_name)
    if len(sel.ids) != 1:
        raise ValidationError(_("{field}: give one number, not {n}").format(
            field=field_name, n=len(sel.ids)), field_name)
    return sel.ids[0]


def unknown_message(texts: list[str], field_name: str = "numbers") -> str:
    """The one wording for numbers that are not the company's, whoever has them."""
    shown = ", ".join(_shown(t) for t in texts[:SHOWN])
    more = (" " + _("and {n} more").format(n=len(texts) - SHOWN)) if len(texts) > SHOWN else ""
    return ngettext("{field}: no number {shown} in this company",
                    "{field}: no numbers {shown}{more} in this company", len(texts)).format(
        field=field_name, shown=shown, more=more)


def _shown(text: str) -> str:
    from corptui.phones import normalize

    try:
        return format_msisdn(normalize(text))
    except ValidationError:
        return shorten(text)


def _invalid_message(invalid: list[tuple[int, str, str]], field_name: str,
                     lines: bool) -> str:
    line, _text, reason = invalid[0]
    more = (" " + _("(and {n} more bad entries)").format(n=len(invalid) - 1)
            if len(invalid) > 1 else "")
    if not lines:
        return _("{field}: {reason}{more}").format(field=field_name, reason=reason, more=more)
    return _("{field}: line {line}: {reason}{more}").format(
        field=field_name, line=line, reason=reason, more=more)


# -- personal accounts ------------------------------------------------------------------

_ACCOUNT_SEPARATORS = re.compile(r"[\s,;]+")


def account_entries(given) -> list[str]:
    """Account numbers of a list (separated by commas, semicolons, spaces or lines),
    digits folded to ASCII, in the given order without repeats."""
    text = fold_digits(as_text(given))
    return list(dict.fromkeys(p for p in _ACCOUNT_SEPARATORS.split(text) if p))


def accounts(session, given, *, field_name: str = "accounts") -> tuple[int, ...]:
    """Ids of the company's personal accounts of ``given`` (strict: an unknown one is a
    ValidationError, worded the same whoever has it)."""
    permissions.require(session, "read")
    wanted = account_entries(given)
    if not wanted:
        return ()
    bad = next((a for a in wanted if len(a) > 20), None)
    if bad is not None:
        raise ValidationError(_("{field}: no personal account {value} in this company").format(
            field=field_name, value=shorten(bad)), field_name)
    found = dict(PersonalAccount.select(PersonalAccount.number, PersonalAccount.id)
                 .where((PersonalAccount.company == session.company_id)
                        & in_values(PersonalAccount.number, wanted)).tuples())
    missing = [a for a in wanted if a not in found]
    if missing:
        raise ValidationError(_("{field}: no personal account {value} in this company").format(
            field=field_name, value=shorten(missing[0])), field_name)
    return tuple(found[a] for a in wanted)


def numbers_and_accounts(session, numbers_given, accounts_given, *,
                         numbers_field: str = "numbers", accounts_field: str = "accounts",
                         errors: dict[str, str] | None = None
                         ) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(subscriber ids, account ids) of a money or document scope, both strict. With
    ``errors`` (a form), each field's error goes there instead of being raised."""
    subs: tuple[int, ...] = ()
    accs: tuple[int, ...] = ()
    problems: dict[str, str] = {}
    if count(numbers_given):
        try:
            subs = tuple(numbers(session, numbers_given, field_name=numbers_field).ids)
        except ValidationError as exc:
            problems[numbers_field] = exc.message
    try:
        accs = accounts(session, accounts_given, field_name=accounts_field)
    except ValidationError as exc:
        problems[accounts_field] = exc.message
    if problems:
        if errors is None:
            first = next(iter(problems))
            raise ValidationError(problems[first], first, problems)
        errors.update(problems)
    return subs, accs
