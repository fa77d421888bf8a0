"""Personal accounts: each billing account of the company with its balance, number
count, this month's charges and last payment. Choose accounts with checkboxes (the
selected count at the bottom); p opens their payments, c their charges, l their calls."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.widgets import Static
from textual.worker import get_current_worker

from corptui import accounts as accounts_uc
from corptui.errors import CorptuiError
from corptui.i18n import N_, _, ngettext, number
from screens.actions.money import ACCOUNTS
from screens.base import KeyedRowsScreen
from screens.money_dialogs import date_cell, keep, kept, money_cell, money_text, today_of
from screens.widgets.safe import plain
from screens.widgets.virtual_table import Column, VirtualTable

MONEY_WIDTH = 12
COLUMNS = [
    Column("number", N_("Account"), 12),
    Column("name", N_("Name"), 10, flex=1),
    Column("balance", N_("Balance").rjust(MONEY_WIDTH), MONEY_WIDTH),
    Column("numbers", N_("Nos."), 4),
    Column("month_charges", N_("Month chrg").rjust(MONEY_WIDTH), MONEY_WIDTH),
    Column("last_payment_at", N_("Last paid"), 10),
    Column("last_payment_amount", N_("Last amount").rjust(MONEY_WIDTH), MONEY_WIDTH,
           min_table_width=100),
]


def render_cell(row: dict, key: str) -> str:
    value = row.get(key)
    if key in ("balance", "month_charges", "last_payment_amount"):
        return money_cell(value, MONEY_WIDTH) if value is not None else "—".rjust(MONEY_WIDTH)
    if key == "numbers":
        return str(value).rjust(4)
    if key == "last_payment_at":
        return date_cell(value) if value else "never"
    return value or ""


class AccountsScreen(KeyedRowsScreen):
    SECTION = "accounts"
    TITLE = N_("Accounts")
    ACTIONS = ACCOUNTS
    DEFAULT_CSS = """
    #accounts-hint { height: 1; padding: 0 1; color: $text-muted; }
    #detail-line { height: 1; padding: 0 1; }
    #selection-line { height: 1; background: $boost; padding: 0 1; text-style: bold; }
    """

    def compose_body(self) -> ComposeResult:
        yield Static("", id="accounts-hint")
        yield VirtualTable(COLUMNS, self._fetch, render_cell, checkboxes=True,
                           id="accounts-table", empty_text=N_("Loading…"))
        yield Static("", id="detail-line")
        yield Static("", id="selection-line")

    def on_mount(self) -> None:
        self.watch(self.table, "cursor", self._cursor_moved, init=False)
        month = today_of(self.app).strftime("%Y-%m")
        self.query_one("#accounts-hint", Static).update(plain(
            _("Charges of {month} · space select · p payments · c charges · l calls").format(month=month)))
        self.table.selected = set(kept(self.app, "accounts.selected", set()))
        self.action_reload()
        self.table.focus()

    def action_reload(self) -> None:
        """The accounts in a thread: their sums read every charge of the month (a
        hundred thousand numbers: more than a frame), so the screen is up at once."""
        if self.app.session is not None:
            self._load(self.app.session, today_of(self.app))

    @work(thread=True, exclusive=True, group="accounts-load")
    def _load(self, session, today) -> None:
        from corptui.database import close_thread_connection

        try:
            rows = accounts_uc.list_accounts(session, today=today)
        except CorptuiError as exc:
            self.app.call_from_thread(self.app.show_error, exc)
            rows = []
        finally:
            close_thread_connection()
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, rows)

    def _show(self, rows: list[dict]) -> None:
        if not self.is_attached:  # left meanwhile
            return
        self.table.empty_text = N_("The company has no accounts.")
        self.rows = {r["id"]: r for r in rows}
        self.table.selected &= set(self.rows)
        self.table.invalidate()
        self.table.set_ids([r["id"] for r in rows])
        self._cursor_moved()

    # -- lines ------------------------------------------------------------------------
    def selection_text(self) -> str:
        chosen = ([self.rows[i] for i in self.table.selected if i in self.rows]
                  if self.table.selected else list(self.rows.values()))
        balance = sum((r["balance"] for r in chosen), start=0)
        count = len(self.table.selected)
        numbers = sum(r['numbers'] for r in chosen)
        total = len(self.rows)
        what = (_("Selected {count} of {total}").format(count=count, total=total) if count
                else ngettext("{n} account", "{n} accounts", total).format(n=number(total)))
        return " · ".join((
            what, _("balance {amount} ₽").format(amount=money_text(balance)),
            ngettext("{n} number", "{n} numbers", numbers).format(n=number(numbers))))

    def _cursor_moved(self, *_args) -> None:
        row = self.rows.get(self.table.cursor_id) if self.table.cursor_id is not None else None
        text = ""
        if row is not None:
            state = _("in debt") if row["balance"] < 0 else _("in credit")
            last = (_("last payment {date} {amount} ₽").format(
                        date=date_cell(row['last_payment_at']),
                        amount=money_text(row['last_payment_amount']))
                    if row["last_payment_at"] else _("no payments yet"))
            text = f"{row['number']}: {state} · {last}"
        self.query_one("#detail-line", Static).update(plain(text))
        self.query_one("#selection-line", Static).update(plain(self.selection_text()))

    def on_virtual_table_selection_changed(self, event: VirtualTable.SelectionChanged) -> None:
        keep(self.app, "accounts.selected", set(self.table.selected))
        self._cursor_moved()

    def action_select_all(self) -> None:
        self.table.select_all_shown()

    def action_select_none(self) -> None:
        self.table.clear_selection()

    # -- one key away: payments, charges, calls ---------------------------------------
    def chosen(self) -> list[dict]:
        """The selected accounts, or the one under the cursor when none is selected."""
        if self.table.selected:
            return [self.rows[i] for i in self.table.ids if i in self.table.selected]
        row = self.rows.get(self.table.cursor_id) if self.table.cursor_id is not None else None
        return [row] if row else []

    def _accounts_text(self) -> str:
        return ", ".join(r["number"] for r in self.chosen())

    def action_payments(self) -> None:
        from screens.payments import EMPTY_STATE

        state = dict(kept(self.app, "payments", EMPTY_STATE))
        state.update(numbers="", picked=(), account=self._accounts_text())
        keep(self.app, "payments", state)
        self.app.open_section("payments")

    def action_charges(self) -> None:
        from screens.charges import EMPTY_STATE

        state = dict(kept(self.app, "charges", EMPTY_STATE))
        state.update(numbers="", picked=(), account=self._accounts_text())
        keep(self.app, "charges", state)
        self.app.open_section("charges")

    def action_calls(self) -> None:
        from screens.calls import EMPTY_STATE

        state = dict(kept(self.app, "calls", EMPTY_STATE))
        state.update(numbers="", picked=(), account=self._accounts_text())
        keep(self.app, "calls", state)
        self.app.open_section("calls")

    def action_documents(self) -> None:
        """The reporting-documents wizard for the chosen accounts."""
        from screens.document_wizard import DocumentWizard

        self.app.push_screen(DocumentWizard("report", [r["number"] for r in self.chosen()]))

    def action_act(self) -> None:
        """The reconciliation act wizard for the account under the cursor (or chosen)."""
        from screens.document_wizard import DocumentWizard

        self.app.push_screen(DocumentWizard("act", [r["number"] for r in self.chosen()]))

    def on_virtual_table_opened(self, event: VirtualTable.Opened) -> None:
        self.action_payments()
