"""The numbers console at a million numbers (issue 21), every timing to the frame the
app hands to the terminal (bench/frames.py), on a database seeded with
``db seed --numbers 1000000`` (``--million N`` to change the size):

- open_seconds: a fresh app to the frame that shows the first rows (median of 3 runs).
- search_ready_seconds: to the frame that shows the result of a search typed at the first
  paint (SQL answers while the list loads; the list takes the text over when it is in).
- keystroke_seconds: with the list loaded, a query's last key to the frame that echoes it
  and shows the result (count and first row), median over names and digits.
- select_all_seconds: ``a`` on the whole list to the frame with the selected count.
- rss_mb: the process's peak RSS over all of it.
Targets: open 1 s, search ready 2 s, keystroke 50 ms, select all 0.3 s, RSS 1 GB."""

from __future__ import annotations

import asyncio
import os
import statistics
import time

from bench_numbers_tui import (
    DIGIT_QUERIES,
    NAME_QUERIES,
    _changing_queries,
    _first_rows_floor,
    _framed_app,
    _keystrokes,
    _loaded,
    _rss_mb,
    _select_all,
    _session,
    _shows,
)
from common import seeded_db

RUNS = 3


def million(args) -> dict:
    from frames import framed, summary

    size = int(os.environ.get("CORPTUI_BENCH_MILLION", "1000000"))
    path = seeded_db(args, numbers=size)
    raw, company, session = _session(path)
    first_q, (count, first) = _changing_queries(session, NAME_QUERIES, 1)[0]
    names = _changing_queries(session, NAME_QUERIES, 3)
    digits = _changing_queries(session, DIGIT_QUERIES, 3)
    res = {"open": [], "ready": [], "keys": [], "select_all": [], "loaded": [], "keys_cpu": [],
           "select_all_cpu": []}

    async def run():
        app = _framed_app(session)
        t0 = time.perf_counter()
        async with framed(app) as (pilot, frames):
            paint = await frames.until_raw("+7 9", t0)
            res["open"].append(paint - t0)
            frames.press("slash")
            await asyncio.sleep(0.03)
            frames.type(first_q)
            shown = await frames.until(_shows(first_q, count, first), paint, timeout=120)
            res["ready"].append(shown - t0)
            await _loaded(app, pilot)
            res["loaded"].append(time.perf_counter() - t0)
            keys: list = []
            await _keystrokes(app, pilot, frames, names + digits, keys)
            res["keys"] += [k[0] for k in keys]
            res["keys_cpu"] += [k[2] for k in keys]
            sa = await _select_all(app, pilot, frames)
            res["select_all"].append(sa[0])
            res["select_all_cpu"].append(sa[2])

    for _ in range(RUNS):
        asyncio.run(run())
    floor = min(_first_rows_floor(raw, company) for _ in range(3))
    keys = summary(res["keys"])
    return {"n": size, "seconds": statistics.median(res["ready"]), "floor_seconds": floor,
            "open_seconds": round(statistics.median(res["open"]), 4),
            "open_min_seconds": round(min(res["open"]), 4),
            "search_ready_seconds": round(statistics.median(res["ready"]), 4),
            "search_ready_min_seconds": round(min(res["ready"]), 4),
            "loaded_seconds": round(statistics.median(res["loaded"]), 4),
            "keystroke_seconds": keys["median"], "keystroke_p95_seconds": keys["p95"],
            "keystroke_cpu_seconds": summary(res["keys_cpu"])["median"],
            "select_all_seconds": round(statistics.median(res["select_all"]), 4),
            "select_all_cpu_seconds": round(statistics.median(res["select_all_cpu"]), 4),
            "select_all_max_seconds": round(max(res["select_all"]), 4),
            "rss_mb": _rss_mb(), "runs": RUNS,
            "queries": [q for q, _ in names + digits],
            "targets": {"open_seconds": 1.0, "search_ready_seconds": 2.0,
                        "keystroke_seconds": 0.05, "select_all_seconds": 0.3, "rss_mb": 1024}}


BENCHES = {"million": million}
