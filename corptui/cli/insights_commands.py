"""`corptui insights unused|changes|blame`: unused lines and paid options, what changed
between two months, and who changed a number's option, tariff, limit, forwarding or tag."""

from __future__ import annotations

import click

from corptui.cli import company_option, main, pass_ctx
from corptui.i18n import N_, _, date_text, language, money
from corptui.output import render, to_json

# Table headers of these reports (render() translates them; JSON keeps its keys).
HEAD_EMPLOYEE, HEAD_LAST_USED, HEAD_MONTHLY = N_("employee"), N_("last used"), N_("₽ a month")
HEAD_OPTION, HEAD_WHY, HEAD_CHANGE, HEAD_WHO = N_("option"), N_("why"), N_("change"), N_("who")


def _fmt():
    return click.option("--format", "fmt", type=click.Choice(("table", "json")),
                        default="table", show_default=True, help="Output format.")


def _money(value) -> str:
    """A table cell (the column says ₽): "1,234.50" / "1 234,50" (corptui.i18n.money)."""
    return money(value, symbol=False)


def _month(day) -> str:
    """A billing month: 2026-09 (en) / 09.2026 (ru)."""
    return f"{day:%Y-%m}" if language() == "en" else f"{day:%m.%Y}"


def _signed(value) -> str:
    return ("+" if value > 0 else "") + _money(value)


def _section(heading: str, rows, columns, headers) -> str:
    """A titled table; the heading ends with its colon ("Lines:"), a whole msgid."""
    if not rows:
        return _("{heading} none").format(heading=heading)
    return f"{heading}\n" + render(rows, "table", columns, headers)


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
        row["last"] = date_text(row["last_used"]) if row["last_used"] else _("never")
    for row in options["lines"]:
        row["monthly_text"] = _money(row["monthly"])
    month = _month(lines["month"]) if lines["month"] else "-"
    click.echo(_("Unused lines: no usage from {since} to {until} ({days} days), recurring "
                 "charges of {month}: {n} numbers, {amount} a month").format(
        since=date_text(lines["since"]), until=date_text(lines["until"]), days=lines["days"],
        month=month, n=len(lines["lines"]), amount=money(lines["total"])))
    click.echo(_section(_("Lines:"), lines["lines"],
                        ("number", "employee", "account", "tariff", "last", "monthly_text"),
                        ("number", HEAD_EMPLOYEE, "account", "tariff", HEAD_LAST_USED,
                         HEAD_MONTHLY)))
    click.echo("\n" + _("Paid options never used: {n}, {total} a month").format(
        n=len(options["lines"]), total=money(options["total"])))
    click.echo(_section(_("Options:"), options["lines"],
                        ("number", "employee", "option_name", "unused", "monthly_text"),
                        ("number", HEAD_EMPLOYEE, HEAD_OPTION, HEAD_WHY, HEAD_MONTHLY)))


@insights_group.command("changes")
@company_option()
@click.option("--from", "month_a", metavar="YYYY-MM",
              help="The earlier month (default: the month before --to).")
@click.option("--to", "month_b", metavar="YYYY-MM",
              help="The later month (default: the latest billed month).")
@click.option("--account", metavar="NUMBER", help="Only this personal account.")
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 1000), help="Rows of the top lists.")
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
    text = (_("Changes of account {account} from {month_a} to {month_b}: {before} -> {after} "
              "({delta})") if r["account"] else
            _("Changes of the company from {month_a} to {month_b}: {before} -> {after} "
              "({delta})"))
    click.echo(text.format(account=r["account"], month_a=_month(r["month_a"]),
                           month_b=_month(r["month_b"]), before=money(t["a"]),
                           after=money(t["b"]), delta=_signed(t["delta"])))
    money_rows = ("kinds", "accounts", "roaming_spikes", "top_numbers")
    for key in money_rows:
        for row in r[key]:
            row["a_t"], row["b_t"], row["d_t"] = (_money(row["a"]), _money(row["b"]),
                                                  _signed(row["delta"]))
    for key in ("new_options", "removed_options"):
        for row in r[key]:
            row["monthly_text"] = _money(row["monthly"])
    for row in r["tariff_changes"]:
        row["when"] = date_text(row["at"]) if row["at"] else _("bill")
    mcols = ("a_t", "b_t", "d_t")
    mhead = (_month(r["month_a"]), _month(r["month_b"]), HEAD_CHANGE)
    click.echo(_section(_("By kind:"), r["kinds"], ("kind", *mcols), ("kind", *mhead)))
    click.echo(_section(_("By account:"), r["accounts"], ("account", *mcols),
                        ("account", *mhead)))
    num = ("number", "employee")
    head = ("number", HEAD_EMPLOYEE)
    click.echo(_section(_("New numbers:"), r["new_numbers"], (*num, "account"),
                        (*head, "account")))
    click.echo(_section(_("Removed numbers:"), r["removed_numbers"], (*num, "account"),
                        (*head, "account")))
    click.echo(_section(_("New paid options:"), r["new_options"],
                        (*num, "option_name", "monthly_text"),
                        (*head, HEAD_OPTION, HEAD_MONTHLY)))
    click.echo(_section(_("Removed paid options:"), r["removed_options"],
                        (*num, "option_name", "monthly_text"),
                        (*head, HEAD_OPTION, HEAD_MONTHLY)))
    click.echo(_section(_("Tariff changes:"), r["tariff_changes"],
                        (*num, "before", "after", "when", "actor"),
                        (*head, "before", "after", "when", HEAD_WHO)))
    click.echo(_section(_("Roaming spikes:"), r["roaming_spikes"], (*num, *mcols),
                        (*head, *mhead)))
    click.echo(_section(_("Top increases:"), r["top_numbers"], (*num, *mcols), (*head, *mhead)))


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
    click.echo(_("{label} of {number}: {current}").format(
        label=r["label"], number=r["number"], current=r["current"] or "-"))
    if "charge" in r:
        c = r["charge"]
        click.echo(_("Charge line {id}: {period} {amount} ({description})").format(
            id=c["id"], period=_month(c["period"]), amount=money(c["amount"]),
            description=c["description"]))
    rows = [{"at": f"{c['at']:%Y-%m-%d %H:%M}", "actor": c["actor"], "source": c["source"],
             "action": c["action"], "before": insights.describe(c["before"]),
             "after": insights.describe(c["after"])} for c in r["changes"]]
    if rows:
        click.echo(render(rows, "table", ("at", "actor", "source", "action", "before",
                                          "after")))
    if r["origin"]:
        click.echo(r["origin"])


@insights_group.command("tariffs")
@company_option()
@click.option("--threshold", default="50", show_default=True, metavar="RUB",
              help="Recommend a tariff only when it saves more than this a month.")
@_fmt()
@pass_ctx
def tariffs_cmd(obj, company, threshold, fmt) -> None:
    """For every number, its last three billed months rated again on every tariff it may
    have: the numbers a cheaper tariff would save more than the threshold a month, with
    the current and recommended tariff, the monthly saving and the total."""
    from corptui import tariff_optimiser
    from corptui.periods import parse_amount

    session = obj.session(company, "cli insights tariffs")
    run = tariff_optimiser.optimise(session, threshold=parse_amount(threshold, "threshold"))
    found = tariff_optimiser.advice(session)
    if fmt == "json":
        click.echo(to_json({"months": [m.strftime("%Y-%m") for m in run["months"]],
                            "numbers": run["numbers"], "total": found["total"],
                            "rows": [{k: v for k, v in r.items() if k != "subscriber_id"}
                                     for r in found["rows"]]}))
        return
    click.echo(tariff_optimiser.summary_text(run))
    rows = [{"number": r["msisdn"], "employee": r["employee"],
             "current": r["current_tariff"], "recommended": r["recommended_tariff"]
             + (" *" if r["by_application"] else ""),
             "now": _money(r["current_cost"]), "then": _money(r["recommended_cost"]),
             "saving": _money(r["saving"])} for r in found["rows"]]
    click.echo(_section(_("Numbers:"), rows,
                        ["number", "employee", "current", "recommended", "now", "then",
                         "saving"],
                        [N_("number"), HEAD_EMPLOYEE, N_("tariff"), N_("recommended"),
                         N_("₽ a month now"), N_("₽ a month then"), N_("saving, ₽")]))
    click.echo(_("Total saving: {amount} a month").format(amount=money(found["total"])))
    if any(r["by_application"] for r in found["rows"]):
        click.echo(_("* a tariff changed by a change application to the operator"))
