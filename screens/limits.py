"""Communication limits dialog: monthly spending limit, data and roaming bans, the
notification threshold; for one number (its current values) or a selection (fields left
empty / "keep" stay as they are on each number), with a preview of what changes. A
selection's change runs in a thread worker with a WorkProgress (counts, Cancel, esc); a
cancel rolls the whole change back."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Label, Select, Static

from corptui import limits, permissions
from corptui.errors import CorptuiError, ValidationError
from corptui.i18n import N_, _, money, ngettext, number
from corptui.phones import format_msisdn
from screens.actions.services import LIMITS
from screens.widgets.bulk_work import BulkForm
from screens.widgets.dialogs import NumbersDialog
from screens.widgets.form import Field, show_errors
from screens.widgets.safe import plain, safe_text
from screens.widgets.work_progress import WorkProgress

KEEP, ON, OFF = "keep", "on", "off"


def _amount_text(value) -> str:
    """The limit as the field shows it (and reads back): "1,500.00" / "1 500,00"."""
    return "" if value is None else money(value, symbol=False)


class LimitsDialog(BulkForm, NumbersDialog):
    """Dismisses with True when something changed."""

    ACTIONS = LIMITS

    MESSAGE_ID = "limits-message"
    FORM_FIELDS = ("#amount", "#notify_percent", "#data-ban", "#roaming-ban", "#save")
    FORM_FOCUS = "#amount"
    PROGRESS = "#limits-progress"
    NOTICE_TITLE = N_("Limits")
    DEFAULT_CSS = """
    LimitsDialog { align: center middle; }
    #limits-box { width: 72; height: auto; max-height: 100%; border: round $primary;
                  background: $surface; padding: 0 1; }
    #limits-box .limits-row { height: auto; }
    #limits-box .limits-row Label { width: 18; padding-top: 1; }
    #limits-box .limits-row Select { width: 1fr; }
    #limits-message { height: auto; text-style: bold; }
    #limits-progress { height: 2; }
    #limits-buttons { height: 3; align: center middle; }
    #limits-buttons Button { margin: 0 1; }
    """

    def compose(self) -> ComposeResult:
        session = self.app.session
        self.can_edit = permissions.allowed(session.role, limits.ACTION)
        if self.single:
            from corptui.numbers import get_subscriber

            sub = get_subscriber(session, self.ids[0])
            cur = limits.get_limits(session, self.ids[0])
            title = _("Limits of {number}").format(number=format_msisdn(sub.msisdn))
            self.current_limit = cur["spending_limit"]
            amount = _amount_text(cur["spending_limit"])
            spend = limits.spend_line(limits.limit_spend(session, self.ids)[self.ids[0]])
            percent = "" if cur["limit_notify_percent"] is None else str(
                cur["limit_notify_percent"])
            data = ON if cur["data_ban"] else OFF
            roaming = ON if cur["roaming_ban"] else OFF
            amount_hint = _("no limit yet")
            percent_hint = _("empty: {percent}").format(percent=limits.DEFAULT_NOTIFY_PERCENT)
        else:
            title = ngettext("Limits for {n} selected number (empty fields and "
                             "'keep' leave each number as it is)",
                             "Limits for {n} selected numbers (empty fields and "
                             "'keep' leave each number as it is)",
                             len(self.ids)).format(n=number(len(self.ids)))
            self.current_limit = None
            amount = percent = spend = ""
            data = roaming = KEEP
            amount_hint = percent_hint = _("empty: keep as is")
        ban_choices = [(Text(_("banned")), ON), (Text(_("allowed")), OFF)]
        if not self.single:
            ban_choices.insert(0, (Text(_("keep as is")), KEEP))
        with Vertical(id="limits-box"):
            yield Static(plain(title))
            if spend:
                yield Static(plain(_("Spent: {spend}").format(spend=spend)), id="limits-spend")
            yield Field(_("Limit a month, ₽"), "amount", value=amount, placeholder=amount_hint,
                        max_length=20)
            yield Field(_("Notify at, %"), "notify_percent", value=percent,
                        placeholder=percent_hint, max_length=5)
            with Horizontal(classes="limits-row"):
                yield Label(_("Mobile data"))
                yield Select(ban_choices, value=data, allow_blank=False, id="data-ban")
            with Horizontal(classes="limits-row"):
                yield Label(_("Roaming"))
                yield Select(ban_choices, value=roaming, allow_blank=False, id="roaming-ban")
            yield Static("" if self.can_edit else
                         Content(_("Read only: the {role} role cannot change limits.").format(role=permissions.role_label(session.role))),
                         id="limits-message")
            yield WorkProgress(id="limits-progress")
            with Horizontal(id="limits-buttons"):
                yield Button(_("Save"), variant="primary", id="save", disabled=not self.can_edit)
                yield Button(_("Remove the limit"), id="remove-limit",
                             disabled=not self.can_edit)
                yield Button(_("Close"), id="close")

    def on_mount(self) -> None:
        self.query_one("#limits-progress", WorkProgress).finish()
        self.query_one("#remove-limit").display = (not self.single
                                                   or self.current_limit is not None)
        if self.can_edit:
            self.query_one("#amount").focus()
        else:
            self.query_one("#close", Button).focus()

    def _changes(self) -> dict:
        amount = self.query_one("#amount").value
        percent = self.query_one("#notify_percent").value
        out: dict = {}
        # an empty field keeps the limit (a selection) or is an error (a number that has
        # one): removing a limit is the "Remove the limit" button, never an empty field
        if amount.strip() or (self.single and self.current_limit is not None):
            out["amount"] = amount
        if self.single or percent.strip():
            out["notify_percent"] = percent
        for key, widget in (("data_ban", "#data-ban"), ("roaming_ban", "#roaming-ban")):
            value = self.query_one(widget, Select).value
            if value != KEEP:
                out[key] = value == ON
        return out

    def _field_errors(self, exc: ValidationError) -> None:
        show_errors(self, exc.errors or {exc.field: exc.message})
        self._message("" if set(exc.errors or {exc.field}) <= {"amount", "notify_percent"}
                      else "x " + exc.message)

    def _preview(self) -> None:
        changes = self._changes()
        if not changes:
            self._message(_("Fill a field or choose banned / allowed."))
            return
        try:
            p = limits.preview(self.app.session, self.ids, **changes)
        except CorptuiError:
            return
        self._message(_("Preview: {changed} of {numbers} numbers change.").format(changed=number(p['changed']), numbers=number(p['numbers'])))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        elif event.button.id == "remove-limit":
            self.action_remove_limit()
        else:
            self.action_close()

    def action_remove_limit(self) -> None:
        """Remove the spending limit (of the number, or of every selected number), after
        a question: its own action, so no empty field ever removes a limit."""
        if not self.can_edit or self.busy:
            return
        from screens.widgets.dialogs import ConfirmDialog

        question = (_("Remove the spending limit of this number?") if self.single else
                    ngettext("Remove the spending limit of {n} selected number?",
                             "Remove the spending limit of {n} selected numbers?",
                             len(self.ids)).format(n=number(len(self.ids))))

        def answered(yes) -> None:
            if yes:
                self._run({"amount": None})

        self.app.push_screen(ConfirmDialog(question), answered)

    def action_save(self) -> None:
        if not self.can_edit or self.busy:
            return
        changes = self._changes()
        if not changes:
            self._message(_("Nothing to change: fill a field or choose banned / allowed."))
            return
        try:  # field errors next to the fields before any work starts
            limits.clean_changes(**changes)
        except ValidationError as exc:
            self._field_errors(exc)
            return
        self._run(changes)

    def _run(self, changes: dict) -> None:
        if self.single:
            try:
                result = limits.set_limits(self.app.session, self.ids, **changes)
            except ValidationError as exc:
                self._field_errors(exc)
                return
            except CorptuiError as exc:
                self._message("x " + exc.message)
                return
            self._saved(result)
            return
        show_errors(self, {})
        session = self.app.session
        self.start_form_bulk(
            N_("Changed {done} of {total} numbers"),
            lambda progress, cancelled: limits.set_limits(
                session, self.ids, progress=progress, cancelled=cancelled, **changes),
            self._saved)

    def _saved(self, result: dict) -> None:
        show_errors(self, {})
        self.changed = self.changed or result["changed"] > 0
        text = (ngettext("Saved: {changed} of {n} number changed.",
                         "Saved: {changed} of {n} numbers changed.", result["numbers"]).format(
                    changed=number(result["changed"]), n=number(result["numbers"]))
                if not self.single else
                (_("Saved.") if result["changed"] else _("Nothing changed.")))
        if self.single:  # the fields show what the number has now
            session = self.app.session
            self.current_limit = limits.get_limits(session, self.ids[0])["spending_limit"]
            self.query_one("#amount").value = _amount_text(self.current_limit)
            spend = limits.spend_line(limits.limit_spend(session, self.ids)[self.ids[0]])
            for widget in self.query("#limits-spend"):
                widget.update(plain(_("Spent: {spend}").format(spend=spend)))
            for widget in self.query("#remove-limit"):
                widget.display = self.current_limit is not None
        self._message(text)
        self.app.notify(safe_text(text), title=_("Limits"), markup=False)
