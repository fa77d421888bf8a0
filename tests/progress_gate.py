"""Holding long work mid-way in tests: a gate in its progress callback (inside the use
case, on the worker thread), so counts and cancels are tested at a known point, not
raced."""

from __future__ import annotations

import asyncio
import threading


class Gate:
    """Wraps a progress callback: after ``after`` reports it waits until released."""

    def __init__(self, after: int = 1):
        self.after = after
        self.calls = 0
        self.reached = threading.Event()
        self.release = threading.Event()

    def wrap(self, progress):
        def report(*args):
            if progress is not None:
                progress(*args)
            self.calls += 1
            if self.calls == self.after:
                self.reached.set()
                self.release.wait(10)
        return report


async def wait_for(pilot, event: threading.Event) -> None:
    """Until the worker thread reached the gate (5 s at most), then one UI pause."""
    for _ in range(250):
        if event.is_set():
            break
        await asyncio.sleep(0.02)
    assert event.is_set()
    await pilot.pause()
