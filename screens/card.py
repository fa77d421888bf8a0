"""The employee card: name and position (saved with a version check), tags, and what the
number has: account, tariff, status, limit, options, forwarding, SIM, latest charges."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from corptui import cards, employees, limits, permissions
from corptui import tags as tags_uc
from corptui.errors import CorptuiError, ValidationError
from corptui.i18n import N_, _, money, state_label
from corptui.phones import format_msisdn
from screens.actions.numbers import CARD
from screens.widgets.check_list import CheckList
from screens.widgets.dialogs import ConfirmDialog
from screens.widgets.form import Field, show_errors
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.registered import Registered
from screens.widgets.safe import plain, safe_text
from screens.widgets.virtual_table import Column, VirtualTable

CONDITIONS = {"unconditional": N_("always"), "busy": N_("when busy"),
              "no_answer": N_("no answer"), "unreachable": N_("unreachable")}


def NO_NAME() -> str:
    return _("(no name)")


def _money(value) -> str:
    if value is None:
        return _("none")
    return money(value)


# the rows of the card's summary: (row id, label, the action Enter runs, its key)
SUMMARY = (
    (0, N_("Tariff"), "tariff_card", "y"), (1, N_("Limit"), "limits", "l"),
    (2, N_("Options"), "options", "o"), (3, N_("Forwarding"), "forwarding", "w"),
    (4, N_("SIM"), "replace_sim", "r"), (5, N_("Charges"), "", ""),
    (6, N_("Changes"), "blame", "b"),
)
ADVICE = (7, N_("Cheaper tariff"), "tariff_card", "")


class CardSummary(VirtualTable):
    """What the number has, one row each; Enter opens the row's dialog. The card starts
    with the focus here, so the card's letter keys act instead of typing into a field."""

    DEFAULT_CSS = "CardSummary { height: 8; }"


class EmployeeCard(Registered, ModalScreen):
    """Dismisses with True when something was saved."""

    ACTIONS = CARD
    DEFAULT_CSS = """
    EmployeeCard { align: center middle; }
    #card { width: 100%; height: 1fr; border: round $primary; background: $surface; padding: 0 1; }
    #card-title { height: 1; text-style: bold; }
    #card-body { height: 1fr; }
    #card-fields { height: auto; }
    #card-fields Field { width: 1fr; }
    #card-fields Field Label { width: 10; }
    #card-fields Field .field-error { padding-left: 10; }
    #card-tags { height: 6; }
    #card-message { height: auto; text-style: bold; }
    #card-buttons { height: 1; align: center middle; }
    #card-buttons Button { margin: 0 1; height: 1; border: none; min-width: 12; }
    EmployeeCard Field Input { border: tall $border-blurred; }
    """

    def __init__(self, subscriber_id: int):
        super().__init__()
        self.subscriber_id = subscriber_id
        self.saved = False
        self.force_version: int | None = None

    def compose(self) -> ComposeResult:
        session = self.app.session
        self.data = cards.card(session, self.subscriber_id)
        self.can_edit = permissions.allowed(session.role, "numbers.edit")
        self.can_tag = permissions.allowed(session.role, "tags.assign")
        d = self.data
        with Vertical(id="card"):
            yield Static(plain(f"{format_msisdn(d['msisdn'])} · {d['full_name'] or NO_NAME()}"),
                         id="card-title")
            yield CardSummary([Column("label", N_("Of the number"), 18),
                               Column("value", N_("Enter or the key opens it"), 20, flex=1)],
                              lambda ids: {i: self._summary_row(i) for i in ids},
                              checkboxes=False, id="card-summary")
            with VerticalScroll(id="card-body"):
                with Horizontal(id="card-fields"):
                    yield Field(_("Name"), "full_name", value=d["full_name"],
                                max_length=employees.NAME_MAX)
                    yield Field(_("Position"), "position", value=d["position"],
                                max_length=employees.POSITION_MAX)
                all_tags = tags_uc.list_tags(session)
                yield CheckList([(t["name"], f"{t['name']} ({t['color']})") for t in all_tags],
                                d["tags"], _("Tags (space marks)"), id="card-tags",
                                disabled=not self.can_tag)
                yield Static(Content("" if self.can_edit else
                                     _("Read only: the {role} role cannot edit cards.").format(
                                         role=permissions.role_label(session.role))),
                             id="card-message")
            with Horizontal(id="card-buttons"):
                yield Button(_("Save"), variant="primary", id="save",
                             disabled=not (self.can_edit or self.can_tag))
                yield Button(_("Close"), id="close")
        yield KeysFooter()

    def _values(self) -> list[str]:
        d = self.data
        return [
            _("{tariff} · account {account} · {status}").format(
                account=d['account'], tariff=d['tariff'] or '-',
                status=_("! blocked") if d["status"] == "blocked" else state_label(d["status"])),
            limits.spend_line(d["limit_spend"]),
            ", ".join(f"{o['name']}" + ("" if o["state"] == "active" else
                                         f" ({state_label(o['state'])})")
                      for o in d["options"]) or _("none"),
            ", ".join(f"{_(CONDITIONS.get(f['condition'], f['condition']))} -> "
                      f"{format_msisdn(f['target'])}" + ("" if f["active"] else " " + _("(off)"))
                      for f in d["forwarding"]) or _("none"),
            ", ".join(f"{s['iccid']} ({state_label(s['state'])})" for s in d["sims"])
            or _("none"),
            " · ".join(f"{c['period']:%m.%Y} {_money(c['amount'])}"
                       for c in d["charges"][:2]) or _("none"),
            _("who changed the options, tariff, limits and tags"),
            *self._advice_lines(),
        ]

    def _summary(self) -> tuple:
        """SUMMARY, and the optimiser's advice as one more row when there is one."""
        return SUMMARY + (ADVICE,) if self.data.get("tariff_advice") else SUMMARY

    def _summary_row(self, i: int) -> dict:
        _id, label, _action, key = self._summary()[i]
        text = _(label) + (f" ({key})" if key else "")
        return {"id": i, "label": text, "value": self._values()[i]}

    def _info(self) -> Content:
        """The summary as text (what the rows show), for tests and screen readers."""
        return plain("\n".join(f"{self._summary_row(i)['label']}: {v}"
                                for i, v in enumerate(self._values())), multiline=True)

    def _advice_lines(self) -> list[str]:
        """The optimiser's recommendation and the three billed months it rests on."""
        a = self.data.get("tariff_advice")
        if not a:
            return []
        months = ", ".join(_("{month}: {now} -> {then}").format(
            month=m["month"], now=_money(m["current"]), then=_money(m["recommended"]))
            for m in a["months"])
        return [_("{tariff} saves {saving} a month{note}").format(
                    tariff=a["recommended_tariff"], saving=money(a["saving"]),
                    note=" " + _("(by a change application)") if a["by_application"] else "")
                + " · " + _("Based on {months}").format(months=months)]

    def on_mount(self) -> None:
        summary = self.query_one(CardSummary)
        summary.set_ids([row[0] for row in self._summary()])
        summary.styles.height = len(self._summary()) + 1
        summary.cursor = 1
        summary.focus()  # not a text field: o, w, r, l, b act at once
        if not self.can_edit:
            for field in self.query(Field):
                field.query_one(f"#{field.field_name}").disabled = True

    def on_virtual_table_opened(self, event: VirtualTable.Opened) -> None:
        if not isinstance(event.table, CardSummary):
            return
        event.stop()
        action = self._summary()[event.row_id][2]
        if action:
            getattr(self, f"action_{action}")()  # the guarded action, as its key runs it

    def _refresh_summary(self) -> None:
        summary = self.query_one(CardSummary)
        summary.invalidate()

    def _dirty(self) -> list[str]:
        """What was edited and not saved: "name and position", "tags"."""
        out = []
        values = {f.field_name: f.value for f in self.query(Field)}
        if self.can_edit and (values["full_name"] != (self.data["full_name"] or "")
                              or values["position"] != (self.data["position"] or "")):
            out.append(_("name and position"))
        if self.can_tag and sorted(self.query_one("#card-tags", CheckList).values) != sorted(
                self.data["tags"]):
            out.append(_("tags"))
        return out

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_close()

    def action_close(self) -> None:
        """Close; with unsaved edits, ask first (escape must not lose a typed name)."""
        dirty = self._dirty()
        if not dirty:
            self.dismiss(self.saved)
            return

        def answered(discard) -> None:
            if discard:
                self.dismiss(self.saved)

        self.app.push_screen(ConfirmDialog(
            _("Close the card without saving the changes ({changes})?").format(
                changes=", ".join(dirty)),
            yes=_("Discard changes"), no=_("Keep editing"), danger=True), answered)

    def _message(self, text: str) -> None:
        self.query_one("#card-message", Static).update(plain(text, multiline=True))

    # -- services dialogs (screens/forwarding.py, sims.py, limits.py) --------------------
    def _open_service(self, dialog) -> None:
        def done(changed) -> None:
            if changed:
                self.saved = True
                fresh = cards.card(self.app.session, self.subscriber_id)
                for key in ("forwarding", "sims", "spending_limit", "limit_spend", "options"):
                    self.data[key] = fresh[key]
                self._refresh_summary()

        self.app.push_screen(dialog, done)

    def action_tariff_card(self) -> None:
        if not self.data.get("tariff_code"):
            self.app.notify(_("The number has no tariff."), markup=False)
            return
        from screens.tariff_card import TariffCard

        self.app.push_screen(TariffCard(self.data["tariff_code"]))

    def action_forwarding(self) -> None:
        from screens.forwarding import ForwardingDialog

        self._open_service(ForwardingDialog([self.subscriber_id]))

    def action_replace_sim(self) -> None:
        from screens.sims import ReplaceSimDialog

        self._open_service(ReplaceSimDialog(self.subscriber_id))

    def action_limits(self) -> None:
        from screens.limits import LimitsDialog

        self._open_service(LimitsDialog([self.subscriber_id]))

    def action_save(self) -> None:
        session = self.app.session
        values = {f.field_name: f.value for f in self.query(Field)}
        tags = self.query_one("#card-tags", CheckList).values
        changed = []
        try:
            if self.can_edit and (values["full_name"] != self.data["full_name"]
                                  or values["position"] != self.data["position"]):
                version = self.force_version or self.data["version"]
                saved = employees.update_employee(session, self.subscriber_id,
                                                  values["full_name"], values["position"],
                                                  version)
                self.data.update(full_name=saved["full_name"], position=saved["position"],
                                 version=saved["version"])
                self.force_version = None
                changed.append(_("name and position"))
            if self.can_tag and sorted(tags) != sorted(self.data["tags"]):
                self.data["tags"] = tags_uc.set_number_tags(session, self.subscriber_id, tags)
                changed.append(_("tags"))
        except employees.VersionConflict as exc:
            self.force_version = exc.current_version
            theirs, yours = exc.theirs, exc.yours
            self._message(
                _("x Someone else saved this card meanwhile.\n  Theirs: {safe_text} / {safe_text2}\n  Yours:  {safe_text3} / {safe_text4}\n  ctrl+s saves yours over theirs; esc keeps theirs.").format(safe_text=safe_text(theirs.get('full_name')), safe_text2=safe_text(theirs.get('position')), safe_text3=safe_text(yours.get('full_name')), safe_text4=safe_text(yours.get('position'))))
            return
        except ValidationError as exc:
            show_errors(self, exc.errors or {exc.field: exc.message})
            return
        except CorptuiError as exc:
            self._message("x " + exc.message)
            return
        show_errors(self, {})
        if changed:
            self.saved = True
            self._message(_("Saved: {changes}.").format(changes=", ".join(changed)))
            self.query_one("#card-title", Static).update(plain(
                f"{format_msisdn(self.data['msisdn'])} · {self.data['full_name'] or NO_NAME()}"))
        else:
            self._message(_("Nothing to save."))

    # -- the options of the number: screens/card_options.py (issue 6) --------------------

    def action_options(self) -> None:
        from screens.card_options import CardOptionsDialog

        def done(changed) -> None:
            if changed:
                self.saved = True
                self.data["options"] = cards.card(self.app.session,
                                                  self.subscriber_id)["options"]
                self._refresh_summary()

        self.app.push_screen(CardOptionsDialog(self.subscriber_id, self.data["msisdn"]), done)

    # -- who changed this (issue 12): screens/insights.py ---------------------------------

    def action_blame(self) -> None:
        from screens.insights import BlameDialog

        self.app.push_screen(BlameDialog(self.subscriber_id))
