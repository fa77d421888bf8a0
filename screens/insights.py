"""Insights: unused lines (u), paid options never used (p), what changed between two
months (c) and the numbers a cheaper tariff would save on (t: the optimiser's findings;
s puts them in the numbers console's selection, then the services wizard changes them). Enter opens the number's card; b shows who changed the row's option or tariff
(or the number's items); s selects every number listed in the numbers list (then the
usual bulk actions apply). d cycles the idle days, [ and ] move the month, a the account.

BlameDialog (also opened with b from the employee card): the number's options, tariff,
limit, forwarding, tags and recurring charge lines; the chosen one's history from the
audit log, with the values before and after."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from corptui import insights as uc
from corptui.errors import CorptuiError
from corptui.i18n import N_, _, date_text, money, ngettext
from corptui.periods import add_months
from corptui.phones import format_msisdn
from screens.actions.insights import BLAME, INSIGHTS
from screens.base import AppScreen
from screens.widgets.registered import Registered
from screens.widgets.safe import plain, safe_text
from screens.widgets.virtual_table import Column, VirtualTable

DAYS_CHOICES = (30, 60, 90, 180)
MONEY_WIDTH = 12


def _money(value) -> str:
    return money(value, symbol=False)


def _signed(value) -> str:
    return ("+" if value > 0 else "") + _money(value)


COLUMNS = {
    "unused": [
        Column("number", N_("Number"), 16),
        Column("employee", N_("Employee"), 12, flex=1),
        Column("tariff", N_("Tariff"), 12, flex=1, min_table_width=90),
        Column("last", N_("Last used"), 10),
        Column("money", N_("₽ a month").rjust(MONEY_WIDTH), MONEY_WIDTH),
    ],
    "options": [
        Column("number", N_("Number"), 16),
        Column("employee", N_("Employee"), 10, flex=1, min_table_width=90),
        Column("option", N_("Option"), 14, flex=1),
        Column("why", N_("Why unused"), 12, flex=1),
        Column("money", N_("₽ a month").rjust(MONEY_WIDTH), MONEY_WIDTH),
    ],
    "changes": [
        Column("what", N_("What"), 12),
        Column("number", N_("Number"), 16),
        Column("detail", N_("Detail"), 12, flex=1),
        Column("money", N_("Change").rjust(MONEY_WIDTH), MONEY_WIDTH),
    ],
    "tariffs": [
        Column("number", N_("Number"), 16),
        Column("employee", N_("Employee"), 10, flex=1, min_table_width=90),
        Column("detail", N_("Tariff -> recommended"), 20, flex=1),
        Column("money", N_("Saving ₽/mo").rjust(MONEY_WIDTH), MONEY_WIDTH),
    ],
}
MODE_TITLES = {"unused": N_("Unused lines"), "options": N_("Paid options never used"),
               "changes": N_("Month over month"), "tariffs": N_("Cheaper tariffs")}


def change_rows(r: dict) -> list[dict]:
    """The month-over-month result as one list of rows (what, number, detail, change)."""
    rows: list[dict] = []

    def num(row):
        return format_msisdn(row["number"]) if row.get("number") else ""

    for k in r["kinds"]:
        rows.append({"what": _("Kind"), "number": "", "detail": f"{k['kind']}: {_money(k['a'])}"
                     f" -> {_money(k['b'])}", "money": _signed(k["delta"]), "sid": None})
    if not r["account"]:
        for acc in r["accounts"]:
            rows.append({"what": _("Account"), "number": "", "detail": f"{acc['account']}: "
                         f"{_money(acc['a'])} -> {_money(acc['b'])}",
                         "money": _signed(acc["delta"]), "sid": None})
    for row in r["roaming_spikes"]:
        rows.append({"what": _("! Roaming"), "number": num(row), "detail": row["employee"],
                     "money": _signed(row["delta"]), "sid": row["subscriber_id"]})
    for row in r["new_numbers"]:
        rows.append({"what": _("New number"), "number": num(row), "detail": row["employee"],
                     "money": "", "sid": row["subscriber_id"]})
    for row in r["removed_numbers"]:
        rows.append({"what": _("Removed"), "number": num(row), "detail": row["employee"],
                     "money": "", "sid": row["subscriber_id"]})
    for row in r["new_options"]:
        rows.append({"what": _("New option"), "number": num(row), "detail": row["option_name"],
                     "money": "+" + _money(row["monthly"]), "sid": row["subscriber_id"],
                     "item": f"option:{row['option']}"})
    for row in r["removed_options"]:
        rows.append({"what": _("Option gone"), "number": num(row), "detail": row["option_name"],
                     "money": "-" + _money(row["monthly"]), "sid": row["subscriber_id"]})
    for row in r["tariff_changes"]:
        rows.append({"what": _("Tariff"), "number": num(row),
                     "detail": f"{row['before']} -> {row['after']}", "money": "",
                     "sid": row["subscriber_id"], "item": "tariff"})
    for row in r["top_numbers"]:
        rows.append({"what": _("Increase"), "number": num(row), "detail": row["employee"],
                     "money": _signed(row["delta"]), "sid": row["subscriber_id"]})
    return rows


class InsightsScreen(AppScreen):
    SECTION = "insights"
    TITLE = N_("Insights")
    ACTIONS = INSIGHTS
    DEFAULT_CSS = """
    #insights-summary { height: 2; padding: 0 1; background: $boost; }
    #insights-table { height: 1fr; }
    """

    def __init__(self, mode: str = "unused"):
        super().__init__()
        self.mode = mode
        self.days = uc.DEFAULT_DAYS
        self.month_b = None  # None: the latest billed month
        self.account: str | None = None
        self.accounts: list[str] = []
        self.rows: list[dict] = []

    def compose_body(self) -> ComposeResult:
        yield Static("", id="insights-summary")
        yield VirtualTable(COLUMNS[self.mode], self._fetch, self._render_cell, checkboxes=False,
                           id="insights-table", empty_text=_("Nothing found."))

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#insights-table", VirtualTable)

    def _fetch(self, ids: list[int]) -> dict[int, dict]:
        return {i: self.rows[i] for i in ids if 0 <= i < len(self.rows)}

    @staticmethod
    def _render_cell(row: dict, key: str) -> str:
        value = safe_text(row.get(key, ""))
        return value.rjust(MONEY_WIDTH) if key == "money" else value

    def on_mount(self) -> None:
        self._summary(_("Loading…"))
        self.load()
        self.table.focus()

    def _summary(self, text: str) -> None:
        self.query_one("#insights-summary", Static).update(plain(text, multiline=True))

    def load(self, revert_month=None) -> None:
        """Fill the table for the mode in a worker thread (the queries over a big company
        take a second; the screen stays responsive). ``revert_month``: when that month
        has no data, stay on this one (the table kept)."""
        self._load(self.mode, self.days, self.month_b, self.account, revert_month,
                   not self.accounts)

    @work(thread=True, exclusive=True, group="insights-load")
    def _load(self, mode, days, month_b, account, revert_month, with_accounts) -> None:
        from corptui.database import close_thread_connection

        try:
            accounts = self._accounts() if with_accounts else None
            try:
                rows, text, month_b = self._compute(mode, days, month_b, account)
                error = None
            except CorptuiError as exc:
                rows, text, error = [], exc.message, exc
        finally:
            close_thread_connection()
        self.app.call_from_thread(self._show, mode, rows, text, month_b, error,
                                  revert_month, accounts)

    def _accounts(self) -> list[str]:
        from corptui import accounts as accounts_uc

        try:
            return [a["number"] for a in accounts_uc.list_accounts(self.session)]
        except (CorptuiError, AttributeError, KeyError, TypeError):
            return []

    def _compute(self, mode, days, month_b, account) -> tuple[list[dict], str, object]:
        """The rows and the summary line of a mode (no widgets: runs in a thread)."""
        session = self.session
        if mode == "unused":
            r = uc.unused_lines(session, days=days, account=account)
            rows = [{"number": format_msisdn(x["number"]), "employee": x["employee"],
                     "tariff": x["tariff"],
                     "last": date_text(x['last_used']) if x["last_used"] else _("never"),
                     "money": _money(x["monthly"]), "sid": x["subscriber_id"]}
                    for x in r["lines"]]
            month = f"{r['month']:%m.%Y}" if r["month"] else "-"
            n = len(r["lines"])
            text = ngettext(
                "{n} line idle {days} days ({since}-{until}), {amount} a month (bill {month})",
                "{n} lines idle {days} days ({since}-{until}), {amount} a month (bill {month})",
                n).format(n=n, days=r['days'], since=f"{r['since']:%d.%m}",
                          until=f"{r['until']:%d.%m.%Y}", amount=money(r['total']), month=month)
        elif mode == "options":
            r = uc.unused_options(session, account=account)
            rows = [{"number": format_msisdn(x["number"]), "employee": x["employee"],
                     "option": x["option_name"], "why": x["unused"],
                     "money": _money(x["monthly"]), "sid": x["subscriber_id"],
                     "item": f"option:{x['option']}"} for x in r["lines"]]
            n = len(r["lines"])
            text = ngettext("{n} paid option never used, {amount} a month",
                            "{n} paid options never used, {amount} a month", n).format(
                n=n, amount=money(r['total']))
        elif mode == "tariffs":
            from corptui import tariff_optimiser

            r = tariff_optimiser.current(session)
            rows = [{"number": format_msisdn(x["msisdn"]), "employee": x["employee"],
                     "detail": f"{x['current_tariff']} -> {x['recommended_tariff']}"
                               + (" *" if x["by_application"] else ""),
                     "money": _money(x["saving"]), "sid": x["subscriber_id"]}
                    for x in r["rows"]]
            n = len(rows)
            text = ngettext("{n} number would save {amount} a month on another tariff",
                            "{n} numbers would save {amount} a month on another tariff",
                            n).format(n=n, amount=money(r["total"]))
        else:
            month_a = add_months(month_b, -1) if month_b else None
            r = uc.changes(session, month_a, month_b, account=account)
            month_b = r["month_b"]
            rows = change_rows(r)
            t = r["total"]
            text = _("{month_a} -> {month_b}: {before} -> {after} ({delta})").format(
                month_a=f"{r['month_a']:%m.%Y}", month_b=f"{r['month_b']:%m.%Y}",
                before=money(t["a"]), after=money(t["b"]), delta=_signed(t["delta"]))
        return rows, text, month_b

    def _show(self, mode, rows, text, month_b, error, revert_month, accounts) -> None:
        if not self.is_mounted:
            return
        if accounts is not None:
            self.accounts = accounts
        if mode != self.mode:
            return  # the user moved on; that mode's own load follows
        if error is not None:
            self.app.show_error(error)
            if revert_month is not None and self.rows:
                self.month_b = revert_month  # no data that month: stay
                return
        else:
            self.month_b = month_b
        self.rows = rows
        scope = (_("account {account}").format(account=self.account) if self.account
                 else _("all accounts"))
        keys = {"unused": _("d days · a account"), "options": _("a account"),
                "changes": _("[ ] month · a account"),
                "tariffs": _("s selects them · * by application")}[self.mode]
        self._summary(f"{_(MODE_TITLES[self.mode])} · {scope} · {keys}\n{text}")
        table = self.table
        table.columns = list(COLUMNS[self.mode])
        table.invalidate()
        table.set_ids(list(range(len(self.rows))))
        table.refresh()

    # -- keys -------------------------------------------------------------------------
    def action_mode(self, mode: str) -> None:
        if mode != self.mode:
            self.mode = mode
            self.load()

    def action_next_days(self) -> None:
        if self.mode != "unused":
            return
        i = DAYS_CHOICES.index(self.days) if self.days in DAYS_CHOICES else -1
        self.days = DAYS_CHOICES[(i + 1) % len(DAYS_CHOICES)]
        self.load()

    def action_month(self, step: int) -> None:
        if self.mode != "changes" or self.month_b is None:
            return
        old = self.month_b
        self.month_b = add_months(self.month_b, int(step))
        self.load(revert_month=old)

    def action_next_account(self) -> None:
        choices = [None, *self.accounts]
        i = choices.index(self.account) if self.account in choices else 0
        self.account = choices[(i + 1) % len(choices)]
        self.month_b = None if self.mode != "changes" else self.month_b
        self.load()

    def _current(self) -> dict | None:
        row_id = self.table.cursor_id
        return self.rows[row_id] if row_id is not None and row_id < len(self.rows) else None

    def on_virtual_table_opened(self, event: VirtualTable.Opened) -> None:
        row = self.rows[event.row_id] if event.row_id < len(self.rows) else None
        if not row or not row.get("sid"):
            return
        from screens.card import EmployeeCard

        self.app.push_screen(EmployeeCard(row["sid"]))

    def action_blame(self) -> None:
        row = self._current()
        if not row or not row.get("sid"):
            self.app.notify(_("Choose a row with a number."), markup=False)
            return
        self.app.push_screen(BlameDialog(row["sid"], row.get("item")))

    def action_select_in_numbers(self) -> None:
        ids = sorted({r["sid"] for r in self.rows if r.get("sid")})
        if not ids:
            self.app.notify(_("No numbers to select."), markup=False)
            return
        self.app.open_section("numbers")
        screen = self.app.screen

        def apply() -> None:
            table = screen.query_one(VirtualTable)
            table.selected = set(ids)
            table.refresh()
            if hasattr(screen, "update_selection_line"):
                screen.update_selection_line()
            self.app.notify(_("Selected {n_ids} numbers from insights.").format(n_ids=len(ids)), markup=False)

        screen.call_after_refresh(apply)


class BlameDialog(Registered, ModalScreen):
    """Who changed what of one number: its items, and the history of the chosen one."""

    ACTIONS = BLAME
    DEFAULT_CSS = """
    BlameDialog { align: center middle; }
    #blame { width: 100%; height: 100%; border: round $primary; background: $surface;
             padding: 0 1; }
    #blame-title { height: 1; text-style: bold; }
    #blame-items { height: 8; }
    #blame-history { height: 1fr; }
    """

    @classmethod
    def for_charge(cls, app, charge_id: int) -> None:
        """Open on a charge line (charges screen): its number, that line chosen; a line
        that is not a recurring fee gets the reason instead."""
        item = f"charge:{int(charge_id)}"
        try:
            sid = uc.blame(app.session, None, item)["subscriber_id"]
        except CorptuiError as exc:
            app.show_error(exc)
            return
        app.push_screen(cls(sid, item))

    def __init__(self, subscriber_id: int, item: str | None = None):
        super().__init__()
        self.subscriber_id = subscriber_id
        self.item = item
        self.items: list[dict] = []

    def compose(self) -> ComposeResult:
        session = self.app.session
        try:
            self.items = uc.blame_items(session, self.subscriber_id)
        except CorptuiError as exc:
            self.items = []
            self.app.show_error(exc)
        with Vertical(id="blame"):
            yield Static(_("Who changed this? (enter shows the history, esc closes)"),
                         id="blame-title")
            yield OptionList(*[Option(plain(i["label"]), id=str(n))
                               for n, i in enumerate(self.items)], id="blame-items")
            with VerticalScroll(id="blame-history"):
                yield Static("", id="blame-text")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        start = 0
        if self.item:
            for n, i in enumerate(self.items):
                if i["item"] == self.item:
                    start = n
                    break
        if self.items:
            options.highlighted = start
            self.show(self.items[start]["item"])

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show(self.items[int(event.option.id)]["item"])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.show(self.items[int(event.option.id)]["item"])

    def show(self, item: str) -> None:
        try:
            r = uc.blame(self.app.session, self.subscriber_id, item)
        except CorptuiError as exc:
            self.query_one("#blame-text", Static).update(plain(exc.message))
            return
        lines = [_("{label} of {number}: {current}").format(
            label=r["label"], number=format_msisdn(r["number"]), current=r["current"] or "-")]
        if "charge" in r:
            c = r["charge"]
            lines.append(_("Charge line {id}: {period:%m.%Y} {money}").format(id=c['id'], period=c['period'], money=money(c['amount'])))
        for ch in r["changes"]:
            lines.append(_("{at:%Y-%m-%d %H:%M} {actor} via {source}: {action}").format(at=ch['at'], actor=ch['actor'], source=ch['source'], action=ch['action']))
            lines.append(_("  before: {describe}").format(describe=uc.describe(ch['before'])))
            lines.append(_("  after:  {describe}").format(describe=uc.describe(ch['after'])))
        if r["origin"]:
            lines.append(r["origin"])
        self.query_one("#blame-text", Static).update(plain("\n".join(lines), multiline=True))

    def action_close(self) -> None:
        self.dismiss(None)
