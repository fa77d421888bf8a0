"""Money: accounts, payments, charges (and their drill-downs), calls, disputes, and the
filter, export and number-picker dialogs they share."""

from __future__ import annotations

from corptui.i18n import N_
from screens.actions import Action, Registry, also, dialog

ACCOUNTS = Registry("accounts", N_("Accounts"), (
    Action("payments", "p", N_("Payments"), N_("the payments of the selected accounts")),
    Action("charges", "c", N_("Charges"), N_("the charges of the selected accounts")),
    Action("calls", "l", N_("Calls"), N_("the call details of the selected accounts")),
    Action("documents", "d", N_("Documents"), N_("the documents of the account")),
    Action("act", "t", N_("Reconciliation act"),
           N_("order a reconciliation act for the selected accounts"), footer=False,
           permission="documents.order"),
    Action("select_all", "a", N_("All"), N_("select all accounts"), footer=False),
    Action("select_none", "A", N_("None"), N_("clear the selection"), footer=False),
    Action("reload", "r", N_("Refresh"), N_("read the balances again"), footer=False),
))

# what payments, charges and calls share
FILTER = Action("filter", "f", N_("Filter"), N_("filter by amount, date, type"))
CHOOSE_NUMBERS = Action("choose_numbers", "n", N_("Numbers"), N_("choose numbers or accounts"))
EXPORT = Action("export", "e", N_("Export"), N_("export to CSV, XLSX or PDF"),
                permission="payments.export")
CLEAR = Action("clear_filter", "x", N_("Clear"), N_("clear the filter"), footer=False)
ANY_DATES = Action("any_dates", "0", N_("Any dates"), N_("any dates"), action="period('')",
                   footer=False)
THIS_MONTH = Action("this_month", "1", N_("This month"), N_("this month"),
                    action="period('this_month')", footer=False)
LAST_MONTH = Action("last_month", "2", N_("Last month"), N_("last month"),
                    action="period('last_month')", footer=False)
QUARTER = Action("quarter", "3", N_("Quarter"), N_("this quarter"), action="period('quarter')",
                 footer=False)
YEAR = Action("year", "4", N_("Year"), N_("this year"), action="period('year')", footer=False)

PAYMENTS = Registry("payments", N_("Payments"), (
    FILTER, CHOOSE_NUMBERS, EXPORT,
    Action("sort_next", "o", N_("Sort"), N_("sort by the next column")),
    Action("sort_reverse", "O", N_("Reverse"), N_("reverse the order"), footer=False),
    CLEAR, ANY_DATES, THIS_MONTH, LAST_MONTH, QUARTER, YEAR,
    Action("import_statement", "i", N_("Import"), N_("import a bank statement"),
           footer=False, permission="import.payments"),
))
CHARGES = Registry("charges", N_("Charges"), (
    also(FILTER, description=N_("filter by period, kind, number")), CHOOSE_NUMBERS, EXPORT,
    Action("top", "t", N_("Top spenders"), N_("the numbers charged most in the month")),
    CLEAR, YEAR, QUARTER,
))
CALLS = Registry("calls", N_("Calls"), (
    also(FILTER, description=N_("filter by period, kind, direction, number")),
    CHOOSE_NUMBERS, EXPORT,
    Action("reverse", "o", N_("Order"), N_("oldest or newest first")),
    CLEAR, THIS_MONTH, LAST_MONTH, QUARTER, YEAR,
    Action("import_calls", "i", N_("Import"), N_("import call records from a file"),
           footer=False, permission="import.calls"),
))
FEED_IMPORT = Registry("feed_import", N_("Import"), (
    Action("back", "escape", N_("Back"), palette=False),
))

DRILL = Registry("charges_drill", N_("Charges"), (
    Action("back", "escape", N_("Back"), palette=False),
    Action("back_q", "q", N_("Back"), action="back", footer=False, palette=False),
))
CHARGE_LINES = DRILL.plus(
    Action("next_kind", "k", N_("Kind"), N_("the next kind of charge")),
    Action("toggle_view", "v", N_("Lines/numbers"), N_("every line, or a line per number")),
    Action("dispute", "d", N_("Dispute"), N_("dispute the charge line"),
           permission="disputes.open"),
    Action("blame", "b", N_("Who changed"), N_("who turned this fee on")),
    name="charge_lines", title=N_("Charges"))
TOP_SPENDERS = DRILL.plus(name="top_spenders", title=N_("Top spenders"))
CHARGE_RECORDS = DRILL.plus(name="charge_records", title=N_("Records of a charge"))

DISPUTES = Registry("disputes", N_("Disputes"), (
    Action("review", "i", N_("In review"), N_("take the dispute into review"),
           permission="disputes.decide"),
    Action("accept", "a", N_("Accept"), N_("accept the dispute with a credit"),
           permission="disputes.decide"),
    Action("reject", "x", N_("Reject"), N_("reject the dispute"), permission="disputes.decide"),
    Action("reload", "r", N_("Refresh"), N_("read the disputes again")),
    Action("open_only", "o", N_("Open only"), N_("only the disputes still open, or all"),
           action="toggle_open"),
))

MONEY_FILTER = dialog("money_filter", N_("Filter"),
                      Action("apply", "ctrl+s", N_("Apply"), N_("apply the filter")),
                      Action("clear", "ctrl+r", N_("Clear"), N_("clear every field")))
EXPORT_DIALOG = dialog("export", N_("Export"),
                       Action("export", "ctrl+s", N_("Export"), N_("write the file"),
                              permission="payments.export"))
NUMBER_PICKER = dialog("number_picker", N_("Numbers"),
                       Action("done", "ctrl+s", N_("Done"), N_("use the chosen numbers")),
                       Action("all", "a", N_("All"), N_("choose all"), footer=False),
                       Action("none", "A", N_("None"), N_("choose none"), footer=False),
                       Action("search", "slash", N_("Search"), N_("search the list"),
                              footer=False))
