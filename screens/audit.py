"""The audit log: who changed what and when, newest first. Filters: user, object type and
a period of local calendar days (YYYY-MM-DD, both inclusive); enter opens an entry with
its before and after values as plain JSON text."""

from __future__ import annotations

import datetime as dt
import json

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Select, Static

from corptui import auditlog
from corptui import users as users_uc
from corptui.errors import CorptuiError, ValidationError
from corptui.i18n import N_, _, ngettext, number
from corptui.phones import format_msisdn
from screens.access_dialogs import MessageDialog
from screens.actions.access import AUDIT
from screens.base import KeyedRowsScreen
from screens.widgets.safe import plain, safe_text
from screens.widgets.virtual_table import Column, VirtualTable

COLUMNS = [
    Column("at", N_("At"), 16),
    Column("actor", N_("Actor"), 16),
    Column("action", N_("Action"), 14, flex=1),
    Column("object", N_("Object"), 10),
    Column("summary", N_("Before -> after"), 17, flex=3),
]

DATE_FIELDS = ("date_from", "date_to")


def local_time(iso: str, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone().strftime(fmt)


def actor_text(actor: str) -> str:
    return format_msisdn(actor) if actor.isdigit() and len(actor) >= 10 else actor


def _short(value, limit: int = 30) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def summary(before, after) -> str:
    """One line: changed keys as `key: old -> new`, new keys as `key=value`."""
    if isinstance(before, dict) or isinstance(after, dict):
        b = before if isinstance(before, dict) else {}
        a = after if isinstance(after, dict) else {}
        parts = []
        for key in list(b) + [k for k in a if k not in b]:
            if key in b and key in a:
                if b[key] != a[key]:
                    parts.append(f"{key}: {_short(b[key])} -> {_short(a[key])}")
            elif key in a:
                parts.append(f"{key}={_short(a[key])}")
            else:
                parts.append(_("{key}: {short} -> (none)").format(key=key, short=_short(b[key])))
        return "; ".join(parts)
    if before is None and after is None:
        return ""
    return f"{_short(before)} -> {_short(after)}"


def render_cell(row: dict, key: str) -> str:
    if key == "at":
        return local_time(row["at"])
    if key == "actor":
        return actor_text(row["actor"])
    if key == "object":
        if row.get("number"):  # a number is named by its phone
            return format_msisdn(row["number"])
        return f"{row['object_type']} #{row['object_id']}" if row["object_id"] else row[
            "object_type"]
    if key == "summary":
        return summary(row.get("before"), row.get("after"))
    return str(row.get(key) or "")


def detail_text(row: dict) -> str:
    def dump(value) -> str:
        return _("(none)") if value is None else json.dumps(value, ensure_ascii=False, indent=2,
                                                         sort_keys=True)

    lines = [
        _("When: {local} local ({utc})").format(
            local=local_time(row['at'], '%Y-%m-%d %H:%M:%S'), utc=row['at']),
        _("Actor: {actor}").format(actor=actor_text(row['actor'])),
        _("Source: {source}").format(source=row.get('source') or '-'),
        _("Action: {action}").format(action=row['action']),
        _("Object: {object}").format(object=render_cell(row, 'object') or '-'),
    ]
    if row.get("operation"):
        lines.append(_("Operation: {operation}").format(operation=row['operation']))
    lines += ["", _("Before:"), dump(row.get("before")), "", _("After:"), dump(row.get("after"))]
    return "\n".join(lines)


class AuditScreen(KeyedRowsScreen):
    SECTION = "audit"
    TITLE = N_("Audit log")
    ACTIONS = AUDIT
    DEFAULT_CSS = """
    AuditScreen .filter-row { height: 1; margin: 0 0 0 1; }
    AuditScreen .filter-row Label { width: auto; padding: 0 1 0 0; }
    AuditScreen #user-filter { width: 1fr; margin-right: 1; }
    AuditScreen #object-filter { width: 1fr; }
    AuditScreen #date_from, AuditScreen #date_to { width: 14; margin-right: 1; }
    AuditScreen #apply-filter { min-width: 8; width: auto; height: 1; border: none; }
    AuditScreen #date-errors { height: auto; color: $error; text-style: bold; padding: 0 1; }
    AuditScreen #audit-status { height: 1; background: $boost; padding: 0 1; }
    """

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="filter-row"):
            yield Label(_("User"))
            yield Select(self._user_options(), prompt=_("all users"), id="user-filter",
                         compact=True)
            yield Label(_("Object"))
            yield Select(self._type_options(), prompt=_("all objects"), id="object-filter",
                         compact=True)
        with Horizontal(classes="filter-row"):
            yield Label(_("From"))
            yield Input(placeholder=_("YYYY-MM-DD"), id="date_from", max_length=20, compact=True)
            yield Label(_("To"))
            yield Input(placeholder=_("YYYY-MM-DD"), id="date_to", max_length=20, compact=True)
            yield Button(_("Apply"), id="apply-filter", compact=True)
        errors = Static("", id="date-errors")
        errors.display = False
        yield errors
        yield VirtualTable(COLUMNS, self._fetch, render_cell, checkboxes=False,
                           id="audit-table", empty_text=_("No entries match the filter."))
        yield Static("", id="audit-status")

    def _user_options(self):
        try:
            users = users_uc.list_users(self.session)
        except CorptuiError:
            return []
        out = []
        for u in users:
            label = format_msisdn(u["phone"])
            if u.get("full_name"):
                label += " " + safe_text(u["full_name"])
            out.append((plain(label), u["phone"]))
        return out

    def _type_options(self):
        try:
            types = auditlog.object_types(self.session)
        except CorptuiError:
            return []
        return [(plain(t), t) for t in types]

    def on_mount(self) -> None:
        self.reload()
        self.table.focus()

    # -- filtering ------------------------------------------------------------------
    def filter_values(self) -> dict:
        user = self.query_one("#user-filter", Select).value
        otype = self.query_one("#object-filter", Select).value
        return {
            "user": None if user == Select.NULL else user,
            "object_type": None if otype == Select.NULL else otype,
            "date_from": self.query_one("#date_from", Input).value.strip() or None,
            "date_to": self.query_one("#date_to", Input).value.strip() or None,
        }

    def show_date_errors(self, errors: dict[str, str]) -> None:
        labels = {"date_from": _("From"), "date_to": _("To")}
        lines = []
        for key, message in errors.items():
            if key in labels:
                message = message.removeprefix(f"{key}: ")
                for name, label in labels.items():
                    message = message.replace(name, f"'{label}'")
                lines.append(f"x {labels[key]}: {message}")
        widget = self.query_one("#date-errors", Static)
        widget.update(plain("\n".join(lines), multiline=True))
        widget.display = bool(lines)
        for name in DATE_FIELDS:
            self.query_one(f"#{name}", Input).set_class(name in errors, "-invalid")
        first = next((k for k in DATE_FIELDS if k in errors), None)
        if first:
            self.query_one(f"#{first}", Input).focus()

    def reload(self) -> None:
        values = self.filter_values()
        try:
            ids = auditlog.entry_ids(self.session, **values)
        except ValidationError as exc:
            errors = exc.errors or {exc.field: exc.message}
            if any(k in errors for k in DATE_FIELDS):
                self.show_date_errors(errors)
            else:
                self.app.show_error(exc)
            return
        except CorptuiError as exc:
            self.app.show_error(exc)
            return
        self.show_date_errors({})
        # every entry: the table pages through the ids and reads the rows it draws
        self.rows = {}
        self.table.invalidate()
        self.table.set_ids(ids)
        shown = len(ids)
        active = [k for k, v in values.items() if v]
        parts = [ngettext("{n} entry, newest first", "{n} entries, newest first",
                          shown).format(n=number(shown))]
        if active:
            parts.append(_("filtered"))
        parts.append(_("enter details · / filter · x clear"))
        self.query_one("#audit-status", Static).update(plain(" · ".join(parts)))

    def on_select_changed(self, event: Select.Changed) -> None:
        if self.is_mounted and self.rows is not None:
            self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.reload()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "apply-filter":
            self.reload()

    def action_focus_filters(self) -> None:
        self.query_one("#user-filter", Select).focus()

    def action_clear_filters(self) -> None:
        with self.prevent(Select.Changed):
            self.query_one("#user-filter", Select).clear()
            self.query_one("#object-filter", Select).clear()
        self.query_one("#date_from", Input).value = ""
        self.query_one("#date_to", Input).value = ""
        self.reload()
        self.table.focus()

    def _fetch(self, ids: list[int]) -> dict[int, dict]:
        missing = [i for i in ids if i not in self.rows]
        if missing:
            if len(self.rows) > 20_000:  # keep the cache small on a long log
                self.rows = {}
            self.rows.update(auditlog.entries_by_ids(self.session, missing))
        return {i: self.rows[i] for i in ids if i in self.rows}

    def row(self, entry_id: int) -> dict | None:
        """One entry (read when not yet drawn)."""
        return self._fetch([entry_id]).get(entry_id)

    def on_virtual_table_opened(self, event: VirtualTable.Opened) -> None:
        self._fetch([event.row_id])
        row = self.rows.get(event.row_id)
        if row is not None:
            self.app.push_screen(MessageDialog(_("Audit entry"), detail_text(row)))
