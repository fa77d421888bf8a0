"""`corptui companies ...`."""

from __future__ import annotations

import click

from corptui.cli import format_option, main, pass_ctx
from corptui.output import render


@main.group("companies")
def companies_group() -> None:
    """Companies in the database."""


@companies_group.command("list")
@format_option(("table", "json"))
@pass_ctx
def list_cmd(obj, fmt: str) -> None:
    """List companies with their INN and number count."""
    from corptui.companies import list_companies

    obj.open()
    rows = [{"name": c["name"], "inn": c["inn"], "numbers": c["numbers"]} for c in list_companies()]
    click.echo(render(rows, fmt, ["name", "inn", "numbers"]))
