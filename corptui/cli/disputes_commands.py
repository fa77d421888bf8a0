"""`corptui disputes list|open|accept|reject|review`: disputes of charge lines."""

from __future__ import annotations

import click

from corptui.cli import company_option, format_option, main, pass_ctx
from corptui.i18n import _

COLUMNS = ["id", "charge", "period", "number", "kind", "amount", "status", "credit", "reason"]


@main.group("disputes")
def disputes_group() -> None:
    """Disputes of charges (open, in review, accepted with a credit, rejected)."""


@disputes_group.command("list")
@company_option()
@format_option(("table", "json", "csv"))
@click.option("--status", type=click.Choice(("open", "in_review", "accepted", "rejected")),
              help="Only disputes of this status.")
@pass_ctx
def list_cmd(obj, company, fmt, status) -> None:
    """List the company's disputes, newest first."""
    from corptui.disputes import list_disputes
    from corptui.output import render

    session = obj.session(company, "cli disputes list")
    rows = list_disputes(session, status)
    if fmt == "json":
        click.echo(render(rows, fmt, list(rows[0]) if rows else COLUMNS))
        return
    if fmt == "table":
        for r in rows:
            r["reason"] = " ".join(r["reason"].split())[:40]
    click.echo(render(rows, fmt, COLUMNS))


@disputes_group.command("open")
@click.argument("charge_id")
@click.option("--reason", required=True, help="Why the charge is wrong.")
@click.option("--attachment", metavar="FILE", help="A file to attach (at most 10 MB).")
@company_option()
@pass_ctx
def open_cmd(obj, charge_id, reason, attachment, company) -> None:
    """Open a dispute of the charge CHARGE_ID (see `corptui export charges`)."""
    from corptui.disputes import open_dispute

    session = obj.session(company, "cli disputes open")
    d = open_dispute(session, charge_id, reason, attachment)
    click.echo(_("opened dispute {id} of charge {charge} ({amount})").format(
        id=d["id"], charge=d["charge"], amount=d["amount"]))


@disputes_group.command("review")
@click.argument("dispute_id")
@company_option()
@pass_ctx
def review_cmd(obj, dispute_id, company) -> None:
    """Mark a dispute as in review."""
    from corptui.disputes import set_status

    session = obj.session(company, "cli disputes review")
    d = set_status(session, dispute_id, "in_review")
    click.echo(_("dispute {id} is in review").format(id=d["id"]))


@disputes_group.command("accept")
@click.argument("dispute_id")
@click.option("--credit", required=True, metavar="AMOUNT", help="The credit in rubles.")
@click.option("--note", default=None, help="A note on the decision.")
@company_option()
@pass_ctx
def accept_cmd(obj, dispute_id, credit, note, company) -> None:
    """Accept a dispute with a credit (an adjustment payment)."""
    from corptui.disputes import accept

    session = obj.session(company, "cli disputes accept")
    d = accept(session, dispute_id, credit, note)
    click.echo(_("dispute {id} accepted: credit {credit} (adjustment payment)").format(
        id=d["id"], credit=d["credit"]))


@disputes_group.command("reject")
@click.argument("dispute_id")
@click.option("--reason", required=True, help="Why the dispute is rejected.")
@company_option()
@pass_ctx
def reject_cmd(obj, dispute_id, reason, company) -> None:
    """Reject a dispute with a reason."""
    from corptui.disputes import reject

    session = obj.session(company, "cli disputes reject")
    d = reject(session, dispute_id, reason)
    click.echo(_("dispute {id} rejected").format(id=d["id"]))
