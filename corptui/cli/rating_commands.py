"""`corptui tariffs list|show|set` (the catalogue with prices as data, edited by the
operator) and `corptui months list|rate|close` (rating and the month close)."""

from __future__ import annotations

import click

from corptui.cli import company_option, main, pass_ctx
from corptui.i18n import N_, _, money

HEADERS = {"code": N_("code"), "name": N_("name"), "fee": N_("monthly fee"),
           "minutes": N_("minutes"), "sms": N_("SMS"), "data_gb": N_("internet, GB"),
           "archived": N_("archived")}
STATE_WORDS = {"in_progress": N_("in progress"), "billed": N_("billed")}


@main.group("tariffs")
def tariffs_group() -> None:
    """Tariffs: fees, bundles and prices (the operator edits them)."""


@tariffs_group.command("list")
@click.option("--format", "fmt", type=click.Choice(("table", "json", "csv")), default="table",
              show_default=True, help="Output format.")
@pass_ctx
def tariffs_list(obj, fmt) -> None:
    """Every tariff with its monthly fee and bundles."""
    from corptui.output import render
    from corptui.rating import tariffs

    obj.open()
    rows = tariffs.catalogue()
    if fmt == "table":
        rows = [{**r, "fee": money(r["fee"]), "archived": _("yes") if r["archived"] else ""}
                for r in rows]
    cols = ["code", "name", "fee", "minutes", "sms", "data_gb", "archived"]
    click.echo(render(rows, fmt, cols, [HEADERS[c] for c in cols]))


@tariffs_group.command("show")
@click.argument("code")
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table",
              show_default=True, help="Output format.")
@pass_ctx
def tariffs_show(obj, code, fmt) -> None:
    """A tariff's card: fee, bundles, prices by call class and zone, roaming, and the
    options that change it."""
    from corptui.output import to_json
    from corptui.rating import tariffs

    obj.open()
    card = tariffs.card(code)
    if fmt == "json":
        click.echo(to_json({k: card[k] for k in ("code", "name", "fee", "archived",
                                                 "by_application", "rates", "options")}))
        return
    click.echo(_("{name} ({code}): {fee} a month").format(
        name=card["name"], code=card["code"], fee=money(card["fee"])))
    section = None
    for sec, label, value in card["lines"]:
        if sec != section:
            click.echo(sec)
            section = sec
        click.echo(f"  {label}: {value}")
    if card["options"]:
        click.echo(_("Options that change it"))
        for o in card["options"]:
            click.echo(f"  {o['name']} ({o['code']}, {money(o['fee'])}): {o['changes']}")


@tariffs_group.command("set")
@click.argument("code")
@click.argument("pairs", nargs=-1, metavar="KEY=VALUE...")
@click.option("--name", help="A new name.")
@click.option("--fee", metavar="RUB", help="A new monthly fee in rubles.")
@pass_ctx
def tariffs_set(obj, code, pairs, name, fee) -> None:
    """Change a tariff's prices (operator): KEY=VALUE with the keys minutes, sms,
    data_gb, data_unlimited, minute.onnet|mobile|fixed|long_distance,
    international.cis|europe|world, roaming.ZONE.out|in|sms|mb, incoming, sms_price,
    data_mb_price (prices in rubles). Months already billed keep their figures; the
    months in progress take it at their next rating."""
    from corptui.rating import tariffs

    obj.open()
    if not pairs and name is None and fee is None:
        raise click.UsageError(_("nothing to change: give KEY=VALUE, --name or --fee"))
    card = tariffs.set_tariff(code, list(pairs), name=name, fee=fee, actor="cli")
    click.echo(_("Tariff {code} saved: {fee} a month").format(code=card["code"],
                                                              fee=money(card["fee"])))


@tariffs_group.command("set-option")
@click.argument("code")
@click.argument("pairs", nargs=-1, required=True, metavar="KEY=VALUE...")
@pass_ctx
def tariffs_set_option(obj, code, pairs) -> None:
    """Change what an option adds or changes while connected (operator): the keys of
    `tariffs set` (bundles are added, prices replace the tariff's) and roaming_gb.ZONE
    (an included roaming bundle, GB)."""
    from corptui.rating import tariffs

    obj.open()
    done = tariffs.set_option(code, list(pairs), actor="cli")
    click.echo(_("Option {code} saved: {changes}").format(code=done["code"],
                                                          changes=done["changes"] or "-"))


@main.group("months")
def months_group() -> None:
    """Billing months: rating the records, the month close (operator)."""


@months_group.command("list")
@company_option()
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table",
              show_default=True, help="Output format.")
@pass_ctx
def months_list(obj, company, fmt) -> None:
    """The company's rated months: in progress (accruing) or billed (closed)."""
    from corptui.output import render
    from corptui.rating import billing

    session = obj.session(company, "cli months list")
    rows = [{"month": f"{r['month']:%Y-%m}", "state": r["state"],
             "rated_at": r["rated_at"], "closed_at": r["closed_at"]}
            for r in billing.months(session.company_id)]
    if fmt == "table":
        rows = [{**r, "state": _(STATE_WORDS.get(r["state"], r["state"])),
                 "rated_at": f"{r['rated_at']:%Y-%m-%d %H:%M}" if r["rated_at"] else "",
                 "closed_at": f"{r['closed_at']:%Y-%m-%d %H:%M}" if r["closed_at"] else ""}
                for r in rows]
    click.echo(render(rows, fmt, ["month", "state", "rated_at", "closed_at"],
                      [N_("month"), N_("state"), N_("rated"), N_("closed")]))


def _done(stats) -> str:
    from storage.fields import from_kopecks

    return _("{numbers} numbers, {records} records rated; {changed} records changed; "
             "total {total}").format(numbers=stats["numbers"], records=stats["records"],
                                     changed=stats["records_written"],
                                     total=money(from_kopecks(stats["total"])))


@months_group.command("rate")
@click.argument("month", metavar="YYYY-MM")
@company_option()
@pass_ctx
def months_rate(obj, month, company) -> None:
    """Rate the month again from its records (not a billed month). Running it twice
    gives the same result."""
    from corptui.rating import billing

    session = obj.session(company, "cli months rate")
    stats = billing.rate_company_month(session.company_id, billing.parse_month(month))
    click.echo(_done(stats))


@months_group.command("close")
@click.argument("month", metavar="YYYY-MM")
@company_option()
@pass_ctx
def months_close(obj, month, company) -> None:
    """Close a past month (operator): rated a last time, then billed and fixed. Invoices,
    acts and the reconciliation act use billed months only."""
    from corptui.rating import billing

    session = obj.session(company, "cli months close")
    stats = billing.close_month(session.company_id, billing.parse_month(month))
    click.echo(_("{month} is billed.").format(month=month.strip()) + " " + _done(stats))
