"""One registry of the app-wide actions: key bindings, the footer, the command palette and
the help screen are all built from it (harlequin's approach), so a new action is one
entry. Keys avoid ctrl+w/t/n, which browsers take under textual-serve."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from corptui.i18n import N_, _


@dataclass(frozen=True)
class Action:
    id: str
    key: str
    label: str
    description: str
    section: str | None = None  # the screen this action opens, if any
    show: bool = True


SECTIONS = {
    # section name -> "module:ClassName" of its screen (imported on first use)
    "numbers": "screens.numbers:NumbersScreen",
    "accounts": "screens.accounts:AccountsScreen",
    "payments": "screens.payments:PaymentsScreen",
    "charges": "screens.charges:ChargesScreen",
    "calls": "screens.calls:CallsScreen",
    "users": "screens.users:UsersScreen",
    "audit": "screens.audit:AuditScreen",
    "documents": "screens.documents:DocumentsScreen",
    "schedules": "screens.schedules:SchedulesScreen",
    "outbox": "screens.outbox:OutboxScreen",
    "settings": "screens.settings:SettingsScreen",
    "disputes": "screens.disputes:DisputesScreen",
    "insights": "screens.insights:InsightsScreen",
    "overview": "screens.overview:OverviewScreen",
    "spend": "screens.spend:SpendScreen",
}

APP_ACTIONS = [
    Action("help", "f1", N_("Help"), N_("Keys, hotline numbers and what each screen does")),
    Action("overview", "shift+f2", N_("Overview"),
           N_("What to look at: spend, budgets, limits, savings, idle lines, documents"),
           "overview"),
    Action("numbers", "f2", N_("Numbers"), N_("The company's numbers and employees"), "numbers"),
    Action("accounts", "f3", N_("Accounts"), N_("Personal accounts and balances"), "accounts"),
    Action("payments", "f4", N_("Payments"), N_("Payments with filters and totals"), "payments"),
    Action("charges", "f5", N_("Charges"), N_("Charges by month and by number"), "charges"),
    Action("calls", "f6", N_("Calls"), N_("Call detail records"), "calls"),
    Action("users", "f7", N_("Users"), N_("Users of the account and their roles"), "users"),
    Action("audit", "f8", N_("Audit"), N_("Who changed what, and when"), "audit"),
    Action("documents", "f12", N_("Documents"),
           N_("Order documents (reconciliation act, invoices, details) and their history"),
           "documents"),
    Action("schedules", "shift+f12", N_("Automatic reports"),
           N_("Reports sent by email and/or SMS every day, week or month"), "schedules"),
    Action("outbox", "f11", N_("Outbox"), N_("Email and SMS notifications and background jobs"),
           "outbox"),
    Action("disputes", "shift+f5", N_("Disputes"),
           N_("Disputed charges: open, in review, accepted with a credit, rejected"), "disputes"),
    Action("settings", "", N_("Settings"), N_("Theme, idle timeout, language; email and SMS delivery"),
           "settings"),
    Action("spend", "", N_("Spend by tag"),
           N_("Spend per department and city against budgets, month over month"), "spend"),
    Action("insights", "", N_("Insights"),
           N_("Unused lines and options, month-over-month changes, who changed what"),
           "insights"),
    Action("goto", "ctrl+g", N_("Go to"), N_("Every section in one list")),
    Action("change_password", "f9", N_("Password"), N_("Change your password")),
    Action("logout", "f10", N_("Log out"), N_("End the session and return to the login screen")),
]


def available_sections() -> dict[str, str]:
    """The sections whose screen module exists in this build."""
    import importlib.util

    out = {}
    for name, target in SECTIONS.items():
        module = target.split(":")[0]
        if importlib.util.find_spec(module) is not None:
            out[name] = target
    return out


def app_bindings() -> list[Binding]:
    have = available_sections()
    out = []
    for a in APP_ACTIONS:
        if (a.section and a.section not in have) or not a.key:
            continue
        action = f"app.open_section('{a.section}')" if a.section else f"app.{a.id}"
        # the footer keeps room for the screen's own keys: sections are on F1 (help)
        # and in the command palette
        out.append(Binding(a.key, action, a.label, show=a.show and not a.section, id=a.id))
    return out


def help_rows() -> list[tuple[str, str, str]]:
    have = available_sections()
    return [(a.key.upper(), _(a.label), _(a.description)) for a in APP_ACTIONS
            if not a.section or a.section in have]
