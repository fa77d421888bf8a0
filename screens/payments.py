"""Payments: the company's payments (or those of chosen numbers and personal accounts)
with filters (amount, dates with presets, type), sorting by any column, the totals of
what is shown always visible, and the export of what is shown.

The table is paged lazily: its ids are row positions 0..count-1 and the visible window
is fetched with one offset/limit query (corptui.payments.query). The filters are kept
in the session (screens.money_dialogs.keep) while it lasts."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from corptui import payments as payments_uc
from corptui import permissions
from corptui.errors import ValidationError
from corptui.i18n import N_, _, ngettext, number
from corptui.payments import PaymentFilter
from corptui.periods import preset
from corptui.phones import format_msisdn
from screens.actions.money import PAYMENTS
from screens.base import AppScreen
from screens.money_dialogs import (
    PAYMENT_TYPE_LABELS,
    PERIOD_CHOICES,
    ExportDialog,
    FilterDialog,
    allowed,
    date_cell,
    export_done,
    kept,
    money_cell,
    money_text,
    scope_ids,
    scope_summary,
    today_of,
)
from screens.widgets.paged import PagedQueryMixin
from screens.widgets.safe import plain
from screens.widgets.virtual_table import Column, VirtualTable

AMOUNT_WIDTH = 12
COLUMNS = [
    Column("date", N_("Date"), 10),
    Column("account", N_("Account"), 12),
    Column("number", N_("Number"), 16),
    Column("employee", N_("Employee"), 10, flex=1),
    Column("amount", N_("Amount").rjust(AMOUNT_WIDTH), AMOUNT_WIDTH),
    Column("type", N_("Type"), 10),
    Column("document_no", N_("Document"), 12, min_table_width=100),
]
SORTABLE = list(payments_uc.SORT_COLUMNS)
SHORT_TYPES = {"bank_transfer": "transfer", "card": "card", "cash": "cash",
               "promised": "promised", "adjustment": "adjustment"}
EMPTY_STATE = {"numbers": "", "account": "", "picked": (), "amount_min": "",
               "amount_max": "", "period": "", "date_from": "", "date_to": "", "type": "",
               "sort": "date", "descending": True}


def render_cell(row: dict, key: str) -> str:
    value = row.get(key)
    if key == "date":
        return date_cell(value)
    if key == "number":
        return format_msisdn(value) if value else _("(account)")
    if key == "amount":
        return money_cell(value, AMOUNT_WIDTH)
    if key == "type":
        return SHORT_TYPES.get(value, value or "")
    return value or ""


def build_filter(session, state: dict) -> PaymentFilter:
    """The validated filter of a dialog state; ValidationError with every bad field."""
    errors: dict[str, str] = {}
    subs, accs = scope_ids(session, state.get("numbers", ""), state.get("account", ""), errors,
                         state.get("picked", ()))
    flt = PaymentFilter(subscriber_ids=subs, account_ids=accs,
                        amount_min=state.get("amount_min") or None,
                        amount_max=state.get("amount_max") or None,
                        date_from=state.get("date_from") or None,
                        date_to=state.get("date_to") or None,
                        types=(state["type"],) if state.get("type") else (),
                        sort=state.get("sort", "date"),
                        descending=state.get("descending", True))
    try:
        flt = flt.validated()
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        first = next(iter(errors))
        raise ValidationError(errors[first], first, errors)
    return flt


class PaymentsScreen(PagedQueryMixin, AppScreen):
    SECTION = "payments"
    KEEP_KEY = "payments"
    use_case = payments_uc
    TITLE = N_("Payments")
    ACTIONS = PAYMENTS
    DEFAULT_CSS = """
    #filter-line { height: 1; padding: 0 1; color: $text-muted; }
    #detail-line { height: 1; padding: 0 1; }
    #totals-line { height: 1; background: $boost; padding: 0 1; text-style: bold; }
    """

    def __init__(self):
        super().__init__()
        self.state: dict = dict(EMPTY_STATE)
        self.flt = PaymentFilter()
        self.totals = {"sum": None, "count": 0}

    def compose_body(self) -> ComposeResult:
        yield Static("", id="filter-line")
        yield VirtualTable(COLUMNS, self._fetch, render_cell, checkboxes=False,
                           id="payments-table",
                           empty_text=_("No payments match the filters (x clears them)."))
        yield Static("", id="detail-line")
        yield Static("", id="totals-line")

    @property
    def table(self) -> VirtualTable:
        return self.query_one(VirtualTable)

    def on_mount(self) -> None:
        self.state = dict(kept(self.app, "payments", EMPTY_STATE))
        try:
            self.flt = build_filter(self.app.session, self.state)
        except ValidationError as exc:  # e.g. a kept number was deleted since
            self.app.show_error(exc)
            self.state = dict(EMPTY_STATE)
            self.flt = PaymentFilter()
        self.watch(self.table, "cursor", self._cursor_moved, init=False)
        self.table.focus()
        self.reload()

    # -- data: paged rows and totals (screens.widgets.paged) -------------------------
    # -- lines --------------------------------------------------------------------------
    def filter_text(self) -> str:
        s = self.state
        parts = [scope_summary(s.get("numbers", ""), s.get("account", ""),
                               s.get("picked", ()))]
        parts.append(payments_uc.period_text(self.flt.date_from, self.flt.date_to))
        if self.flt.amount_min is not None or self.flt.amount_max is not None:
            lo = money_text(self.flt.amount_min) if self.flt.amount_min is not None else "…"
            hi = money_text(self.flt.amount_max) if self.flt.amount_max is not None else "…"
            parts.append(_("amount {lo}–{hi}").format(lo=lo, hi=hi))
        if self.flt.types:
            parts.append(_(PAYMENT_TYPE_LABELS.get(self.flt.types[0], self.flt.types[0])))
        return _("Filter: {filters}").format(filters=" · ".join(parts))

    def totals_text(self) -> str:
        count = self.totals["count"]
        total = money_text(self.totals["sum"]) if self.totals["sum"] is not None else "…"
        order = _("desc") if self.flt.descending else _("asc")
        return " · ".join((
            ngettext("Shown {n} payment", "Shown {n} payments", count).format(n=number(count)),
            _("total {amount} ₽").format(amount=total),
            _("sorted by {column} {order}").format(column=self.flt.sort, order=order)))

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
            kind = _(PAYMENT_TYPE_LABELS.get(row["type"], row["type"]))
            doc = _("doc {number}").format(number=row["document_no"] or "—")
            text = f"{kind} · {doc} · " + (row["employee"] or _("no employee"))
        self.query_one("#detail-line", Static).update(plain(text))

    # -- filters ----------------------------------------------------------------------
    def _apply_state(self, state: dict) -> PaymentFilter:
        merged = {**self.state, **state}
        return build_filter(self.app.session, merged), merged

    def action_filter(self) -> None:
        s = self.state
        fields = [
            ("numbers", N_("Numbers"), s["numbers"], "+7 900 100-00-01, ..."),
            ("account", N_("Accounts"), s["account"], N_("account numbers, comma-separated")),
            ("amount_min", N_("Amount from"), s["amount_min"], "0.00"),
            ("amount_max", N_("Amount to"), s["amount_max"], ""),
            ("date_from", N_("Date from"), s["date_from"], N_("YYYY-MM-DD or DD.MM.YYYY")),
            ("date_to", N_("Date to"), s["date_to"], ""),
        ]
        types = [(N_("any type"), "")] + [(label, key) for key, label in PAYMENT_TYPE_LABELS.items()]
        choices = [("period", N_("Period"), PERIOD_CHOICES, s.get("period", "")),
                   ("type", N_("Type"), types, s.get("type", ""))]

        def apply(values: dict):
            return self._apply_state(values)

        def done(result) -> None:
            if result is None:
                return
            self.flt, self.state = result
            self.reload()

        self.app.push_screen(FilterDialog(_("Filter payments"), fields, choices, apply,
                                          today_of(self.app)), done)

    def set_state(self, **changes) -> None:
        """Apply filter changes (keys of the dialog state); errors go to a message."""
        try:
            self.flt, self.state = self._apply_state(changes)
        except ValidationError as exc:
            self.app.show_error(exc)
            return
        self.reload()

    def action_period(self, name: str) -> None:
        if name:
            first, last = preset(name, today_of(self.app))
            self.set_state(period=name, date_from=first.isoformat(), date_to=last.isoformat())
        else:
            self.set_state(period="", date_from="", date_to="")

    def action_clear_filter(self) -> None:
        self.set_state(**{k: v for k, v in EMPTY_STATE.items() if k not in ("sort", "descending")})

    # -- sorting ----------------------------------------------------------------------
    def action_sort_next(self) -> None:
        i = SORTABLE.index(self.flt.sort) if self.flt.sort in SORTABLE else 0
        key = SORTABLE[(i + 1) % len(SORTABLE)]
        self.set_state(sort=key, descending=key in ("date", "amount"))

    def action_sort_reverse(self) -> None:
        self.set_state(descending=not self.flt.descending)

    def on_virtual_table_header_clicked(self, event: VirtualTable.HeaderClicked) -> None:
        if event.key not in SORTABLE:
            return
        if self.flt.sort == event.key:
            self.set_state(descending=not self.flt.descending)
        else:
            self.set_state(sort=event.key, descending=event.key in ("date", "amount"))

    def action_choose_numbers(self) -> None:
        from screens.money_dialogs import NumberPicker

        def done(ids) -> None:
            if ids is not None:
                self.set_state(picked=tuple(ids))

        self.app.push_screen(NumberPicker(self.state.get("picked", ())), done)

    # -- export -----------------------------------------------------------------------
    def action_import_statement(self) -> None:
        from screens.import_feeds import FeedImportScreen

        def done(imported) -> None:
            if imported:
                self.reload()

        self.app.push_screen(FeedImportScreen("payments"), done)

    def action_export(self) -> None:
        if not allowed(self.app, "payments.export"):
            self.app.notify(_("The {role} role may view payments but not export them.").format(role=permissions.role_label(self.app.session.role)), title=_("Not allowed"), severity="warning",
                            markup=False)
            return
        flt = self.flt
        session = self.app.session
        company = getattr(self.app, "session_info", {}).get("company", "")

        def run(fmt: str, path: str, force: bool, sep: str, progress=None, cancelled=None):
            return payments_uc.export(session, flt, fmt, path, company_name=company,
                                      force=force, sep=sep,
                                      progress=progress, cancelled=cancelled)

        hint = ngettext("{count} payment · {filter_text}", "{count} payments · {filter_text}",
                        self.totals['count']).format(count=number(self.totals['count']),
                                                     filter_text=self.filter_text())
        self.app.push_screen(ExportDialog(_("payments"), "payments", hint, run),
                             lambda result: export_done(self.app, result))
