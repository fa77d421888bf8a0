"""The job queue: background work in the database, no extra server.

A use case enqueues a job (``enqueue(kind, payload)``); ``corptui worker`` claims due jobs
and runs the handler registered for their kind. On PostgreSQL several workers share the
queue (``SELECT ... FOR UPDATE SKIP LOCKED``); on SQLite the claim is one IMMEDIATE
transaction and one worker at a time is supported.

Handlers::

    def handler(payload: dict, progress) -> dict:   # progress(percent) persists 0..100
        ...
        return {"file": path}                         # stored as the job's result

    jobs.register("documents.build", handler)

A handler that raises is retried with exponential backoff (``backoff_seconds``) and marked
``failed`` with its error after ``max_attempts``; raise ``PermanentError`` to fail at once.
``current()`` tells a handler which job it runs (id, company, attempt).

A worker holds a lease on its job: ``locked_at`` is renewed every LEASE/3 seconds by a
heartbeat thread while the handler runs. A job whose lease expired (the worker was killed
or lost its connection) is claimed again by the next worker. Handlers write their files with
``atomic_output(path)`` (a temporary file renamed into place on success), so a killed worker
never leaves a half-written file behind.

Modules that register job kinds are imported by ``load_handlers()`` (``HANDLER_MODULES``
plus the comma-separated module names in ``CORPTUI_JOB_MODULES``)."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import importlib
import importlib.util
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from corptui import permissions
from corptui.database import retrying
from corptui.errors import NotFound
from corptui.i18n import _
from storage.db import atomic, database, is_postgres
from storage.fields import utcnow
from storage.models import Job

JOB_STATES = ("queued", "running", "done", "failed")
LEASE_SECONDS = 300  # a running job whose lock is older than this is claimed again
MAX_BACKOFF_SECONDS = 3600
ERROR_LIMIT = 2000

# Modules that register job kinds at import time (missing ones are skipped).
HANDLER_MODULES = [
    "corptui.notify",
    "corptui.documents",
    "corptui.reconciliation",
    "corptui.reports",
    "corptui.schedules",
    "corptui.options",
    "corptui.rating.billing",
    "corptui.limit_actions",
    "corptui.overview",
]

Handler = Callable[[dict, Callable[[int], None]], dict | None]
_HANDLERS: dict[str, Handler] = {}
ENQUEUED = {"count": 0}  # jobs queued by this process (the CLI tells when none will run)
_current: contextvars.ContextVar = contextvars.ContextVar("corptui_job", default=None)


class PermanentError(Exception):
    """Raised by a handler: fail the job now, no retries (bad payload, missing data)."""


class WorkerStopping(BaseException):
    """Raised inside a running handler when the worker must stop at once (second signal):
    the job is released (queued again, attempt not counted)."""


@dataclass(frozen=True)
class JobContext:
    id: int
    kind: str
    company_id: int | None
    attempt: int
    max_attempts: int
    worker_id: str


def register(kind: str, handler: Handler) -> None:
    """Register the handler of a job kind (at import time of the module that owns it)."""
    if not kind or len(kind) > 40:
        raise ValueError(_("a job kind is 1-40 characters"))
    _HANDLERS[kind] = handler


_PERIODIC: dict[str, Callable[[], object]] = {}


def register_periodic(name: str, fn: Callable[[], object]) -> None:
    """A function the worker calls at the start of every cycle, before it claims jobs
    (e.g. enqueue the reports whose schedule is due, or jobs for queued notifications).
    It must be cheap and safe to run from several workers at once."""
    _PERIODIC[name] = fn


def run_periodic() -> dict[str, str]:
    """Run every periodic function; returns {name: error} for those that raised."""
    errors = {}
    for name, fn in list(_PERIODIC.items()):
        try:
            fn()
        except Exception as exc:  # one broken hook must not stop the worker
            errors[name] = _describe(exc)
    return errors


def registered_kinds() -> list[str]:
    return sorted(_HANDLERS)


def load_handlers() -> list[str]:
    """Import the modules that register job kinds. Returns the kinds now known."""
    extra = [m.strip() for m in os.environ.get("CORPTUI_JOB_MODULES", "").split(",") if m.strip()]
    for name in HANDLER_MODULES + extra:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if found:
            importlib.import_module(name)
    return registered_kinds()


def current() -> JobContext | None:
    """The job the calling handler runs (None outside a worker)."""
    return _current.get()


# -- enqueue --------------------------------------------------------------------------


def enqueue(kind: str, payload: dict | None = None, company_id: int | None = None,
            run_after: dt.datetime | None = None, priority: int = 0,
            max_attempts: int = 5) -> int:
    """Queue a job; returns its id. Call it inside the use case's transaction so the job
    exists exactly when the change that asked for it is committed. Higher priority first."""
    if not kind or len(kind) > 40:
        raise ValueError(_("a job kind is 1-40 characters"))
    if max_attempts < 1:
        raise ValueError(_("max_attempts must be at least 1"))
    now = utcnow()
    job = Job.create(kind=kind, payload=dict(payload or {}), company=company_id,
                     run_after=run_after or now, priority=priority,
                     max_attempts=max_attempts, state="queued", created_at=now)
    ENQUEUED["count"] += 1
    return job.id


# -- claim ----------------------------------------------------------------------------


def backoff_seconds(attempts: int) -> float:
    """Delay before the next try after ``attempts`` failed ones: base * 2**(attempts-1),
    base CORPTUI_JOB_BACKOFF seconds (default 30), at most an hour."""
    base = float(os.environ.get("CORPTUI_JOB_BACKOFF", "30"))
    return min(MAX_BACKOFF_SECONDS, base * (2 ** max(0, attempts - 1)))


def lease_seconds() -> float:
    return float(os.environ.get("CORPTUI_JOB_LEASE", LEASE_SECONDS))


def _due_query(now: dt.datetime):
    stale = now - dt.timedelta(seconds=lease_seconds())
    return (Job.select()
            .where(((Job.state == "queued") & (Job.run_after <= now))
                   | ((Job.state == "running") & (Job.locked_at < stale)))
            .order_by(Job.priority.desc(), Job.run_after, Job.id))


@retrying
def claim(worker_id: str, kinds: list[str] | None = None) -> Job | None:
    """Take the next due job (or a running one whose lease expired) for ``worker_id``.

    Returns the Job (state running, attempts counted) or None when nothing is due. A stale
    job that has used all its attempts is marked failed instead of being run again."""
    if not worker_id:
        raise ValueError(_("a worker id is required"))
    while True:
        with atomic():
            now = utcnow()
            query = _due_query(now)
            if kinds is not None:
                query = query.where(Job.kind.in_(list(kinds)))
            query = query.limit(1)
            if is_postgres():
                query = query.for_update(skip_locked=True)
            job = query.first()
            if job is None:
                return None
            stale = job.state == "running"
            if stale and job.attempts >= job.max_attempts:
                Job.update(state="failed", locked_by="", locked_at=None, finished_at=now,
                           error=_clip(job.error or
                                       f"the worker {job.locked_by} stopped during the job "
                                       f"{job.attempts} times")).where(
                    Job.id == job.id).execute()
                continue
            if stale and not job.error:
                job.error = f"picked up again: the lease of worker {job.locked_by} expired"
            n = (Job.update(state="running", locked_by=worker_id, locked_at=now,
                            attempts=Job.attempts + 1, error=job.error)
                 .where((Job.id == job.id) & (Job.state == job.state)
                        & (Job.locked_by == job.locked_by))
                 .execute())
            if n == 1:
                return Job.get_by_id(job.id)
        # somebody else took it between the read and the write: look again


def _clip(text: str) -> str:
    return text if len(text) <= ERROR_LIMIT else text[: ERROR_LIMIT - 1] + "…"


# -- progress and heartbeat -----------------------------------------------------------


def progress(job_id: int, percent: int | float, worker_id: str | None = None) -> None:
    """Persist a running job's progress (0..100); also renews the lease."""
    value = max(0, min(100, int(percent)))
    query = Job.update(progress=value, locked_at=utcnow()).where(
        (Job.id == job_id) & (Job.state == "running"))
    if worker_id:
        query = query.where(Job.locked_by == worker_id)
    with atomic():
        query.execute()


class _Heartbeat(threading.Thread):
    def __init__(self, job_id: int, worker_id: str):
        super().__init__(name=f"heartbeat-{job_id}", daemon=True)
        self.job_id = job_id
        self.worker_id = worker_id
        self.stop_event = threading.Event()

    def run(self) -> None:
        interval = max(0.05, lease_seconds() / 3)
        try:
            while not self.stop_event.wait(interval):
                with contextlib.suppress(Exception), atomic():
                    Job.update(locked_at=utcnow()).where(
                        (Job.id == self.job_id) & (Job.state == "running")
                        & (Job.locked_by == self.worker_id)).execute()
        finally:
            with contextlib.suppress(Exception):
                if not database.is_closed():
                    database.close()

    def stop(self) -> None:
        self.stop_event.set()
        self.join(timeout=10)


# -- running --------------------------------------------------------------------------


def run_one(worker_id: str, kinds: list[str] | None = None) -> int | None:
    """Claim and run one due job. Returns its id, or None when nothing was due.

    Success: state done, progress 100, the handler's result. Failure: queued again after
    ``backoff_seconds(attempts)`` with the error, or failed after max_attempts."""
    job = claim(worker_id, kinds)
    if job is None:
        return None
    handler = _HANDLERS.get(job.kind)
    if handler is None:
        _finish_failed(job, worker_id, f"unknown job kind {job.kind!r} (no handler registered)")
        return job.id

    def report(percent) -> None:
        progress(job.id, percent, worker_id)

    ctx = JobContext(job.id, job.kind, job.company_id, job.attempts, job.max_attempts, worker_id)
    token = _current.set(ctx)
    beat = _Heartbeat(job.id, worker_id)
    beat.start()
    try:
        result = handler(dict(job.payload or {}), report)
    except WorkerStopping:
        beat.stop()
        release(job.id, worker_id)
        raise
    except PermanentError as exc:
        beat.stop()
        _finish_failed(job, worker_id, _describe(exc))
    except Exception as exc:  # a handler's failure is recorded, never kills the worker
        beat.stop()
        _retry_or_fail(job, worker_id, _describe(exc))
    else:
        beat.stop()
        with atomic():
            Job.update(state="done", progress=100, result=_jsonable(result or {}),
                       error="", locked_by="", locked_at=None, finished_at=utcnow()).where(
                (Job.id == job.id) & (Job.locked_by == worker_id)).execute()
    finally:
        _current.reset(token)
    return job.id


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return _clip(f"{type(exc).__name__}: {text}" if text else type(exc).__name__)


def _jsonable(value):
    import json

    return json.loads(json.dumps(value, default=str))


def _finish_failed(job: Job, worker_id: str, error: str) -> None:
    with atomic():
        Job.update(state="failed", error=_clip(error), locked_by="", locked_at=None,
                   finished_at=utcnow()).where(
            (Job.id == job.id) & (Job.locked_by == worker_id)).execute()


def _retry_or_fail(job: Job, worker_id: str, error: str) -> None:
    if job.attempts >= job.max_attempts:
        _finish_failed(job, worker_id, error)
        return
    later = utcnow() + dt.timedelta(seconds=backoff_seconds(job.attempts))
    with atomic():
        Job.update(state="queued", error=_clip(error), locked_by="", locked_at=None,
                   run_after=later).where(
            (Job.id == job.id) & (Job.locked_by == worker_id)).execute()


def release(job_id: int, worker_id: str) -> None:
    """Give a claimed job back (worker stopping): queued again now, the attempt not counted."""
    with atomic():
        Job.update(state="queued", locked_by="", locked_at=None,
                   attempts=Job.attempts - 1).where(
            (Job.id == job_id) & (Job.locked_by == worker_id)
            & (Job.state == "running")).execute()


def run_due(worker_id: str, limit: int | None = None,
            should_stop: Callable[[], bool] | None = None) -> int:
    """Run due jobs until none is due (or ``limit``/``should_stop``). Returns the count."""
    count = 0
    while limit is None or count < limit:
        if should_stop is not None and should_stop():
            break
        if run_one(worker_id) is None:
            break
        count += 1
    return count


# -- reading --------------------------------------------------------------------------

COLUMNS = ["id", "kind", "state", "progress", "attempts", "max_attempts", "run_after",
           "locked_by", "error", "created_at", "finished_at"]


def _row(job: Job) -> dict:
    return {
        "id": job.id, "kind": job.kind, "state": job.state, "progress": job.progress,
        "attempts": job.attempts, "max_attempts": job.max_attempts,
        "run_after": job.run_after, "locked_by": job.locked_by, "locked_at": job.locked_at,
        "error": job.error, "result": job.result or {}, "payload": job.payload or {},
        "company_id": job.company_id, "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


def job_status(session, job_id: int) -> dict:
    """One job of the session's company as a dict (NotFound otherwise)."""
    permissions.require(session, "read")
    job = Job.get_or_none((Job.id == job_id) & (Job.company == session.company_id))
    if job is None:
        raise NotFound(_("no job {job_id}").format(job_id=job_id))
    return _row(job)


def list_jobs(session, states: list[str] | tuple[str, ...] | None = None,
              kinds: list[str] | None = None, limit: int = 200) -> list[dict]:
    """The company's jobs, newest first (``states``/``kinds`` narrow the list)."""
    permissions.require(session, "read")
    query = Job.select().where(Job.company == session.company_id)
    if states:
        query = query.where(Job.state.in_(list(states)))
    if kinds:
        query = query.where(Job.kind.in_(list(kinds)))
    return [_row(j) for j in query.order_by(Job.id.desc()).limit(limit)]


def all_jobs(states=None, limit: int = 200) -> list[dict]:
    """Every company's jobs (the operator's CLI view), newest first."""
    query = Job.select()
    if states:
        query = query.where(Job.state.in_(list(states)))
    return [_row(j) for j in query.order_by(Job.id.desc()).limit(limit)]


def counts() -> dict[str, int]:
    """Jobs by state, all companies (for `corptui worker --status`)."""
    from peewee import fn

    out = dict.fromkeys(JOB_STATES, 0)
    for state, n in Job.select(Job.state, fn.COUNT(Job.id)).group_by(Job.state).tuples():
        out[state] = n
    return out


# -- files ----------------------------------------------------------------------------


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike) -> Iterator[Path]:
    """Write a file all-or-nothing::

        with atomic_output(final_path) as tmp:
            pdf.output(str(tmp))          # or open(tmp, "wb") ...

    ``tmp`` is a fresh temporary file next to ``path`` (same filesystem, name starting with
    ``.`` and ending ``.partial``); on success it is flushed to disk and renamed over
    ``path``; on any error (or a killed process) ``path`` is untouched and the temporary
    file is removed (a process killed outright may leave a ``.partial`` file, never a
    half-written ``path``; ``remove_partials`` sweeps them)."""
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".partial",
                                    dir=str(final.parent))
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, final)
        with contextlib.suppress(OSError):  # make the rename durable
            dir_fd = os.open(str(final.parent), os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def remove_partials(folder: str | os.PathLike, older_than_seconds: float = 3600) -> int:
    """Delete ``.partial`` files left by killed workers in ``folder``. Returns the count."""
    import time

    root = Path(folder)
    if not root.is_dir():
        return 0
    removed = 0
    limit = time.time() - older_than_seconds
    for item in root.rglob(".*.partial"):
        with contextlib.suppress(OSError):
            if item.stat().st_mtime < limit:
                item.unlink()
                removed += 1
    return removed
