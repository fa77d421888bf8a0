"""`corptui spend tags` (spend per tag per month against budgets, with an export) and
`corptui tags budget NAME AMOUNT`."""

from __future__ import annotations

import click

from corptui.cli import company_option, main, pass_ctx
from corptui.cli.tags_commands import tags_group
from corptui.i18n import N_, _, money, ngettext

HEAD_TAG, HEAD_BUDGET, HEAD_USE = N_("tag"), N_("budget"), N_("budget used")
HEAD_SHARED, HEAD_GROWTH = N_("also in another tag"), N_("change")


def _pct(value) -> str:
    return "" if value is None else f"{value:+}%" if value else "0%"


def _rows(r: dict) -> list[dict]:
    out = []
    for row in r["rows"]:
        out.append({"tag": row["name"], "numbers": row["numbers"], "shared": row["shared"],
                    "budget": row["budget"], "spend": row["current"],
                    "previous": row["previous"], "growth": row["growth"], "use": row["use"],
                    "over": row["over"],
                    "months": {f"{m:%Y-%m}": v for m, v in row["spend"].items()}})
    return out


@main.group("spend")
def spend_group() -> None:
    """Spend per tag (department, city) per month against budgets."""


@spend_group.command("tags")
@click.option("--month", metavar="YYYY-MM", help="The month (default: the latest charged).")
@click.option("--format", "fmt", type=click.Choice(("table", "json", "csv")), default="table",
              show_default=True, help="Output format.")
@click.option("--export", "export", metavar="FILE",
              help="Write the table to FILE (.csv, .xlsx, .pdf or .json) instead.")
@click.option("--force", is_flag=True, help="Overwrite FILE.")
@company_option()
@pass_ctx
def tags_cmd(obj, month, fmt, export, force, company) -> None:
    """Spend per tag: the month, the month before, growth, budget and its use. A number
    with several tags counts in each of them (the note under the table says by how much)."""
    from pathlib import Path

    from corptui import spend
    from corptui.companies import session_header
    from corptui.output import render

    session = obj.session(company, "cli spend tags")
    if export:
        suffix = Path(export).suffix.lower().lstrip(".") or "csv"
        done = spend.export_by_tag(session, suffix, export, month, force=force,
                                   company_name=session_header(session).get("company", ""))
        click.echo(ngettext("wrote {rows} row to {path}", "wrote {rows} rows to {path}",
                            done.rows).format(rows=done.rows, path=done.path))
        return
    r = spend.by_tag(session, month)
    rows = _rows(r)
    if fmt != "table":
        if fmt == "csv":
            for row in rows:
                row.pop("months")
        click.echo(render(rows, fmt, ["tag", "numbers", "shared", "budget", "spend",
                                      "previous", "growth", "use", "over"] if fmt == "csv"
                          else list(rows[0]) if rows else []))
        return
    if r["month"] is None:
        click.echo(_("No charges yet."))
        return
    for row in rows:
        row["spend"] = money(row["spend"], symbol=False)
        row["previous"] = money(row["previous"], symbol=False)
        row["budget"] = "" if row["budget"] is None else money(row["budget"], symbol=False)
        row["growth"] = _pct(row["growth"])
        row["use"] = "" if row["use"] is None else f"{row['use']}%" + (" !" if row["over"] else "")
    prev = r["months"][-2]
    click.echo(_("Spend by tag, {month:%m.%Y} against {prev:%m.%Y}").format(
        month=r["month"], prev=prev))
    click.echo(render(rows, "table", ["tag", "numbers", "shared", "spend", "previous", "growth",
                                      "budget", "use"],
                      [HEAD_TAG, "numbers", HEAD_SHARED, f"{r['month']:%m.%Y}",
                       f"{prev:%m.%Y}", HEAD_GROWTH, HEAD_BUDGET, HEAD_USE]))
    click.echo(_("Company total: {total}").format(total=money(r["total"][r["month"]])))
    if r["shared_numbers"]:
        click.echo(ngettext(
            "{n} number carries several tags and counts in each of them: the rows add up "
            "to {overlap} more than the total.",
            "{n} numbers carry several tags and count in each of them: the rows add up "
            "to {overlap} more than the total.", r["shared_numbers"]).format(
            n=r["shared_numbers"], overlap=money(r["overlap"])))


@tags_group.command("budget")
@click.argument("name")
@click.argument("amount")
@company_option()
@pass_ctx
def budget_cmd(obj, name, amount, company) -> None:
    """Set a tag's monthly budget in rubles ('none' removes it)."""
    from corptui import spend

    session = obj.session(company, "cli tags budget")
    done = spend.set_budget(session, name, amount)
    if done["budget"] is None:
        click.echo(_("{name}: no budget").format(name=done["name"]))
    else:
        click.echo(_("{name}: budget {budget} a month").format(
            name=done["name"], budget=money(done["budget"])))
