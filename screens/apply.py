"""Apply for access (the seed article's application): company, INN, the director's name,
the numbers to link, contact phone and email. A reference number is shown on success."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Static

from corptui import applications
from corptui.errors import CorptuiError, ValidationError
from corptui.i18n import N_, _
from screens.actions.access import APPLY
from screens.widgets.form import Field, show_errors
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.registered import Registered
from screens.widgets.safe import plain

FIELDS = [
    (N_("Company name"), "company_name", False),
    (N_("INN"), "inn", False),
    (N_("Last name"), "last_name", False),
    (N_("First name"), "first_name", False),
    (N_("Patronymic"), "patronymic", False),
    (N_("Numbers to link"), "numbers", True),
    (N_("Contact phone"), "contact_phone", False),
    (N_("Contact email"), "contact_email", False),
]


class ApplyScreen(Registered, Screen):
    ACTIONS = APPLY
    DEFAULT_CSS = """
    #apply-form { width: 100%; height: 1fr; padding: 0 1; }
    #apply-intro { height: auto; }
    #apply-message { height: auto; text-style: bold; }
    #apply-buttons { height: 3; align: center middle; }
    #apply-buttons Button { margin: 0 1; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="apply-form"):
            yield Static(_("Apply for access to the corporate account. The operator checks the "
                         "application and sends the login and a temporary password by SMS and "
                         "email. Numbers: one per line or a pasted list."), id="apply-intro",
                         markup=False)
            for label, name, multi in FIELDS:
                yield Field(_(label), name, multiline=multi,
                            max_length=0 if multi else 300,
                            placeholder=_("10 or 12 digits") if name == "inn" else "")
            yield Static("", id="apply-message")
            with Horizontal(id="apply-buttons"):
                yield Button(_("Submit"), variant="primary", id="submit")
                yield Button(_("Back"), id="back")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#company_name").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "submit":
            self.action_submit()
        else:
            self.action_back()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_submit(self) -> None:
        values = {f.field_name: f.value for f in self.query(Field)}
        message = self.query_one("#apply-message", Static)
        try:
            result = applications.submit(**values)
        except ValidationError as exc:
            show_errors(self, exc.errors or {exc.field: exc.message})
            message.update(plain(_("Please correct {v1} field(s) marked with x.").format(v1=len(exc.errors) or 1)))
            return
        except CorptuiError as exc:
            message.update(plain(exc.message))
            return
        show_errors(self, {})
        text = (_("This application was sent already: {reference}, waiting for the operator. The login will come by SMS and email.")
                if result.get("existing") else
                _("Application {reference} is saved ({numbers} numbers). Keep the reference: the operator will send the login by SMS and email."))
        message.update(plain(text.format(reference=result['reference'],
                                         numbers=result['numbers'])))
        self.query_one("#submit", Button).disabled = True
