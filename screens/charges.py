"""Charges: what the company (or chosen numbers / accounts) was charged, by month with a
text bar chart, and by kind for the month under the cursor. Enter drills down to the
numbers and lines of that month; t shows the company's top spenders of the month; e
exports the charge lines of what is shown."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from corptui import charges as charges_uc
from corptui.charges import KINDS, ChargeFilter
from corptui.errors import CorptuiError, ValidationError
from corptui.i18n import N_, _, ngettext, number
from corptui.periods import add_months, month_start, parse_date, preset
from corptui.phones import format_msisdn
from screens.actions.money import CHARGE_LINES, CHARGE_RECORDS, CHARGES, DRILL, TOP_SPENDERS
from screens.base import AppScreen
from screens.money_dialogs import (
    CHARGE_KIND_LABELS,
    ExportDialog,
    FilterDialog,
    allowed,
    export_done,
    keep,
    kept,
    money_cell,
    money_text,
    month_text,
    month_value,
    number_scope,
    scope_summary,
    today_of,
)
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.registered import Registered
from screens.widgets.safe import plain
from screens.widgets.virtual_table import Column, VirtualTable

MONEY_WIDTH = 14
MONTH_COLUMNS = [
    Column("period", N_("Month"), 7),
    Column("state", N_("Month state"), 11),
    Column("total", N_("Charged").rjust(MONEY_WIDTH), MONEY_WIDTH),
    Column("chart", N_("Spending by month"), 20, flex=1),
]
EMPTY_STATE = {"numbers": "", "account": "", "picked": (), "date_from": "", "date_to": "",
               "kind": ""}
BLOCKS = " ▏▎▍▌▋▊▉█"
MONTH_STATE_LABELS = {"in_progress": N_("in progress"), "billed": N_("billed")}


def bar(value: Decimal, largest: Decimal, width: int) -> str:
    """A horizontal bar of ``width`` cells at most, in eighths of a cell."""
    if largest <= 0 or value <= 0 or width <= 0:
        return ""
    eighths = int(value / largest * width * 8)
    full, part = divmod(eighths, 8)
    return "█" * full + (BLOCKS[part] if part else "")


def default_months(today: dt.date) -> tuple[dt.date, dt.date]:
    """Six months up to the month of ``today``."""
    return add_months(today, -5), month_start(today)


class ChargesScreen(AppScreen):
    SECTION = "charges"
    TITLE = N_("Charges")
    ACTIONS = CHARGES
    DEFAULT_CSS = """
    #filter-line { height: 1; padding: 0 1; color: $text-muted; }
    #months-table { height: 1fr; min-height: 4; }
    #kinds { height: 8; padding: 0 1; border-top: solid $primary; }
    #totals-line { height: 1; background: $boost; padding: 0 1; text-style: bold; }
    """

    def __init__(self):
        super().__init__()
        self.state = dict(EMPTY_STATE)
        self.months: list[dict] = []
        self.scope: tuple[int, ...] | None = None
        self.first = self.last = None
        self.states: dict[dt.date, str] = {}

    def compose_body(self) -> ComposeResult:
        yield Static("", id="filter-line")
        yield VirtualTable(MONTH_COLUMNS, self._fetch, self._render_month, checkboxes=False,
                           id="months-table", empty_text=_("No months in the period."))
        yield Static("", id="kinds")
        yield Static("", id="totals-line")

    @property
    def table(self) -> VirtualTable:
        return self.query_one(VirtualTable)

    def on_mount(self) -> None:
        self.state = dict(kept(self.app, "charges", EMPTY_STATE))
        if not self.state.get("date_from") and not self.state.get("date_to"):
            first, last = default_months(today_of(self.app))
            self.state.update(date_from=first.isoformat(), date_to=last.isoformat())
        try:
            self._resolve(self.state)
        except ValidationError as exc:
            self.app.show_error(exc)
            first, last = default_months(today_of(self.app))
            self.state = dict(EMPTY_STATE, date_from=first.isoformat(), date_to=last.isoformat())
            self._resolve(self.state)
        self.watch(self.table, "cursor", self._cursor_moved, init=False)
        self.table.focus()
        self.reload()

    # -- filter state -----------------------------------------------------------------
    def _resolve(self, state: dict) -> None:
        """Check the state (ValidationError with every bad field) and take it."""
        errors: dict[str, str] = {}
        scope = number_scope(self.app.session, state.get("numbers", ""),
                             state.get("account", ""), errors, state.get("picked", ()))
        first = last = None
        for name in ("date_from", "date_to"):
            try:
                day = parse_date(month_value(state.get(name, "")), name)
            except ValidationError as exc:
                errors[name] = exc.message
                continue
            if day is None:
                errors[name] = _("{name}: a month is needed (YYYY-MM)").format(name=name)
            elif name == "date_from":
                first = month_start(day)
            else:
                last = month_start(day)
        if first and last and first > last:
            errors["date_from"] = _("date_from is after date_to: the month range is empty")
        if first and last and (last.year * 12 + last.month) - (first.year * 12 + first.month) > 119:
            errors["date_from"] = _("date_from: at most ten years at once")
        kind = state.get("kind", "")
        if kind and kind not in KINDS:
            errors["kind"] = _("kind: unknown charge kind {kind!r}").format(kind=kind)
        if errors:
            name = next(iter(errors))
            raise ValidationError(errors[name], name, errors)
        self.state, self.scope, self.first, self.last = dict(state), scope, first, last

    def charge_filter(self) -> ChargeFilter:
        """The export filter of what is shown (the months and numbers of the screen)."""
        ids = self.scope
        return ChargeFilter(subscriber_ids=() if ids is None else (ids or (0,)),
                            date_from=self.first, date_to=self.last,
                            kinds=(self.state["kind"],) if self.state.get("kind") else ())

    def reload(self) -> None:
        keep(self.app, "charges", dict(self.state))
        self._update_filter_line()
        self._run_query(self.scope, self.first, self.last)

    @work(thread=True, exclusive=True, group="charges-query")
    def _run_query(self, scope, first, last) -> None:
        from corptui.database import close_thread_connection

        try:
            months = charges_uc.by_month(self.app.session, scope, first, last)
            states = charges_uc.month_states(self.app.session, first, last, today_of(self.app))
        except CorptuiError as exc:
            self.app.call_from_thread(self.app.show_error, exc)
            return
        finally:
            close_thread_connection()
        self.app.call_from_thread(self._show, (scope, first, last), months, states)

    def _show(self, key, months: list[dict], states: dict | None = None) -> None:
        if key != (self.scope, self.first, self.last):
            return
        self.states = states or {}
        self.months = list(reversed(months))  # newest first
        self.table.invalidate()
        self.table.set_ids(list(range(len(self.months))))
        self._cursor_moved()

    # -- rendering --------------------------------------------------------------------
    def _fetch(self, ids: list[int]) -> dict[int, dict]:
        return {i: self.months[i] for i in ids if 0 <= i < len(self.months)}

    def _value(self, row: dict) -> Decimal:
        kind = self.state.get("kind")
        return row[kind] if kind else row["total"]

    def _render_month(self, row: dict, key: str) -> str:
        if key == "period":
            return month_text(row["period"])
        if key == "state":
            state = self.states.get(row["period"])
            return _(MONTH_STATE_LABELS[state]) if state in MONTH_STATE_LABELS else ""
        if key == "total":
            return money_cell(self._value(row), MONEY_WIDTH)
        largest = max((self._value(r) for r in self.months), default=Decimal(0))
        width = max(10, self.table.size.width - 1 - 8 - 12 - MONEY_WIDTH - 1 - 2)
        return bar(self._value(row), largest, width)

    def current_month(self) -> dict | None:
        i = self.table.cursor_id
        return self.months[i] if i is not None and 0 <= i < len(self.months) else None

    def kinds_text(self) -> str:
        row = self.current_month()
        if row is None:
            return ""
        total = row["total"]
        if self.states.get(row["period"]) == "in_progress":
            head = _("{month} by kind (in progress)").format(month=month_text(row["period"]))
        else:
            head = _("{month} by kind").format(month=month_text(row["period"]))
        lines = [(f"{head:<27}" if len(head) < 27 else head + "  ") + _("share")]
        for kind in KINDS:
            value = row[kind]
            share = f"{value / total * 100:5.1f}%" if total else "    –"
            mark = ">" if self.state.get("kind") == kind else " "
            lines.append(f"{mark}{_(CHARGE_KIND_LABELS[kind]):<18}{money_cell(value, MONEY_WIDTH)}"
                         f"  {share}  {bar(value, total, 20)}")
        return "\n".join(lines)

    def totals_text(self) -> str:
        total = sum((self._value(r) for r in self.months), Decimal("0.00"))
        with_data = sum(1 for r in self.months if r["total"])
        what = _(CHARGE_KIND_LABELS.get(self.state.get("kind"), "all kinds"))
        return ngettext("{what}: {amount} ₽ over {n} month ({charged} charged) · Enter: drill down",
                        "{what}: {amount} ₽ over {n} months ({charged} charged) · Enter: drill down",
                        len(self.months)).format(what=what, amount=money_text(total),
                                                 n=len(self.months), charged=with_data)

    def filter_text(self) -> str:
        scope = scope_summary(self.state.get("numbers", ""), self.state.get("account", ""),
                              self.state.get("picked", ()))
        if self.scope is not None and not self.scope:
            scope += " " + _("(no numbers)")
        return _("Charges: {scope} · {first} – {last}").format(
            scope=scope, first=month_text(self.first), last=month_text(self.last))

    def _update_filter_line(self) -> None:
        self.query_one("#filter-line", Static).update(
            plain(self.filter_text() + "  " + _("(n numbers, f filter, t top, e export)")))

    def _cursor_moved(self, *_args) -> None:
        self.query_one("#kinds", Static).update(plain(self.kinds_text(), multiline=True))
        self.query_one("#totals-line", Static).update(plain(self.totals_text()))

    def action_choose_numbers(self) -> None:
        from screens.money_dialogs import NumberPicker

        def done(ids) -> None:
            if ids is not None:
                self._set(picked=tuple(ids))

        self.app.push_screen(NumberPicker(self.state.get("picked", ())), done)

    # -- actions ----------------------------------------------------------------------
    def action_filter(self) -> None:
        s = self.state
        fields = [
            ("numbers", N_("Numbers"), s["numbers"], "+7 900 100-00-01, ..."),
            ("account", N_("Accounts"), s["account"], N_("account numbers, comma-separated")),
            ("date_from", N_("From month"), month_text(parse_date(s["date_from"], "d")) if
             s["date_from"] else "", "YYYY-MM"),
            ("date_to", N_("To month"), month_text(parse_date(s["date_to"], "d")) if
             s["date_to"] else "", "YYYY-MM"),
        ]
        kinds = [(N_("all kinds"), "")] + [(CHARGE_KIND_LABELS[k], k) for k in KINDS]
        periods = [(N_("as typed"), ""), (N_("this month"), "this_month"),
                   (N_("last month"), "last_month"), (N_("quarter"), "quarter"),
                   (N_("year"), "year")]
        choices = [("period", N_("Period"), periods, ""),
                   ("kind", N_("Kind"), kinds, s.get("kind", ""))]

        def apply(values: dict):
            self._resolve({**self.state, **values})
            return True

        def done(result) -> None:
            if result:
                self.reload()

        self.app.push_screen(FilterDialog(_("Filter charges"), fields, choices, apply,
                                          today_of(self.app)), done)

    def action_period(self, name: str) -> None:
        first, last = preset(name, today_of(self.app))
        self._set(date_from=first.isoformat(), date_to=last.isoformat())

    def action_clear_filter(self) -> None:
        first, last = default_months(today_of(self.app))
        self._set(numbers="", account="", picked=(), kind="", date_from=first.isoformat(),
                  date_to=last.isoformat())

    def _set(self, **changes) -> None:
        try:
            self._resolve({**self.state, **changes})
        except ValidationError as exc:
            self.app.show_error(exc)
            return
        self.reload()

    def on_virtual_table_opened(self, event: VirtualTable.Opened) -> None:
        row = self.current_month()
        if row is not None:
            self.app.push_screen(ChargeLinesScreen(row["period"], self.scope,
                                                   self.state.get("kind") or None,
                                                   self.filter_text()))

    def action_top(self) -> None:
        row = self.current_month()
        if row is None:
            return
        self.app.push_screen(TopSpendersScreen(row["period"]))

    def action_export(self) -> None:
        if not allowed(self.app, "payments.export"):
            self.app.notify(_("The {role} role may view charges but not export them.").format(role=self.app.session.role), title=_("Not allowed"), severity="warning",
                            markup=False)
            return
        flt = self.charge_filter()
        session = self.app.session
        company = getattr(self.app, "session_info", {}).get("company", "")

        def run(fmt: str, path: str, force: bool, sep: str, progress=None, cancelled=None):
            return charges_uc.export(session, flt, fmt, path, company_name=company,
                                     force=force, sep=sep,
                                     progress=progress, cancelled=cancelled)

        try:
            count = charges_uc.totals(session, flt)["count"]
        except CorptuiError as exc:
            self.app.show_error(exc)
            return
        self.app.push_screen(ExportDialog(_("charge lines"), "charges",
                                          ngettext("{n} charge line", "{n} charge lines",
                                                   count).format(n=number(count))
                                          + " · " + self.filter_text(), run),
                             lambda result: export_done(self.app, result))


class DrillScreen(Registered, Screen):
    """A full-screen list over a money screen (escape goes back)."""

    ACTIONS = DRILL
    DEFAULT_CSS = """
    DrillScreen #drill-title { height: 1; background: $primary; padding: 0 1; text-style: bold; }
    DrillScreen #drill-line { height: 1; background: $boost; padding: 0 1; text-style: bold; }
    """

    def action_back(self) -> None:
        self.dismiss(None)


LINE_COLUMNS = [
    Column("number", N_("Number"), 16),
    Column("employee", N_("Employee"), 12, flex=1),
    Column("kind", N_("Kind"), 16),
    Column("description", N_("Description"), 16, flex=1, min_table_width=100),
    Column("amount", N_("Amount").rjust(MONEY_WIDTH), MONEY_WIDTH),
]
NUMBER_COLUMNS = [
    Column("number", N_("Number"), 16),
    Column("employee", N_("Employee"), 12, flex=1),
    Column("lines", N_("Lines"), 5),
    Column("amount", N_("Charged").rjust(MONEY_WIDTH), MONEY_WIDTH),
]


def render_line(row: dict, key: str) -> str:
    value = row.get(key)
    if key == "number":
        return format_msisdn(value) if value else _("(account)")
    if key == "kind":
        return _(CHARGE_KIND_LABELS.get(value, value or ""))
    if key == "amount":
        return money_cell(value, MONEY_WIDTH)
    if key == "lines":
        return str(value).rjust(5)
    return value or ""


class ChargeLinesScreen(DrillScreen):
    """The drill-down of one month: charged per number (largest first), or every line
    (v toggles); k cycles the kind; Enter on a number shows its lines."""

    ACTIONS = CHARGE_LINES

    def __init__(self, period: dt.date, scope, kind: str | None, scope_text: str):
        super().__init__()
        self.period = period
        self.scope = scope
        self.kind = kind
        self.scope_text = scope_text
        self.view = "numbers"
        self.lines: list[dict] = []
        self.rows: list[dict] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("", id="drill-title")
            yield VirtualTable(NUMBER_COLUMNS, self._fetch, render_line, checkboxes=False,
                               id="lines-table", empty_text=_("No charges in this month."))
            yield Static("", id="drill-line")
        yield KeysFooter()

    @property
    def table(self) -> VirtualTable:
        return self.query_one(VirtualTable)

    def _fetch(self, ids: list[int]) -> dict[int, dict]:
        return {i: self.rows[i] for i in ids if 0 <= i < len(self.rows)}

    def on_mount(self) -> None:
        self.load()
        self.table.focus()

    def load(self) -> None:
        self.query_one("#drill-line", Static).update(plain(_("Loading the lines of the month…")))
        self._load(self.kind)

    @work(thread=True, exclusive=True, group="charge-lines")
    def _load(self, kind: str | None) -> None:
        from corptui.database import close_thread_connection

        try:
            lines = charges_uc.lines(self.app.session, self.scope, self.period, kind)
        except CorptuiError as exc:
            self.app.call_from_thread(self.app.show_error, exc)
            lines = []
        finally:
            close_thread_connection()
        self.app.call_from_thread(self._loaded, kind, lines)

    def _loaded(self, kind: str | None, lines: list[dict]) -> None:
        if kind != self.kind:
            return  # superseded by another kind
        self.lines = lines
        self.show()

    def show(self, only_number: str | None = None) -> None:
        if self.view == "numbers":
            per: dict[str, dict] = {}
            for line in self.lines:
                row = per.setdefault(line["number"], {"number": line["number"],
                                                      "employee": line["employee"],
                                                      "lines": 0, "amount": Decimal("0.00")})
                row["lines"] += 1
                row["amount"] += line["amount"]
            self.rows = sorted(per.values(), key=lambda r: (-r["amount"], r["number"]))
            self.table.columns = NUMBER_COLUMNS
        else:
            self.rows = [ln for ln in self.lines
                         if only_number is None or ln["number"] == only_number]
            self.table.columns = LINE_COLUMNS
        self.table.invalidate()
        self.table.set_ids(list(range(len(self.rows))))
        total = sum((row["amount"] for row in self.rows), Decimal("0.00"))  # what is shown
        kind = _(CHARGE_KIND_LABELS.get(self.kind, "all kinds"))
        self.query_one("#drill-title", Static).update(plain(
            f"{month_text(self.period)} · {kind} · {self.scope_text}"))
        n = len(self.rows)
        what = (ngettext("{n} number", "{n} numbers", n) if self.view == "numbers"
                else ngettext("{n} line", "{n} lines", n)).format(n=number(n))
        self.query_one("#drill-line", Static).update(plain(
            _("{what} · total {money_text} ₽ · k kind · v lines/numbers · esc back").format(what=what, money_text=money_text(total))))

    def action_next_kind(self) -> None:
        order = [None, *KINDS]
        self.kind = order[(order.index(self.kind) + 1) % len(order)]
        self.load()

    def action_toggle_view(self) -> None:
        self.view = "lines" if self.view == "numbers" else "numbers"
        self.show()

    def action_dispute(self) -> None:
        """Dispute the charge line under the cursor (lines view)."""
        if self.view != "lines":
            self.app.notify(_("Enter (or v) shows the lines; d on a line disputes it."),
                            title=_("Dispute"))
            return
        i = self.table.cursor_id
        if i is None or not 0 <= i < len(self.rows):
            return
        from screens.disputes import DisputeDialog

        self.app.push_screen(DisputeDialog(self.rows[i]["id"]))

    # who turned this fee on (issue 12): b on a line of a recurring fee

    def action_blame(self) -> None:
        i = self.table.cursor_id
        if self.view != "lines" or i is None or not 0 <= i < len(self.rows):
            self.app.notify(_("Enter (or v) shows the lines; b on a fee line shows who turned it on."), markup=False)
            return
        from screens.insights import BlameDialog

        BlameDialog.for_charge(self.app, self.rows[i]["id"])

    def on_virtual_table_opened(self, event: VirtualTable.Opened) -> None:
        if not 0 <= event.row_id < len(self.rows):
            return
        if self.view == "numbers":
            self.view = "lines"
            self.show(only_number=self.rows[event.row_id]["number"])
        else:
            self.app.push_screen(ChargeRecordsScreen(self.rows[event.row_id]["id"]))


RECORD_COLUMNS = [
    Column("started_at", N_("Date and time"), 16),
    Column("direction", N_("Dir"), 3),
    Column("kind", N_("Kind"), 5),
    Column("counterpart", N_("Counterpart"), 12, flex=1),
    Column("usage", N_("   Usage"), 8),
    Column("roaming", N_("Roam"), 4),
    Column("cost", N_("Cost").rjust(9), 9),
]


class ChargeRecordsScreen(DrillScreen):
    """The call records a charge line sums, each with its rated cost (Enter on a line
    of the drill-down; escape goes back to the lines)."""

    ACTIONS = CHARGE_RECORDS

    def __init__(self, charge_id: int):
        super().__init__()
        self.charge_id = charge_id
        self.rows: list[dict] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("", id="drill-title")
            yield VirtualTable(RECORD_COLUMNS, self._fetch, self._render_record, checkboxes=False,
                               id="records-table",
                               empty_text=_("No call records: a fee is charged by the month."))
            yield Static("", id="drill-line")
        yield KeysFooter()

    def _fetch(self, ids: list[int]) -> dict[int, dict]:
        return {i: self.rows[i] for i in ids if 0 <= i < len(self.rows)}

    def _render_record(self, row: dict, key: str) -> str:
        from screens.calls import render_cell

        if key == "direction":
            return _("in") if row["direction"] == "in" else _("out")
        if key == "roaming":
            return _("yes") if row["roaming"] else ""
        return render_cell(row, key)

    def on_mount(self) -> None:
        try:
            found = charges_uc.line_records(self.app.session, self.charge_id)
        except CorptuiError as exc:
            self.app.show_error(exc)
            self.dismiss(None)
            return
        line = found["line"]
        self.rows = found["records"]
        table = self.query_one(VirtualTable)
        table.set_ids(list(range(len(self.rows))))
        table.focus()
        kind = _(CHARGE_KIND_LABELS.get(line["kind"], line["kind"]))
        who = format_msisdn(line["number"]) if line["number"] else _("(account)")
        self.query_one("#drill-title", Static).update(plain(
            f"{month_text(line['period'])} · {who} · {kind} · {money_text(line['amount'])} ₽"))
        n = len(self.rows)
        self.query_one("#drill-line", Static).update(plain(
            _("{what} · total {amount} ₽ · esc back").format(
                what=ngettext("{n} record", "{n} records", n).format(n=number(n)),
                amount=money_text(found["total"]))))


TOP_COLUMNS = [
    Column("rank", "#", 3),
    Column("number", N_("Number"), 16),
    Column("employee", N_("Employee"), 12, flex=1),
    Column("amount", N_("Charged").rjust(MONEY_WIDTH), MONEY_WIDTH),
]


class TopSpendersScreen(DrillScreen):
    """The company's numbers charged most in a month; Enter opens the number's calls."""

    ACTIONS = TOP_SPENDERS
    LIMIT = 50

    def __init__(self, period: dt.date):
        super().__init__()
        self.period = period
        self.rows: list[dict] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(_("Top spenders of the company · {month_text}").format(month_text=month_text(self.period))),
                         id="drill-title")
            yield VirtualTable(TOP_COLUMNS, self._fetch, self._render_top, checkboxes=False,
                               id="top-table", empty_text=_("No charges in this month."))
            yield Static("", id="drill-line")
        yield KeysFooter()

    def _render_top(self, row: dict, key: str) -> str:
        if key == "rank":
            return str(row["rank"]).rjust(3)
        return render_line(row, key)

    def _fetch(self, ids: list[int]) -> dict[int, dict]:
        return {i: self.rows[i] for i in ids if 0 <= i < len(self.rows)}

    def on_mount(self) -> None:
        try:
            top = charges_uc.top_spenders(self.app.session, self.period, limit=self.LIMIT)
        except CorptuiError as exc:
            self.app.show_error(exc)
            top = []
        largest = top[0]["total"] if top else Decimal(0)
        self.rows = [{"rank": i + 1, "number": r["number"], "employee": r["employee"],
                      "amount": r["total"], "bar": bar(r["total"], largest, 10)}
                     for i, r in enumerate(top)]
        table = self.query_one(VirtualTable)
        table.set_ids(list(range(len(self.rows))))
        table.focus()
        self.query_one("#drill-line", Static).update(plain(
            _("{n_rows} numbers · Enter: calls of the number · esc back").format(n_rows=len(self.rows))))

    def on_virtual_table_opened(self, event: VirtualTable.Opened) -> None:
        from corptui.periods import month_end
        from screens.calls import EMPTY_STATE

        row = self.rows[event.row_id]
        state = dict(kept(self.app, "calls", EMPTY_STATE))
        state.update(numbers=format_msisdn(row["number"]), account="", period="",
                     date_from=self.period.isoformat(),
                     date_to=month_end(self.period).isoformat())
        keep(self.app, "calls", state)
        self.app.open_section("calls")
