"""Numbers console benchmarks (issue 5), measured headless with Pilot on the seeded
100k-number database:

- numbers_open: the app mounted on the numbers screen to the first rows rendered
  (target < 0.5 s). Floor: the same ids query and first page with raw sqlite3.
- numbers_search: one search keystroke to updated rows, median of several queries
  (target < 100 ms). Floor: the same LIKE query with raw sqlite3.
- select_all: `a` on 100k shown numbers to the updated bottom count (target < 200 ms).
  Floor: building the same set of ids in plain Python.
- numbers_rss: the app's peak RSS with the 100k list open (target < 250 MB)."""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import time

from common import seeded_db


def _session(path):
    from corptui.database import open_database
    from corptui.session import Session

    open_database(f"sqlite:///{path}")
    raw = sqlite3.connect(path)
    company = raw.execute("SELECT company_id FROM subscriber GROUP BY company_id "
                          "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    return raw, company, Session.system(company, "bench")


async def _open_app(session):
    from corptui.app import CorptuiApp
    from screens.numbers import NumbersScreen
    from screens.widgets.virtual_table import VirtualTable

    app = CorptuiApp(session=session, idle_seconds=3600)
    return app, NumbersScreen, VirtualTable


def _rss_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _first_rows_floor(raw, company) -> float:
    start = time.perf_counter()
    ids = [r[0] for r in raw.execute(
        "SELECT id FROM subscriber WHERE company_id = ? ORDER BY msisdn, id", (company,))]
    page = ids[:24]
    raw.execute(f"SELECT s.id, s.msisdn, s.full_name FROM subscriber s WHERE s.id IN "
                f"({','.join('?' * len(page))})", page).fetchall()
    return time.perf_counter() - start


def numbers_open(args) -> dict:
    path = seeded_db(args)
    raw, company, session = _session(path)
    result = {}

    async def run():
        app, NumbersScreen, VirtualTable = await _open_app(session)
        start = time.perf_counter()
        async with app.run_test(size=(80, 24)) as pilot:
            while True:
                screen = app.screen
                if isinstance(screen, NumbersScreen):
                    tables = screen.query(VirtualTable)
                    if tables and tables.first().ids:
                        table = tables.first()
                        line = "".join(s.text for s in table.render_line(1))
                        if "+7" in line:
                            break
                await pilot.pause(0.001)
            result["seconds"] = time.perf_counter() - start
            result["rows"] = len(table.ids)

    asyncio.run(run())
    floor = min(_first_rows_floor(raw, company) for _ in range(3))
    return {"n": result["rows"], "seconds": result["seconds"], "floor_seconds": floor,
            "target_seconds": 0.5}


def numbers_search(args) -> dict:
    path = seeded_db(args)
    raw, company, session = _session(path)
    queries = ["926", "иван", "8 916", "петр", "55-1", "смирнова ан"]
    samples = []
    handler = []

    async def run():
        app, NumbersScreen, VirtualTable = await _open_app(session)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            screen = app.screen
            table = screen.query_one(VirtualTable)
            search = screen.query_one("#search")
            for q in queries:
                search.value = q[:-1]
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
                search.focus()
                await pilot.pause()
                search.cursor_position = len(search.value)  # focus selects all: type at the end
                before = list(table.ids)
                start = time.perf_counter()
                await pilot.press(q[-1] if q[-1] != " " else "space")
                deadline = time.perf_counter() + 30
                while time.perf_counter() < deadline:
                    await app.workers.wait_for_complete()
                    await pilot.pause(0.001)
                    if screen.flt.search == q and table.ids is not before:
                        break
                else:
                    raise RuntimeError(f"search {q!r} did not finish: {screen.flt.search!r}")
                "".join(s.text for s in table.render_line(1))
                samples.append(time.perf_counter() - start)
                handler.append(screen.last_search_seconds)
            search.value = ""

    asyncio.run(run())
    floor_samples = []
    for q in queries:
        digits = "".join(ch for ch in q if ch.isdigit())
        start = time.perf_counter()
        if digits and len(digits) == len(q.replace(" ", "").replace("-", "")):
            raw.execute("SELECT id FROM subscriber WHERE company_id = ? AND msisdn LIKE ? "
                        "ORDER BY msisdn, id", (company, f"%{digits}%")).fetchall()
        else:
            sql = "SELECT id FROM subscriber WHERE company_id = ?" + \
                  " AND search_text LIKE ?" * len(q.split()) + " ORDER BY msisdn, id"
            raw.execute(sql, (company, *[f"%{w}%" for w in q.split()])).fetchall()
        floor_samples.append(time.perf_counter() - start)
    return {"n": args.numbers, "seconds": statistics.median(samples),
            "max_seconds": round(max(samples), 4), "floor_seconds": statistics.median(floor_samples),
            "queries": len(queries), "handler_seconds": round(statistics.median(handler), 4),
            "target_seconds": 0.1}


def select_all(args) -> dict:
    path = seeded_db(args)
    raw, company, session = _session(path)
    result = {}

    async def run():
        app, NumbersScreen, VirtualTable = await _open_app(session)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            table = screen.query_one(VirtualTable)
            start = time.perf_counter()
            await pilot.press("a")
            while len(table.selected) != len(table.ids):
                await pilot.pause(0.001)
            line = screen.selection_text()
            result["seconds"] = time.perf_counter() - start
            result["line"] = line
            result["n"] = len(table.selected)
            ids = list(table.ids)
        start = time.perf_counter()
        chosen = set(ids)
        f"Selected {len(chosen):,} · shown {sum(1 for i in chosen if i in chosen):,}"
        result["floor"] = time.perf_counter() - start

    asyncio.run(run())
    return {"n": result["n"], "seconds": result["seconds"], "floor_seconds": result["floor"],
            "status_line": result["line"], "target_seconds": 0.2}


def numbers_rss(args) -> dict:
    path = seeded_db(args)
    raw, company, session = _session(path)
    result = {}

    async def run():
        app, NumbersScreen, VirtualTable = await _open_app(session)
        start = time.perf_counter()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            table = app.screen.query_one(VirtualTable)
            for _ in range(20):  # scroll through pages, select all, invert
                await pilot.press("pagedown")
            await pilot.press("end", "a", "i", "a")
            await pilot.pause()
            result["n"] = len(table.ids)
            result["seconds"] = time.perf_counter() - start

    asyncio.run(run())
    return {"n": result["n"], "seconds": result["seconds"], "rss_mb": _rss_mb(),
            "target_rss_mb": 250}


BENCHES = {"numbers_open": numbers_open, "numbers_search": numbers_search,
           "select_all": select_all, "numbers_rss": numbers_rss}
