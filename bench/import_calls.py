"""Benchmark `import_calls` (issue 19): 1,000,000 call/SMS/data records of 100,000 numbers
from a CSV in the export's fields plus record_id, imported by `corptui.call_import`
(streamed, one transaction, idempotent by record id) into an SQLite database that has
the numbers and no records. Target: under 30 s and under 300 MB of memory (the process's
peak RSS, the file being ~70 MB). The months' re-rating that follows the import is the
rating engine's work (benchmark ``rate_month``) and is timed apart (``rating_seconds``,
with ``--rate``). The floor: the same file read with the csv module and the same rows
inserted with the raw sqlite3 module.

``python bench/import_calls.py [--records N] [--numbers N] [--rate]`` prints one JSON
line (also run by ``python bench/run.py import_calls``)."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

HEADER = ("record_id,started_at,number,direction,kind,counterpart,duration_seconds,volume_kb,"
          "roaming\n")


def _numbers(n: int) -> list[str]:
    return [f"7926{i:07d}" for i in range(n)]


def write_file(path: str, records: int, numbers: int) -> None:
    msisdns = _numbers(numbers)
    start = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    step = (31 * 86400) / records
    kinds = ("voice", "voice", "voice", "sms", "data")
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(HEADER)
        for i in range(records):
            at = start + dt.timedelta(seconds=int(i * step))
            kind = kinds[i % 5]
            fh.write(f"op-{i},{at.isoformat()},{msisdns[(i * 7919) % numbers]},"
                     f"{'in' if i % 3 == 0 else 'out'},{kind},"
                     f"{'internet' if kind == 'data' else f'7916{i % 9999999:07d}'},"
                     f"{(i % 600) if kind == 'voice' else 0},"
                     f"{(i % 50000) if kind == 'data' else 0},{'yes' if i % 97 == 0 else 'no'}\n")


def _database(path: str, numbers: int) -> int:
    from corptui.database import open_database
    from storage.db import database
    from storage.models import Company, PersonalAccount

    open_database(f"sqlite:///{path}", create=True)
    company = Company.create(name="ООО «Северный ветер»", inn="7701234560")
    acc = PersonalAccount.create(company=company, number="501000000001")
    with database.atomic():
        database.cursor().executemany(
            "INSERT INTO subscriber (company_id, account_id, msisdn, status, full_name, "
            "position, search_text, version, created_at, updated_at) VALUES "
            "(?, ?, ?, 'active', '', '', '', 1, '2026-01-01', '2026-01-01')",
            [(company.id, acc.id, m) for m in _numbers(numbers)])
    return company.id


def _floor(path: str, file: str) -> float:
    con = sqlite3.connect(path)
    ids = dict(con.execute("SELECT msisdn, id FROM subscriber").fetchall())
    start = time.perf_counter()
    with open(file, encoding="utf-8", newline="") as fh, con:
        reader = csv.reader(fh)
        next(reader)
        rows = ((ids[r[2]], dt.datetime.fromisoformat(r[1]).replace(tzinfo=None).isoformat(
            " ", "microseconds"), r[3], r[4], r[5], int(r[6]), int(r[7]), r[8] == "yes", "",
            0, r[0]) for r in reader)
        con.executemany(
            "INSERT INTO call_record (subscriber_id, started_at, direction, kind, counterpart, "
            "duration_seconds, volume_kb, roaming, roaming_zone, cost, record_id) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (subscriber_id, record_id) DO NOTHING",
            rows)
    seconds = time.perf_counter() - start
    con.execute("DELETE FROM call_record")
    con.commit()
    con.close()
    return seconds


def run(records: int = 1_000_000, numbers: int = 100_000, workdir: str | None = None,
        rate: bool = False) -> dict:
    from corptui import call_import
    from corptui.database import close_database
    from corptui.session import Session
    from storage.models import CallRecord

    workdir = workdir or tempfile.mkdtemp(prefix="corptui-bench-")
    os.makedirs(workdir, exist_ok=True)
    db = os.path.join(workdir, "import_calls.db")
    for suffix in ("", "-wal", "-shm"):
        Path(db + suffix).unlink(missing_ok=True)
    company_id = _database(db, numbers)
    file = os.path.join(workdir, f"calls-{records}-{numbers}.csv")
    if not os.path.exists(file):
        write_file(file, records, numbers)
    close_database()
    floor = _floor(db, file)
    from corptui.database import open_database

    open_database(f"sqlite:///{db}")
    session = Session.system(company_id, "bench")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start, cpu = time.perf_counter(), time.process_time()
    result = call_import.apply(session, file, rate=False)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert result.error_count == 0 and result.inserted == records, result.report()
    stored = CallRecord.select().count()
    out = {"n": records, "numbers": numbers, "seconds": seconds, "floor_seconds": floor,
           "cpu_seconds": round(cpu, 2), "rss_mb": round(rss, 1),
           "rss_before_mb": round(rss_before, 1), "records_stored": stored,
           "file_mb": round(os.path.getsize(file) / 2**20, 1),
           "target_seconds": 30.0, "target_rss_mb": 300,
           "within_target": seconds < 30.0 and rss < 300}
    if rate:
        start = time.perf_counter()
        call_import._rerate_months(company_id, {dt.date(2026, 10, 1)})
        out["rating_seconds"] = round(time.perf_counter() - start, 2)
    close_database()
    return out


def bench(args) -> dict:
    return run(args.calls, args.numbers, args.workdir)


BENCHES = {"import_calls": bench}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--numbers", type=int, default=100_000)
    parser.add_argument("--workdir", default="")
    parser.add_argument("--rate", action="store_true")
    a = parser.parse_args()
    from run import finish

    print(json.dumps(finish("import_calls", run(a.records, a.numbers, a.workdir or None,
                                                a.rate)), ensure_ascii=False))
