"""`corptui audit ...`: the company's audit log."""

from __future__ import annotations

import json

import click

from corptui.cli import company_option, format_option, main, pass_ctx
from corptui.output import render


@main.group("audit")
def audit_group() -> None:
    """The audit log (who changed what, when)."""


@audit_group.command("list")
@company_option()
@click.option("--user", "user", metavar="PHONE", help="Only entries of this login (or actor).")
@click.option("--object", "object_type", metavar="TYPE", help="Only this object type (user, subscriber, ...).")
@click.option("--from", "date_from", metavar="DATE", help="First day (YYYY-MM-DD or DD.MM.YYYY).")
@click.option("--to", "date_to", metavar="DATE", help="Last day, inclusive.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=1000, show_default=True)
@format_option(("table", "json", "csv"))
@pass_ctx
def list_cmd(obj, company, user, object_type, date_from, date_to, limit, fmt) -> None:
    """List audit entries of a company, newest first (times in UTC)."""
    from corptui.auditlog import COLUMNS, list_entries

    session = obj.session(company, "cli audit list")
    rows = list_entries(session, user=user, object_type=object_type, date_from=date_from,
                        date_to=date_to, limit=limit)
    if fmt == "json":
        click.echo(render(rows, fmt, COLUMNS))
        return
    for row in rows:
        if fmt == "table" and row.get("number"):  # people read a number by its phone
            row["object_id"] = row["number"]
        for key in ("before", "after"):
            row[key] = "" if row[key] is None else json.dumps(row[key], ensure_ascii=False,
                                                              sort_keys=True)
    click.echo(render(rows, fmt, COLUMNS))
