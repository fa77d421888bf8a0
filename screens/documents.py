"""Documents: the order history with live progress (polled every second while a document
is queued or being prepared). n new document (wizard), c reconciliation act, enter
summary, s save to a path ("save to PC"), e send by email, r order again, d delete,
x cancel a queued or preparing document (the worker stops at its next step),
a automatic reports. A protected document asks for its password on save and send."""

from __future__ import annotations

from corptui.i18n import _, N_

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Static

from corptui import documents as documents_uc
from corptui.errors import Conflict, CorptuiError, ValidationError
from screens.base import AppScreen
from screens.widgets.form import Field, show_errors
from screens.widgets.safe import plain, safe_text

STATE_TEXT = {"queued": "queued", "preparing": "making", "ready": "ready",
              "failed": "FAILED", "missing": "file removed", "cancelled": "cancelled"}


def scope_text(row: dict, short: bool = False) -> str:
    if short:
        accs, nums = row["accounts"], row["numbers"]
        if nums:
            return f"{len(nums)} number{'s' if len(nums) != 1 else ''}"
        return accs[0] if len(accs) == 1 else f"{len(accs)} accounts"
    parts = list(row["accounts"])
    if row["numbers"]:
        parts.append(f"{len(row['numbers'])} number{'s' if len(row['numbers']) != 1 else ''}")
    return ", ".join(parts)


def period_text(row: dict) -> str:
    return f"{row['period_from']:%d.%m.%y}-{row['period_to']:%d.%m.%y}"


def state_text(row: dict) -> str:
    state = row["state"]
    if state in ("queued", "preparing"):
        return f"{STATE_TEXT[state]} {row['progress']:>3}%"
    return STATE_TEXT.get(state, state)


def summary_text(row: dict) -> str:
    lines = [
        f"{row['type_label']} No. {row['id']}",
        f"Scope:    {scope_text(row)}",
        f"Period:   {row['period_from']} - {row['period_to']}",
        f"Format:   {row['format'].upper()}, copies: {row['copies']}",
        f"State:    {state_text(row)}",
        f"Password: {'yes' if row['protected'] else 'no'}",
        f"Notify:   {', '.join(x for x in (row['notify_email'], row['notify_sms']) if x) or '-'}",
    ]
    if row["numbers"]:
        shown = ", ".join(row["numbers"][:6])
        more = f" and {len(row['numbers']) - 6} more" if len(row["numbers"]) > 6 else ""
        lines.append(f"Numbers:  {shown}{more}")
    if row["file"] and row["state"] == "ready":
        lines.append(f"File:     {row['file']}")
    if row["error"]:
        lines.append(f"Error:    {row['error']}")
    return "\n".join(safe_text(line) for line in lines)


class SummaryDialog(ModalScreen):
    BINDINGS = [Binding("escape,enter", "close", N_("Close"))]
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


class FormDialog(ModalScreen):
    """A small form (fields + OK/Cancel) whose ``submit(values)`` does the work; its
    ValidationError goes under the field; a Conflict asks ``conflict_question``."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]
    DEFAULT_CSS = """
    FormDialog { align: center middle; }
    #form-box { width: 72; height: auto; border: round $primary; background: $surface; padding: 0 1; }
    #form-fields { height: auto; max-height: 16; }
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


class ConfirmDialog(ModalScreen):
    BINDINGS = [Binding("escape,n", "no", N_("Cancel")), Binding("y", "yes", N_("Yes"))]
    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    #confirm-box { width: 64; height: auto; border: round $error; background: $surface; padding: 0 1; }
    #confirm-text { height: auto; padding: 1 0; }
    #confirm-buttons { height: 3; align: center middle; }
    #confirm-buttons Button { margin: 0 1; }
    """

    def __init__(self, text: str, yes: str = "Delete (y)"):
        super().__init__()
        self.text = text
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(plain(self.text, multiline=True), id="confirm-text")
            with Horizontal(id="confirm-buttons"):
                yield Button(self.yes, variant="error", id="yes")
                yield Button(_("Cancel (n)"), id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)


class DocumentsScreen(AppScreen):
    SECTION = "documents"
    TITLE = N_("Documents")
    BINDINGS = AppScreen.BINDINGS + [
        Binding("n", "new", N_("New")),
        Binding("c", "act", N_("Act")),
        Binding("s", "save", N_("Save")),
        Binding("e", "email", N_("Email")),
        Binding("r", "reorder", N_("Reorder")),
        Binding("d", "delete", N_("Delete")),
        Binding("x", "cancel_document", N_("Cancel")),
        Binding("a", "schedules", N_("Auto"), show=False),
        Binding("enter", "summary", N_("Open"), show=False),
    ]
    DEFAULT_CSS = """
    #docs-table { height: 1fr; }
    #docs-status { height: 1; padding: 0 1; }
    """

    def __init__(self):
        super().__init__()
        self.rows: list[dict] = []

    def compose_body(self) -> ComposeResult:
        yield DataTable(id="docs-table", cursor_type="row", zebra_stripes=False)
        yield Static("", id="docs-status")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("No.", key="id", width=3)
        table.add_column("Document", key="type", width=18)
        table.add_column("Scope", key="scope", width=12)
        table.add_column("Period", key="period", width=17)
        table.add_column("Fmt", key="format", width=4)
        table.add_column("State", key="state", width=12)
        self.reload()
        table.focus()
        self.set_interval(1.0, self.poll)

    # -- data -----------------------------------------------------------------------------
    def reload(self, select_id: int | None = None) -> None:
        table = self.query_one(DataTable)
        cur = self.current()
        keep = select_id if select_id is not None else (cur["id"] if cur else None)
        try:
            self.rows = documents_uc.list_documents(self.session)
        except CorptuiError as exc:
            self.app.show_error(exc)
            self.rows = []
        table.clear()
        for r in self.rows:
            table.add_row(*self.cells(r), key=str(r["id"]))
        if keep is not None:
            for i, r in enumerate(self.rows):
                if r["id"] == keep:
                    table.move_cursor(row=i)
        n = len(self.rows)
        self.set_status(f"{n} document{'s' if n != 1 else ''} · n new · c reconciliation act · "
                        "enter open · a automatic reports" if n else
                        "No documents yet: n orders one, c a reconciliation act.")

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

    def set_status(self, text: str) -> None:
        self.query_one("#docs-status", Static).update(plain(text))

    def current(self) -> dict | None:
        table = self.query_one(DataTable)
        if not self.rows or table.row_count == 0:
            return None
        i = table.cursor_row
        return self.rows[i] if 0 <= i < len(self.rows) else None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_summary()

    PALETTE = {"new": "New reporting document (wizard)", "act": "New reconciliation act",
               "summary": "Open the document's summary", "save": "Save the document to a file",
               "email": "Send the document by email", "reorder": "Order the document again",
               "delete": "Delete the document",
               "cancel_document": "Cancel the document being prepared",
               "schedules": "Automatic reports"}

    def palette_commands(self):
        """Every action of this screen for the command palette."""
        from textual.app import SystemCommand

        for binding in self.BINDINGS:
            if binding.action in self.PALETTE:
                yield SystemCommand(_("Documents: {PALETTE}").format(PALETTE=self.PALETTE[binding.action]),
                                    _("key {key}").format(key=binding.key),
                                    getattr(self, f"action_{binding.action}"))

    # -- actions --------------------------------------------------------------------------
    def _wizard(self, mode: str) -> None:
        from screens.document_wizard import DocumentWizard

        def done(doc_id) -> None:
            if doc_id:
                self.reload(select_id=doc_id)
                self.set_status(f"Document {doc_id} ordered: it is prepared in the "
                                "background.")

        self.app.push_screen(DocumentWizard(mode), done)

    def action_new(self) -> None:
        self._wizard("report")

    def action_act(self) -> None:
        self._wizard("act")

    def action_summary(self) -> None:
        row = self.current()
        if row:
            self.app.push_screen(SummaryDialog(row))

    def action_save(self) -> None:
        row = self.current()
        if row is None:
            return
        session = self.session.with_source("tui documents")
        suffix = "zip" if row["protected"] else row["format"]
        fields = [Field(_("Save to"), "path",
                        value=f"{row['type']}-{row['id']}.{suffix}")]
        if row["protected"]:
            fields.append(Field(_("Password"), "password", password=True))

        def submit(values, force):
            return documents_uc.save_to(session, row["id"], values["path"], force=force,
                                        password=values.get("password"))

        def done(path) -> None:
            if path:
                self.set_status(f"Saved to {path}")

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
                self.set_status(f"Document {row['id']} queued for {email}")

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
        self.set_status(f"Document {row['id']} ordered again as No. {doc.id}.")

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
            self.set_status(f"Document {row['id']} deleted.")

        self.app.push_screen(ConfirmDialog(
            _("Delete {type_label} No. {id} and its file?\nThis cannot be undone.").format(type_label=row['type_label'], id=row['id'])), done)

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
                type_label=row["type_label"], id=row["id"]), yes=_("Cancel it (y)")), done)

    def action_schedules(self) -> None:
        self.app.open_section("schedules")
