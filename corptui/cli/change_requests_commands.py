"""`corptui change-requests ...`: change applications to the operator."""

from __future__ import annotations

import click

from corptui.cli import company_option, format_option, main, pass_ctx
from corptui.cli.numbers_input import read_numbers
from corptui.i18n import _, ngettext


@main.group("change-requests")
def change_requests_group() -> None:
    """Change applications (changes that need the operator)."""


@change_requests_group.command("list")
@company_option()
@click.option("--status", type=click.Choice(("submitted", "in_progress", "done", "rejected",
                                             "cancelled")))
@format_option(("table", "json", "csv"))
@pass_ctx
def list_cmd(obj, company, status, fmt) -> None:
    """The company's change applications, newest first."""
    from corptui.change_applications import list_applications
    from corptui.output import render

    session = obj.session(company, "cli change-requests list")
    rows = list_applications(session, status)
    if fmt != "json":
        for r in rows:
            r["numbers"] = len(r["numbers"])
            r["created_at"] = r["created_at"].strftime("%Y-%m-%d %H:%M")
    click.echo(render(rows, fmt, ["reference", "status", "created_at", "numbers", "desired",
                                  "contact"]))


@change_requests_group.command("create")
@click.argument("msisdns", nargs=-1, metavar="MSISDN...")
@click.option("--desired", required=True, help="The desired tariff or services.")
@click.option("--contact", required=True, help="A phone number or email for the operator.")
@click.option("--comment", default="", help="Anything the operator should know.")
@click.option("--file", "file", metavar="FILE", help="Numbers from a file (one per line).")
@company_option()
@pass_ctx
def create_cmd(obj, msisdns, desired, contact, comment, file, company) -> None:
    """Send a change application for the numbers."""
    from corptui.change_applications import create

    session = obj.session(company, "cli change-requests create")
    app = create(session, read_numbers(msisdns, file), desired, comment, contact)
    n = len(app["numbers"])
    click.echo(ngettext("application {reference} submitted for {n} number(s)",
                        "application {reference} submitted for {n} number(s)", n).format(
        reference=app["reference"], n=n))


@change_requests_group.command("cancel")
@click.argument("reference")
@company_option()
@pass_ctx
def cancel_cmd(obj, reference, company) -> None:
    """Cancel a submitted change application."""
    from corptui.change_applications import cancel

    session = obj.session(company, "cli change-requests cancel")
    app = cancel(session, reference)
    click.echo(_("application {reference} cancelled").format(reference=app["reference"]))
