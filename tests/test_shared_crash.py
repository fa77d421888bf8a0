"""kill -9 in the middle of a big change: the change is all there or not at all, the
database passes `corptui db check`, and the next run does the work. (A document being
written when its worker is killed: tests/test_jobs.py, no partial file, the job resumes.)"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from numbers_core_data import build

from corptui import importer, tags
from corptui.cli import main
from corptui.database import close_database, open_database
from storage.models import AuditEntry, PersonalAccount, Subscriber, SubscriberTag, Tag
from storage.search import search_key

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
LOAD = TESTS / "shared_load.py"
N_IMPORT = 20_000  # big enough to be killed mid-way (it prints 'started' after a chunk)


def seed(n: int = N_IMPORT):
    data = build()
    acc = PersonalAccount.get()
    rows = [{"company": data["company"].id, "account": acc.id, "msisdn": f"7977{i:07d}",
             "full_name": f"Сотрудник {i}", "search_text": search_key(f"Сотрудник {i}")}
            for i in range(n)]
    for i in range(0, n, 5000):
        Subscriber.insert_many(rows[i:i + 5000]).execute()
    tags.create_tag(data["session"], "Общий")
    return data


def fingerprint():
    names = Subscriber.select(Subscriber.full_name, Subscriber.version).order_by(Subscriber.id)
    return (hash(tuple(names.tuples())), SubscriberTag.select().count(),
            AuditEntry.select().count())


def kill_inside(url: str, role: str, tmp_path: Path) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), str(ROOT), env.get("PYTHONPATH", "")])
    proc = subprocess.Popen([sys.executable, str(LOAD), url, role, "doomed", "0",
                             str(tmp_path / "doomed.json")], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()  # printed inside the transaction, changes written
        assert line.strip() == "started", proc.stderr.read()[-3000:]
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL


def check_ok(url: str) -> None:
    result = CliRunner().invoke(main, ["--db", url, "db", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("ok")


def test_kill_9_during_an_import_of_20000_lines_leaves_nothing(db, tmp_path):
    data = seed()
    before = fingerprint()
    close_database()
    kill_inside(db, "import", tmp_path)
    open_database(db)
    assert fingerprint() == before  # not one line of the 20,000
    assert not AuditEntry.select().where(AuditEntry.action.startswith("import")).exists()
    check_ok(db)
    # the database is not left locked: the same import now goes through, whole
    open_database(db)
    lines = ["номер;ФИО"] + [f"7977{i:07d};Новый {i}" for i in range(N_IMPORT)]
    result = importer.apply(data["session"], ("\n".join(lines) + "\n").encode())
    assert result.updated == N_IMPORT
    assert Subscriber.select().where(Subscriber.full_name.startswith("Новый ")).count() == N_IMPORT


def test_kill_9_during_a_bulk_tag_change_of_10000_numbers_leaves_nothing(db, tmp_path):
    data = seed(10_000)
    before = fingerprint()
    close_database()
    kill_inside(db, "bulk", tmp_path)
    open_database(db)
    assert fingerprint() == before
    assert not AuditEntry.select().where(AuditEntry.action == "tags.assign").exists()
    check_ok(db)
    open_database(db)
    ids = [s.id for s in Subscriber.select(Subscriber.id).where(Subscriber.msisdn.startswith("7977000"))]
    assert len(ids) == 10_000
    summary = tags.assign(data["session"], ids, add=["Общий"])
    assert summary["adds"] == 10_000
    shared = Tag.get(Tag.name == "Общий")
    assert SubscriberTag.select().where(SubscriberTag.tag == shared.id).count() == 10_000


def test_kill_9_of_the_worker_writing_a_document_then_check_and_resume(db, tmp_path, monkeypatch):
    import time

    import job_kinds

    from corptui import jobs
    from storage.models import Job

    target = tmp_path / "docs" / "act.txt"
    job_id = jobs.enqueue("test.slow_file", {"path": str(target), "chunks": 20, "delay": 0.1})
    close_database()
    env = dict(os.environ, CORPTUI_JOB_MODULES="job_kinds", CORPTUI_JOB_LEASE="1")
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), str(ROOT), env.get("PYTHONPATH", "")])
    proc = subprocess.Popen([sys.executable, "-m", "corptui", "--db", db, "worker", "--id",
                             "doomed", "--poll", "0.1"], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        end = time.monotonic() + 30
        while time.monotonic() < end:  # half of the document is written
            open_database(db)
            progress = Job.get_by_id(job_id).progress
            close_database()
            if progress >= 40:
                break
            time.sleep(0.05)
        assert progress >= 40
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert not target.exists()  # never a half-written document under its name
    check_ok(db)
    time.sleep(1.2)  # the killed worker's lease runs out
    monkeypatch.setenv("CORPTUI_JOB_LEASE", "1")
    monkeypatch.setenv("CORPTUI_JOB_MODULES", "job_kinds")
    result = CliRunner().invoke(main, ["--db", db, "worker", "--once", "--id", "rescuer"])
    assert result.exit_code == 0, result.output
    open_database(db)
    job = Job.get_by_id(job_id)
    assert (job.state, job.attempts) == ("done", 2)
    assert target.read_bytes() == job_kinds.CHUNK * 20
    check_ok(db)
