"""Help: the keys of every section, the hotline numbers, what the screens do."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from screens.actions import help_rows

HOTLINES = [
    ("8-800-550-05-55", "legal entities (free in Russia)"),
    ("0555", "legal entities, short number from a company SIM"),
    ("8-800-550-05-00", "individuals (free in Russia)"),
    ("0500", "individuals, short number"),
]

NUMBERS_KEYS = [
    ("/", "search by phone (any part, any format) or name"),
    ("space", "toggle the checkbox of the row"),
    ("a / A / i", "select all shown / clear the selection / invert the shown"),
    ("f", "filter by tag, tariff, status, account"),
    ("o / O", "sort by the next column / reverse the order"),
    ("t", "assign tags to the selected numbers"),
    ("enter", "open the employee card"),
    ("g", "manage tags"),
    ("ctrl+o", "import employees from a file"),
    ("p", "select numbers by a pasted list or a file"),
    ("v / V", "save the current view / open a saved view"),
    ("x", "clear the filter"),
]

USERS_KEYS = [
    ("n", "add a user (the temporary password is shown once)"),
    ("r", "reset the password of the user under the cursor"),
    ("b", "block or unblock the login"),
    ("e", "change the role"),
]

AUDIT_KEYS = [
    ("/", "filter by user, object, period (YYYY-MM-DD, enter applies)"),
    ("x", "clear the filter"),
    ("enter", "the entry with its before and after values"),
]


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,f1,q", "close", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    #help { width: 76; height: 22; border: round $primary; padding: 0 1; background: $surface; }
    """

    def compose(self) -> ComposeResult:
        lines = ["Keys everywhere"]
        lines += [f"  {k:<10} {label:<10} {desc}" for k, label, desc in help_rows()]
        lines += ["  ctrl+p     Commands   every action by name", "  ctrl+q     Quit", ""]
        lines += ["Numbers screen"]
        lines += [f"  {k:<10} {desc}" for k, desc in NUMBERS_KEYS]
        lines += ["", "Users screen (the owner changes, others read)"]
        lines += [f"  {k:<10} {desc}" for k, desc in USERS_KEYS]
        lines += ["", "Audit screen"]
        lines += [f"  {k:<10} {desc}" for k, desc in AUDIT_KEYS]
        lines += ["", "Operator hotline"]
        lines += [f"  {num:<16} {who}" for num, who in HOTLINES]
        with VerticalScroll(id="help"):
            yield Static(Content("\n".join(lines)))

    def action_close(self) -> None:
        self.app.pop_screen()
