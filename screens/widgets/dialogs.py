"""The small modal dialogs every area shares: a yes/no confirmation and a message to
read. All text is shown as plain Content, never as markup."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from corptui.i18n import _
from screens.actions.common import CONFIRM, FORM, MESSAGE
from screens.actions.services import NUMBERS_DIALOG
from screens.widgets.registered import Registered
from screens.widgets.safe import plain

# A centred box with a bold title, text, a message line and a row of buttons; ``{cls}``
# is the dialog's class name (the forms of the users screen use it too).
DIALOG_CSS = """
{cls} {{ align: center middle; }}
{cls} > Vertical {{ width: 72; height: auto; max-height: 22; border: round $primary;
    padding: 0 1; background: $surface; overflow-y: auto; }}
{cls} .dialog-title {{ text-style: bold; height: auto; margin-bottom: 1; }}
{cls} .dialog-text {{ height: auto; }}
{cls} .dialog-message {{ height: auto; color: $error; text-style: bold; }}
{cls} .dialog-buttons {{ height: 3; align: center middle; }}
{cls} .dialog-buttons Button {{ margin: 0 1; }}
"""


class ConfirmDialog(Registered, ModalScreen[bool]):
    """A yes/no question. y or the yes button dismisses with True; n, escape or the no
    button with False. ``danger`` draws it red (deleting, overwriting); the focus starts
    on the no button unless ``focus_yes``. The buttons name their keys: "Delete (y)"."""

    ACTIONS = CONFIRM
    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog #confirm-box { width: 64; height: auto; max-height: 22; border: round $primary;
        background: $surface; padding: 0 1; overflow-y: auto; }
    ConfirmDialog.-danger #confirm-box { border: round $error; }
    ConfirmDialog #confirm-title { text-style: bold; height: auto; padding-top: 1; }
    ConfirmDialog #confirm-text { height: auto; padding: 1 0; }
    ConfirmDialog #confirm-buttons { height: 3; align: center middle; }
    ConfirmDialog #confirm-buttons Button { margin: 0 1; }
    """

    def __init__(self, text: str, *, title: str = "", yes: str | None = None,
                 no: str | None = None, danger: bool = False, focus_yes: bool = False):
        super().__init__(classes="-danger" if danger else "")
        self.title_text = title
        self.text = text
        self.yes = yes if yes is not None else _("Yes")
        self.no = no if no is not None else _("No")
        self.danger = danger
        self.focus_yes = focus_yes

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            if self.title_text:
                yield Static(plain(self.title_text), id="confirm-title")
            yield Static(plain(self.text, multiline=True), id="confirm-text")
            with Horizontal(id="confirm-buttons"):
                yield Button(plain(_("{yes_label} (y)").format(yes_label=self.yes)), id="yes",
                             variant="error" if self.danger else "primary")
                yield Button(plain(_("{no_label} (n)").format(no_label=self.no)), id="no")

    def on_mount(self) -> None:
        self.query_one("#yes" if self.focus_yes else "#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)


class MessageDialog(Registered, ModalScreen[None]):
    """A text to read (scrolls when long) and an OK button (enter or escape)."""

    ACTIONS = MESSAGE
    DEFAULT_CSS = DIALOG_CSS.format(cls="MessageDialog") + """
    MessageDialog VerticalScroll { height: auto; max-height: 16; }
    """

    def __init__(self, title: str, text: str, *, dialog_id: str | None = None):
        super().__init__(id=dialog_id)
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self.title_text), classes="dialog-title")
            with VerticalScroll():
                yield Static(plain(self.text, multiline=True), classes="dialog-text",
                             id="message-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("OK"), variant="primary", id="ok")

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class NumbersDialog(Registered, ModalScreen[bool]):
    """A dialog that changes one number or a selection of numbers (``ids``, given as
    subscriber ids). It dismisses with True when something changed (escape / Close).
    For a selection, subclasses show what would change in ``_preview`` while the
    fields change; ``MESSAGE_ID`` names the Static that ``_message`` writes to."""

    ACTIONS = NUMBERS_DIALOG
    MESSAGE_ID = "message"

    def __init__(self, ids):
        super().__init__()
        self.ids = sorted({int(i) for i in ids})
        self.changed = False
        self.can_edit = False  # set by compose from the role

    @property
    def single(self) -> bool:
        return len(self.ids) == 1

    def _message(self, text: str) -> None:
        self.query_one(f"#{self.MESSAGE_ID}", Static).update(plain(text, multiline=True))

    def _preview(self) -> None:
        """A selection's preview of the change (nothing by default)."""

    def on_input_changed(self, event) -> None:
        if not self.single and self.can_edit and self.is_mounted:
            self._preview()

    def on_select_changed(self, event) -> None:
        if not self.single and self.can_edit and self.is_mounted:
            self._preview()

    def action_close(self) -> None:
        self.dismiss(self.changed)


class SaveCancelDialog(Registered, ModalScreen):
    """A form: enter in an input or the button ``save`` calls ``action_save``; any other
    button or escape cancels (dismisses with None)."""

    ACTIONS = FORM

    def on_input_submitted(self, event) -> None:
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)
