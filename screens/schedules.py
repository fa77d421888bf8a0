"""Automatic reports: the company's schedules (type, scope, when, delivery, next run).
n new, e edit, p pause / resume, x delete (confirm), esc/F12 back to documents."""

from __future__ import annotations

from rich.text import Text

from corptui import documents as documents_uc
from corptui import schedules as schedules_uc
from corptui.errors import CorptuiError
from corptui.i18n import N_, _, ngettext, number
from screens.actions.documents import SCHEDULES
from screens.base import RowsScreen
from screens.documents import FormDialog
from screens.widgets.dialogs import ConfirmDialog
from screens.widgets.form import Field
from screens.widgets.safe import safe_text

TYPE_HINT = "reconciliation, invoice, act, invoice-facture, charges, payments, calls"
SHORT_NAME = {v: k for k, v in documents_uc.TYPE_NAMES.items()}


def _fields(row: dict | None = None) -> list[Field]:
    row = row or {}
    return [
        Field(_("Type"), "type", value=SHORT_NAME.get(row.get("type", ""), "invoice"),
              placeholder=TYPE_HINT),
        Field(_("Accounts"), "accounts", value=", ".join(row.get("accounts", []))),
        Field(_("Numbers"), "numbers", value=", ".join(row.get("numbers", [])),
              placeholder=_("empty: all numbers of the accounts")),
        Field(_("Format"), "format", value=row.get("format", "pdf"), placeholder=_("pdf, xlsx, csv")),
        Field(_("Period"), "period", value=row.get("period", "monthly"),
              placeholder=_("daily, weekly, monthly")),
        Field(_("Day"), "day", value=str(row.get("day", 1)),
              placeholder=_("weekly 1-7 (Mon-Sun), monthly 1-28")),
        Field(_("Time"), "at_time", value=row.get("at_time", "09:00"), placeholder=_("HH:MM")),
        Field(_("Email"), "email", value=row.get("email", "")),
        Field(_("SMS"), "phone", value=row.get("phone", "")),
    ]


def _split(text: str) -> list[str]:
    return [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p.strip()]


def _numbers(text: str) -> list[str]:
    return [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]


class SchedulesScreen(RowsScreen):
    SECTION = "schedules"
    TITLE = N_("Automatic reports")
    ACTIONS = SCHEDULES
    TABLE_ID = "sched-table"
    STATUS_ID = "sched-status"
    COLUMNS = (("id", N_("No."), 4), ("type", N_("Report"), 18), ("when", N_("When"), 24),
               ("to", N_("Deliver to"), 16), ("state", N_("State"), 6))

    def reload(self, select_id: int | None = None) -> None:
        try:
            rows = schedules_uc.list_schedules(self.session)
        except CorptuiError as exc:
            self.app.show_error(exc)
            rows = []
        self.show_rows(rows, select_id)
        n = len(self.rows)
        self.set_status(
            ngettext("{n} schedule", "{n} schedules", n).format(n=number(n)) + " · "
            + _("esc back to documents") if n else
            _("No automatic reports: n adds one (delivered by email and/or SMS)."))

    def cells(self, r: dict) -> list:
        label = _(documents_uc.TYPE_LABELS.get(r["type"], r["type"]))
        to = ", ".join(x for x in (r["email"], r["phone"]) if x)
        return [Text(str(r["id"]), justify="right"), Text(safe_text(label)),
                Text(safe_text(f"{r['when']} {r['format']}")),
                Text(safe_text(to)), Text(_("active") if r["active"] else _("paused"))]


    def _form(self, title: str, row: dict | None, save) -> None:
        def submit(values, _force):
            return save(type=values["type"].strip(), accounts=_split(values["accounts"]),
                        numbers=_numbers(values["numbers"]), fmt=values["format"].strip(),
                        period=values["period"].strip(), day=values["day"].strip() or 0,
                        at_time=values["at_time"], email=values["email"] or None,
                        phone=values["phone"] or None)

        def done(result) -> None:
            if result:
                self.reload(select_id=result["id"])

        self.app.push_screen(FormDialog(title, _fields(row), submit), done)

    def action_new(self) -> None:
        session = self.session.with_source("tui schedules")
        self._form(_("New automatic report"), None,
                   lambda **kw: schedules_uc.create(session, **kw))

    def action_edit(self) -> None:
        row = self.current()
        if row is None:
            return
        session = self.session.with_source("tui schedules")
        self._form(_("Edit automatic report {id}").format(id=row['id']), row,
                   lambda **kw: schedules_uc.edit(session, row["id"], **kw))

    def action_toggle(self) -> None:
        row = self.current()
        if row is None:
            return
        session = self.session.with_source("tui schedules")
        try:
            if row["active"]:
                schedules_uc.pause(session, row["id"])
            else:
                schedules_uc.resume(session, row["id"])
        except CorptuiError as exc:
            self.app.show_error(exc)
            return
        self.reload(select_id=row["id"])

    def action_delete(self) -> None:
        row = self.current()
        if row is None:
            return

        def done(yes) -> None:
            if yes:
                try:
                    schedules_uc.delete(self.session.with_source("tui schedules"), row["id"])
                except CorptuiError as exc:
                    self.app.show_error(exc)
                self.reload()

        self.app.push_screen(ConfirmDialog(_("Delete automatic report {id}?").format(id=row['id']),
                                           yes=_("Delete"), no=_("Cancel"), danger=True), done)

    def action_back(self) -> None:
        self.app.open_section("documents")
