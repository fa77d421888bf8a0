"""Money benchmarks (issue 7): payments filter, one number's year of calls, charges by
number for a month, exports (CSV, XLSX, PDF). Each floor is the same work done with the
raw sqlite3 module / the bare library, in the same run.

Targets: payments_filter < 200 ms (rows + totals), calls_year < 200 ms, charges_month
< 1 s, export_csv 100k rows < 2 s, export_xlsx 100k rows < 10 s and within 2x of
xlsxwriter alone, export_pdf 1,000 rows < 5 s."""

from __future__ import annotations

import csv
import datetime as dt
import os
import sqlite3
import statistics
import tempfile
from itertools import islice

from common import Timer, seeded_db

EXPORT_ROWS = 100_000


def _open(args):
    from corptui.database import open_database
    from corptui.session import Session

    path = seeded_db(args)
    open_database(f"sqlite:///{path}")
    raw = sqlite3.connect(path)
    company_id = raw.execute(
        "SELECT company_id FROM subscriber GROUP BY company_id ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]
    return raw, Session.system(company_id, "bench"), company_id


def _latest_day(raw, table, column, company_id):
    value = raw.execute(f"SELECT max({column}) FROM {table} WHERE company_id = ?",
                        (company_id,)).fetchone()[0]
    return dt.date.fromisoformat(str(value)[:10])


def _median_max(samples):
    return statistics.median(samples), max(samples)


# -- payments_filter ------------------------------------------------------------------

def payments_filter(args) -> dict:
    from corptui import payments
    from corptui.payments import PaymentFilter

    raw, session, company = _open(args)
    today = _latest_day(raw, "payment", "paid_at", company)
    q_from, q_to = payments.quarter(today)
    y_from, y_to = payments.year(today)
    acc = raw.execute("SELECT id FROM personal_account WHERE company_id = ? LIMIT 1",
                      (company,)).fetchone()[0]
    filters = [
        PaymentFilter(),
        PaymentFilter(date_from=q_from, date_to=q_to, tz=dt.UTC),
        PaymentFilter(date_from=y_from, date_to=y_to, amount_min="500", amount_max="5000",
                      types=("card", "bank_transfer"), tz=dt.UTC),
        PaymentFilter(date_from=q_from, date_to=q_to, sort="amount", descending=True, tz=dt.UTC),
        PaymentFilter(account_ids=(acc,), sort="employee", descending=False),
        PaymentFilter(date_from=y_from, date_to=y_to, types=("cash",), sort="number", tz=dt.UTC),
    ]
    cold, ours, floors, matched = [], [], [], 0
    for attempt in range(2):  # the first pass also reads the file into the page cache
        for flt in filters:
            with Timer() as t:
                rows = payments.query(session, flt, 0, 50)
                total = payments.totals(session, flt)
            (cold if attempt == 0 else ours).append(t.seconds)
            matched = max(matched, total["count"])
            assert len(rows) == min(50, total["count"])
            if attempt:
                with Timer() as f:
                    _raw_payments(raw, company, flt)
                floors.append(f.seconds)
    total_rows = raw.execute("SELECT count(*) FROM payment").fetchone()[0]
    med, worst = _median_max(ours)
    return {"n": total_rows, "seconds": worst, "floor_seconds": max(floors),
            "median_seconds": round(med, 4), "cold_worst_seconds": round(max(cold), 4),
            "filters": len(filters),
            "max_matched": matched, "target_seconds": 0.2}


def _raw_payments(raw, company, flt):
    """The same page + totals in plain SQL (what the ORM should come close to)."""
    where, params = ["p.company_id = ?"], [company]
    if flt.date_from:
        where.append("p.paid_at >= ?")
        params.append(f"{flt.date_from} 00:00:00.000000")
    if flt.date_to:
        where.append("p.paid_at < ?")
        params.append(f"{flt.date_to + dt.timedelta(days=1)} 00:00:00.000000")
    if flt.account_ids:
        where.append(f"p.account_id IN ({','.join('?' * len(flt.account_ids))})")
        params += list(flt.account_ids)
    if flt.amount_min:
        where.append("p.amount >= ?")
        params.append(int(float(flt.amount_min) * 100))
    if flt.amount_max:
        where.append("p.amount <= ?")
        params.append(int(float(flt.amount_max) * 100))
    if flt.types:
        where.append(f"p.type IN ({','.join('?' * len(flt.types))})")
        params += list(flt.types)
    order = {"date": "p.paid_at", "amount": "p.amount", "employee": "s.full_name",
             "number": "s.msisdn"}.get(flt.sort, "p.paid_at")
    cond = " AND ".join(where)
    join = "LEFT JOIN subscriber s ON s.id = p.subscriber_id" if flt.sort in ("employee", "number") else ""
    # the same two steps as the use case: sort narrow rows, then fetch the page
    ids = [r[0] for r in raw.execute(
        f"SELECT p.id FROM payment p {join} WHERE {cond} "
        f"ORDER BY {order} {'DESC' if flt.descending else 'ASC'}, p.id LIMIT 50", params)]
    raw.execute(
        "SELECT p.id, p.paid_at, a.number, s.msisdn, s.full_name, p.amount, p.type, "
        "p.document_no FROM payment p JOIN personal_account a ON a.id = p.account_id "
        f"LEFT JOIN subscriber s ON s.id = p.subscriber_id WHERE p.id IN ({','.join('?' * len(ids))})",
        ids).fetchall()
    raw.execute(f"SELECT sum(amount), count(*) FROM payment p WHERE {cond}", params).fetchone()


# -- calls_year -----------------------------------------------------------------------

def calls_year(args) -> dict:
    from corptui import calls
    from corptui.calls import CallFilter

    raw, session, company = _open(args)
    busiest = raw.execute(
        "SELECT subscriber_id, count(*) AS n FROM call_record GROUP BY subscriber_id "
        "ORDER BY n DESC LIMIT 10").fetchall()
    sample = [r[0] for r in busiest] + [r[0] for r in raw.execute(
        "SELECT id FROM subscriber WHERE company_id = ? ORDER BY random() LIMIT 20", (company,))]
    last = raw.execute("SELECT max(started_at) FROM call_record").fetchone()[0]
    year_end = dt.date.fromisoformat(last[:10])
    year_start = year_end - dt.timedelta(days=364)
    ours, floors, rows_max = [], [], 0
    for sid in sample:
        flt = CallFilter(subscriber_ids=(sid,), date_from=year_start, date_to=year_end, tz=dt.UTC)
        with Timer() as t:
            rows = calls.query(session, flt, 0, None)
            totals = calls.totals(session, flt)
        ours.append(t.seconds)
        rows_max = max(rows_max, len(rows))
        assert totals["count"] == len(rows)
        lo, hi = f"{year_start} 00:00:00", f"{year_end + dt.timedelta(days=1)} 00:00:00"
        with Timer() as f:
            raw.execute("SELECT c.id, c.started_at, s.msisdn, c.direction, c.kind, c.counterpart,"
                        " c.duration_seconds, c.volume_kb, c.roaming, c.cost FROM call_record c"
                        " JOIN subscriber s ON s.id = c.subscriber_id WHERE c.subscriber_id = ?"
                        " AND s.company_id = ? AND c.started_at >= ? AND c.started_at < ?"
                        " ORDER BY c.started_at, c.id", (sid, company, lo, hi)).fetchall()
            raw.execute("SELECT count(*), sum(duration_seconds), sum(volume_kb), sum(cost)"
                        " FROM call_record WHERE subscriber_id = ? AND started_at >= ?"
                        " AND started_at < ?", (sid, lo, hi)).fetchone()
        floors.append(f.seconds)
    n_calls = raw.execute("SELECT count(*) FROM call_record").fetchone()[0]
    med, worst = _median_max(ours)
    return {"n": n_calls, "seconds": worst, "floor_seconds": max(floors),
            "median_seconds": round(med, 5), "numbers_tried": len(sample),
            "max_rows_per_number": rows_max, "target_seconds": 0.2}


# -- charges_month --------------------------------------------------------------------

def charges_month(args) -> dict:
    from corptui import charges

    raw, session, company = _open(args)
    month = _latest_day(raw, "charge", "period", company)
    ours = []
    for _ in range(3):
        with Timer() as t:
            sums = charges.sums_by_number(session, month)
        ours.append(t.seconds)
    floors = []
    for _ in range(3):
        with Timer() as f:
            raw_sums = raw.execute(
                "SELECT subscriber_id, sum(amount) FROM charge WHERE company_id = ? AND period = ?"
                " AND subscriber_id IS NOT NULL GROUP BY subscriber_id",
                (company, month.isoformat())).fetchall()
        floors.append(f.seconds)
    assert len(sums) == len(raw_sums)
    with Timer() as top:
        charges.top_spenders(session, month, 20)
    n_charges = raw.execute("SELECT count(*) FROM charge WHERE company_id = ? AND period = ?",
                            (company, month.isoformat())).fetchone()[0]
    return {"n": len(sums), "seconds": statistics.median(ours),
            "floor_seconds": statistics.median(floors), "charge_rows_in_month": n_charges,
            "top_spenders_seconds": round(top.seconds, 4), "target_seconds": 1.0}


# -- exports --------------------------------------------------------------------------

def _call_rows(session, n):
    from corptui import calls

    rows = calls.iter_export_tuples(session, calls.CallFilter())
    return calls.export_columns(), islice(rows, n)


RAW_CALLS = ("SELECT c.started_at, s.msisdn, c.direction, c.kind, c.counterpart,"
             " c.duration_seconds, c.volume_kb, c.roaming, c.cost FROM call_record c"
             " JOIN subscriber s ON s.id = c.subscriber_id WHERE s.company_id = ?"
             " ORDER BY c.started_at, c.id LIMIT ?")


def export_csv(args) -> dict:
    from corptui.export import export_rows

    raw, session, company = _open(args)
    folder = tempfile.mkdtemp(prefix="corptui-bench-csv-", dir=args.workdir)
    with Timer() as t:
        cols, rows = _call_rows(session, EXPORT_ROWS)
        result = export_rows(cols, rows, "csv", os.path.join(folder, "calls.csv"))
    with Timer() as f:
        with open(os.path.join(folder, "floor.csv"), "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([c.title for c in cols])
            w.writerows(raw.execute(RAW_CALLS, (company, EXPORT_ROWS)))
    return {"n": result.rows, "seconds": t.seconds, "floor_seconds": f.seconds,
            "bytes": os.path.getsize(result.path), "target_seconds": 2.0}


def export_xlsx(args) -> dict:
    import xlsxwriter

    from corptui.export import export_rows

    raw, session, company = _open(args)
    folder = tempfile.mkdtemp(prefix="corptui-bench-xlsx-", dir=args.workdir)
    with Timer() as t:
        cols, rows = _call_rows(session, EXPORT_ROWS)
        result = export_rows(cols, rows, "xlsx", os.path.join(folder, "calls.xlsx"))
    with Timer() as f:  # the same rows from raw SQL, written by xlsxwriter with no checks
        wb = xlsxwriter.Workbook(os.path.join(folder, "floor.xlsx"), {"constant_memory": True})
        ws = wb.add_worksheet()
        ws.write_row(0, 0, [c.title for c in cols])
        for r, row in enumerate(raw.execute(RAW_CALLS, (company, EXPORT_ROWS)), start=1):
            ws.write_row(r, 0, row)
        wb.close()
    return {"n": result.rows, "seconds": t.seconds, "floor_seconds": f.seconds,
            "bytes": os.path.getsize(result.path), "target_seconds": 10.0, "target_ratio": 2.0}


def export_pdf(args) -> dict:
    from fpdf import FPDF

    from corptui.export import export_rows, find_fonts

    raw, session, company = _open(args)
    folder = tempfile.mkdtemp(prefix="corptui-bench-pdf-", dir=args.workdir)
    with Timer() as t:
        cols, rows = _call_rows(session, 1000)
        result = export_rows(cols, rows, "pdf", os.path.join(folder, "calls.pdf"),
                             title="Call detail — ООО «Ромашка»", subtitle="bench")
    regular, bold = find_fonts()
    with Timer() as f:  # bare fpdf2: the same 1,000 rows in a table, nothing else
        pdf = FPDF(orientation="L")
        pdf.add_font("DejaVu", "", regular)
        pdf.add_font("DejaVu", "B", bold)
        pdf.add_page()
        pdf.set_font("DejaVu", "", 7)
        with pdf.table() as table:
            table.row([c.title for c in cols])
            for row in raw.execute(RAW_CALLS, (company, 1000)):
                table.row([str(v) for v in row])
        pdf.output(os.path.join(folder, "floor.pdf"))
    return {"n": result.rows, "seconds": t.seconds, "floor_seconds": f.seconds,
            "bytes": os.path.getsize(result.path), "target_seconds": 5.0}


BENCHES = {
    "payments_filter": payments_filter,
    "calls_year": calls_year,
    "charges_month": charges_month,
    "export_csv": export_csv,
    "export_xlsx": export_xlsx,
    "export_pdf": export_pdf,
}
