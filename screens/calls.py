"""Call details: the call-detail records of chosen numbers (or accounts, or the whole
company) for a period, with filters (direction, kind, roaming, cost, dates with
presets), totals (count, talk time, data, cost) and the export of what is shown.

The table is paged lazily (positions 0..count-1, one offset/limit query per visible
window), so a year of a busy number or a month of the company opens at once."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from corptui import calls as calls_uc
from corptui.calls import CallFilter
from corptui.errors import ValidationError
from corptui.i18n import N_, _, date_text, ngettext, number
from corptui.i18n import language as i18n_language
from corptui.periods import preset
from corptui.phones import format_msisdn
from screens.actions.money import CALLS
from screens.base import AppScreen
from screens.money_dialogs import (
    PERIOD_CHOICES,
    ExportDialog,
    FilterDialog,
    allowed,
    date_cell,
    export_done,
    kept,
    money_cell,
    money_text,
    number_scope,
    scope_summary,
    today_of,
)
from screens.widgets.paged import PagedQueryMixin
from screens.widgets.safe import plain
from screens.widgets.virtual_table import Column, VirtualTable

COST_WIDTH = 9
COLUMNS = [
    Column("started_at", N_("When"), 11),  # the year: the filter line, detail
    Column("number", N_("Number"), 16),  # many numbers: each record says whose it is
    Column("direction", N_("Dir"), 3),
    Column("kind", N_("Kind"), 5),
    Column("counterpart", N_("Counterpart"), 12, flex=1),
    Column("usage", N_("   Usage"), 8),
    Column("roaming", N_("Roam"), 4),
    Column("cost", N_("Cost").rjust(COST_WIDTH), COST_WIDTH),
]
EMPTY_STATE = {"numbers": "", "account": "", "picked": (), "period": "last_month",
               "date_from": "", "date_to": "", "direction": "", "kind": "", "roaming": "",
               "amount_min": "", "amount_max": "", "descending": False}
DIRECTIONS = [(N_("in and out"), ""), (N_("incoming"), "in"), (N_("outgoing"), "out")]
KINDS = [(N_("all kinds"), ""), (N_("voice"), "voice"), (N_("SMS"), "sms"), (N_("data"), "data")]
ROAMING = [(N_("home and roaming"), ""), (N_("roaming only"), "yes"), (N_("home only"), "no")]


def duration_text(seconds: int) -> str:
    hours, rest = divmod(int(seconds or 0), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def volume_text(kb: int) -> str:
    kb = int(kb or 0)
    if kb >= 1024 * 1024:
        return _("{size} GB").format(size=number(round(kb / 1024 / 1024, 1), "0.0"))
    if kb >= 1024:
        return _("{size} MB").format(size=number(round(kb / 1024, 1), "0.0"))
    return _("{size} KB").format(size=kb)


def usage(row: dict) -> str:
    if row["kind"] == "data":
        return volume_text(row["volume_kb"])
    if row["kind"] == "voice":
        return duration_text(row["duration_seconds"])
    return "—"


def short_time(value) -> str:
    """"05.11 14:03" (Russian) / "11-05 14:03": the day and time without the year, so
    that the number of each record fits at 80 columns (the year is in the filter line
    and the detail line under the table)."""
    if not value:
        return ""
    local = value.astimezone() if value.tzinfo else value
    return local.strftime("%d.%m %H:%M" if i18n_language() == "ru" else "%m-%d %H:%M")


def counterpart_text(value: str | None) -> str:
    value = value or ""
    return format_msisdn(value) if value.isdigit() and len(value) == 11 else value


def render_cell(row: dict, key: str) -> str:
    if key == "started_at":
        return short_time(row["started_at"])
    if key == "number":
        return format_msisdn(row["number"])
    if key == "usage":
        return usage(row).rjust(8)
    if key == "roaming":
        return _("yes") if row["roaming"] else ""
    if key == "counterpart":
        return counterpart_text(row.get("counterpart"))
    if key == "cost":
        return money_cell(row["cost"], COST_WIDTH)
    return str(row.get(key) or "")


def build_filter(session, state: dict, today) -> CallFilter:
    """The validated filter of a state; ValidationError with every bad field."""
    errors: dict[str, str] = {}
    scope = number_scope(session, state.get("numbers", ""), state.get("account", ""), errors,
                         state.get("picked", ()))
    date_from, date_to = state.get("date_from") or None, state.get("date_to") or None
    if state.get("period") and not date_from and not date_to:
        date_from, date_to = preset(state["period"], today)
    roaming = {"yes": True, "no": False}.get(state.get("roaming", ""))
    flt = CallFilter(subscriber_ids=scope, date_from=date_from, date_to=date_to,
                     directions=(state["direction"],) if state.get("direction") else (),
                     kinds=(state["kind"],) if state.get("kind") else (),
                     roaming=roaming, amount_min=state.get("amount_min") or None,
                     amount_max=state.get("amount_max") or None,
                     descending=bool(state.get("descending")))
    try:
        flt = flt.validated()
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        first = next(iter(errors))
        raise ValidationError(errors[first], first, errors)
    return flt


class CallsScreen(PagedQueryMixin, AppScreen):
    SECTION = "calls"
    KEEP_KEY = "calls"
    use_case = calls_uc
    TITLE = N_("Calls")
    ACTIONS = CALLS
    DEFAULT_CSS = """
    #filter-line { height: 1; padding: 0 1; color: $text-muted; }
    #detail-line { height: 1; padding: 0 1; }
    #totals-line { height: 1; background: $boost; padding: 0 1; text-style: bold; }
    """

    def __init__(self):
        super().__init__()
        self.state = dict(EMPTY_STATE)
        self.flt = CallFilter()
        self.totals = {"count": 0, "duration_seconds": 0, "volume_kb": 0, "cost": None}

    def compose_body(self) -> ComposeResult:
        yield Static("", id="filter-line")
        yield VirtualTable(COLUMNS, self._fetch, render_cell, checkboxes=False,
                           id="calls-table",
                           empty_text=_("No calls match the filters (f filter, x clears)."))
        yield Static("", id="detail-line")
        yield Static("", id="totals-line")

    @property
    def table(self) -> VirtualTable:
        return self.query_one(VirtualTable)

    def on_mount(self) -> None:
        self.state = dict(kept(self.app, "calls", EMPTY_STATE))
        try:
            self.flt = build_filter(self.app.session, self.state, today_of(self.app))
        except ValidationError as exc:
            self.app.show_error(exc)
            self.state = dict(EMPTY_STATE)
            self.flt = build_filter(self.app.session, self.state, today_of(self.app))
        self.watch(self.table, "cursor", self._cursor_moved, init=False)
        self.table.focus()
        self.reload()

    # -- data: paged rows and totals (screens.widgets.paged) -------------------------
    def sort_key_of(self, flt) -> str:
        return "started_at"

    # -- lines --------------------------------------------------------------------------
    def filter_text(self) -> str:
        s = self.state
        parts = [scope_summary(s.get("numbers", ""), s.get("account", ""),
                               s.get("picked", ()))]
        f = self.flt
        if f.date_from or f.date_to:
            parts.append(f"{date_text(f.date_from) if f.date_from else '…'} – "
                         f"{date_text(f.date_to) if f.date_to else '…'}")
        else:
            parts.append(_("all dates"))
        for label, choice in ((DIRECTIONS, s.get("direction")), (KINDS, s.get("kind")),
                              (ROAMING, s.get("roaming"))):
            if choice:
                parts.append(_({v: t for t, v in label}[choice]))
        if f.amount_min is not None or f.amount_max is not None:
            lo = money_text(f.amount_min) if f.amount_min is not None else "…"
            hi = money_text(f.amount_max) if f.amount_max is not None else "…"
            parts.append(_("cost {low}–{high}").format(low=lo, high=hi))
        return _("Calls: {filters}").format(filters=" · ".join(parts))

    def totals_text(self) -> str:
        t = self.totals
        cost = money_text(t["cost"]) if t["cost"] is not None else "…"
        return " · ".join((
            ngettext("{n} record", "{n} records", t['count']).format(n=number(t['count'])),
            _("talk {duration}").format(duration=duration_text(t['duration_seconds'])),
            _("data {volume}").format(volume=volume_text(t['volume_kb'])),
            _("cost {amount} ₽").format(amount=cost)))

    def _update_filter_line(self) -> None:
        self.query_one("#filter-line", Static).update(
            plain(self.filter_text() + "  " + _("(n numbers, f filter, e export)")))

    def _update_totals_line(self) -> None:
        self.query_one("#totals-line", Static).update(plain(self.totals_text()))

    def _cursor_moved(self, *_args) -> None:
        table = self.table
        row = table.row(table.cursor_id) if table.cursor_id is not None else None
        text = ""
        if row is not None:
            direction = _("incoming") if row["direction"] == "in" else _("outgoing")
            kind = _({v: t for t, v in KINDS}.get(row['kind'], row['kind']))
            text = (f"{date_cell(row['started_at'], with_time=True)} · "
                    f"{format_msisdn(row['number'])} · {direction} {kind} · "
                    f"{counterpart_text(row['counterpart']) or '—'} · {usage(row)}"
                    + (" · " + _("roaming") if row["roaming"] else ""))
        self.query_one("#detail-line", Static).update(plain(text))

    # -- filters ----------------------------------------------------------------------
    def _apply(self, changes: dict):
        merged = {**self.state, **changes}
        return build_filter(self.app.session, merged, today_of(self.app)), merged

    def set_state(self, **changes) -> None:
        try:
            self.flt, self.state = self._apply(changes)
        except ValidationError as exc:
            self.app.show_error(exc)
            return
        self.reload()

    def action_filter(self) -> None:
        s = self.state
        date_from, date_to = s.get("date_from", ""), s.get("date_to", "")
        if not date_from and not date_to and self.flt.date_from:
            date_from, date_to = self.flt.date_from.isoformat(), self.flt.date_to.isoformat()
        fields = [
            ("numbers", N_("Numbers"), s["numbers"], "+7 900 100-00-01, ..."),
            ("account", N_("Accounts"), s["account"], N_("account numbers, comma-separated")),
            ("date_from", N_("Date from"), date_from, N_("YYYY-MM-DD or DD.MM.YYYY")),
            ("date_to", N_("Date to"), date_to, ""),
            ("amount_min", N_("Cost from"), s["amount_min"], "0.00"),
            ("amount_max", N_("Cost to"), s["amount_max"], ""),
        ]
        choices = [("period", N_("Period"), PERIOD_CHOICES, ""),
                   ("direction", N_("Direction"), DIRECTIONS, s.get("direction", "")),
                   ("kind", N_("Kind"), KINDS, s.get("kind", "")),
                   ("roaming", N_("Roaming"), ROAMING, s.get("roaming", ""))]

        def apply(values: dict):
            values = dict(values, period="")  # the dates as typed (a preset filled them)
            return self._apply(values)

        def done(result) -> None:
            if result is None:
                return
            self.flt, self.state = result
            self.reload()

        self.app.push_screen(FilterDialog(_("Filter call details"), fields, choices, apply,
                                          today_of(self.app)), done)

    def action_period(self, name: str) -> None:
        self.set_state(period=name, date_from="", date_to="")

    def action_clear_filter(self) -> None:
        self.set_state(**{k: v for k, v in EMPTY_STATE.items()
                          if k not in ("numbers", "account", "picked", "descending")})

    def action_reverse(self) -> None:
        self.set_state(descending=not self.flt.descending)

    def action_choose_numbers(self) -> None:
        from screens.money_dialogs import NumberPicker

        def done(ids) -> None:
            if ids is not None:
                self.set_state(picked=tuple(ids))

        self.app.push_screen(NumberPicker(self.state.get("picked", ())), done)

    # -- export -----------------------------------------------------------------------
    def action_import_calls(self) -> None:
        from screens.import_feeds import FeedImportScreen

        def done(imported) -> None:
            if imported:
                self.reload()

        self.app.push_screen(FeedImportScreen("calls"), done)

    def action_export(self) -> None:
        if not allowed(self.app, "payments.export"):
            self.app.notify(_("The {role} role may view call details but not export them.").format(role=self.app.session.role), title=_("Not allowed"), severity="warning",
                            markup=False)
            return
        flt = self.flt
        session = self.app.session
        company = getattr(self.app, "session_info", {}).get("company", "")

        def run(fmt: str, path: str, force: bool, sep: str, progress=None, cancelled=None):
            return calls_uc.export(session, flt, fmt, path, company_name=company,
                                   force=force, sep=sep,
                                   progress=progress, cancelled=cancelled)

        hint = _("{count} records · {filter_text}").format(count=number(self.totals['count']), filter_text=self.filter_text())
        self.app.push_screen(ExportDialog(_("call details"), "calls", hint, run),
                             lambda result: export_done(self.app, result))
