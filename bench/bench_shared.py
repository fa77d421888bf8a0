"""Shared-install benchmark (issue 10): ``concurrency``.

Small write transactions from several client processes at once on one database: 8 clients
on PostgreSQL (127.0.0.1:5432/test, schema bench_concurrency; CORPTUI_BENCH_PG_URL to
change), 2 on SQLite (WAL, busy timeout). Each client saves employee cards through the use
case (get_employee, then update_employee: version check, UPDATE, audit row, COMMIT) for
CORPTUI_BENCH_SECONDS (default 5) seconds. Reported: ``tps`` (saves per second, all
clients together) and ``p95_seconds`` (95th percentile of one card save under that load)
for PostgreSQL at the top level (SQLite when PostgreSQL is not reachable), both engines in
``pg`` and ``sqlite``. Target: p95 under 0.1 s.

The floor is the same number of transactions (UPDATE of the card + INSERT of the audit
row, COMMIT) made by one client with the raw driver (psycopg2 / sqlite3), in the same run.

    python bench/bench_shared.py client URL NAME SECONDS OUT   (one client process)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PG_URL = os.environ.get("CORPTUI_BENCH_PG_URL", "postgresql://127.0.0.1:5432/test")
CARDS_PER_CLIENT = 50


def _seconds() -> float:
    return float(os.environ.get("CORPTUI_BENCH_SECONDS", "5"))


def _setup(url: str, clients: int) -> None:
    sys.path[:0] = [str(ROOT)]
    from corptui.database import close_database, open_database
    from storage.models import Company, PersonalAccount, Subscriber
    from storage.search import search_key

    open_database(url)
    comp = Company.create(name="ООО Нагрузка", inn="7707083893")
    acc = PersonalAccount.create(company=comp, number="1", name="Основной")
    Subscriber.insert_many([
        {"company": comp.id, "account": acc.id, "msisdn": f"7977100{i:04d}",
         "full_name": f"Сотрудник {i}", "search_text": search_key(f"Сотрудник {i}")}
        for i in range(clients * CARDS_PER_CLIENT)]).execute()
    close_database()


def client(url: str, name: str, seconds: float, out: str) -> None:
    sys.path[:0] = [str(ROOT)]
    from corptui import employees
    from corptui.database import open_database
    from corptui.errors import Conflict
    from corptui.session import Session
    from storage.models import Company, Subscriber

    open_database(url)
    session = Session.system(Company.get().id, source=f"bench:{name}")
    index = int(name)
    ids = [s.id for s in Subscriber.select(Subscriber.id).order_by(Subscriber.id)
           .offset(index * CARDS_PER_CLIENT).limit(CARDS_PER_CLIENT)]
    latencies, conflicts, errors = [], 0, []
    go = time.time() + 0.5  # start together
    time.sleep(max(0.0, go - time.time()))
    end = time.perf_counter() + seconds
    i = 0
    while time.perf_counter() < end:
        i += 1
        sid = ids[i % len(ids)]
        try:
            card = employees.get_employee(session, sid)
            started = time.perf_counter()
            employees.update_employee(session, sid, f"Клиент {name} {i}", "", card["version"])
            latencies.append(time.perf_counter() - started)
        except Conflict:
            conflicts += 1
        except Exception as exc:  # reported, never hidden
            errors.append(f"{type(exc).__name__}: {exc}")
    Path(out).write_text(json.dumps({"latencies": latencies, "conflicts": conflicts,
                                     "errors": errors[:5]}))


def _pg_fresh_url() -> str | None:
    try:
        import psycopg2

        sys.path[:0] = [str(ROOT)]
        from storage.db import parse_url

        info = parse_url(PG_URL.split("?")[0])
        conn = psycopg2.connect(host=info.host, port=info.port, dbname=info.name,
                                user=info.user or None, connect_timeout=3)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("DROP SCHEMA IF EXISTS bench_concurrency CASCADE")
            cur.execute("CREATE SCHEMA bench_concurrency")
        conn.close()
    except Exception:
        return None
    return PG_URL.split("?")[0] + "?schema=bench_concurrency"


def _floor(url: str, n: int) -> float:
    """n card-save transactions with the raw driver, one client."""
    sys.path[:0] = [str(ROOT)]
    from storage.db import parse_url

    info = parse_url(url)
    if info.engine == "sqlite":
        import sqlite3

        conn = sqlite3.connect(info.path, isolation_level=None)
        conn.execute("PRAGMA journal_mode=wal")
        conn.execute("PRAGMA synchronous=normal")
        ph = "?"
    else:
        import psycopg2

        conn = psycopg2.connect(host=info.host, port=info.port, dbname=info.name,
                                user=info.user or None,
                                options=f"-c search_path={info.schema}")
        conn.autocommit = True
        ph = "%s"
    cur = conn.cursor()
    ids = [r[0] for r in _fetch(cur, "SELECT id FROM subscriber ORDER BY id")]
    started = time.perf_counter()
    for i in range(n):
        sid = ids[i % len(ids)]
        cur.execute("BEGIN")
        _fetch(cur, f"SELECT version FROM subscriber WHERE id = {ph}", (sid,))
        cur.execute(f"UPDATE subscriber SET full_name = {ph}, version = version + 1 "
                    f"WHERE id = {ph}", (f"raw {i}", sid))
        cur.execute(f"INSERT INTO audit_entry (company_id, actor, source, at, action, "
                    f"object_type, object_id, operation) VALUES (1, 'raw', 'bench', "
                    f"{ph}, 'raw', 'subscriber', {ph}, '')",
                    ("2026-01-01 00:00:00", str(sid)))
        cur.execute("COMMIT")
    seconds = time.perf_counter() - started
    conn.close()
    return seconds


def _fetch(cur, sql, params=()):
    cur.execute(sql, params)
    return cur.fetchall()


def _run(url: str, clients: int, seconds: float, workdir: Path) -> dict:
    _setup(url, clients)
    procs = []
    for i in range(clients):
        out = workdir / f"client-{os.getpid()}-{i}.json"
        procs.append((subprocess.Popen([sys.executable, __file__, "client", url, str(i),
                                        str(seconds), str(out)], cwd=ROOT), out))
    for proc, _ in procs:
        proc.wait(seconds + 120)
    latencies, conflicts, errors = [], 0, []
    for _, out in procs:
        data = json.loads(out.read_text())
        latencies += data["latencies"]
        conflicts += data["conflicts"]
        errors += data["errors"]
        out.unlink()
    latencies.sort()
    n = len(latencies)
    p95 = latencies[min(n - 1, int(n * 0.95))] if n else None
    return {"clients": clients, "n": n, "seconds": seconds, "tps": round(n / seconds, 1),
            "p95_seconds": round(p95, 4) if p95 is not None else None,
            "p50_seconds": round(latencies[n // 2], 4) if n else None,
            "max_seconds": round(latencies[-1], 4) if n else None,
            "conflicts": conflicts, "errors": errors,
            "floor_seconds": round(_floor(url, n), 4) if n else None}


def concurrency(args) -> dict:
    seconds = _seconds()
    workdir = Path(args.workdir)
    sqlite_path = workdir / "concurrency.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(sqlite_path) + suffix).unlink(missing_ok=True)
    sqlite = _run(f"sqlite:///{sqlite_path}", 2, seconds, workdir)
    pg_url = _pg_fresh_url()
    pg = _run(pg_url, 8, seconds, workdir) if pg_url else None
    top = pg or sqlite
    return {"n": top["n"], "seconds": top["seconds"], "floor_seconds": top["floor_seconds"],
            "tps": top["tps"], "p95_seconds": top["p95_seconds"],
            "engine": "postgresql" if pg else "sqlite", "pg": pg, "sqlite": sqlite,
            "target_p95_seconds": 0.1}


BENCHES = {"concurrency": concurrency}

if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "client":
    client(sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5])
