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


NAME_QUERIES = ["петрова", "лог", "кузнецова", "вера п", "секр", "соколова", "крылов е",
                "ком", "иванова", "ив"]
DIGIT_QUERIES = ["926", "9161", "55-1", "8 916", "4567", "000", "903 1", "12-3"]
RUNS = 3


def _framed_app(session):
    from frames import FrameDriver

    from corptui.app import CorptuiApp

    return CorptuiApp(session=session, idle_seconds=3600, driver_class=FrameDriver)


def _expected(session, query: str):
    """(count, first row's number as shown) of the SQL search: what the frame must show."""
    from corptui.numbers import NumberFilter, matching_ids, rows_by_ids
    from corptui.phones import format_msisdn

    ids = matching_ids(session, NumberFilter(search=query))
    first = format_msisdn(rows_by_ids(session, ids[:1])[ids[0]]["msisdn"]) if ids else None
    return len(ids), first


def _shows(query: str, count: int, first: str | None):
    """A predicate on the emulator's lines: the search row echoes the query, the count
    line says ``shown <count>`` and the first row is the first match (or the empty text)."""
    from frames import line_with

    from corptui.i18n import number

    shown = f"shown {number(count)} "

    def pred(lines):
        if query not in line_with(lines, "Search:") or shown not in line_with(lines, "Selected"):
            return False
        rows = "".join(lines[3:5])
        return (first in rows) if first else ("No numbers match" in "".join(lines))
    return pred


def _changing_queries(session, queries, wanted=6):
    """Queries whose last key changes the screen (count or first row)."""
    out = []
    for q in queries:
        full, prefix = _expected(session, q), _expected(session, q[:-1])
        if full != prefix and full[0] > 0:
            out.append((q, full))
        if len(out) == wanted:
            break
    if not out:
        raise RuntimeError("no query changes the screen on its last key")
    return out


async def _loaded(app, pilot):
    """Until the whole list is in memory (the background load finished)."""
    from screens.numbers import NumbersScreen

    while not (isinstance(app.screen, NumbersScreen) and app.screen.view is not None
               and (app.screen.scan is None or app.screen.scan.done)):
        await asyncio.sleep(0.005)
    await pilot.pause()


def _first_rows(lines) -> bool:
    return "+7" in "".join(lines[3:5])


def numbers_open(args) -> dict:
    """Open, type at the first paint, and the time until that search shows."""
    from frames import Stalls, framed

    path = seeded_db(args)
    raw, company, session = _session(path)
    query = _changing_queries(session, NAME_QUERIES, 1)[0]
    q, (count, first) = query
    firsts, usable, gaps = [], [], []

    async def run():
        app = _framed_app(session)
        stalls = Stalls().start()
        t0 = time.perf_counter()
        async with framed(app) as (pilot, frames):
            paint = await frames.until_raw("+7 9", t0)
            firsts.append(paint - t0)
            frames.press("slash")  # the user starts typing right away
            await asyncio.sleep(0.03)
            frames.type(q)
            shown = await frames.until(_shows(q, count, first), paint)
            usable.append(shown - t0)
            await _loaded(app, pilot)
            end = time.perf_counter() + 1.0  # and a second more of what follows the load
            while time.perf_counter() < end:
                await asyncio.sleep(0.01)
            gaps.append(stalls.max_between(paint, time.perf_counter()))
        stalls.stop()

    for _ in range(RUNS):
        asyncio.run(run())
    floor = min(_first_rows_floor(raw, company) for _ in range(3))
    return {"n": args.numbers, "seconds": statistics.median(usable),
            "min_seconds": round(min(usable), 4), "floor_seconds": floor,
            "first_paint_seconds": round(statistics.median(firsts), 4),
            "first_paint_min_seconds": round(min(firsts), 4),
            "max_frame_gap_seconds": round(max(gaps), 4),
            "frame_gap_median_seconds": round(statistics.median(gaps), 4),
            "query": q, "runs": RUNS, "target_max_frame_gap_seconds": 0.05}


async def _keystrokes(app, pilot, frames, queries, out: list) -> None:
    """For each query: its prefix typed and shown, then the last key to the frame that
    shows the result (echo, count and first row together)."""
    from frames import line_with

    search = app.screen.query_one("#search")
    for q, (count, first) in queries:
        frames.press("slash")
        await pilot.pause()
        search.value = q[:-1]
        search.cursor_position = len(q) - 1
        await pilot.pause()
        await asyncio.sleep(0.02)
        await frames.until(lambda lines, p=q[:-1]: p in lines[1], 0)
        t = frames.press(q[-1])
        shown = await frames.until(_shows(q, count, first), t,
                                   first=lambda lines, q=q: q in line_with(lines, "Search:"))
        # 0: the echo and the result in one frame; else the frames the result came later
        out.append((shown - t, frames.frames_between(frames.first_time, shown) - 1,
                    frames.cpu_at(shown) - frames.pressed_cpu))


def numbers_keystroke(args) -> dict:
    from frames import framed, summary

    path = seeded_db(args)
    raw, company, session = _session(path)
    names = _changing_queries(session, NAME_QUERIES)
    digits = _changing_queries(session, DIGIT_QUERIES)
    res = {"names": [], "digits": [], "select_all": []}

    async def run():
        app = _framed_app(session)
        async with framed(app) as (pilot, frames):
            await frames.until(_first_rows, 0)
            await _loaded(app, pilot)
            await _keystrokes(app, pilot, frames, names, res["names"])
            await _keystrokes(app, pilot, frames, digits, res["digits"])
            res["select_all"].append(await _select_all(app, pilot, frames))

    for _ in range(RUNS):
        asyncio.run(run())
    everything = [k[0] for k in res["names"] + res["digits"]]
    n, d = summary([k[0] for k in res["names"]]), summary([k[0] for k in res["digits"]])
    sa = summary([k[0] for k in res["select_all"]])
    cpu = summary([k[2] for k in res["names"] + res["digits"]])
    return {"n": args.numbers, "seconds": statistics.median(everything),
            "p95_seconds": summary(everything)["p95"], "min_seconds": min(everything),
            "floor_seconds": None,
            "names_seconds": n["median"], "names_p95_seconds": n["p95"],
            "digits_seconds": d["median"], "digits_p95_seconds": d["p95"],
            # frames between a key's echo and its result (0: the same frame), worst key
            "echo_to_result_frames": max(k[1] for k in res["names"] + res["digits"]),
            # the app's CPU from the key to its frame: what load stretches least
            "cpu_seconds": cpu["median"], "cpu_p95_seconds": cpu["p95"],
            "cpu_max_seconds": cpu["max"],
            "select_all_seconds": sa["median"], "select_all_max_seconds": sa["max"],
            "select_all_cpu_seconds": summary([k[2] for k in res["select_all"]])["median"],
            "names": [q for q, _ in names], "digits": [q for q, _ in digits], "runs": RUNS,
            "target_seconds": 0.0167, "target_p95_seconds": 0.033}


async def _select_all(app, pilot, frames):
    """``a`` on the whole list (search cleared) to the frame with the selected count."""
    from frames import line_with

    from corptui.i18n import number

    screen = app.screen
    screen.query_one("#search").value = ""
    screen.table.focus()
    screen.table.clear_selection()
    await pilot.pause()
    await asyncio.sleep(0.02)
    total = len(screen.table.ids)
    want = f"Selected {number(total)} "
    t = frames.press("a")
    shown = await frames.until(lambda lines: want in line_with(lines, "Selected"), t)
    return shown - t, 0, frames.cpu_at(shown) - frames.pressed_cpu


def select_all(args) -> dict:
    from frames import framed, summary

    path = seeded_db(args)
    raw, company, session = _session(path)
    samples = []

    async def run():
        app = _framed_app(session)
        async with framed(app) as (pilot, frames):
            await frames.until(_first_rows, 0)
            await _loaded(app, pilot)
            samples.append(await _select_all(app, pilot, frames))

    for _ in range(RUNS):
        asyncio.run(run())
    start = time.perf_counter()
    ids = [r[0] for r in raw.execute("SELECT id FROM subscriber WHERE company_id = ?",
                                     (company,))]
    chosen = set(ids)
    floor = time.perf_counter() - start
    s = summary([x[0] for x in samples])
    return {"n": len(chosen), "seconds": s["median"], "min_seconds": s["min"],
            "floor_seconds": floor, "runs": RUNS,
            "target_seconds": 0.2}


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


BENCHES = {"numbers_open": numbers_open, "numbers_keystroke": numbers_keystroke,
           "select_all": select_all, "numbers_rss": numbers_rss}
