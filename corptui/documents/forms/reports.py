"""The month-over-month changes report (insights) as a document."""

from __future__ import annotations

from corptui.documents.forms.common import context
from corptui.documents.model import Col, Content, Form, Table, Text


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
    for t, cols, rows, total in r["tables"]:
        blocks.append(Table(t, [Col(title_, kind if kind != "int" else "int")
                                for title_, kind in cols], list(rows),
                            [total] if total else []))
    for label, value in r["summary"]:
        blocks.append(Text(f"{label}: {c.money(value) if not isinstance(value, str) else value}",
                           "bold"))
    blocks += [Text(line, "small") for line in r["footer"]]
    return Content(title, [Form(title, blocks, "P", title)], c.lang.code)
