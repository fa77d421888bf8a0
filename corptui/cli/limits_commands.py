"""`corptui limits ...`: show and set communication limits of numbers."""

from __future__ import annotations

import click

from corptui.cli import company_option, format_option, main, pass_ctx
from corptui.cli.numbers_input import company_numbers
from corptui.i18n import _, ngettext


@main.group("limits")
def limits_group() -> None:
    """Communication limits: spending limit, data and roaming bans, notification."""


@limits_group.command("show")
@click.argument("msisdns", nargs=-1, required=True, metavar="MSISDN...")
@company_option()
@format_option(("table", "json", "csv"))
@pass_ctx
def show_cmd(obj, msisdns, company, fmt) -> None:
    """Show the limits of numbers (and whether they are near or over the limit)."""
    from corptui import limits
    from corptui.output import render

    session, found = company_numbers(obj, company, "cli limits show", msisdns, None)
    spend = limits.limit_spend(session, found.values())
    rows = []
    for msisdn, sid in sorted(found.items()):
        row = limits.get_limits(session, sid)
        info = spend[sid]
        rows.append({"msisdn": msisdn, "spending_limit": row["spending_limit"],
                     "spent": (limits.spend_line(info) if fmt == "table" else
                               info["spent"] if info["limit"] is not None else None),
                     "data_ban": row["data_ban"], "roaming_ban": row["roaming_ban"],
                     "notify_percent": row["limit_notify_percent"],
                     "action": row["limit_action"],
                     "notify_employee": row["limit_notify_employee"],
                     "state": info["state"] or ""})
    click.echo(render(rows, fmt, ["msisdn", "spending_limit", "spent", "data_ban",
                                  "roaming_ban", "notify_percent", "action", "notify_employee",
                                  "state"]))


@limits_group.command("set")
@click.argument("msisdns", nargs=-1, metavar="MSISDN...")
@click.option("--amount", metavar="RUB",
              help="Monthly spending limit in rubles: 1000, '1 000,50' or 1,000.50.")
@click.option("--remove-limit", is_flag=True, help="Remove the spending limit.")
@click.option("--data-ban/--no-data-ban", default=None, help="Ban (or allow) mobile data.")
@click.option("--roaming-ban/--no-roaming-ban", default=None, help="Ban (or allow) roaming.")
@click.option("--notify", "notify", metavar="PERCENT",
              help="Notify at this percent of the limit (1-100); 'none' removes it.")
@click.option("--action", "action", type=click.Choice(("notify", "block")), default=None,
              help="What reaching the limit does: notify only, or block outgoing paid "
                   "services until the next month or a raise.")
@click.option("--notify-employee/--no-notify-employee", "notify_employee", default=None,
              help="Tell the employee too (an SMS to the number).")
@click.option("--file", "file", metavar="FILE", help="Numbers from a file (one per line).")
@company_option()
@click.option("--dry-run", is_flag=True, help="Only show what would change.")
@pass_ctx
def set_cmd(obj, msisdns, amount, remove_limit, data_ban, roaming_ban, notify, action, notify_employee,
            file, company, dry_run) -> None:
    """Set limits on every number (all or nothing); options left out stay as they are."""
    from corptui import limits
    from corptui.errors import ValidationError

    session, found = company_numbers(obj, company, "cli limits set", msisdns, file)
    ids = set(found.values())
    changes = {}
    if remove_limit and amount is not None:
        raise ValidationError(_("give either --amount or --remove-limit, not both"), "amount")
    if amount is not None:
        changes["amount"] = amount
    if remove_limit:
        changes["amount"] = None
    if notify is not None:
        changes["notify_percent"] = notify
    if data_ban is not None:
        changes["data_ban"] = data_ban
    if roaming_ban is not None:
        changes["roaming_ban"] = roaming_ban
    if action is not None:
        changes["action"] = action
    if notify_employee is not None:
        changes["notify_employee"] = notify_employee
    if not changes:
        raise ValidationError(_("nothing to set: give --amount, --remove-limit, --notify, "
                                "--data-ban, --roaming-ban, --action or --notify-employee"),
                              "amount")
    if dry_run:
        p = limits.preview(session, ids, **changes)
        click.echo(ngettext("would change {changed} of {n} number(s)",
                            "would change {changed} of {n} number(s)", p["numbers"]).format(
            changed=p["changed"], n=p["numbers"]))
        return
    done = limits.set_limits(session, ids, **changes)
    click.echo(ngettext("limits set: {changed} of {n} number(s) changed",
                        "limits set: {changed} of {n} number(s) changed", done["numbers"]).format(
        changed=done["changed"], n=done["numbers"]))


@limits_group.command("check")
@company_option()
@pass_ctx
def check_cmd(obj, company) -> None:
    """Act on the limits now (the worker does it as charges arrive): tell who crossed a
    threshold this month, block the numbers whose limit blocks."""
    from corptui import limit_actions

    session = obj.session(company, "cli limits check")
    r = limit_actions.check(session.company_id)
    click.echo(_("near the limit: {near}, reached: {over}, blocked now: {blocked}, blocks "
                 "lifted: {lifted}, messages queued: {messages}").format(**r))
