"""Insights: the overview, spend by tag, unused lines and options, month-over-month
changes, who changed what."""

from __future__ import annotations

from corptui.i18n import N_
from screens.actions import Action, Registry, dialog

INSIGHTS = Registry("insights", N_("Insights"), (
    Action("unused", "u", N_("Unused"), N_("numbers without use"), action="mode('unused')"),
    Action("options", "p", N_("Options"), N_("paid options nobody uses"),
           action="mode('options')"),
    Action("changes", "c", N_("Changes"), N_("month-over-month changes"),
           action="mode('changes')"),
    Action("tariffs", "t", N_("Tariffs"), N_("numbers a cheaper tariff would save on"),
           action="mode('tariffs')", footer=False),
    Action("select", "s", N_("Select in numbers"),
           N_("select these numbers in the numbers console"), action="select_in_numbers"),
    Action("blame", "b", N_("Who"), N_("who changed the number")),
    Action("days", "d", N_("Days"), N_("the next idle period"), action="next_days",
           footer=False),
    Action("month_prev", "left_square_bracket", N_("Month -"), N_("the month before"),
           action="month(-1)", footer=False),
    Action("month_next", "right_square_bracket", N_("Month +"), N_("the month after"),
           action="month(1)", footer=False),
    Action("account", "a", N_("Account"), N_("the next account"), action="next_account",
           footer=False),
))
BLAME = dialog("blame", N_("Who changed"), cancel="close", cancel_label=N_("Close"))

OVERVIEW = Registry("overview", N_("Overview"), (
    Action("numbers", "n", N_("Numbers"), N_("the numbers console"),
           action="app.open_section('numbers')"),
    Action("refresh", "r", N_("Refresh"), N_("count the figures again")),
))

SPEND = Registry("spend", N_("Spend by tag"), (
    Action("month_prev", "left_square_bracket", N_("Month -"), N_("the month before"),
           action="month(-1)"),
    Action("month_next", "right_square_bracket", N_("Month +"), N_("the month after"),
           action="month(1)"),
    Action("budget", "b", N_("Budget"), N_("the monthly budget of the tag"),
           permission="budgets.manage"),
    Action("export", "e", N_("Export"), N_("export to CSV, XLSX or PDF"),
           permission="payments.export"),
))
