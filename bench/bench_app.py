"""App-wide benchmarks (issue 9), headless:

- startup: a fresh interpreter to a usable login screen (phone input focused), imports
  included, the database opened as `corptui` opens it (after the first frame) (target < 0.5 s). Floor: a bare Textual app with one Input, same measure.
- screen_switch: logged in on the seeded 100k database, a section key (F2..F8) to the new
  screen mounted and painted, median over the sections (target < 100 ms)."""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, seeded_db

STARTUP = r"""
import sys, time
t_import = time.time()
sys.path[:0] = [sys.argv[2]]
import asyncio
from corptui.app import CorptuiApp
from frames import FrameDriver, Frames

def open_db():  # as `corptui` does (corptui.cli.tui.run_app): after the first frame
    from corptui.database import open_database
    open_database(sys.argv[1])

async def main():
    app = CorptuiApp(idle_seconds=3600, driver_class=FrameDriver, open_db=open_db)
    frames = Frames(app)
    async with app.run_test(headless=False, size=(80, 24)):
        # the login form as the terminal shows it: its field labels and the button
        t = await frames.until(lambda lines: "Phone number" in "\n".join(lines)
                               and "Log in" in "\n".join(lines), quiet=0.02)
        frame_wall = time.time() - (time.perf_counter() - t)
        cpu = frames.cpu_at(t)
    import resource
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sys.__stdout__.write(f"{frame_wall} {cpu} {rss}\n")

asyncio.run(main())
"""

FLOOR = r"""
import sys, time
sys.path[:0] = [sys.argv[1]]
import asyncio
from textual.app import App
from textual.widgets import Input, Label
from frames import FrameDriver, Frames

class Bare(App):
    def compose(self):
        yield Label("Phone number")
        yield Input(id="phone")

async def main():
    app = Bare(driver_class=FrameDriver)
    frames = Frames(app)
    async with app.run_test(headless=False, size=(80, 24)):
        t = await frames.until(lambda lines: "Phone number" in "\n".join(lines), quiet=0.02)
        frame_wall = time.time() - (time.perf_counter() - t)
        cpu = frames.cpu_at(t)
    sys.__stdout__.write(f"{frame_wall} {cpu} 0\n")

asyncio.run(main())
"""


def _run(code: str, *argv: str) -> tuple[float, float, float]:
    """(seconds from the process start to the frame, peak RSS MB, the process's CPU
    seconds at the frame) of one fresh process."""
    env = {**os.environ, "CORPTUI_LANG": "en"}
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code, *argv], check=True, cwd=ROOT,
                         capture_output=True, text=True, env=env).stdout
    frame_wall, cpu, rss = (float(x) for x in out.strip().splitlines()[-1].split())
    return frame_wall - start, rss, cpu


def startup(args) -> dict:
    """A fresh interpreter to the frame that shows the login form (process start,
    imports and the first paint included). Floor: a bare Textual app with a label and an
    input, the same measure (what any Textual app pays)."""
    here = str(Path(__file__).resolve().parent)
    path = seeded_db(args)
    url = f"sqlite:///{path}"
    runs, floors = [], []
    for k in range(5):  # in turn, so that a change of the machine's load hits both alike
        runs.append(_run(STARTUP, url, here))
        if k < 3:
            floors.append(_run(FLOOR, here))
    seconds = [s for s, _r, _c in runs]
    cpu = statistics.median(c for *_x, c in runs)
    floor_cpu = statistics.median(c for *_x, c in floors)
    return {"n": 1, "seconds": statistics.median(seconds), "min_seconds": round(min(seconds), 4),
            "floor_seconds": min(f for f, _r, _c in floors),
            "rss_mb": max(r for _s, r, _c in runs), "runs": len(runs),
            # the process's CPU seconds at the login frame (interpreter start included)
            "cpu_seconds": round(cpu, 4), "floor_cpu_seconds": round(floor_cpu, 4),
            "cpu_ratio": round(cpu / floor_cpu, 2), "target_seconds": 0.5}


def screen_switch(args) -> dict:
    """Logged in as the owner on the seeded database, a section key (as the terminal
    sends it) to the frame that shows the new screen (its title in the top line), for
    every section, 3 rounds: per screen the median, then the median and the slowest
    over the screens. Floor: a key bound to nothing, to the next frame (the harness)."""
    import importlib
    import sqlite3

    from frames import FrameDriver, framed

    from corptui.app import CorptuiApp
    from corptui.database import open_database
    from corptui.i18n import _
    from corptui.session import Session
    from screens.actions import APP_ACTIONS, available_sections

    path = seeded_db(args)
    open_database(f"sqlite:///{path}")
    raw = sqlite3.connect(path)
    company = raw.execute("SELECT company_id FROM subscriber GROUP BY company_id "
                          "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    user = raw.execute("SELECT id, phone FROM app_user WHERE company_id = ? AND role = 'owner'",
                       (company,)).fetchone()
    session = Session(company_id=company, role="owner", user_id=user[0], actor=user[1],
                      source="bench")
    have = available_sections()
    titles = {}
    for name, target in have.items():
        module, cls = target.split(":")
        titles[name] = _(getattr(importlib.import_module(module), cls).TITLE)
    keys = [(a.keys.split(",")[0] if a.keys else "", a.section) for a in APP_ACTIONS
            if a.section and a.section in have]
    samples: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}  # the process's CPU seconds from the key to the frame

    async def run():
        app = CorptuiApp(session=session, idle_seconds=3600, driver_class=FrameDriver)
        async with framed(app) as (pilot, frames):
            await frames.until(lambda lines: lines[0].startswith(f" {titles['numbers']} ·"))
            await pilot.pause()
            for _round in range(3):
                for key, section in keys + [("f2", "numbers")]:
                    if getattr(app.screen, "SECTION", None) == section:
                        continue  # already there: not a switch
                    await asyncio.sleep(0.05)  # what the last screen loads in the background
                    head = f" {titles[section]} ·"
                    if key:
                        t = frames.press(key)
                    else:  # no key of its own: the go-to menu's way in
                        frames.pressed_cpu = time.process_time()
                        t = time.perf_counter()
                        app.open_section(section)
                    shown = await frames.until(lambda lines, h=head: lines[0].startswith(h), t)
                    samples.setdefault(section, []).append(shown - t)
                    cpu.setdefault(section, []).append(frames.cpu_at(shown) - frames.pressed_cpu)
            for _ in range(5):  # floor: a key bound to nothing, then any frame at all
                await asyncio.sleep(0.05)
                t = frames.press("f24")
                app.screen.refresh()
                shown = await frames.until(lambda lines: True, t)
                samples.setdefault("_floor", []).append(shown - t)

    asyncio.run(run())
    floor = statistics.median(samples.pop("_floor"))
    per = {k: round(statistics.median(v), 4) for k, v in samples.items()}
    slowest = max(per, key=per.get)
    values = list(per.values())
    per_cpu = {k: round(statistics.median(v), 4) for k, v in cpu.items()}
    slowest_cpu = max(per_cpu, key=per_cpu.get)
    return {"n": len(values), "seconds": statistics.median(values), "floor_seconds": floor,
            "max_seconds": per[slowest], "slowest": slowest, "per_screen": per,
            "cpu_seconds": statistics.median(per_cpu.values()),
            "cpu_max_seconds": per_cpu[slowest_cpu], "slowest_cpu": slowest_cpu,
            "per_screen_cpu": per_cpu,
            "rounds": 3, "target_seconds": 0.1}


BENCHES = {"startup": startup, "screen_switch": screen_switch}
