"""Dialogs of the numbers console: filter, assign tags to the selection (with a preview)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static

from corptui import tags as tags_uc
from corptui.errors import CorptuiError
from corptui.i18n import _, number, state_label
from corptui.numbers import NumberFilter
from screens.actions.numbers import ASSIGN_TAGS, NUMBERS_FILTER
from screens.widgets.check_list import CheckList
from screens.widgets.registered import Registered
from screens.widgets.safe import plain, safe_text


class FilterDialog(Registered, ModalScreen):
    """Tag, tariff, status, account. Returns a dict, or None on cancel."""

    ACTIONS = NUMBERS_FILTER
    DEFAULT_CSS = """
    FilterDialog { align: center middle; }
    #filter-box { width: 64; height: auto; border: round $primary; background: $surface; padding: 0 1; }
    #filter-box Horizontal { height: auto; }
    #filter-box Label { width: 10; padding-top: 1; }
    #filter-box Select { width: 1fr; }
    #filter-buttons { height: 3; align: center middle; }
    #filter-buttons Button { margin: 0 1; }
    """

    def __init__(self, choices: dict, current: NumberFilter):
        super().__init__()
        self.choices = choices
        self.current = current

    def compose(self) -> ComposeResult:
        c = self.choices
        cur = self.current
        with Vertical(id="filter-box"):
            yield Static(_("Filter the numbers (esc cancels)"), markup=False)
            rows = [
                (_("Tag"), "tag", [(Text(t), t) for t in c["tags"]],
                 cur.tags[0] if cur.tags else None),
                (_("Tariff"), "tariff", [(Text(name), code) for code, name in c["tariffs"]],
                 cur.tariff),
                (_("Status"), "status", [(Text(state_label(s)), s) for s in c["statuses"]],
                 cur.status),
                (_("Account"), "account",
                 [(Text(f"{num} {name}".strip()), num) for num, name in c["accounts"]],
                 cur.account),
            ]
            for label, key, options, value in rows:
                with Horizontal():
                    yield Label(label)
                    values = {v for _, v in options}
                    yield Select(options, id=f"filter-{key}", prompt=_("any"),
                                 value=value if value in values else Select.NULL)
            with Horizontal(id="filter-buttons"):
                yield Button(_("Apply"), variant="primary", id="apply")
                yield Button(_("Clear"), id="clear")
                yield Button(_("Cancel"), id="cancel")

    def _value(self, key: str):
        value = self.query_one(f"#filter-{key}", Select).value
        return None if value is Select.NULL else value

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "apply":
            self.action_apply()
        elif event.button.id == "clear":
            self.dismiss({"tags": (), "tariff": None, "status": None, "account": None})
        else:
            self.action_cancel()

    def action_apply(self) -> None:
        tag = self._value("tag")
        self.dismiss({"tags": (tag,) if tag else (), "tariff": self._value("tariff"),
                      "status": self._value("status"), "account": self._value("account")})

    def action_cancel(self) -> None:
        self.dismiss(None)


class AssignTagsDialog(Registered, ModalScreen):
    """Add and remove tags on all selected numbers in one change, with a preview of how
    many numbers change. Returns True when something was applied."""

    ACTIONS = ASSIGN_TAGS
    DEFAULT_CSS = """
    AssignTagsDialog { align: center middle; }
    #assign-box { width: 76; height: 22; border: round $primary; background: $surface; padding: 0 1; }
    #assign-lists { height: 1fr; }
    #assign-lists CheckList { width: 1fr; height: 1fr; }
    #assign-preview { height: 2; text-style: bold; }
    #assign-buttons { height: 3; align: center middle; }
    #assign-buttons Button { margin: 0 1; }
    """

    def __init__(self, ids: set[int]):
        super().__init__()
        self.ids = set(ids)

    def compose(self) -> ComposeResult:
        tags = tags_uc.list_tags(self.app.session)
        with Vertical(id="assign-box"):
            yield Static(Content(_("Tags for {n_ids} selected number(s): space marks, tab switches lists").format(n_ids=number(len(self.ids)))))
            with Horizontal(id="assign-lists"):
                items = [(t["name"], f"{t['name']} ({number(t['numbers'])})") for t in tags]
                yield CheckList(items, (), _("Add"), id="add")
                yield CheckList(items, (), _("Remove"), id="remove")
            yield Static("", id="assign-preview")
            with Horizontal(id="assign-buttons"):
                yield Button(_("Apply"), variant="primary", id="apply")
                yield Button(_("Cancel"), id="cancel")

    def _lists(self) -> tuple[list[str], list[str]]:
        add = self.query_one("#add", CheckList).values
        remove = self.query_one("#remove", CheckList).values
        return add, remove

    def on_virtual_table_selection_changed(self, event) -> None:
        if self.is_mounted:
            self.update_preview()

    def update_preview(self) -> dict | None:
        add, remove = self._lists()
        preview = self.query_one("#assign-preview", Static)
        both = set(add) & set(remove)
        if both:
            preview.update(plain(_("x A tag cannot be added and removed at once: {tags}").format(
                tags=", ".join(sorted(both)))))
            return None
        if not add and not remove:
            preview.update(Content(_("Mark tags to add or remove.")))
            return None
        try:
            summary = tags_uc.preview_assign(self.app.session, self.ids, add, remove)
        except CorptuiError as exc:
            preview.update(plain("x " + exc.message))
            return None
        preview.update(Content(
            _("Preview: {numbers_changed} number(s) change: +{adds} tag links, -{removes} tag links").format(numbers_changed=number(summary['numbers_changed']), adds=number(summary['adds']), removes=number(summary['removes']))))
        return summary

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "apply":
            self.action_apply()
        else:
            self.action_cancel()

    def action_apply(self) -> None:
        if self.update_preview() is None:
            return
        add, remove = self._lists()
        try:
            summary = tags_uc.assign(self.app.session, self.ids, add, remove)
        except CorptuiError as exc:
            self.app.show_error(exc)
            return
        self.app.notify(safe_text(_("Tags changed on {numbers_changed} number(s).").format(numbers_changed=number(summary['numbers_changed']))),
                        title=_("Tags"), markup=False)
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
