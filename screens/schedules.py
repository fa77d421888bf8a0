"""Automatic reports: the company's schedules (type, scope, when, next run, delivery).
n new, e or enter edit, p pause / resume, x delete (confirm), esc/F12 back to documents.
In the form the type, format, period and day are choices, not free text."""

from __future__ import annotations

from rich.text import Text

from corptui import documents as documents_uc
from corptui import schedules as schedules_uc
from corptui.errors import CorptuiError
from corptui.i18n import N_, _, date_text, ngettext, number
from screens.actions.documents import SCHEDULES
from screens.base import RowsScreen
from screens.documents import FormDialog
from screens.widgets.dialogs import ConfirmDialog
from screens.widgets.form import ChoiceField, Field
from screens.widgets.safe import safe_text

SHORT_NAME = {v: k for k, v in documents_uc.TYPE_NAMES.items()}
# the reports a schedule can order (short names, as `corptui schedules` takes them)
SCHEDULE_TYPES = ("reconciliation", "invoice", "act", "invoice-facture", "charges",
                  "payments", "calls")
FORMATS = ("pdf", "xlsx", "csv")
PERIOD_LABELS = {"daily": N_("every day"), "weekly": N_("every week"),
                 "monthly": N_("every month")}


def _day_options(period: str) -> list[tuple[str, str]]:
    if period == "weekly":
        return [(_(schedules_uc.WEEKDAYS[i]), str(i + 1)) for i in range(7)]
    if period == "monthly":
        return [(str(d), str(d)) for d in range(1, 29)]
    return [(_("every day"), "1")]


def _fields(row: dict | None = None) -> list[Field]:
    """The form: type, format, period and day are choices (nothing to mistype)."""
    row = row or {}
    period = row.get("period", "monthly")
    return [
        ChoiceField(_("Type"), "type",
                    [(_(documents_uc.TYPE_LABELS[documents_uc.TYPE_NAMES[t]]), t)
                     for t in SCHEDULE_TYPES],
                    value=SHORT_NAME.get(row.get("type", ""), "invoice")),
        Field(_("Accounts"), "accounts", value=", ".join(row.get("accounts", []))),
        Field(_("Numbers"), "numbers", value=", ".join(row.get("numbers", [])),
              placeholder=_("empty: all numbers of the accounts")),
        ChoiceField(_("Format"), "format", [(f.upper(), f) for f in FORMATS],
                    value=row.get("format", "pdf")),
        ChoiceField(_("Period"), "period",
                    [(_(PERIOD_LABELS[p]), p) for p in schedules_uc.PERIODS], value=period),
        ChoiceField(_("Day"), "day", _day_options(period), value=str(row.get("day", 1))),
        Field(_("Time"), "at_time", value=row.get("at_time", "09:00"), placeholder=_("HH:MM")),
        Field(_("Email"), "email", value=row.get("email", "")),
        Field(_("SMS"), "phone", value=row.get("phone", "")),
    ]


class ScheduleDialog(FormDialog):
    """The automatic report form: the day's choices follow the period."""

    def on_select_changed(self, event) -> None:
        if event.select.id != "period":
            return
        day = self.query_one("#field-day", ChoiceField)
        day.set_options(_day_options(str(event.value)), day.value)


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
    COLUMNS = (("id", N_("No."), 3), ("type", N_("Report"), 18), ("when", N_("When"), 21),
               ("next", N_("Next run"), 16), ("to", N_("Deliver to"), 12))

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
            + _("enter edits · esc back to documents") if n else
            _("No automatic reports: n adds one (delivered by email and/or SMS)."))

    def cells(self, r: dict) -> list:
        label = _(documents_uc.TYPE_LABELS.get(r["type"], r["type"]))
        to = ", ".join(x for x in (r["email"], r["phone"]) if x)
        nxt = (date_text(r["next_run_at"], with_time=True) if r["active"] and r["next_run_at"]
               else _("paused"))  # the state, as text: a paused report has no next run
        return [Text(str(r["id"]), justify="right"), Text(safe_text(label)),
                Text(safe_text(f"{r['when']} {r['format'].upper()}")), Text(nxt),
                Text(safe_text(to))]

    def on_data_table_row_selected(self, event) -> None:
        """Enter on a row edits it (as e does)."""
        event.stop()
        self.action_edit()


    def _form(self, title: str, row: dict | None, save) -> None:
        def submit(values, _force):
            return save(type=values["type"], accounts=_split(values["accounts"]),
                        numbers=_numbers(values["numbers"]), fmt=values["format"],
                        period=values["period"], day=values["day"] or 0,
                        at_time=values["at_time"], email=values["email"] or None,
                        phone=values["phone"] or None)

        def done(result) -> None:
            if result:
                self.reload(select_id=result["id"])

        self.app.push_screen(ScheduleDialog(title, _fields(row), submit), done)

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
