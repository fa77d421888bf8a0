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
        self._content = Content(" ") + Content("  ").join(parts)
        self.refresh()

    def render(self) -> Content:
        return self._content

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._items:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
