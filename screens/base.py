"""The frame every logged-in screen shares: a top bar (company, user, role), the body, and
the footer with the keys. Section keys (F1-F10) come from screens.actions."""

from __future__ import annotations

from corptui.i18n import _, N_

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from screens.widgets.keys_footer import KeysFooter
from screens.actions import app_bindings
from screens.widgets.safe import safe_text


class TopBar(Static):
    DEFAULT_CSS = """
    TopBar { height: 1; background: $primary; color: $text; text-style: bold; padding: 0 1; }
    """


class AppScreen(Screen):
    """Subclasses implement ``compose_body`` and set ``SECTION`` and ``TITLE``."""

    SECTION = ""
    TITLE = ""
    BINDINGS = app_bindings() + [Binding("question_mark", "app.help", N_("Help"), show=False)]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._bindings_added = False

    @property
    def session(self):
        return self.app.session

    def compose(self) -> ComposeResult:
        yield TopBar(self.top_line(), id="topbar")
        yield from self.compose_body()
        yield KeysFooter()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def top_line(self) -> Content:
        info = getattr(self.app, "session_info", None) or {}
        company = safe_text(info.get("company", ""))
        who = safe_text(info.get("user", ""))
        role = safe_text(info.get("role", ""))
        title = _(self.TITLE) or self.SECTION.title()
        return Content(f"{title} · {company} · {who} ({role})")

    def refresh_top(self) -> None:
        self.query_one("#topbar", TopBar).update(self.top_line())


def section_bindings():
    return app_bindings()
