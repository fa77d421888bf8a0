"""Payments feed: a bank statement (1CClientBankExchange, or a simple CSV) into payments.

The 1CClientBankExchange text format is what Russian banks export to accounting: a
header (``1CClientBankExchange``, ``Кодировка=Windows`` (cp1251) or ``DOS`` (cp866),
``РасчСчет=`` the statement's own account), then one section per document::

    СекцияДокумент=Платежное поручение
    Номер=117
    Дата=05.10.2026
    Сумма=15000.00
    ПлательщикИНН=7701234560
    Плательщик1=ООО «Северный ветер»
    ПлательщикСчет=40702810900000000001
    ДатаПоступило=06.10.2026
    НазначениеПлатежа=Оплата услуг связи по л/с 501000000001
    КонецДокумента

The CSV has a header naming its columns: ``number, date, amount, payer, payer_inn,
purpose`` and optionally ``account`` (or the Russian names: Номер, Дата, Сумма,
Плательщик, ИНН плательщика, Назначение платежа, Лицевой счет); comma, semicolon or
tab.

Each entry is matched to one of the company's personal accounts: by an account number
written in its purpose (or the CSV's account column), else by the payer's INN when it is
the company's own and the company has one account. Anything else (no account named,
several named, an INN that fits several accounts) stays unmatched, with its reason, for
the operator to assign (``unmatched``, ``assign``): it is never guessed.

An entry's key is the SHA-256 of its number, date, amount, payer's INN and account: an
entry already imported (matched or not) is skipped, so a statement imported twice adds
nothing. Entries the statement itself paid out (``ДатаСписано`` without
``ДатаПоступило``, or the payer's account being the statement's own) are not payments
and are skipped.

A file with any bad line (an unreadable line, a field that is not an amount or a date,
a document that never ends) imports nothing: every bad line is reported with its number.
``apply`` writes everything in one transaction with an audit entry naming the file and
its SHA-256."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from corptui import audit, permissions
from corptui.database import retrying
from corptui.errors import Conflict, NotFound, ValidationError, stop_if_cancelled
from corptui.i18n import N_, _
from corptui.importer import read_previewed, read_source, split_line
from corptui.periods import parse_amount
from corptui.usertext import problem
from storage import bulk
from storage.db import atomic
from storage.fields import UTC, to_kopecks, utcnow
from storage.models import Company, Payment, PersonalAccount, StatementEntry

Progress = Callable[[int, int], None] | None
CancelCheck = Callable[[], bool] | None

MAGIC = "1CClientBankExchange"
PAYMENT_TYPE = "bank_transfer"
MAX_ERRORS = 1000  # error lines kept for the report (the count is always exact)

# why an entry was not matched (stored codes; the labels are what users read)
NO_ACCOUNT = "no_account"
SEVERAL = "several"
INN_SEVERAL = "inn_several"
REASONS = {
    NO_ACCOUNT: N_("no account of the company in the purpose, and the payer's INN is not "
                   "the company's"),
    SEVERAL: N_("the purpose names several accounts of the company"),
    INN_SEVERAL: N_("the payer's INN is the company's, but the company has several accounts "
                    "and the purpose names none"),
}

# what happens to an entry
NEW = "new"  # a payment to a matched account
UNMATCHED = "unmatched"  # kept for the operator
ALREADY = "already"  # imported before
DUPLICATE = "duplicate"  # the same entry earlier in this file
OUTGOING = "outgoing"  # paid out by the statement's own account: not a payment

CSV_COLUMNS = {
    "number": ("number", "номер", "номер документа", "document no.", "document_no"),
    "date": ("date", "дата"),
    "amount": ("amount", "сумма"),
    "payer": ("payer", "плательщик"),
    "payer_inn": ("payer_inn", "payer inn", "инн плательщика", "плательщикинн", "инн"),
    "purpose": ("purpose", "назначение платежа", "назначение", "назначениеплатежа"),
    "account": ("account", "лицевой счет", "лицевой счёт", "л/с", "personal account"),
    "payer_account": ("payer_account", "payer account", "счет плательщика",
                      "счёт плательщика", "плательщиксчет"),
}
REQUIRED = ("number", "date", "amount")
PAYMENT_COLUMNS = ("company_id", "account_id", "paid_at", "amount", "type", "document_no",
                   "comment")
ENTRY_COLUMNS = ("company_id", "key", "document_no", "paid_on", "amount", "payer", "payer_inn",
                 "purpose", "reason", "file_name", "file_sha256", "line", "payment_id",
                 "created_at", "assigned_at")


@dataclass(slots=True)
class Entry:
    line: int  # the line the document (or CSV row) starts on
    document_no: str
    paid_on: dt.date
    amount: Decimal
    payer: str = ""
    payer_inn: str = ""
    payer_account: str = ""
    purpose: str = ""
    account_hint: str = ""  # the CSV's account column
    key: str = ""
    status: str = NEW
    account_id: int | None = None
    account_number: str = ""
    reason: str = ""  # UNMATCHED: one of REASONS

    @property
    def reason_text(self) -> str:
        return _(REASONS[self.reason]) if self.reason else ""


@dataclass(slots=True)
class LineError:
    line: int
    text: str
    error: str


@dataclass
class StatementPreview:
    file_name: str
    path: str | None
    digest: str
    encoding: str
    kind: str  # "1c" or "csv"
    entries: list[Entry] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    error_count: int = 0
    data: bytes | None = None

    def count(self, status: str) -> int:
        return sum(1 for e in self.entries if e.status == status)

    @property
    def matched(self) -> list[Entry]:
        return [e for e in self.entries if e.status == NEW]

    @property
    def unmatched(self) -> list[Entry]:
        return [e for e in self.entries if e.status == UNMATCHED]

    def totals(self) -> dict:
        return {"entries": len(self.entries), "matched": self.count(NEW),
                "unmatched": self.count(UNMATCHED), "already_imported": self.count(ALREADY),
                "duplicates": self.count(DUPLICATE), "outgoing": self.count(OUTGOING),
                "errors": self.error_count}

    def report(self, applied: bool = False) -> dict:
        return {
            "file": self.file_name, "sha256": self.digest, "format": self.kind,
            "applied": applied, **self.totals(),
            "matched_sum": str(sum((e.amount for e in self.matched), Decimal("0.00"))),
            "unmatched_entries": [_entry_json(e) for e in self.unmatched],
            "error_lines": [{"line": e.line, "text": e.text, "error": e.error}
                            for e in self.errors],
        }


def _entry_json(e: Entry) -> dict:
    return {"line": e.line, "number": e.document_no, "date": e.paid_on.isoformat(),
            "amount": str(e.amount), "payer": e.payer, "payer_inn": e.payer_inn,
            "reason": e.reason_text}


# -- reading ----------------------------------------------------------------------------

_LINE_BREAK = re.compile(rb"\r\n|\r|\n")


def _encoding_of(data: bytes) -> str:
    """UTF-8 when the bytes are UTF-8 (BOM or not); else the 1C header's ``Кодировка``
    (DOS: cp866; Windows or none: cp1251)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    head = data[:4096]
    if "Кодировка=DOS".encode("cp1251") in head or "Кодировка=DOS".encode("cp866") in head:
        return "cp866"
    return "cp1251"


_TEXT_BREAK = re.compile(r"\r\n|\r|\n")


def _lines(data: bytes, encoding: str):
    """(line number, text or None when the line does not decode) of every line."""
    if encoding == "utf-8-sig":
        data, encoding = data[3:], "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        pass
    else:
        parts = _TEXT_BREAK.split(text)
        if parts and parts[-1] == "":
            parts.pop()
        yield from enumerate(parts, 1)
        return
    parts = _LINE_BREAK.split(data)
    if parts and parts[-1] == b"":
        parts.pop()
    for lineno, raw in enumerate(parts, 1):
        try:
            yield lineno, raw.decode(encoding)
        except UnicodeDecodeError:
            yield lineno, None


def _shown(text: str) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= 200 else text[:199] + "…"


_NOT_DECODED = N_("the line is not text in {encoding} (a broken or mixed encoding)")
_DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y")
_RU_DATE = re.compile(r"(\d\d)\.(\d\d)\.(\d{4})")


def _date(text: str, label: str) -> dt.date:
    raw = text.strip()
    m = _RU_DATE.fullmatch(raw)
    if m:  # the statement's own form, without strptime (a third of the parse)
        try:
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        except ValueError:
            pass
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValidationError(_("{field}: not a date: {value!r} (use DD.MM.YYYY)").format(
        field=label, value=_shown(raw)[:30]), label)


def _amount(text: str, label: str) -> Decimal:
    value = parse_amount(text, label)
    if value is None:
        raise ValidationError(_("{field} is empty").format(field=label), label)
    if value == 0:
        raise ValidationError(_("{field}: the amount is zero").format(field=label), label)
    return value


def _text(value: str, label: str, max_len: int) -> str:
    """A field of the file as stored: one line, trimmed; characters that are not text
    (controls, direction marks...) are an error of the line."""
    text = " ".join(value.split())
    if _PLAIN.fullmatch(text):  # the usual letters and signs: nothing to refuse
        return text[:max_len]
    why = problem(text)
    if why:
        raise ValidationError(_("{label}: {problem}").format(label=label, problem=why), label)
    return text[:max_len]


_PLAIN = re.compile(r"[ -~\u0400-\u045f«»№—–]*")
_INN = re.compile(r"\d{10}|\d{12}")


def _inn(value: str, label: str) -> str:
    text = value.strip()
    if text in ("", "0"):
        return ""
    if not _INN.fullmatch(text):
        raise ValidationError(_("{field}: an INN is 10 or 12 digits, not {value!r}").format(
            field=label, value=_shown(text)[:30]), label)
    return text


def _key(e: Entry) -> str:
    identity = "|".join((e.document_no, e.paid_on.isoformat(), str(to_kopecks(e.amount)),
                         e.payer_inn, e.payer_account))
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


class _Collector:
    def __init__(self):
        self.errors: list[LineError] = []
        self.count = 0

    def add(self, line: int, text: str | None, error: str) -> None:
        self.count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(LineError(line, _shown(text or ""), error))


_PAYER_PREFIX = re.compile(r"^ИНН\s*\d+\s*", re.IGNORECASE)


def _one_c(lines, encoding: str, errs: _Collector, own_account: list[str]):
    """Entries of a 1CClientBankExchange text (a generator: constant memory)."""
    doc: dict[str, tuple[int, str]] | None = None
    start = 0
    start_text = ""
    section = None  # "doc", "account" (СекцияРасчСчет), None
    ended = False
    last = 0
    for lineno, text in lines:
        last = lineno
        if text is None:
            errs.add(lineno, "", _(_NOT_DECODED).format(encoding=encoding))
            continue
        line = text.strip().lstrip("\ufeff")
        if not line:
            continue
        if lineno == 1 or (start == 0 and line == MAGIC):
            continue
        if line.startswith("СекцияДокумент"):
            if section == "doc":
                errs.add(start, start_text, _("the document does not end (no КонецДокумента "
                                              "before line {line})").format(line=lineno))
            section, doc, start, start_text = "doc", {}, lineno, line
            continue
        if line == "КонецДокумента":
            if section != "doc":
                errs.add(lineno, line, _("КонецДокумента without a СекцияДокумент"))
                continue
            entry = _document(doc or {}, start, start_text, errs, own_account)
            section, doc = None, None
            if entry is not None:
                yield entry
            continue
        if line == "СекцияРасчСчет":
            section = "account"
            continue
        if line == "КонецРасчСчет":
            section = None
            continue
        if line == "КонецФайла":
            ended = True
            break
        name, sep, value = line.partition("=")
        if not sep:
            errs.add(lineno, text, _("not a field line (expected Name=Value)"))
            continue
        name = name.strip()
        if section == "doc":
            doc[name] = (lineno, value)
        elif section is None and name == "РасчСчет" and value.strip():
            own_account.append(value.strip())
    if section == "doc":
        errs.add(start, start_text, _("the document does not end (no КонецДокумента before "
                                      "the end of the file)"))
    elif not ended:
        errs.add(last, "", _("the statement does not end (no КонецФайла): the file is cut "
                             "short, nothing was imported"))


def _document(doc: dict, start: int, start_text: str, errs: _Collector,
              own_account: list[str]) -> Entry | None:
    def get(*names) -> tuple[int, str, str]:
        """(line, value, name) of the first of ``names`` the document fills."""
        for n in names:
            if n in doc and doc[n][1].strip():
                return doc[n][0], doc[n][1], n
        return start, "", names[0]

    missing = [n for n in ("Номер", "Дата", "Сумма") if not get(n)[1].strip()]
    if missing:
        errs.add(start, start_text, _("the document has no {field}").format(
            field=", ".join(missing)))
        return None
    received = get("ДатаПоступило")
    steps = (
        ("number", ("Номер",), lambda v, n: _text(v, n, 40)),
        ("paid_on", ("ДатаПоступило", "Дата"), _date),
        ("amount", ("Сумма",), _amount),
        ("payer_inn", ("ПлательщикИНН",), _inn),
        ("payer", ("Плательщик1", "Плательщик"),
         lambda v, n: _text(_PAYER_PREFIX.sub("", v.strip()), n, 200)),
        ("payer_account", ("ПлательщикСчет", "ПлательщикРасчСчет"), lambda v, n: _text(v, n, 40)),
        ("purpose", ("НазначениеПлатежа",), lambda v, n: _text(v, n, 500)),
    )
    values = {}
    ok = True
    for key, names, parse in steps:
        lineno, value, name = get(*names)
        try:
            values[key] = parse(value, name)
        except ValidationError as exc:
            errs.add(lineno, f"{name}={value}", exc.message)
            ok = False
    if not ok:
        return None
    entry = Entry(start, values["number"], values["paid_on"], values["amount"],
                  values["payer"], values["payer_inn"], values["payer_account"],
                  values["purpose"])
    spent = get("ДатаСписано")[1].strip()
    if (spent and not received[1].strip()) or (entry.payer_account
                                               and entry.payer_account in own_account):
        entry.status = OUTGOING
    return entry


def _csv_header(fields: list[str]) -> dict[str, int] | str:
    names = {}
    unknown = []
    for i, f in enumerate(fields):
        folded = " ".join(f.strip().lstrip("\ufeff").split()).casefold()
        for key, aliases in CSV_COLUMNS.items():
            if folded in aliases:
                names.setdefault(key, i)
                break
        else:
            if folded:
                unknown.append(f.strip())
    missing = [k for k in REQUIRED if k not in names]
    if missing:
        return _("the header line must name the columns number, date and amount (missing: "
                 "{missing}); also payer, payer_inn, purpose, account").format(
            missing=", ".join(missing))
    return names


def _sniff(line: str) -> str:
    return max(("\t", ";", ","), key=line.count)


def _csv(lines, encoding: str, errs: _Collector):
    header = None
    delim = ","
    for lineno, text in lines:
        if text is None:
            errs.add(lineno, "", _(_NOT_DECODED).format(encoding=encoding))
            continue
        if not text.strip():
            continue
        if header is None:
            delim = _sniff(text)
            row = split_line(text.lstrip("\ufeff"), delim)
            found = row if isinstance(row, str) else _csv_header(row)
            if isinstance(found, str):
                errs.add(lineno, text, found)
                return
            header = found
            continue
        row = split_line(text, delim)
        if isinstance(row, str):
            errs.add(lineno, text, row)
            continue

        def col(key, row=row):
            i = header.get(key)
            return row[i] if i is not None and i < len(row) else ""

        try:
            if not col("number").strip():
                raise ValidationError(_("{field} is empty").format(field="number"), "number")
            number = _text(col("number"), "number", 40)
            paid_on = _date(col("date"), "date")
            amount = _amount(col("amount"), "amount")
            payer = _text(col("payer"), "payer", 200)
            payer_inn = _inn(col("payer_inn"), "payer_inn")
            purpose = _text(col("purpose"), "purpose", 500)
            hint = _text(col("account"), "account", 20)
            payer_account = _text(col("payer_account"), "payer_account", 40)
        except ValidationError as exc:
            errs.add(lineno, text, exc.message)
            continue
        yield Entry(lineno, number, paid_on, amount, payer, payer_inn, payer_account,
                    purpose, hint)
    if header is None:
        errs.add(1, "", _("the file is empty: a header line and one line per payment "
                          "are expected"))


# -- matching ---------------------------------------------------------------------------

_ACCOUNT_TOKEN = re.compile(r"\d{3,20}")


class _Matcher:
    def __init__(self, company_id: int):
        self.company = Company.get_by_id(company_id)
        self.accounts = dict(PersonalAccount.select(PersonalAccount.number, PersonalAccount.id)
                             .where(PersonalAccount.company == company_id).tuples())

    def match(self, e: Entry) -> None:
        tokens = set(_ACCOUNT_TOKEN.findall(e.purpose))
        if e.account_hint:
            tokens.add(e.account_hint.strip())
        hits = {t for t in tokens if t in self.accounts}
        if len(hits) == 1:
            (e.account_number,) = hits
            e.account_id = self.accounts[e.account_number]
            return
        if len(hits) > 1:
            e.status, e.reason = UNMATCHED, SEVERAL
        elif e.payer_inn and e.payer_inn == self.company.inn:
            if len(self.accounts) == 1:
                ((e.account_number, e.account_id),) = self.accounts.items()
                return
            e.status, e.reason = UNMATCHED, INN_SEVERAL
        else:
            e.status, e.reason = UNMATCHED, NO_ACCOUNT


def _resolve(company_id: int, entries: list[Entry]) -> None:
    matcher = _Matcher(company_id)
    seen: set[str] = set()
    live = []
    for e in entries:
        e.key = e.key or _key(e)
        if e.status != OUTGOING:  # resolved again (apply: inside its transaction)
            e.status, e.reason, e.account_id, e.account_number = NEW, "", None, ""
        if e.status == OUTGOING:
            continue
        if e.key in seen:
            e.status = DUPLICATE
            continue
        seen.add(e.key)
        live.append(e)
    known: set[str] = set()
    keys = [e.key for e in live]
    for i in range(0, len(keys), 500):
        known.update(k for (k,) in StatementEntry.select(StatementEntry.key)
                     .where((StatementEntry.company == company_id)
                            & StatementEntry.key.in_(keys[i:i + 500])).tuples())
    for e in live:
        if e.key in known:
            e.status = ALREADY
        else:
            matcher.match(e)


def _build(session, data: bytes, name: str, path: str | None, progress: Progress = None,
           cancelled: CancelCheck = None) -> StatementPreview:
    from corptui import import_sheets

    digest = hashlib.sha256(data).hexdigest()
    if b"\x00" in data[:65536] or import_sheets.is_xlsx(data) or data.startswith(
            import_sheets.OLE_MAGIC):
        raise ValidationError(_("{name} is not a text file: a bank statement is a "
                                "1CClientBankExchange text or a CSV").format(name=name), "file")
    encoding = _encoding_of(data)
    errs = _Collector()
    first = data.lstrip(b"\xef\xbb\xbf")[:len(MAGIC) + 2].strip()
    kind = "1c" if first.startswith(MAGIC.encode()) else "csv"
    lines = _lines(data, encoding)
    total = data.count(b"\n") + 1
    entries: list[Entry] = []
    source = _one_c(lines, encoding, errs, []) if kind == "1c" else _csv(lines, encoding, errs)
    for i, entry in enumerate(source):
        entries.append(entry)
        if i % 1000 == 999:
            stop_if_cancelled(cancelled)
            if progress:
                progress(min(entry.line, total), total)
    _resolve(session.company_id, entries)
    if progress:
        progress(total, total)
    return StatementPreview(name, path, digest, encoding, kind, entries, errs.errors, errs.count)


def preview(session, source, progress: Progress = None,
            cancelled: CancelCheck = None) -> StatementPreview:
    """Read and match a statement (a path or bytes); changes nothing."""
    permissions.require(session, "import.payments")
    data, name, path = read_source(source)
    prev = _build(session, data, name, path, progress, cancelled)
    if path is None:
        prev.data = data
    return prev


def _noon(day: dt.date) -> dt.datetime:
    """A statement's day as a payment time: noon UTC is the same calendar day in every
    zone from UTC-11 to UTC+11 (the payments list filters by local days)."""
    return dt.datetime.combine(day, dt.time(12), tzinfo=UTC)


@retrying
def apply(session, source, progress: Progress = None,
          cancelled: CancelCheck = None) -> StatementPreview:
    """Import ``source`` (a StatementPreview, a path or bytes) in one transaction: the
    matched entries become payments (the accounts' balances grow by them), the unmatched
    ones are kept; a file with errors imports nothing (ValidationError naming the first
    bad line). Returns the preview of what was imported."""
    permissions.require(session, "import.payments")
    if isinstance(source, StatementPreview):
        data, name, path = read_previewed(source)
    else:
        data, name, path = read_source(source)
    with atomic():
        if isinstance(source, StatementPreview):  # the same bytes: its parse, matched again
            prev = source
            _resolve(session.company_id, prev.entries)
        else:
            prev = _build(session, data, name, path, cancelled=cancelled)
        if prev.error_count:
            first = prev.errors[0]
            raise ValidationError(
                _("{count} line(s) of {name} have errors (line {line}: {message}); nothing "
                  "was imported").format(count=prev.error_count, name=name, line=first.line,
                                         message=first.error), "file")
        now = utcnow()
        operation = audit.new_operation()
        todo = [e for e in prev.entries if e.status in (NEW, UNMATCHED)]
        balances: dict[int, Decimal] = {}
        audit_rows = []
        stamp = bulk.time_value(now)
        for i in range(0, len(todo), 1000):
            stop_if_cancelled(cancelled)
            chunk = todo[i:i + 1000]
            matched = [e for e in chunk if e.status == NEW]
            ids = bulk.insert_rows("payment", PAYMENT_COLUMNS, [
                (session.company_id, e.account_id, bulk.time_value(_noon(e.paid_on)),
                 to_kopecks(e.amount), PAYMENT_TYPE, e.document_no,
                 (e.purpose or e.payer)[:200]) for e in matched], returning=True)
            payment_of = {}
            for e, pid in zip(matched, ids, strict=True):
                payment_of[e.key] = pid
                balances[e.account_id] = balances.get(e.account_id, Decimal(0)) + e.amount
                audit_rows.append((pid, None, {
                    "account": e.account_number, "amount": e.amount, "date": e.paid_on,
                    "document_no": e.document_no, "file": name, "line": e.line}))
            bulk.insert_rows("statement_entry", ENTRY_COLUMNS, [
                (session.company_id, e.key, e.document_no, e.paid_on.isoformat(),
                 to_kopecks(e.amount), e.payer, e.payer_inn, e.purpose, e.reason,
                 name[:255], prev.digest, e.line, payment_of.get(e.key), stamp,
                 stamp if e.key in payment_of else None) for e in chunk])
            if progress:
                progress(i + len(chunk), len(todo))
        for account_id, amount in balances.items():
            PersonalAccount.update(balance=PersonalAccount.balance + amount).where(
                (PersonalAccount.id == account_id)
                & (PersonalAccount.company == session.company_id)).execute()
        audit.record_many(session, "payments.import", "payment", audit_rows, operation)
        audit.record(session, "import.payments", "import", name[:40], None,
                     {"file": name, "sha256": prev.digest, "format": prev.kind,
                      **prev.totals()}, operation=operation)
        stop_if_cancelled(cancelled)
    return prev


# -- the unmatched entries --------------------------------------------------------------

def unmatched(session, limit: int | None = None) -> list[dict]:
    """The company's statement entries waiting for an account, oldest first."""
    permissions.require(session, "read")
    q = (StatementEntry.select(StatementEntry.id, StatementEntry.document_no,
                               StatementEntry.paid_on, StatementEntry.amount,
                               StatementEntry.payer, StatementEntry.payer_inn,
                               StatementEntry.purpose, StatementEntry.reason,
                               StatementEntry.file_name, StatementEntry.line)
         .where((StatementEntry.company == session.company_id)
                & StatementEntry.payment.is_null())
         .order_by(StatementEntry.paid_on, StatementEntry.id))
    if limit is not None:
        q = q.limit(limit)
    out = []
    for (eid, number, day, amount, payer, inn, purpose, reason, file_name,
         line) in q.tuples():
        out.append({"id": eid, "number": number, "date": day, "amount": amount,
                    "payer": payer, "payer_inn": inn, "purpose": purpose,
                    "reason": _(REASONS[reason]) if reason in REASONS else "",
                    "file": file_name, "line": line})
    return out


@retrying
def assign(session, entry_id: int, account_number: str) -> dict:
    """Make a payment of an unmatched entry on the company's account ``account_number``
    (the operator's decision). Returns {"payment": id, "account": number, "amount"}."""
    permissions.require(session, "payments.assign")
    text = str(account_number or "").strip()
    with atomic():
        entry = StatementEntry.get_or_none((StatementEntry.id == entry_id)
                                           & (StatementEntry.company == session.company_id))
        if entry is None:
            raise NotFound(_("no unmatched payment {id} in this company").format(id=entry_id))
        if entry.payment_id is not None:
            raise Conflict(_("payment {id} of the statement is already on an account").format(
                id=entry_id))
        account = PersonalAccount.get_or_none((PersonalAccount.number == text)
                                              & (PersonalAccount.company == session.company_id))
        if account is None:
            raise NotFound(_("no personal account {number} in this company").format(
                number=_shown(text)[:30]))
        payment_id = Payment.insert(
            company=session.company_id, account=account.id, paid_at=_noon(entry.paid_on),
            amount=entry.amount, type=PAYMENT_TYPE, document_no=entry.document_no,
            comment=(entry.purpose or entry.payer)[:200]).execute()
        updated = (StatementEntry.update(payment=payment_id, assigned_at=utcnow())
                   .where((StatementEntry.id == entry.id) & StatementEntry.payment.is_null())
                   .execute())
        if not updated:  # pragma: no cover - another session assigned it first
            raise Conflict(_("payment {id} of the statement is already on an account").format(
                id=entry_id))
        PersonalAccount.update(balance=PersonalAccount.balance + entry.amount).where(
            PersonalAccount.id == account.id).execute()
        audit.record(session, "payments.assign", "payment", payment_id,
                     {"statement_entry": entry.id, "reason": entry.reason},
                     {"account": account.number, "amount": entry.amount,
                      "document_no": entry.document_no, "file": entry.file_name,
                      "line": entry.line})
    return {"payment": payment_id, "account": account.number, "amount": entry.amount}
