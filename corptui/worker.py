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


# -- one worker per SQLite database ---------------------------------------------------
def _slot_path(url: str):
    """The lock file of the SQLite database at ``url`` (None: not SQLite, or in memory)."""
    from pathlib import Path

    from storage.db import parse_url

    if not url.startswith("sqlite:"):
        return None  # PostgreSQL (open_database_url gives "postgresql://"): no slot
    info = parse_url(url)
    path = getattr(info, "path", None)
    if info.engine != "sqlite" or not path or path == ":memory:":
        return None
    p = Path(path).resolve()
    return p.with_name(p.name + ".worker.lock")


class WorkerSlot:
    """The right to run the queue of one SQLite database: an exclusive lock (flock) on a
    file next to it, held while a worker runs and freed by the system when its process
    ends. The app's own worker and `corptui worker` both take it, so one of them runs a
    SQLite queue. PostgreSQL needs no slot (workers share the queue: SKIP LOCKED)."""

    def __init__(self, url: str):
        self.path = _slot_path(url)
        self._fh = None

    def acquire(self) -> bool:
        if self.path is None:
            return True
        import fcntl

        if self._fh is not None:
            return True
        try:
            fh = open(self.path, "a+")  # noqa: SIM115 - held open while the worker runs
        except OSError:
            return True  # a read-only folder: no lock to take, the claim stays atomic
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            return False
        self._fh = fh
        return True

    def release(self) -> None:
        if self._fh is not None:
            import fcntl

            try:
                fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            finally:
                self._fh.close()
                self._fh = None


def worker_present(url: str) -> bool | None:
    """Is a worker running the queue of the database at ``url``? True/False on SQLite (the
    slot is taken or free), None when it cannot be told (PostgreSQL)."""
    if _slot_path(url) is None:
        return None
    slot = WorkerSlot(url)
    if slot.acquire():
        slot.release()
        return False
    return True


def waiting_jobs(min_age: float = 0.0) -> int:
    """Jobs due for ``min_age`` seconds or more and not taken by a worker (all companies)."""
    import datetime as dt

    from storage.fields import utcnow
    from storage.models import Job

    due = utcnow() - dt.timedelta(seconds=min_age)
    return Job.select().where((Job.state == "queued") & (Job.run_after <= due)).count()


def embedded_enabled() -> bool:
    """The app runs the queue itself unless CORPTUI_APP_WORKER=0 (servers that run
    `corptui worker` instead may switch it off; they need not)."""
    return os.environ.get("CORPTUI_APP_WORKER", "1").strip().lower() not in ("0", "no",
                                                                             "off", "false")


class EmbeddedWorker:
    """The queue run by the app while it is open: a daemon thread with its own database
    connection running ``Worker`` (the same claims as `corptui worker`, so the two never run
    one job twice). On SQLite it runs only when it gets the database's WorkerSlot (another
    app or `corptui worker` may hold it: then that one runs the queue)."""

    def __init__(self, url: str, poll: float = 1.0):
        self.url = url
        self.slot = WorkerSlot(url)
        self.worker = Worker(worker_id=f"{default_worker_id()}:app", poll=poll)
        self.thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def start(self) -> bool:
        """Start the thread; False when another worker holds the slot."""
        if self.running:
            return True
        if not self.slot.acquire():
            return False
        self.worker.stop_event.clear()
        self.thread = threading.Thread(target=self._run, name="corptui-worker", daemon=True)
        self.thread.start()
        return True

    def _run(self) -> None:
        from corptui.database import close_thread_connection

        try:
            self.worker.run()
        except Exception as exc:  # the app goes on; the status line tells the queue waits
            log_to_stderr(f"worker {self.worker.worker_id}: stopped: {exc}")
        finally:
            close_thread_connection()
            self.slot.release()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the job in hand (it is given back to the queue if it runs longer)."""
        self.worker.stop()
        if self.thread is not None:
            self.thread.join(timeout)
        self.thread = None


def open_database_url() -> str:
    """The URL of the open database, for its WorkerSlot (a SQLite file, or PostgreSQL)."""
    import peewee as pw

    from storage.db import database

    db = database.obj
    if isinstance(db, pw.SqliteDatabase):
        return f"sqlite:///{db.database}"
    return "postgresql://"


def unattended_text(embedded: EmbeddedWorker | None = None, url: str | None = None) -> str:
    """A sentence when jobs are due and no worker runs them (else ""): the app's own worker
    is not running and, on SQLite, no other process holds the queue's slot."""
    from corptui.i18n import _, ngettext

    if embedded is not None and embedded.running:
        return ""
    present = worker_present(url or open_database_url())
    if present:
        return ""
    # PostgreSQL cannot tell who runs its queue: jobs due a minute and not taken
    n = waiting_jobs(0 if present is False else 60)
    if not n:
        return ""
    return ngettext("{n} background job waits and nothing runs it: open the app (`corptui`) "
                    "or start `corptui worker`.",
                    "{n} background jobs wait and nothing runs them: open the app "
                    "(`corptui`) or start `corptui worker`.", n).format(n=n)
