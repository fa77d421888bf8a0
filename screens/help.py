"""Help: the keys of every section, the hotline numbers, what the screens do."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from corptui import config
from corptui.i18n import N_, _
from screens.actions import APP_ACTIONS, help_rows

NUMBERS_KEYS = [
    ("/", N_("search by phone (any part, any format) or name")),
    ("space", N_("toggle the checkbox of the row")),
    ("a / A / i", N_("select all shown / clear the selection / invert the shown")),
    ("f", N_("filter by tag, tariff, status, account")),
    ("o / O", N_("sort by the next column / reverse the order")),
    ("t", N_("assign tags to the selected numbers")),
    ("enter", N_("open the employee card")),
    ("g", N_("manage tags")),
    ("ctrl+o", N_("import employees from a file")),
    ("p", N_("select numbers by a pasted list or a file")),
    ("v / V", N_("save the current view / open a saved view")),
    ("x", N_("clear the filter")),
    ("s", N_("tariffs and options for the selection (check, then apply)")),
    ("w / l", N_("call forwarding / spending limits for the selection")),
    ("c", N_("a change request to the operator for the selection")),
    ("u", N_("undo the last bulk change")),
]

USERS_KEYS = [
    ("n", N_("add a user (the temporary password is shown once)")),
    ("r", N_("reset the password of the user under the cursor")),
    ("b", N_("block or unblock the login")),
    ("e", N_("change the role")),
]

AUDIT_KEYS = [
    ("/", N_("filter by user, object, period (YYYY-MM-DD, enter applies)")),
    ("x", N_("clear the filter")),
    ("enter", N_("the entry with its before and after values")),
]


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,f1,q,question_mark", "close", N_("Close"))]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    #help { width: 76; height: 22; border: round $primary; padding: 0 1; background: $surface; }
    """

    def __init__(self, screen_keys: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(**kwargs)
        self._screen_keys = screen_keys

    def screen_keys(self) -> list[tuple[str, str]]:
        """The keys of the screen under the help: its own bindings (not the app's, nor the
        usual moving keys of its widgets)."""
        if self._screen_keys is not None:
            return self._screen_keys
        stack = [s for s in self.app.screen_stack if s is not self]
        if not stack:
            return []
        under = stack[-1]
        app_keys = {k for a in APP_ACTIONS for k in a.key.split(",")} | {"ctrl+q", "ctrl+p"}
        common = {b.action for b in Screen.BINDINGS if isinstance(b, Binding)} | {"app.help"}
        out, seen = [], set()
        for key, active in under.active_bindings.items():
            binding = active.binding
            if (active.node is not under or key in app_keys or not binding.description
                    or binding.action in common):
                continue
            label = binding.key_display or self.app.get_key_display(binding)
            if (label, binding.description) in seen:
                continue
            seen.add((label, binding.description))
            out.append((label, binding.description))
        return out

    def compose(self) -> ComposeResult:
        lines = []
        keys = self.screen_keys()
        if keys:
            lines += [_("This screen")]
            lines += [f"  {k:<10} {_(desc)}" for k, desc in keys]
            lines += [""]
        lines += [_("Keys everywhere")]
        lines += [f"  {k:<10} {label:<10} {desc}" for k, label, desc in help_rows()]
        commands, by_name, quit_ = _("Commands"), _("every action by name"), _("Quit")
        lines += [f"  ctrl+p     {commands:<10} {by_name}", f"  ctrl+q     {quit_}", ""]
        lines += [_("Numbers screen")]
        lines += [f"  {k:<10} {_(desc)}" for k, desc in NUMBERS_KEYS]
        lines += ["", _("Users screen (the owner changes, others read)")]
        lines += [f"  {k:<10} {_(desc)}" for k, desc in USERS_KEYS]
        lines += ["", _("Audit screen")]
        lines += [f"  {k:<10} {_(desc)}" for k, desc in AUDIT_KEYS]
        settings, error = config.load_or_defaults()
        lines += ["", _("Operator hotline")]
        lines += [f"  {num:<16} {_(who)}" for num, who in config.hotlines(settings)]
        social = config.social_links(settings)
        if social:
            lines += ["", _("Operator online (social networks)")]
            lines += [f"  {name:<16} {url}" for name, url in social]
        if error:
            lines += ["", _("config.toml not read: {error}").format(error=error)]
        with VerticalScroll(id="help"):
            yield Static(Content("\n".join(lines)))

    def action_close(self) -> None:
        self.app.pop_screen()
