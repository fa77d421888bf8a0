"""`corptui tags ...`: list, create, rename, recolor, delete, assign."""

from __future__ import annotations

import click

from corptui.cli import company_option, format_option, main, pass_ctx
from corptui.i18n import _


@main.group("tags")
def tags_group() -> None:
    """Tags (groups of numbers)."""


@tags_group.command("list")
@company_option()
@format_option(("table", "json", "csv"))
@pass_ctx
def list_cmd(obj, company, fmt) -> None:
    """List the company's tags with how many numbers carry each."""
    from corptui.output import render
    from corptui.tags import list_tags

    session = obj.session(company, "cli tags list")
    rows = [{k: r[k] for k in ("name", "color", "numbers")} for r in list_tags(session)]
    click.echo(render(rows, fmt, ["name", "color", "numbers"]))


@tags_group.command("create")
@click.argument("name")
@company_option()
@click.option("--color", default="blue", show_default=True,
              type=click.Choice(("red", "green", "blue", "yellow", "magenta", "cyan", "white")))
@pass_ctx
def create_cmd(obj, name, company, color) -> None:
    """Create a tag."""
    from corptui.tags import create_tag

    session = obj.session(company, "cli tags create")
    tag = create_tag(session, name, color)
    click.echo(_("created tag {name} ({color})").format(name=tag["name"], color=tag["color"]))


@tags_group.command("rename")
@click.argument("name")
@click.argument("new_name")
@company_option()
@pass_ctx
def rename_cmd(obj, name, new_name, company) -> None:
    """Rename a tag."""
    from corptui.tags import get_tag, rename_tag

    session = obj.session(company, "cli tags rename")
    tag = rename_tag(session, get_tag(session, name).id, new_name)
    click.echo(_("renamed tag {name} to {new_name}").format(name=name, new_name=tag["name"]))


@tags_group.command("recolor")
@click.argument("name")
@click.argument("color", type=click.Choice(("red", "green", "blue", "yellow", "magenta", "cyan",
                                            "white")))
@company_option()
@pass_ctx
def recolor_cmd(obj, name, color, company) -> None:
    """Change the color of a tag."""
    from corptui.tags import get_tag, recolor_tag

    session = obj.session(company, "cli tags recolor")
    tag = recolor_tag(session, get_tag(session, name).id, color)
    click.echo(_("tag {name} is now {color}").format(name=tag["name"], color=tag["color"]))


@tags_group.command("delete")
@click.argument("name")
@company_option()
@click.option("--yes", is_flag=True, help="Delete even when numbers carry the tag.")
@pass_ctx
def delete_cmd(obj, name, company, yes) -> int | None:
    """Delete a tag (a tag in use needs --yes)."""
    from corptui.errors import Conflict
    from corptui.tags import delete_tag, get_tag, tag_usage

    session = obj.session(company, "cli tags delete")
    tag = get_tag(session, name)
    used = tag_usage(session, tag.id)
    if used and not yes:
        raise Conflict(_("tag {name} is on {n} number(s): add --yes to delete it").format(
            name=tag.name, n=used))
    n = delete_tag(session, tag.id)
    click.echo(_("deleted tag {name} (it was on {n} number(s))").format(name=tag.name, n=n))
    return None


@tags_group.command("assign")
@click.argument("tag")
@click.argument("msisdns", nargs=-1, metavar="MSISDN...")
@click.option("--remove", is_flag=True, help="Remove the tag instead of adding it.")
@click.option("--file", "file", metavar="FILE", help="Numbers from a file (one per line).")
@company_option()
@click.option("--dry-run", is_flag=True, help="Only show what would change.")
@pass_ctx
def assign_cmd(obj, tag, msisdns, remove, file, company, dry_run) -> None:
    """Add TAG to (or with --remove take it off) the numbers given as arguments, in
    --file, or on stdin with '-'. An unknown number or tag changes nothing."""
    from corptui import tags as tags_uc
    from corptui.cli.numbers_input import company_numbers

    session, found = company_numbers(obj, company, "cli tags assign", msisdns, file)
    kwargs = {"remove": [tag]} if remove else {"add": [tag]}
    fn = tags_uc.preview_assign if dry_run else tags_uc.assign
    summary = fn(session, set(found.values()), **kwargs)
    name = tags_uc.get_tag(session, tag).name
    n = len(found)
    if remove:
        text = (_("tag {name}: would be removed from {changed} of {n} number(s)") if dry_run
                else _("tag {name}: removed from {changed} of {n} number(s)"))
        click.echo(text.format(name=name, changed=summary["removes"], n=n))
    else:
        text = (_("tag {name}: would be added to {changed} of {n} number(s) ({had} already "
                  "had it)") if dry_run else
                _("tag {name}: added to {changed} of {n} number(s) ({had} already had it)"))
        click.echo(text.format(name=name, changed=summary["adds"], n=n,
                               had=n - summary["adds"]))
