"""CLI output: tables via tabulate, CSV and JSON. No textual import here."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import Decimal

from corptui.i18n import N_, _

FORMATS = ("table", "csv", "json")

# The table headers are the rows' keys (CSV and JSON keep them as they are, for scripts);
# marked here so a Russian table gets Russian headers: render() translates them.
HEADERS = (
    N_("account"), N_("accounts"), N_("action"), N_("active"), N_("actor"),
    N_("after"), N_("amount"), N_("applicant"), N_("at"), N_("attachment"), N_("attempts"),
    N_("balance"), N_("before"), N_("blocked"), N_("body"), N_("channel"),
    N_("charge"), N_("code"), N_("color"), N_("company"), N_("company_name"),
    N_("condition"), N_("connection_fee"), N_("contact"), N_("contact_email"),
    N_("contact_phone"), N_("copies"), N_("created_at"), N_("credit"),
    N_("data_ban"), N_("delay_seconds"), N_("desired"), N_("email"), N_("error"),
    N_("file"), N_("finished_at"), N_("format"), N_("full_name"), N_("iccid"), N_("id"),
    N_("inn"), N_("item"), N_("kind"), N_("label"), N_("last_error"), N_("last_login_at"),
    N_("last_payment_amount"), N_("last_payment_at"), N_("last_run_at"), N_("line"),
    N_("locked_by"), N_("locked_until"), N_("max_attempts"), N_("month_charges"),
    N_("msisdn"), N_("must_change_password"), N_("name"), N_("next_run_at"),
    N_("notify_percent"), N_("number"), N_("numbers"), N_("numbers_count"),
    N_("object_id"), N_("object_type"), N_("ok"), N_("period"), N_("period_from"),
    N_("period_to"), N_("phone"), N_("position"), N_("price"), N_("progress"),
    N_("protected"), N_("puk_failures"), N_("ready_at"), N_("reason"), N_("reasons"),
    N_("recipient"), N_("reference"), N_("roaming_ban"), N_("role"), N_("rules"),
    N_("run_after"), N_("sent_at"), N_("source"), N_("spending_limit"), N_("spent"), N_("state"),
    N_("status"), N_("subject"), N_("tags"), N_("target"), N_("tariff"), N_("text"),
    N_("type"), N_("when"),
)


def _default(value):
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def to_json(rows) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2, default=_default)


def _table_cell(value) -> str:
    """A table cell for people: money as the one formatter shows it ("1,500.00" /
    "1 500,00"; Decimal is money in this project), the rest as ``_cell``."""
    if isinstance(value, Decimal):
        from corptui.i18n import money

        return money(value, symbol=False)
    return _cell(value)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def write_csv(stream, rows, columns: Sequence[str]) -> int:
    """``render(rows, "csv", columns)`` streamed to ``stream`` row by row (the same bytes
    plus the final newline ``click.echo`` adds): constant memory for any number of rows."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(columns)
    n = 0
    for row in rows:
        writer.writerow([neutralise(_cell(row.get(c))) for c in columns])
        n += 1
    stream.flush()
    return n


def render(rows: Sequence[dict], fmt: str, columns: Sequence[str],
           headers: Sequence[str] | None = None) -> str:
    if fmt == "json":
        return to_json(list(rows))
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([neutralise(_cell(row.get(c))) for c in columns])
        return buf.getvalue().rstrip("\n")
    from tabulate import tabulate

    return tabulate(
        [[_table_cell(row.get(c)) for c in columns] for row in rows],
        headers=[_(h) for h in (headers or columns)],
        tablefmt="simple",
        disable_numparse=True,
    )


def neutralise(text: str) -> str:
    """Cells that a spreadsheet would run as a formula get a leading apostrophe."""
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text
