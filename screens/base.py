"""The frame every logged-in screen shares: a top bar (company, user, role), the body, and
the footer with the keys. Section keys (F1-F10) come from screens.actions."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Static

from corptui import permissions
from corptui.i18n import _
from screens.actions import app_bindings
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.registered import Registered
from screens.widgets.safe import plain, safe_text
from screens.widgets.virtual_table import VirtualTable


class TopBar(Static):
    DEFAULT_CSS = """
    TopBar { height: 1; background: $primary; color: $text; text-style: bold; padding: 0 1; }
    """


class AppScreen(Registered, Screen):
    """Subclasses implement ``compose_body`` and set ``SECTION`` and ``TITLE``."""

    SECTION = ""
    TITLE = ""
    BINDINGS = app_bindings()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._bindings_added = False

    @property
    def session(self):
        return self.app.session

    def compose(self) -> ComposeResult:
        yield TopBar(self.top_line(), id="topbar")
        yield from self.compose_body()
        yield KeysFooter()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def top_line(self) -> Content:
        info = getattr(self.app, "session_info", None) or {}
        company = safe_text(info.get("company", ""))
        who = safe_text(info.get("user", ""))
        role = safe_text(permissions.role_label(info.get("role", "")))
        title = _(self.TITLE) or self.SECTION.title()
        return Content(f"{title} · {company} · {who} ({role})")

    def refresh_top(self) -> None:
        self.query_one("#topbar", TopBar).update(self.top_line())


class RowsScreen(AppScreen):
    """A section that lists ``self.rows`` (dicts with an "id") in one DataTable, a row
    per dict, with a status line under it. Subclasses set ``TABLE_ID``, ``STATUS_ID`` and
    ``COLUMNS`` ((key, N_ title, width), ...) and implement ``cells(row)`` and
    ``reload()``; on mount the columns are added, the rows loaded and the table focused."""

    TABLE_ID = "rows-table"
    STATUS_ID = "rows-status"
    COLUMNS: tuple[tuple[str, str, int], ...] = ()
    DEFAULT_CSS = """
    RowsScreen .rows-table { height: 1fr; }
    RowsScreen .rows-status { height: 1; padding: 0 1; }
    """

    def __init__(self):
        super().__init__()
        self.rows: list[dict] = []

    def compose_body(self) -> ComposeResult:
        yield DataTable(id=self.TABLE_ID, classes="rows-table", cursor_type="row",
                        zebra_stripes=False)
        yield Static("", id=self.STATUS_ID, classes="rows-status")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, title, width in self.COLUMNS:
            table.add_column(_(title), key=key, width=width)
        self.reload()
        table.focus()

    def cells(self, row: dict) -> list:
        raise NotImplementedError

    def reload(self, select_id: int | None = None) -> None:
        raise NotImplementedError

    def show_rows(self, rows: list[dict], keep_id: int | None = None) -> None:
        """Put ``rows`` in the table; the cursor goes to the row of ``keep_id``."""
        table = self.query_one(DataTable)
        self.rows = rows
        table.clear()
        for r in self.rows:
            table.add_row(*self.cells(r), key=str(r["id"]))
        if keep_id is not None:
            for i, r in enumerate(self.rows):
                if r["id"] == keep_id:
                    table.move_cursor(row=i)

    def set_status(self, text: str) -> None:
        self.query_one(f"#{self.STATUS_ID}", Static).update(plain(text))

    def current(self) -> dict | None:
        table = self.query_one(DataTable)
        if not self.rows or table.row_count == 0:
            return None
        i = table.cursor_row
        return self.rows[i] if 0 <= i < len(self.rows) else None


class KeyedRowsScreen(AppScreen):
    """A section whose one VirtualTable shows ``self.rows`` ({id: row dict}); the table
    asks ``_fetch`` for the rows it draws."""

    def __init__(self):
        super().__init__()
        self.rows: dict[int, dict] = {}

    @property
    def table(self) -> VirtualTable:
        return self.query_one(VirtualTable)

    def _fetch(self, ids: list[int]) -> dict[int, dict]:
        return {i: self.rows[i] for i in ids if i in self.rows}

