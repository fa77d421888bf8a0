"""Documents: the order history, the wizards, automatic reports, the outbox."""

from __future__ import annotations

from corptui.i18n import N_
from screens.actions import Action, Registry, dialog

DOCUMENTS = Registry("documents", N_("Documents"), (
    Action("new", "n", N_("New"), N_("New reporting document (wizard)"),
           permission="documents.order"),
    Action("act", "c", N_("Act"), N_("New reconciliation act"),
           permission="documents.order"),
    Action("save", "s", N_("Save"), N_("Save the document to a file"),
           permission="documents.manage"),
    Action("email", "e", N_("Email"), N_("Send the document by email"),
           permission="documents.manage"),
    Action("preview", "v", N_("View"), N_("Preview the document's text"), footer=False),
    # less used: named in the status line (the footer is full at 80 columns)
    Action("reorder", "r", N_("Reorder"), N_("Order the document again"), footer=False,
           permission="documents.order"),
    Action("delete", "d", N_("Delete"), N_("Delete the document"), footer=False,
           permission="documents.manage"),
    Action("cancel_document", "x", N_("Cancel"), N_("Cancel the document being prepared"),
           footer=False, permission="documents.manage"),
    Action("schedules", "a", N_("Auto"), N_("Automatic reports"), footer=False),
    Action("summary", "enter", N_("Open"), N_("Open the document's summary"), footer=False),
))
SUMMARY = dialog("document", N_("Document"), cancel="close", cancel_label=N_("Close"),
                 cancel_keys="escape,enter")
PREVIEW = dialog("document_preview", N_("Preview"), cancel="close", cancel_label=N_("Close"),
                 cancel_keys="escape,q")
FORM = dialog("document_form", N_("Form"))
WIZARD = dialog("document_wizard", N_("Order a document"),
                Action("finish", "ctrl+s", N_("Finish"), N_("order the document"), footer=False,
                       permission="documents.order"))

SCHEDULES = Registry("schedules", N_("Automatic reports"), (
    Action("new", "n", N_("New"), N_("New automatic report"), permission="reports.schedule"),
    Action("edit", "e", N_("Edit"), N_("Edit the automatic report"),
           permission="reports.schedule"),
    Action("toggle", "p", N_("Pause/resume"), N_("Pause or resume the automatic report"),
           permission="reports.schedule"),
    Action("delete", "x", N_("Delete"), N_("Delete the automatic report"),
           permission="reports.schedule"),
    Action("back", "escape", N_("Documents"), N_("Back to the documents"), footer=False,
           palette=False),
))

OUTBOX = Registry("outbox", N_("Outbox"), (
    Action("retry", "r", N_("Send again"), N_("send the notification again"),
           permission="documents.manage"),
    Action("reload", "u", N_("Reload"), N_("read the outbox again")),
))
