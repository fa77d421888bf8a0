"""The reports of other sections as documents: the month-over-month changes (insights)
and the spend by tag against budgets (spend)."""

from __future__ import annotations

from corptui.documents.forms.common import context
from corptui.documents.model import Col, Content, Form, Table, Text


def _report_blocks(c, r) -> list:
    blocks = []
    for t, cols, rows, total in r["tables"]:
        blocks.append(Table(c._(t), [Col(c._(title_), kind) for title_, kind in cols],
                            list(rows), [total] if total else []))
    for label, value in r["summary"]:
        blocks.append(Text(f"{c._(label)}: {c.money(value) if not isinstance(value, str) else value}",
                           "bold"))
    return blocks + [Text(line, "small") for line in r["footer"]]


def make_changes(session, doc, scope, progress=None) -> Content:
    from corptui import insights

    c = context(doc, scope)
    _ = c._
    r = insights.changes_report(session, scope.accounts, c.date_to)
    title = _("What changed by month") + f" — {c.buyer.name}"
    blocks = [Text(title, "title"),
              Text(_("Scope: {scope}").format(scope=r["scope"]), "subtitle"),
              Text(_("Months: {a} -> {b}").format(a=c.lang.month(r["month_a"]),
                                                  b=c.lang.month(r["month_b"])), "subtitle")]
    blocks += _report_blocks(c, r)
    return Content(title, [Form(title, blocks, "P", title)], c.lang.code)


def make_spend(session, doc, scope, progress=None) -> Content:
    from corptui import spend

    c = context(doc, scope)
    _ = c._
    r = spend.report(session, c.date_to)
    title = _("Spend by tag") + f" — {c.buyer.name}"
    month = c.lang.month(r["month"]) if r["month"] else "-"
    blocks = [Text(title, "title"), Text(_("Month: {month}").format(month=month), "subtitle")]
    blocks += _report_blocks(c, r)
    return Content(title, [Form(title, blocks, "P", title)], c.lang.code)
