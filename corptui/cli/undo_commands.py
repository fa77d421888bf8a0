"""`corptui undo last [--dry-run]`: undo the last bulk change (as the operator)."""

from __future__ import annotations

import click

from corptui.cli import company_option, main, pass_ctx
from corptui.i18n import ngettext


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
    if dry_run:
        n = result["restorable"]
        text = ngettext("would undo {label} of {when} by {who}: {n} number(s) restorable",
                        "would undo {label} of {when} by {who}: {n} number(s) restorable", n)
    else:
        n = result["restored"]
        text = ngettext("undid {label} of {when} by {who}: {n} number(s) restored",
                        "undid {label} of {when} by {who}: {n} number(s) restored", n)
    click.echo(text.format(label=result["label"], when=when, who=who, n=n))
    changed = result["changed_since"]
    if changed:
        click.echo(ngettext("{n} number(s) changed since, left as they are:",
                            "{n} number(s) changed since, left as they are:",
                            len(changed)).format(n=len(changed)))
        for c in changed:
            click.echo(f"  {c['number']}: {c['what']}")
