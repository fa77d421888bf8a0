"""Writing tabular rows to CSV, XLSX, PDF or JSON: one entry point, ``export_rows``.

Used by the payments, charges and calls exports (CLI and screens). Rules:

- nothing half-written: every file is written to a temporary file in the target folder
  and moved into place at the end (``os.replace``, or ``os.link`` when the file must not
  exist yet); on any error the temporary file is removed; a process killed meanwhile
  leaves it registered, and the next start removes it (``corptui.partial_files``);
- an existing file is refused unless ``force``; an unwritable place is a clear error;
- text that a spreadsheet would run as a formula (``= + - @``, tab, CR first) is
  neutralised in the formats a spreadsheet opens (CSV, XLSX); JSON and PDF carry the
  text verbatim (they are not evaluated);
- money is exact: Decimal in, a real number cell in XLSX, "1234.50" text in CSV/JSON;
- times arrive as aware UTC datetimes and are written in the local time zone;
- long exports report ``progress(rows written, total or None)`` every ``PROGRESS_EVERY``
  rows and ask ``cancelled()`` as often: a cancelled export raises ``Cancelled`` and its
  temporary file is removed (no file at the target, an existing one left as it was).

xlsxwriter and fpdf2 are imported only when that format is asked for."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain, islice
from pathlib import Path

from corptui import partial_files
from corptui.errors import Conflict, CorptuiError, ValidationError, stop_if_cancelled
from corptui.i18n import N_, _, number
from corptui.output import neutralise

FORMATS = ("csv", "xlsx", "pdf", "json")
STDOUT = "-"
PDF_MAX_ROWS = 20_000  # about 400 pages; beyond that CSV or XLSX is the right format
FONT_PACKAGE = "fonts-dejavu-core"
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
# The copy shipped with corptui comes first, then the usual system places.
FONT_DIRS = [
    str(Path(__file__).resolve().parent / "fonts"),
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
]
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
PROGRESS_EVERY = 500  # rows between two progress reports / cancel checks


class ExportError(CorptuiError):
    title = N_("Export")


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str = "text"  # text | money | int | date | datetime | bool
    width: int = 0  # characters; 0 = from the header and the first rows


@dataclass(frozen=True)
class ExportResult:
    path: str
    rows: int
    fmt: str


def export_rows(columns: Sequence[Column], rows_iter: Iterable, fmt: str, path: str,
                title: str = "", subtitle: str = "", force: bool = False, *,
                sep: str = ",", tz: dt.tzinfo | None = None,
                progress: Callable[[int, int | None], None] | None = None,
                total: int | None = None,
                cancelled: Callable[[], bool] | None = None) -> ExportResult:
    """Write ``rows_iter`` (tuples in column order, or dicts keyed by column key) to
    ``path`` in ``fmt``. ``path`` "-" writes CSV/JSON to standard output. ``sep`` ";"
    also writes decimal commas (Excel with Russian regional settings).
    ``progress(rows written, total)`` (``total`` as given, None if unknown) and
    ``cancelled()`` -> Cancelled, the partial file removed."""
    if fmt not in FORMATS:
        raise ValidationError(_("unknown format {fmt!r} (use {choices})").format(fmt=fmt, choices=', '.join(FORMATS)), "format")
    if sep not in (",", ";", "\t"):
        raise ValidationError(_("separator must be ',', ';' or a tab, not {sep!r}").format(sep=sep), "sep")
    columns = list(columns)
    rows = _as_tuples(columns, rows_iter)
    watch = _watcher(progress, total, cancelled)
    if path == STDOUT:
        if fmt not in ("csv", "json"):
            raise ValidationError(_("{upper} cannot go to standard output: give a file").format(upper=fmt.upper()),
                                  "output")
        return _to_stdout(columns, watch(rows), fmt, sep, tz)
    if fmt == "pdf":
        fonts = find_fonts()  # before creating anything
        rows = _bounded(rows, PDF_MAX_ROWS)
    target = _check_target(path, force)
    writer = {"csv": _write_csv, "xlsx": _write_xlsx, "pdf": _write_pdf, "json": _write_json}[fmt]
    tmp = _temp_in(target)
    with partial_files.track(tmp):  # killed with -9: the next start removes it
        try:
            if fmt == "pdf":  # the rows are read first; the progress counts the rows drawn
                count = writer(tmp, columns, rows, title, subtitle, tz, fonts, watch)
            elif fmt == "csv":
                count = writer(tmp, columns, watch(rows), sep, tz, bom=True)
            elif fmt == "xlsx":
                count = writer(tmp, columns, watch(rows), title, subtitle, tz)
            else:
                count = writer(tmp, columns, watch(rows), tz)
            stop_if_cancelled(cancelled)  # a cancel at the very end still leaves no file
            _install(tmp, target, force)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return ExportResult(str(target), count, fmt)


# -- the file dance -------------------------------------------------------------------

def _check_target(path: str, force: bool) -> Path:
    if not path or not str(path).strip():
        raise ValidationError(_("no output file given"), "output")
    target = Path(path).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise ValidationError(_("{target} is a folder: give a file name").format(target=target), "output")
    if not folder.is_dir():
        raise ValidationError(_("no such folder: {folder}").format(folder=folder), "output")
    if target.exists() and not force:
        raise Conflict(_("{target} already exists (use --force to overwrite it)").format(target=target))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError(_("cannot write to {folder}: permission denied").format(folder=folder))
    return target


def _temp_in(target: Path) -> str:
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                   dir=target.parent or ".")
    except OSError as exc:
        raise ExportError(_("cannot write to {parent}: {strerror}").format(parent=target.parent, strerror=exc.strerror)) from None
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_UMASK)  # the mode a plain open() would give
    return tmp


def _install(tmp: str, target: Path, force: bool) -> None:
    """Move the finished file into place in one step."""
    try:
        if force:
            os.replace(tmp, target)
            return
        try:
            os.link(tmp, target)  # fails if the file appeared meanwhile: never clobber
        except FileExistsError:
            raise Conflict(_("{target} already exists (use --force to overwrite it)").format(target=target)) from None
        except OSError:  # a file system without hard links
            if target.exists():
                raise Conflict(_("{target} already exists (use --force to overwrite it)").format(target=target)) from None
            os.replace(tmp, target)
            return
        os.unlink(tmp)
    except OSError as exc:
        raise ExportError(_("cannot write {target}: {strerror}").format(target=target, strerror=exc.strerror)) from None


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


# -- rows and values ------------------------------------------------------------------

def _as_tuples(columns, rows_iter):
    it = iter(rows_iter)
    first = next(it, None)
    if first is None:
        return iter(())
    if isinstance(first, Mapping):
        keys = [c.key for c in columns]
        return (tuple(r.get(k) for k in keys) for r in chain((first,), it))
    return chain((first,), it)


def _watcher(progress, total, cancelled):
    """rows -> the same rows, reporting progress and checking the cancel on the way."""
    if progress is None and cancelled is None:
        return lambda rows: rows

    def watch(rows):
        n = 0
        if progress:
            progress(0, total)
        for row in rows:
            yield row
            n += 1
            if n % PROGRESS_EVERY == 0:
                stop_if_cancelled(cancelled)
                if progress:
                    progress(n, total)
        if progress:
            progress(n, total)

    return watch


def _bounded(rows, limit: int):
    buf = list(islice(rows, limit + 1))
    if len(buf) > limit:
        raise ValidationError(
            _("PDF is limited to {limit} rows: narrow the period or the numbers, or export CSV or XLSX").format(limit=number(limit)), "format")
    return iter(buf)


def _local(value: dt.datetime, tz) -> dt.datetime:
    if value.tzinfo is None:
        return value
    return value.astimezone(tz) if tz else value.astimezone()


def _text(value, kind: str, tz, decimal_comma: bool = False) -> str:
    """A cell as text (CSV, PDF)."""
    if value is None:
        return ""
    if isinstance(value, bool) or kind == "bool":
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        text = f"{value:.2f}" if kind == "money" else str(value)
        return text.replace(".", ",") if decimal_comma else text
    if isinstance(value, dt.datetime):
        return _local(value, tz).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _json_value(value, tz):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return _local(value, tz).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# -- CSV and JSON ---------------------------------------------------------------------

def _formatter(kind: str, tz, decimal_comma: bool = False, safe: bool = True):
    """A fast value -> text function for one column (CSV, PDF): no per-cell dispatch."""
    def money(v):
        if v is None:
            return ""
        text = format(v, ".2f") if isinstance(v, Decimal) else str(v)
        return text.replace(".", ",") if decimal_comma else text

    def when(v):
        if v is None:
            return ""
        if isinstance(v, dt.datetime):
            return _local(v, tz).strftime("%Y-%m-%d %H:%M:%S")
        return v.isoformat()

    def text(v):
        if v is None:
            return ""
        return neutralise(str(v)) if safe else str(v)

    return {
        "money": money, "datetime": when, "date": when, "text": text,
        "int": lambda v: "" if v is None else str(v),
        "bool": lambda v: "" if v is None else ("yes" if v else "no"),
    }.get(kind, lambda v: _text(v, kind, tz, decimal_comma))


def _csv_rows(stream, columns, rows, sep, tz) -> int:
    writer = csv.writer(stream, delimiter=sep)
    writer.writerow([neutralise(c.title) for c in columns])
    fmts = [_formatter(c.kind, tz, sep == ";") for c in columns]
    count = 0
    writerow = writer.writerow
    for row in rows:
        writerow([f(v) for f, v in zip(fmts, row, strict=True)])
        count += 1
    return count


def _write_csv(tmp, columns, rows, sep, tz, bom=True) -> int:
    with open(tmp, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        return _csv_rows(fh, columns, rows, sep, tz)


def _json_rows(stream, columns, rows, tz) -> int:
    keys = [c.key for c in columns]
    stream.write("[")
    count = 0
    for row in rows:
        obj = {k: _json_value(v, tz) for k, v in zip(keys, row, strict=True)}
        stream.write(("," if count else "") + "\n  " + json.dumps(obj, ensure_ascii=False))
        count += 1
    stream.write("\n]\n" if count else "]\n")
    return count


def _write_json(tmp, columns, rows, tz) -> int:
    with open(tmp, "w", encoding="utf-8") as fh:
        return _json_rows(fh, columns, rows, tz)


def _to_stdout(columns, rows, fmt, sep, tz) -> ExportResult:
    out = sys.stdout
    if fmt == "csv":
        count = _csv_rows(out, columns, rows, sep, tz)
    else:
        count = _json_rows(out, columns, rows, tz)
    out.flush()
    return ExportResult(STDOUT, count, fmt)


# -- XLSX -----------------------------------------------------------------------------

_XLSX_FORMATS = {"money": "#,##0.00", "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm:ss",
                 "int": "0"}
_MIN_WIDTH = {"money": 12, "date": 11, "datetime": 19, "int": 8, "bool": 6, "text": 8}


def _widths(columns, sample, tz) -> list[int]:
    out = []
    for i, col in enumerate(columns):
        if col.width:
            out.append(col.width)
            continue
        longest = max((len(_text(r[i], col.kind, tz)) for r in sample), default=0)
        out.append(min(60, max(_MIN_WIDTH.get(col.kind, 8), len(col.title), longest) + 2))
    return out


def _write_xlsx(tmp, columns, rows, title, subtitle, tz) -> int:
    import xlsxwriter

    wb = xlsxwriter.Workbook(tmp, {"constant_memory": True, "strings_to_formulas": False,
                                   "strings_to_urls": False, "strings_to_numbers": False})
    try:
        wb.set_properties({"title": title, "subject": subtitle, "creator": "corptui"})
        ws = wb.add_worksheet((title or "Export")[:31].translate(str.maketrans("[]:*?/\\", "_______")))
        bold = wb.add_format({"bold": True})
        fmts = {k: wb.add_format({"num_format": v}) for k, v in _XLSX_FORMATS.items()}
        sample = list(islice(rows, 200))
        for i, width in enumerate(_widths(columns, sample, tz)):
            ws.set_column(i, i, width)
        ws.freeze_panes(1, 0)
        for c, col in enumerate(columns):
            ws.write_string(0, c, col.title, bold)
        kinds = [c.kind for c in columns]
        r = 0
        write_number, write_string, write_datetime = ws.write_number, ws.write_string, ws.write_datetime
        money_f, int_f, date_f, dtime_f = fmts["money"], fmts["int"], fmts["date"], fmts["datetime"]
        for r, row in enumerate(chain(sample, rows), start=1):
            for c, (value, kind) in enumerate(zip(row, kinds, strict=True)):
                if value is None:
                    continue
                if kind == "money":
                    write_number(r, c, float(value), money_f)  # exact to the kopeck in a double
                elif kind == "int":
                    write_number(r, c, value, int_f)
                elif kind == "datetime":
                    write_datetime(r, c, _local(value, tz).replace(tzinfo=None), dtime_f)
                elif kind == "date":
                    write_datetime(r, c, dt.datetime.combine(value, dt.time.min), date_f)
                elif kind == "bool":
                    write_string(r, c, "yes" if value else "no")
                else:
                    write_string(r, c, neutralise(str(value)))
    finally:
        try:
            wb.close()
        except OSError as exc:
            raise ExportError(_("cannot write the XLSX file: {strerror}").format(strerror=exc.strerror)) from None
    return r


# -- PDF ------------------------------------------------------------------------------

def find_fonts(dirs: Sequence[str] | None = None) -> tuple[str, str]:
    """Paths of DejaVu Sans regular and bold, or an error saying what to install."""
    for folder in dirs if dirs is not None else FONT_DIRS:
        paths = [os.path.join(folder, name) for name in FONT_FILES]
        if all(os.path.isfile(p) for p in paths):
            return paths[0], paths[1]
    raise ExportError(
        _("PDF export needs the DejaVu Sans font ({choices}), found in none of {choices2}: install the {font_package} package (apt-get install {font_package})").format(choices=' and '.join(FONT_FILES), choices2=', '.join(dirs if dirs is not None else FONT_DIRS), font_package=FONT_PACKAGE)
    )


def _write_pdf(tmp, columns, rows, title, subtitle, tz, fonts, watch=lambda rows: rows) -> int:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    class _Doc(FPDF):
        def header(self):
            self.set_font("DejaVu", "B", 11)
            self.cell(0, 6, _CONTROL.sub(" ", title), new_x="LMARGIN", new_y="NEXT")
            if subtitle:
                self.set_font("DejaVu", "", 8)
                self.cell(0, 5, _CONTROL.sub(" ", subtitle), new_x="LMARGIN", new_y="NEXT")
            self.ln(2)

        def footer(self):
            self.set_y(-12)
            self.set_font("DejaVu", "", 7)
            self.cell(0, 6, f"{self.page_no()} / {{nb}}", align="C")

    rows = list(rows)
    sample = rows[:200]
    widths = _widths(columns, [tuple(r) for r in sample], tz)
    landscape = sum(widths) > 110
    pdf = _Doc(orientation="L" if landscape else "P", unit="mm", format="A4")
    pdf.set_title(title)
    pdf.set_creator("corptui")
    pdf.add_font("DejaVu", "", fonts[0])
    pdf.add_font("DejaVu", "B", fonts[1])
    pdf.set_auto_page_break(True, margin=14)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("DejaVu", "", 7)
    aligns = tuple("RIGHT" if c.kind in ("money", "int") else "LEFT" for c in columns)
    fmts = [_formatter(c.kind, tz, safe=False) for c in columns]
    with pdf.table(col_widths=tuple(widths), text_align=aligns, line_height=4,
                   headings_style=FontFace(emphasis="BOLD"), padding=0.6) as table:
        head = table.row()
        for col in columns:
            head.cell(_CONTROL.sub(" ", col.title))
        for row in watch(rows):
            line = table.row()
            for value, fmt in zip(row, fmts, strict=True):
                line.cell(_CONTROL.sub(" ", fmt(value)))
    pdf.output(tmp)
    return len(rows)
