"""What documents there are: the stored types and their CLI/wizard names, labels,
formats, the closing-document sets a company can get, the limits of an order."""

from __future__ import annotations

from corptui.errors import CorptuiError, ValidationError
from corptui.i18n import LANGUAGES, N_, _
from storage.models import DOCUMENT_TYPES

JOB_KIND = "document.build"

# CLI / wizard names -> stored type
TYPE_NAMES = {
    "reconciliation": "reconciliation_act",
    "invoice": "invoice",
    "act": "act_of_services",
    "invoice-facture": "invoice_facture",
    "upd": "upd",
    "charges": "charges_detail",
    "payments": "payments_report",
    "calls": "call_detail",
    "changes": "changes_report",  # insights (issue 12): what changed, month over month
    "spend": "spend_by_tag",  # issue 19: spend per tag (department) against budgets
}
TYPE_LABELS = {
    "reconciliation_act": N_("Reconciliation act"),
    "invoice": N_("Invoice"),
    "act_of_services": N_("Act of services"),
    "invoice_facture": N_("Invoice-facture"),
    "upd": N_("UPD"),  # the universal transfer document: its short name, as people say it
    "charges_detail": N_("Charges detail"),
    "payments_report": N_("Payments report"),
    "call_detail": N_("Call details"),
    "changes_report": N_("What changed by month"),
    "spend_by_tag": N_("Spend by tag"),
}
TABULAR = ("charges_detail", "payments_report", "call_detail")
FORMATS = {t: ("pdf", "xlsx", "csv") for t in DOCUMENT_TYPES}
FORMATS["reconciliation_act"] = ("pdf", "xlsx")
# the closing documents of a billed month: a company gets one set (Company.document_set)
DOCUMENT_SETS = {"act_invoice": ("act_of_services", "invoice_facture"), "upd": ("upd",)}
SET_NAMES = {"act-invoice": "act_invoice", "upd": "upd"}
CLOSING = ("act_of_services", "invoice_facture", "upd")
MAX_COPIES = 10
MIN_PASSWORD = 6
LANGUAGE_CHOICES = LANGUAGES


class DocumentError(CorptuiError):
    title = N_("Document")


def type_of(name: str) -> str:
    """A CLI/wizard name ("act") or a stored type ("act_of_services") -> stored type."""
    if name in DOCUMENT_TYPES:
        return name
    if name in TYPE_NAMES:
        return TYPE_NAMES[name]
    raise ValidationError(
        _("unknown document type {name!r} (use {choices})").format(name=name, choices=', '.join(TYPE_NAMES)), "type")


def closing_types(document_set: str) -> tuple[str, ...]:
    return DOCUMENT_SETS.get(document_set or "act_invoice", DOCUMENT_SETS["act_invoice"])
