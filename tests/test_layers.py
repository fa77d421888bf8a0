"""Dependencies point one way: screens -> corptui -> storage. Checked on the source."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# corptui modules allowed to reach the UI: the composition root and the TUI commands.
UI_ENTRY_POINTS = {"corptui/app.py", "corptui/cli/tui.py"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def files(package: str):
    return sorted((ROOT / package).rglob("*.py"))


def test_storage_imports_neither_core_nor_ui():
    for path in files("storage"):
        bad = imports_of(path) & {"corptui", "screens", "textual", "rich"}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_core_imports_no_widgets():
    for path in files("corptui"):
        rel = str(path.relative_to(ROOT))
        if rel in UI_ENTRY_POINTS:
            continue
        bad = imports_of(path) & {"screens", "textual", "rich"}
        assert not bad, f"{rel} imports {bad}"


def test_screens_hold_no_queries():
    for path in files("screens"):
        bad = imports_of(path) & {"storage", "peewee", "sqlite3", "psycopg2"}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"
