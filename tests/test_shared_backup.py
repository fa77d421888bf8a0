"""`corptui db backup` while others write, `corptui db restore` into a fresh database (row
counts identical, one consistent moment), `corptui db migrate-to` an SQLite install to
PostgreSQL."""

from __future__ import annotations

import collections
import gzip
import json
import os
import sqlite3
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from conftest import ENGINES, _drop_pg_schema, make_url
from test_shared_concurrency import LOAD, ROOT, TESTS, seed_company

from corptui.cli import main
from corptui.database import close_database, open_database
from storage import backup
from storage.db import is_postgres, parse_url
from storage.models import AuditEntry, Subscriber


def cli(*args):
    return CliRunner().invoke(main, list(args))


def counts_in_file(path) -> dict[str, int]:
    if backup.file_kind(path) == "sqlite":
        conn = sqlite3.connect(path)
        try:
            names = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")]
            return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]
                    for n in names if not n.startswith("sqlite_")}
        finally:
            conn.close()
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.loads(fh.readlines()[-1])["counts"]


def consistent(url: str) -> None:
    """One moment: every card's version matches its audit entries."""
    open_database(url)
    try:
        audits = collections.Counter(
            k for (k,) in AuditEntry.select(AuditEntry.object_id)
            .where(AuditEntry.action == "employee.update").tuples())
        cards = Subscriber.select().where(Subscriber.msisdn.startswith("7977100"))
        assert sum(audits.values()) > 0
        for sub in cards:
            assert sub.version - 1 == audits.get(sub.msisdn, 0), sub.msisdn
    finally:
        close_database()


def _wait_for_first_saves(url: str, writer, saves: int = 3) -> None:
    """Until the writing process has saved a few cards (its start-up takes seconds on a
    loaded machine: a fixed sleep made the backup come before any write)."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert writer.poll() is None, writer.stderr.read()[-2000:]
        open_database(url)
        try:
            done = AuditEntry.select().where(AuditEntry.action == "employee.update").count()
        finally:
            close_database()
        if done >= saves:
            return
        time.sleep(0.2)
    raise AssertionError("the writer saved nothing in 90 s")


MADE: list[str] = []


@pytest.fixture(autouse=True)
def _drop_made_schemas():
    yield
    close_database()
    while MADE:
        _drop_pg_schema(MADE.pop())


def fresh_url(engine, tmp_path, name):
    if engine == "pg" and "pg" not in ENGINES:
        pytest.skip("PostgreSQL off")
    url = make_url(engine, tmp_path, name)
    if engine == "pg":
        MADE.append(url)
    return url


@pytest.mark.parametrize("target_engine", ["same", "sqlite"])
def test_backup_during_writes_restores_identical_counts(db, tmp_path, target_engine):
    seed_company()
    close_database()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), str(ROOT), env.get("PYTHONPATH", "")])
    writer = subprocess.Popen([sys.executable, str(LOAD), db, "admin", "writer", "8",
                               str(tmp_path / "writer.json")], env=env, cwd=ROOT,
                              stderr=subprocess.PIPE)
    _wait_for_first_saves(db, writer)  # the writer is busy saving cards, tags, options...
    target = tmp_path / "corp.backup"
    result = cli("--db", db, "db", "backup", str(target))
    still_writing = writer.poll() is None
    assert writer.wait(120) == 0, writer.stderr.read()[-2000:]
    assert result.exit_code == 0, result.output
    assert still_writing  # the backup was taken while the other process wrote
    assert not (tmp_path / "corp.backup.partial").exists()
    in_file = counts_in_file(target)

    engine = "pg" if is_postgres() else "sqlite"
    fresh = fresh_url(engine if target_engine == "same" else target_engine, tmp_path, "restored")
    result = cli("--db", fresh, "db", "restore", str(target))
    assert result.exit_code == 0, result.output
    open_database(fresh)
    restored = backup.counts()
    close_database()
    assert {k: v for k, v in restored.items()} == {k: in_file[k] for k in restored}
    assert cli("--db", fresh, "db", "check").exit_code == 0
    consistent(fresh)
    # the source went on after the backup: it has at least as many audit entries
    open_database(db)
    assert AuditEntry.select().count() >= in_file["audit_entry"]
    # and a second restore into the same, now full, database is refused
    close_database()
    result = cli("--db", fresh, "db", "restore", str(target))
    assert result.exit_code == 1 and "not empty" in result.output


def test_restore_refuses_a_damaged_or_foreign_file_and_changes_nothing(db, tmp_path):
    seed_company()
    close_database()
    good = tmp_path / "good.backup"
    assert cli("--db", db, "db", "backup", str(good)).exit_code == 0
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"hello, not a backup")
    fresh = fresh_url("sqlite", tmp_path, "fresh")
    result = cli("--db", fresh, "db", "restore", str(junk))
    assert result.exit_code == 1 and "not a corptui backup" in result.output
    if backup.file_kind(good) == "dump":  # a dump cut short is refused, nothing restored
        cut = tmp_path / "cut.backup"
        with gzip.open(good, "rt", encoding="utf-8") as src, \
                gzip.open(cut, "wt", encoding="utf-8") as dst:
            dst.writelines(src.readlines()[:-3])
        result = cli("--db", fresh, "db", "restore", str(cut))
        assert result.exit_code == 1 and "incomplete" in result.output
        open_database(fresh, check_schema=False)
        assert not backup._has_data()
        close_database()


def test_migrate_an_sqlite_install_to_postgresql_with_counts_checked(tmp_path):
    if "pg" not in ENGINES:
        pytest.skip("PostgreSQL off")
    from corptui import demo

    src = make_url("sqlite", tmp_path, "src")
    open_database(src)
    demo.seed(numbers=60, calls=300, months=2, seed=3)
    expected = backup.counts()
    close_database()
    target = fresh_url("pg", tmp_path, "migrated")
    result = cli("--db", src, "db", "migrate-to", target)
    assert result.exit_code == 0, result.output
    assert "counts match" in result.output
    open_database(target)
    try:
        assert backup.counts() == expected
        # the sequences go on after the copied ids
        from storage.models import Company

        made = Company.create(name="После переноса", inn="7728168971")
        assert made.id > max(c.id for c in Company.select().where(Company.id != made.id))
    finally:
        close_database()
    assert cli("--db", target, "db", "check").exit_code == 0
    # a second copy into the now full database is refused
    result = cli("--db", src, "db", "migrate-to", target)
    assert result.exit_code == 1 and "not empty" in result.output
    assert parse_url(target).schema
