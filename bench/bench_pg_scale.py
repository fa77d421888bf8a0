"""``pg_scale``: one company's queries do not grow with what the other companies hold
(docs/scale.md), on the local PostgreSQL (127.0.0.1:5432/test; CORPTUI_BENCH_PG_URL to
change), in a schema of its own (``bench_pg_scale``, dropped at the end: the table takes a
few GB of disk).

corptui's own schema (``open_database`` creates it) with 100 companies of 1,000 numbers
each. The measured company holds a fixed 100,000 call records over 2026 and its charges
and payments; the other 99 companies' call records (and their charges, one per 10 calls)
are generated inside PostgreSQL (``INSERT ... SELECT ... generate_series``, not row by row
from Python) until the table holds 1M, then 3M, then 10M records. At each size, after
ANALYZE, the median of 5 runs of what the measured company does, through corptui's own
use cases:

- month_view: the calls screen's first page of June (``calls.query``, 100 rows in time
  order) and its totals (``calls.totals``);
- reconciliation: the reconciliation act's figures for the year
  (``documents.reconciliation``: charges and payments by month, opening and closing);
- rating_job: the rating job of one month as it exists on main when this runs. Helper c1's
  rating engine had not landed when this benchmark was written: what is measured is the
  job's claim from the shared queue (``jobs.claim``: FOR UPDATE SKIP LOCKED, with a queued
  job for each of the 100 companies) and the month's usage the engine reads (per number and
  kind: count, seconds, kB, cost over the company's June), one query.

Printed: ``seconds_at_1m``, ``seconds_at_3m`` and ``seconds_at_10m`` (the three summed),
``growth`` (10M / 1M; 1.0 means the same time) and the same per query.
CORPTUI_BENCH_PG_SCALE=0.1 runs a tenth of the sizes (for development)."""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("CORPTUI_BENCH_PG_URL", "postgresql://127.0.0.1:5432/test")
SCHEMA = "bench_pg_scale"
COMPANIES = 100
NUMBERS = 1000  # per company
OURS_CALLS = 100_000
STAGES = (1_000_000, 3_000_000, 10_000_000)
RUNS = 5


def _scale() -> float:
    return float(os.environ.get("CORPTUI_BENCH_PG_SCALE", "1"))


def _admin(sql: str) -> None:
    import psycopg2

    from storage.db import parse_url

    info = parse_url(PG_URL.split("?")[0])
    conn = psycopg2.connect(host=info.host, port=info.port, dbname=info.name,
                            user=info.user or None, connect_timeout=5)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql)
    conn.close()


def _setup() -> None:
    from storage.models import Company, PersonalAccount, Subscriber

    Company.insert_many([{"id": c, "name": f"Компания {c}", "inn": f"{7700000000 + c}"}
                         for c in range(1, COMPANIES + 1)]).execute()
    PersonalAccount.insert_many([{"id": c, "company": c, "number": f"{c:06d}",
                                  "name": "Основной"} for c in range(1, COMPANIES + 1)]).execute()
    rows = [{"company": c, "account": c, "msisdn": f"7900{c:03d}{k:04d}",
             "full_name": f"Сотрудник {k}", "search_text": f"сотрудник {k}"}
            for c in range(1, COMPANIES + 1) for k in range(NUMBERS)]
    for i in range(0, len(rows), 5000):
        Subscriber.insert_many(rows[i:i + 5000]).execute()


def _calls_sql(company_lo: int, company_hi: int, n: int, seed: float) -> str:
    """n call records spread over the numbers of companies lo..hi and over 2026."""
    span = company_hi - company_lo + 1
    return f"""
    INSERT INTO call_record (subscriber_id, started_at, direction, kind, counterpart,
                             duration_seconds, volume_kb, roaming, cost)
    SELECT s.id, timestamp '2026-01-01' + (((g::bigint * 7919 + {int(seed)}) %% 31536000) * interval '1 second'),
           CASE WHEN g %% 3 = 0 THEN 'in' ELSE 'out' END,
           CASE WHEN g %% 10 < 7 THEN 'voice' WHEN g %% 10 < 9 THEN 'data' ELSE 'sms' END,
           '7495' || lpad((g %% 10000000)::text, 7, '0'), (g %% 600), (g %% 10) * 100,
           g %% 50 = 0, (g %% 500) * 10
    FROM generate_series(1, {n}) g
    JOIN subscriber s ON s.company_id = {company_lo} + (g %% {span})
                     AND s.msisdn = '7900' || lpad(({company_lo} + (g %% {span}))::text, 3, '0')
                                    || lpad(((g / {span}) %% {NUMBERS})::text, 4, '0')
    """


def _charges_sql(company_lo: int, company_hi: int, n: int) -> str:
    span = company_hi - company_lo + 1
    return f"""
    INSERT INTO charge (company_id, account_id, subscriber_id, kind, period, amount,
                        description, created_at)
    SELECT {company_lo} + (g %% {span}), {company_lo} + (g %% {span}), NULL,
           CASE WHEN g %% 2 = 0 THEN 'calls' ELSE 'subscription' END,
           date '2026-01-01' + ((g %% 12) * interval '1 month'), (g %% 1000) * 100, '', now()
    FROM generate_series(1, {n}) g
    """


def _ours_data() -> None:
    from storage.db import database

    database.execute_sql(_calls_sql(1, 1, OURS_CALLS, 17))
    database.execute_sql(_charges_sql(1, 1, 12 * NUMBERS))
    database.execute_sql("""
    INSERT INTO payment (company_id, account_id, paid_at, amount, type, document_no, comment)
    SELECT 1, 1, timestamp '2026-01-01' + ((g * 86400 * 3) * interval '1 second'),
           5000000, 'bank_transfer', 'п/п ' || g, ''
    FROM generate_series(1, 120) g""")


def _grow_to(total: int) -> None:
    from storage.db import database

    have = database.execute_sql("SELECT count(*) FROM call_record").fetchone()[0]
    step = 1_000_000
    while have < total:  # in steps: one transaction of 9M rows would hold a lot of WAL
        n = min(step, total - have)
        database.execute_sql(_calls_sql(2, COMPANIES, n, have))
        database.execute_sql(_charges_sql(2, COMPANIES, n // 10))
        have += n
    for table in ("call_record", "charge", "payment", "subscriber", "job"):  # ours only
        database.execute_sql(f"ANALYZE {table}")


def _timed(fn) -> float:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _measure(session) -> dict:
    from corptui import calls, documents, jobs
    from storage.db import database

    june = calls.CallFilter(date_from=dt.date(2026, 6, 1), date_to=dt.date(2026, 6, 30))
    scope = documents.Scope(session.company_id, (1,), (), ("000001",), ())

    def month_view():
        assert len(calls.query(session, june, limit=100)) == 100
        calls.totals(session, june)

    def reconciliation():
        documents.reconciliation(session, scope, dt.date(2026, 1, 1), dt.date(2026, 12, 31))

    def rating_job():
        job = jobs.claim("bench-worker", ["bench_rate_month"])
        assert job is not None
        database.execute_sql("""
            SELECT c.subscriber_id, c.kind, count(*), sum(c.duration_seconds),
                   sum(c.volume_kb), sum(c.cost)
            FROM call_record c JOIN subscriber s ON s.id = c.subscriber_id
            WHERE s.company_id = %s AND c.started_at >= %s AND c.started_at < %s
            GROUP BY 1, 2""", (session.company_id, dt.datetime(2026, 6, 1),
                               dt.datetime(2026, 7, 1))).fetchall()

    out = {"month_view": _timed(month_view), "reconciliation": _timed(reconciliation)}
    for c in range(1, COMPANIES + 1):  # the month's rating queued for every company
        for _ in range(RUNS):
            jobs.enqueue("bench_rate_month", {"month": "2026-06"}, company_id=c)
    out["rating_job"] = _timed(rating_job)
    database.execute_sql("DELETE FROM job WHERE kind = 'bench_rate_month'")
    return out


def pg_scale(args) -> dict:
    sys.path[:0] = [str(ROOT)]
    from corptui.database import close_database, open_database
    from corptui.session import Session

    stages = [int(s * _scale()) for s in STAGES]
    _admin(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    _admin(f"CREATE SCHEMA {SCHEMA}")
    per: dict[str, dict[str, float]] = {}
    try:
        open_database(PG_URL.split("?")[0] + f"?schema={SCHEMA}")
        _setup()
        _ours_data()
        session = Session.system(1, "bench")
        load = {}
        for total in stages:
            start = time.perf_counter()
            _grow_to(total)
            load[total] = round(time.perf_counter() - start, 1)
            for name, seconds in _measure(session).items():
                per.setdefault(name, {})[f"{total // 1_000_000 or total / 1e6}m"] = round(seconds, 4)
        close_database()
    finally:
        if not os.environ.get("CORPTUI_BENCH_PG_KEEP"):
            _admin(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    keys = list(next(iter(per.values())))
    totals = {k: sum(v[k] for v in per.values()) for k in keys}
    first, last = keys[0], keys[-1]
    return {"n": stages[-1], "seconds": totals[last], "floor_seconds": None,
            "seconds_at_1m": round(totals[first], 4), "seconds_at_3m": round(totals[keys[1]], 4),
            "seconds_at_10m": round(totals[last], 4),
            "growth": round(totals[last] / totals[first], 2),
            "per_query": per,
            "growth_per_query": {n: round(v[last] / v[first], 2) for n, v in per.items()},
            "load_seconds": load, "companies": COMPANIES, "company_calls": OURS_CALLS,
            "stages": stages, "runs": RUNS,
            "rating": "job claim (SKIP LOCKED) + the month's usage read; c1's engine not on main"}


BENCHES = {"pg_scale": pg_scale}
