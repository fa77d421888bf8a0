"""Helpers shared by the benchmarks: a seeded database reused across benchmarks."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def seeded_db(args, numbers: int | None = None, calls: int | None = None) -> str:
    """Path of an SQLite database seeded with the demo data (made once per workdir)."""
    numbers = numbers or args.numbers
    calls = args.calls if calls is None else calls
    path = Path(args.workdir) / f"seeded-{numbers}-{calls}.db"
    if not path.exists():
        tmp = path.with_suffix(".tmp.db")
        for suffix in ("", "-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
        subprocess.run(
            [sys.executable, "-m", "corptui", "--db", f"sqlite:///{tmp}", "db", "seed",
             "--numbers", str(numbers), "--calls", str(calls)],
            check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
        )
        os.replace(tmp, path)
        for suffix in ("-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
    return str(path)


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
