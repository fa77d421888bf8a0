"""The tabular documents (charges detail, payments report, call details): their rows
streamed through the exports' writers (``corptui.export.export_rows``) in the document's
language; the first rows are kept for the preview."""

from __future__ import annotations

from decimal import Decimal

from corptui.documents.forms.common import context, scope_text
from corptui.documents.kinds import TYPE_LABELS
from corptui.documents.model import Col, Content, Form, Table, Text
from corptui.documents.numbering import number_for
from corptui.writers.cells import Style, as_tuples
from storage.models import Subscriber

PREVIEW_ROWS = 200


def _source(session, doc, scope, c):
    from corptui import calls, charges, payments
    from storage.idsets import in_ids

    date_from, date_to = c.date_from, c.date_to
    if doc.type == "charges_detail":
        flt = charges.ChargeFilter(subscriber_ids=scope.subscriber_ids,
                                   account_ids=() if scope.subscriber_ids else scope.account_ids,
                                   date_from=date_from, date_to=date_to)
        return charges.export_columns(), charges.iter_lines(session, flt)
    if doc.type == "payments_report":
        flt = payments.PaymentFilter(
            subscriber_ids=scope.subscriber_ids,
            account_ids=() if scope.subscriber_ids else scope.account_ids,
            date_from=date_from, date_to=date_to, sort="date", descending=False)
        return payments.export_columns(), payments.iter_rows(session, flt)
    ids = scope.subscriber_ids
    if not ids:
        ids = tuple(i for (i,) in Subscriber.select(Subscriber.id).where(
            (Subscriber.company == doc.company_id)
            & in_ids(Subscriber.account, scope.account_ids)).tuples())
    flt = calls.CallFilter(subscriber_ids=ids, date_from=date_from, date_to=date_to)
    return calls.export_columns(), calls.iter_export_tuples(session, flt)


def build(session, doc, scope, tmp, cancelled=None) -> tuple[int, str, str]:
    """Write the document to ``tmp``. Returns (rows, number, preview text)."""
    from dataclasses import replace

    from corptui.documents.render.text import render
    from corptui.export import export_rows

    c = context(doc, scope)
    _ = c._
    n, _on = number_for(doc.company_id, doc.type, f"{c.date_from}:{c.date_to}:{scope.key()}",
                        c.as_of)
    title = _("{document} No. {n} — {company}").format(
        document=_(TYPE_LABELS[doc.type]), n=n, company=c.buyer.name)
    subtitle = _("{scope}; period {start} - {end}").format(
        scope=scope_text(c), start=c.lang.date(c.date_from), end=c.lang.date(c.date_to))
    cols, rows = _source(session, doc, scope, c)
    cols = [replace(col, title=_(col.title)) for col in cols]
    rows = as_tuples(cols, rows)
    kept: list[tuple] = []

    def keep(source):
        for row in source:
            if len(kept) < PREVIEW_ROWS:
                kept.append(row)
            yield row

    excel_ru = bool(dict(doc.options or {}).get("excel_ru"))
    style = Style(lang=c.lang.code, decimal_comma=excel_ru, grouped=doc.format == "pdf")
    result = export_rows(cols, keep(rows), doc.format, str(tmp), title=title, subtitle=subtitle,
                         force=True, cancelled=cancelled, style=style,
                         sep=";" if excel_ru else ",", bom=excel_ru)
    kinds = {"money": "money", "int": "int", "date": "date", "datetime": "text"}
    table = Table("", [Col(col.title, kinds.get(col.kind, "text")) for col in cols],
                  [tuple(_plain(v, col.kind, c) for v, col in zip(r, cols, strict=True))
                   for r in kept])
    preview = render(Content(title, [Form(title, [Text(title, "title"), Text(subtitle, "subtitle"),
                                                  table])], c.lang.code))
    if result.rows > len(kept):
        preview += "\n" + _("... and {n} more rows (see the file)").format(n=result.rows - len(kept))
    return result.rows, str(n), preview


def _plain(value, kind, c):
    if kind == "datetime" and value is not None:
        local = value.astimezone()
        return f"{c.lang.date(local.date())} {local:%H:%M}"
    if kind == "bool" and value is not None:
        return c._("yes") if value else c._("no")
    if isinstance(value, Decimal) or kind in ("money", "int", "date"):
        return value
    return "" if value is None else str(value)
