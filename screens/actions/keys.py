"""One way of writing a key everywhere (footer, help, palette, menus, dialog buttons), as
the footer has it: "^g" (ctrl+g), "f12", "shift+f12", "/", "esc", "enter", "A" (shift+a).
No Textual import: the help text and the registries use it as plain data."""

from __future__ import annotations

NAMES = {
    "slash": "/", "question_mark": "?", "escape": "esc", "enter": "enter", "space": "space",
    "backspace": "backspace", "delete": "del", "pageup": "pgup", "pagedown": "pgdn",
    "up": "↑", "down": "↓", "left": "←", "right": "→", "tab": "tab", "minus": "-",
    "plus": "+", "left_square_bracket": "[", "right_square_bracket": "]",
    "full_stop": ".", "comma": ",", "home": "home", "end": "end", "insert": "ins",
}


def one_key(key: str) -> str:
    """"ctrl+g" -> "^g"; "slash" -> "/"; "shift+f12" stays."""
    *mods, base = key.strip().split("+")
    base = NAMES.get(base, base)
    if "ctrl" in mods:
        mods.remove("ctrl")
        base = f"^{base}"
    return "+".join([*mods, base])


def key_text(keys: str, *, every: bool = False) -> str:
    """The first of ``keys`` ("w,ctrl+f"), or all of them ("w ^f") with ``every``."""
    parts = [one_key(k) for k in keys.split(",") if k.strip()]
    if not parts:
        return ""
    return " ".join(parts) if every else parts[0]
