"""`corptui undo last [--dry-run]`: undo the last bulk change (as the operator)."""

from __future__ import annotations

import click

from corptui.cli import company_option, main, pass_ctx


@main.group("undo")
def undo_group() -> None:
    """Undo a bulk change of the last 24 hours."""


@undo_group.command("last")
@click.option("--dry-run", is_flag=True, help="Only show what would be restored.")
@company_option()
@pass_ctx
def last_cmd(obj, dry_run, company) -> None:
    """Undo the company's last bulk change (tags, import, limits, forwarding)."""
    from corptui import undo

    session = obj.session(company, "cli undo last")
    result = undo.undo_last(session, dry_run=dry_run)
    when = result["at"].strftime("%Y-%m-%d %H:%M UTC")
    who = result["actor"] or "?"
    head = f"{result['label']} of {when} by {who}"
    if dry_run:
        click.echo(f"would undo {head}: {result['restorable']} number(s) restorable")
    else:
        click.echo(f"undid {head}: {result['restored']} number(s) restored")
    changed = result["changed_since"]
    if changed:
        click.echo(f"{len(changed)} number(s) changed since, left as they are:")
        for c in changed:
            click.echo(f"  {c['number']}: {c['what']}")
