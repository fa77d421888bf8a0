"""App-wide benchmarks (issue 9), headless:

- startup: a fresh interpreter to a usable login screen (phone input focused), imports
  included (target < 1 s). Floor: a bare Textual app with one Input, same measure.
- screen_switch: logged in on the seeded 100k database, a section key (F2..F8) to the new
  screen mounted and painted, median over the sections (target < 100 ms)."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time

from common import ROOT, seeded_db

STARTUP = r"""
import time, sys
t0 = time.perf_counter()
import asyncio
from corptui.database import open_database
open_database(sys.argv[1])
from corptui.app import CorptuiApp
from screens.login import LoginScreen

async def main():
    app = CorptuiApp(idle_seconds=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        while not (isinstance(app.screen, LoginScreen) and app.focused is not None
                   and app.focused.id == "phone"):
            await pilot.pause(0.001)
        print(time.perf_counter() - t0)

asyncio.run(main())
"""

FLOOR = r"""
import time
t0 = time.perf_counter()
import asyncio
from textual.app import App
from textual.widgets import Input

class Bare(App):
    def compose(self):
        yield Input(id="phone")

async def main():
    app = Bare()
    async with app.run_test(size=(80, 24)) as pilot:
        while app.focused is None:
            await pilot.pause(0.001)
        print(time.perf_counter() - t0)

asyncio.run(main())
"""


def _run(code: str, *argv: str) -> float:
    out = subprocess.run([sys.executable, "-c", code, *argv], check=True, cwd=ROOT,
                         capture_output=True, text=True, env={**os.environ}).stdout
    return float(out.strip().splitlines()[-1])


def startup(args) -> dict:
    path = seeded_db(args)
    url = f"sqlite:///{path}"
    seconds = min(_run(STARTUP, url) for _ in range(3))
    floor = min(_run(FLOOR) for _ in range(3))
    return {"n": 1, "seconds": seconds, "floor_seconds": floor, "target_seconds": 1.0}


async def painted(app) -> None:
    """Until the current screen has been refreshed (drawn) after the change: what the
    user sees; data that screens load in the background may still be arriving."""
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    # ask for a repaint now: otherwise the callback waits for the next change, e.g. the
    # background load of a screen's data arriving, which is not the switch
    app.screen.refresh()
    app.screen.call_after_refresh(lambda: done.done() or done.set_result(True))
    await done


def screen_switch(args) -> dict:
    from corptui.app import CorptuiApp
    from corptui.database import open_database
    from corptui.session import Session
    from screens.actions import APP_ACTIONS, available_sections

    path = seeded_db(args)
    open_database(f"sqlite:///{path}")
    import sqlite3

    raw = sqlite3.connect(path)
    company = raw.execute("SELECT company_id FROM subscriber GROUP BY company_id "
                          "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    user = raw.execute("SELECT id, phone FROM app_user WHERE company_id = ? AND role = 'owner'",
                       (company,)).fetchone()
    session = Session(company_id=company, role="owner", user_id=user[0], actor=user[1],
                      source="bench")
    have = available_sections()
    keys = [(a.keys, a.section) for a in APP_ACTIONS if a.section and a.section in have]
    samples = {}

    async def run():
        app = CorptuiApp(session=session, idle_seconds=3600)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            for _round in range(2):
                for key, section in keys + [("f2", "numbers")]:
                    if getattr(app.screen, "SECTION", None) == section:
                        continue  # already there: not a switch
                    start = time.perf_counter()
                    if key:
                        # the key as the terminal sends it (Pilot.press would also wait
                        # for the screen's background workers, which is not the switch)
                        app.simulate_key(key)
                    else:  # no key of its own: the go-to menu's way in
                        app.open_section(section)
                    deadline = time.perf_counter() + 20
                    while getattr(app.screen, "SECTION", None) != section:
                        if time.perf_counter() > deadline:
                            raise RuntimeError(f"{key or section} did not open {section}")
                        await pilot.pause(0.001)
                    await painted(app)
                    samples.setdefault(section, []).append(time.perf_counter() - start)

        # floor: the same harness pressing a key bound to nothing (Pilot's own cost)
        app = CorptuiApp(session=session, idle_seconds=3600)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            for _ in range(5):
                start = time.perf_counter()
                app.simulate_key("f24")
                await pilot.pause(0)
                await painted(app)
                samples.setdefault("_floor", []).append(time.perf_counter() - start)

    asyncio.run(run())
    floor = statistics.median(samples.pop("_floor"))
    per = {k: round(min(v), 4) for k, v in samples.items()}
    values = list(per.values())
    return {"n": len(values), "seconds": statistics.median(values), "floor_seconds": floor,
            "max_seconds": max(values), "per_screen": json.loads(json.dumps(per)),
            "target_seconds": 0.1}


BENCHES = {"startup": startup, "screen_switch": screen_switch}
