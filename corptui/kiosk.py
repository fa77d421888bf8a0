"""Sales-office kiosk: a demo database that resets itself. A pristine seeded copy is made
once; each visit runs on a working copy that is replaced by the pristine one after N idle
minutes and at every logout, so nothing a visitor does persists."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from corptui import config, locations

DEFAULT_IDLE_MINUTES = 3
DEFAULT_NUMBERS = 2000


def kiosk_dir() -> Path:
    return locations.data_dir() / "kiosk"


def settings() -> dict:
    data, _ = config.load_or_defaults()
    k = data.get("kiosk") or {}
    return {
        "pin": str(os.environ.get("CORPTUI_KIOSK_PIN") or k.get("pin") or ""),
        "idle_minutes": float(k.get("idle_minutes") or DEFAULT_IDLE_MINUTES),
    }


def pristine_path(today=None) -> Path:
    """The pristine demo of ``today`` (UTC): the demo is about the day it is shown."""
    from storage.fields import utcnow

    day = today or utcnow().date()
    return kiosk_dir() / f"pristine-{day.isoformat()}.db"


def prepare(numbers: int = DEFAULT_NUMBERS, progress=None) -> tuple[Path, Path]:
    """(pristine, working) database paths; seeds the pristine copy of today on first use
    (the demo's generator, as of today) and removes those of earlier days."""
    from corptui import demo
    from corptui.database import close_database, open_database
    from storage.db import database

    folder = kiosk_dir()
    folder.mkdir(parents=True, exist_ok=True)
    pristine = pristine_path()
    working = folder / "session.db"
    for old in folder.glob("pristine*.db"):
        if old != pristine:
            _remove(old)
    if not pristine.exists():
        tmp = folder / "pristine.tmp.db"
        _remove(tmp)
        open_database(f"sqlite:///{tmp}")
        demo.seed(numbers=numbers, progress=progress)
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        close_database()
        _remove(tmp, only_sidecars=True)
        os.replace(tmp, pristine)
    return pristine, working


def reset(pristine: Path, working: Path) -> str:
    """Replace the working copy by the pristine one (the database must be closed)."""
    _remove(working)
    tmp = working.with_suffix(".tmp")
    shutil.copyfile(pristine, tmp)
    os.replace(tmp, working)
    return f"sqlite:///{working}"


def _remove(path: Path, only_sidecars: bool = False) -> None:
    for suffix in ("-wal", "-shm", "-journal") if only_sidecars else ("", "-wal", "-shm",
                                                                      "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def check_pin(entered: str) -> bool:
    import hmac

    pin = settings()["pin"]
    return bool(pin) and hmac.compare_digest(pin.encode(), (entered or "").encode())
