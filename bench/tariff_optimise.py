"""Benchmark `tariff_optimise` (issue 19): 100,000 numbers, each rated again over its
company's last three billed months on every tariff it may have (corptui.tariff_optimiser,
the rating engine's own code), the findings written. The data: the demo seed (its
tariffs with their prices, options and rules; ~10 records per number and month) with
three months closed. Target: under 10 s. The floor: the same records read and summed per
number and month with the raw sqlite3 module (what any re-rating has to read).

``python bench/tariff_optimise.py [--numbers N]`` prints one JSON line (also run by
``python bench/run.py tariff_optimise``)."""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]


def _prepare(numbers: int, workdir: str) -> str:
    """A seeded database with its three months before the last closed (billed)."""
    import shutil
    import subprocess

    from common import ROOT

    path = os.path.join(workdir, f"optimise-{numbers}.db")
    if os.path.exists(path):
        return path
    tmp = path + ".tmp"
    for suffix in ("", "-wal", "-shm"):
        Path(tmp + suffix).unlink(missing_ok=True)
    subprocess.run([sys.executable, "-m", "corptui", "--db", f"sqlite:///{tmp}", "db", "seed",
                    "--numbers", str(numbers), "--calls", str(numbers * 40), "--months", "4"],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    from corptui.database import close_database, open_database
    from corptui.periods import add_months, month_start
    from corptui.rating import billing
    from storage.fields import utcnow
    from storage.models import BillingMonth

    open_database(f"sqlite:///{tmp}")
    from corptui.rating import tariffs

    tariffs.seed_demo_rates()  # the demo's prices (a no-op once the seed writes them)
    this = month_start(utcnow().date())
    for cid in billing.company_ids():
        for back in (3, 2, 1):
            m = add_months(this, -back)
            if billing.month_state(cid, m) != "billed":
                billing.close_month(cid, m)
    assert BillingMonth.select().where(BillingMonth.state == "billed").count() >= 3
    close_database()
    shutil.move(tmp, path)
    return path


def _floor(path: str, company_id: int, months) -> float:
    con = sqlite3.connect(path)
    start = time.perf_counter()
    lo = months[0].strftime("%Y-%m-%d 00:00:00.000000")
    hi = months[-1].replace(day=28).strftime("%Y-%m-%d 23:59:59.999999")
    con.execute(
        "SELECT c.subscriber_id, substr(c.started_at, 1, 7), count(*), sum(c.duration_seconds), "
        "sum(c.volume_kb) FROM call_record c JOIN subscriber s ON s.id = c.subscriber_id "
        "WHERE s.company_id = ? AND c.started_at >= ? AND c.started_at < ? "
        "GROUP BY c.subscriber_id, substr(c.started_at, 1, 7)", (company_id, lo, hi)).fetchall()
    seconds = time.perf_counter() - start
    con.close()
    return seconds


def run(numbers: int = 100_000, workdir: str | None = None) -> dict:
    from corptui import tariff_optimiser
    from corptui.database import close_database, open_database
    from corptui.session import Session
    from storage.models import Subscriber, Tariff

    workdir = workdir or tempfile.mkdtemp(prefix="corptui-bench-")
    os.makedirs(workdir, exist_ok=True)
    path = _prepare(numbers, workdir)
    open_database(f"sqlite:///{path}")
    company_id = (Subscriber.select(Subscriber.company).group_by(Subscriber.company)
                  .order_by(__import__("peewee").fn.COUNT(Subscriber.id).desc()).scalar())
    session = Session.system(company_id, "bench")
    tariffs = Tariff.select().where(~Tariff.archived & Tariff.rates.is_null(False)).count()
    start, cpu = time.perf_counter(), time.process_time()
    res = tariff_optimiser.optimise(session)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    close_database()
    floor = _floor(path, company_id, res["months"])
    return {"n": res["numbers"], "seconds": seconds, "floor_seconds": floor,
            "cpu_seconds": round(cpu, 2), "tariffs": tariffs,
            "months": [m.strftime("%Y-%m") for m in res["months"]],
            "advised": res["advised"], "monthly_saving": str(res["total"]),
            "target_seconds": 10.0, "within_target": seconds < 10.0}


def bench(args) -> dict:
    return run(args.numbers, args.workdir)


BENCHES = {"tariff_optimise": bench}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--numbers", type=int, default=100_000)
    parser.add_argument("--workdir", default="")
    a = parser.parse_args()
    from run import finish

    print(json.dumps(finish("tariff_optimise", run(a.numbers, a.workdir or None)),
                     ensure_ascii=False))
