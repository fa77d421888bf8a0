"""`corptui documents ...` (order, list, save, send, reorder, delete) and
`corptui schedules ...` (automatic reports). The documents are built by `corptui worker`."""

from __future__ import annotations

import sys

import click

from corptui.cli import ID, company_option, format_option, main, pass_ctx
from corptui.i18n import N_, _, ngettext

DOC_TYPES = ("reconciliation", "invoice", "act", "invoice-facture", "upd", "charges",
             "payments", "calls")
LANGS = ("ru", "en")


def _split(values) -> list[str]:
    out = []
    for v in values:
        out.extend(p.strip() for p in v.replace(";", ",").split(",") if p.strip())
    return out


def _read_password() -> str:
    from corptui.errors import ValidationError

    line = sys.stdin.readline()
    password = line.rstrip("\r\n")
    if not password:
        raise ValidationError(_("--password-stdin: no password on standard input"),
                              "password")
    return password


@main.group("documents")
def documents_group() -> None:
    """Accounting documents: order, history, save, send by email."""


@documents_group.command("order")
@click.argument("doc_type", metavar="TYPE", type=click.Choice(DOC_TYPES))
@company_option()
@click.option("--account", "accounts", multiple=True, metavar="NO",
              help="Personal account (repeatable or comma-separated).")
@click.option("--numbers", "numbers", multiple=True, metavar="MSISDN,...",
              help="Only these numbers (comma-separated; default: all of the accounts).")
@click.option("--from", "date_from", required=True, metavar="DATE", help="First day.")
@click.option("--to", "date_to", required=True, metavar="DATE", help="Last day (inclusive).")
@click.option("--format", "fmt", type=click.Choice(("pdf", "xlsx", "csv")), default="pdf",
              show_default=True)
@click.option("--copies", type=int, default=1, show_default=True, help="Copies (PDF).")
@click.option("--email", default="", metavar="ADDR", help="Email the document when ready.")
@click.option("--sms", default="", metavar="PHONE", help="SMS when the document is ready.")
@click.option("--password-stdin", is_flag=True,
              help="Protect the document with a password read from standard input.")
@click.option("--language", type=click.Choice(LANGS), default=None,
              help="The document's language (default: yours).")
@click.option("--excel-ru/--plain-csv", "excel_ru", default=None,
              help="CSV for Russian Excel: BOM, ';', decimal comma (default: on in Russian).")
@pass_ctx
def order_cmd(obj, doc_type, company, accounts, numbers, date_from, date_to, fmt, copies,
              email, sms, password_stdin, language, excel_ru) -> None:
    """Order a document (built in the background by `corptui worker`)."""
    from corptui import documents

    password = _read_password() if password_stdin else None
    session = obj.session(company, f"cli documents order {doc_type}")
    doc = documents.order(session, doc_type, _split(accounts), _split(numbers), date_from,
                          date_to, fmt, copies=copies, notify_email=email or None,
                          notify_sms=sms or None, password=password, language=language,
                          excel_ru=excel_ru)
    click.echo(_("document {id} queued ({type}, {format}); `corptui worker --once` builds "
                 "it").format(id=doc.id, type=_(documents.TYPE_LABELS[doc.type]),
                              format=doc.format))


@documents_group.command("list")
@company_option()
@format_option(("table", "csv", "json"))
@pass_ctx
def list_cmd(obj, company, fmt) -> None:
    """The order history, newest first."""
    from corptui import documents
    from corptui.output import render

    session = obj.session(company, "cli documents list")
    rows = documents.list_documents(session)
    keys = ["id", "type", "format", "accounts", "numbers", "period_from", "period_to",
            "copies", "state", "progress", "protected", "error", "file", "created_at",
            "ready_at"]
    if fmt == "table":
        keys = ["id", "type", "format", "accounts", "period_from", "period_to", "state",
                "progress", "protected", "error"]
        for r in rows:
            n = len(r["numbers"])
            if n:
                r["accounts"] = ", ".join(
                    r["accounts"] + [ngettext("{n} number", "{n} numbers", n).format(n=n)])
    click.echo(render([{k: r[k] for k in keys} for r in rows], fmt, keys))


@documents_group.command("save")
@click.argument("doc_id", type=ID)
@company_option()
@click.option("--output", "-o", required=True, metavar="FILE", help="Where to save it.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option("--password-stdin", is_flag=True,
              help="The document's password from standard input (protected documents).")
@click.option("--zip", "as_zip", is_flag=True,
              help="A protected PDF/XLSX as an AES-256 ZIP instead of an encrypted file.")
@pass_ctx
def save_cmd(obj, doc_id, company, output, force, password_stdin, as_zip) -> None:
    """Save a ready document to a file (encrypted with its password when protected)."""
    from corptui import documents

    password = _read_password() if password_stdin else None
    session = obj.session(company, "cli documents save")
    path = documents.save_to(session, doc_id, output, force=force, password=password,
                             as_zip=as_zip)
    click.echo(_("document {id} saved to {path}").format(id=doc_id, path=path))


@documents_group.command("send")
@click.argument("doc_id", type=ID)
@company_option()
@click.option("--email", required=True, metavar="ADDR")
@click.option("--password-stdin", is_flag=True,
              help="The document's password from standard input: attaches the protected file.")
@click.option("--zip", "as_zip", is_flag=True,
              help="A protected PDF/XLSX as an AES-256 ZIP instead of an encrypted file.")
@pass_ctx
def send_cmd(obj, doc_id, company, email, password_stdin, as_zip) -> None:
    """Email a ready document (queued in the outbox; the worker sends it)."""
    from corptui import documents

    password = _read_password() if password_stdin else None
    session = obj.session(company, "cli documents send")
    nid = documents.send(session, doc_id, email, password=password, as_zip=as_zip)
    click.echo(_("document {id} queued for {email} (outbox {outbox})").format(
        id=doc_id, email=email, outbox=nid))


@documents_group.command("preview")
@click.argument("doc_id", type=int)
@company_option()
@pass_ctx
def preview_cmd(obj, doc_id, company) -> None:
    """Print a ready document's text layout (parties, tables, totals)."""
    from corptui import documents

    session = obj.session(company, "cli documents preview")
    click.echo(documents.preview(session, doc_id))


@documents_group.command("set-forms")
@click.argument("forms", type=click.Choice(("act-invoice", "upd")))
@company_option()
@click.option("--director", default=None, metavar="NAME", help="Who signs as the director.")
@click.option("--accountant", default=None, metavar="NAME",
              help="Who signs as the chief accountant.")
@pass_ctx
def set_forms_cmd(obj, forms, company, director, accountant) -> None:
    """The company's closing documents: act of services + invoice-facture, or UPD."""
    from corptui import documents

    session = obj.session(company, "cli documents set-forms")
    row = documents.set_forms(session, forms, director, accountant)
    click.echo(_("closing documents: {forms}").format(
        forms=", ".join(_(documents.TYPE_LABELS[t])
                        for t in documents.closing_types(row["document_set"]))))


@documents_group.command("reorder")
@click.argument("doc_id", type=ID)
@company_option()
@pass_ctx
def reorder_cmd(obj, doc_id, company) -> None:
    """Order a document again (same type, scope, period, format)."""
    from corptui import documents

    session = obj.session(company, "cli documents reorder")
    doc = documents.reorder(session, doc_id)
    click.echo(_("document {id} queued (again from {old})").format(id=doc.id, old=doc_id))


@documents_group.command("delete")
@click.argument("doc_id", type=ID)
@company_option()
@pass_ctx
def delete_cmd(obj, doc_id, company) -> None:
    """Delete a document from the history, with its file."""
    from corptui import documents

    session = obj.session(company, "cli documents delete")
    documents.delete(session, doc_id)
    click.echo(_("document {id} deleted").format(id=doc_id))


# -- schedules ------------------------------------------------------------------------


@main.group("schedules")
def schedules_group() -> None:
    """Automatic reports by email and/or SMS."""


@schedules_group.command("list")
@company_option()
@format_option(("table", "csv", "json"))
@pass_ctx
def schedules_list(obj, company, fmt) -> None:
    from corptui import schedules
    from corptui.output import render

    session = obj.session(company, "cli schedules list")
    rows = schedules.list_schedules(session)
    keys = ["id", "type", "format", "when", "accounts", "numbers", "email", "phone",
            "active", "next_run_at", "last_run_at"]
    if fmt == "table":
        for r in rows:
            r["numbers"] = len(r["numbers"]) or ""
            r["next_run_at"] = (r["next_run_at"].astimezone().strftime("%Y-%m-%d %H:%M")
                                if r["next_run_at"] else "")
            r["last_run_at"] = (r["last_run_at"].astimezone().strftime("%Y-%m-%d %H:%M")
                                if r["last_run_at"] else "")
    click.echo(render([{k: r[k] for k in keys} for r in rows], fmt, keys))


@schedules_group.command("add")
@click.argument("doc_type", metavar="TYPE", type=click.Choice(DOC_TYPES))
@company_option()
@click.option("--account", "accounts", multiple=True, metavar="NO")
@click.option("--numbers", "numbers", multiple=True, metavar="MSISDN,...")
@click.option("--format", "fmt", type=click.Choice(("pdf", "xlsx", "csv")), default="pdf",
              show_default=True)
@click.option("--period", type=click.Choice(("daily", "weekly", "monthly")), default="monthly",
              show_default=True)
@click.option("--day", type=int, default=1, show_default=True,
              help="Weekly: 1-7 (Monday-Sunday); monthly: 1-28.")
@click.option("--time", "at_time", default="09:00", show_default=True, metavar="HH:MM")
@click.option("--email", default="", metavar="ADDR")
@click.option("--sms", "phone", default="", metavar="PHONE")
@click.option("--language", type=click.Choice(LANGS), default=None,
              help="The documents' language (default: yours).")
@pass_ctx
def schedules_add(obj, doc_type, company, accounts, numbers, fmt, period, day, at_time,
                  email, phone, language) -> None:
    """Add an automatic report."""
    from corptui import schedules

    session = obj.session(company, "cli schedules add")
    row = schedules.create(session, doc_type, _split(accounts), _split(numbers), fmt, period,
                           day, at_time, email or None, phone or None, language=language)
    click.echo(_("schedule {id} added ({when}); next run {next_run}").format(
        id=row["id"], when=row["when"],
        next_run=row["next_run_at"].astimezone().strftime("%Y-%m-%d %H:%M")))


def _simple(name: str, fn_name: str, done: str, message: str):
    @schedules_group.command(name)
    @click.argument("sid", type=ID)
    @company_option()
    @pass_ctx
    def cmd(obj, sid, company) -> None:
        from corptui import schedules

        session = obj.session(company, f"cli schedules {name}")
        getattr(schedules, fn_name)(session, sid)
        click.echo(_(message).format(id=sid))

    cmd.__doc__ = f"{done.capitalize()} a schedule."
    return cmd


_simple("pause", "pause", "paused", N_("schedule {id} paused"))
_simple("resume", "resume", "resumed", N_("schedule {id} resumed"))
_simple("delete", "delete", "deleted", N_("schedule {id} deleted"))
