"""Connection faults of a shared install: the PostgreSQL server drops the connection while
the app is open (simulated with pg_terminate_backend from another connection: the server
itself is not restarted), the statement timeout of the URL, and SQLite's writer lock held
by another program."""

from __future__ import annotations

import sqlite3
import threading
import time

import psycopg2
import pytest
from click.testing import CliRunner
from numbers_core_data import build

from corptui import database as corp_db
from corptui import employees, tags
from corptui.cli import main
from corptui.database import close_database, open_database
from corptui.errors import DatabaseUnavailable
from storage.db import StorageError, database, is_postgres, parse_url
from storage.models import AuditEntry, Subscriber, SubscriberTag


def admin_conn(url: str):
    info = parse_url(url.split("?")[0])
    conn = psycopg2.connect(host=info.host, port=info.port, dbname=info.name,
                            user=info.user or None)
    conn.autocommit = True
    return conn


def terminate_my_backend(url: str) -> int:
    """Kill this process's server connection from another connection, as a server restart
    does to every open connection."""
    pid = database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    conn = admin_conn(url)
    with conn.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(%s)", (pid,))
        assert cur.fetchone()[0] is True
        for _ in range(100):  # the backend is gone once pg_stat_activity forgets it
            cur.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,))
            if cur.fetchone()[0] == 0:
                break
            time.sleep(0.02)
    conn.close()
    return pid


@pytest.fixture
def notices():
    seen: list[str] = []
    corp_db.set_notice(seen.append)
    yield seen
    corp_db.set_notice(None)


@pytest.fixture
def pg(db):
    if not is_postgres():
        pytest.skip("PostgreSQL only (CORPTUI_TEST_PG=1)")
    return db


def test_url_statement_timeout_is_parsed_and_checked():
    info = parse_url("postgresql://u@h:5433/corp?schema=s1&statement_timeout=1500")
    assert (info.schema, info.statement_timeout, info.port) == ("s1", 1500, 5433)
    assert parse_url("postgresql://h/corp").statement_timeout == 0
    with pytest.raises(StorageError, match="statement_timeout .* milliseconds"):
        parse_url("postgresql://h/corp?statement_timeout=soon")


def test_read_after_the_server_dropped_the_connection_reconnects(pg):
    data = build()
    sid = data["subs"][0].id
    card = employees.get_employee(data["session"], sid)
    old_pid = terminate_my_backend(pg)
    again = employees.get_employee(data["session"], sid)
    assert again == card
    assert database.execute_sql("SELECT pg_backend_pid()").fetchone()[0] != old_pid
    # a plain statement outside any use case reconnects too (ReconnectMixin)
    terminate_my_backend(pg)
    assert Subscriber.select().count() == len(data["subs"]) + 1


def test_card_save_after_a_dropped_connection_is_saved_exactly_once(pg, notices, monkeypatch):
    from corptui import audit

    data = build()
    session, sid = data["session"], data["subs"][1].id
    card = employees.get_employee(session, sid)
    audits = AuditEntry.select().count()
    # dropped between two saves: the next transaction's BEGIN reconnects by itself
    terminate_my_backend(pg)
    saved = employees.update_employee(session, sid, "Петрова Анна Ивановна", "Главбух",
                                      card["version"])
    assert saved["version"] == card["version"] + 1
    # dropped in the middle of the save (after the UPDATE, before the audit row and the
    # COMMIT): that transaction never committed, so the whole use case runs again
    real_record = audit.record
    calls = []

    def record_then_drop(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            terminate_my_backend(pg)
        return real_record(*args, **kwargs)

    monkeypatch.setattr(audit, "record", record_then_drop)
    saved = employees.update_employee(session, sid, "Петрова Анна", "Главный бухгалтер",
                                      saved["version"])
    assert len(calls) == 2  # ran twice: the first attempt was rolled back by the server
    assert saved["version"] == card["version"] + 2
    row = Subscriber.get_by_id(sid)
    assert (row.full_name, row.position, row.version) == (
        "Петрова Анна", "Главный бухгалтер", card["version"] + 2)
    assert AuditEntry.select().where(AuditEntry.action == "employee.update").count() == 2
    assert AuditEntry.select().count() == audits + 2
    assert any("lost" in n and "reconnecting" in n for n in notices), notices


def test_bulk_tags_after_a_dropped_connection_all_or_nothing_once(pg):
    data = build(extra=300)
    ids = [s.id for s in data["subs"]]
    terminate_my_backend(pg)
    summary = tags.assign(data["session"], ids, add=["Drivers"])
    assert summary["adds"] == len(ids) - 1  # one number had it already
    assert SubscriberTag.select().where(SubscriberTag.tag == data["drivers"].id).count() == len(ids)
    assert AuditEntry.select().where(AuditEntry.action == "tags.assign").count() == 1


def test_a_server_that_stays_away_gives_a_clear_message_and_changes_nothing(pg):
    data = build()
    session, sid = data["session"], data["subs"][0].id
    card = employees.get_employee(session, sid)
    terminate_my_backend(pg)
    database.obj.connect_params["port"] = 1  # nothing listens there: the server is "down"
    database.obj.connect_params["connect_timeout"] = 1
    try:
        with pytest.raises(DatabaseUnavailable) as err:
            employees.update_employee(session, sid, "Новое Имя", "", card["version"])
    finally:
        database.obj.connect_params["port"] = parse_url(pg).port
    message = err.value.message
    assert "lost the connection" in message and "nothing was changed" in message
    assert "Traceback" not in message
    # the server is back: nothing was saved, and the app goes on
    assert employees.get_employee(session, sid) == card


def hold_lock(url: str, table: str, seconds: float, ready: threading.Event):
    conn = admin_conn(url)
    conn.autocommit = False
    schema = url.partition("?schema=")[2]
    with conn.cursor() as cur:
        cur.execute(f'LOCK TABLE "{schema}"."{table}" IN ACCESS EXCLUSIVE MODE')
        ready.set()
        time.sleep(seconds)
    conn.rollback()
    conn.close()


def test_statement_timeout_from_the_url_stops_a_blocked_read_with_a_clear_message(pg):
    data = build()
    session, sid = data["session"], data["subs"][0].id
    close_database()
    open_database(pg + "&statement_timeout=300")
    assert database.execute_sql("SHOW statement_timeout").fetchone()[0] == "300ms"
    ready = threading.Event()
    locker = threading.Thread(target=hold_lock, args=(pg, "subscriber", 2.0, ready))
    locker.start()
    ready.wait(10)
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable) as err:
        employees.get_employee(session, sid)
    assert time.monotonic() - started < 1.8  # stopped by the timeout, not the lock's end
    assert "statement timeout of 300 ms" in err.value.message
    # the CLI says the same on one line
    ready.clear()
    locker.join()
    locker = threading.Thread(target=hold_lock, args=(pg, "subscriber", 2.0, ready))
    locker.start()
    ready.wait(10)
    result = CliRunner().invoke(main, ["--db", pg + "&statement_timeout=300", "numbers",
                                       "list", "--company", data["company"].inn])
    locker.join()
    assert result.exit_code == 1
    assert "statement timeout of 300 ms" in result.output
    assert "Traceback" not in result.output
    # after the lock: the same session works again
    assert employees.get_employee(session, sid)["id"] == sid


def test_sqlite_writer_lock_is_waited_out_then_a_clear_message(db, notices):
    if is_postgres():
        pytest.skip("SQLite only")
    data = build()
    session, sid = data["session"], data["subs"][0].id
    card = employees.get_employee(session, sid)
    database.execute_sql("PRAGMA busy_timeout = 100")  # quick test: 0.1 s per attempt
    path = parse_url(db).path
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another program writes
    release = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    release.start()
    saved = employees.update_employee(session, sid, "Иванов Иван", "", card["version"])
    release.join()
    assert saved["version"] == card["version"] + 1
    assert any("busy" in n for n in notices)
    # a lock held for good: a clear message, nothing changed, no "database is locked"
    other2 = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other2.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseUnavailable) as err:
            employees.update_employee(session, sid, "Другое Имя", "", saved["version"])
    finally:
        other2.execute("ROLLBACK")
        other2.close()
        other.close()
    assert "stayed busy" in err.value.message and "nothing was changed" in err.value.message
    assert Subscriber.get_by_id(sid).full_name == "Иванов Иван"


def test_a_running_worker_goes_on_after_the_server_dropped_its_connections(pg, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    from corptui import jobs
    from storage.models import Job

    tests = Path(__file__).resolve().parent
    env = dict(os.environ, CORPTUI_JOB_MODULES="job_kinds")
    env["PYTHONPATH"] = os.pathsep.join([str(tests), str(tests.parent), env.get("PYTHONPATH", "")])
    proc = subprocess.Popen([sys.executable, "-m", "corptui", "--db", pg, "worker", "--id",
                             "survivor", "--poll", "0.1"], env=env, cwd=tests.parent,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def done(ids):
        end = time.monotonic() + 30
        while time.monotonic() < end:
            database.close()  # see what the worker committed
            if Job.select().where(Job.id.in_(ids) & (Job.state == "done")).count() == len(ids):
                return True
            time.sleep(0.1)
        return False

    try:
        first = [jobs.enqueue("test.echo", {"value": i}) for i in range(3)]
        assert done(first)
        conn = admin_conn(pg)
        with conn.cursor() as cur:  # a server restart: every connection of the worker dies
            cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE application_name = %s", (f"corptui {proc.pid}",))
            assert cur.rowcount >= 1
        conn.close()
        more = [jobs.enqueue("test.echo", {"value": i}) for i in range(3, 8)]
        assert done(more), proc.stderr.read() if proc.poll() is not None else "not done"
        assert proc.poll() is None  # still running
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert "Traceback" not in err
    assert {j.attempts for j in Job.select()} == {1}  # each job ran once


def test_connection_lost_during_commit_is_not_repeated_and_says_so(pg, monkeypatch):
    import peewee as pw

    from corptui import audit

    data = build()
    session, sid = data["session"], data["subs"][2].id
    card = employees.get_employee(session, sid)
    runs = []
    real_record = audit.record

    def counting_record(*args, **kwargs):
        runs.append(1)
        return real_record(*args, **kwargs)

    real_commit = pw.PostgresqlDatabase.commit

    def commit_on_a_dead_line(self):
        monkeypatch.setattr(pw.PostgresqlDatabase, "commit", real_commit)
        terminate_my_backend(pg)  # the line dies just as COMMIT is sent
        return real_commit(self)

    monkeypatch.setattr(audit, "record", counting_record)
    monkeypatch.setattr(pw.PostgresqlDatabase, "commit", commit_on_a_dead_line)
    with pytest.raises(DatabaseUnavailable) as err:
        employees.update_employee(session, sid, "Ёлкин Пётр", "Водитель", card["version"])
    assert "may or may not be saved" in err.value.message
    assert len(runs) == 1  # not run again: it might have been saved
    # here the server never got the COMMIT: the card is as it was, and the app goes on
    assert employees.get_employee(session, sid) == card
