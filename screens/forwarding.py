"""Call forwarding dialog: for one number its rules (pick one to edit it) and a form to
set or delete the rule of a condition; for a selection the same form sets (or deletes)
that rule on every number at once, with a preview of what changes. A selection's set or
delete runs in a thread worker with a WorkProgress (counts, Cancel, esc); a cancel rolls
the whole change back."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from corptui import forwarding, permissions
from corptui.errors import CorptuiError, ValidationError
from corptui.i18n import N_, _, ngettext, number
from corptui.phones import format_msisdn
from screens.actions.services import FORWARDING
from screens.widgets.bulk_work import BulkForm
from screens.widgets.dialogs import ConfirmDialog, NumbersDialog
from screens.widgets.form import Field, show_errors
from screens.widgets.safe import plain, safe_text
from screens.widgets.work_progress import WorkProgress


class ForwardingDialog(BulkForm, NumbersDialog):
    """Dismisses with True when something changed."""

    ACTIONS = FORWARDING
    MESSAGE_ID = "fwd-message"
    FORM_FIELDS = ("#fwd-condition", "#target", "#delay", "#save", "#delete")
    FORM_FOCUS = "#target"
    PROGRESS = "#fwd-progress"
    NOTICE_TITLE = N_("Forwarding")
    DEFAULT_CSS = """
    ForwardingDialog { align: center middle; }
    #fwd-box { width: 76; height: auto; max-height: 100%; border: round $primary;
               background: $surface; padding: 0 1; }
    #fwd-rules { height: 4; border: none; }
    #fwd-box .fwd-row { height: auto; }
    #fwd-box .fwd-row Label { width: 18; padding-top: 1; }
    #fwd-condition { width: 1fr; }
    #error-condition { height: auto; padding-left: 18; color: $error; text-style: bold; }
    #fwd-message { height: auto; text-style: bold; }
    #fwd-progress { height: 2; }
    #fwd-buttons { height: 3; align: center middle; }
    #fwd-buttons Button { margin: 0 1; min-width: 10; }
    """

    def compose(self) -> ComposeResult:
        session = self.app.session
        self.can_edit = permissions.allowed(session.role, forwarding.ACTION)
        with Vertical(id="fwd-box"):
            if self.single:
                from corptui.numbers import get_subscriber

                sub = get_subscriber(session, self.ids[0])
                title = _("Call forwarding of {number}").format(number=format_msisdn(sub.msisdn))
                yield Static(plain(title))
                yield OptionList(id="fwd-rules")
            else:
                yield Static(Content(_("Call forwarding for {n_ids} selected numbers: sets the rule on each").format(n_ids=number(len(self.ids)))))
            with Horizontal(classes="fwd-row"):
                yield Label(_("Condition"))
                yield Select([(Text(_(forwarding.CONDITION_LABELS[c])), c)
                              for c in forwarding.FORWARDING_CONDITIONS],
                             value="unconditional", allow_blank=False, id="fwd-condition")
            error = Static("", id="error-condition")
            error.display = False
            yield error
            yield Field(_("Forward to"), "target", placeholder="+7 495 123-45-67", max_length=40)
            yield Field(_("Delay, s"), "delay", placeholder=_("no answer only: 5-30 (20)"),
                        max_length=4)
            yield Static("", id="fwd-message")
            yield WorkProgress(id="fwd-progress")
            with Horizontal(id="fwd-buttons"):
                yield Button(_("Save"), variant="primary", id="save", disabled=not self.can_edit)
                yield Button(_("Delete"), variant="error", id="delete", disabled=not self.can_edit)
                yield Button(_("Close"), id="close")

    def on_mount(self) -> None:
        self.query_one("#fwd-progress", WorkProgress).finish()
        if self.single:
            self._load_rules()
        if not self.can_edit:
            self._message(_("Read only: the {role} role cannot change forwarding.").format(role=permissions.role_label(self.app.session.role)))
            self.query_one("#close", Button).focus()
        else:
            self.query_one("#target").focus()
            if not self.single:
                self._preview()

    # -- one number: the list ----------------------------------------------------------
    def _load_rules(self) -> None:
        self.rules = forwarding.list_rules(self.app.session, self.ids[0])
        lst = self.query_one("#fwd-rules", OptionList)
        lst.clear_options()
        if not self.rules:
            lst.add_option(Option(Content(_("No forwarding rules.")), id="none", disabled=True))
        for r in self.rules:
            lst.add_option(Option(plain(forwarding.describe(r)), id=r["condition"]))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        rule = next((r for r in getattr(self, "rules", []) if r["condition"] == event.option_id),
                    None)
        if rule is None:
            return
        self.query_one("#fwd-condition", Select).value = rule["condition"]
        self.query_one("#target").value = format_msisdn(rule["target"])
        self.query_one("#delay").value = (str(rule["delay_seconds"])
                                          if rule["condition"] == "no_answer" else "")

    # -- the form ----------------------------------------------------------------------
    def _values(self) -> tuple[str, str, str]:
        return (self.query_one("#fwd-condition", Select).value,
                self.query_one("#target").value, self.query_one("#delay").value)

    def _show_errors(self, errors: dict[str, str]) -> None:
        show_errors(self, errors)
        cond = self.query_one("#error-condition", Static)
        msg = errors.get("condition", "")
        cond.update(plain("x " + msg[:1].upper() + msg[1:] if msg else ""))
        cond.display = bool(msg)

    def _preview(self) -> None:
        condition, target, delay = self._values()
        if not target.strip():
            self._message(_("Enter the number to forward to."))
            return
        try:
            p = forwarding.preview_set(self.app.session, self.ids, condition, target, delay)
        except CorptuiError:
            return
        self._message(_("Preview: {new} new, {replaced} replaced, {unchanged} unchanged of {numbers} numbers.").format(new=number(p['new']), replaced=number(p['replaced']), unchanged=number(p['unchanged']), numbers=number(p['numbers'])))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        elif event.button.id == "delete":
            self.action_delete()
        else:
            self.action_close()

    def action_save(self) -> None:
        if not self.can_edit or self.busy:
            return
        condition, target, delay = self._values()
        session = self.app.session
        if not self.single:
            try:  # field errors next to the fields before any work starts
                forwarding.clean_rule(condition, target, delay)
            except ValidationError as exc:
                self._show_errors(exc.errors or {exc.field: exc.message})
                self._message("")
                return
            self._start(N_("Set the rule on {done} of {total} numbers"),
                        lambda progress, cancelled: forwarding.bulk_set(
                            session, self.ids, condition, target, delay, progress=progress,
                            cancelled=cancelled),
                        lambda result: self._saved(_("Set on {numbers} numbers ({changed} changed).").format(numbers=number(result['numbers']), changed=number(result['changed']))))
            return
        try:
            existing = next((r for r in self.rules if r["condition"] == condition), None)
            if existing:
                forwarding.update_rule(session, existing["id"], condition, target, delay)
            else:
                forwarding.add_rule(session, self.ids[0], condition, target, delay)
            done = _("Saved the '{CONDITION_LABELS}' rule.").format(CONDITION_LABELS=_(forwarding.CONDITION_LABELS[condition]))
            if condition == "unconditional" and any(r["condition"] != "unconditional"
                                                    for r in self.rules):
                done += " " + _("It forwards every call: the other rules are not in effect "
                                "while it is on.")
        except ValidationError as exc:
            self._show_errors(exc.errors or {exc.field: exc.message})
            self._message("")
            return
        except CorptuiError as exc:
            self._message("x " + exc.message)
            return
        self._saved(done)

    def _saved(self, done: str) -> None:
        self._show_errors({})
        self.changed = True
        if self.single:
            self._load_rules()
        self._message(done)
        self.app.notify(safe_text(done), title=_("Forwarding"), markup=False)

    def action_delete(self) -> None:
        """Ask first (as disconnecting an option does), then delete."""
        if not self.can_edit or self.busy:
            return
        condition = self.query_one("#fwd-condition", Select).value
        label = _(forwarding.CONDITION_LABELS[condition])
        if self.single:
            existing = next((r for r in self.rules if r["condition"] == condition), None)
            if existing is None:
                self._message(_("There is no '{label}' rule to delete.").format(label=label))
                return
            question = _("Delete the '{label}' forwarding rule (to {target})?").format(
                label=label, target=format_msisdn(existing["target"]))
        else:
            try:
                count = forwarding.preview_delete(self.app.session, self.ids, condition)["rules"]
            except CorptuiError as exc:
                self._message("x " + exc.message)
                return
            if not count:
                self._message(_("There is no '{label}' rule to delete.").format(label=label))
                return
            question = ngettext("Delete the '{label}' forwarding rule of {n} number?",
                                "Delete the '{label}' forwarding rules of {n} numbers?",
                                count).format(label=label, n=number(count))

        def answer(yes: bool | None) -> None:
            if yes:
                self._delete(condition, label)

        self.app.push_screen(ConfirmDialog(question, yes=_("Delete"), danger=True), answer)

    def _delete(self, condition: str, label: str) -> None:
        if not self.single:
            session = self.app.session
            self._start(N_("Deleted {done} of {total} rules"),
                        lambda progress, cancelled: forwarding.bulk_delete(
                            session, self.ids, condition, progress=progress,
                            cancelled=cancelled),
                        lambda result: self._deleted(ngettext(
                            "Deleted {deleted} '{label}' rule.", "Deleted {deleted} '{label}' rules.",
                            result["deleted"]).format(deleted=number(result["deleted"]), label=label)))
            return
        try:
            existing = next((r for r in self.rules if r["condition"] == condition), None)
            if existing is None:
                self._message(_("There is no '{label}' rule to delete.").format(label=label))
                return
            forwarding.delete_rule(self.app.session, existing["id"])
            done = _("Deleted the '{label}' rule.").format(label=label)
        except CorptuiError as exc:
            self._message("x " + exc.message)
            return
        self._deleted(done)

    def _deleted(self, done: str) -> None:
        self._show_errors({})
        self.changed = True
        if self.single:
            self._load_rules()
        self._message(done)

    # -- a selection: the change in a worker ---------------------------------------------
    def _start(self, template: str, call, done) -> None:
        """Run a bulk set or delete of the selection with the progress bar."""
        self._show_errors({})
        self.start_form_bulk(template, call, done)
