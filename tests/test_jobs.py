"""The job queue: enqueue, claim, progress, retries with backoff, failure, leases, several
workers, a worker killed mid-job, SIGTERM, and `corptui worker --once`."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import job_kinds  # noqa: F401  (registers test.slow_file and test.echo)
import pytest
from click.testing import CliRunner

from corptui import jobs
from corptui.cli import main
from corptui.errors import NotFound
from corptui.session import Session
from storage.fields import utcnow
from storage.models import Company, Job

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


def _job(job_id: int) -> Job:
    return Job.get_by_id(job_id)


def _make_due(job_id: int) -> None:
    Job.update(run_after=utcnow() - dt.timedelta(seconds=1)).where(Job.id == job_id).execute()


def test_enqueue_run_done_with_result_and_progress(db):
    seen = {}

    def handler(payload, progress):
        progress(40)
        seen["progress"] = Job.get_by_id(jobs.current().id).progress
        seen["state"] = Job.get_by_id(jobs.current().id).state
        return {"sum": payload["a"] + payload["b"]}

    jobs.register("test.add", handler)
    job_id = jobs.enqueue("test.add", {"a": 2, "b": 3})
    assert _job(job_id).state == "queued"
    assert jobs.run_one("w1") == job_id
    assert seen == {"progress": 40, "state": "running"}
    job = _job(job_id)
    assert (job.state, job.progress, job.result, job.attempts) == ("done", 100, {"sum": 5}, 1)
    assert job.finished_at is not None and job.locked_by == ""
    assert jobs.run_one("w1") is None


def test_failure_retries_with_exponential_backoff_then_fails(db, monkeypatch):
    monkeypatch.delenv("CORPTUI_JOB_BACKOFF", raising=False)
    job_id = jobs.enqueue("test.echo", {"fail": "printer on fire"}, max_attempts=3)
    delays = []
    for attempt in (1, 2):
        before = utcnow()
        assert jobs.run_one("w1") == job_id
        job = _job(job_id)
        assert job.state == "queued" and job.attempts == attempt
        assert "printer on fire" in job.error
        delays.append((job.run_after - before).total_seconds())
        assert jobs.run_one("w1") is None  # not due before the backoff is over
        _make_due(job_id)
    assert 29 <= delays[0] <= 32 and 59 <= delays[1] <= 62
    assert jobs.run_one("w1") == job_id
    job = _job(job_id)
    assert job.state == "failed" and job.attempts == 3
    assert job.error == "RuntimeError: printer on fire"
    assert job.finished_at is not None
    assert jobs.run_one("w1") is None


def test_backoff_grows_and_is_capped():
    assert jobs.backoff_seconds(1) * 2 == jobs.backoff_seconds(2)
    assert jobs.backoff_seconds(30) == jobs.MAX_BACKOFF_SECONDS


def test_permanent_error_and_unknown_kind_fail_at_once(db):
    def bad(payload, progress):
        raise jobs.PermanentError("no such account 42")

    jobs.register("test.bad", bad)
    a = jobs.enqueue("test.bad", {}, max_attempts=5)
    b = jobs.enqueue("test.nobody-handles-this", {})
    jobs.run_due("w1")
    assert (_job(a).state, _job(a).attempts) == ("failed", 1)
    assert "no such account 42" in _job(a).error
    assert _job(b).state == "failed" and "unknown job kind" in _job(b).error


def test_priority_order_and_future_jobs_wait(db):
    order = []
    jobs.register("test.order", lambda p, progress: order.append(p["n"]) or {})
    jobs.enqueue("test.order", {"n": "low"}, priority=0)
    jobs.enqueue("test.order", {"n": "later"}, run_after=utcnow() + dt.timedelta(hours=1),
                 priority=9)
    jobs.enqueue("test.order", {"n": "high"}, priority=5)
    assert jobs.run_due("w1") == 2
    assert order == ["high", "low"]


def test_expired_lease_is_claimed_again(db):
    job_id = jobs.enqueue("test.echo", {"value": 1})
    first = jobs.claim("dead-worker")
    assert first.id == job_id and first.state == "running"
    assert jobs.claim("w2") is None  # a live lease is respected
    Job.update(locked_at=utcnow() - dt.timedelta(seconds=jobs.LEASE_SECONDS + 5)).where(
        Job.id == job_id).execute()
    again = jobs.claim("w2")
    assert again.id == job_id and again.locked_by == "w2" and again.attempts == 2
    # the dead worker cannot finish a job it no longer holds
    jobs.progress(job_id, 77, "dead-worker")
    assert _job(job_id).progress == 0


def test_expired_lease_after_the_last_attempt_fails_the_job(db):
    job_id = jobs.enqueue("test.echo", {}, max_attempts=1)
    jobs.claim("dead-worker")
    Job.update(locked_at=utcnow() - dt.timedelta(hours=1)).where(Job.id == job_id).execute()
    assert jobs.claim("w2") is None
    job = _job(job_id)
    assert job.state == "failed" and "dead-worker" in job.error


def test_heartbeat_renews_the_lease_while_the_handler_runs(db, monkeypatch):
    monkeypatch.setenv("CORPTUI_JOB_LEASE", "0.6")
    stamps = {}

    def slow(payload, progress):
        stamps["start"] = Job.get_by_id(jobs.current().id).locked_at
        time.sleep(1.0)
        stamps["later"] = Job.get_by_id(jobs.current().id).locked_at
        return {}

    jobs.register("test.slow", slow)
    jobs.enqueue("test.slow", {})
    jobs.run_one("w1")
    assert stamps["later"] > stamps["start"]


def test_job_status_and_list_are_company_scoped(db):
    one = Company.create(name="One")
    two = Company.create(name="Two")
    mine = jobs.enqueue("test.echo", {"value": "x"}, company_id=one.id)
    theirs = jobs.enqueue("test.echo", {"value": "y"}, company_id=two.id)
    session = Session(company_id=one.id, role="viewer", user_id=None, actor="t")
    assert jobs.job_status(session, mine)["state"] == "queued"
    with pytest.raises(NotFound):
        jobs.job_status(session, theirs)
    assert [r["id"] for r in jobs.list_jobs(session)] == [mine]
    jobs.run_due("w1")
    assert jobs.list_jobs(session, states=["done"])[0]["result"] == {"echo": "x"}


def test_atomic_output_keeps_nothing_half_written(tmp_path):
    target = tmp_path / "out" / "act.pdf"
    with pytest.raises(RuntimeError), jobs.atomic_output(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("killed")
    assert not target.exists()
    assert list((tmp_path / "out").iterdir()) == []
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(b"old")
    with jobs.atomic_output(target) as tmp:
        tmp.write_bytes(b"new content")
        assert target.read_bytes() == b"old"  # untouched until the rename
    assert target.read_bytes() == b"new content"
    assert [p.name for p in target.parent.iterdir()] == ["act.pdf"]


def test_two_workers_never_run_the_same_job(db):
    runs: list[tuple[int, str]] = []
    lock = threading.Lock()

    def record(payload, progress):
        with lock:
            runs.append((jobs.current().id, jobs.current().worker_id))
        time.sleep(0.01)
        return {}

    jobs.register("test.record", record)
    ids = [jobs.enqueue("test.record", {"n": i}) for i in range(40)]
    errors = []

    def work(name):
        from corptui.database import close_thread_connection

        try:
            jobs.run_due(name)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_thread_connection()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    ran = [job_id for job_id, _ in runs]
    assert sorted(ran) == ids  # every job exactly once
    assert len({w for _, w in runs}) >= 2  # the work was shared
    assert {j.state for j in Job.select()} == {"done"}


def _worker_env(tmp_path, lease="1"):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), str(ROOT), env.get("PYTHONPATH", "")])
    env["CORPTUI_JOB_MODULES"] = "job_kinds"
    env["CORPTUI_JOB_LEASE"] = lease
    return env


def _wait_for(predicate, timeout=20.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def _progress(job_id):
    from storage.db import database

    database.close()  # read what the other process committed
    database.connect()
    return Job.get_by_id(job_id).progress


def test_killed_worker_leaves_no_file_and_the_job_is_picked_up_again(db, tmp_path, monkeypatch):
    target = tmp_path / "docs" / "act.txt"
    job_id = jobs.enqueue("test.slow_file", {"path": str(target), "chunks": 30, "delay": 0.1})
    proc = subprocess.Popen([sys.executable, "-m", "corptui", "worker", "--id", "doomed",
                             "--poll", "0.1"], env=_worker_env(tmp_path), cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert _wait_for(lambda: _progress(job_id) >= 20), proc.stderr.read1(4000) if proc.poll() is not None else "no progress"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    job = _job(job_id)
    assert job.state == "running" and job.locked_by == "doomed"
    assert not target.exists()  # never a half-written file
    time.sleep(1.2)  # the lease (1 s) runs out
    monkeypatch.setenv("CORPTUI_JOB_LEASE", "1")
    result = CliRunner().invoke(main, ["worker", "--once", "--id", "rescuer"])
    assert result.exit_code == 0, result.output
    job = _job(job_id)
    assert job.state == "done" and job.attempts == 2
    assert target.read_bytes() == job_kinds.CHUNK * 30
    assert job.result == {"path": str(target), "bytes": 30 * len(job_kinds.CHUNK)}


def test_sigterm_lets_the_current_job_finish(db, tmp_path):
    target = tmp_path / "report.txt"
    job_id = jobs.enqueue("test.slow_file", {"path": str(target), "chunks": 10, "delay": 0.1})
    proc = subprocess.Popen([sys.executable, "-m", "corptui", "worker", "--id", "polite",
                             "--poll", "0.1"], env=_worker_env(tmp_path, lease="300"),
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert _wait_for(lambda: _progress(job_id) >= 10)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert _progress(job_id) == 100
    assert _job(job_id).state == "done"
    assert target.read_bytes() == job_kinds.CHUNK * 10


def test_cli_worker_once_runs_what_is_due(db, monkeypatch):
    monkeypatch.setenv("CORPTUI_JOB_MODULES", "job_kinds")
    ok = jobs.enqueue("test.echo", {"value": 7})
    bad = jobs.enqueue("test.echo", {"fail": "no paper"})
    later = jobs.enqueue("test.echo", {"value": 8}, run_after=utcnow() + dt.timedelta(hours=2))
    result = CliRunner().invoke(main, ["worker", "--once", "--id", "cli"])
    assert result.exit_code == 0, result.output
    assert "2 job(s) run" in result.output
    assert "will retry (RuntimeError: no paper)" in result.output
    assert _job(ok).state == "done" and _job(ok).result == {"echo": 7}
    assert _job(bad).state == "queued" and _job(bad).attempts == 1
    assert _job(later).state == "queued" and _job(later).attempts == 0
    listed = CliRunner().invoke(main, ["jobs", "list", "--format", "json", "--state", "done"])
    assert listed.exit_code == 0 and f'"id": {ok}' in listed.output and f'"id": {bad}' not in listed.output


def test_worker_help_says_one_sqlite_worker():
    result = CliRunner().invoke(main, ["worker", "--help"])
    text = " ".join(result.output.split())
    assert "On SQLite one worker runs a database's queue" in text
    assert "The app runs the queue itself while it is open" in text
