"""`corptui forwarding ...`: list, set (add or replace), delete call forwarding rules."""

from __future__ import annotations

import click

from corptui.cli import company_option, format_option, main, pass_ctx
from corptui.cli.numbers_input import company_numbers
from corptui.i18n import _, ngettext

CONDITIONS = ("unconditional", "busy", "no_answer", "unreachable")


@main.group("forwarding")
def forwarding_group() -> None:
    """Call forwarding of numbers."""


@forwarding_group.command("list")
@click.argument("msisdn")
@company_option()
@format_option(("table", "json", "csv"))
@pass_ctx
def list_cmd(obj, msisdn, company, fmt) -> None:
    """List the forwarding rules of a number."""
    from corptui import forwarding, scope
    from corptui.output import render

    session = obj.session(company, "cli forwarding list")
    sid = scope.one(session, msisdn, field_name="MSISDN")
    rows = forwarding.list_rules(session, sid)
    click.echo(render(rows, fmt, ["condition", "target", "delay_seconds", "active",
                                  "overridden"]))


@forwarding_group.command("set")
@click.argument("msisdns", nargs=-1, metavar="MSISDN...")
@click.option("--condition", required=True, type=click.Choice(CONDITIONS))
@click.option("--target", required=True, metavar="NUMBER", help="Forward to this number.")
@click.option("--delay", metavar="SECONDS", help="For no_answer: 5-30 s (20 by default).")
@click.option("--file", "file", metavar="FILE", help="Numbers from a file (one per line).")
@company_option()
@click.option("--dry-run", is_flag=True, help="Only show what would change.")
@pass_ctx
def set_cmd(obj, msisdns, condition, target, delay, file, company, dry_run) -> None:
    """Add or replace the CONDITION rule on every number (all or nothing)."""
    from corptui import forwarding

    session, found = company_numbers(obj, company, "cli forwarding set", msisdns, file)
    ids = set(found.values())
    if dry_run:
        p = forwarding.preview_set(session, ids, condition, target, delay)
        click.echo(ngettext("would set {condition} on {n} number(s): {new} new, {replaced} "
                            "replaced, {unchanged} unchanged",
                            "would set {condition} on {n} number(s): {new} new, {replaced} "
                            "replaced, {unchanged} unchanged", p["numbers"]).format(
            condition=condition, n=p["numbers"], new=p["new"], replaced=p["replaced"],
            unchanged=p["unchanged"]))
        return
    done = forwarding.bulk_set(session, ids, condition, target, delay)
    click.echo(ngettext("{condition} forwarding set on {n} number(s) ({changed} changed)",
                        "{condition} forwarding set on {n} number(s) ({changed} changed)",
                        done["numbers"]).format(condition=condition, n=done["numbers"],
                                                changed=done["changed"]))


@forwarding_group.command("delete")
@click.argument("msisdns", nargs=-1, metavar="MSISDN...")
@click.option("--condition", type=click.Choice(CONDITIONS), help="Only this rule.")
@click.option("--all", "all_rules", is_flag=True, help="Every rule of the numbers.")
@click.option("--file", "file", metavar="FILE", help="Numbers from a file (one per line).")
@company_option()
@pass_ctx
def delete_cmd(obj, msisdns, condition, all_rules, file, company) -> None:
    """Delete the CONDITION rule (or with --all every rule) of the numbers."""
    from corptui import forwarding
    from corptui.errors import ValidationError

    if bool(condition) == bool(all_rules):
        raise ValidationError(_("give either --condition or --all"), "condition")
    session, found = company_numbers(obj, company, "cli forwarding delete", msisdns, file)
    ids = set(found.values())
    done = forwarding.bulk_delete(session, ids, condition)
    click.echo(ngettext("deleted {deleted} rule(s) of {n} number(s)",
                        "deleted {deleted} rule(s) of {n} number(s)", done["numbers"]).format(
        deleted=done["deleted"], n=done["numbers"]))
