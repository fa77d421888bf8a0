"""Settings: theme, idle timeout and language for this workstation (every role); the SMTP
server and SMS gateway (owner only). Saved to config.toml in the user config folder."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.lazy import Lazy
from textual.widgets import Button, Input, Static

from corptui import permissions
from corptui import settings as settings_uc
from corptui.errors import CorptuiError, ValidationError
from corptui.i18n import N_, _
from screens.base import AppScreen
from screens.widgets.form import Field, show_errors
from screens.widgets.radio_list import RadioList
from screens.widgets.safe import plain

THEME_LABELS = {"textual-dark": N_("dark"), "textual-light": N_("light"),
                "ansi-dark": N_("terminal colours (dark)"),
                "ansi-light": N_("terminal colours (light)")}
# each language by its own name; only "from the environment" is translated
LANGUAGE_LABELS = {"": N_("from LANG / LC_ALL"), "en": "English", "ru": "Русский"}
START_LABELS = {"overview": N_("the overview (what to look at)"),
                "numbers": N_("the numbers console")}


class SettingsScreen(AppScreen):
    SECTION = "settings"
    TITLE = N_("Settings")
    DEFAULT_CSS = """
    #settings { padding: 0 1; }
    #settings Horizontal { height: auto; }
    #delivery { height: auto; }
    #settings Horizontal Label { width: 18; padding-top: 1; }
    #settings RadioList { width: 58; margin-top: 1; }
    #settings #language-start RadioList { width: 38; }
    .settings-title { text-style: bold; margin-top: 1; }
    .settings-message { height: auto; text-style: bold; }
    .settings-buttons { height: 3; }
    """

    def compose_body(self) -> ComposeResult:
        current = settings_uc.ui()
        owner = permissions.allowed(self.app.session.role, "settings.manage")
        with VerticalScroll(id="settings"):
            yield Static(_("This workstation"), classes="settings-title", markup=False)
            yield RadioList([(t, _(THEME_LABELS[t])) for t in settings_uc.THEMES],
                            current["theme"], _("Theme"), id="theme")
            yield Field(_("Idle minutes"), "idle_minutes", value=str(current["idle_minutes"]),
                        max_length=4)
            with Horizontal(id="language-start"):  # side by side: Save stays in 80x24
                yield RadioList([(k, _(LANGUAGE_LABELS[k])) for k in ("", "en", "ru")],
                                current["language"] or "", _("Language"), id="language")
                yield RadioList([(k, _(START_LABELS[k])) for k in settings_uc.START_SCREENS],
                                current["start"], _("After login"), id="start")
            yield Static("", classes="settings-message", id="ui-message")
            with Horizontal(classes="settings-buttons"):
                yield Button(_("Save"), variant="primary", id="save-ui")
            yield Static(_("Exports (a file name without a folder goes here)"),
                         classes="settings-title", markup=False)
            yield Field(_("Exports folder"), "exports", value=str(settings_uc.exports_dir()),
                        max_length=1000)
            yield Static("", classes="settings-message", id="exports-message")
            with Horizontal(classes="settings-buttons"):
                yield Button(_("Save folder"), id="save-exports")
            # below the fold at 80x24: mounted right after the first paint (textual.lazy)
            with Lazy(Vertical(id="delivery", disabled=not owner)):
                yield Static(_("Email and SMS delivery") if owner else
                             _("Email and SMS delivery (owner only)"),
                             classes="settings-title", markup=False)
                gw = settings_uc.gateways()
                yield Field(_("SMTP URL"), "smtp_url", value=gw["smtp_url"], password=True,
                            placeholder=_("smtp://user:pass@host:587?starttls=1"), max_length=300)
                yield Field(_("Sender"), "mail_from", value=gw["mail_from"], max_length=200)
                yield Field(_("SMS gateway"), "sms_url", value=gw["sms_url"],
                            placeholder=_("https://sms.example.com/send (empty: outbox)"),
                            max_length=300)
                yield Static("", classes="settings-message", id="gw-message")
                with Horizontal(classes="settings-buttons"):
                    yield Button(_("Save delivery"), id="save-gw", disabled=not owner)

    def on_mount(self) -> None:
        self.query_one("#theme").focus()

    def on_radio_list_changed(self, event: RadioList.Changed) -> None:
        if event.radio_list.id == "theme" and event.value in settings_uc.THEMES:
            self.app.theme = event.value  # preview at once; Save remembers it

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save-ui":
            self.save_ui()
        elif event.button.id == "save-gw":
            self.save_gateways()
        elif event.button.id == "save-exports":
            self.save_exports()

    def save_exports(self) -> None:
        message = self.query_one("#exports-message", Static)
        try:
            folder = settings_uc.save_exports_dir(self.app.session, self._fields()["exports"])
        except ValidationError as exc:
            show_errors(self, {"exports": exc.message})
            return
        except CorptuiError as exc:
            message.update(plain("x " + exc.message))
            return
        show_errors(self, {})
        self.query_one("#exports", Input).value = str(folder)
        message.update(plain(_("Saved: exports go to {folder}.").format(
            folder=settings_uc.shown_path(folder))))

    def _fields(self) -> dict:
        return {f.field_name: f.value for f in self.query(Field)}

    def save_ui(self) -> None:
        message = self.query_one("#ui-message", Static)
        try:
            saved = settings_uc.save_ui(self.app.session, self.query_one("#theme", RadioList).value,
                                        self._fields()["idle_minutes"],
                                        self.query_one("#language", RadioList).value,
                                        self.query_one("#start", RadioList).value)
        except ValidationError as exc:
            show_errors(self, exc.errors or {exc.field: exc.message})
            message.update(plain("x " + exc.message))
            return
        except CorptuiError as exc:
            message.update(plain("x " + exc.message))
            return
        show_errors(self, {})
        self.app.apply_settings(saved)
        message.update(Content(_("Saved. The idle timeout and language apply from the next login.")))

    def save_gateways(self) -> None:
        values = self._fields()
        message = self.query_one("#gw-message", Static)
        try:
            settings_uc.save_gateways(self.app.session, values["smtp_url"], values["mail_from"],
                                      values["sms_url"])
        except ValidationError as exc:
            show_errors(self, exc.errors or {exc.field: exc.message})
            return
        except CorptuiError as exc:
            message.update(plain("x " + exc.message))
            return
        show_errors(self, {})
        message.update(Content(_("Saved.")))
