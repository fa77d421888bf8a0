"""Foundation benchmarks (issue 3): seed, numbers_list, cli_help.

- seed: `corptui db seed --numbers N --calls M` wall time. Floor: writing exactly the same
  rows (read back from the seeded file beforehand, not timed) into a fresh database of the
  same schema with the raw sqlite3 module, in one transaction. Target < 60 s, ratio <= 3.
- numbers_list: `corptui numbers list --format json` of the main company, wall time
  including interpreter start. Floor: a plain `python -c` script doing the same query and
  JSON with sqlite3 + json. Target < 1.5 s.
- cli_help: `corptui --help` wall time. Floor: `python -c pass`. Target < 0.3 s."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, seeded_db


def _wall(cmd: list[str], repeat: int = 3, **kw) -> float:
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, **kw)
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    return best


def _peak_child_rss_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)


def seed(args) -> dict:
    work = Path(args.workdir)
    target = work / f"seed-bench-{args.numbers}-{args.calls}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "corptui", "--db", f"sqlite:///{target}", "db", "seed",
         "--numbers", str(args.numbers), "--calls", str(args.calls)],
        check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - start
    child_rss = _peak_child_rss_mb()

    # floor: the same rows into an empty copy of the schema, raw sqlite3
    src = sqlite3.connect(target)
    empty = work / "seed-floor.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(empty) + suffix).unlink(missing_ok=True)
    dst = sqlite3.connect(empty, isolation_level=None)
    dst.execute("PRAGMA journal_mode=WAL")
    dst.execute("PRAGMA foreign_keys=ON")
    for (sql,) in src.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
        "ORDER BY type = 'index', rowid"
    ):
        dst.execute(sql)
    tables = [name for (name,) in src.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
        "AND name <> 'schema_version' ORDER BY rowid")]
    # parents first, as the seed writes them
    order = ["company", "tariff", "option", "option_rule", "personal_account", "app_user",
             "tag", "subscriber", "subscriber_tag", "sim_card", "subscriber_option",
             "forwarding_rule", "charge", "payment", "call_record", "audit_entry"]
    tables = [t for t in order if t in tables]
    floor = 0.0
    rows_total = 0
    dst.execute("BEGIN")
    for table in tables:
        cols = [r[1] for r in src.execute(f'PRAGMA table_info("{table}")')]
        rows = src.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{table}"').fetchall()
        sql = f'INSERT INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) ' \
              f'VALUES ({", ".join("?" * len(cols))})'
        t0 = time.perf_counter()
        dst.executemany(sql, rows)
        floor += time.perf_counter() - t0
        rows_total += len(rows)
        del rows
    t0 = time.perf_counter()
    dst.execute("COMMIT")
    floor += time.perf_counter() - t0
    dst.close()
    src.close()
    for p in (target, empty):
        for suffix in ("", "-wal", "-shm"):
            Path(str(p) + suffix).unlink(missing_ok=True)
    return {"n": args.numbers, "calls": args.calls, "rows": rows_total, "seconds": seconds,
            "floor_seconds": floor, "rss_mb": child_rss, "target_seconds": 60}


def numbers_list(args) -> dict:
    path = seeded_db(args)
    raw = sqlite3.connect(path)
    company = raw.execute(
        "SELECT c.name FROM company c JOIN subscriber s ON s.company_id = c.id "
        "GROUP BY c.id ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    raw.close()
    env = {**os.environ, "CORPTUI_DB": f"sqlite:///{path}"}
    out = Path(tempfile.mkstemp(suffix=".json")[1])
    with out.open("wb") as fh:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "corptui", "numbers", "list", "--company", company,
                        "--format", "json"], check=True, cwd=ROOT, stdout=fh, env=env)
        seconds = time.perf_counter() - start
    size = out.stat().st_size
    out.unlink()
    # best of 3 (the first run also warms the page cache for both)
    seconds = min(seconds, _wall([sys.executable, "-m", "corptui", "numbers", "list",
                                  "--company", company, "--format", "json"], 2, env=env))
    floor_script = (
        "import sqlite3, json, sys\n"
        f"c = sqlite3.connect({str(path)!r})\n"
        "cid = c.execute('SELECT id FROM company WHERE name = ?', (sys.argv[1],)).fetchone()[0]\n"
        "tags = {}\n"
        "for sid, name in c.execute('SELECT st.subscriber_id, t.name FROM subscriber_tag st JOIN tag t ON t.id = st.tag_id WHERE t.company_id = ? ORDER BY st.subscriber_id, t.name', (cid,)):\n"
        "    tags.setdefault(sid, []).append(name)\n"
        "rows = [{'msisdn': m, 'full_name': f, 'position': p, 'tags': tags.get(i, []), 'tariff': t or '', 'status': s, 'account': a}\n"
        "        for i, m, f, p, t, s, a in c.execute('SELECT s.id, s.msisdn, s.full_name, s.position, tr.name, s.status, pa.number FROM subscriber s LEFT JOIN tariff tr ON tr.id = s.tariff_id JOIN personal_account pa ON pa.id = s.account_id WHERE s.company_id = ? ORDER BY s.msisdn', (cid,))]\n"
        "out = sys.stdout\n"
        "out.write('[\\n')\n"
        "out.write(',\\n'.join('  ' + json.dumps(r, ensure_ascii=False) for r in rows))\n"
        "out.write('\\n]\\n')\n"
    )
    floor = _wall([sys.executable, "-c", floor_script, company], 3)
    return {"n": args.numbers, "seconds": seconds, "floor_seconds": floor, "bytes": size,
            "rss_mb": _peak_child_rss_mb(), "target_seconds": 1.5}


def cli_help(args) -> dict:
    seconds = _wall([sys.executable, "-m", "corptui", "--help"], 5)
    floor = _wall([sys.executable, "-c", "pass"], 5)
    return {"n": 1, "seconds": seconds, "floor_seconds": floor, "rss_mb": _peak_child_rss_mb(),
            "target_seconds": 0.3}


BENCHES = {"seed": seed, "numbers_list": numbers_list, "cli_help": cli_help}
