"""One choice out of a few, as a list that reads without colour: "(x)" marks the chosen
row, the header names the setting. Arrows move, space, enter or a click chooses.

One Line-API widget (the virtual table) instead of a Select's six: the settings screen
opens in under 100 ms."""

from __future__ import annotations

from textual.message import Message
from textual.widgets import RadioButton

from screens.widgets.safe import safe_text
from screens.widgets.virtual_table import Column, VirtualTable


class RadioList(VirtualTable):
    DEFAULT_CSS = """
    RadioList { height: auto; max-height: 8; }
    """

    class Changed(Message):
        def __init__(self, radio_list: RadioList, value) -> None:
            super().__init__()
            self.radio_list = radio_list
            self.value = value

        @property
        def control(self) -> RadioList:
            return self.radio_list

    def __init__(self, items: list[tuple[object, str]], value, title: str, *,
                 id: str | None = None):
        self._values = [v for v, _label in items]
        self._labels = [label for _v, label in items]
        super().__init__([Column("label", title, 10, flex=1)], self._rows, self._cell,
                         checkboxes=False, id=id)
        self._value = value if value in self._values else self._values[0]

    def _rows(self, ids: list[int]) -> dict[int, dict]:
        return {i: {"id": i} for i in ids if 0 <= i < len(self._values)}

    def _cell(self, row: dict, key: str) -> str:
        i = row["id"]
        mark = "(x)" if self._values[i] == self._value else "( )"
        return f"{mark} {safe_text(self._labels[i])}"

    def on_mount(self) -> None:
        self.set_ids(list(range(len(self._values))))
        self.cursor = self._values.index(self._value)

    @property
    def value(self):
        return self._value

    @value.setter
    def value(self, value) -> None:
        if value not in self._values:
            raise ValueError(f"not a choice: {value!r}")
        changed = value != self._value
        self._value = value
        if self.is_mounted:
            self.cursor = self._values.index(value)
            self.refresh()
        if changed:
            self.post_message(self.Changed(self, value))

    def _choose(self) -> None:
        if self.cursor_id is not None:
            self.value = self._values[self.cursor_id]

    def action_toggle(self) -> None:
        self._choose()

    def action_open(self) -> None:
        self._choose()

    def on_virtual_table_opened(self, event: VirtualTable.Opened) -> None:
        event.stop()

    def on_click(self, event) -> None:
        super().on_click(event)
        if event.y > 0:  # a row, not the header: choose it
            self._choose()



class MarkedRadioButton(RadioButton):
    """A RadioButton whose dot is drawn on the chosen row only (Textual's draws "●" on
    every row and tells them apart by colour alone: unreadable without colour)."""

    @property
    def _button(self):
        self.BUTTON_INNER = "●" if self.value else " "
        return super()._button
