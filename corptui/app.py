"""The Textual App: the composition root that wires screens to use cases.

The app starts at the login screen. ``login(session)`` opens the home screen (the
numbers console); ``logout()`` returns to the login screen. Tests may pass a ``session``
to start logged in."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding

from corptui import __version__
from corptui.errors import CorptuiError
from corptui.session import Session

SCREENS_DIR = Path(__file__).resolve().parent.parent / "screens"


class CorptuiApp(App):
    TITLE = "corptui"
    SUB_TITLE = f"corporate mobile account · {__version__}"
    CSS_PATH = str(SCREENS_DIR / "app.tcss")
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(self, db_url: str | None = None, *, demo_logins=None,
                 session: Session | None = None, **kwargs):
        super().__init__(**kwargs)
        self.db_url = db_url
        self.demo_logins = list(demo_logins or [])
        self.session: Session | None = session

    def on_mount(self) -> None:
        if self.session is not None:
            self.push_screen(self.home_screen())
        else:
            self.push_screen(self.login_screen())

    # -- navigation -------------------------------------------------------------
    def login_screen(self):
        from screens.login import LoginScreen

        return LoginScreen(demo_logins=self.demo_logins)

    def home_screen(self):
        from screens.numbers import NumbersScreen

        return NumbersScreen()

    def login(self, session: Session) -> None:
        self.session = session
        self.switch_screen(self.home_screen())

    def logout(self) -> None:
        self.session = None
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(self.login_screen())

    # -- errors -------------------------------------------------------------------
    def show_error(self, exc: Exception) -> None:
        """Typed errors get their message; anything else a short generic line."""
        if isinstance(exc, CorptuiError):
            self.notify(exc.message, title=exc.title, severity="error", markup=False)
        else:
            self.notify(f"{type(exc).__name__}: {exc}", title="Unexpected error",
                        severity="error", markup=False)
