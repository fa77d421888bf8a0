"""`corptui import employees FILE`."""

from __future__ import annotations

import json

import click

from corptui.cli import company_option, main, pass_ctx
from corptui.i18n import _


@main.group("import")
def import_group() -> None:
    """Import data from files."""


@import_group.command("employees")
@click.argument("file", type=click.Path(dir_okay=False))
@company_option()
@click.option("--dry-run", is_flag=True, help="Check the file; change nothing.")
@click.option("--skip-errors", is_flag=True, help="Apply the good lines, skip the bad ones.")
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table",
              show_default=True, help="Report format.")
@click.option("--sheet", default=None, metavar="NAME",
              help="XLSX: the sheet to read (default: the first).")
@pass_ctx
def employees_cmd(obj, file, company, dry_run, skip_errors, fmt, sheet) -> int:
    """Set employees' full names (and positions) from a text file of lines
    "phone, full name[, position]" (comma, semicolon or tab; UTF-8 or Windows-1251),
    or from an XLSX workbook with those columns (the first sheet, or --sheet NAME).

    With errors and no --skip-errors nothing is applied and the exit code is 1."""
    from corptui import importer

    session = obj.session(company, f"cli import employees {file}"[:200])
    prev = importer.preview(session, file, sheet=sheet)
    errors = prev.errors
    applied = False
    report = prev.report()
    if not dry_run and (skip_errors or not errors):
        prev.release()  # apply reads and checks the file again
        result = importer.apply(session, prev, skip_errors=skip_errors)
        report = result.report()
        applied = True
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _table(report, prev, applied, dry_run)
    return 1 if errors and not skip_errors else 0


def _table(report, prev, applied, dry_run) -> None:
    from corptui.output import render

    if report["errors"]:
        rows = [{"line": e["line"], "text": _plain(e["text"]), "error": e["error"]}
                for e in report["errors"]]
        click.echo(render(rows, "table", ["line", "text", "error"]))
        click.echo("")
    if applied:
        state = _("applied")
    elif dry_run:
        state = _("dry run: nothing changed")
    else:
        state = _("nothing applied (fix the errors or use --skip-errors)")
    click.echo(_("{file} ({encoding}): {total} lines, {updated} to update, {unchanged} "
                 "unchanged, {errors} errors; {state}").format(
        file=prev.file_name, encoding=prev.encoding, total=report["total"],
        updated=report["updated"], unchanged=report["unchanged"],
        errors=len(report["errors"]), state=state))


def _plain(text: str) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in text.replace("\n", " "))
    return text if len(text) <= 60 else text[:59] + "…"


@import_group.command("payments")
@click.argument("file", type=click.Path(dir_okay=False))
@company_option()
@click.option("--dry-run", is_flag=True, help="Check and match the file; change nothing.")
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table",
              show_default=True, help="Report format.")
@pass_ctx
def payments_cmd(obj, file, company, dry_run, fmt) -> int:
    """Import a bank statement: a 1CClientBankExchange text (what banks export to
    accounting, Windows-1251) or a CSV with a header (number, date, amount, payer,
    payer_inn, purpose[, account]).

    Each payment goes to the personal account its purpose names (or, by the payer's INN,
    to the company's only account); the others are listed as unmatched and kept for
    `corptui payments assign`. A statement imported twice adds nothing. With a bad line
    nothing is imported and the exit code is 1."""
    from corptui import statement_import

    session = obj.session(company, f"cli import payments {file}"[:200])
    prev = statement_import.preview(session, file)
    applied = False
    if not dry_run and not prev.error_count:
        prev = statement_import.apply(session, prev)
        applied = True
    report = prev.report(applied)
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _statement_table(prev, report, applied, dry_run)
    return 1 if prev.error_count else 0


def _statement_table(prev, report, applied, dry_run) -> None:
    from corptui.i18n import money
    from corptui.output import render

    if prev.errors:
        rows = [{"line": e.line, "text": _plain(e.text), "error": e.error} for e in prev.errors]
        click.echo(render(rows, "table", ["line", "text", "error"],
                          [_("line"), _("text"), _("error")]))
        click.echo("")
    if prev.unmatched and not prev.error_count:
        click.echo(_("Unmatched payments (kept for `corptui payments assign`):"))
        rows = [{"line": e.line, "number": _plain(e.document_no), "date": e.paid_on.isoformat(),
                 "amount": money(e.amount), "payer": _plain(e.payer), "reason": e.reason_text}
                for e in prev.unmatched]
        click.echo(render(rows, "table", ["line", "number", "date", "amount", "payer", "reason"],
                          [_("line"), _("number"), _("date"), _("amount"), _("payer"),
                           _("reason")]))
        click.echo("")
    if applied:
        state = _("imported")
    elif dry_run:
        state = _("dry run: nothing changed")
    else:
        state = _("nothing imported (fix the lines above)")
    click.echo(_("{file}: {entries} payments, {matched} matched ({amount}), {unmatched} "
                 "unmatched, {already} imported before, {errors} errors; {state}").format(
        file=prev.file_name, entries=report["entries"], matched=report["matched"],
        amount=money(report["matched_sum"]), unmatched=report["unmatched"],
        already=report["already_imported"] + report["duplicates"], errors=prev.error_count,
        state=state))


@import_group.command("calls")
@click.argument("file", type=click.Path(dir_okay=False))
@company_option()
@click.option("--dry-run", is_flag=True, help="Check the whole file; change nothing.")
@click.option("--sheet", default=None, metavar="NAME",
              help="XLSX: the sheet to read (default: the first).")
@click.option("--progress", "show_progress", is_flag=True,
              help="Report the progress on standard error.")
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table",
              show_default=True, help="Report format.")
@pass_ctx
def calls_cmd(obj, file, company, dry_run, sheet, show_progress, fmt) -> int:
    """Import call, SMS and data records (CSV or XLSX) whose header names the fields of
    `export calls --format json` plus record_id (started_at, number, direction, kind,
    counterpart, duration_seconds, volume_kb, roaming, record_id), or the headers of
    `export calls --format csv`.

    One transaction: with a bad line nothing is imported (every bad line is listed) and
    the exit code is 1. Records already imported (same number and record id) are
    skipped. The months the new records fall in are rated again."""
    from corptui import call_import

    session = obj.session(company, f"cli import calls {file}"[:200])
    progress = _stderr_progress() if show_progress else None
    if dry_run:
        result = call_import.preview(session, file, progress=progress, sheet=sheet)
    else:
        result = call_import.apply(session, file, progress=progress, sheet=sheet, strict=False)
    if fmt == "json":
        click.echo(json.dumps(result.report(), ensure_ascii=False, indent=2))
    else:
        _calls_table(result, dry_run)
    return 1 if result.error_count else 0


def _stderr_progress():
    def report(done: int, total: int) -> None:
        if total:
            click.echo(_("{done} of {total} bytes read").format(done=f"{done:,}",
                                                                 total=f"{total:,}"), err=True)
        else:
            click.echo(_("{done} rows read").format(done=f"{done:,}"), err=True)
    return report


def _calls_table(result, dry_run) -> None:
    from corptui.output import render

    if result.errors:
        rows = [{"line": n, "text": _plain(t), "error": e} for n, t, e in result.errors]
        click.echo(render(rows, "table", ["line", "text", "error"],
                          [_("line"), _("text"), _("error")]))
        if result.error_count > len(result.errors):
            click.echo(_("… and {n} more").format(n=result.error_count - len(result.errors)))
        click.echo("")
    if result.applied:
        state = _("imported")
    elif dry_run and not result.error_count:
        state = _("dry run: nothing changed")
    else:
        state = _("nothing imported (fix the lines above)")
    months = ", ".join(m.strftime("%Y-%m") for m in result.months) or "-"
    click.echo(_("{file}: {records} records, {inserted} new, {skipped} imported before, "
                 "{errors} errors; months rated: {months}; {state}").format(
        file=result.file_name, records=result.lines,
        inserted=result.inserted, skipped=result.skipped, errors=result.error_count,
        months=months, state=state))
