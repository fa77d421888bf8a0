"""`corptui payments unmatched` / `payments assign ID --account NO`: the payments of
imported bank statements that matched no personal account, and the operator's choice."""

from __future__ import annotations

import click

from corptui.cli import ID, company_option, main, pass_ctx
from corptui.i18n import _


@main.group("payments")
def payments_group() -> None:
    """Payments of imported bank statements."""


@payments_group.command("unmatched")
@company_option()
@click.option("--format", "fmt", type=click.Choice(("table", "csv", "json")), default="table",
              show_default=True, help="Output format.")
@pass_ctx
def unmatched_cmd(obj, company, fmt) -> None:
    """Statement payments that matched no personal account (oldest first), with why."""
    from corptui import statement_import
    from corptui.i18n import money
    from corptui.output import render

    session = obj.session(company, "cli payments unmatched")
    rows = statement_import.unmatched(session)
    columns = ["id", "number", "date", "amount", "payer", "payer_inn", "purpose", "reason"]
    if fmt == "table":
        if not rows:
            click.echo(_("No unmatched payments."))
            return
        shown = [{**r, "amount": money(r["amount"]), "date": r["date"].isoformat(),
                  "purpose": _cut(r["purpose"]), "payer": _cut(r["payer"])} for r in rows]
        click.echo(render(shown, "table", columns,
                          [_("id"), _("number"), _("date"), _("amount"), _("payer"),
                           _("INN"), _("purpose"), _("reason")]))
        return
    click.echo(render(rows, fmt, columns))


@payments_group.command("assign")
@click.argument("entry_id", metavar="ID", type=ID)
@click.option("--account", "account", required=True, metavar="NO",
              help="The personal account the payment is for.")
@company_option()
@pass_ctx
def assign_cmd(obj, entry_id, account, company) -> None:
    """Put the unmatched statement payment ID (see `payments unmatched`) on an account."""
    from corptui import statement_import
    from corptui.i18n import money

    session = obj.session(company, f"cli payments assign {entry_id}")
    done = statement_import.assign(session, entry_id, account)
    click.echo(_("payment of {amount} put on account {account}").format(
        amount=money(done["amount"]), account=done["account"]))


def _cut(text: str, width: int = 40) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= width else text[:width - 1] + "…"
