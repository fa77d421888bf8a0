"""A one-line footer of the current keys, drawn as text (Textual's Footer builds a widget
per key and recomposes on every focus change: ~75 ms a screen switch). Clicking a key
presses it. Disabled keys are left out, and so are the actions the user's role may not do
(screens.actions); the order is the bindings' order."""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.content import Content
from textual.widget import Widget

from corptui.i18n import _
from screens.actions.keys import key_text
from screens.widgets.registered import action_of, role_of


class KeysFooter(Widget):
    DEFAULT_CSS = """
    KeysFooter { dock: bottom; height: 1; background: $footer-background;
        color: $footer-foreground; }
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._items: list[tuple[int, int, str]] = []  # (start, end, key)
        self._content = Content("")
        self._parts: list[Content] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen) -> None:
        parts: list[Content] = []
        items: list[tuple[int, int, str]] = []
        pos = 1
        seen: set[str] = set()
        role = role_of(self.app)
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.show or not active.enabled or binding.action in seen:
                continue
            entry = action_of(active.node, binding)
            if entry is not None and entry.denied(role):
                continue
            seen.add(binding.action)
            shown = self.app.get_key_display(binding)
            label = _(binding.description) or binding.action
            text = f"{shown} {label}"
            parts.append(Content.assemble((shown, "bold"), " ", label))
            items.append((pos, pos + cell_len(text), key))
            pos += cell_len(text) + 2
        if self.app.ENABLE_COMMAND_PALETTE:
            commands = _("Commands")
            shown = key_text("ctrl+p")
            text = f"{shown} {commands}"
            parts.append(Content.assemble((shown, "bold"), " " + commands))
            items.append((pos, pos + cell_len(text), "ctrl+p"))
        self._items = items
        self._parts = parts
        self._content = Content(" ") + Content("  ").join(parts)
        self.refresh()

    @property
    def offered(self) -> str:
        """Every key the footer offers, as one line (what ``render`` draws when it fits)."""
        return str(self._content)

    def render(self) -> Content:
        """The keys that fit whole in the width, in order: a key that would be cut at the
        right edge is left out with the rest (F1 help lists them all), never drawn
        half ("^p Comm")."""
        width = self.size.width
        if not width or self._content.cell_length <= width:
            return self._content
        shown: list[Content] = []
        used = 1
        for part in self._parts:
            need = part.cell_length + (2 if shown else 0)
            if used + need > width:
                break
            shown.append(part)
            used += need
        return Content(" ") + Content("  ").join(shown)

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._items:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
