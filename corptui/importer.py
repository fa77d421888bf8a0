"""Employee import: a text file of "phone, full name[, position]" lines, or an XLSX
workbook with those columns (``corptui.import_sheets``: the first sheet or a named one,
row N read as line N).

Real-world files are accepted: UTF-8 with or without BOM, UTF-16 with BOM, Windows-1251
(or KOI8-R / CP866, told apart by how Cyrillic names are capitalised; charset-normalizer
for anything else); comma, semicolon or tab separators (sniffed per file); quoted fields;
blank lines; CRLF; numbers in any usual form; extra spaces; a header line. Binary files
and files over 50 MB are refused with a clear message.

``preview`` changes nothing and gives a result per line; ``apply`` re-reads the file,
checks it is the one previewed, and writes every update in one transaction (bulk
UPDATE through the cursor) with one audit summary plus one entry per changed number,
all under one operation id. With errors and no ``skip_errors`` nothing is applied.

Both take ``progress(done, total)`` (preview: lines read of the file's lines; apply:
numbers updated of those to update) and ``cancelled()``, asked between chunks: a
cancelled preview raises ``Cancelled``; a cancelled apply raises it inside its
transaction, so everything written so far is rolled back and nothing is changed."""

from __future__ import annotations

import csv
import hashlib
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from corptui import audit, permissions
from corptui.database import retrying
from corptui.employees import clean_full_name, clean_position
from corptui.errors import Conflict, ValidationError, stop_if_cancelled
from corptui.i18n import N_, _
from corptui.phones import normalize
from storage import bulk
from storage.db import atomic
from storage.fields import utcnow
from storage.models import Subscriber
from storage.search import search_key

MAX_BYTES = 50 * 1024 * 1024
NAME_MAX = 200
POSITION_MAX = 200

UPDATE = "update"
UNCHANGED = "unchanged"
UNKNOWN_NUMBER = "unknown_number"
INVALID_NUMBER = "invalid_number"
DUPLICATE = "duplicate"
INVALID_NAME = "invalid_name"
INVALID_LINE = "invalid_line"
STATUSES = (UPDATE, UNCHANGED, UNKNOWN_NUMBER, INVALID_NUMBER, DUPLICATE, INVALID_NAME,
            INVALID_LINE)
# the same words for a number nobody has and a number of another company
UNKNOWN_MESSAGE = N_("no such number in this company")
OK_STATUSES = frozenset({UPDATE, UNCHANGED})
STATUS_LABELS = {
    UPDATE: N_("update name"),
    UNCHANGED: N_("unchanged"),
    UNKNOWN_NUMBER: N_("unknown number"),
    INVALID_NUMBER: N_("invalid number"),
    DUPLICATE: N_("duplicate in file"),
    INVALID_NAME: N_("invalid name"),
    INVALID_LINE: N_("unreadable line"),
}

Progress = Callable[[int, int], None] | None
CancelCheck = Callable[[], bool] | None
PROGRESS_EVERY = 2000  # lines between two progress reports / cancel checks of the parse


@dataclass(slots=True)
class ImportLine:
    line: int  # 1-based line number in the file
    text: str  # the line as read (for the report)
    status: str
    message: str = ""  # the error of an error line ("" otherwise; see description)
    msisdn: str = ""
    full_name: str = ""
    position: str | None = None  # None: the file has no position for this line
    subscriber_id: int | None = None
    old_full_name: str = ""
    old_position: str = ""

    @property
    def ok(self) -> bool:
        return self.status in OK_STATUSES

    @property
    def description(self) -> str:
        """What happens to the line, for the preview: the error, or the change."""
        if self.message or self.status != UPDATE:
            return self.message or _(STATUS_LABELS[self.status])
        parts = []
        if self.full_name != self.old_full_name:
            parts.append(_("name: {old} -> {new}").format(old=self.old_full_name or _("(none)"),
                                                          new=self.full_name))
        if self.position is not None and self.position != self.old_position:
            parts.append(_("position: {old} -> {new}").format(old=self.old_position or _("(none)"),
                                                              new=self.position or _("(none)")))
        return "; ".join(parts)


@dataclass
class ImportPreview:
    file_name: str
    path: str | None
    digest: str
    encoding: str
    delimiter: str
    lines: list[ImportLine]
    totals: dict[str, int] = field(default_factory=dict)
    header_skipped: bool = False
    data: bytes | None = None  # kept only when the input was bytes (no file to re-read)
    sheet: str | None = None  # XLSX: the sheet asked for (None: the first)

    @property
    def total(self) -> int:
        return sum(self.totals.values())

    @property
    def updated(self) -> int:
        return self.totals.get(UPDATE, 0)

    @property
    def unchanged(self) -> int:
        return self.totals.get(UNCHANGED, 0)

    @property
    def errors(self) -> list[ImportLine]:
        return [ln for ln in self.lines if not ln.ok]

    @property
    def error_count(self) -> int:
        return self.total - self.updated - self.unchanged

    def release(self) -> None:
        """Drop the per-line results (a 100k-line preview holds ~100 MB) but keep what
        ``apply`` needs to check the file: path, digest, totals, and the error lines."""
        self.lines = self.errors

    def report(self) -> dict:
        """The CLI's JSON report."""
        return {
            "total": self.total,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [{"line": ln.line, "text": ln.text, "error": ln.message}
                       for ln in self.errors],
        }


@dataclass
class ImportResult:
    file_name: str
    total: int
    updated: int
    unchanged: int
    errors: list[ImportLine]
    skipped: int
    operation: str
    applied: bool = True

    def report(self) -> dict:
        return {
            "total": self.total,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [{"line": ln.line, "text": ln.text, "error": ln.message}
                       for ln in self.errors],
        }


# -- reading and decoding ---------------------------------------------------------------

def _size_error(size: int, name: str) -> ValidationError:
    return ValidationError(
        _("{name} is too big ({v2:.1f} MB): the limit is 50 MB").format(name=name, v2=size / 1024 / 1024), "file"
    )


def read_previewed(preview) -> tuple[bytes, str, str | None]:
    """(data, name, path) of what a preview read (its path read again, or its bytes),
    refused when the file changed since: the apply works on what the user saw."""
    if preview.path is not None:
        data, name, path = read_source(preview.path)
    else:
        data, name, path = preview.data or b"", preview.file_name, None
    if hashlib.sha256(data).hexdigest() != preview.digest:
        raise Conflict(_("{name} changed since the preview: preview it again").format(name=name))
    return data, name, path


def read_source(source) -> tuple[bytes, str, str | None]:
    """(data, display name, path or None) of a path or of bytes."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        if len(data) > MAX_BYTES:
            raise _size_error(len(data), "the file")
        return data, "<data>", None
    path = os.fspath(source)
    name = os.path.basename(path) or path
    try:
        size = os.path.getsize(path)
        if os.path.isdir(path):
            raise ValidationError(_("{path} is a folder, not a file").format(path=path), "file")
        if size > MAX_BYTES:
            raise _size_error(size, name)
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ValidationError(_("no such file: {path} (was it moved or deleted?)").format(path=path), "file") from None
    except PermissionError:
        raise ValidationError(_("cannot read {path}: permission denied").format(path=path), "file") from None
    except IsADirectoryError:
        raise ValidationError(_("{path} is a folder, not a file").format(path=path), "file") from None
    except OSError as exc:
        raise ValidationError(_("cannot read {path}: {v3}").format(path=path, v3=exc.strerror or exc), "file") from None
    if len(data) > MAX_BYTES:
        raise _size_error(len(data), name)
    return data, name, path


_CYR_WORD = re.compile(r"[А-ЯЁа-яё]+")
_GOOD_WORD = re.compile(r"[А-ЯЁ]?[а-яё]+")
_PLAIN_NON_ASCII = re.compile(r"[А-Яа-яЁё«»—–№\u00a0’“”„…]")
_BINARY_CONTROLS = set(range(0, 9)) | {11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
                                       26, 27, 28, 29, 30, 31, 127}


def _cyrillic_score(text: str) -> int:
    """How many Cyrillic words look like words (capitalised or lower case): text decoded
    with the right single-byte code page scores high, a wrong one scores low."""
    good = bad = 0
    for word in _CYR_WORD.findall(text):
        if _GOOD_WORD.fullmatch(word) or word.isupper():
            good += 1
        else:
            bad += 1
    # characters no name file holds (box drawing, pseudographics, rare symbols) are what
    # a wrong code page produces: each one counts against it
    weird = sum(1 for ch in text if ord(ch) > 127 and not _PLAIN_NON_ASCII.match(ch))
    return good - bad - 2 * weird


def _refuse_binary(name: str) -> ValidationError:
    return ValidationError(
        _("{name} is not a text file (binary data): save it as CSV or plain text").format(name=name), "file"
    )


def decode(data: bytes, name: str = "the file") -> tuple[str, str]:
    """(text, encoding name) or ValidationError for binary data."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            raise _refuse_binary(name) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise _refuse_binary(name) from None
    if b"\x00" in data:
        raise _refuse_binary(name)
    sample = data[:65536]
    controls = sum(1 for b in sample if b in _BINARY_CONTROLS)
    if controls > max(8, len(sample) // 100):
        raise _refuse_binary(name)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Single-byte Cyrillic: pick the code page under which the names read as words.
    best = None
    for enc in ("cp1251", "koi8_r", "cp866"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = _cyrillic_score(text[:200000])
        if best is None or score > best[0]:
            best = (score, enc, text)
    if best is not None and best[0] > 0:
        return best[2], best[1]
    from charset_normalizer import from_bytes

    guess = from_bytes(data[:1_000_000]).best()
    if guess is None or not guess.encoding:
        raise ValidationError(
            _("cannot tell the encoding of {name}: save it as UTF-8 or Windows-1251").format(name=name), "file"
        )
    try:
        return data.decode(guess.encoding), guess.encoding
    except (UnicodeDecodeError, LookupError):
        raise ValidationError(
            _("cannot tell the encoding of {name}: save it as UTF-8 or Windows-1251").format(name=name), "file"
        ) from None


# -- parsing ----------------------------------------------------------------------------

DELIMITERS = ("\t", ";", ",")
_DIGITS = re.compile(r"\d")


def _looks_like_phone(text: str) -> bool:
    return len(_DIGITS.findall(text)) >= 10


def sniff_delimiter(text: str) -> str:
    """The separator under which most of the first lines split into a phone and a name."""
    sample_lines = [ln for ln in text[:65536].splitlines() if ln.strip()][:200]
    if not sample_lines:
        return ","
    best, best_score = ",", -1
    for delim in DELIMITERS:
        score = 0
        for line in sample_lines:
            row = _split_line(line, delim)
            if isinstance(row, str):
                continue
            fields = [f.lstrip() for f in row]
            while fields and not fields[-1].strip():
                fields.pop()
            if 2 <= len(fields) <= 3 and _looks_like_phone(fields[0]):
                score += 4
            elif 2 <= len(fields) <= 3:
                score += 2
            elif len(fields) > 3:
                score += 1
        if score > best_score:
            best, best_score = delim, score
    return best


_HEADER_WORDS = ("phone", "msisdn", "number", "телефон", "номер", "абонент", "тел")


def _is_header(fields: list[str]) -> bool:
    first = fields[0].strip().casefold() if fields else ""
    return bool(first) and not _DIGITS.search(first) and any(w in first for w in _HEADER_WORDS)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # only these end a line (not U+0085, U+2028...)
MAX_FIELD = 131_072  # characters in one field (the csv module's own limit)


def _split_line(line: str, delimiter: str) -> list[str] | str:
    """The fields of one line, or the line's error: a quote that does not close on its
    line, a quote in the wrong place, a field over MAX_FIELD characters."""
    if len(line) > MAX_FIELD:
        return _("a field is longer than {n} characters").format(n=f"{MAX_FIELD:,}")
    try:
        return next(csv.reader((line,), delimiter=delimiter, strict=True), [])
    except csv.Error as exc:
        text = str(exc)
        if "end of data" in text:
            return _("a quote opens a field and does not close on this line")
        if "field limit" in text:
            return _("a field is longer than {n} characters").format(n=f"{MAX_FIELD:,}")
        return _("a quote in the wrong place (a quoted field is followed by more text)")


split_line = _split_line  # the other feeds read their lines by the same rule


def parse(text: str, delimiter: str):
    """Yield (line number, raw text, fields or an error text) for each non-blank line;
    a header line ("phone; full name; position") is yielded with fields None. Each line
    is read on its own: a quote never joins lines."""
    first = True
    for lineno, line in enumerate(_LINE_BREAK.split(text), 1):
        if not line.strip():
            continue
        row = _split_line(line, delimiter)
        if isinstance(row, list) and not any(f.strip() for f in row):
            continue
        if first and isinstance(row, list) and _is_header(row):
            yield lineno, line, None
        else:
            yield lineno, line, row
        first = False


# -- preview ----------------------------------------------------------------------------

LOOKUP_CHUNK = 10000


def _resolve(items: list[ImportLine], company: int, cancelled: CancelCheck = None) -> None:
    """Look the numbers up among the company's (a chunk at a time) and set each line's
    final status. A number of another company reads exactly like an unknown one."""
    from corptui import scope

    for i in range(0, len(items), LOOKUP_CHUNK):
        stop_if_cancelled(cancelled)
        chunk = items[i:i + LOOKUP_CHUNK]
        found = scope.lookup(company, (it.msisdn for it in chunk),
                             Subscriber.full_name, Subscriber.position)
        for item in chunk:
            hit = found.get(item.msisdn)
            if hit is None:
                item.status, item.message = UNKNOWN_NUMBER, _(UNKNOWN_MESSAGE)
                continue
            sid, old_name, old_pos = hit
            item.subscriber_id = sid
            new_pos = old_pos if item.position is None else item.position
            if item.full_name == old_name and new_pos == old_pos:
                item.status = UNCHANGED
            else:
                item.old_full_name, item.old_position = old_name, old_pos


def _build(session, data: bytes, name: str, path: str | None, progress: Progress = None,
           cancelled: CancelCheck = None, sheet: str | None = None) -> ImportPreview:
    from corptui import import_sheets

    digest = hashlib.sha256(data).hexdigest()
    import_sheets.refuse_ole(data, name)
    workbook = import_sheets.is_xlsx(data)
    if workbook:
        text, encoding = import_sheets.sheet_text(data, name, sheet)
    else:
        text, encoding = decode(data, name)
    del data
    if text.startswith("\ufeff"):
        text = text[1:]
    delimiter = "," if workbook else sniff_delimiter(text)
    physical = text.count("\n") + (0 if text.endswith("\n") else 1)
    if progress:
        progress(0, physical)
    next_report = PROGRESS_EVERY
    lines: list[ImportLine] = []
    header = False
    pending: list[ImportLine] = []
    first_seen: dict[str, int] = {}
    for lineno, raw, row in parse(text, delimiter):
        if lineno >= next_report:
            next_report = lineno + PROGRESS_EVERY
            stop_if_cancelled(cancelled)
            if progress:
                progress(min(lineno, physical), physical)
        if row is None:
            header = True
            continue
        raw = raw if len(raw) <= 500 else raw[:499] + "…"
        if isinstance(row, str):  # the line could not be read (quotes, size)
            lines.append(ImportLine(lineno, raw, INVALID_LINE, row))
            continue
        fields = [f.strip(" \t") for f in row]
        while fields and not fields[-1]:
            fields.pop()
        item = ImportLine(lineno, raw, UPDATE)
        lines.append(item)
        if len(fields) > 3:
            item.status, item.message = INVALID_NAME, (
                f"too many columns ({len(fields)}): expected phone, full name[, position]")
            continue
        try:
            msisdn = normalize(fields[0])
        except ValidationError as exc:
            item.status, item.message = INVALID_NUMBER, exc.message
            continue
        item.msisdn = msisdn
        try:  # the rule of corptui.usertext, on the fields as read
            full_name = clean_full_name(fields[1] if len(fields) > 1 else "")
            # a third column sets the position; without one (or empty) it is kept
            position = clean_position(fields[2]) if len(fields) > 2 else None
        except ValidationError as exc:
            item.status, item.message = INVALID_NAME, exc.message
            continue
        item.full_name, item.position = full_name, position
        earlier = first_seen.get(msisdn)
        if earlier is not None:
            item.status, item.message = DUPLICATE, f"the number is also on line {earlier}"
            continue
        first_seen[msisdn] = lineno
        pending.append(item)
    del text, first_seen
    _resolve(pending, session.company_id, cancelled)
    totals = Counter(it.status for it in lines)
    if progress:
        progress(physical, physical)
    return ImportPreview(
        file_name=name, path=path, digest=digest, encoding=encoding,
        delimiter=delimiter, lines=lines, totals={s: totals.get(s, 0) for s in STATUSES},
        header_skipped=header, sheet=sheet,
    )


def preview(session, source, progress: Progress = None,
            cancelled: CancelCheck = None, sheet: str | None = None) -> ImportPreview:
    """Read and check the file (a path or bytes; text, or an XLSX workbook: its first
    sheet or ``sheet``) against the company's numbers; changes nothing.
    ``progress(lines read, lines in the file)``; ``cancelled()`` -> Cancelled."""
    permissions.require(session, "import.employees")
    data, name, path = read_source(source)
    prev = _build(session, data, name, path, progress, cancelled, sheet)
    if path is None:
        prev.data = data
    return prev


# -- apply ------------------------------------------------------------------------------

CHUNK = 5000


@retrying
def apply(session, source, skip_errors: bool = False, progress: Progress = None,
          cancelled: CancelCheck = None) -> ImportResult:
    """Apply the import of ``source`` (an ImportPreview, a path or bytes) in one
    transaction. The file is read again: a file that vanished, or changed since the
    preview, changes nothing. With errors and no ``skip_errors`` -> ValidationError.
    ``progress(numbers updated, numbers to update)``; ``cancelled()`` is asked before
    each chunk and at the end: it raises Cancelled inside the transaction (all rolled
    back, nothing changed)."""
    permissions.require(session, "import.employees")
    sheet = None
    if isinstance(source, ImportPreview):
        sheet = source.sheet
        data, name, path = read_previewed(source)
    else:
        data, name, path = read_source(source)
    with atomic():
        prev = _build(session, data, name, path, cancelled=cancelled, sheet=sheet)
        errors = prev.errors
        if errors and not skip_errors:
            first = errors[0]
            raise ValidationError(
                _("{errors_count} line(s) of {name} have errors (line {line}: {message}); nothing was imported. Fix them or skip them").format(errors_count=len(errors), name=name, line=first.line, message=first.message),
                "file",
            )
        todo = [it for it in prev.lines if it.status == UPDATE]
        total = len(todo)
        now = utcnow()
        operation = audit.new_operation()
        done = 0
        if progress:
            progress(0, total)
        for i in range(0, total, CHUNK):
            stop_if_cancelled(cancelled)
            chunk = todo[i:i + CHUNK]
            rows = []
            entries = []
            for it in chunk:
                pos = it.old_position if it.position is None else it.position
                rows.append((it.subscriber_id, it.full_name, pos, search_key(it.full_name, pos)))
                entries.append((
                    session.company_id, session.user_id, session.actor, session.source, now,
                    "employee.import", "subscriber", it.msisdn,
                    {"full_name": it.old_full_name, "position": it.old_position},
                    {"full_name": it.full_name, "position": pos}, operation,
                ))
            bulk.update_employees(session.company_id, rows, now)
            bulk.insert_audit(entries)
            done += len(chunk)
            if progress:
                progress(done, total)
        audit.record(
            session, "import.employees", "import", name[:40], None,
            {"file": name, "encoding": prev.encoding, "total": prev.total,
             "updated": prev.updated, "unchanged": prev.unchanged,
             "skipped_errors": len(errors)},
            operation=operation,
        )
        stop_if_cancelled(cancelled)  # a cancel after the last chunk still rolls back
    return ImportResult(name, prev.total, prev.updated, prev.unchanged, errors, len(errors),
                        operation)
