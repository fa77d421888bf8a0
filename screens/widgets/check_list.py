"""A small list of checkboxes that reads without colour ("[x]" / "[ ]"), built on the
virtual table: space toggles, arrows move."""

from __future__ import annotations

from corptui.i18n import _
from screens.widgets.virtual_table import Column, VirtualTable


class CheckList(VirtualTable):
    DEFAULT_CSS = "CheckList { height: 1fr; border: tall $border-blurred; } CheckList:focus { border: tall $border; }"

    def __init__(self, items: list[tuple[object, str]], selected=(), title: str = "Name",
                 *, id: str | None = None, disabled: bool = False):
        self._values = [value for value, _ in items]
        self._rows = {i: {"id": i, "label": label} for i, (_, label) in enumerate(items)}
        super().__init__([Column("label", title, 10, flex=1)],
                         lambda ids: {i: self._rows[i] for i in ids if i in self._rows},
                         lambda row, key: row.get(key, ""), checkboxes=True, id=id,
                         empty_text=_("(none yet)"))
        wanted = set(selected)
        self.selected = {i for i, v in enumerate(self._values) if v in wanted}
        self.disabled = disabled

    def on_mount(self) -> None:
        self.set_ids(list(range(len(self._values))))

    @property
    def values(self) -> list:
        return [self._values[i] for i in sorted(self.selected)]
