"""User text on screen: never markup, never terminal control codes."""

from __future__ import annotations

import re

from textual.content import Content

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe_text(text, multiline: bool = False) -> str:
    """Plain text with control characters (ESC, BEL, CR...) shown as '?'; newlines and
    tabs become spaces unless ``multiline``."""
    if text is None:
        return ""
    text = str(text).replace("\t", " ")
    if multiline:
        return "\n".join(_CONTROL.sub("?", line) for line in text.split("\n"))
    return _CONTROL.sub("?", text.replace("\r\n", " ").replace("\n", " "))


def plain(text, multiline: bool = False) -> Content:
    """A Content of user text: shown literally, `[/]` and `[@click=...]` included."""
    return Content(safe_text(text, multiline))
