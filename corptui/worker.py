"""The worker loop behind `corptui worker`: periodic hooks, then due jobs, then a pause.

SIGTERM/SIGINT once: finish the job in hand, then exit. A second signal: stop the job at
once and give it back to the queue (it runs again later, from the start)."""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
from collections.abc import Callable

from corptui import jobs


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Worker:
    def __init__(self, worker_id: str | None = None, poll: float = 2.0,
                 log: Callable[[str], None] | None = None):
        self.worker_id = worker_id or default_worker_id()
        self.poll = max(0.05, float(poll))
        self.stop_event = threading.Event()
        self.log = log or (lambda text: None)
        self._signals = 0
        self.ran = 0

    # signals -----------------------------------------------------------------
    def _on_signal(self, signum, frame) -> None:
        self._signals += 1
        if self._signals == 1:
            self.log(f"worker {self.worker_id}: stopping after the current job "
                     f"(signal again to stop now)")
            self.stop_event.set()
        else:
            raise jobs.WorkerStopping()

    def install_signals(self) -> list:
        if threading.current_thread() is not threading.main_thread():
            return []
        old = []
        for sig in (signal.SIGTERM, signal.SIGINT):
            old.append((sig, signal.signal(sig, self._on_signal)))
        return old

    # loop --------------------------------------------------------------------
    def cycle(self) -> int:
        """One pass: periodic hooks, then every due job. Returns the jobs run."""
        for name, error in jobs.run_periodic().items():
            self.log(f"worker {self.worker_id}: {name} failed: {error}")
        ran = 0
        while not self.stop_event.is_set():
            job_id = jobs.run_one(self.worker_id)
            if job_id is None:
                break
            ran += 1
            self.ran += 1
            self.log(f"worker {self.worker_id}: job {job_id} {_state(job_id)}")
        return ran

    def run(self, once: bool = False) -> int:
        kinds = jobs.load_handlers()
        self.log(f"worker {self.worker_id}: kinds {', '.join(kinds) or '(none)'}")
        old = self.install_signals()
        try:
            while not self.stop_event.is_set():
                self.cycle()
                if once:
                    break
                self.stop_event.wait(self.poll)
        except jobs.WorkerStopping:
            self.log(f"worker {self.worker_id}: stopped, the current job goes back to the queue")
        finally:
            for sig, handler in old:
                signal.signal(sig, handler)
        return self.ran

    def stop(self) -> None:
        self.stop_event.set()


def _state(job_id: int) -> str:
    from storage.models import Job

    job = Job.get_or_none(Job.id == job_id)
    if job is None:
        return "gone"
    if job.state == "queued" and job.error:
        return f"will retry ({job.error})"
    if job.state == "failed":
        return f"failed ({job.error})"
    return job.state


def log_to_stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
