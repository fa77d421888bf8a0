"""`corptui export payments|charges|calls ...` and `corptui accounts list`.

Bad options exit 1 with a message naming the option (``--from: not a date: ...``); an
empty period is a valid, empty export (the header only)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from corptui.cli import company_option, format_option, main, pass_ctx
from corptui.i18n import N_, _, ngettext

EXPORT_FORMATS = ("csv", "xlsx", "pdf", "json")
SEPARATORS = {",": ",", ";": ";", "tab": "\t", "\\t": "\t", "\t": "\t"}


def _scope_options(fn):
    options = [
        company_option(),
        click.option("--numbers", default="", metavar="MSISDN,...",
                     help="Only these numbers (separated by commas or spaces, any usual form)."),
        click.option("--account", "accounts", multiple=True, metavar="NO",
                     help="Only this personal account (repeatable)."),
        click.option("--period", type=click.Choice(("this_month", "last_month", "quarter", "year")),
                     help="A preset period (relative to today); --from/--to override it."),
        click.option("--from", "date_from", default="", metavar="DATE",
                     help="First day (YYYY-MM-DD or DD.MM.YYYY, local time), or a month "
                          "(YYYY-MM: its first day)."),
        click.option("--to", "date_to", default="", metavar="DATE",
                     help="Last day (inclusive), or a month (YYYY-MM: its last day)."),
        click.option("--min", "amount_min", default="", metavar="AMOUNT", help="Smallest amount."),
        click.option("--max", "amount_max", default="", metavar="AMOUNT", help="Largest amount."),
        click.option("--type", "types", multiple=True, metavar="TYPE",
                     help="Payment type / charge kind / call kind (repeatable)."),
        click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default=None,
                     help="File format (default: from the output file's extension)."),
        click.option("--output", "-o", "output", required=True, metavar="FILE",
                     help="Output file, or - for standard output (csv, json)."),
        click.option("--force", is_flag=True, help="Overwrite an existing file."),
        click.option("--sep", default=",", metavar="SEP",
                     help="CSV separator: ',' (default), ';' (also decimal commas) or tab."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


class _Args:
    """The parsed common options, with errors that name the option."""

    def __init__(self, obj, company, numbers, accounts, period, date_from, date_to,
                 amount_min, amount_max, types, fmt, output, force, sep, source):
        from corptui import scope
        from corptui.companies import resolve_company
        from corptui.errors import ValidationError
        from corptui.periods import check_range, parse_amount, parse_day_or_month, preset, raise_errors
        from corptui.session import Session

        self.fmt = fmt or _format_from(output)
        self.sep = SEPARATORS.get(sep)
        if self.sep is None:
            raise ValidationError(_("--sep: use ',', ';' or tab, not {value}").format(
                value=repr(sep)), "--sep")
        if self.sep != "," and self.fmt != "csv":
            raise ValidationError(_("--sep applies to CSV only"), "--sep")
        lo = hi = None
        if period:
            lo, hi = preset(period, dt.date.today())
        lo = parse_day_or_month(date_from, "--from") or lo
        hi = parse_day_or_month(date_to, "--to", end=True) or hi
        self.date_from, self.date_to = lo, hi
        self.amount_min = parse_amount(amount_min, "--min")
        self.amount_max = parse_amount(amount_max, "--max")
        raise_errors(check_range(lo, hi, "--from", "--to", "date")
                     or check_range(self.amount_min, self.amount_max, "--min", "--max", "amount"))
        obj.open()
        self.company = resolve_company(company)
        self.session = Session.cli(self.company.id, source=source)
        self.subscriber_ids, self.account_ids = scope.numbers_and_accounts(
            self.session, numbers, accounts, numbers_field="--numbers",
            accounts_field="--account")
        self.types = tuple(types)
        self.output, self.force = output, force


def _format_from(output: str) -> str:
    from corptui.errors import ValidationError

    suffix = Path(output).suffix.lower().lstrip(".")
    if suffix in EXPORT_FORMATS:
        return suffix
    raise ValidationError(_("--format: give csv, xlsx, pdf or json (the output file has no "
                            "known extension)"), "--format")


DONE = {"payments": N_("payments"), "charges": N_("charges"), "calls": N_("calls")}


def _done(what: str, result) -> None:
    where = _("standard output") if result.path == "-" else result.path
    click.echo(ngettext("{what}: {rows} row written to {where}",
                        "{what}: {rows} rows written to {where}", result.rows).format(
        what=_(DONE[what]), rows=result.rows, where=where),
               err=result.path == "-")


@main.group("export")
def export_group() -> None:
    """Export payments, charges or call details to CSV, XLSX, PDF or JSON."""


@export_group.command("payments")
@_scope_options
@pass_ctx
def export_payments(obj, **opts) -> None:
    """Payments received on the company's accounts."""
    from corptui import payments

    a = _Args(obj, **opts, source="cli export payments")
    flt = payments.PaymentFilter(
        subscriber_ids=a.subscriber_ids, account_ids=a.account_ids, amount_min=a.amount_min,
        amount_max=a.amount_max, date_from=a.date_from, date_to=a.date_to,
        types=_checked(a.types, payments.PAYMENT_TYPES,
                       N_("--type: unknown payment type {value} (use {allowed})")),
        sort="date", descending=False)
    result = payments.export(a.session, flt, a.fmt, a.output, company_name=a.company.name,
                             force=a.force, sep=a.sep)
    _done("payments", result)


@export_group.command("charges")
@_scope_options
@pass_ctx
def export_charges(obj, **opts) -> None:
    """Charge lines by month (--from/--to select whole months)."""
    from corptui import charges

    a = _Args(obj, **opts, source="cli export charges")
    flt = charges.ChargeFilter(
        subscriber_ids=a.subscriber_ids, account_ids=a.account_ids, date_from=a.date_from,
        date_to=a.date_to,
        kinds=_checked(a.types, charges.KINDS,
                       N_("--type: unknown charge kind {value} (use {allowed})")),
        amount_min=a.amount_min, amount_max=a.amount_max)
    result = charges.export(a.session, flt, a.fmt, a.output, company_name=a.company.name,
                            force=a.force, sep=a.sep)
    _done("charges", result)


@export_group.command("calls")
@_scope_options
@click.option("--direction", type=click.Choice(("in", "out")), default=None)
@click.option("--roaming/--no-roaming", default=None, help="Only roaming / only home records.")
@pass_ctx
def export_calls(obj, direction, roaming, **opts) -> None:
    """Call-detail records of the numbers (--account: the account's numbers)."""
    from corptui import calls
    from corptui.numbers import NumberFilter, matching_ids
    from storage.models import CALL_KINDS

    a = _Args(obj, **opts, source="cli export calls")
    ids = set(a.subscriber_ids)
    for acc in opts["accounts"]:
        ids.update(matching_ids(a.session, NumberFilter(account=acc)))
    scope = tuple(sorted(ids)) if (a.subscriber_ids or a.account_ids) else None
    flt = calls.CallFilter(
        subscriber_ids=scope, date_from=a.date_from, date_to=a.date_to,
        directions=(direction,) if direction else (),
        kinds=_checked(a.types, CALL_KINDS,
                       N_("--type: unknown call kind {value} (use {allowed})")),
        roaming=roaming,
        amount_min=a.amount_min, amount_max=a.amount_max)
    result = calls.export(a.session, flt, a.fmt, a.output, company_name=a.company.name,
                          force=a.force, sep=a.sep)
    _done("calls", result)


def _checked(values, allowed, message: str) -> tuple[str, ...]:
    from corptui.errors import ValidationError

    for v in values:
        if v not in allowed:
            raise ValidationError(_(message).format(value=repr(v), allowed=", ".join(allowed)),
                                  "--type")
    return tuple(values)


@main.group("accounts")
def accounts_group() -> None:
    """The company's personal accounts."""


@accounts_group.command("list")
@company_option()
@format_option(("table", "csv", "json"))
@pass_ctx
def accounts_list(obj, company, fmt) -> None:
    """Accounts with balance, numbers, this month's charges and the last payment."""
    from corptui.accounts import list_accounts
    from corptui.output import render

    session = obj.session(company, "cli accounts list")
    rows = list_accounts(session)
    keys = ["number", "name", "balance", "numbers", "month_charges", "last_payment_at",
            "last_payment_amount"]
    if fmt == "table":
        for r in rows:
            r["last_payment_at"] = (r["last_payment_at"].astimezone().strftime("%Y-%m-%d %H:%M")
                                    if r["last_payment_at"] else "")
    click.echo(render([{k: r[k] for k in keys} for r in rows], fmt, keys))
    sys.stdout.flush()
