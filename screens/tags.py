"""Tags of the company (the seed's "groups"): the list with colour and number count;
n new, r rename, c recolor, d delete (the confirmation states how many numbers carry the
tag), esc closes. Names are user text: shown literally. The colour is also a word."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from corptui import tags as tags_uc
from corptui.errors import Conflict, CorptuiError, ValidationError
from corptui.i18n import N_, _, ngettext, number
from screens.actions.numbers import TAG_COLOR, TAGS
from screens.widgets.dialogs import ConfirmDialog, SaveCancelDialog
from screens.widgets.registered import Registered
from screens.widgets.safe import plain, safe_text

SWATCH = "■"


COLOR_LABELS = {"red": N_("red"), "green": N_("green"), "blue": N_("blue"),
                "yellow": N_("yellow"), "magenta": N_("magenta"), "cyan": N_("cyan"),
                "white": N_("white")}


def color_text(color: str) -> Text:
    """A coloured swatch and the colour's name (readable without colour)."""
    text = Text()
    text.append(SWATCH + " ", style=color if color in tags_uc.PALETTE else "")
    text.append(_(COLOR_LABELS.get(color, color)))
    return text


class TagNameDialog(SaveCancelDialog):
    """Name (and, for a new tag, colour) of a tag. ``save(name, color)`` does the change;
    its ValidationError / Conflict is shown under the name. Dismisses with its result,
    or None on cancel."""

    DEFAULT_CSS = """
    TagNameDialog { align: center middle; }
    #tag-name-box { width: 60; height: auto; border: round $primary; background: $surface; padding: 0 1; }
    #tag-name-box Horizontal { height: auto; }
    #tag-name-box Label { width: 8; padding-top: 1; }
    #tag-name-box Input, #tag-name-box Select { width: 1fr; }
    #name-error { height: auto; padding-left: 8; color: $error; text-style: bold; }
    #tag-name-buttons { height: 3; align: center middle; }
    #tag-name-buttons Button { margin: 0 1; }
    """

    def __init__(self, title: str, save: Callable[[str, str | None], object], *,
                 value: str = "", with_color: bool = False):
        super().__init__()
        self.title_text = title
        self.save = save
        self.value0 = value
        self.with_color = with_color

    def compose(self) -> ComposeResult:
        with Vertical(id="tag-name-box"):
            yield Static(plain(self.title_text))
            with Horizontal():
                yield Label(_("Name"))
                yield Input(self.value0, id="tag-name", max_length=tags_uc.NAME_MAX + 20,
                            placeholder=_("tag name"))
            yield Static("", id="name-error")
            if self.with_color:
                with Horizontal():
                    yield Label(_("Colour"))
                    yield Select([(color_text(c), c) for c in tags_uc.PALETTE],
                                 value=tags_uc.DEFAULT_COLOR, allow_blank=False,
                                 id="tag-color")
            with Horizontal(id="tag-name-buttons"):
                yield Button(_("Save"), variant="primary", id="save")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#name-error").display = False
        self.query_one("#tag-name", Input).focus()

    def set_error(self, message: str) -> None:
        error = self.query_one("#name-error", Static)
        error.update(plain(("x " + message[:1].upper() + message[1:]) if message else ""))
        error.display = bool(message)

    def action_save(self) -> None:
        name = self.query_one("#tag-name", Input).value
        color = self.query_one("#tag-color", Select).value if self.with_color else None
        try:
            result = self.save(name, color)
        except (ValidationError, Conflict) as exc:
            self.set_error(exc.message)
            self.query_one("#tag-name", Input).focus()
            return
        except CorptuiError as exc:
            self.set_error(exc.message)
            return
        self.dismiss(result)


class ColorDialog(Registered, ModalScreen):
    """Choose a colour of the palette; dismisses with it, or None."""

    ACTIONS = TAG_COLOR
    DEFAULT_CSS = """
    ColorDialog { align: center middle; }
    #color-box { width: 50; height: auto; border: round $primary; background: $surface; padding: 0 1; }
    #color-list { height: auto; max-height: 12; }
    """

    def __init__(self, tag_name: str, current: str):
        super().__init__()
        self.tag_name = tag_name
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="color-box"):
            yield Static(plain(_("Colour of {tag_name} (enter picks, esc cancels)").format(tag_name=self.tag_name)))
            options = []
            for c in tags_uc.PALETTE:
                label = color_text(c)
                if c == self.current:
                    label.append(_(" (current)"))
                options.append(Option(label, id=c))
            yield OptionList(*options, id="color-list")

    def on_mount(self) -> None:
        lst = self.query_one("#color-list", OptionList)
        if self.current in tags_uc.PALETTE:
            lst.highlighted = tags_uc.PALETTE.index(self.current)
        lst.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDeleteDialog(ConfirmDialog):
    """Delete a tag? States how many numbers carry it. Dismisses True / False."""

    def __init__(self, tag_name: str, count: int):
        if count:
            where = ngettext("It is on {n} number: it loses the tag.",
                             "It is on {n} numbers: they lose the tag.", count).format(
                                 n=number(count))
        else:
            where = _("It is on no numbers.")
        super().__init__(_("Delete the tag {tag_name}?\n{where}\nThis cannot be undone.").format(tag_name=tag_name, where=where),
                         yes=_("Delete"), no=_("Cancel"), danger=True)
        self.tag_name = tag_name
        self.count = count


class TagsScreen(Registered, ModalScreen):
    """The company's tags. Dismisses (with None) on esc."""

    ACTIONS = TAGS
    DEFAULT_CSS = """
    TagsScreen { align: center middle; }
    #tags-box { width: 100%; height: 100%; background: $surface; padding: 0 1; }
    #tags-title { height: 1; text-style: bold; background: $primary; color: $text; padding: 0 1; }
    #tags-table { height: 1fr; }
    #tags-status { height: auto; }
    #tags-keys { height: 1; color: $text-muted; }
    """

    def __init__(self):
        super().__init__()
        self.tags: list[dict] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="tags-box"):
            yield Static(Content(_("Tags")), id="tags-title")
            yield DataTable(id="tags-table", cursor_type="row", zebra_stripes=False)
            yield Static("", id="tags-status")
            yield Static(Content(_("n new · r rename · c recolor · d delete · esc close")),
                         id="tags-keys")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(_("Tag"), key="name", width=40)
        table.add_column(_("Colour"), key="color", width=12)
        table.add_column(_("Numbers"), key="numbers", width=8)
        self.reload()
        table.focus()

    def reload(self, select_id: int | None = None) -> None:
        table = self.query_one(DataTable)
        current = self.current()
        keep = select_id if select_id is not None else (current["id"] if current else None)
        try:
            self.tags = tags_uc.list_tags(self.app.session)
        except CorptuiError as exc:
            self.app.show_error(exc)
            self.tags = []
        table.clear()
        for t in self.tags:
            table.add_row(Text(safe_text(t["name"])), color_text(t["color"]),
                          Text(number(t['numbers']), justify="right"), key=str(t["id"]))
        if keep is not None:
            for i, t in enumerate(self.tags):
                if t["id"] == keep:
                    table.move_cursor(row=i)
                    break
        n = len(self.tags)
        self.set_status(ngettext("{n} tag", "{n} tags", n).format(n=number(n)) if n else
                        _("No tags yet: n creates one."))

    def set_status(self, message: str) -> None:
        self.query_one("#tags-status", Static).update(plain(message))

    def current(self) -> dict | None:
        table = self.query_one(DataTable)
        if not self.tags or table.row_count == 0:
            return None
        row = table.cursor_row
        if 0 <= row < len(self.tags):
            return self.tags[row]
        return None

    # -- actions --------------------------------------------------------------------------
    def action_new(self) -> None:
        session = self.app.session

        def save(name, color):
            return tags_uc.create_tag(session, name, color)

        def done(tag) -> None:
            if tag:
                self.reload(select_id=tag["id"])
                self.set_status(_("Created {name}.").format(name=tag['name']))

        self.app.push_screen(TagNameDialog(_("New tag"), save, with_color=True), done)

    def action_rename(self) -> None:
        tag = self.current()
        if tag is None:
            return
        session = self.app.session

        def save(name, _color):
            return tags_uc.rename_tag(session, tag["id"], name)

        def done(result) -> None:
            if result:
                self.reload(select_id=tag["id"])
                self.set_status(_("Renamed {name} to {name2}.").format(name=tag['name'], name2=result['name']))

        self.app.push_screen(TagNameDialog(_("Rename the tag {name}").format(name=tag['name']), save,
                                           value=tag["name"]), done)

    def action_recolor(self) -> None:
        tag = self.current()
        if tag is None:
            return

        def done(color) -> None:
            if not color:
                return
            try:
                tags_uc.recolor_tag(self.app.session, tag["id"], color)
            except CorptuiError as exc:
                self.app.show_error(exc)
                return
            self.reload(select_id=tag["id"])
            self.set_status(_("{name} is now {color}.").format(name=tag['name'], color=color))

        self.app.push_screen(ColorDialog(tag["name"], tag["color"]), done)

    def action_delete(self) -> None:
        tag = self.current()
        if tag is None:
            return
        try:
            count = tags_uc.tag_usage(self.app.session, tag["id"])
        except CorptuiError as exc:
            self.app.show_error(exc)
            self.reload()
            return

        def done(yes) -> None:
            if not yes:
                return
            try:
                used = tags_uc.delete_tag(self.app.session, tag["id"])
            except CorptuiError as exc:
                self.app.show_error(exc)
                self.reload()
                return
            self.reload()
            self.set_status(_("Deleted {name} (it was on {used} numbers).").format(name=tag['name'], used=number(used)))

        self.app.push_screen(ConfirmDeleteDialog(tag["name"], count), done)

    def action_close(self) -> None:
        self.dismiss(None)
