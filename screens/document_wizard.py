"""The document wizards (the seed's step-by-step flows), one modal screen per order.

Reporting documents: accounts -> period and copies -> type and format -> review ->
notification (email, SMS, password) -> Finish. Reconciliation act: account -> numbers
(all or a list) -> period -> notification -> Finish. Next checks the step with
corptui.documents.validate (the same rules as the order) and keeps the user on the step
with the message under the field; Finish orders the document and dismisses with it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, RadioButton, RadioSet, Static

from corptui import documents as documents_uc
from corptui import payments as payments_uc
from corptui import scope
from corptui.errors import CorptuiError, ValidationError
from corptui.i18n import N_, _
from corptui.periods import last_month
from screens.actions.documents import WIZARD
from screens.money_dialogs import today_of
from screens.widgets.check_list import CheckList
from screens.widgets.form import Field, show_errors
from screens.widgets.radio_list import MarkedRadioButton
from screens.widgets.registered import Registered
from screens.widgets.safe import plain, safe_text

REPORT_TYPES = [t for t in documents_uc.TYPE_NAMES if t != "reconciliation"]
LANGS = (("ru", "Русский"), ("en", "English"))  # each language named in itself
# which step holds each validated field
REPORT_STEPS = ["accounts", "period", "kind", "review", "notify"]
ACT_STEPS = ["account", "numbers", "period", "notify"]
FIELD_STEP = {
    "report": {"accounts": "accounts", "numbers": "accounts", "date_from": "period",
               "date_to": "period", "copies": "period", "type": "kind", "format": "kind",
               "language": "kind",
               "email": "notify", "sms": "notify", "password": "notify"},
    "act": {"accounts": "account", "numbers": "numbers", "date_from": "period",
            "date_to": "period", "format": "notify", "email": "notify", "sms": "notify",
            "password": "notify", "copies": "period", "type": "account",
            "language": "notify"},
}
STEP_TITLES = {"accounts": N_("Personal accounts"), "account": N_("Personal account"),
               "numbers": N_("Numbers"), "period": N_("Period"),
               "kind": N_("Document type and format"), "review": N_("Review"),
               "notify": N_("Notification")}


class DocumentWizard(Registered, ModalScreen):
    """``mode`` "report" (reporting documents) or "act" (reconciliation act)."""

    ACTIONS = WIZARD
    DEFAULT_CSS = """
    DocumentWizard { align: center middle; }
    #wizard-box { width: 78; height: 22; border: round $primary; background: $surface; padding: 0 1; }
    #wizard-title { height: 1; text-style: bold; }
    .step { height: 1fr; }
    .step CheckList { height: 1fr; }
    .step RadioSet { height: auto; width: 1fr; }
    #kind-row { height: auto; }
    #format-language { height: auto; width: 1fr; }
    #review-text { height: 1fr; }
    .hint { color: $text-muted; height: auto; }
    .step-error { color: $error; text-style: bold; height: auto; }
    #wizard-buttons { height: 3; align: center middle; }
    #wizard-buttons Button { margin: 0 1; min-width: 10; }
    """

    def __init__(self, mode: str = "report", accounts=()):
        super().__init__()
        self.mode = mode
        self.initial_accounts = tuple(accounts)  # account numbers chosen beforehand
        self.steps = REPORT_STEPS if mode == "report" else ACT_STEPS
        self.index = 0
        self.accounts: list[dict] = []
        self.types = list(REPORT_TYPES)
        self.langs = list(LANGS)

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        try:
            self.accounts = payments_uc.accounts_of(self.app.session)
            self.types = documents_uc.report_types(self.app.session)
        except CorptuiError:
            self.accounts = []
        lo, hi = last_month(today_of(self.app))
        with Vertical(id="wizard-box"):
            yield Static("", id="wizard-title")
            if self.mode == "report":
                with Vertical(id="step-accounts", classes="step"):
                    yield Static(Content(_("Choose the accounts (space ticks; tab to Next):")),
                                 classes="hint")
                    yield CheckList([(a["number"], safe_text(f"{a['number']}  {a['name']}"))
                                     for a in self.accounts], self.initial_accounts,
                                    title=_("Account"), id="accounts")
                    yield Static("", id="error-accounts", classes="step-error")
            else:
                with Vertical(id="step-account", classes="step"):
                    yield Static(Content(_("Choose the personal account:")), classes="hint")
                    with RadioSet(id="account"):
                        first = next((i for i, a in enumerate(self.accounts)
                                      if a["number"] in self.initial_accounts), 0)
                        for i, a in enumerate(self.accounts):
                            yield MarkedRadioButton(self._acc_label(a), value=i == first)
                    yield Static("", id="error-accounts", classes="step-error")
                with Vertical(id="step-numbers", classes="step"):
                    with RadioSet(id="numbers-mode"):
                        yield MarkedRadioButton(_("All numbers of the account"), value=True, id="all")
                        yield MarkedRadioButton(_("Only these numbers"), id="some")
                    yield Field(_("Numbers"), "numbers", placeholder="+7 912 000-11-22, ...")
                    yield Static(Content(_("Numbers separated by commas.")),
                                 classes="hint")
            with Vertical(id="step-period", classes="step"):
                yield Field(_("From"), "date_from", value=lo.isoformat(), placeholder=_("YYYY-MM-DD"))
                yield Field(_("To"), "date_to", value=hi.isoformat(), placeholder=_("YYYY-MM-DD"))
                if self.mode == "report":
                    yield Field(_("Copies"), "copies", value="1")
                yield Static(Content(_("Dates as YYYY-MM-DD or DD.MM.YYYY; up to today.")),
                             classes="hint")
            if self.mode == "report":
                with Vertical(id="step-kind", classes="step"):
                    with Horizontal(id="kind-row"):
                        with RadioSet(id="type"):
                            for i, t in enumerate(self.types):
                                label = _(documents_uc.TYPE_LABELS[documents_uc.type_of(t)])
                                yield MarkedRadioButton(label, value=i == 0)
                        with Vertical(id="format-language"):
                            with RadioSet(id="format"):
                                for i, f in enumerate(("pdf", "xlsx", "csv")):
                                    yield MarkedRadioButton(f.upper(), value=i == 0)
                            yield from self._languages()
                    yield Static("", id="error-kind", classes="step-error")
                with Vertical(id="step-review", classes="step"):
                    yield Static("", id="review-text")
            with Vertical(id="step-notify", classes="step"):
                yield Static(Content(_("When the document is ready (both optional):")),
                             classes="hint")
                yield Field(_("Email"), "email", placeholder=_("name@example.ru"))
                yield Field(_("SMS"), "sms", placeholder="+7 912 000-11-22")
                yield Field(_("Password"), "password", password=True,
                            placeholder=_("optional: protect the file"))
                if self.mode == "act":
                    yield Static(Content(_("Format and language of the act:")), classes="hint")
                    with Horizontal(id="kind-row"):
                        with RadioSet(id="format"):
                            yield MarkedRadioButton(_("PDF"), value=True)
                            yield MarkedRadioButton(_("XLSX"))
                        yield from self._languages()
                    yield Static("", id="error-kind", classes="step-error")
            with Horizontal(id="wizard-buttons"):
                yield Button(_("Back"), id="back")
                yield Button(_("Next"), variant="primary", id="next")
                yield Button(_("Cancel"), id="cancel")

    def _languages(self):
        """The document's language: the user's own first, and chosen (a RadioSet's
        keyboard highlight starts on its first button)."""
        from corptui.i18n import language

        self.langs = sorted(LANGS, key=lambda item: item[0] != language())
        with RadioSet(id="language"):
            for i, (_code, name) in enumerate(self.langs):
                yield MarkedRadioButton(name, value=i == 0)

    @staticmethod
    def _acc_label(a: dict) -> Content:
        return plain(f"{a['number']}  {a['name']}")

    def on_mount(self) -> None:
        for e in self.query(".step-error"):
            e.display = False
        for rs in self.query(RadioSet):
            self.mark(rs)
        self.show_step(0)

    def mark(self, rs: RadioSet) -> None:
        """A text marker for the chosen button: readable without colour."""
        for b in rs.query(RadioButton):
            base = getattr(b, "base_label", None)
            if base is None:
                base = b.base_label = str(b.label)
            b.label = Content(("(*) " if b.value else "( ) ") + base)

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self.mark(event.radio_set)

    def show_step(self, index: int) -> None:
        self.index = index
        name = self.steps[index]
        for step in self.steps:
            self.query_one(f"#step-{step}").display = step == name
        title = _("Reporting documents") if self.mode == "report" else _("Reconciliation act")
        self.query_one("#wizard-title", Static).update(
            Content(_("{title} · step {step} of {n_steps}: {step_title}").format(
                title=title, step=index + 1, n_steps=len(self.steps),
                step_title=_(STEP_TITLES[name]))))
        self.query_one("#back", Button).disabled = index == 0
        self.query_one("#next", Button).label = _("Finish") if index == len(self.steps) - 1 else _("Next")
        if name == "review":
            self.query_one("#review-text", Static).update(plain(self.review_text(), True))
        focus = {"accounts": "#accounts", "account": "#account", "numbers": "#numbers-mode",
                 "period": "#date_from", "kind": "#type", "review": "#next",
                 "notify": "#email"}[name]
        self.query_one(focus).focus()

    # -- values ---------------------------------------------------------------------------
    def _radio_index(self, rid: str) -> int:
        buttons = list(self.query_one(f"#{rid}", RadioSet).query(RadioButton))
        return next((i for i, b in enumerate(buttons) if b.value), 0)

    def values(self) -> dict:
        def val(name):
            return self.query_one(f"#field-{name}", Field).value

        if self.mode == "report":
            accounts = list(self.query_one("#accounts", CheckList).values)
            numbers: list[str] = []
            doc_type = self.types[self._radio_index("type")]
            fmt = ("pdf", "xlsx", "csv")[self._radio_index("format")]
            copies = val("copies")
        else:
            accounts = ([self.accounts[self._radio_index("account")]["number"]]
                        if self.accounts else [])
            some = self._radio_index("numbers-mode") == 1
            text = val("numbers") if some else ""
            numbers = [entry.text for entry in scope.entries(text)]
            if some and not numbers:
                numbers = [_("(none)")]
            doc_type = "reconciliation"
            fmt = ("pdf", "xlsx")[self._radio_index("format")]
            copies = 1
        return {"type": doc_type, "accounts": accounts, "numbers": numbers,
                "date_from": val("date_from"), "date_to": val("date_to"), "fmt": fmt,
                "copies": copies, "notify_email": val("email") or None,
                "notify_sms": val("sms") or None, "password": val("password") or None,
                "today": today_of(self.app),
                "language": self.langs[self._radio_index("language")][0]}

    def review_text(self) -> str:
        v = self.values()
        label = _(documents_uc.TYPE_LABELS[documents_uc.type_of(v["type"])])
        lines = [_("Document:  {document}").format(document=label),
                 _("Format:    {format}").format(format=v['fmt'].upper()),
                 _("Language:  {language}").format(language=dict(LANGS)[v["language"]]),
                 _("Accounts:  {accounts}").format(accounts=', '.join(v['accounts']) or '-'),
                 _("Period:    {start} - {end}").format(start=v['date_from'], end=v['date_to']),
                 _("Copies:    {copies}").format(copies=v['copies']), "",
                 _("Next: who to notify when it is ready; Finish orders it."),
                 _("The document is prepared in the background: you may leave.")]
        return "\n".join(safe_text(line) for line in lines)

    # -- navigation -------------------------------------------------------------------------
    def step_errors(self, step: str) -> dict[str, str]:
        errors = documents_uc.validate(self.app.session, **self.values())
        mapping = FIELD_STEP[self.mode]
        return {k: v for k, v in errors.items() if mapping.get(k) == step}

    def show_step_errors(self, errors: dict[str, str]) -> None:
        show_errors(self, {k: v for k, v in errors.items()
                           if k in ("date_from", "date_to", "copies", "email", "sms",
                                    "password", "numbers")})
        for sid, keys in (("#error-accounts", ("accounts",)),
                          ("#error-kind", ("type", "format"))):
            for w in self.query(sid):
                msg = next((errors[k] for k in keys if k in errors), "")
                w.update(plain(("x " + msg) if msg else ""))
                w.display = bool(msg)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "next":
            self.action_next()
        elif event.button.id == "back":
            self.action_back()
        else:
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_next()

    def action_next(self) -> None:
        step = self.steps[self.index]
        if step != "review":
            try:
                errors = self.step_errors(step)
            except CorptuiError as exc:
                self.app.show_error(exc)
                return
            self.show_step_errors(errors)
            if errors:
                return
        if self.index == len(self.steps) - 1:
            self.action_finish()
        else:
            self.show_step(self.index + 1)

    def action_back(self) -> None:
        if self.index > 0:
            self.show_step(self.index - 1)

    def action_finish(self) -> None:
        try:
            doc = documents_uc.order(self.app.session.with_source("tui documents"),
                                     **self.values())
        except ValidationError as exc:
            errors = exc.errors or {exc.field: exc.message}
            step = FIELD_STEP[self.mode].get(next(iter(errors)), self.steps[self.index])
            if step in self.steps:
                self.show_step(self.steps.index(step))
            self.show_step_errors(errors)
            return
        except CorptuiError as exc:
            self.app.show_error(exc)
            return
        self.dismiss(doc.id)

    def action_cancel(self) -> None:
        self.dismiss(None)

