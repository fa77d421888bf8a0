"""``export_stream``: the memory an export of 300,000 rows needs (issue 21: constant memory,
RSS under 150 MB, to a file or to standard output).

``corptui export calls`` of the main company over the days that hold 300,000 call records
(found from the seeded database), as a user runs it: one fresh process per format (CSV,
XLSX, JSON to a file; CSV and JSON to standard output, read by this process and counted),
its peak RSS from the kernel (``wait4``); and ``corptui numbers list`` (CSV, JSON) of all
the company's numbers to standard output (run with ``--numbers 300000`` for 300k rows). Printed: ``rss_mb`` (the largest of them), and
per format the RSS and the seconds. Floor: a plain ``python -c`` that imports nothing (the
interpreter's own RSS and start)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

from common import ROOT, seeded_db

ROWS = 300_000


def _days_for(path: str, company: int, rows: int) -> tuple[str, str, int]:
    """The first and last day (UTC dates) whose calls add up to at least ``rows``."""
    import sqlite3

    raw = sqlite3.connect(path)
    days = raw.execute(
        "SELECT date(c.started_at), count(*) FROM call_record c JOIN subscriber s "
        "ON s.id = c.subscriber_id WHERE s.company_id = ? GROUP BY 1 ORDER BY 1",
        (company,)).fetchall()
    total = 0
    for day, n in days:
        total += n
        if total >= rows:
            return days[0][0], day, total
    return days[0][0], days[-1][0], total


def _run(cmd: list[str]) -> tuple[float, float, int]:
    """(seconds, peak RSS MB, bytes written to standard output) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    size = 0
    while chunk := proc.stdout.read(1 << 16):
        size += len(chunk)
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {err.decode(errors='replace')[-400:]}")
    return seconds, round(usage.ru_maxrss / 1024, 1), size


def export_stream(args) -> dict:
    import sqlite3

    path = seeded_db(args)
    company = sqlite3.connect(path).execute(
        "SELECT company_id FROM subscriber GROUP BY company_id ORDER BY count(*) DESC "
        "LIMIT 1").fetchone()[0]
    first, last, rows = _days_for(path, company, ROWS)
    folder = tempfile.mkdtemp(prefix="corptui-bench-stream-", dir=args.workdir)
    base = [sys.executable, "-m", "corptui", "--db", f"sqlite:///{path}", "export", "calls",
            "--company", str(company_name(path, company)), "--from", first, "--to", last]
    per = {}
    for fmt, target in (("csv", "file"), ("xlsx", "file"), ("json", "file"),
                        ("csv", "stdout"), ("json", "stdout")):
        out = "-" if target == "stdout" else os.path.join(folder, f"calls.{fmt}")
        seconds, rss, size = _run(base + ["--format", fmt, "--output", out, "--force"])
        if target == "file":
            size = os.path.getsize(out)
            os.unlink(out)
        per[f"{fmt}_{target}"] = {"seconds": round(seconds, 3), "rss_mb": rss, "bytes": size}
    numbers = [sys.executable, "-m", "corptui", "--db", f"sqlite:///{path}", "numbers", "list",
               "--company", str(company_name(path, company))]
    for fmt in ("csv", "json"):  # the numbers list (all the company's numbers) to stdout
        seconds, rss, size = _run(numbers + ["--format", fmt])
        per[f"numbers_{fmt}_stdout"] = {"seconds": round(seconds, 3), "rss_mb": rss,
                                        "bytes": size, "rows": args.numbers}
    floor_s, floor_rss, _size = _run([sys.executable, "-c", "pass"])
    worst = max(per, key=lambda k: per[k]["rss_mb"])
    return {"n": rows, "seconds": max(v["seconds"] for v in per.values()),
            "floor_seconds": floor_s, "rss_mb": per[worst]["rss_mb"], "worst": worst,
            "per_format": per, "floor_rss_mb": floor_rss, "days": [first, last],
            "target_rss_mb": 150}


def company_name(path: str, company: int) -> str:
    import sqlite3

    return sqlite3.connect(path).execute("SELECT name FROM company WHERE id = ?",
                                         (company,)).fetchone()[0]


BENCHES = {"export_stream": export_stream}
