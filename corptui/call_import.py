"""Usage feed: call, SMS and data records from the operator (CSV or XLSX) into call records.

The file's first line names its columns, in any order: the fields that `corptui export
calls --format json` writes (``started_at, number, direction, kind, counterpart,
duration_seconds, volume_kb, roaming``) plus ``record_id`` (and optionally
``roaming_zone``: cis, europe or world), or the headers that `export calls --format csv`
writes ("Date and time", "Number", "Direction", ...; in English or Russian; "Cost" is
read and ignored), so an export can be imported elsewhere. ``started_at`` with an offset
is that moment; without one (the CSV export's form) it is local time. A file without
``record_id`` gets one from each record's content, so it too imports once.

Streamed: the file is read a line (or an XLSX row) at a time and written a chunk at a
time, in constant memory, in one transaction: a bad line, a killed process or a cancel
leaves the old state. Every bad line is reported with its number (the first
MAX_ERRORS; the count is exact): an unreadable line, a field that is not what it
should be, a number that is not one of the company's (a number of another company reads
exactly like an unknown one), a record of a billed month. A record whose (number,
record id) is already stored is skipped, so a file imported twice adds nothing.

After the records are in, the months they fall in are rated again with the rating
engine (``_rerate_months``), in the same transaction."""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from corptui import audit, permissions
from corptui.database import retrying
from corptui.errors import Conflict, ValidationError, stop_if_cancelled
from corptui.i18n import N_, _, catalog
from corptui.importer import MAX_FIELD, UNKNOWN_MESSAGE, split_line
from corptui.phones import normalize
from corptui.usertext import problem
from storage import bulk
from storage.db import atomic, is_postgres
from storage.models import Subscriber

Progress = Callable[[int, int], None] | None
CancelCheck = Callable[[], bool] | None

CHUNK = 5000
MAX_ERRORS = 1000
SAMPLE = 20  # records kept for the preview
MAX_DURATION = 7 * 24 * 3600
MAX_VOLUME = 1 << 40

FIELDS = ("record_id", "started_at", "number", "direction", "kind", "counterpart",
          "duration_seconds", "volume_kb", "roaming", "roaming_zone")
REQUIRED = ("started_at", "number", "direction", "kind")
IGNORED = ("cost", "id")
# the CSV export's headers (corptui.calls.export_columns), read in English and Russian
TITLES = {"started_at": "Date and time", "number": "Number", "direction": "Direction",
          "kind": "Kind", "counterpart": "Counterpart", "duration_seconds": "Duration, s",
          "volume_kb": "Data, KB", "roaming": "Roaming", "cost": "Cost",
          "record_id": "Record id", "roaming_zone": "Roaming zone"}
N_("Record id")
N_("Roaming zone")

DIRECTIONS = {"in": "in", "out": "out", "incoming": "in", "outgoing": "out",
              "входящий": "in", "исходящий": "out", "вх": "in", "исх": "out"}
KINDS = {"voice": "voice", "sms": "sms", "data": "data", "call": "voice", "звонок": "voice",
         "голос": "voice", "смс": "sms", "интернет": "data", "данные": "data"}
FLAGS = {"": False, "no": False, "yes": True, "false": False, "true": True, "0": False,
         "1": True, "нет": False, "да": True}
ZONES = {"": "", "cis": "cis", "europe": "europe", "world": "world", "снг": "cis",
         "европа": "europe", "мир": "world"}


@dataclass
class CallImportResult:
    file_name: str
    digest: str = ""
    encoding: str = ""
    lines: int = 0  # records read (data lines)
    inserted: int = 0
    skipped: int = 0  # already imported (or repeated in the file)
    error_count: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (line, text, error)
    months: list[dt.date] = field(default_factory=list)  # months rated again
    sample: list[dict] = field(default_factory=list)  # the first records, for a preview
    applied: bool = False
    path: str | None = None
    data: bytes | None = None
    sheet: str | None = None

    def report(self) -> dict:
        return {"file": self.file_name, "sha256": self.digest, "applied": self.applied,
                "records": self.lines, "inserted": self.inserted, "skipped": self.skipped,
                "errors": self.error_count,
                "months_rated": [m.strftime("%Y-%m") for m in self.months],
                "error_lines": [{"line": n, "text": t, "error": e} for n, t, e in self.errors]}


class _Rollback(Exception):
    """Raised inside the transaction of a preview (or of a file with errors)."""


def _header_names() -> dict[str, str]:
    names: dict[str, str] = {}
    ru = catalog("ru")
    for key, title in TITLES.items():
        for alias in (key, title, ru.gettext(title), key.replace("_", " ")):
            names[" ".join(alias.split()).casefold()] = key
    names["id"] = "id"
    return names


def _header(fields: list[str]) -> dict[str, int] | str:
    names = _header_names()
    found: dict[str, int] = {}
    unknown = []
    for i, text in enumerate(fields):
        folded = " ".join(text.strip().lstrip("\ufeff").strip('"').split()).casefold()
        key = names.get(folded)
        if key is None:
            if folded:
                unknown.append(text.strip()[:40])
            continue
        if key in found:
            return _("the column {name!r} is named twice").format(name=text.strip()[:40])
        found[key] = i
    if unknown:
        return _("unknown column(s) {names}: the header names the fields {fields}").format(
            names=", ".join(repr(u) for u in unknown[:5]), fields=", ".join(FIELDS))
    missing = [k for k in REQUIRED if k not in found]
    if missing:
        return _("the header line lacks {missing}: it names the fields {fields}").format(
            missing=", ".join(missing), fields=", ".join(FIELDS))
    return {k: i for k, i in found.items() if k not in IGNORED}


# -- reading ----------------------------------------------------------------------------

def _encoding(head: bytes) -> str:
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1251"


def _open(source) -> tuple[object, str, str | None, int]:
    """(binary stream, display name, path or None, size) of a path or bytes."""
    import io

    if isinstance(source, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(source)), "<data>", None, len(source)
    path = os.fspath(source)
    name = os.path.basename(path) or path
    try:
        if os.path.isdir(path):
            raise ValidationError(_("{path} is a folder, not a file").format(path=path), "file")
        return open(path, "rb"), name, path, os.path.getsize(path)
    except FileNotFoundError:
        raise ValidationError(_("no such file: {path} (was it moved or deleted?)").format(
            path=path), "file") from None
    except PermissionError:
        raise ValidationError(_("cannot read {path}: permission denied").format(path=path),
                              "file") from None
    except OSError as exc:
        raise ValidationError(_("cannot read {path}: {v3}").format(
            path=path, v3=exc.strerror or exc), "file") from None


class _Hashing:
    """A binary stream that hashes what is read through it."""

    def __init__(self, raw):
        self.raw, self.sha = raw, hashlib.sha256()
        self.read_bytes = 0

    def __iter__(self):
        for chunk in self.raw:
            self.sha.update(chunk)
            self.read_bytes += len(chunk)
            yield chunk

    def rest(self) -> None:
        while chunk := self.raw.read(1 << 20):
            self.sha.update(chunk)


def _text_lines(stream: _Hashing, encoding: str) -> Iterator[tuple[int, str | None]]:
    """(line number, text or None when the line is not text in ``encoding``)."""
    if encoding == "utf-16":
        import io

        reader = io.TextIOWrapper(_Reader(stream), encoding="utf-16", errors="replace",
                                  newline=None)
        for lineno, line in enumerate(reader, 1):
            yield lineno, None if "\ufffd" in line else line.rstrip("\r\n")
        return
    enc = "utf-8" if encoding == "utf-8-sig" else encoding
    for lineno, raw in enumerate(stream, 1):
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield lineno, raw.decode(enc).rstrip("\r\n")
        except UnicodeDecodeError:
            yield lineno, None


class _Reader:
    """A readable (for TextIOWrapper) over a hashing iterator."""

    def __init__(self, stream: _Hashing):
        self._it = iter(stream)
        self._buf = b""

    def readable(self):
        return True

    def read1(self, n=-1):
        return self.read(n)

    def read(self, n=-1):
        while n < 0 or len(self._buf) < n:
            try:
                self._buf += next(self._it)
            except StopIteration:
                break
        if n < 0:
            out, self._buf = self._buf, b""
        else:
            out, self._buf = self._buf[:n], self._buf[n:]
        return out

    @property
    def closed(self):
        return False


def _xlsx_lines(raw, name: str, sheet: str | None) -> Iterator[tuple[int, list[str] | str]]:
    """(row number, cells as text) of an XLSX sheet, streamed (read-only mode)."""
    from corptui.import_sheets import open_sheet

    wb, ws = open_sheet(raw, name, sheet)
    try:
        for i, row in enumerate(ws.iter_rows(values_only=True), 1):
            yield i, [_cell(v) for v in row]
    finally:
        wb.close()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return " ".join(str(value).split())


# -- fields -----------------------------------------------------------------------------

_RU_TIME = re.compile(r"(\d\d)\.(\d\d)\.(\d{4})[ T](\d\d):(\d\d)(?::(\d\d))?")
_SAFE = re.compile(r"[ -~\u0400-\u045f]*")


def _time(text: str, tz) -> dt.datetime:
    raw = text.strip()
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        m = _RU_TIME.fullmatch(raw)
        if not m:
            raise ValueError(_("started_at: not a date and time: {value!r} (use "
                               "2026-10-05T14:30:00+03:00 or 2026-10-05 14:30:00)").format(
                value=_shown(raw, 40))) from None
        value = dt.datetime(int(m[3]), int(m[2]), int(m[1]), int(m[4]), int(m[5]),
                            int(m[6] or 0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz) if tz is not None else value.astimezone()
    return value.astimezone(dt.UTC)


def _int(text: str, name: str, limit: int) -> int:
    raw = text.strip()
    if not raw:
        return 0
    if not (raw.isascii() and raw.isdigit()):
        raise ValueError(_("{field}: not a whole number: {value!r}").format(
            field=name, value=_shown(raw, 20)))
    value = int(raw)
    if value > limit:
        raise ValueError(_("{field}: {value} is too large").format(field=name, value=value))
    return value


def _choice(text: str, table: dict, name: str, allowed: str):
    value = table.get(text.strip().casefold())
    if value is None:
        raise ValueError(_("{field}: {value!r} is not one of {allowed}").format(
            field=name, value=_shown(text.strip(), 20), allowed=allowed))
    return value


def _plain(text: str, name: str, max_len: int) -> str:
    value = text.strip()
    if not _SAFE.fullmatch(value):
        why = problem(value)
        if why:
            raise ValueError(_("{label}: {problem}").format(label=name, problem=why))
    if len(value) > max_len:
        raise ValueError(_("{field}: longer than {n} characters").format(field=name, n=max_len))
    return value


def _shown(text: str, width: int = 200) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= width else text[:width - 1] + "…"


# -- the import -------------------------------------------------------------------------

def _company_numbers(company_id: int) -> dict[str, int]:
    return dict(Subscriber.select(Subscriber.msisdn, Subscriber.id)
                .where(Subscriber.company == company_id).tuples())


def _rerate_months(company_id: int, months: set[dt.date]) -> list[dt.date]:
    """The hook the import calls when its records are in: every affected month (none of
    them billed: those are refused line by line) is rated again by the rating engine."""
    from corptui.rating import billing

    done = []
    for month in sorted(months):
        billing.rate_company_month(company_id, month)
        done.append(month)
    return done


def _run(session, source, *, commit: bool, rate: bool = True, progress: Progress = None,
         cancelled: CancelCheck = None, sheet: str | None = None, expected: str | None = None,
         tz=None) -> CallImportResult:
    from corptui import import_sheets
    from corptui.rating import billing

    raw, name, path, size = _open(source)
    result = CallImportResult(name, path=path, sheet=sheet)
    with raw:
        head = raw.read(65536)
        raw.seek(0)
        import_sheets.refuse_ole(head, name)
        xlsx = head.startswith(b"PK\x03\x04")
        if not xlsx and b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ValidationError(_("{name} is not a text file (binary data): save it as "
                                    "CSV").format(name=name), "file")
        if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{"):
            raise ValidationError(_("{name} is JSON: the import reads CSV (or XLSX) whose "
                                    "first line names the fields").format(name=name), "file")
        stream = _Hashing(raw)
        if xlsx:
            result.encoding = "xlsx"
            rows = _xlsx_lines(raw, name, sheet)
        else:
            result.encoding = _encoding(head)
            rows = _text_lines(stream, result.encoding)
        try:
            with atomic():
                _import(session, result, rows, xlsx, size, stream, rate, progress, cancelled,
                        billing, tz)
                if xlsx:
                    raw.seek(0)
                    stream = _Hashing(raw)
                stream.rest()
                result.digest = stream.sha.hexdigest()
                if expected is not None and result.digest != expected:
                    raise Conflict(_("{name} changed since the preview: preview it again")
                                   .format(name=name))
                if result.error_count or not commit:
                    raise _Rollback
                audit.record(session, "import.calls", "import", name[:40], None,
                             {"file": name, "sha256": result.digest, "records": result.lines,
                              "inserted": result.inserted, "skipped": result.skipped,
                              "months": [m.strftime("%Y-%m") for m in result.months]})
                result.applied = True
        except _Rollback:
            pass
    return result


def _import(session, result, rows, xlsx, size, stream, rate, progress, cancelled, billing,
            tz) -> None:
    numbers = _company_numbers(session.company_id)
    billed = billing.billed_months(session.company_id)
    cache: dict[str, int | str] = {}
    months: set[dt.date] = set()
    header = None
    delim = ","
    chunk: list[tuple] = []
    chunk_months: set[dt.date] = set()
    pg = is_postgres()
    latest = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    billed_ym = {(m.year, m.month) for m in billed}
    months_of: dict[tuple[int, int], dt.date] = {}

    def error(lineno: int, text, message: str) -> None:
        result.error_count += 1
        if len(result.errors) < MAX_ERRORS:
            shown = ",".join(text) if isinstance(text, list) else (text or "")
            result.errors.append((lineno, _shown(shown), message))

    def flush() -> None:
        if chunk and not result.error_count:
            if "record_id" not in header:  # an export: the records made here are there
                here = bulk.made_here(chunk)
                if here:
                    keep = [r for r in chunk if r[:7] not in here]
                    result.skipped += len(chunk) - len(keep)
                    chunk[:] = keep
            added = bulk.insert_call_records(chunk)
            result.inserted += added
            result.skipped += len(chunk) - added
            if added:
                months.update(chunk_months)
        chunk.clear()
        chunk_months.clear()
        stop_if_cancelled(cancelled)
        if progress:
            progress(stream.read_bytes if not xlsx else result.lines, size if not xlsx else 0)

    for lineno, line in rows:
        if line is None:
            error(lineno, "", _("the line is not text in {encoding} (a broken or mixed "
                                "encoding)").format(encoding=result.encoding))
            continue
        if xlsx:
            fields = line
            if not any(f.strip() for f in fields):
                continue
        else:
            if not line.strip():
                continue
            if header is None:
                delim = max(("\t", ";", ","), key=line.count)
            if '"' in line or len(line) > MAX_FIELD:
                fields = split_line(line, delim)
                if isinstance(fields, str):
                    error(lineno, line, fields)
                    continue
            else:
                fields = line.split(delim)
        if header is None:
            found = _header(fields)
            if isinstance(found, str):
                error(lineno, line, found)
                return
            header = found
            big = 1 << 30  # a column the file lacks: its index is past every line's end
            (i_record, i_started, i_number, i_direction, i_kind, i_counterpart, i_duration,
             i_volume, i_roaming, i_zone) = (header.get(k, big) for k in FIELDS)
            continue
        result.lines += 1
        fields.append("")  # a missing column reads as the empty last field
        width = len(fields) - 1
        try:
            number = fields[i_number if i_number < width else -1].strip()
            sid = cache.get(number)
            if sid is None:
                try:
                    msisdn = normalize(number, "number")
                    sid = numbers.get(msisdn, _(UNKNOWN_MESSAGE))
                except ValidationError as exc:
                    sid = exc.message
                if len(cache) < 500_000:
                    cache[number] = sid
            if sid.__class__ is str:
                raise ValueError(_("number {number}: {error}").format(
                    number=_shown(number, 20), error=sid))
            started = _time(fields[i_started if i_started < width else -1], tz)
            if started > latest:
                raise ValueError(_("started_at: {value} is in the future").format(
                    value=started.isoformat()))
            ym = (started.year, started.month)
            if ym in billed_ym:
                raise ValueError(_("the month {month} is closed (billed): its records can no "
                                   "longer be imported").format(month=f"{ym[0]}-{ym[1]:02d}"))
            value = fields[i_direction if i_direction < width else -1]
            direction = DIRECTIONS.get(value) or _choice(value, DIRECTIONS, "direction",
                                                         "in, out")
            value = fields[i_kind if i_kind < width else -1]
            kind = KINDS.get(value) or _choice(value, KINDS, "kind", "voice, sms, data")
            value = fields[i_counterpart if i_counterpart < width else -1]
            if value.isascii() and value.isprintable() and len(value) <= 20 and (
                    not value or value[0] != " " and value[-1] != " "):
                counterpart = value
            else:
                counterpart = _plain(value, "counterpart", 20)
            value = fields[i_duration if i_duration < width else -1]
            duration = (int(value) if value.isascii() and value.isdigit()
                        and len(value) < 7 else _int(value, "duration_seconds", MAX_DURATION))
            if duration > MAX_DURATION:
                duration = _int(value, "duration_seconds", MAX_DURATION)
            value = fields[i_volume if i_volume < width else -1]
            volume = (int(value) if value.isascii() and value.isdigit()
                      and len(value) < 12 else _int(value, "volume_kb", MAX_VOLUME))
            value = fields[i_roaming if i_roaming < width else -1]
            roaming = FLAGS.get(value)
            if roaming is None:
                roaming = _choice(value, FLAGS, "roaming", "yes, no")
            value = fields[i_zone if i_zone < width else -1]
            zone = "" if not value else _choice(value, ZONES, "roaming_zone",
                                                "cis, europe, world")
            value = fields[i_record if i_record < width else -1]
            if value.isascii() and value.isprintable() and 0 < len(value) <= 64 and (
                    value[0] != " " and value[-1] != " "):
                record_id = value
            else:
                record_id = _plain(value, "record_id", 64)
        except ValueError as exc:
            error(lineno, line, str(exc))
            continue
        month = months_of.get(ym)
        if month is None:
            month = months_of[ym] = dt.date(ym[0], ym[1], 1)
        stamp = started.replace(tzinfo=None)
        if not record_id:  # the record's content is its identity
            record_id = "h:" + hashlib.sha1(
                f"{stamp.isoformat()}|{direction}|{kind}|{counterpart}|{duration}|{volume}|"
                f"{int(roaming)}|{zone}".encode()).hexdigest()
        if len(result.sample) < SAMPLE:
            result.sample.append({"line": lineno, "started_at": started, "number": number,
                                  "direction": direction, "kind": kind,
                                  "counterpart": counterpart, "duration_seconds": duration,
                                  "volume_kb": volume, "roaming": roaming,
                                  "record_id": record_id})
        chunk.append((sid, stamp if pg else stamp.isoformat(" ", "microseconds"), direction,
                      kind, counterpart, duration, volume, roaming, zone, 0, record_id))
        chunk_months.add(month)
        if len(chunk) >= CHUNK:
            flush()
    flush()
    if header is None and not result.error_count:
        error(1, "", _("the file is empty: a header line naming the fields and one line per "
                       "record are expected"))
    if rate and months and not result.error_count:
        result.months = _rerate_months(session.company_id, months)


def preview(session, source, progress: Progress = None, cancelled: CancelCheck = None,
            sheet: str | None = None, tz=None) -> CallImportResult:
    """Read and check the whole file as the import would (inside a transaction that is
    rolled back): records, how many are new, every bad line. Changes nothing."""
    permissions.require(session, "import.calls")
    result = _run(session, source, commit=False, rate=False, progress=progress,
                  cancelled=cancelled, sheet=sheet, tz=tz)
    if result.path is None and isinstance(source, (bytes, bytearray, memoryview)):
        result.data = bytes(source)
    return result


@retrying
def apply(session, source, *, rate: bool = True, progress: Progress = None,
          cancelled: CancelCheck = None, sheet: str | None = None, tz=None,
          strict: bool = True) -> CallImportResult:
    """Import ``source`` (a CallImportResult of ``preview``, a path or bytes) in one
    transaction and rate the affected months again (``rate``). A file with errors
    imports nothing: ValidationError naming the first bad line (the result of a
    ``preview`` lists them all; ``strict=False``: the result, with every bad line)."""
    permissions.require(session, "import.calls")
    expected = None
    if isinstance(source, CallImportResult):
        expected, sheet = source.digest, source.sheet
        source = source.path if source.path is not None else (source.data or b"")
    result = _run(session, source, commit=True, rate=rate, progress=progress,
                  cancelled=cancelled, sheet=sheet, expected=expected, tz=tz)
    if result.error_count and strict:
        line, _text, message = result.errors[0]
        raise ValidationError(
            _("{count} line(s) of {name} have errors (line {line}: {message}); nothing "
              "was imported").format(count=result.error_count, name=result.file_name,
                                     line=line, message=message), "file")
    return result
