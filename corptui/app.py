"""The Textual App: the composition root that wires screens to use cases.

The app starts at the login screen. ``login(session)`` opens the start screen (the
overview, or the numbers console: Settings); ``logout()`` returns to the login screen.
Tests may pass a ``session`` to start logged in (on the numbers console)."""

from __future__ import annotations

import gc
import time
from pathlib import Path

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding

from corptui import __version__
from corptui.errors import CorptuiError
from corptui.i18n import N_, _
from corptui.session import Session

SCREENS_DIR = Path(__file__).resolve().parent.parent / "screens"


def readable_ansi_themes() -> list:
    """Textual's ansi themes with the grey parts visible in 16 colours: ansi-dark draws
    an unfocused input's border and the input cursor in ansi_black, black on a black
    terminal (the login's password field was invisible over SSH)."""
    from dataclasses import replace

    from textual.theme import BUILTIN_THEMES

    dark = BUILTIN_THEMES["ansi-dark"]
    light = BUILTIN_THEMES["ansi-light"]
    return [
        replace(dark, variables={**dark.variables,
                                 "border-blurred": "ansi_bright_black",
                                 "border": "ansi_bright_blue",
                                 "input-cursor-background": "ansi_white",
                                 "input-cursor-foreground": "ansi_black",
                                 "input-cursor-text-style": "reverse",
                                 "block-cursor-foreground": "ansi_black",
                                 "block-cursor-background": "ansi_white"}),
        replace(light, variables={**light.variables, "border-blurred": "ansi_bright_black"}),
    ]


class CorptuiApp(App):
    TITLE = "corptui"
    SUB_TITLE = f"corporate mobile account · {__version__}"
    CSS_PATH = str(SCREENS_DIR / "app.tcss")
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+q", "quit", N_("Quit"), priority=True),
        Binding("f1", "help", N_("Help"), show=False),
    ]

    def __init__(self, db_url: str | None = None, *, demo_logins=None,
                 session: Session | None = None, idle_seconds: float | None = None,
                 background: bool | None = None, open_db=None, **kwargs):
        super().__init__(**kwargs)
        # opens the database after the first frame (corptui.cli.tui.run_app); what it
        # raises ends the app and is kept for the caller
        self._open_db = open_db
        self.open_error: Exception | None = None
        self.db_url = db_url
        # the app runs the job queue itself while it is open (corptui.worker.EmbeddedWorker)
        self.background = background
        self.embedded_worker = None
        self.demo_logins = list(demo_logins or [])
        self.all_demo_logins = list(self.demo_logins)  # demo_logins: those that work
        self.session: Session | None = None
        self.session_info: dict = {}
        self._start_session = session
        self.idle_seconds = idle_seconds  # None: from the settings, once the app is up
        self.last_activity = time.monotonic()
        self._session_checked = 0.0
        # sections kept alive while the user is logged in (their search, filter, selection
        # and cursor survive a trip to another section); dropped at logout
        self._kept_sections: dict[str, object] = {}

    def apply_settings(self, values: dict | None = None) -> None:
        """Theme, language (and, at the next login, idle timeout) from the settings."""
        from corptui import i18n
        from corptui import settings as settings_uc

        values = values or settings_uc.ui()
        # the settings' language, else CORPTUI_LANG / LC_ALL / LANG; screens translate
        # their marked (N_) labels when they draw, so this may come after their import
        i18n.set_language(values.get("language") or None)
        if values.get("theme") in self.available_themes:
            self.theme = values["theme"]

    def known_binding_ids(self) -> set[str]:
        """Every binding id of the app, from the action registries (light data: no screen
        module is imported for it)."""
        from screens.actions import binding_ids

        return binding_ids() | {b.id for klass in type(self).__mro__
                                for b in klass.__dict__.get("BINDINGS", []) if getattr(b, "id", None)}

    def apply_keymap(self) -> list[str]:
        """The user's keymap.toml, checked against the registries when the file exists."""
        from corptui import locations
        from corptui.settings import load_keymap

        if not locations.keymap_file().exists():
            return []
        keymap, problems = load_keymap(self.known_binding_ids())
        if keymap:
            self.set_keymap(keymap)
        for problem in problems:
            self.notify(problem, title=_("Keymap"), severity="warning", markup=False)
        return problems

    def get_key_display(self, binding) -> str:
        """One key style everywhere (footer, help, palette): screens.actions.keys."""
        from screens.actions.keys import key_text

        return binding.key_display or key_text(binding.key)

    def on_mount(self) -> None:
        for theme in readable_ansi_themes():
            self.register_theme(theme)
        try:
            self.apply_settings()
        except Exception as exc:  # a broken config file: defaults, and say so
            self.notify(str(exc), title=_("Settings"), severity="warning", markup=False)
        self.apply_keymap()
        if self._start_session is not None:
            self._after_first_frame()
            self._begin(self._start_session)
            self.push_screen(self.section_screen("numbers"))
        else:
            self.push_screen(self.login_screen())
            self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        """What the login screen's first frame does not need: the database (when the app
        opens it) and the idle timeout from the settings."""
        if self._open_db is not None:
            opener, self._open_db = self._open_db, None
            try:
                opener()
            except Exception as exc:  # reported by the caller once the terminal is back
                self.open_error = exc
                self.exit(return_code=1)
                return
        self.check_demo_logins()
        if self.idle_seconds is None:
            from corptui.auth import idle_timeout_seconds

            self.idle_seconds = idle_timeout_seconds()
        self.set_interval(min(30.0, max(0.5, self.idle_seconds / 4)), self.check_session_idle)
        self.start_background_work()

    # -- background work ----------------------------------------------------------
    QUEUE_CHECK_SECONDS = 10.0

    def start_background_work(self) -> None:
        """Run the job queue in a thread of the app (documents, reports, email are made
        while the app is open, no second process); on SQLite only when no other app or
        `corptui worker` runs this database's queue. A check every few seconds tells when
        jobs wait and nothing runs them."""
        from corptui import worker

        told = self.background is not None  # a test that runs the queue by hand says so
        if not told:
            self.background = worker.embedded_enabled()
        if self.background:
            self.embedded_worker = worker.EmbeddedWorker(worker.open_database_url())
            self.embedded_worker.start()
        self._queue_warned = False
        if self.background or not told:
            self.set_interval(self.QUEUE_CHECK_SECONDS, self.check_queue)

    def stop_background_work(self) -> None:
        if self.embedded_worker is not None:
            self.embedded_worker.stop()

    def check_queue(self) -> None:
        """Jobs due and nobody to run them: say so once, with the command to start one."""
        from corptui import worker

        try:
            text = worker.unattended_text(self.embedded_worker)
        except Exception:  # a busy or lost database: the next check tells
            return
        if text and not self._queue_warned:
            self.notify(text, title=_("Background work"), severity="warning", timeout=30,
                        markup=False)
        self._queue_warned = bool(text)

    def on_unmount(self) -> None:
        self.stop_background_work()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Text fields keep a steady cursor: no repaint twice a second over a slow SSH
        link, and the same picture at any moment (snapshots under load)."""
        if getattr(event.widget, "cursor_blink", False):
            event.widget.cursor_blink = False

    # -- idle sessions ------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown,
                              events.MouseScrollUp, events.Paste)):
            self.last_activity = time.monotonic()
            if isinstance(event, (events.Key, events.MouseDown)) and not self.session_valid():
                return  # the session has ended: the key does nothing but the logout
        await super().on_event(event)

    SESSION_CHECK_SECONDS = 1.0

    def session_valid(self) -> bool:
        """Before a key or click acts: is the logged-in user still there, unblocked, with
        the role of the login? (read from the database at most once a second; every
        change checks again inside its transaction). If not, back to the login screen
        with the reason."""
        if self.session is None or self.session.user_id is None:
            return True
        now = time.monotonic()
        if now - self._session_checked < self.SESSION_CHECK_SECONDS:
            return True
        self._session_checked = now
        from corptui import permissions
        from corptui.errors import SessionEnded

        try:
            permissions.confirm(self.session)
        except SessionEnded as exc:
            self.end_session(exc.message)
            return False
        except Exception:  # a database hiccup must not log anyone out
            return True
        return True

    def end_session(self, message: str) -> None:
        """The session is over (blocked, removed, role changed): the login screen says why."""
        self.logout(reason=message, audit_reason="ended")

    def check_session_idle(self) -> None:
        if self.session is None:
            return
        if time.monotonic() - self.last_activity >= self.idle_seconds:
            self.logout(reason=_("The session ended after inactivity: log in again."))

    # -- navigation -------------------------------------------------------------
    def login_screen(self, message: str = ""):
        from screens.login import LoginScreen

        if self._open_db is None and self.all_demo_logins:  # the database is open: check again
            self.call_after_refresh(self.check_demo_logins)
        return LoginScreen(demo_logins=self.demo_logins, message=message)

    def check_demo_logins(self) -> None:
        """Offer only the demo logins that work (a password changed in the demo takes
        its login off the list): checked in a thread, the login screen updated after."""
        if not self.all_demo_logins:
            return
        self.run_worker(self._check_demo_logins, thread=True, group="demo-logins",
                        exclusive=True)

    def _check_demo_logins(self) -> None:
        from corptui.auth import working_demo_logins
        from corptui.database import close_thread_connection

        try:
            working = working_demo_logins(self.all_demo_logins)
        except Exception:  # a database hiccup: keep the list as it is
            return
        finally:
            close_thread_connection()
        self.call_from_thread(self._show_demo_logins, working)

    def _show_demo_logins(self, working: list[dict]) -> None:
        from screens.login import LoginScreen

        self.demo_logins = working
        for screen in self.screen_stack:
            if isinstance(screen, LoginScreen):
                screen.show_demo_logins(working)

    def section_screen(self, name: str):
        import importlib

        from screens.actions import available_sections

        kept = self._kept_sections.get(name)
        if kept is not None:
            kept.section_return = True  # it refreshes its data on resume
            return kept
        target = available_sections().get(name)
        if target is None:
            raise KeyError(name)
        module, cls = target.split(":")
        screen = getattr(importlib.import_module(module), cls)()
        if getattr(screen, "KEEP_ALIVE", False):
            self.install_screen(screen, name=f"section:{name}")
            self._kept_sections[name] = screen
        return screen

    def keep_long_lived(self) -> None:
        """After a big load (the numbers list of a large company): what is alive now is
        moved out of the cyclic collector's way (gc.freeze), so later full collections
        stay short and do not land in a screen switch or a keystroke. No collection now:
        it would be a pause of its own right after the list appears. Undone at logout."""
        gc.freeze()

    def drop_kept_sections(self) -> None:
        """Forget the kept section screens (logout): the next user starts afresh."""
        gc.unfreeze()  # the old session's objects can be collected again
        kept, self._kept_sections = self._kept_sections, {}
        for screen in kept.values():
            self.uninstall_screen(screen)
            if screen.is_attached and screen not in self.screen_stack:
                screen.remove()

    def _begin(self, session: Session) -> None:
        from corptui.companies import session_header

        self.session = session
        self.session_info = session_header(session)
        self.last_activity = time.monotonic()

    def start_section(self) -> str:
        """Where a login lands: the overview, or the numbers console (Settings)."""
        from corptui import settings as settings_uc

        try:
            return settings_uc.ui()["start"]
        except CorptuiError:  # a broken config file: the default
            return settings_uc.DEFAULT_UI["start"]

    def login(self, session: Session) -> None:
        """After a successful login: a temporary password must be changed first."""
        self._begin(session)
        if session.extra.get("must_change_password"):
            from screens.change_password import ChangePasswordScreen

            self.switch_screen(ChangePasswordScreen(forced=True))
        else:
            self.switch_screen(self.section_screen(self.start_section()))

    def password_changed(self, session: Session) -> None:
        self.session = session
        self.switch_screen(self.section_screen(self.start_section()))

    def open_section(self, name: str) -> None:
        if self.session is None:
            return
        if self.session.extra.get("must_change_password"):
            self.notify(_("Change the temporary password first."), severity="warning")
            return
        while len(self.screen_stack) > 2:  # close dialogs
            self.pop_screen()
        if getattr(self.screen, "SECTION", None) == name:
            return
        self.switch_screen(self.section_screen(name))

    def action_open_section(self, name: str) -> None:
        self.open_section(name)

    def action_logout(self) -> None:
        self.logout()

    def action_help(self) -> None:
        from screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_goto(self) -> None:
        if self.session is None:
            return
        from screens.sections import SectionMenu

        if not isinstance(self.screen, SectionMenu):
            self.push_screen(SectionMenu(), lambda name: name and self.open_section(name))

    def action_change_password(self) -> None:
        if self.session is None:
            return
        from screens.change_password import ChangePasswordScreen

        self.push_screen(ChangePasswordScreen(forced=False))

    def logout(self, reason: str = "", audit_reason: str = "") -> None:
        if self.session is not None:
            from corptui.auth import logout as record_logout

            try:
                record_logout(self.session,
                              reason=audit_reason or ("idle" if reason else "key"))
            except Exception:  # the audit entry must not keep the user logged in
                pass
        self.session = None
        self.session_info = {}
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(self.login_screen(message=reason))
        self.drop_kept_sections()  # after the switch: the old top is removed with it

    def _screen_commands(self, screen):
        """The screen's own actions from its registry, named as in its footer and help;
        what the role may not do is marked (running it says why)."""
        from screens.actions import APP
        from screens.widgets.registered import bound_keys, role_of

        registry = getattr(screen, "ACTIONS", None)
        if registry is None or registry is APP:
            return
        keys = {bid: shown[0] for bid, shown in bound_keys(self, screen).items()}
        role = role_of(self)
        title = _(registry.title)
        for a in registry.actions:
            if not a.palette or a.section:
                continue
            bid = registry.binding_id(a)
            help_text = _("key {key}").format(key=keys[bid]) if bid in keys else ""
            mark = a.mark(role)
            if mark:
                help_text = f"{help_text} · {mark}" if help_text else mark
            text = a.text()
            yield SystemCommand(_("{screen}: {action}").format(
                                    screen=title, action=text[:1].upper() + text[1:]),
                                help_text, lambda t=registry.target(a), n=screen: self.call_later(
                                    self.run_action, t, n))

    def get_system_commands(self, screen):
        yield from super().get_system_commands(screen)
        if self.session is None:
            return
        yield from self._screen_commands(screen)
        if hasattr(screen, "extra_palette_commands"):
            yield from screen.extra_palette_commands()
        from screens.actions.app import app_actions

        for a in app_actions():
            if a.section:
                yield SystemCommand(_(a.label), _(a.description),
                                    lambda s=a.section: self.open_section(s))
            else:
                yield SystemCommand(_(a.label), _(a.description),
                                    getattr(self, f"action_{a.id}"))

    # -- errors -------------------------------------------------------------------
    def show_error(self, exc: Exception) -> None:
        """Typed errors get their message; anything else a short generic line."""
        from corptui.errors import SessionEnded

        if isinstance(exc, SessionEnded):
            self.end_session(exc.message)
        elif isinstance(exc, CorptuiError):
            self.notify(exc.message, title=_(exc.title), severity="error", markup=False)
        else:
            text = f"{type(exc).__name__}: {exc}"  # may hold user text: never markup
            self.notify(text, title=_("Unexpected error"), severity="error", markup=False)


class KioskApp(CorptuiApp):
    """`corptui kiosk`: a welcome screen, a demo login in one key, no way out to the shell
    without the staff PIN, and a reset to the pristine demo after idle minutes and at
    every logout."""

    BINDINGS = [
        Binding("ctrl+q", "quit", N_("Quit"), priority=True, show=False),
        Binding("ctrl+c", "quit", "Quit", priority=True, show=False),
        Binding("f1", "help", N_("Help"), show=False),
    ]

    def __init__(self, pristine, working, *, idle_seconds: float, **kwargs):
        from corptui import demo

        super().__init__(f"sqlite:///{working}", demo_logins=demo.DEMO_LOGINS,
                         idle_seconds=idle_seconds, **kwargs)
        self.pristine = pristine
        self.working = working
        self.resets = 0

    def on_mount(self) -> None:
        self.set_interval(min(30.0, max(0.2, self.idle_seconds / 4)), self.check_session_idle)
        self.start_background_work()
        self.push_screen(self.login_screen())

    def login_screen(self, message: str = ""):
        from screens.kiosk import WelcomeScreen

        return WelcomeScreen()

    def try_it(self) -> None:
        from corptui import auth, demo

        owner = next(lg for lg in demo.DEMO_LOGINS if lg["role"] == "owner")
        self.login(auth.login(owner["phone"], owner["password"], source="kiosk"))

    def check_session_idle(self) -> None:
        if self.session is not None:
            super().check_session_idle()

    def logout(self, reason: str = "", audit_reason: str = "") -> None:
        super().logout(reason, audit_reason)
        self.reset_demo()

    def reset_demo(self) -> None:
        """Back to the pristine demo database: nothing a visitor did persists."""
        from corptui import kiosk
        from corptui.database import close_database, open_database

        self.stop_background_work()
        close_database()
        if kiosk.pristine_path() != self.pristine:  # a new day: the demo is about today
            self.pristine, self.working = kiosk.prepare()
        open_database(kiosk.reset(self.pristine, self.working))
        self.resets += 1
        if self.embedded_worker is not None:
            self.embedded_worker.start()

    async def action_quit(self) -> None:
        from screens.kiosk import PinDialog

        if isinstance(self.screen, PinDialog):
            return

        def done(ok) -> None:
            if ok:
                self.exit()

        self.push_screen(PinDialog(), done)
