"""The normalised search column: casefold, ё->е, single spaces. Written by the app for
every subscriber, because SQLite's LIKE and lower() do not fold Cyrillic case."""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    return _SPACES.sub(" ", (text or "").casefold().replace("ё", "е")).strip()


def search_key(full_name: str, position: str = "") -> str:
    return fold(f"{full_name or ''} | {position or ''}")[:420]
