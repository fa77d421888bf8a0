"""The overview: where the admin lands after login (Settings: start screen). One line per
thing to look at, "!" in front of what needs attention (readable without colour); enter
opens the line's section already filtered (the numbers over their limit, the idle lines,
the tag's budget...). n opens the numbers console, r recomputes the figures.

The figures come from the kept snapshot (corptui.overview): shown at once, recomputed in
a thread worker when the data moved since (the header says "updating…" meanwhile)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from textual import work
from textual.app import ComposeResult
from textual.widgets import Static

from corptui import overview as uc
from corptui.errors import CorptuiError
from corptui.i18n import N_, _, date_text, money, ngettext, number
from corptui.money import from_kopecks
from screens.actions.insights import OVERVIEW
from screens.base import AppScreen
from screens.widgets.safe import plain, safe_text
from screens.widgets.virtual_table import Column, VirtualTable

COLUMNS = [Column("mark", "", 1), Column("line", N_("What to look at (enter opens)"), 20, flex=1)]
GROWTH_ALERT = Decimal(10)  # percent over last month by the same day that earns a "!"


def _pct(value: Decimal | None) -> str:
    if value is None:
        return ""
    sign = "+" if value > 0 else ""
    return f"{sign}{number(value, '0.0')} %"


def _spend_rows(s: dict) -> list[dict]:
    from corptui.spend import growth

    month = dt.date.fromisoformat(s["month"])
    now, before = from_kopecks(s["now"]), from_kopecks(s["before"])
    change = growth(now, before)
    rows = [{"line": _("This month so far, to {day}: {amount}").format(
                day=f"{s['day']:02d}.{month:%m}", amount=money(now)),
             "target": ("section", "charges")},
            {"line": _("Last month by the same day: {amount}").format(amount=money(before))
             + (f" ({_pct(change)})" if change is not None else ""),
             "mark": "!" if change is not None and change >= GROWTH_ALERT else "",
             "target": ("section", "charges")}]
    return rows


def _budget_rows(b: dict) -> list[dict]:
    if not b["with_budget"]:
        return [{"line": _("Budgets: none set (Spend by tag, b sets one)"),
                 "target": ("spend", None)}]
    month = dt.date.fromisoformat(b["month"]) if b["month"] else None
    head = ngettext("Budgets: {over} of {n} tag over budget in {month}",
                    "Budgets: {over} of {n} tags over budget in {month}", b["with_budget"]).format(
        over=b["over"], n=b["with_budget"], month=f"{month:%m.%Y}" if month else "-")
    rows = [{"line": head, "mark": "!" if b["over"] else "", "target": ("spend", None)}]
    for r in b["rows"][:uc.BUDGET_LINES]:
        use = Decimal(r["use"])
        rows.append({"line": "  " + _("{tag}: {spent} of {budget} ({use})").format(
            tag=r["name"], spent=money(Decimal(r["spent"]), symbol=False),
            budget=money(Decimal(r["budget"])), use=f"{number(use, '0')} %"),
            "mark": "!" if use > 100 else "", "target": ("spend", r["tag_id"])})
    return rows


def _limit_rows(lim: dict) -> list[dict]:
    over = lim["over"] + lim["blocked"]
    rows = []
    if over:
        text = ngettext("Over the limit: {n} number", "Over the limit: {n} numbers",
                        len(over)).format(n=number(len(over)))
        if lim["blocked"]:
            text += " " + _("({blocked} blocked)").format(blocked=number(len(lim["blocked"])))
        rows.append({"line": text, "mark": "!",
                     "target": ("numbers", over, N_("over the limit"))})
    if lim["near"]:
        rows.append({"line": ngettext("Near the limit: {n} number", "Near the limit: {n} numbers",
                                      len(lim["near"])).format(n=number(len(lim["near"]))),
                     "target": ("numbers", lim["near"], N_("near the limit"))})
    if not rows:
        rows.append({"line": _("Limits: no number over or near its limit"),
                     "target": ("section", "numbers")})
    return rows


def _money_rows(p: dict) -> list[dict]:
    sav, lines, opts = p["savings"], p["lines"], p["options"]
    if sav["computed"]:
        tariffs = ngettext("Tariffs: {n} number would save {amount} a month",
                           "Tariffs: {n} numbers would save {amount} a month",
                           len(sav["ids"])).format(n=number(len(sav["ids"])),
                                                   amount=money(Decimal(sav["total"])))
    else:
        tariffs = _("Tariffs: the optimiser has not run yet (enter runs it)")
    n_lines = len(lines["ids"])
    return [
        {"line": tariffs, "target": ("insights", "tariffs")},
        {"line": ngettext("Idle {days} days: {n} line, {amount} a month",
                          "Idle {days} days: {n} lines, {amount} a month", n_lines).format(
            days=lines["days"], n=number(n_lines), amount=money(Decimal(lines["total"]))),
         "mark": "!" if n_lines else "", "target": ("insights", "unused")},
        {"line": ngettext("Paid options never used: {n}, {amount} a month",
                          "Paid options never used: {n}, {amount} a month", opts["count"]).format(
            n=number(opts["count"]), amount=money(Decimal(opts["total"]))),
         "mark": "!" if opts["count"] else "", "target": ("insights", "options")},
    ]


def _live_rows(live: dict) -> list[dict]:
    docs = _("Documents: {ready} ready, {waiting} in preparation").format(
        ready=number(live["documents_ready"]), waiting=number(live["documents_waiting"]))
    if live["documents_failed"]:
        docs += ", " + _("{failed} failed").format(failed=number(live["documents_failed"]))
    return [
        {"line": docs, "mark": "!" if live["documents_failed"] else "",
         "target": ("section", "documents")},
        {"line": _("Disputes: {open} open, {review} in review").format(
            open=number(live["disputes_open"]), review=number(live["disputes_in_review"])),
         "target": ("disputes", "open")},
        {"line": ngettext("Change applications: {n} not done yet",
                          "Change applications: {n} not done yet",
                          live["applications_open"]).format(n=number(live["applications_open"])),
         "target": ("applications", None)},
    ]


def overview_rows(payload: dict, live: dict) -> list[dict]:
    """The lines of the overview from the snapshot's payload and the live counts."""
    rows = (_spend_rows(payload["spend"]) + _budget_rows(payload["budgets"])
            + _limit_rows(payload["limits"]) + _money_rows(payload) + _live_rows(live))
    for i, row in enumerate(rows):
        row["id"] = i
        row.setdefault("mark", "")
    return rows


class OverviewScreen(AppScreen):
    SECTION = "overview"
    TITLE = N_("Overview")
    ACTIONS = OVERVIEW
    DEFAULT_CSS = """
    #overview-head { height: 1; padding: 0 1; background: $boost; }
    #overview-table { height: 1fr; }
    """

    def __init__(self):
        super().__init__()
        self.rows: list[dict] = []
        self.payload: dict | None = None
        self.live: dict = {}
        self.computed_at = None
        self.updating = False

    def compose_body(self) -> ComposeResult:
        yield Static("", id="overview-head")
        yield VirtualTable(COLUMNS, self._fetch, self._cell, checkboxes=False,
                           id="overview-table", empty_text=_("Counting the figures…"))

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#overview-table", VirtualTable)

    def _fetch(self, ids: list[int]) -> dict[int, dict]:
        return {i: self.rows[i] for i in ids if 0 <= i < len(self.rows)}

    @staticmethod
    def _cell(row: dict, key: str) -> str:
        return safe_text(row.get(key, ""))

    def on_mount(self) -> None:
        self.table.focus()
        self.load()

    def on_screen_resume(self) -> None:
        if self.is_mounted and self.payload is not None:
            self.load()

    @property
    def today(self) -> dt.date:
        return getattr(self.app, "today", None) or dt.date.today()

    def _now(self) -> dt.datetime | None:
        today = getattr(self.app, "today", None)
        return None if today is None else dt.datetime.combine(today, dt.time(12), dt.UTC)

    def load(self) -> None:
        """The kept figures now; a recount in the background when the data moved."""
        try:
            snap = uc.figures(self.session, self.today)
            self.live = uc.live(self.session, self._now())
        except CorptuiError as exc:
            self.app.show_error(exc)
            return
        if snap is not None:
            self.show(snap["payload"], snap["computed_at"])
        if snap is None or snap["stale"]:
            self.action_refresh()
        else:
            self._head()

    def show(self, payload: dict, computed_at) -> None:
        self.payload, self.computed_at = payload, computed_at
        self.rows = overview_rows(payload, self.live)
        self.table.invalidate()
        self.table.set_ids(list(range(len(self.rows))), keep_cursor=True)
        self._head()

    def _head(self) -> None:
        parts = [_("Today {date}").format(date=date_text(self.today))]
        if self.updating:
            if self.computed_at is not None:
                parts.append(_("figures of {time}").format(
                    time=date_text(self.computed_at, with_time=True)))
            parts.append(_("updating…"))
        elif self.computed_at is not None:
            parts.append(_("figures up to date"))
        parts.append(_("n numbers · r refresh"))
        self.query_one("#overview-head", Static).update(plain(" · ".join(parts)))

    def action_refresh(self) -> None:
        if self.updating:
            return
        self.updating = True
        self._head()
        self._recount(self.session, self.today, self._now())  # taken on the UI thread

    @work(thread=True, exclusive=True, group="overview")
    def _recount(self, session, today, now) -> None:
        from corptui.database import close_thread_connection

        try:
            snap = uc.refresh(session, today)
            live = uc.live(session, now)
            error = None
        except CorptuiError as exc:
            snap, live, error = None, None, exc
        finally:
            close_thread_connection()
        self.app.call_from_thread(self._recounted, snap, live, error)

    def _recounted(self, snap, live, error) -> None:
        self.updating = False
        if not self.is_mounted:
            return
        if error is not None:
            self.app.show_error(error)
            self._head()
            return
        self.live = live
        self.show(snap["payload"], snap["computed_at"])

    # -- opening a line ---------------------------------------------------------------
    def on_virtual_table_opened(self, event: VirtualTable.Opened) -> None:
        if 0 <= event.row_id < len(self.rows):
            open_target(self.app, self.rows[event.row_id]["target"])


def open_target(app, target: tuple) -> None:
    """Open what an overview line points at, already filtered."""
    kind, arg = target[0], target[1]
    if kind == "section":
        app.open_section(arg)
    elif kind == "applications":
        from screens.change_applications import ChangeApplicationHistory

        app.push_screen(ChangeApplicationHistory(open_only=True))
    else:
        section = {"numbers": "numbers", "spend": "spend", "insights": "insights",
                   "disputes": "disputes"}[kind]
        app.open_section(section)
        screen = app.screen

        def apply() -> None:
            if kind == "numbers":
                screen.filter_ids(arg, target[2])
            elif kind == "spend":
                screen.focus_tag(arg)
            elif kind == "insights":
                screen.action_mode(arg)
            elif kind == "disputes":
                screen.show_open_only(True)

        if getattr(screen, "SECTION", None) == section:
            screen.call_after_refresh(apply)
