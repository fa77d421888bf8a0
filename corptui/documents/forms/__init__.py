"""The documents' forms: each module turns the ledger's figures into a ``Content`` in the
document's language. ``content()`` picks the form of a document's type."""

from __future__ import annotations

from corptui.documents.model import Content


def content(session, doc, scope, progress=None) -> Content:
    from corptui.documents.forms import reconciliation, reports, services

    makers = {"reconciliation_act": reconciliation.make, "act_of_services": services.make_acts,
              "invoice_facture": services.make_invoice_factures, "upd": services.make_upds,
              "invoice": services.make_invoice, "changes_report": reports.make_changes,
              "spend_by_tag": reports.make_spend}
    if doc.type not in makers:
        raise ValueError(f"{doc.type} is a tabular document")
    return makers[doc.type](session, doc, scope, progress)
