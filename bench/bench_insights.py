"""Insights benchmark (issue 12): unused lines (with paid options never used) and
month-over-month changes on 100,000 numbers and 1,000,000 call records; target under 2 s
each (warm, median of 3). The floor is the core SQL of each done with raw sqlite3: the
NOT EXISTS probe for unused lines, the per-number two-month sums for the changes."""

from __future__ import annotations

import sqlite3
import statistics

from common import Timer, seeded_db


def _median(fn, runs: int = 3):
    times, result = [], None
    fn()  # warm the page cache
    for _ in range(runs):
        with Timer() as t:
            result = fn()
        times.append(t.seconds)
    return statistics.median(times), max(times), result


def insights(args) -> dict:
    from corptui import insights as uc
    from corptui.database import open_database
    from corptui.session import Session

    path = seeded_db(args)
    open_database(f"sqlite:///{path}")
    raw = sqlite3.connect(path)
    company = raw.execute("SELECT company_id FROM subscriber GROUP BY company_id "
                          "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    session = Session.system(company, "bench")

    def unused():
        lines = uc.unused_lines(session)
        options = uc.unused_options(session)
        return len(lines["lines"]), len(options["lines"]), lines

    u_med, u_max, (n_lines, n_options, lines) = _median(unused)
    c_med, c_max, ch = _median(lambda: uc.changes(session))
    n_numbers = raw.execute("SELECT count(*) FROM subscriber WHERE company_id = ?",
                            (company,)).fetchone()[0]
    n_calls = raw.execute("SELECT max(id) FROM call_record").fetchone()[0]

    since = lines["since"].strftime("%Y-%m-%d %H:%M:%S")
    until = lines["until"].strftime("%Y-%m-%d %H:%M:%S")
    month = lines["month"].isoformat()
    a, b = ch["month_a"].isoformat(), ch["month_b"].isoformat()

    def floor():
        raw.execute(
            "SELECT s.id FROM subscriber s WHERE s.company_id = ? AND EXISTS (SELECT 1 FROM "
            "charge c WHERE c.subscriber_id = s.id AND c.period = ? AND c.kind = "
            "'subscription') AND NOT EXISTS (SELECT 1 FROM call_record r WHERE "
            "r.subscriber_id = s.id AND r.started_at >= ? AND r.started_at < ?)",
            (company, month, since, until)).fetchall()
        raw.execute(
            "SELECT subscriber_id, sum(CASE WHEN period = ? THEN amount ELSE -amount END) d "
            "FROM charge WHERE company_id = ? AND period IN (?, ?) GROUP BY subscriber_id "
            "HAVING d > 0 ORDER BY d DESC LIMIT 10", (b, company, a, b)).fetchall()

    f_med, _f_max, _ = _median(floor)
    return {"n": n_numbers, "calls": n_calls, "seconds": max(u_med, c_med),
            "floor_seconds": f_med,
            "unused_seconds": round(u_med, 4), "unused_max_seconds": round(u_max, 4),
            "changes_seconds": round(c_med, 4), "changes_max_seconds": round(c_max, 4),
            "unused_lines": n_lines, "unused_options": n_options,
            "months": f"{a[:7]}..{b[:7]}", "target_seconds": 2.0}


BENCHES = {"insights": insights}
