"""The numbers console: every number of the company in a virtualized table with
checkboxes, search as you type, filters, sorting, the selected count at the bottom and the
bulk actions for the selection."""

from __future__ import annotations

import time

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from corptui import numbers as numbers_uc
from corptui.errors import CorptuiError
from corptui.i18n import N_, _, number
from corptui.numbers import NumberFilter
from corptui.phones import format_msisdn
from screens.base import AppScreen
from screens.widgets.safe import safe_text
from screens.widgets.virtual_table import Column, VirtualTable

COLUMNS = [
    Column("msisdn", N_("Number"), 16),
    Column("full_name", N_("Employee"), 16, flex=4),
    Column("position", N_("Position"), 12, flex=2, min_table_width=110),
    Column("tags", N_("Tags"), 10, flex=2),
    Column("tariff", N_("Tariff"), 10, flex=1),
    Column("status", N_("Status"), 9),
    Column("account", N_("Account"), 12, min_table_width=130),
]
SORTABLE = ["msisdn", "full_name", "position", "tariff", "status", "account"]


LIMIT_TEXT = {"over": N_("over lim"), "near": N_("near lim"), "blocked": N_("lim block")}
STATUS_TEXT = {"active": N_("active"), "blocked": N_("! blocked")}


def render_cell(row: dict, key: str) -> str:
    value = row.get(key)
    if key == "status" and value != "blocked" and row.get("limit"):
        return _(LIMIT_TEXT.get(row["limit"], value or ""))
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
    """Enter (or escape, or down) returns to the list keeping the filter."""

    BINDINGS = [Binding("down", "to_table", show=False),
                Binding("escape", "to_table", show=False)]
    DEFAULT_CSS = """
    SearchInput, SearchInput:focus { border: none; height: 1; width: 1fr; padding: 0 1; }
    SearchInput:focus { text-style: bold; background: $boost; }
    """

    def action_to_table(self) -> None:
        self.screen.query_one(VirtualTable).focus()


LONG_LIVED_AT = 10_000  # numbers from which the loaded index is frozen out of the GC


class NumbersScreen(AppScreen):
    SECTION = "numbers"
    KEEP_ALIVE = True  # the app keeps it while logged in (search, filter, selection)
    TITLE = N_("Numbers")
    BINDINGS = [
        Binding("slash", "search", N_("Search"), id="numbers.search"),
        Binding("a", "select_all", N_("All"), show=False, id="numbers.select_all"),
        Binding("A", "select_none", N_("None"), show=False, id="numbers.select_none"),
        Binding("i", "invert", N_("Invert"), show=False, id="numbers.invert"),
        Binding("f", "filter", N_("Filter"), id="numbers.filter"),
        Binding("o", "sort_next", N_("Sort"), id="numbers.sort_next"),
        Binding("O", "sort_reverse", N_("Reverse"), show=False, id="numbers.sort_reverse"),
        Binding("t", "assign_tags", N_("Tags"), id="numbers.assign_tags"),
        Binding("g", "manage_tags", N_("Tag list"), show=False, id="numbers.manage_tags"),
        Binding("ctrl+o", "import_employees", N_("Import"), id="numbers.import_employees"),
        Binding("x", "clear_filter", N_("Clear filter"), show=False, id="numbers.clear_filter"),
        Binding("p", "select_by_list", N_("Paste list"), show=False, id="numbers.select_by_list"),
        Binding("v", "save_view", N_("Save view"), show=False, id="numbers.save_view"),
        Binding("V", "open_views", N_("Views"), show=False, id="numbers.open_views"),
        Binding("s", "services", N_("Services"), id="numbers.services"),
        Binding("w", "forwarding", N_("Forwarding"), show=False, id="numbers.forwarding"),
        Binding("l", "limits", N_("Limits"), show=False, id="numbers.limits"),
        Binding("c", "change_request", N_("Change request"), show=False,
                id="numbers.change_request"),
        Binding("u", "undo", N_("Undo"), show=False, id="numbers.undo"),
    ]
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
        self.index: numbers_uc.SearchIndex | None = None
        self.data_version: tuple | None = None  # of the data the index was built from
        self.view: numbers_uc.SearchView | None = None  # base ids: sorted, filtered
        self.limit_flags: dict[int, str] = {}  # id -> "near" | "over" (spending limit)
        self.ids_label = ""  # what flt.extra_ids are ("over the limit"), N_-marked

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="search-row"):
            yield Static(_("Search:"), id="search-label")
            yield SearchInput(placeholder=_("phone or name (/)"), id="search", max_length=100)
            yield Static("", id="filter-summary")
        yield VirtualTable(COLUMNS, self._fetch, render_cell, id="numbers-table",
                           empty_text=_("No numbers match the search and filters."))
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
        session = self.app.session
        self.total = numbers_uc.count_all(session)
        self.table.sort_key = self.flt.sort
        self.table.set_ids(numbers_uc.matching_ids(session, self.flt))
        self.table.focus()
        # the in-memory search index is built after the first rows are on screen
        self.call_after_refresh(self.reload, True, True)

    # -- search and filter --------------------------------------------------------
    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            self.flt.search = event.value
            self._search_started = time.perf_counter()
            if self.view is None:  # the index is still being built: it filters when ready
                return
            # in memory over the filtered, sorted ids: no query per keystroke
            self.table.set_ids(self.view.filter(event.value))
            self.last_search_seconds = time.perf_counter() - self._search_started

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            self.table.focus()

    def reload(self, keep_cursor: bool = False, data_changed: bool = False, *,
               if_changed: bool = False) -> None:
        """Filters or sort changed (or the data): the base ids again from SQL.
        ``if_changed``: the search index and limit marks are rebuilt only when the data
        changed since they were built (coming back from another section)."""
        self._search_started = time.perf_counter()
        flt = NumberFilter(**vars(self.flt))
        flt.search = ""
        self._run_query(flt, keep_cursor, data_changed, if_changed)

    @work(thread=True, exclusive=True, group="numbers-query")
    def _run_query(self, flt: NumberFilter, keep_cursor: bool, data_changed: bool,
                   if_changed: bool = False) -> None:
        from corptui.database import close_thread_connection

        try:
            version = numbers_uc.data_version(self.app.session)
            if if_changed:
                if version == self.data_version and self.view is not None:
                    return  # nothing changed since: the same ids, index and marks
                data_changed = True
            ids = numbers_uc.matching_ids(self.app.session, flt)
            index = (numbers_uc.SearchIndex(self.app.session)
                     if data_changed or self.index is None else None)
            if index is not None:
                from corptui.limits import limit_states

                index.limit_flags = limit_states(self.app.session)
                index.data_version = version
        except CorptuiError as exc:
            self.app.call_from_thread(self.app.show_error, exc)
            return
        finally:
            close_thread_connection()
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_ids, flt, ids, keep_cursor, index)

    def _show_ids(self, flt: NumberFilter, ids: list[int], keep_cursor: bool, index) -> None:
        if index is not None:
            self.index = index
            self.data_version = index.data_version
            self.total = len(index)
            if getattr(index, "limit_flags", None) is not None:
                self.limit_flags = index.limit_flags
                self.table.invalidate()
            if len(index) >= LONG_LIVED_AT and hasattr(self.app, "keep_long_lived"):
                self.call_after_refresh(self.app.keep_long_lived)
        self.view = self.index.view(ids)
        self.table.sort_key = flt.sort
        self.table.sort_descending = flt.descending
        self.table.set_ids(self.view.filter(self.flt.search), keep_cursor=keep_cursor)
        self.last_search_seconds = time.perf_counter() - self._search_started
        self._update_filter_summary()

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
        self.table.select_all_shown()

    def action_select_none(self) -> None:
        self.table.clear_selection()

    def action_invert(self) -> None:
        self.table.invert_shown()

    def on_virtual_table_selection_changed(self, event: VirtualTable.SelectionChanged) -> None:
        self.update_selection_line()

    def selection_text(self) -> str:
        table = self.table
        selected = len(table.selected)
        shown = len(table.ids)
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
        self.query_one("#selection-line", Static).update(Content(self.selection_text()))

    # -- actions on numbers -------------------------------------------------------------
    def selected_ids(self) -> set[int]:
        return set(self.table.selected)

    def action_assign_tags(self) -> None:
        from screens.number_dialogs import AssignTagsDialog

        ids = self.selected_ids()
        if not ids and self.table.cursor_id is not None:
            ids = {self.table.cursor_id}
        if not ids:
            self.app.notify(_("Select numbers first (space, a)."), severity="warning")
            return

        def done(changed) -> None:
            if changed:
                self.table.invalidate()
                self.reload(keep_cursor=True)

        self.app.push_screen(AssignTagsDialog(ids), done)

    def action_manage_tags(self) -> None:
        from screens.tags import TagsScreen

        def done(_unused=None) -> None:
            self.table.invalidate()
            self.reload(keep_cursor=True, data_changed=True)

        self.app.push_screen(TagsScreen(), done)

    def action_import_employees(self) -> None:
        from screens.import_employees import ImportScreen

        def done(changed) -> None:
            if changed:
                self.table.invalidate()
                self.reload(keep_cursor=True, data_changed=True)

        self.app.push_screen(ImportScreen(), done)

    def palette_commands(self):
        """Every action of this screen for the command palette, and each saved view."""
        from textual.app import SystemCommand

        from corptui.views import list_views

        for binding in self.BINDINGS:
            if binding.action in {"search", "select_all", "select_none", "invert", "filter",
                                  "sort_next", "sort_reverse", "assign_tags", "manage_tags",
                                  "import_employees", "clear_filter", "select_by_list",
                                  "save_view", "open_views", "services", "forwarding",
                                  "limits", "change_request", "undo"}:
                yield SystemCommand(_("Numbers: {description}").format(description=_(binding.description)),
                                    _("key {key}").format(key=binding.key),
                                    lambda a=binding.action: self.run_action(a))
        try:
            views = list_views(self.app.session)
        except CorptuiError:
            views = []
        for view in views:
            yield SystemCommand(safe_text(_("View: {name}").format(name=view["name"])), _("apply the saved view"),
                                lambda v=view: self.apply_view(v))

    def action_select_by_list(self) -> None:
        from screens.list_dialogs import SelectByListDialog

        def done(result) -> None:
            if not result:
                return
            table = self.table
            if result["replace"]:
                table.selected = set(result["ids"])
            else:
                table.selected |= set(result["ids"])
            table.refresh()
            self.update_selection_line()
            self.app.notify(safe_text(_("Selected by list: {summary}").format(summary=result["summary"])), markup=False)

        self.app.push_screen(SelectByListDialog(), done)

    def action_save_view(self) -> None:
        from corptui.views import spec_of
        from screens.list_dialogs import SaveViewDialog

        def done(saved) -> None:
            if saved:
                self.app.notify(safe_text(_("View saved: {name}").format(name=saved["name"])), markup=False)

        self.app.push_screen(SaveViewDialog(spec_of(self.flt)), done)

    def action_open_views(self) -> None:
        from screens.list_dialogs import ViewsDialog

        def done(view) -> None:
            if view:
                self.apply_view(view)

        self.app.push_screen(ViewsDialog(), done)

    def apply_view(self, view: dict) -> None:
        from corptui.views import filter_of

        self.flt = filter_of(view["spec"])
        search = self.query_one("#search", Input)
        with search.prevent(Input.Changed):
            search.value = self.flt.search
        self.reload()
        self.app.notify(safe_text(_("View: {name}").format(name=view["name"])), markup=False)

    # -- bulk actions of other issues: services, forwarding, limits, change requests ----
    def _target_ids(self) -> set[int]:
        ids = self.selected_ids()
        if not ids and self.table.cursor_id is not None:
            ids = {self.table.cursor_id}
        if not ids:
            self.app.notify(_("Select numbers first (space, a)."), severity="warning")
        return ids

    def _open_for_selection(self, factory) -> None:
        ids = self._target_ids()
        if not ids:
            return

        def done(changed) -> None:
            if changed:
                self.table.invalidate()
                self.reload(keep_cursor=True, data_changed=True)

        self.app.push_screen(factory(ids), done)

    def action_services(self) -> None:
        from screens.services_wizard import ServicesWizard

        self._open_for_selection(ServicesWizard)

    def action_forwarding(self) -> None:
        from screens.forwarding import ForwardingDialog

        self._open_for_selection(ForwardingDialog)

    def action_limits(self) -> None:
        from screens.limits import LimitsDialog

        self._open_for_selection(LimitsDialog)

    def action_change_request(self) -> None:
        from screens.change_applications import ChangeApplicationDialog

        self._open_for_selection(ChangeApplicationDialog)

    def action_undo(self) -> None:
        from screens.undo import UndoDialog

        def done(changed) -> None:
            if changed:
                self.table.invalidate()
                self.reload(keep_cursor=True, data_changed=True)

        self.app.push_screen(UndoDialog(), done)

    def on_virtual_table_opened(self, event: VirtualTable.Opened) -> None:
        from screens.card import EmployeeCard

        def done(changed) -> None:
            if changed:
                self.table.invalidate([event.row_id])
                self.reload(keep_cursor=True, data_changed=True)

        self.app.push_screen(EmployeeCard(event.row_id), done)
