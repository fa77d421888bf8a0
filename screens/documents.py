"""Documents: the order history with live progress (polled every second while a document
is queued or being prepared). n new document (wizard), c reconciliation act, enter
summary, v preview (the document's text layout, scrollable), s save to a path ("save to
PC"), e send by email, r order again, d delete,
x cancel a queued or preparing document (the worker stops at its next step),
a automatic reports. A protected document asks for its password on save and send."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Static

from corptui import documents as documents_uc
from corptui import permissions
from corptui.errors import Conflict, CorptuiError, ValidationError
from corptui.i18n import N_, _, date_text, ngettext
from screens.actions.documents import DOCUMENTS, FORM, PREVIEW, SUMMARY
from screens.base import RowsScreen
from screens.widgets.dialogs import ConfirmDialog
from screens.widgets.form import Field, show_errors
from screens.widgets.registered import Registered
from screens.widgets.safe import plain, safe_text

STATE_TEXT = {"queued": N_("queued"), "preparing": N_("making"), "ready": N_("ready"),
              "failed": N_("FAILED"), "missing": N_("file removed"),
              "cancelled": N_("cancelled")}


LANGUAGE_NAMES = {"ru": "Русский", "en": "English"}  # each in its own language


def scope_text(row: dict, short: bool = False) -> str:
    if short:
        accs, nums = row["accounts"], row["numbers"]
        if nums:
            return ngettext("{n} number", "{n} numbers", len(nums)).format(n=len(nums))
        return accs[0] if len(accs) == 1 else ngettext(
            "{n} account", "{n} accounts", len(accs)).format(n=len(accs))
    parts = list(row["accounts"])
    if row["numbers"]:
        parts.append(ngettext("{n} number", "{n} numbers", len(row['numbers'])).format(
            n=len(row['numbers'])))
    return ", ".join(parts)


def period_text(row: dict) -> str:
    return f"{row['period_from']:%d.%m.%y}-{row['period_to']:%d.%m.%y}"  # compact, both languages


def state_text(row: dict) -> str:
    state = row["state"]
    if state in ("queued", "preparing"):
        return f"{_(STATE_TEXT[state])} {row['progress']:>3}%"
    return _(STATE_TEXT.get(state, state))


def summary_text(row: dict) -> str:
    lines = [
        _("{document} No. {id}").format(document=row['type_label'], id=row['id']),
        _("Scope:    {scope}").format(scope=scope_text(row)),
        _("Period:   {start} - {end}").format(start=date_text(row['period_from']),
                                              end=date_text(row['period_to'])),
        _("Format:   {format}, copies: {copies}").format(format=row['format'].upper(),
                                                         copies=row['copies']),
        _("State:    {state}").format(state=state_text(row)),
        _("Password: {yes_no}").format(yes_no=_("yes") if row['protected'] else _("no")),
        _("Language: {language}").format(language=LANGUAGE_NAMES.get(row["language"],
                                                                      row["language"])),
        _("Notify:   {to}").format(
            to=', '.join(x for x in (row['notify_email'], row['notify_sms']) if x) or '-'),
    ]
    if row["numbers"]:
        shown = ", ".join(row["numbers"][:6])
        if len(row["numbers"]) > 6:
            shown = _("{numbers} and {n} more").format(numbers=shown, n=len(row['numbers']) - 6)
        lines.append(_("Numbers:  {numbers}").format(numbers=shown))
    if row["number"]:
        lines.append(_("Number:   {number}").format(number=row["number"]))
    if row["file"] and row["state"] == "ready":
        lines.append(_("File:     {file}").format(file=row['file']))
    if row["error"]:
        lines.append(_("Error:    {error}").format(error=row['error']))
    return "\n".join(safe_text(line) for line in lines)


class SummaryDialog(Registered, ModalScreen):
    ACTIONS = SUMMARY
    DEFAULT_CSS = """
    SummaryDialog { align: center middle; }
    #summary-box { width: 76; height: auto; max-height: 20; border: round $primary; background: $surface; padding: 0 1; }
    """

    def __init__(self, row: dict):
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        with Vertical(id="summary-box"):
            yield Static(plain(summary_text(self.row), multiline=True))
            yield Static(Content(_("enter / esc close")), classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)


class PreviewDialog(Registered, ModalScreen):
    """A ready document's text layout (parties, tables, totals) in a scrollable view:
    an admin over SSH checks it before saving or sending."""

    ACTIONS = PREVIEW
    DEFAULT_CSS = """
    PreviewDialog { align: center middle; }
    #preview-box { width: 100%; height: 100%; border: round $primary; background: $surface; }
    #preview-scroll { height: 1fr; }
    #preview-text { width: auto; }
    """

    def __init__(self, title: str, text: str):
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="preview-box"):
            yield Static(plain(self.title_text), classes="hint")
            with VerticalScroll(id="preview-scroll"):
                yield Static(plain(self.text, multiline=True), id="preview-text")
            yield Static(Content(_("arrows / page up / page down scroll · esc close")),
                         classes="hint")

    def on_mount(self) -> None:
        self.query_one("#preview-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)


class FormDialog(Registered, ModalScreen):
    """A small form (fields + OK/Cancel) whose ``submit(values)`` does the work; its
    ValidationError goes under the field; a Conflict asks ``conflict_question``."""

    ACTIONS = FORM
    DEFAULT_CSS = """
    FormDialog { align: center middle; }
    #form-box { width: 72; height: auto; border: round $primary; background: $surface; padding: 0 1; }
    #form-fields { height: auto; max-height: 16; }
    #form-box Field Label { padding-top: 0; }
    #form-box Field Input { border: none; height: 1; padding: 0 1; }
    #form-box Field .field-error { padding-left: 19; }
    #form-message { height: auto; color: $warning; }
    #form-buttons { height: 3; align: center middle; }
    #form-buttons Button { margin: 0 1; }
    """

    def __init__(self, title: str, fields: list[Field], submit):
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.submit = submit
        self.force = False

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Static(plain(self.title_text))
            with VerticalScroll(id="form-fields"):
                yield from self.fields
            yield Static("", id="form-message")
            with Horizontal(id="form-buttons"):
                yield Button(_("OK"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#form-message").display = False
        self.fields[0].query_one(f"#{self.fields[0].field_name}").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.action_ok()
        else:
            self.action_cancel()

    def on_input_submitted(self, event) -> None:
        self.action_ok()

    def action_ok(self) -> None:
        values = {f.field_name: f.value for f in self.fields}
        try:
            result = self.submit(values, self.force)
        except ValidationError as exc:
            errors = exc.errors or {exc.field: exc.message}
            known = {f.field_name for f in self.fields}
            if not set(errors) & known:
                errors = {self.fields[0].field_name: exc.message}
            show_errors(self, errors)
            return
        except Conflict as exc:
            msg = self.query_one("#form-message", Static)
            msg.update(plain(_("{message}. Press OK again to overwrite it.").format(message=exc.message)))
            msg.display = True
            self.force = True
            return
        except CorptuiError as exc:
            show_errors(self, {self.fields[0].field_name: exc.message})
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)


class DocumentsScreen(RowsScreen):
    SECTION = "documents"
    TITLE = N_("Documents")
    ACTIONS = DOCUMENTS
    TABLE_ID = "docs-table"
    STATUS_ID = "docs-status"
    COLUMNS = (("id", N_("No."), 3), ("type", N_("Document"), 18), ("scope", N_("Scope"), 12),
               ("period", N_("Period"), 17), ("format", N_("Fmt"), 4),
               ("state", N_("State"), 12))

    def on_mount(self) -> None:  # (RowsScreen's on_mount runs too: Textual calls each)
        self.set_interval(1.0, self.poll)

    # -- data -----------------------------------------------------------------------------
    def reload(self, select_id: int | None = None) -> None:
        cur = self.current()
        keep = select_id if select_id is not None else (cur["id"] if cur else None)
        try:
            rows = documents_uc.list_documents(self.session)
        except CorptuiError as exc:
            self.app.show_error(exc)
            rows = []
        self.show_rows(rows, keep)
        n = len(self.rows)
        if permissions.allowed(self.session.role, "documents.order"):
            self.set_status(ngettext("{n} document · enter open · v view · r reorder · "
                                     "d delete · x cancel · a auto",
                                     "{n} documents · enter open · v view · r reorder · "
                                     "d delete · x cancel · a auto", n).format(n=n) if n else
                            _("No documents yet: n orders one, c a reconciliation act."))
        else:  # only the keys this role has (ordering is refused before any form)
            self.set_status(ngettext("{n} document · enter open · v view · a auto",
                                     "{n} documents · enter open · v view · a auto",
                                     n).format(n=n) if n else
                            _("No documents yet. Ordering them: {roles}.").format(
                                roles=permissions.roles_list("documents.order")))

    @staticmethod
    def cells(r: dict) -> list:
        mark = "*" if r["protected"] else ""
        return [Text(str(r["id"]), justify="right"),
                Text(safe_text(r["type_label"] + mark)), Text(safe_text(scope_text(r, short=True))),
                Text(period_text(r)), Text(r["format"].upper()),
                Text(state_text(r))]

    def poll(self) -> None:
        busy = [r["id"] for r in self.rows if r["state"] in ("queued", "preparing")]
        if not busy:
            return
        try:
            fresh = documents_uc.states(self.session, busy)
        except CorptuiError:
            return
        table = self.query_one(DataTable)
        for r in self.rows:
            if r["id"] in fresh:
                r.update(fresh[r["id"]])
                try:
                    table.update_cell(str(r["id"]), "state", Text(state_text(r)))
                except Exception:  # the row went away meanwhile
                    pass
                if r["state"] == "ready":
                    self.reload()
                    return

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_summary()


    # -- actions --------------------------------------------------------------------------
    def _wizard(self, mode: str) -> None:
        from screens.document_wizard import DocumentWizard

        def done(doc_id) -> None:
            if doc_id:
                self.reload(select_id=doc_id)
                self.set_status(_("Document {doc_id} ordered: it is prepared in the background.").format(doc_id=doc_id))

        self.app.push_screen(DocumentWizard(mode), done)

    def action_new(self) -> None:
        self._wizard("report")

    def action_act(self) -> None:
        self._wizard("act")

    def action_summary(self) -> None:
        row = self.current()
        if row:
            self.app.push_screen(SummaryDialog(row))

    def action_preview(self) -> None:
        row = self.current()
        if row is None:
            return
        if row["state"] != "ready":
            self.set_status(_("Document {id} is {state}: it can be previewed once it is "
                              "ready.").format(id=row["id"], state=state_text(row)))
            return
        try:
            text = documents_uc.preview(self.session, row["id"])
        except CorptuiError as exc:
            self.app.show_error(exc)
            self.reload()
            return
        title = _("{document} No. {id} · preview").format(document=row["type_label"],
                                                          id=row["id"])
        self.app.push_screen(PreviewDialog(title, text))

    def action_save(self) -> None:
        row = self.current()
        if row is None:
            return
        session = self.session.with_source("tui documents")
        suffix = ("zip" if row["format"] == "csv" else row["format"]) if row["protected"] \
            else row["format"]
        fields = [Field(_("Save to"), "path",
                        value=f"{row['type']}-{row['id']}.{suffix}")]
        if row["protected"]:
            fields.append(Field(_("Password"), "password", password=True))

        def submit(values, force):
            return documents_uc.save_to(session, row["id"], values["path"], force=force,
                                        password=values.get("password"))

        def done(path) -> None:
            if path:
                self.set_status(_("Saved to {path}").format(path=path))

        self.app.push_screen(FormDialog(_("Save document {id} to a file").format(id=row['id']), fields,
                                        submit), done)

    def action_email(self) -> None:
        row = self.current()
        if row is None:
            return
        session = self.session.with_source("tui documents")
        fields = [Field(_("Email"), "email", placeholder=_("name@example.ru"))]
        if row["protected"]:
            fields.append(Field(_("Password"), "password", password=True))

        def submit(values, _force):
            documents_uc.send(session, row["id"], values["email"],
                              password=values.get("password"))
            return values["email"]

        def done(email) -> None:
            if email:
                self.set_status(_("Document {id} queued for {email}").format(id=row['id'], email=email))

        self.app.push_screen(FormDialog(_("Send document {id} by email").format(id=row['id']), fields,
                                        submit), done)

    def action_reorder(self) -> None:
        row = self.current()
        if row is None:
            return
        try:
            doc = documents_uc.reorder(self.session.with_source("tui documents"), row["id"])
        except CorptuiError as exc:
            self.app.show_error(exc)
            return
        self.reload(select_id=doc.id)
        self.set_status(_("Document {id} ordered again as No. {id2}.").format(id=row['id'], id2=doc.id))

    def action_delete(self) -> None:
        row = self.current()
        if row is None:
            return

        def done(yes) -> None:
            if not yes:
                return
            try:
                documents_uc.delete(self.session.with_source("tui documents"), row["id"])
            except CorptuiError as exc:
                self.app.show_error(exc)
                return
            self.reload()
            self.set_status(_("Document {id} deleted.").format(id=row['id']))

        self.app.push_screen(ConfirmDialog(
            _("Delete {type_label} No. {id} and its file?\nThis cannot be undone.").format(type_label=row['type_label'], id=row['id']),
            yes=_("Delete"), no=_("Cancel"), danger=True), done)

    def action_cancel_document(self) -> None:
        row = self.current()
        if row is None:
            return
        if row["state"] not in documents_uc.CANCELLABLE:
            self.set_status(_("Document {id} is {state}: only a queued or preparing document "
                              "can be cancelled.").format(id=row["id"], state=state_text(row)))
            return

        def done(yes) -> None:
            if not yes:
                return
            try:
                documents_uc.cancel(self.session.with_source("tui documents"), row["id"])
            except CorptuiError as exc:
                self.app.show_error(exc)
                self.reload()
                return
            self.reload()
            self.set_status(_("Document {id} cancelled: it will not be prepared (r orders "
                              "it again).").format(id=row["id"]))

        self.app.push_screen(ConfirmDialog(
            _("Cancel {type_label} No. {id}?\nIt is not prepared; r orders it again.").format(
                type_label=row["type_label"], id=row["id"]), yes=_("Cancel it"), no=_("Keep it")), done)

    def action_schedules(self) -> None:
        self.app.open_section("schedules")
