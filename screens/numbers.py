"""The numbers console: every number of the company in a virtualized table with
checkboxes, search as you type, filters, sorting, the selected count at the bottom and the
bulk actions for the selection."""

from __future__ import annotations

import time
from functools import partial

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.css.query import NoMatches
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from corptui import numbers as numbers_uc
from corptui.errors import CorptuiError
from corptui.i18n import N_, _, number
from corptui.number_search import Scan, SearchView, load_view
from corptui.numbers import NumberFilter
from corptui.phones import format_msisdn
from screens.actions.numbers import NUMBERS
from screens.base import AppScreen
from screens.numbers_actions import NumbersActions
from screens.widgets.safe import safe_text
from screens.widgets.virtual_table import Column, VirtualTable

COLUMNS = [
    Column("msisdn", N_("Number"), 16),
    Column("full_name", N_("Employee"), 16, flex=4),
    Column("position", N_("Position"), 12, flex=2, min_table_width=110),
    Column("tags", N_("Tags"), 10, flex=2),
    Column("tariff", N_("Tariff"), 10, flex=1),
    Column("status", N_("Status"), 10),
    Column("account", N_("Account"), 12, min_table_width=130),
]
SORTABLE = ["msisdn", "full_name", "position", "tariff", "status", "account"]


# the limit marks show the spend in percent of the limit, with a text marker for no colour
LIMIT_TEXT = {"over": N_("!lim {percent}%"), "near": N_("~lim {percent}%"),
              "blocked": N_("!lim block")}
STATUS_TEXT = {"active": N_("active"), "blocked": N_("! blocked")}


def render_cell(row: dict, key: str) -> str:
    value = row.get(key)
    if key == "status" and value != "blocked" and row.get("limit"):
        state, percent = row["limit"]
        shown = "-" if percent is None else ">999" if percent > 999 else str(percent)
        return _(LIMIT_TEXT[state]).format(percent=shown)
    if key == "msisdn":
        return format_msisdn(value)
    if key == "tags":
        return ", ".join(value or [])
    if key == "status":
        return _(STATUS_TEXT.get(value, value or ""))
    if key == "full_name" and not value:
        return _("(no name)")
    return value or ""


class SearchInput(Input):
    """Enter (or escape, or down) returns to the list keeping the filter. Each change of
    the text filters the list at once, inside the keystroke's own handler, so the echo
    of the typed character and the filtered table reach the terminal in one frame."""

    BINDINGS = [Binding("down", "to_table", show=False),
                Binding("escape", "to_table", show=False)]
    DEFAULT_CSS = """
    SearchInput, SearchInput:focus { border: none; height: 1; width: 1fr; padding: 0 1; }
    SearchInput:focus { text-style: bold; background: $boost; }
    """

    def watch_value(self, value: str) -> None:
        screen = self.screen
        if isinstance(screen, NumbersScreen):
            screen.search_typed(value)

    def action_to_table(self) -> None:
        self.screen.query_one(VirtualTable).focus()


LONG_LIVED_AT = 10_000  # numbers from which the loaded list is frozen out of the GC
FIRST_PAGE = 200  # rows shown at once while the whole list loads in the background
SYNC_ROWS = 150_000  # a search over up to this many rows completes in its keystroke
MORE_ROWS = 60_000  # then rows looked at per frame (~10 ms) until the count is complete


class NumbersScreen(NumbersActions, AppScreen):
    SECTION = "numbers"
    KEEP_ALIVE = True  # the app keeps it while logged in (search, filter, selection)
    TITLE = N_("Numbers")
    ACTIONS = NUMBERS
    DEFAULT_CSS = """
    #search-row { height: 1; }
    #search-label { width: auto; padding: 0 0 0 1; text-style: bold; }
    #filter-summary { width: auto; max-width: 40; padding: 0 1; color: $text-muted; }
    #selection-line { height: 1; background: $boost; padding: 0 1; text-style: bold; }
    """

    def __init__(self):
        super().__init__()
        self.flt = NumberFilter()
        self.total = 0
        self.last_search_seconds = 0.0
        self._search_started = 0.0
        self.data_version: tuple | None = None  # of the data the view was built from
        self.view: SearchView | None = None  # the listed numbers: sorted, filtered
        self.scan: Scan | None = None  # the search being shown (None: no search)
        self.partial = True  # the table shows a first page or a search from SQL only
        self._sql_busy = False  # a SQL search (before the list is in memory) is running
        # id -> ("near" | "over" | "blocked", percent of the limit spent)
        self.limit_flags: dict[int, tuple] = {}
        self.ids_label = ""  # what flt.extra_ids are ("over the limit"), N_-marked

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="search-row"):
            yield Static(_("Search:"), id="search-label")
            yield SearchInput(placeholder=_("phone or name (/)"), id="search", max_length=100)
            yield Static("", id="filter-summary")
        yield VirtualTable(COLUMNS, self._fetch, render_cell, id="numbers-table",
                           empty_text=_("No numbers match the search and filters."),
                           on_change=self.update_selection_line)
        yield Static("", id="selection-line")

    @property
    def table(self) -> VirtualTable:
        return self.query_one(VirtualTable)

    def _fetch(self, ids: list[int]) -> dict[int, dict]:
        rows = numbers_uc.rows_by_ids(self.app.session, ids)
        for sid, row in rows.items():
            row["limit"] = self.limit_flags.get(sid)
        return rows

    def on_screen_resume(self) -> None:
        """Back from another section (the screen is kept alive): the same search, filter,
        selection and cursor, with the data read again in the background."""
        if getattr(self, "section_return", False):
            self.section_return = False
            self.table.invalidate()  # the visible rows are read again
            self.reload(True, if_changed=True)

    def on_mount(self) -> None:
        """The first page at once (a million numbers open as fast as a hundred); the
        whole list and what search needs load in the background right after."""
        session = self.app.session
        self.total = numbers_uc.count_all(session)
        self.table.sort_key = self.flt.sort
        self.table.set_ids(numbers_uc.matching_ids(session, self.flt, limit=FIRST_PAGE))
        self.table.focus()
        self.call_after_refresh(self.reload, True, True)

    # -- search and filter --------------------------------------------------------
    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def search_typed(self, value: str) -> None:
        """The search text changed (typed, pasted or set): the table follows in the
        same frame. Before the list has loaded, SQL answers (in a thread) and the view
        takes the text over when it arrives: nothing typed is lost."""
        if value == self.flt.search and (self.scan is not None or not value.strip()):
            return
        self.flt.search = value
        self._search_started = time.perf_counter()
        if self.view is None:
            if not self._sql_busy and self.app.session is not None:
                self._sql_busy = True  # one SQL search at a time: the latest text when done
                self._sql_search(self.app.session, NumberFilter(**vars(self.flt)))
            return
        self._show_search()

    def _show_search(self, keep_cursor: bool = False) -> None:
        view = self.view
        scan = self.scan = view.start(self.flt.search)
        if scan is None:
            ids = view.ids
        else:
            if scan.total <= SYNC_ROWS:
                scan.finish()
            else:
                scan.first_page(FIRST_PAGE, SYNC_ROWS)
            ids = scan.ids
        self.partial = False
        self.table.set_ids(ids, keep_cursor=keep_cursor)
        if scan is not None and not scan.done:
            self.set_timer(0.001, partial(self._scan_more, scan))
        self.last_search_seconds = time.perf_counter() - self._search_started

    def _scan_more(self, scan: Scan) -> None:
        """The rest of a long search, a frame's worth of rows at a time: the first page
        is already on screen, the count completes in the next frames."""
        if scan is not self.scan or not self.is_attached:
            return
        scan.step(MORE_ROWS)
        self.table.ids_grew()
        if not scan.done:
            self.set_timer(0.001, partial(self._scan_more, scan))

    def _finish_scan(self) -> None:
        if self.scan is not None and not self.scan.done:
            self.scan.finish()
            self.table.ids_grew()

    @work(thread=True, exclusive=True, group="numbers-sql-search")
    def _sql_search(self, session, flt: NumberFilter) -> None:
        from corptui.database import close_thread_connection

        try:
            ids = numbers_uc.matching_ids(session, flt,
                                          limit=None if flt.search.strip() else FIRST_PAGE)
        except CorptuiError as exc:
            self.app.call_from_thread(self.app.show_error, exc)
            ids = None
        finally:
            close_thread_connection()
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_sql_result, flt.search, ids)

    def _show_sql_result(self, query: str, ids: list[int] | None) -> None:
        self._sql_busy = False
        if self.view is not None:
            return  # the list arrived meanwhile and took the text over
        if self.flt.search != query:  # typed on while SQL was busy: the latest text now
            if self.app.session is not None:
                self._sql_busy = True
                self._sql_search(self.app.session, NumberFilter(**vars(self.flt)))
            return
        if ids is not None:
            self.partial = not query.strip()
            self.table.set_ids(ids)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            self.table.focus()

    def reload(self, keep_cursor: bool = False, data_changed: bool = False, *,
               if_changed: bool = False) -> None:
        """Filters or sort changed (or the data): the listed numbers again from SQL.
        ``if_changed``: nothing is read when the data did not change since (coming back
        from another section); limit marks are read again only when the data changed."""
        self._search_started = time.perf_counter()
        if self.app.session is None:  # logged out meanwhile: nothing to read
            return
        flt = NumberFilter(**vars(self.flt))
        flt.search = ""
        self._run_query(self.app.session, flt, keep_cursor, data_changed, if_changed)

    @work(thread=True, exclusive=True, group="numbers-query")
    def _run_query(self, session, flt: NumberFilter, keep_cursor: bool, data_changed: bool,
                   if_changed: bool = False) -> None:
        """In a thread, with the session taken on the UI thread (a logout meanwhile
        does not pull it from under the query)."""
        from corptui.database import close_thread_connection

        flags = None
        try:
            version = numbers_uc.data_version(session)
            if if_changed:
                if version == self.data_version and self.view is not None:
                    return  # nothing changed since: the same list and marks
                data_changed = True
            view = load_view(session, flt)
            if data_changed or self.data_version is None:
                from corptui.limits import limit_marks

                flags = limit_marks(session)
        except CorptuiError as exc:
            self.app.call_from_thread(self.app.show_error, exc)
            return
        finally:
            close_thread_connection()
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_view, flt, view, keep_cursor, flags, version)

    def _show_view(self, flt: NumberFilter, view: SearchView, keep_cursor: bool,
                   flags: dict | None, version: tuple) -> None:
        self.data_version = version
        self.total = version[2]
        if flags is not None:
            self.limit_flags = flags
            self.table.invalidate()
        self.view = view
        self.table.sort_key = flt.sort
        self.table.sort_descending = flt.descending
        self._show_search(keep_cursor=keep_cursor)
        self._update_filter_summary()
        if len(view) >= LONG_LIVED_AT and hasattr(self.app, "keep_long_lived"):
            self.app.keep_long_lived()

    def _update_filter_summary(self) -> None:
        parts = []
        if self.flt.tags:
            parts.append(_("tag {tags}").format(tags=", ".join(self.flt.tags)))
        if self.flt.tariff:
            parts.append(_("tariff {tariff}").format(tariff=self.flt.tariff))
        if self.flt.status:
            parts.append(_("status {status}").format(status=self.flt.status))
        if self.flt.account:
            parts.append(_("account {account}").format(account=self.flt.account))
        if self.flt.extra_ids is not None:
            parts.append(_("{label} ({n})").format(label=_(self.ids_label) or _("chosen"),
                                                   n=number(len(self.flt.extra_ids))))
        text = _("Filter: {parts} (x clears)").format(parts="; ".join(parts)) if parts else ""
        self.query_one("#filter-summary", Static).update(Content(safe_text(text)))

    def action_filter(self) -> None:
        from screens.number_dialogs import FilterDialog

        def done(result) -> None:
            if result is None:
                return
            self.flt.tags = tuple(result.get("tags", ()))
            self.flt.tariff = result.get("tariff")
            self.flt.status = result.get("status")
            self.flt.account = result.get("account")
            self.reload()

        self.app.push_screen(FilterDialog(numbers_uc.filter_choices(self.app.session), self.flt),
                             done)

    def action_clear_filter(self) -> None:
        self.flt.tags, self.flt.tariff, self.flt.status, self.flt.account = (), None, None, None
        self.flt.extra_ids, self.ids_label = None, ""
        self.reload()

    def filter_ids(self, ids, label: str = "") -> None:
        """Show only these numbers (the overview's "over the limit"...): a filter that
        the summary names with ``label`` (N_-marked) and x clears."""
        self.flt.extra_ids, self.ids_label = frozenset(int(i) for i in ids), label
        self.flt.tags, self.flt.tariff, self.flt.status, self.flt.account = (), None, None, None
        if self.is_mounted:
            self.reload()

    def filter_tag(self, name: str) -> None:
        """Show the numbers of one tag (spend by tag: enter on a tag's row)."""
        self.flt.tags, self.flt.tariff, self.flt.status, self.flt.account = (name,), None, None, None
        self.flt.extra_ids, self.ids_label = None, ""
        if self.is_mounted:
            self.reload()

    # -- sorting --------------------------------------------------------------------
    def action_sort_next(self) -> None:
        i = SORTABLE.index(self.flt.sort) if self.flt.sort in SORTABLE else 0
        self.flt.sort = SORTABLE[(i + 1) % len(SORTABLE)]
        self.flt.descending = False
        self.reload(keep_cursor=True)

    def action_sort_reverse(self) -> None:
        self.flt.descending = not self.flt.descending
        self.reload(keep_cursor=True)

    def on_virtual_table_header_clicked(self, event: VirtualTable.HeaderClicked) -> None:
        if event.key not in SORTABLE:
            return
        if self.flt.sort == event.key:
            self.flt.descending = not self.flt.descending
        else:
            self.flt.sort, self.flt.descending = event.key, False
        self.reload(keep_cursor=True)

    # -- selection ------------------------------------------------------------------
    def action_select_all(self) -> None:
        self._finish_scan()
        self.table.select_all_shown()

    def action_select_none(self) -> None:
        self.table.clear_selection()

    def action_invert(self) -> None:
        self._finish_scan()
        self.table.invert_shown()

    def selection_text(self) -> str:
        table = self.table
        selected = len(table.selected)
        shown = len(table.ids)
        if self.partial:
            line = _("Selected {selected} · loading {total} numbers…").format(
                selected=number(selected), total=number(self.total))
        elif self.scan is not None and not self.scan.done:
            line = _("Selected {selected} · shown {shown}… (searching) · total {total}").format(
                selected=number(selected), shown=number(shown), total=number(self.total))
        else:
            line = _("Selected {selected} · shown {shown} · total {total}").format(
                selected=number(selected), shown=number(shown), total=number(self.total))
        hidden = selected - table.selected_shown if selected else 0
        if hidden:
            line += " " + _("({hidden} selected hidden by the filter)").format(hidden=number(hidden))
        if selected:
            line += " · " + _("t tags · s services · w fwd · l limits")
        else:
            line += " · " + _("space select · a all")
        return line

    def update_selection_line(self) -> None:
        """Drawn in the same frame as the rows (the table calls it as the ids or the
        selection change)."""
        try:
            line = self.query_one("#selection-line", Static)
        except NoMatches:  # not composed yet
            return
        line.update(Content(self.selection_text()))

