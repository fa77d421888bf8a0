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
from screens.widgets.form import Field, show_errors
from screens.widgets.registered import Registered
from screens.widgets.safe import plain, safe_text

CONDITIONS = {"unconditional": N_("always"), "busy": N_("when busy"),
              "no_answer": N_("no answer"), "unreachable": N_("unreachable")}


def NO_NAME() -> str:
    return _("(no name)")


def _money(value) -> str:
    if value is None:
        return _("none")
    return money(value)


class EmployeeCard(Registered, ModalScreen):
    """Dismisses with True when something was saved."""

    ACTIONS = CARD
    DEFAULT_CSS = """
    EmployeeCard { align: center middle; }
    #card { width: 100%; height: 100%; border: round $primary; background: $surface; padding: 0 1; }
    #card-title { height: 1; text-style: bold; }
    #card-body { height: 1fr; }
    #card-tags { height: 8; }
    #card-info { height: auto; }
    #card-message { height: auto; text-style: bold; }
    #card-buttons { height: 3; align: center middle; }
    #card-buttons Button { margin: 0 1; }
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
            with VerticalScroll(id="card-body"):
                yield Field(_("Full name"), "full_name", value=d["full_name"], max_length=200)
                yield Field(_("Position"), "position", value=d["position"], max_length=200)
                all_tags = tags_uc.list_tags(session)
                yield CheckList([(t["name"], f"{t['name']} ({t['color']})") for t in all_tags],
                                d["tags"], _("Tags (space marks)"), id="card-tags",
                                disabled=not self.can_tag)
                yield Static(self._info(), id="card-info")
            yield Static(Content("" if self.can_edit else
                                 _("Read only: the {role} role cannot edit cards.").format(
                                     role=permissions.role_label(session.role))),
                         id="card-message")
            with Horizontal(id="card-buttons"):
                yield Button(_("Save"), variant="primary", id="save",
                             disabled=not (self.can_edit or self.can_tag))
                yield Button(_("Close"), id="close")

    def _info(self) -> Content:
        d = self.data
        lines = [
            _("Account {account} · tariff {tariff} · status {status}").format(
                account=d['account'], tariff=d['tariff'] or '-',
                status=_("! blocked") if d["status"] == "blocked" else state_label(d["status"])),
            _("Spending limit: {limit}").format(limit=limits.spend_line(d["limit_spend"])),
            _("Options: {options}").format(options=", ".join(
                f"{o['name']}" + ("" if o["state"] == "active" else f" ({state_label(o['state'])})")
                for o in d["options"]) or _("none")),
            _("Forwarding: {rules}").format(rules=", ".join(
                f"{_(CONDITIONS.get(f['condition'], f['condition']))} -> "
                f"{format_msisdn(f['target'])}" + ("" if f["active"] else " " + _("(off)"))
                for f in d["forwarding"]) or _("none")),
            _("SIM: {sims}").format(sims=", ".join(
                f"{s['iccid']} ({state_label(s['state'])})" for s in d["sims"]) or _("none")),
            _("Charges: {charges}").format(charges=", ".join(
                f"{c['period']:%m.%Y} {_money(c['amount'])}" for c in d["charges"]) or _("none")),
        ]
        return plain("\n".join(lines), multiline=True)

    def on_mount(self) -> None:
        if not self.can_edit:
            for field in self.query(Field):
                field.query_one(f"#{field.field_name}").disabled = True
            self.query_one("#close", Button).focus()
        else:
            self.query_one("#full_name").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_close()

    def action_close(self) -> None:
        self.dismiss(self.saved)

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
                self.query_one("#card-info", Static).update(self._info())

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
                self.query_one("#card-info", Static).update(self._info())

        self.app.push_screen(CardOptionsDialog(self.subscriber_id, self.data["msisdn"]), done)

    # -- who changed this (issue 12): screens/insights.py ---------------------------------

    def action_blame(self) -> None:
        from screens.insights import BlameDialog

        self.app.push_screen(BlameDialog(self.subscriber_id))
