"""Spend by tag: each tag (department, city) with its numbers, the month's spend, the
change against the month before, its budget and how much of it is used, and a bar; under
the table the tag's last six months as bars. A number with several tags counts in each
(the summary line says how many and by how much the rows exceed the total).

Keys: [ ] month, b budget of the tag, e export (CSV, XLSX...), enter the tag's numbers in
the numbers console."""

from __future__ import annotations

from decimal import Decimal

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from corptui import spend as uc
from corptui.errors import CorptuiError, ValidationError
from corptui.i18n import N_, _, money, ngettext, number
from corptui.periods import add_months
from screens.actions.insights import SPEND
from screens.base import AppScreen
from screens.widgets.dialogs import DIALOG_CSS, SaveCancelDialog
from screens.widgets.form import Field, show_errors
from screens.widgets.safe import plain, safe_text
from screens.widgets.virtual_table import Column, VirtualTable

MONEY_W = 13
BAR_W = 10
COLUMNS = [
    Column("name", N_("Tag"), 10, flex=1),
    Column("numbers", N_("Nos.").rjust(5), 5),
    Column("current", N_("Month").rjust(MONEY_W), MONEY_W),
    Column("previous", N_("Before").rjust(MONEY_W), MONEY_W, min_table_width=100),
    Column("growth", N_("Change").rjust(8), 8),
    Column("budget", N_("Budget").rjust(MONEY_W), MONEY_W),
    Column("use", N_("Used").rjust(6), 6),  # whole percent: "2189%"
    Column("bar", "", BAR_W),
]
RIGHT = {"numbers", "current", "previous", "growth", "budget", "use"}
BLOCKS = " ▏▎▍▌▋▊▉█"


def bar(value: Decimal, top: Decimal, width: int = BAR_W) -> str:
    """A bar of ``width`` cells for ``value`` out of ``top`` (eighths of a cell)."""
    if top <= 0 or value <= 0:
        return ""
    eighths = int(value * width * 8 / top)
    full, part = divmod(min(eighths, width * 8), 8)
    return ("█" * full + (BLOCKS[part] if part else "")).ljust(width)


def pct(value: Decimal | None, signed: bool = True) -> str:
    if value is None:
        return ""
    sign = "+" if signed and value > 0 else ""
    return f"{sign}{number(value, '0.0')}%"


def table_rows(r: dict) -> list[dict]:
    top = max((row["current"] for row in r["rows"]), default=Decimal(0))
    out = []
    for i, row in enumerate(r["rows"]):
        over = "!" if row["over"] else ""
        out.append({"id": i, "tag_id": row["tag_id"], "tag": row["name"],
                    "name": (over + " " if over else "") + row["name"],
                    "numbers": number(row["numbers"]),
                    "current": money(row["current"], symbol=False),
                    "previous": money(row["previous"], symbol=False),
                    "growth": pct(row["growth"]),
                    "budget": "" if row["budget"] is None else money(row["budget"], symbol=False),
                    "use": "" if row["use"] is None else f"{number(row['use'], '0')}%",
                    "bar": bar(row["current"], top),
                    "raw": row})
    return out


def history_text(row: dict, months: list) -> str:
    """The tag's months as bars, one line each (oldest first), with the change."""
    spend = row["spend"]
    top = max(spend.values(), default=Decimal(0))
    if row["budget"] is not None:
        top = max(top, row["budget"])
    head = _("{tag}: {numbers} numbers").format(tag=row["name"], numbers=number(row["numbers"]))
    if row["shared"]:
        head += " " + ngettext("({n} also in another tag: counted in each)",
                               "({n} also in other tags: counted in each)",
                               row["shared"]).format(n=number(row["shared"]))
    if row["budget"] is not None:
        head += " · " + _("budget {amount}").format(amount=money(row["budget"]))
    lines = [head]
    prev = None
    for m in months:
        value = spend[m]
        change = uc.growth(value, prev) if prev is not None else None
        mark = " !" if row["budget"] is not None and value > row["budget"] else ""
        lines.append(f"{m:%m.%Y} {bar(value, top, 30):30} {money(value, symbol=False):>14}"
                     f" {pct(change):>8}{mark}")
        prev = value
    return "\n".join(lines)


class BudgetDialog(SaveCancelDialog):
    """The monthly budget of one tag; empty removes it. Dismisses with the result."""

    DEFAULT_CSS = DIALOG_CSS.format(cls="BudgetDialog")

    def __init__(self, tag_id: int, name: str, budget: Decimal | None):
        super().__init__()
        self.tag_id, self.tag_name, self.budget = tag_id, name, budget

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(_("Monthly budget of {tag}").format(tag=self.tag_name)),
                         classes="dialog-title")
            yield Field(_("Budget, ₽"), "budget",
                        value="" if self.budget is None else money(self.budget, symbol=False),
                        placeholder=_("empty: no budget"), max_length=20)
            yield Static("", id="budget-message", classes="dialog-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save"), variant="primary", id="save")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#budget").focus()

    def action_save(self) -> None:
        value = self.query_one("#budget").value
        try:
            result = uc.set_budget(self.app.session.with_source("tui spend"), self.tag_id, value)
        except ValidationError as exc:
            show_errors(self, exc.errors or {exc.field: exc.message})
            return
        except CorptuiError as exc:
            self.query_one("#budget-message", Static).update(plain("x " + exc.message))
            return
        self.dismiss(result)


class SpendScreen(AppScreen):
    SECTION = "spend"
    TITLE = N_("Spend by tag")
    ACTIONS = SPEND
    DEFAULT_CSS = """
    #spend-summary { height: 2; padding: 0 1; background: $boost; }
    #spend-table { height: 1fr; }
    #spend-history { height: 8; padding: 0 1; border-top: solid $primary; }
    """

    def __init__(self):
        super().__init__()
        self.month = None  # None: the latest charged month
        self.result: dict | None = None
        self.rows: list[dict] = []
        self.want_tag: int | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(_("Loading…"), id="spend-summary")
        yield VirtualTable(COLUMNS, self._fetch, self._cell, checkboxes=False,
                           id="spend-table", empty_text=_("No charges yet."))
        yield Static("", id="spend-history")

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#spend-table", VirtualTable)

    def _fetch(self, ids: list[int]) -> dict[int, dict]:
        return {i: self.rows[i] for i in ids if 0 <= i < len(self.rows)}

    @staticmethod
    def _cell(row: dict, key: str) -> str:
        value = safe_text(str(row.get(key, "")))
        if key in RIGHT:
            width = next(c.width for c in COLUMNS if c.key == key)
            return value.rjust(width)
        return value

    def on_mount(self) -> None:
        self.watch(self.table, "cursor", self._history, init=False)
        self.table.focus()
        self.load()

    def load(self, revert=None) -> None:
        self._load(self.month, revert)

    @work(thread=True, exclusive=True, group="spend-load")
    def _load(self, month, revert) -> None:
        from corptui.database import close_thread_connection

        try:
            result, error = uc.by_tag(self.session, month), None
        except CorptuiError as exc:
            result, error = None, exc
        finally:
            close_thread_connection()
        self.app.call_from_thread(self._show, result, error, revert)

    def _show(self, result, error, revert) -> None:
        if not self.is_mounted:
            return
        if error is not None:
            self.app.show_error(error)
            if revert is not None:
                self.month = revert
            return
        if revert is not None and result["month"] is not None and not any(
                r["current"] or r["previous"] for r in result["rows"]):
            self.month = revert  # no charges in that month: stay
            self.app.notify(_("No charges in {month:%m.%Y}.").format(month=result["month"]),
                            markup=False)
            return
        self.result = result
        self.month = result["month"]
        self.rows = table_rows(result)
        self._summary()
        keep = self.want_tag
        self.table.invalidate()
        self.table.set_ids(list(range(len(self.rows))), keep_cursor=keep is None)
        if keep is not None:
            self.focus_tag(keep)
        self._history()

    def _summary(self) -> None:
        r = self.result
        if r is None or r["month"] is None:
            self.query_one("#spend-summary", Static).update(plain(_("No charges yet.")))
            return
        month = r["month"]
        over = sum(1 for row in r["rows"] if row["over"])
        line1 = _("{month:%m.%Y} against {prev:%m.%Y} · company total {total} · over "
                  "budget: {over}").format(month=month, prev=add_months(month, -1),
                                           total=money(r["total"].get(month)), over=over)
        if r["shared_numbers"]:
            line2 = ngettext("{n} number in several tags counts in each: +{overlap} over "
                             "the total",
                             "{n} numbers in several tags count in each: +{overlap} over "
                             "the total", r["shared_numbers"]).format(
                n=number(r["shared_numbers"]), overlap=money(r["overlap"]))
        else:
            line2 = _("Every number is in one tag at most: the rows add up to the total.")
        self.query_one("#spend-summary", Static).update(plain(f"{line1}\n{line2}",
                                                              multiline=True))

    def _history(self, *_args) -> None:
        row = self.current()
        text = "" if row is None or self.result is None else history_text(
            row["raw"], self.result["months"])
        self.query_one("#spend-history", Static).update(plain(text, multiline=True))

    def current(self) -> dict | None:
        i = self.table.cursor_id
        return self.rows[i] if i is not None and 0 <= i < len(self.rows) else None

    def focus_tag(self, tag_id: int | None) -> None:
        """Put the cursor on a tag's row (the overview's budget lines)."""
        self.want_tag = tag_id
        for i, row in enumerate(self.rows):
            if row["tag_id"] == tag_id:
                self.table.cursor = i
                self.want_tag = None
                self._history()
                return

    # -- keys -------------------------------------------------------------------------
    def action_month(self, step: int) -> None:
        if self.month is None:
            return
        old = self.month
        self.month = add_months(self.month, int(step))
        self.load(revert=old)

    def action_budget(self) -> None:
        row = self.current()
        if row is None or row["tag_id"] is None:
            self.app.notify(_("Choose a tag's row (numbers with no tag have no budget)."),
                            markup=False)
            return

        def done(result) -> None:
            if result:
                self.want_tag = result["tag_id"]
                self.load()

        self.app.push_screen(BudgetDialog(row["tag_id"], row["tag"], row["raw"]["budget"]), done)

    def action_export(self) -> None:
        from corptui.companies import session_header
        from screens.money_dialogs import ExportDialog

        session, month = self.session, self.month
        company = session_header(session).get("company", "")

        def run(fmt, path, force, sep, progress=None, cancelled=None):
            return uc.export_by_tag(session, fmt, path, month, company_name=company,
                                    force=force, sep=sep)

        hint = ngettext("{n} row, {month}", "{n} rows, {month}", len(self.rows)).format(
            n=number(len(self.rows)), month=f"{month:%m.%Y}" if month else "-")
        self.app.push_screen(ExportDialog(_("spend by tag"), "spend-by-tag", hint, run))

    def on_virtual_table_opened(self, event: VirtualTable.Opened) -> None:
        row = self.rows[event.row_id] if 0 <= event.row_id < len(self.rows) else None
        if row is None or row["tag_id"] is None:
            return
        self.app.open_section("numbers")
        screen = self.app.screen
        if getattr(screen, "SECTION", None) == "numbers":
            screen.call_after_refresh(screen.filter_tag, row["tag"])
