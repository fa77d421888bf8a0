"""Help (F1): the keys of the screen under it and of every section, from the action
registries (screens.actions), marked with who may use them; the hotline numbers. Each
description wraps under itself, not to column 0."""

from __future__ import annotations

import textwrap

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from corptui import config
from corptui.i18n import _
from screens.actions import APP, Registry, all_registries
from screens.actions.app import app_actions
from screens.actions.common import HELP
from screens.actions.keys import key_text
from screens.widgets.registered import Registered, bound_keys, role_of

WIDTH = 70  # the text inside the help box (76 columns, border, padding, scroll bar)
KEY_WIDTH = 11


def rows_text(rows: list[tuple[str, str]], key_width: int = KEY_WIDTH) -> list[str]:
    """ "  key        text" lines; a long text wraps under itself, a long key gets a line."""
    out = []
    room = WIDTH - 2 - key_width
    for key, text in rows:
        lines = textwrap.wrap(text, room) or [""]
        if len(key) >= key_width:
            out.append(f"  {key}")
            out += [" " * (2 + key_width) + line for line in lines]
            continue
        out.append(f"  {key:<{key_width}}{lines[0]}")
        out += [" " * (2 + key_width) + line for line in lines[1:]]
    return out


def registry_rows(registry: Registry, role: str | None, keys=None) -> list[tuple[str, str]]:
    rows = []
    for a in registry.actions:
        key = (keys or {}).get(registry.binding_id(a)) or key_text(a.keys, every=True)
        text = f"{_(a.label)}: {_(a.description)}" if a.description else _(a.label)
        mark = a.mark(role)
        rows.append((key, f"{text} ({mark})" if mark else text))
    return rows


class HelpScreen(Registered, ModalScreen):
    ACTIONS = HELP
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    #help { width: 76; height: 22; }
    """

    def __init__(self, screen_keys: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(**kwargs)
        self._screen_keys = screen_keys

    def under(self):
        stack = [s for s in self.app.screen_stack if s is not self]
        return stack[-1] if stack else None

    def screen_rows(self) -> tuple[str, list[tuple[str, str]]]:
        """The heading and the keys of the screen under the help (its registry, with the
        keys the user keymap gave them)."""
        if self._screen_keys is not None:
            return _("This screen"), self._screen_keys
        under = self.under()
        registry = getattr(under, "ACTIONS", None)
        if under is None or registry is None or registry is APP:
            return "", []
        keys = {bid: " ".join(shown) for bid, shown in bound_keys(self.app, under).items()}
        title = _("This screen: {title}").format(title=_(registry.title))
        return title, registry_rows(registry, role_of(self.app), keys)

    def lines(self) -> list[str]:
        role = role_of(self.app)
        lines: list[str] = []
        title, rows = self.screen_rows()
        if rows:
            lines += [title, *rows_text(rows), ""]
        lines += [_("Keys everywhere (^ is the Ctrl key)")]
        lines += rows_text([(key_text(a.keys), f"{_(a.label)}: {_(a.description)}")
                            for a in app_actions() if a.keys])
        lines += rows_text([(key_text("ctrl+p"), _("Commands: every action by name")),
                            (key_text("ctrl+q"), _("Quit"))])
        settings, error = config.load_or_defaults()
        lines += ["", _("Operator hotline")]
        lines += rows_text([(num, _(who)) for num, who in config.hotlines(settings)], 17)
        social = config.social_links(settings)
        if social:
            lines += ["", _("Operator online (social networks)")]
            lines += rows_text(social, 17)
        if error:
            lines += ["", *textwrap.wrap(_("config.toml not read: {error}").format(
                error=error), WIDTH)]
        under = getattr(self.under(), "ACTIONS", None)
        by_name = {r.name: r for r in all_registries()}
        for a in app_actions():
            registry = by_name.get(a.section)
            if registry is None or registry is under or not registry.actions:
                continue
            lines += ["", _("{title} (section)").format(title=_(registry.title))]
            lines += rows_text(registry_rows(registry, role))
        return lines

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help", classes="dialog-frame"):
            yield Static(Content("\n".join(self.lines())))

    def action_close(self) -> None:
        self.app.pop_screen()
