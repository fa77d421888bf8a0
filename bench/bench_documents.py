"""Documents benchmark: a reconciliation act for 1,000 numbers of one account over 12
months on the 100k-numbers / 1M-calls demo data, ordered and built to PDF (the worker's
whole job: scope resolution, sums, the PDF file written atomically).

The demo accounts hold ~7,700 numbers each at 100k numbers, so the scope is the first
1,000 numbers of the first account (the numbers scope). The database is seeded with 12
months in its own file (``seeded-N-M-12m.db`` in the workdir). Floor: the same sums
(charges by month, payments by month, before/after the period) with raw sqlite3."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from common import ROOT, Timer

MONTHS = 12
SCOPE_NUMBERS = 1000


def seeded_12m(args) -> str:
    path = Path(args.workdir) / f"seeded-{args.numbers}-{args.calls}-{MONTHS}m.db"
    if not path.exists():
        tmp = path.with_suffix(".tmp.db")
        for suffix in ("", "-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
        subprocess.run(
            [sys.executable, "-m", "corptui", "--db", f"sqlite:///{tmp}", "db", "seed",
             "--numbers", str(args.numbers), "--calls", str(args.calls),
             "--months", str(MONTHS)],
            check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        os.replace(tmp, path)
        for suffix in ("-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
    return str(path)


def _raw_sums(path: str, sub_ids: list[int], date_from: dt.date, date_to: dt.date) -> dict:
    from corptui.periods import month_end, months_between, utc_bounds
    from storage.fields import db_time

    con = sqlite3.connect(path)
    ids = json.dumps(sub_ids)
    first, last = date_from.replace(day=1), date_to.replace(day=1)
    by_month = dict(con.execute(
        "SELECT period, SUM(amount) FROM charge WHERE company_id = 1 AND subscriber_id IN "
        "(SELECT value FROM json_each(?)) AND period BETWEEN ? AND ? GROUP BY period",
        (ids, first.isoformat(), last.isoformat())).fetchall())
    pays = []
    for month in months_between(first, last):
        lo, hi = utc_bounds(max(month, date_from), min(month_end(month), date_to))
        pays.append(con.execute(
            "SELECT COALESCE(SUM(amount), 0) FROM payment WHERE company_id = 1 AND "
            "subscriber_id IN (SELECT value FROM json_each(?)) AND paid_at >= ? AND paid_at < ?",
            (ids, db_time(lo), db_time(hi))).fetchone()[0])
    start, _ = utc_bounds(date_from, date_to)
    before_p = con.execute(
        "SELECT COALESCE(SUM(amount), 0) FROM payment WHERE company_id = 1 AND subscriber_id IN "
        "(SELECT value FROM json_each(?)) AND paid_at < ?", (ids, db_time(start))).fetchone()[0]
    before_c = con.execute(
        "SELECT COALESCE(SUM(amount), 0) FROM charge WHERE company_id = 1 AND subscriber_id IN "
        "(SELECT value FROM json_each(?)) AND period < ?", (ids, first.isoformat())).fetchone()[0]
    con.close()
    charges = sum(by_month.values())
    payments = sum(pays)
    opening = before_p - before_c
    return {"charges": Decimal(charges).scaleb(-2), "payments": Decimal(payments).scaleb(-2),
            "closing": Decimal(opening + payments - charges).scaleb(-2)}


def bench_reconciliation(args) -> dict:
    path = seeded_12m(args)
    os.environ["CORPTUI_DATA_DIR"] = str(Path(args.workdir) / "bench-documents")
    from corptui import documents
    from corptui.database import open_database
    from corptui.session import Session
    from storage import schema
    from storage.models import PersonalAccount, Subscriber

    open_database(f"sqlite:///{path}", check_schema=False)
    schema.upgrade()
    session = Session.system(1, source="bench")
    account = PersonalAccount.select().where(PersonalAccount.company == 1).order_by(
        PersonalAccount.id).first()
    subs = list(Subscriber.select(Subscriber.id, Subscriber.msisdn)
                .where(Subscriber.account == account.id).order_by(Subscriber.id)
                .limit(SCOPE_NUMBERS).tuples())
    from corptui.demo import ANCHOR
    from corptui.periods import add_months, month_end

    date_from = add_months(ANCHOR, -(MONTHS - 1))
    date_to = month_end(ANCHOR)
    with Timer() as t:
        doc = documents.order(session, "reconciliation", [account.number],
                              [m for _, m in subs], date_from, date_to, "pdf",
                              today=date_to + dt.timedelta(days=1))
        file = documents.build(doc.id)
    figures = documents.reconciliation(session, documents.resolve_scope(session, doc.scope),
                                       date_from, date_to)
    with Timer() as floor:
        raw = _raw_sums(path, [i for i, _ in subs], date_from, date_to)
    same = (raw["charges"] == figures["charges"] and raw["payments"] == figures["payments"]
            and raw["closing"] == figures["closing"])
    return {"n": len(subs), "seconds": t.seconds, "floor_seconds": floor.seconds,
            "months": MONTHS, "pdf_kb": round(os.path.getsize(file) / 1024, 1),
            "same_sums": same, "charges": str(figures["charges"]),
            "payments": str(figures["payments"]), "target_seconds": 10}


BENCHES = {"reconciliation": bench_reconciliation}
