"""A Line-API table that renders only the visible rows (toolong's approach).

The table holds an ordered list of ids (100k ints are ~1 MB) and asks a ``fetch`` callback
for the rows of the visible window only, so the row count does not matter. Selection is a
set of ids owned by the table and survives a new id list (filtering, sorting). Every cell
is drawn as plain text segments: user text is never parsed as markup, and terminal control
characters are replaced. Without colour the cursor row is reverse video and a selected row
shows ``[x]``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from corptui.i18n import N_, _
from screens.widgets.safe import safe_text


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int  # minimum width in cells
    flex: int = 0  # share of the spare width
    min_table_width: int = 0  # hide the column when the table is narrower


Fetch = Callable[[list[int]], dict[int, dict]]
Render = Callable[[dict, str], str]

CHECK_WIDTH = 4  # "[x] "


class VirtualTable(ScrollView, can_focus=True):
    """Keys: arrows, PageUp/PageDown, Home/End, space toggles the row's checkbox."""

    BINDINGS = [
        Binding("up", "cursor_up", N_("Up"), show=False),
        Binding("down", "cursor_down", N_("Down"), show=False),
        Binding("pageup", "page_up", N_("Page up"), show=False),
        Binding("pagedown", "page_down", N_("Page down"), show=False),
        Binding("home", "first", N_("First"), show=False),
        Binding("end", "last", N_("Last"), show=False),
        Binding("space", "toggle", N_("Toggle"), show=False),
        Binding("enter", "open", N_("Open"), show=False),
    ]
    COMPONENT_CLASSES = {"virtual-table--header", "virtual-table--cursor",
                         "virtual-table--selected"}
    DEFAULT_CSS = """
    VirtualTable { height: 1fr; overflow-x: hidden; }
    VirtualTable > .virtual-table--header { text-style: bold reverse; }
    VirtualTable > .virtual-table--cursor { text-style: reverse; }
    VirtualTable:focus > .virtual-table--cursor { text-style: reverse bold; }
    VirtualTable > .virtual-table--selected { text-style: bold; }
    """

    cursor = reactive(0, always_update=True, repaint=True)

    class SelectionChanged(Message):
        """The selection or the id list changed (the status line recounts)."""

        def __init__(self, table: VirtualTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> VirtualTable:
            return self.table

    class Opened(Message):
        def __init__(self, table: VirtualTable, row_id: int) -> None:
            super().__init__()
            self.table = table
            self.row_id = row_id

    class HeaderClicked(Message):
        def __init__(self, table: VirtualTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

    def __init__(self, columns: Sequence[Column], fetch: Fetch, render: Render | None = None,
                 *, checkboxes: bool = True, empty_text: str = N_("Nothing to show"),
                 on_change: Callable[[], None] | None = None,
                 name=None, id=None, classes=None):
        super().__init__(name=name, id=id, classes=classes)
        self.columns = list(columns)
        self.fetch = fetch
        self.render_cell = render or (lambda row, key: str(row.get(key, "")))
        self.checkboxes = checkboxes
        self.empty_text = empty_text
        # called at once when the ids or the selection change (a count line drawn in the
        # same frame as the rows); SelectionChanged is posted too
        self.on_change = on_change
        self.ids: list[int] = []
        self._selected: set[int] = set()
        self._shown: set[int] | None = None
        self._selected_shown: int | None = None  # known count, or None: count again
        self._cache: dict[int, dict] = {}
        self.sort_key: str | None = None
        self.sort_descending = False

    # -- data ---------------------------------------------------------------------
    def set_ids(self, ids: list[int], *, keep_cursor: bool = False) -> None:
        current = self.cursor_id if keep_cursor else None
        self.ids = ids
        self._shown = None
        self.virtual_size = Size(self.size.width, len(ids) + 1)
        at = self._position_of(current) if current is not None else None
        if at is not None:
            self.cursor = at
        else:
            self.cursor = 0
            self.scroll_to(y=0, animate=False)
        self._scroll_cursor_into_view()
        self._changed()

    def ids_grew(self) -> None:
        """The id list was extended in place (a long search adding its later matches)."""
        self._shown = None
        self.virtual_size = Size(self.size.width, len(self.ids) + 1)
        self._changed()

    def _position_of(self, row_id: int) -> int | None:
        try:
            return self.ids.index(row_id)  # no set of a million ids for one lookup
        except ValueError:
            return None

    def invalidate(self, ids=None) -> None:
        """Forget cached rows (all, or the given ids) so they are fetched again."""
        if ids is None:
            self._cache.clear()
        else:
            for i in ids:
                self._cache.pop(i, None)
        self.refresh()

    @property
    def selected(self) -> set[int]:
        return self._selected

    @selected.setter
    def selected(self, ids: set[int]) -> None:  # (also `table.selected |= ...`)
        self._selected = ids
        self._selected_shown = None

    @property
    def shown_ids(self) -> set[int]:
        if self._shown is None:
            self._shown = set(self.ids)
        return self._shown

    @property
    def cursor_id(self) -> int | None:
        if 0 <= self.cursor < len(self.ids):
            return self.ids[self.cursor]
        return None

    @property
    def selected_shown(self) -> int:
        if not self.selected:
            return 0
        if self._selected_shown is not None:
            return self._selected_shown
        if len(self.selected) <= len(self.ids):
            return len(self.selected & self.shown_ids)  # in C: 100k ids in ~3 ms
        return len(self.selected.intersection(self.ids))

    def row(self, row_id: int) -> dict | None:
        if row_id not in self._cache:
            self._load_window(self.ids.index(row_id) if row_id in self.shown_ids else 0)
        return self._cache.get(row_id)

    def _load_window(self, first: int) -> None:
        height = max(self.size.height, 24)
        start = max(0, first - height)
        want = [i for i in self.ids[start : first + 2 * height] if i not in self._cache]
        if not want:
            return
        if len(self._cache) > 20_000:
            self._cache.clear()
        self._cache.update(self.fetch(want))

    # -- selection ------------------------------------------------------------------
    def _changed(self, selected_shown: int | None = None) -> None:
        self._selected_shown = selected_shown
        self.refresh()
        if self.on_change is not None:
            self.on_change()
        self.post_message(self.SelectionChanged(self))

    def action_toggle(self) -> None:
        row_id = self.cursor_id
        if row_id is None or not self.checkboxes:
            return
        if row_id in self.selected:
            self.selected.discard(row_id)
        else:
            self.selected.add(row_id)
        if self.cursor < len(self.ids) - 1:
            self.cursor += 1
            self._scroll_cursor_into_view()
        self._changed()

    def select_all_shown(self) -> None:
        shown = self.shown_ids
        self._selected |= shown
        self._changed(len(shown))  # every shown row is selected: no recount

    def clear_selection(self) -> None:
        self.selected.clear()
        self._changed()

    def invert_shown(self) -> None:
        self.selected ^= self.shown_ids
        self._changed()

    # -- cursor -----------------------------------------------------------------------
    @property
    def _page(self) -> int:
        return max(1, self.size.height - 2)

    def _move(self, to: int) -> None:
        if not self.ids:
            return
        self.cursor = max(0, min(len(self.ids) - 1, to))
        self._scroll_cursor_into_view()

    def _scroll_cursor_into_view(self) -> None:
        top = int(self.scroll_offset.y)
        rows = max(1, self.size.height - 1)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + rows:
            self.scroll_to(y=self.cursor - rows + 1, animate=False)

    def action_cursor_up(self) -> None:
        self._move(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self._move(self.cursor + 1)

    def action_page_up(self) -> None:
        self._move(self.cursor - self._page)

    def action_page_down(self) -> None:
        self._move(self.cursor + self._page)

    def action_first(self) -> None:
        self._move(0)

    def action_last(self) -> None:
        self._move(len(self.ids) - 1)

    def action_open(self) -> None:
        if self.cursor_id is not None:
            self.post_message(self.Opened(self, self.cursor_id))

    # -- mouse ------------------------------------------------------------------------
    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            key = self._column_at(event.x)
            if key:
                self.post_message(self.HeaderClicked(self, key))
            return
        index = int(self.scroll_offset.y) + event.y - 1
        if 0 <= index < len(self.ids):
            self.cursor = index
            if self.checkboxes and event.x < CHECK_WIDTH:
                row_id = self.ids[index]
                self.selected.symmetric_difference_update({row_id})
                self._changed()
            elif event.chain >= 2:
                self.action_open()

    # -- layout -----------------------------------------------------------------------
    def _layout(self, width: int) -> list[tuple[Column, int]]:
        avail = width - (CHECK_WIDTH if self.checkboxes else 1)
        cols = [c for c in self.columns if width >= c.min_table_width]
        need = sum(c.width + 1 for c in cols)
        spare = max(0, avail - need)
        flex_total = sum(c.flex for c in cols) or 1
        out = []
        for c in cols:
            extra = spare * c.flex // flex_total if c.flex else 0
            out.append((c, c.width + extra))
        return out

    def _column_at(self, x: int) -> str | None:
        pos = CHECK_WIDTH if self.checkboxes else 1
        for col, w in self._layout(self.scrollable_content_region.width):
            if pos <= x < pos + w + 1:
                return col.key
            pos += w + 1
        return None

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.ids) + 1)
        self._scroll_cursor_into_view()

    # -- rendering --------------------------------------------------------------------
    def _line(self, cells: list[tuple[str, int]], lead: str) -> str:
        parts = [lead]
        for text, w in cells:
            parts.append(set_cell_size(text, w) + " ")
        return "".join(parts)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        layout = self._layout(width)
        base = self.rich_style
        if y == 0:
            style = self.get_component_rich_style("virtual-table--header")
            titles = []
            for col, w in layout:
                title = _(col.title)
                if title == col.title and title[:1] == " ":  # N_("Amount").rjust(w)
                    title = _(title.lstrip()).rjust(len(title))
                if col.key == self.sort_key:
                    title += " v" if self.sort_descending else " ^"
                titles.append((title, w))
            lead = "    " if self.checkboxes else " "
            text = set_cell_size(self._line(titles, lead), width)
            return Strip([Segment(text, base + style)], width)
        index = int(self.scroll_offset.y) + y - 1
        if not self.ids:
            if y == 2:
                return Strip([Segment(set_cell_size("  " + _(self.empty_text), width), base)], width)
            return Strip.blank(width, base)
        if index >= len(self.ids):
            return Strip.blank(width, base)
        row_id = self.ids[index]
        row = self._cache.get(row_id)
        if row is None:
            self._load_window(index)
            row = self._cache.get(row_id)
        style = base
        if row_id in self.selected:
            style = style + self.get_component_rich_style("virtual-table--selected")
        if index == self.cursor:
            style = style + self.get_component_rich_style("virtual-table--cursor")
        if row is None:
            text = _("    (gone)")
        else:
            cells = [(safe_text(self.render_cell(row, col.key)), w) for col, w in layout]
            if self.checkboxes:  # the cursor row also reads without colour: "[ ]>"
                lead = ("[x]" if row_id in self.selected else "[ ]") + (
                    ">" if index == self.cursor else " ")
            else:
                lead = ">" if index == self.cursor else " "
            text = self._line(cells, lead)
        text = set_cell_size(text, width) if cell_len(text) != width else text
        return Strip([Segment(text, style)], width)

    @staticmethod
    def plain_style() -> Style:
        return Style()
