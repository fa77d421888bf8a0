"""`corptui applications ...`: the operator's side of access applications."""

from __future__ import annotations

import click

from corptui.cli import ModelChoice, format_option, main, pass_ctx
from corptui.i18n import _, ngettext
from corptui.output import render


@main.group("applications")
def applications_group() -> None:
    """Access applications of new companies (operator)."""


@applications_group.command("list")
@click.option("--status", type=ModelChoice("APPLICATION_STATUSES"), help="Only this status.")
@format_option(("table", "json"))
@pass_ctx
def list_cmd(obj, status: str | None, fmt: str) -> None:
    """List applications, newest first."""
    from corptui.applications import list_applications

    obj.open()
    rows = list_applications(status)
    if fmt == "json":
        click.echo(render(rows, fmt, []))
        return
    cols = ["id", "reference", "status", "company_name", "inn", "applicant", "numbers_count",
            "contact_phone", "contact_email", "created_at"]
    for row in rows:
        row["created_at"] = row["created_at"].strftime("%Y-%m-%d %H:%M") if row["created_at"] else ""
    click.echo(render(rows, fmt, cols, ["id", "reference", "status", "company", "inn",
                                        "applicant", "numbers", "phone", "email", "created (UTC)"]))


@applications_group.command("approve")
@click.argument("application")
@pass_ctx
def approve_cmd(obj, application: str) -> None:
    """Approve APPLICATION (id or reference): creates the company, its account, the
    numbers and the owner; prints the owner's login and temporary password."""
    from corptui.applications import approve
    from corptui.phones import format_msisdn

    obj.open()
    result = approve(application, operator="cli")
    click.echo(ngettext("approved {reference}: company {company}, account {account}, "
                        "{n} number(s)",
                        "approved {reference}: company {company}, account {account}, "
                        "{n} number(s)", result["numbers"]).format(
        reference=result["reference"], company=repr(result["company"]),
        account=result["account"], n=result["numbers"]))
    click.echo(_("login: {login}").format(login=format_msisdn(result["login"])))
    click.echo(_("temporary password: {password}").format(
        password=result["temporary_password"]))
    click.echo(_("it must be changed at first login; an email and an SMS are queued"))


@applications_group.command("reject")
@click.argument("application")
@click.option("--reason", required=True, help="Why; emailed to the applicant.")
@pass_ctx
def reject_cmd(obj, application: str, reason: str) -> None:
    """Reject APPLICATION (id or reference) with a reason (queued by email)."""
    from corptui.applications import reject

    obj.open()
    result = reject(application, reason, operator="cli")
    click.echo(_("rejected {reference}; an email with the reason is queued").format(
        reference=result["reference"]))
