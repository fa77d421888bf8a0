"""``peers``: the numbers console against the usual answers, on the same rows in the same
run, every timing to the frame handed to the terminal (bench/frames.py), 80x24:

- ours: corptui's numbers console on the seeded database (it reads from SQL as it opens);
- datatable: Textual's own DataTable, the rows added with ``add_rows``;
- fastdatatable: textual-fastdatatable (Arrow backend), the same rows.
The peers get the rows already in memory (a list of tuples of the texts corptui shows:
number, employee, tags, tariff, status), so their open is only their widget's work.

open: app start to the frame with the first row. keystroke: with the whole list shown and
the search field focused, one key (a first search letter over the full list) to the frame
that echoes it and shows the first match; a peer filters the rows in Python as corptui's
rule does and reloads its table (``clear`` + ``add_rows``). Median of 3 runs each (the
DataTable's open takes about 10 s at 100k: expect minutes). Ratios: peer / ours.
textual-fastdatatable is a bench-only dependency: ``pip install -e ".[bench]"``."""

from __future__ import annotations

import asyncio
import statistics
import time

from bench_numbers_tui import _changing_queries, _framed_app, _loaded, _session, _shows
from common import seeded_db

RUNS = 3
KEY_QUERY = ["п", "к", "с", "м"]  # a first letter over the whole list


def _rows(session, raw):
    """The shown texts of every number (msisdn order) and the folded search key of each
    (name and position, the column corptui's search reads)."""
    from corptui.numbers import list_numbers
    from corptui.phones import format_msisdn

    rows = list_numbers(session)
    key = dict(raw.execute("SELECT id, search_text FROM subscriber WHERE company_id = ?",
                           (session.company_id,)).fetchall())
    return ([(format_msisdn(r["msisdn"]), r["full_name"], ", ".join(r["tags"]), r["tariff"],
              r["status"]) for r in rows], [key[r["id"]] or "" for r in rows])


def _peer_app(kind: str, rows, keys):
    from frames import FrameDriver
    from textual.app import App
    from textual.widgets import Input

    from storage.search import fold

    if kind == "datatable":
        from textual.widgets import DataTable
    else:
        from textual_fastdatatable import DataTable

    columns = ("Number", "Employee", "Tags", "Tariff", "Status")

    class Peer(App):
        CSS = "Input { border: none; height: 1; }"

        def compose(self):
            yield Input(placeholder="search", id="search")
            if kind == "datatable":
                table = DataTable(cursor_type="row")
                table.add_columns(*columns)
                table.add_rows(rows)
            else:
                table = DataTable(data=[columns, *rows], cursor_type="row")
            yield table

        async def on_input_changed(self, event: Input.Changed) -> None:
            word = fold(event.value)  # the rule of a name search
            found = [r for r, k in zip(rows, keys, strict=True) if word in k]
            table = self.query_one(DataTable)
            if kind == "datatable":
                table.clear()
                table.add_rows(found)
            else:  # its own advice: "unmount this table and mount a new one instead"
                await table.remove()
                await self.mount(DataTable(data=[columns, *found], cursor_type="row"))

    return Peer(driver_class=FrameDriver)


async def _peer_run(kind, rows, keys, letter, first_match, out):
    from frames import framed

    t0 = time.perf_counter()
    app = _peer_app(kind, rows, keys)
    async with framed(app) as (pilot, frames):
        paint = await frames.until(lambda lines: rows[0][0] in "".join(lines), t0,
                                   timeout=600, quiet=0.05)
        out.setdefault("open", []).append(paint - t0)
        app.query_one("#search").focus()
        await pilot.pause()
        await asyncio.sleep(0.05)
        t = frames.press(letter)
        shown = await frames.until(
            lambda lines: letter in lines[0] and first_match in "".join(lines[1:5]), t,
            timeout=600, quiet=0.05)
        out.setdefault("key", []).append(shown - t)


async def _ours_run(session, letter, expected, out):
    from frames import framed

    t0 = time.perf_counter()
    app = _framed_app(session)
    async with framed(app) as (pilot, frames):
        paint = await frames.until_raw("+7 9", t0)
        out.setdefault("open", []).append(paint - t0)
        await _loaded(app, pilot)
        frames.press("slash")
        await pilot.pause()
        await asyncio.sleep(0.05)
        t = frames.press(letter)
        shown = await frames.until(_shows(letter, *expected), t)
        out.setdefault("key", []).append(shown - t)


def peers(args) -> dict:
    path = seeded_db(args)
    raw, company, session = _session(path)
    rows, keys = _rows(session, raw)
    letter, expected = _changing_queries(session, KEY_QUERY, 1)[0]
    first_peer = next(r[0] for r, k in zip(rows, keys, strict=True) if letter in k)
    res: dict[str, dict] = {"ours": {}, "datatable": {}, "fastdatatable": {}}
    asyncio.run(_ours_run(session, letter, expected, {}))  # warm-up: imports, not timed
    for _ in range(RUNS):
        asyncio.run(_ours_run(session, letter, expected, res["ours"]))
        for kind in ("fastdatatable", "datatable"):
            asyncio.run(_peer_run(kind, rows, keys, letter, first_peer, res[kind]))
    med = {k: {m: round(statistics.median(v), 4) for m, v in d.items()} for k, d in res.items()}
    mins = {k: {m: round(min(v), 4) for m, v in d.items()} for k, d in res.items()}
    ours = med["ours"]
    return {"n": len(rows), "seconds": ours["open"], "floor_seconds": None,
            "ours": med["ours"], "datatable": med["datatable"],
            "fastdatatable": med["fastdatatable"], "min": mins,
            "ratio_open_datatable": round(med["datatable"]["open"] / ours["open"], 1),
            "ratio_open_fastdatatable": round(med["fastdatatable"]["open"] / ours["open"], 1),
            "ratio_keystroke_datatable": round(med["datatable"]["key"] / ours["key"], 1),
            "ratio_keystroke_fastdatatable": round(med["fastdatatable"]["key"] / ours["key"], 1),
            "key": letter, "runs": RUNS}


BENCHES = {"peers": peers}
