"""rate_month (issue 19): rating one month of --calls call records (default 1,000,000)
for --numbers numbers (default 100,000) with ``corptui.rating.billing
.rate_company_month`` on SQLite: every record's cost and charge line written, the fee
shares, option fees and usage lines of every number. Target: under 20 s and within 3x
of the floor.

The floor is the same aggregation in set-based raw SQL (sqlite3): every record's cost by
one UPDATE with the per-class prices as CASE expressions (no bundles: a lower bound),
the usage lines by one INSERT ... SELECT ... GROUP BY, the fee lines by one INSERT ...
SELECT, and each record's line id by one UPDATE ... FROM. Also reported: the CPU time
of both (``cpu_seconds``, ``floor_cpu_seconds``, ``cpu_ratio``: the machine is shared, and
wall time then says more about the neighbours than about the code),
``rerate_seconds`` (the month rated again: idempotent, nothing written) and the line and
record counts. The database is made by this module (raw inserts, records in time order
as a feed brings them), once per workdir."""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sqlite3
import time
from pathlib import Path

MONTH = dt.date(2026, 10, 1)


def _build(path: Path, numbers: int, calls: int) -> None:
    from corptui.database import close_database, open_database
    from corptui.rating import plans
    from storage.db import database

    tmp = path.with_suffix(".tmp.db")
    for suffix in ("", "-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    open_database(f"sqlite:///{tmp}", create=True)
    from decimal import Decimal

    from storage.models import Company, Option, PersonalAccount, Tariff

    codes = list(plans.DEMO_TARIFF_RATES)
    fees = {"biz-start": 350, "biz-optimum": 590, "biz-max": 990, "biz-unlim": 1490,
            "iot-data": 150, "biz-2019": 450}
    ocodes = list(plans.DEMO_OPTION_RATES)
    with database.atomic():
        Company.create(id=1, name="ООО «Бенч»", inn="7701234560")
        PersonalAccount.create(id=1, company=1, number="501000000001", name="Основной")
        for i, c in enumerate(codes):
            Tariff.create(id=i + 1, code=c, name=c, monthly_fee=Decimal(fees[c]),
                          rates=plans.DEMO_TARIFF_RATES[c])
        for i, c in enumerate(ocodes):
            Option.create(id=i + 1, code=c, name=c, monthly_fee=Decimal(300),
                          rates=plans.DEMO_OPTION_RATES[c])
    close_database()
    raw = sqlite3.connect(tmp)
    rng = random.Random(19)
    created = "2026-01-01 00:00:00.000000"
    raw.executemany(
        "INSERT INTO subscriber (id, company_id, account_id, msisdn, tariff_id, status, "
        "full_name, position, search_text, version, created_at, updated_at) "
        "VALUES (?, 1, 1, ?, ?, 'active', '', '', '', 1, ?, ?)",
        [(i + 1, f"79{100_000_000 + i}", rng.randrange(len(codes)) + 1, created, created)
         for i in range(numbers)])
    raw.executemany(
        "INSERT INTO subscriber_option (subscriber_id, option_id, state, connected_from, "
        "created_at) VALUES (?, ?, 'active', ?, ?)",
        [(i + 1, rng.randrange(len(ocodes)) + 1, created, created)
         for i in range(numbers) if rng.random() < 0.3])
    # a tariff change mid-month for 1% of the numbers
    raw.executemany(
        "INSERT INTO tariff_history (subscriber_id, valid_from, tariff_id, previous_id) "
        "VALUES (?, '2026-10-16 00:00:00.000000', ?, ?)",
        [(i + 1, 2, 1) for i in range(0, numbers, 100)])
    seconds = 31 * 86400
    start = dt.datetime(2026, 10, 1)
    times = sorted(rng.randrange(seconds) for _ in range(calls))
    rnd = rng.random

    def gen():
        for k, s in enumerate(times):
            sid = int(rnd() * numbers) + 1
            t = (start + dt.timedelta(seconds=s)).strftime("%Y-%m-%d %H:%M:%S.000000")
            r = rnd()
            if r < 0.7:
                kind, dur, vol = "voice", 5 + int(rnd() * 600), 0
            elif r < 0.85:
                kind, dur, vol = "sms", 0, 0
            else:
                kind, dur, vol = "data", 0, 100 + int(rnd() * 200_000)
            roaming = 1 if rnd() < 0.02 else 0
            direction = "out" if rnd() < 0.55 else "in"
            to = f"79{100_000_000 + int(rnd() * 900_000_000)}" if kind != "data" else "internet"
            yield (sid, t, direction, kind, to, dur, vol, roaming,
                   "europe" if roaming and k % 2 else "", 0)

    raw.executemany("INSERT INTO call_record (subscriber_id, started_at, direction, kind, "
                    "counterpart, duration_seconds, volume_kb, roaming, roaming_zone, cost) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", gen())
    raw.commit()
    raw.execute("ANALYZE")
    raw.close()
    tmp.replace(path)
    del database


FLOOR_SQL = [
    # every record's cost: per-class flat prices (no bundles)
    """UPDATE call_record SET cost = CASE
         WHEN roaming = 1 THEN CASE kind WHEN 'voice' THEN (duration_seconds + 59) / 60 * 9900
                                         WHEN 'sms' THEN 2500 ELSE volume_kb * 9900 / 1024 END
         WHEN kind = 'voice' AND direction = 'out' THEN (duration_seconds + 59) / 60 *
              CASE WHEN substr(counterpart, 1, 4) IN ('7950', '7951', '7977') THEN 0 ELSE 250 END
         WHEN kind = 'sms' AND direction = 'out' THEN 250
         WHEN kind = 'data' THEN volume_kb * 15 / 1024 ELSE 0 END
       WHERE started_at >= '2026-10-01' AND started_at < '2026-11-01'""",
    """INSERT INTO charge (company_id, account_id, subscriber_id, kind, period, amount,
                           description, created_at)
       SELECT 1, 1, subscriber_id, CASE WHEN roaming = 1 THEN 'roaming' WHEN kind = 'voice'
              THEN 'calls' ELSE kind END AS k, '2026-10-01', SUM(cost), '', '2026-11-01'
       FROM call_record WHERE started_at >= '2026-10-01' AND started_at < '2026-11-01'
       GROUP BY subscriber_id, k""",
    """INSERT INTO charge (company_id, account_id, subscriber_id, kind, period, amount,
                           description, created_at)
       SELECT 1, s.account_id, s.id, 'subscription', '2026-10-01', t.monthly_fee, t.name,
              '2026-11-01' FROM subscriber s JOIN tariff t ON t.id = s.tariff_id""",
    """UPDATE call_record SET charge_id = c.id FROM charge c
       WHERE c.subscriber_id = call_record.subscriber_id AND c.period = '2026-10-01'
         AND c.kind = CASE WHEN call_record.roaming = 1 THEN 'roaming'
                           WHEN call_record.kind = 'voice' THEN 'calls' ELSE call_record.kind END
         AND call_record.started_at >= '2026-10-01' AND call_record.started_at < '2026-11-01'""",
]


def _floor(path: Path) -> float:
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA journal_mode = WAL")
    start, cpu = time.perf_counter(), time.process_time()
    with raw:
        for sql in FLOOR_SQL:
            raw.execute(sql)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    raw.close()
    return seconds, cpu


def bench_rate_month(args) -> dict:
    from corptui.database import close_database, open_database
    from corptui.rating import billing

    base = Path(args.workdir) / f"rate-{args.numbers}-{args.calls}.db"
    if not base.exists():
        _build(base, args.numbers, args.calls)
    work = Path(args.workdir) / "rate-work.db"
    shutil.copy(base, work)
    floor, floor_cpu = _floor(work)
    shutil.copy(base, work)
    for suffix in ("-wal", "-shm"):
        Path(str(work) + suffix).unlink(missing_ok=True)
    open_database(f"sqlite:///{work}")
    now = dt.datetime(2026, 11, 1, 3, tzinfo=dt.UTC)
    start, cpu = time.perf_counter(), time.process_time()
    stats = billing.rate_company_month(1, MONTH, now=now)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    start = time.perf_counter()
    again = billing.rate_company_month(1, MONTH, now=now)
    rerate = time.perf_counter() - start
    close_database()
    return {"n": args.calls, "numbers": args.numbers, "seconds": seconds,
            "floor_seconds": floor, "cpu_seconds": round(cpu, 3),
            "floor_cpu_seconds": round(floor_cpu, 3), "cpu_ratio": round(cpu / floor_cpu, 2),
            "rerate_seconds": round(rerate, 3),
            "records": stats["records"], "lines": stats["lines_new"],
            "records_written": stats["records_written"],
            "rerate_records_written": again["records_written"],
            "target_seconds": 20, "target_ratio": 3}


BENCHES = {"rate_month": bench_rate_month}
