"""`corptui numbers ...`."""

from __future__ import annotations

import json
import sys

import click

from corptui.cli import company_option, format_option, main, pass_ctx


@main.group("numbers")
def numbers_group() -> None:
    """The company's numbers."""


@numbers_group.command("list")
@company_option()
@click.option("--search", default="", help="Part of a phone number or of a name.")
@click.option("--tag", "tags", multiple=True, help="Only numbers with this tag (repeatable).")
@click.option("--limit", type=click.IntRange(min=0), default=None)
@format_option(("table", "csv", "json"))
@pass_ctx
def list_cmd(obj, company, search, tags, limit, fmt) -> None:
    """List numbers ordered by MSISDN (tags sorted by name)."""
    from corptui.numbers import NumberFilter, list_numbers

    session = obj.session(company, "cli numbers list")
    rows = list_numbers(session, NumberFilter(search=search, tags=tuple(tags)), limit=limit)
    keys = ["msisdn", "full_name", "position", "tags", "tariff", "status", "account"]
    if fmt == "json":
        out = sys.stdout
        out.write("[")
        for i, r in enumerate(rows):
            out.write(("," if i else "") + "\n  " + json.dumps({k: r[k] for k in keys}, ensure_ascii=False))
        out.write("\n]\n" if rows else "]\n")
        return
    from corptui.output import render

    click.echo(render(rows, fmt, keys))
