"""Timings that end at the frame the app hands to the terminal.

``FrameDriver`` is Textual's headless driver with the output switched on: the app renders
every frame to the bytes a terminal would get (the compositor's update, the same
``App._display`` path as over SSH), and the driver keeps each write with its time instead
of sending it. ``Frames`` feeds those bytes to a terminal emulator (pyte) and answers
"when was the first frame, after time t, whose screen showed this?". Keys are posted the
way a terminal driver posts them (no Pilot waits in the measured path). ``Stalls`` samples
the event loop every 2 ms: its longest lateness is the longest time the app could not have
drawn a frame or taken a key. Each frame also keeps the process's CPU time when it was
written (``cpu_at``): CPU seconds from a key to its frame are the app's own work, which a
loaded machine stretches far less than wall time.

    async with framed(app) as (pilot, frames): ...
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time

import pyte
from textual import events
from textual.drivers.headless_driver import HeadlessDriver
from textual.keys import _character_to_key


class FrameDriver(HeadlessDriver):
    @property
    def is_headless(self) -> bool:
        return False  # the app renders its output: what a terminal would receive

    def write(self, data: str) -> None:
        sink = getattr(self._app, "_bench_frames", None)
        if sink is not None:
            sink.append((time.perf_counter(), data))
            self._app._bench_cpu.append(time.process_time())

    def flush(self) -> None:
        pass


class Frames:
    def __init__(self, app, size=(80, 24)):
        self.log: list[tuple[float, str]] = []
        self.cpu: list[float] = []  # the process's CPU time at each frame of ``log``
        app._bench_frames = self.log
        app._bench_cpu = self.cpu
        self.app = app
        self.term = pyte.Screen(*size)
        self.stream = pyte.Stream(self.term)
        self.fed = 0
        self.last_time = 0.0

    @property
    def lines(self) -> list[str]:
        return self.term.display

    def text(self) -> str:
        return "\n".join(self.lines)

    async def until(self, pred, after: float = 0.0, timeout: float = 60.0,
                    quiet: float = 0.03, first=None) -> float:
        """The time of the first frame written at or after ``after`` whose screen (the
        emulator's lines) satisfies ``pred``. The emulator is fed only once the app has
        been quiet for ``quiet`` seconds (or a frame waited 0.25 s), so feeding it never
        delays the frames being measured. ``first``: a predicate whose first true frame
        (after ``after``) is kept in ``self.first_time`` (e.g. the echo of a key)."""
        deadline = time.perf_counter() + timeout
        self.first_time = None
        while True:
            seen = len(self.log)
            await asyncio.sleep(quiet)
            old = self.fed < seen and time.perf_counter() - self.log[self.fed][0] > 0.25
            if len(self.log) == seen or old:
                end = len(self.log)
                while self.fed < end:
                    t, data = self.log[self.fed]
                    self.stream.feed(data)
                    self.fed += 1
                    self.last_time = t
                    if (t >= after and first is not None and self.first_time is None
                            and first(self.lines)):
                        self.first_time = t
                    if t >= after and pred(self.lines):
                        return t
            if time.perf_counter() > deadline:
                raise TimeoutError("no frame showed the expected content; screen:\n"
                                   + self.text())

    async def until_raw(self, needle: str, after: float = 0.0, timeout: float = 60.0) -> float:
        """The time of the first write at or after ``after`` whose bytes hold ``needle``
        (a cheap check, no emulator: for the first paint)."""
        deadline = time.perf_counter() + timeout
        k = 0
        while time.perf_counter() < deadline:
            while k < len(self.log):
                t, data = self.log[k]
                k += 1
                if t >= after and needle in data:
                    return t
            await asyncio.sleep(0.001)
        raise TimeoutError(f"no frame with {needle!r}")

    def cpu_at(self, t: float) -> float:
        """The process's CPU time (time.process_time) when the frame of time ``t`` was
        written."""
        for (ft, _d), cpu in zip(self.log, self.cpu, strict=True):
            if ft == t:
                return cpu
        raise KeyError(t)

    def frames_between(self, a: float, b: float) -> int:
        return sum(1 for t, _d in self.log if a <= t <= b)

    def press(self, *keys: str) -> float:
        """Posts the keys as a terminal driver does; returns the time of the first (its
        CPU time in ``self.pressed_cpu``)."""
        self.pressed_cpu = time.process_time()
        start = time.perf_counter()
        for key in keys:
            self.app.post_message(_key_event(key))
        return start

    def type(self, text: str) -> float:
        return self.press(*[ch for ch in text])


def _key_event(key: str) -> events.Key:
    if len(key) == 1:
        return events.Key(_character_to_key(key) if key != " " else "space", key)
    return events.Key(key, None)


class Stalls:
    """Event-loop lateness, sampled every 2 ms while running."""

    def __init__(self):
        self.samples: list[tuple[float, float]] = []
        self._task = None

    async def _run(self):
        sleep = asyncio.sleep
        while True:
            t = time.perf_counter()
            await sleep(0.002)
            now = time.perf_counter()
            self.samples.append((now, now - t - 0.002))

    def start(self):
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def stop(self):
        if self._task:
            self._task.cancel()

    def max_between(self, a: float, b: float) -> float:
        """The longest stall that ended between a and b (seconds)."""
        return max((lag for t, lag in self.samples if a <= t <= b), default=0.0)


@contextlib.asynccontextmanager
async def framed(app, size=(80, 24)):
    frames = Frames(app, size)
    async with app.run_test(headless=False, size=size) as pilot:
        yield pilot, frames


def line_with(lines: list[str], needle: str) -> str:
    return next((ln for ln in lines if needle in ln), "")


def summary(samples: list[float]) -> dict:
    s = sorted(samples)
    p95 = s[min(len(s) - 1, round(0.95 * (len(s) - 1)))]
    return {"min": round(s[0], 4), "median": round(statistics.median(s), 4),
            "p95": round(p95, 4), "max": round(s[-1], 4), "samples": len(s)}
