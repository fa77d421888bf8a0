"""`corptui options ...`: list, check, connect, disconnect, tariff."""

from __future__ import annotations

import click

from corptui.cli import company_option, format_option, main, pass_ctx
from corptui.i18n import _, ngettext


@main.group("options")
def options_group() -> None:
    """Options (services) of the numbers, and tariff changes."""


def _numbers(obj, company, source, msisdns, file):
    from corptui.cli.numbers_input import company_numbers

    return company_numbers(obj, company, source, msisdns, file)


def _number_options(f):
    f = click.option("--file", "file", metavar="FILE",
                     help="Numbers from a file (one per line, '-' for stdin).")(f)
    f = click.argument("msisdns", nargs=-1, metavar="MSISDN...")(f)
    return f


@options_group.command("list")
@company_option()
@format_option(("table", "json", "csv"))
@click.option("--all", "include_archived", is_flag=True, help="Archived options too.")
@pass_ctx
def list_cmd(obj, company, fmt, include_archived) -> None:
    """The options with their monthly price, connection fee and rules."""
    from corptui.options import list_options
    from corptui.output import render

    session = obj.session(company, "cli options list")
    rows = list_options(session, include_archived=include_archived)
    if fmt == "json":
        rows = [{k: r[k] for k in ("code", "name", "price", "connection_fee", "rules")}
                for r in rows]
    else:
        rows = [{**r, "rules": "; ".join(r["rules"])} for r in rows]
    click.echo(render(rows, fmt, ["code", "name", "price", "connection_fee", "rules"]))


def _check_rows(result, found):
    from corptui.phones import format_msisdn

    by_id = {sid: msisdn for msisdn, sid in found.items()}
    rows = []
    for sid in sorted(result, key=lambda i: by_id.get(i, "")):
        r = result[sid]
        rows.append({"msisdn": by_id.get(sid) or r["msisdn"], "ok": r["ok"],
                     "already": r.get("already", False), "reasons": r["reasons"]})
    for row in rows:
        row["number"] = format_msisdn(row["msisdn"] or "")
    return rows


@options_group.command("check")
@click.argument("option")
@_number_options
@company_option()
@click.option("--disconnect", "for_disconnect", is_flag=True,
              help="Check disconnecting instead of connecting.")
@click.option("--from", "date_from", metavar="DATE", help="When it would take effect.")
@format_option(("table", "json"))
@pass_ctx
def check_cmd(obj, option, msisdns, file, company, for_disconnect, date_from, fmt) -> None:
    """Can OPTION be connected to (or disconnected from) each number? Every reason a
    number cannot is listed."""
    from corptui.options import check
    from corptui.output import render

    session, found = _numbers(obj, company, "cli options check", msisdns, file)
    result = check(session, option, found.values(), at=date_from,
                   action="disconnect" if for_disconnect else "connect")
    rows = _check_rows(result, found)
    if fmt == "json":
        click.echo(render([{k: r[k] for k in ("msisdn", "ok", "already", "reasons")}
                           for r in rows], "json", []))
        return
    table = [{"number": r["number"],
              "ok": _("yes") if r["ok"] else (_("already") if r["already"] else "! " + _("no")),
              "reasons": "; ".join(r["reasons"])} for r in rows]
    click.echo(render(table, "table", ["number", "ok", "reasons"]))
    passing = sum(1 for r in rows if r["ok"])
    n = len(rows)
    text = (ngettext("{passing} of {n} can get it", "{passing} of {n} can get it", n)
            if not for_disconnect else
            ngettext("{passing} of {n} can lose it", "{passing} of {n} can lose it", n))
    line = text.format(passing=passing, n=n)
    already = sum(1 for r in rows if r["already"])
    if already:
        line += ", " + (_("{n} have it already") if not for_disconnect
                        else _("{n} do not have it")).format(n=already)
    click.echo(line)


def _report(kind, outcome, found, total) -> int:
    from corptui.phones import format_msisdn

    by_id = {sid: msisdn for msisdn, sid in found.items()}
    done = len(outcome["ids"])
    if outcome["skipped"]:
        text = ngettext("{what}: {done} of {n} number(s), {skipped} skipped",
                        "{what}: {done} of {n} number(s), {skipped} skipped", total)
    else:
        text = ngettext("{what}: {done} of {n} number(s)", "{what}: {done} of {n} number(s)",
                        total)
    line = text.format(what=kind, done=done, n=total, skipped=len(outcome["skipped"]))
    unchanged = outcome.get("unchanged", {})
    if unchanged:
        line += ", " + _("{n} already as asked").format(n=len(unchanged))
    click.echo(line)
    for sid, reasons in sorted(unchanged.items(), key=lambda kv: by_id.get(kv[0], "")):
        click.echo(f"    {format_msisdn(by_id.get(sid, ''))}: {'; '.join(reasons)}")
    for sid, reasons in sorted(outcome["skipped"].items(), key=lambda kv: by_id.get(kv[0], "")):
        click.echo(f"  ! {format_msisdn(by_id.get(sid, ''))}: {'; '.join(reasons)}", err=True)
    return 1 if outcome["skipped"] and not done else 0


@options_group.command("connect")
@click.argument("option")
@_number_options
@company_option()
@click.option("--from", "date_from", metavar="DATE",
              help="Start date (YYYY-MM-DD or DD.MM.YYYY); a future date plans it.")
@click.option("--until", "date_until", metavar="DATE", help="Last day (it ends after it).")
@pass_ctx
def connect_cmd(obj, option, msisdns, file, company, date_from, date_until) -> int:
    """Connect OPTION to the numbers that may have it (the others are listed with
    their reasons); all in one change."""
    from corptui.options import connect, get_option

    session, found = _numbers(obj, company, "cli options connect", msisdns, file)
    outcome = connect(session, option, found.values(), date_from, date_until)
    code = get_option(option).code
    verb = (_("{code} planned") if outcome["planned"] else _("{code} connected")).format(
        code=code)
    return _report(verb, outcome, found, len(found))


@options_group.command("disconnect")
@click.argument("option")
@_number_options
@company_option()
@click.option("--from", "date_from", metavar="DATE",
              help="Disconnect at the start of this day (default now).")
@click.option("--until", "date_until", metavar="DATE", hidden=True)
@pass_ctx
def disconnect_cmd(obj, option, msisdns, file, company, date_from, date_until) -> int:
    """Disconnect OPTION from the numbers that have it."""
    from corptui.errors import ValidationError
    from corptui.options import disconnect, get_option

    if date_until:
        raise ValidationError(_("--until applies to connect; use --from DATE to disconnect "
                                "on a date"), "date_until")
    session, found = _numbers(obj, company, "cli options disconnect", msisdns, file)
    outcome = disconnect(session, option, found.values(), date_from)
    code = get_option(option).code
    verb = (_("{code} disconnection planned") if outcome["planned"]
            else _("{code} disconnected")).format(code=code)
    return _report(verb, outcome, found, len(found))


@options_group.command("tariff")
@click.argument("tariff")
@_number_options
@company_option()
@click.option("--from", "date_from", metavar="DATE", help="A future date plans the change.")
@pass_ctx
def tariff_cmd(obj, tariff, msisdns, file, company, date_from) -> int:
    """Move the numbers to TARIFF (a tariff "by application" needs a change application)."""
    from corptui.options import change_tariff

    session, found = _numbers(obj, company, "cli options tariff", msisdns, file)
    outcome = change_tariff(session, found.values(), tariff, date_from)
    verb = (_("tariff {tariff} planned") if outcome["planned"]
            else _("tariff {tariff}")).format(tariff=tariff)
    return _report(verb, outcome, found, len(found))
