"""The app-wide actions (every logged-in screen): the sections on F-keys, help, go to,
password, log out. Keys avoid ctrl+w/t/n, which browsers take under textual-serve. Binding
ids are the bare names ("numbers", "help") as the keymap file has always had them."""

from __future__ import annotations

from corptui.i18n import N_, _
from screens.actions import Action, Registry

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

APP = Registry("app", N_("Everywhere"), (
    Action("help", "f1,question_mark", N_("Help"), N_("Keys, hotline numbers and what each screen does"),
           action="app.help", footer=True),
    Action("overview", "shift+f2", N_("Overview"),
           N_("What to look at: spend, budgets, limits, savings, idle lines, documents"),
           section="overview"),
    Action("numbers", "f2", N_("Numbers"), N_("The company's numbers and employees"),
           section="numbers"),
    Action("accounts", "f3", N_("Accounts"), N_("Personal accounts and balances"),
           section="accounts"),
    Action("payments", "f4", N_("Payments"), N_("Payments with filters and totals"),
           section="payments"),
    Action("charges", "f5", N_("Charges"), N_("Charges by month and by number"),
           section="charges"),
    Action("calls", "f6", N_("Calls"), N_("Call detail records"), section="calls"),
    Action("users", "f7", N_("Users"), N_("Users of the account and their roles"),
           section="users"),
    Action("audit", "f8", N_("Audit"), N_("Who changed what, and when"), section="audit"),
    Action("documents", "f12", N_("Documents"),
           N_("Order documents (reconciliation act, invoices, details) and their history"),
           section="documents"),
    Action("schedules", "shift+f12", N_("Automatic reports"),
           N_("Reports sent by email and/or SMS every day, week or month"),
           section="schedules"),
    Action("outbox", "f11", N_("Outbox"), N_("Email and SMS notifications and background jobs"),
           section="outbox"),
    Action("disputes", "shift+f5", N_("Disputes"),
           N_("Disputed charges: open, in review, accepted with a credit, rejected"),
           section="disputes"),
    Action("settings", "", N_("Settings"),
           N_("Theme, idle timeout, language; email and SMS delivery"), section="settings"),
    Action("spend", "", N_("Spend by tag"),
           N_("Spend per department and city against budgets, month over month"),
           section="spend"),
    Action("insights", "", N_("Insights"),
           N_("Unused lines and options, month-over-month changes, who changed what"),
           section="insights"),
    Action("goto", "ctrl+g", N_("Go to"), N_("Every section in one list"), action="app.goto"),
    Action("change_password", "f9", N_("Password"), N_("Change your password"),
           action="app.change_password"),
    Action("logout", "f10", N_("Log out"), N_("End the session and return to the login screen"),
           action="app.logout"),
))
APP_ACTIONS = list(APP.actions)


def available_sections() -> dict[str, str]:
    """The sections whose screen module exists in this build."""
    import importlib.util

    out = {}
    for name, target in SECTIONS.items():
        module = target.split(":")[0]
        if importlib.util.find_spec(module) is not None:
            out[name] = target
    return out


def app_actions() -> list[Action]:
    """The app actions of this build (a section whose module is missing is left out)."""
    have = available_sections()
    return [a for a in APP.actions if not a.section or a.section in have]


def app_bindings() -> list:
    """The app actions' bindings on every screen. The footer keeps room for the screen's
    own keys: sections are on F1 (help), in the go-to menu and in the command palette."""
    from textual.binding import Binding

    return [Binding(a.keys, APP.target(a), a.label, show=a.footer and not a.section,
                    id=APP.binding_id(a)) for a in app_actions() if a.keys]


def key_text(keys: str) -> str:
    """One naming style for keys in help and menus: "F12", "Shift+F12", "Ctrl+G", "/"."""
    from screens.actions.keys import key_text as _key_text

    return _key_text(keys)


def help_rows() -> list[tuple[str, str, str]]:
    return [(key_text(a.keys), _(a.label), _(a.description)) for a in app_actions()]
