"""A labelled form field with its own error line (field-level messages)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static, TextArea

from corptui.i18n import _
from screens.widgets.safe import plain


class Field(Vertical):
    """``max_length`` is the longest value the use case takes: a longer one (typed or
    pasted) is kept as it is and said to be too long under the field at once, and the
    use case refuses it on save; it is never cut silently. The input itself holds at
    most ``INPUT_CAP`` times that (a pasted megabyte is not kept)."""

    INPUT_CAP = 20
    DEFAULT_CSS = """
    Field { height: auto; }
    Field > Horizontal { height: auto; }
    Field Label { width: 18; padding-top: 1; }
    Field Input { width: 1fr; }
    Field TextArea { width: 1fr; height: 5; }
    Field .field-error { height: auto; padding-left: 18; color: $error; text-style: bold; display: none; }
    """

    def __init__(self, label: str, name: str, *, password: bool = False, value: str = "",
                 placeholder: str = "", multiline: bool = False, max_length: int = 0):
        super().__init__(id=f"field-{name}")
        self.label = label
        self.field_name = name
        self.password = password
        self.value0 = value
        self.placeholder = placeholder
        self.multiline = multiline
        self.max_length = max_length

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(self.label)
            if self.multiline:
                yield TextArea(self.value0, id=self.field_name, soft_wrap=True)
            else:
                yield Input(self.value0, placeholder=self.placeholder, password=self.password,
                            id=self.field_name,
                            max_length=self.max_length * self.INPUT_CAP)
        error = Static("", classes="field-error", id=f"error-{self.field_name}")
        error.display = False  # shown by set_error
        yield error

    def on_input_changed(self, event: Input.Changed) -> None:
        if not self.max_length or event.input.id != self.field_name:
            return
        count = len(event.value)
        if count > self.max_length:
            self._too_long = True
            self.set_error(_("at most {max_len} characters ({count} given)").format(
                max_len=self.max_length, count=count))
        elif getattr(self, "_too_long", False):
            self._too_long = False
            self.set_error(None)

    @property
    def value(self) -> str:
        widget = self.query_one(f"#{self.field_name}")
        return widget.text if isinstance(widget, TextArea) else widget.value

    def set_error(self, message: str | None) -> None:
        error = self.query_one(f"#error-{self.field_name}", Static)
        text = message or ""
        error.update(plain(("x " + text[:1].upper() + text[1:]) if text else ""))
        error.display = bool(text)


def show_errors(screen, errors: dict[str, str]) -> None:
    """Put each message under its field; clear the others; focus the first bad one."""
    first = None
    for field in screen.query(Field):
        message = errors.get(field.field_name)
        field.set_error(message)
        if message and first is None:
            first = field
    if first is not None:
        first.query_one(f"#{first.field_name}").focus()


class ChoiceField(Field):
    """A field whose value is one of ``options`` ((label, value), ...): a compact Select
    (no free text to get wrong), with the same error line and ``value`` as a Field."""

    def __init__(self, label: str, name: str, options, *, value=None):
        super().__init__(label, name, value="" if value is None else str(value))
        self.options = list(options)

    def compose(self) -> ComposeResult:
        from rich.text import Text
        from textual.widgets import Select

        values = [v for _label, v in self.options]
        start = self.value0 if self.value0 in values else (values[0] if values else None)
        with Horizontal():
            yield Label(self.label)
            yield Select([(Text(label), v) for label, v in self.options], value=start,
                         allow_blank=False, compact=True, id=self.field_name)
        error = Static("", classes="field-error", id=f"error-{self.field_name}")
        error.display = False
        yield error

    @property
    def value(self) -> str:
        from textual.widgets import Select

        chosen = self.query_one(f"#{self.field_name}", Select).value
        return "" if chosen is Select.NULL else str(chosen)

    def set_options(self, options, value=None) -> None:
        """New choices (e.g. the days of another period), keeping ``value`` if offered."""
        from rich.text import Text
        from textual.widgets import Select

        self.options = list(options)
        select = self.query_one(f"#{self.field_name}", Select)
        values = [v for _label, v in self.options]
        keep = value if value in values else values[0]
        select.set_options([(Text(label), v) for label, v in self.options])
        select.value = keep
