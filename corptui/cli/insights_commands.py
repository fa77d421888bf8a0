"""`corptui insights unused|changes|blame`: unused lines and paid options, what changed
between two months, and who changed a number's option, tariff, limit, forwarding or tag."""

from __future__ import annotations

import click

from corptui.cli import company_option, main, pass_ctx
from corptui.output import render, to_json


def _fmt():
    return click.option("--format", "fmt", type=click.Choice(("table", "json")),
                        default="table", show_default=True, help="Output format.")


def _money(value) -> str:
    return f"{value:,.2f}".replace(",", " ")


def _signed(value) -> str:
    return ("+" if value > 0 else "") + _money(value)


def _section(title: str, rows, columns, headers) -> str:
    if not rows:
        return f"{title}: none"
    return f"{title}:\n" + render(rows, "table", columns, headers)


@main.group("insights")
def insights_group() -> None:
    """Unused lines, month-over-month changes and who turned what on."""


@insights_group.command("unused")
@company_option()
@click.option("--days", default="60", show_default=True, metavar="N",
              help="No calls, SMS or data for N days (1-365).")
@click.option("--as-of", "as_of", metavar="DATE",
              help="Last day of the window (default: the end of the latest billed month).")
@click.option("--account", metavar="NUMBER", help="Only this personal account.")
@_fmt()
@pass_ctx
def unused_cmd(obj, company, days, as_of, account, fmt) -> None:
    """Numbers without usage but with recurring charges, and paid options never used,
    the most expensive first."""
    from corptui import insights

    session = obj.session(company, "cli insights unused")
    lines = insights.unused_lines(session, days=days, as_of=as_of, account=account)
    options = insights.unused_options(session, account=account)
    if fmt == "json":
        click.echo(to_json({"unused_lines": lines, "unused_options": options}))
        return
    for row in lines["lines"]:
        row["monthly_text"] = _money(row["monthly"])
        row["last"] = f"{row['last_used']:%Y-%m-%d}" if row["last_used"] else "never"
    for row in options["lines"]:
        row["monthly_text"] = _money(row["monthly"])
    month = f"{lines['month']:%Y-%m}" if lines["month"] else "-"
    click.echo(f"Unused lines: no usage from {lines['since']:%Y-%m-%d} to "
               f"{lines['until']:%Y-%m-%d} ({lines['days']} days), recurring charges of "
               f"{month}: {len(lines['lines'])} numbers, {_money(lines['total'])} RUB a month")
    click.echo(_section("Lines", lines["lines"],
                        ("number", "employee", "account", "tariff", "last", "monthly_text"),
                        ("number", "employee", "account", "tariff", "last used", "RUB/month")))
    click.echo(f"\nPaid options never used: {len(options['lines'])}, "
               f"{_money(options['total'])} RUB a month")
    click.echo(_section("Options", options["lines"],
                        ("number", "employee", "option_name", "unused", "monthly_text"),
                        ("number", "employee", "option", "why", "RUB/month")))


@insights_group.command("changes")
@company_option()
@click.option("--from", "month_a", metavar="YYYY-MM",
              help="The earlier month (default: the month before --to).")
@click.option("--to", "month_b", metavar="YYYY-MM",
              help="The later month (default: the latest billed month).")
@click.option("--account", metavar="NUMBER", help="Only this personal account.")
@click.option("--top", default=10, show_default=True, type=int, help="Rows of the top lists.")
@_fmt()
@pass_ctx
def changes_cmd(obj, company, month_a, month_b, account, top, fmt) -> None:
    """What changed between two months: numbers, paid options, tariffs, spending."""
    from corptui import insights

    session = obj.session(company, "cli insights changes")
    r = insights.changes(session, month_a, month_b, account=account, top=top)
    if fmt == "json":
        click.echo(to_json(r))
        return
    t = r["total"]
    scope = f"account {r['account']}" if r["account"] else "the company"
    click.echo(f"Changes of {scope} from {r['month_a']:%Y-%m} to {r['month_b']:%Y-%m}: "
               f"{_money(t['a'])} -> {_money(t['b'])} RUB ({_signed(t['delta'])})")
    money_rows = ("kinds", "accounts", "roaming_spikes", "top_numbers")
    for key in money_rows:
        for row in r[key]:
            row["a_t"], row["b_t"], row["d_t"] = (_money(row["a"]), _money(row["b"]),
                                                  _signed(row["delta"]))
    for key in ("new_options", "removed_options"):
        for row in r[key]:
            row["monthly_text"] = _money(row["monthly"])
    for row in r["tariff_changes"]:
        row["when"] = f"{row['at']:%Y-%m-%d}" if row["at"] else "bill"
    mcols = ("a_t", "b_t", "d_t")
    mhead = (f"{r['month_a']:%Y-%m}", f"{r['month_b']:%Y-%m}", "change")
    click.echo(_section("By kind", r["kinds"], ("kind", *mcols), ("kind", *mhead)))
    click.echo(_section("By account", r["accounts"], ("account", *mcols), ("account", *mhead)))
    num = ("number", "employee")
    click.echo(_section("New numbers", r["new_numbers"], (*num, "account"),
                        (*num, "account")))
    click.echo(_section("Removed numbers", r["removed_numbers"], (*num, "account"),
                        (*num, "account")))
    click.echo(_section("New paid options", r["new_options"],
                        (*num, "option_name", "monthly_text"), (*num, "option", "RUB/month")))
    click.echo(_section("Removed paid options", r["removed_options"],
                        (*num, "option_name", "monthly_text"), (*num, "option", "RUB/month")))
    click.echo(_section("Tariff changes", r["tariff_changes"],
                        (*num, "before", "after", "when", "actor"),
                        (*num, "before", "after", "when", "who")))
    click.echo(_section("Roaming spikes", r["roaming_spikes"], (*num, *mcols), (*num, *mhead)))
    click.echo(_section("Top increases", r["top_numbers"], (*num, *mcols), (*num, *mhead)))


@insights_group.command("blame")
@company_option()
@click.argument("number")
@click.argument("item", required=False)
@_fmt()
@pass_ctx
def blame_cmd(obj, company, number, item, fmt) -> None:
    """Who changed ITEM of NUMBER: option:CODE, tariff, limit, forwarding:CONDITION,
    tag:NAME or charge:ID. Without ITEM: the items of the number."""
    from corptui import insights

    session = obj.session(company, "cli insights blame")
    if not item:
        rows = insights.blame_items(session, number)
        click.echo(render(rows, fmt, ("item", "label")))
        return
    r = insights.blame(session, number, item)
    if fmt == "json":
        click.echo(to_json(r))
        return
    click.echo(f"{r['label']} of {r['number']}: {r['current'] or '-'}")
    if "charge" in r:
        c = r["charge"]
        click.echo(f"Charge line {c['id']}: {c['period']:%Y-%m} {_money(c['amount'])} RUB "
                   f"({c['description']})")
    rows = [{"at": f"{c['at']:%Y-%m-%d %H:%M}", "actor": c["actor"], "source": c["source"],
             "action": c["action"], "before": insights.describe(c["before"]),
             "after": insights.describe(c["after"])} for c in r["changes"]]
    if rows:
        click.echo(render(rows, "table", ("at", "actor", "source", "action", "before",
                                          "after")))
    if r["origin"]:
        click.echo(r["origin"])
