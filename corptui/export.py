"""Writing tabular rows to CSV, XLSX, PDF or JSON: one entry point, ``export_rows``, and
``export`` for the money lists (payments, charges, calls: CLI and screens).

The formats are written by ``corptui.writers`` (one writer per format, shared with the
documents). Rules:

- nothing half-written: every file is written to a temporary file in the target folder
  and moved into place at the end; on any error the temporary file is removed; a process
  killed meanwhile leaves it registered, and the next start removes it
  (``corptui.partial_files``);
- an existing file is refused unless ``force``; an unwritable place is a clear error;
- text that a spreadsheet would run as a formula (``= + - @``, tab, CR first) is
  neutralised in the formats a spreadsheet opens (CSV, XLSX); JSON and PDF carry the
  text verbatim (they are not evaluated);
- money is exact: Decimal in, a real number cell in XLSX, "1234.50" text in CSV/JSON;
- times arrive as aware UTC datetimes and are written in the local time zone (or the
  filter's ``tz``);
- rows stream: CSV, JSON and XLSX hold one row at a time (constant memory, to a file or
  standard output); a PDF is bounded (``PDF_MAX_ROWS``);
- long exports report ``progress(rows written, total or None)`` every ``PROGRESS_EVERY``
  rows and ask ``cancelled()`` as often: a cancelled export raises ``Cancelled`` and its
  temporary file is removed (no file at the target, an existing one left as it was)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from corptui import partial_files
from corptui.errors import ValidationError, stop_if_cancelled
from corptui.i18n import _, number
from corptui.writers import csv_rows, json_rows, pdf, xlsx
from corptui.writers.cells import Column, Style, as_tuples
from corptui.writers.pdf import FONT_DIRS, FONT_FILES, FONT_PACKAGE, find_fonts
from corptui.writers.target import ExportError, check_target, install, temp_in

__all__ = ["Column", "ExportError", "ExportResult", "FONT_DIRS", "FONT_FILES", "FONT_PACKAGE",
           "FORMATS", "export", "export_rows", "find_fonts"]

FORMATS = ("csv", "xlsx", "pdf", "json")
STDOUT = "-"
PDF_MAX_ROWS = 20_000  # about 400 pages; beyond that CSV or XLSX is the right format
PROGRESS_EVERY = 500  # rows between two progress reports / cancel checks


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
                cancelled: Callable[[], bool] | None = None,
                style: Style | None = None, bom: bool = True) -> ExportResult:
    """Write ``rows_iter`` (tuples in column order, or dicts keyed by column key) to
    ``path`` in ``fmt``. ``path`` "-" writes CSV/JSON to standard output. ``sep`` ";"
    also writes decimal commas (Excel with Russian regional settings). ``style`` is a
    document's language (default: the exports' machine forms).
    ``progress(rows written, total)`` (``total`` as given, None if unknown) and
    ``cancelled()`` -> Cancelled, the partial file removed."""
    if fmt not in FORMATS:
        raise ValidationError(_("unknown format {fmt!r} (use {choices})").format(fmt=fmt, choices=', '.join(FORMATS)), "format")
    if sep not in (",", ";", "\t"):
        raise ValidationError(_("separator must be ',', ';' or a tab, not {sep!r}").format(sep=sep), "sep")
    columns = list(columns)
    style = style or Style(decimal_comma=sep == ";", tz=tz)
    rows = as_tuples(columns, rows_iter)
    watch = _watcher(progress, total, cancelled)
    if path == STDOUT:
        return _to_stdout(columns, watch(rows), fmt, sep, style)
    fonts = None
    if fmt == "pdf":
        fonts = find_fonts()  # before creating anything
        rows = _bounded(rows, PDF_MAX_ROWS)
    target = check_target(path, force)
    tmp = temp_in(target)
    with partial_files.track(tmp):  # killed with -9: the next start removes it
        try:
            if fmt == "pdf":  # the rows are read first; the progress counts the rows drawn
                count = pdf.write(tmp, columns, rows, title, subtitle, style, fonts, watch)
            elif fmt == "csv":
                count = csv_rows.write(tmp, columns, watch(rows), sep, style, bom=bom)
            elif fmt == "xlsx":
                count = xlsx.write(tmp, columns, watch(rows), title, subtitle, style)
            else:
                count = json_rows.write(tmp, columns, watch(rows), style.tz)
            stop_if_cancelled(cancelled)  # a cancel at the very end still leaves no file
            install(tmp, target, force)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return ExportResult(str(target), count, fmt)


def export(session, *, title: str, flt, columns, rows, totals, fmt: str, path: str,
           company_name: str = "", force: bool = False, sep: str = ",", progress=None,
           cancelled=None) -> ExportResult:
    """The money lists' export (payments, charges, calls): the same title, period line,
    time zone, progress total and cancel for each; ``rows`` and ``totals`` are the list's
    own functions of (session, flt)."""
    from corptui.payments import period_text

    flt = flt.validated()
    return export_rows(columns, rows(session, flt), fmt, path,
                       title=f"{title} — {company_name}".strip(" —"),
                       subtitle=period_text(flt.date_from, flt.date_to), force=force,
                       sep=sep, tz=getattr(flt, "tz", None), progress=progress,
                       cancelled=cancelled,
                       total=totals(session, flt)["count"] if progress else None)


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


def _to_stdout(columns, rows, fmt, sep, style) -> ExportResult:
    if fmt not in ("csv", "json"):
        raise ValidationError(_("{upper} cannot go to standard output: give a file").format(upper=fmt.upper()),
                              "output")
    out = sys.stdout
    if fmt == "csv":
        count = csv_rows.rows_to(out, columns, rows, sep, style)
    else:
        count = json_rows.rows_to(out, columns, rows, style.tz)
    out.flush()
    return ExportResult(STDOUT, count, fmt)
