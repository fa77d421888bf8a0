"""`corptui sims ...`: the SIM stock, importing stock, replacing a number's SIM."""

from __future__ import annotations

import sys

import click

from corptui.cli import company_option, format_option, main, pass_ctx
from corptui.i18n import _, ngettext


@main.group("sims")
def sims_group() -> None:
    """SIM cards: stock and replacement."""


@sims_group.command("stock")
@company_option()
@click.option("--state", type=click.Choice(("in_stock", "locked", "active", "retired", "all")),
              default="in_stock", show_default=True)
@format_option(("table", "json", "csv"))
@pass_ctx
def stock_cmd(obj, company, state, fmt) -> None:
    """List the company's SIM cards (by default the usable stock)."""
    from corptui.output import render
    from corptui.sims import stock

    session = obj.session(company, "cli sims stock")
    rows = stock(session, state)
    click.echo(render(rows, fmt, ["iccid", "state", "puk_failures", "msisdn"]))


@sims_group.command("import")
@click.argument("file", metavar="FILE")
@company_option()
@click.option("--dry-run", is_flag=True, help="Only check the file.")
@pass_ctx
def import_cmd(obj, file, company, dry_run) -> int | None:
    """Add SIMs to the stock from FILE: one "ICCID;PUK1" a line ('-' for stdin). A bad
    line imports nothing; every bad line is listed."""
    from corptui import sims

    session = obj.session(company, "cli sims import")
    if file == "-":
        text = sys.stdin.read()
    else:
        try:
            with open(file, encoding="utf-8-sig", errors="replace") as fh:
                text = fh.read()
        except OSError as exc:
            raise click.BadParameter(_("cannot read {file}: {error}").format(
                file=file, error=exc.strerror),
                                     param_hint="FILE") from None
    checked = sims.preview_import(session, text)
    for no, msg in checked["errors"]:
        click.echo(_("line {line}: {message}").format(line=no, message=msg), err=True)
    if checked["errors"]:
        n = len(checked["errors"])
        click.echo(_("Error: {message}").format(message=ngettext(
            "{n} bad line(s), nothing imported", "{n} bad line(s), nothing imported", n).format(
            n=n)), err=True)
        return 1
    if dry_run:
        click.echo(ngettext("{n} SIM(s) would be imported", "{n} SIM(s) would be imported",
                            checked["rows"]).format(n=checked["rows"]))
        return None
    done = sims.import_stock(session, text)
    click.echo(ngettext("imported {n} SIM(s) into the stock",
                        "imported {n} SIM(s) into the stock", done["imported"]).format(
        n=done["imported"]))
    return None


@sims_group.command("replace")
@click.argument("msisdn")
@click.option("--iccid", required=True, help="ICCID of a SIM in the company's stock.")
@click.option("--puk-stdin", is_flag=True, help="Read the PUK1 from stdin (else prompted).")
@company_option()
@pass_ctx
def replace_cmd(obj, msisdn, iccid, puk_stdin, company) -> None:
    """Replace the SIM of MSISDN with the stock SIM ICCID (its PUK1 is checked; three
    wrong PUKs lock that SIM). The PUK is never an argument: it would stay in the shell
    history."""
    from corptui import scope, sims

    session = obj.session(company, "cli sims replace")
    sid = scope.one(session, msisdn, field_name="MSISDN")
    if puk_stdin:
        puk = sys.stdin.readline().strip()
    else:
        puk = click.prompt("PUK1", hide_input=True)
    done = sims.replace_sim(session, sid, iccid, puk)
    old = ", ".join(done["old"]) or _("none")
    click.echo(_("SIM of {msisdn} replaced: {new} is active, retired {old}").format(
        msisdn=msisdn, new=done["new"], old=old))
