"""Accounting documents: order, build in the background, keep in the order history.

A package of one job per module:

- ``kinds``: the types (reconciliation act, act of services, invoice-facture, UPD,
  invoice, charges/payments/calls details, changes report), formats, closing sets;
- ``ordering``: validate, order (a queued ``Document`` and its job in one transaction),
  order again (a reprint: the same number and content), cancel, delete, the company's
  closing-document set;
- ``history``: the order history, one document, the states the screen polls, preview;
- ``scope``: what a document covers (accounts, or numbers of them);
- ``ledger`` and ``figures``: billed charges, payments, balances, VAT, service lines;
- ``numbering``: a stable number sequence per company, type and year;
- ``forms``: each form as blocks (``model``) in the document's language (``parties``,
  amounts in ``words``);
- ``render``: the PDF, XLSX, CSV and text (preview) writers of the forms, on the
  shared writers of ``corptui.writers`` (the tabular documents use the exports'
  ``export_rows``: ``tabular``);
- ``files``: the file in the database's own folder, its size and hash;
- ``protect`` and ``delivery``: save to a path, send by email, encrypted copies;
- ``job``: the worker's ``document.build``.

Language: a document is written in the language chosen at the order (``language``; by
default the ordering user's, the language in force), with money, dates and amounts in
words for it; its email and SMS too. The password of a protected document is never
stored (its argon2id hash is)."""

from __future__ import annotations

from corptui.documents.delivery import download_name, save_to, send
from corptui.documents.figures import reconciliation, vat_rate
from corptui.documents.history import get, list_documents, preview, states
from corptui.documents.job import CANCEL_CHECK_SECONDS, build, register
from corptui.documents.kinds import (
    DOCUMENT_SETS,
    FORMATS,
    JOB_KIND,
    MAX_COPIES,
    MIN_PASSWORD,
    SET_NAMES,
    TABULAR,
    TYPE_LABELS,
    TYPE_NAMES,
    DocumentError,
    closing_types,
    type_of,
)
from corptui.documents.ordering import (
    CANCELLABLE,
    cancel,
    create,
    delete,
    order,
    reorder,
    report_types,
    set_forms,
    validate,
)
from corptui.documents.scope import Scope, resolve_scope, validate_scope

__all__ = [
    "CANCELLABLE", "CANCEL_CHECK_SECONDS", "DOCUMENT_SETS", "FORMATS", "JOB_KIND", "MAX_COPIES",
    "MIN_PASSWORD", "SET_NAMES", "TABULAR", "TYPE_LABELS", "TYPE_NAMES", "DocumentError",
    "Scope", "build", "cancel", "closing_types", "create", "delete", "download_name", "get",
    "list_documents", "order", "preview", "reconciliation", "reorder", "report_types",
    "resolve_scope",
    "save_to", "send", "set_forms", "states", "type_of", "validate", "validate_scope",
    "vat_rate",
]

register()
