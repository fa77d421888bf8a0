"""Temporary files of work in progress that a killed process would leave behind.

A writer that builds a file next to its target (an export's hidden ``.NAME.*.part``)
registers it here for as long as it writes: a small record in the data folder's
``partial/`` names the process and the file. A process killed with -9 cannot clean up,
so every start of corptui (``sweep()``, called by the CLI before any command and so by
the app) removes the files whose process is gone, and their records."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from corptui import locations


def _folder() -> Path:
    return locations.data_dir() / "partial"


@contextlib.contextmanager
def track(path: str | os.PathLike):
    """Register ``path`` while the block runs (it is the caller's to remove on errors)."""
    import secrets

    record = None
    try:
        folder = _folder()
        folder.mkdir(parents=True, exist_ok=True)
        record = folder / f"{os.getpid()}-{secrets.token_hex(4)}"
        record.write_text(os.path.abspath(os.fspath(path)), encoding="utf-8")
    except OSError:  # no data folder: the work goes on untracked
        record = None
    try:
        yield
    finally:
        if record is not None:
            record.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep() -> int:
    """Remove the partial files of processes that are gone; returns how many."""
    folder = _folder()
    if not folder.is_dir():
        return 0
    removed = 0
    for record in folder.iterdir():
        pid_text = record.name.split("-", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        try:
            target = Path(record.read_text(encoding="utf-8").strip())
            # only what a tracked writer makes: a hidden .part file
            if target.name.startswith(".") and target.name.endswith(".part") and target.is_file():
                target.unlink()
                removed += 1
            record.unlink(missing_ok=True)
        except OSError:
            continue
    return removed
