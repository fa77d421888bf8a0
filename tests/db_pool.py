"""Ready-made databases at the current schema for the ``db`` fixture, so a test does not pay
for creating every table (on PostgreSQL ~200 tables, indexes and sequences: 1.5-5 s a test,
most of the suite's time; on SQLite 0.3 s).

- SQLite: a template file made once per test process, copied for each test.
- PostgreSQL: one schema per test process, emptied before each test back to the rows and
  sequence values it had when created (DELETE with triggers off: milliseconds, where TRUNCATE
  or DROP SCHEMA take seconds). A test that changed the structure (a dropped index, an added
  column) is noticed by a fingerprint of the columns and indexes, and the schema is made anew.
"""

from __future__ import annotations

import atexit
import os
import shutil
from pathlib import Path

_state: dict = {}


def sqlite_copy(target: Path, workdir: Path) -> None:
    """Put a fresh database at ``target`` (a copy of the per-process template)."""
    template = _state.get("sqlite")
    if template is None or not template.exists():
        from corptui.database import close_database, open_database
        from storage.db import database

        template = workdir / "template.db"
        open_database(f"sqlite:///{template}")
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        close_database()
        _state["sqlite"] = template
    shutil.copy(template, target)
    os.chmod(target, 0o600)


def _fingerprint(cur, schema: str) -> str:
    cur.execute(
        "SELECT md5(coalesce((SELECT string_agg(table_name || '.' || column_name || ':' "
        "|| data_type || ':' || is_nullable, ',' ORDER BY table_name, column_name) "
        "FROM information_schema.columns WHERE table_schema = %s), '') || "
        "coalesce((SELECT string_agg(indexdef, ',' ORDER BY indexname) FROM pg_indexes "
        "WHERE schemaname = %s), ''))", (schema, schema))
    return cur.fetchone()[0]


def _create_pg(make_url) -> None:
    from corptui.database import close_database, open_database

    url = make_url("pg", Path("/nonexistent"), "pool")
    open_database(url)
    close_database()
    schema = url.split("?schema=", 1)[1]
    conn = _connection()
    with conn.cursor() as cur:
        cur.execute("SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = %s AND table_type = 'BASE TABLE'", (schema,))
        tables = sorted(r[0] for r in cur.fetchall())
        rows = {}
        for table in tables:
            cur.execute(f'SELECT * FROM "{schema}"."{table}"')
            found = cur.fetchall()
            if found:
                rows[table] = ([d.name for d in cur.description], found)
        cur.execute("SELECT sequence_name FROM information_schema.sequences "
                    "WHERE sequence_schema = %s", (schema,))
        sequences = {}
        for (name,) in cur.fetchall():
            cur.execute(f'SELECT last_value, is_called FROM "{schema}"."{name}"')
            sequences[name] = cur.fetchone()
        fingerprint = _fingerprint(cur, schema)
    _state["pg"] = {"url": url, "schema": schema, "tables": tables, "rows": rows,
                    "sequences": sequences, "fingerprint": fingerprint}
    if not _state.get("atexit"):
        atexit.register(_drop_pg)
        _state["atexit"] = True


def _connection():
    conn = _state.get("conn")
    if conn is None or conn.closed:
        import psycopg2

        from storage.db import parse_url

        base = os.environ.get("CORPTUI_TEST_PG_URL", "postgresql://127.0.0.1:5432/test")
        info = parse_url(base.split("?")[0])
        conn = psycopg2.connect(host=info.host, port=info.port, dbname=info.name,
                                user=info.user or None)
        conn.autocommit = True
        _state["conn"] = conn
    return conn


def _drop_pg() -> None:
    pool = _state.pop("pg", None)
    if pool is None:
        return
    try:
        with _connection().cursor() as cur:
            cur.execute(f'DROP SCHEMA IF EXISTS "{pool["schema"]}" CASCADE')
    except Exception:  # pragma: no cover - the server went away at exit
        pass


def pg_url(make_url) -> str:
    """The URL of this process's PostgreSQL schema, emptied to its just-created state."""
    if "pg" not in _state:
        _create_pg(make_url)
    pool = _state["pg"]
    schema = pool["schema"]
    conn = _connection()
    try:
        with conn.cursor() as cur:
            if _fingerprint(cur, schema) != pool["fingerprint"]:
                raise LookupError("a test changed the structure")
            statements = ["BEGIN", "SET LOCAL lock_timeout = '10s'",
                          "SET LOCAL session_replication_role = replica"]
            statements += [f'DELETE FROM "{schema}"."{t}"' for t in pool["tables"]]
            cur.execute(";".join(statements))
            for table, (columns, rows) in pool["rows"].items():
                names = ", ".join(f'"{c}"' for c in columns)
                marks = ", ".join(["%s"] * len(columns))
                cur.executemany(f'INSERT INTO "{schema}"."{table}" ({names}) VALUES ({marks})',
                                rows)
            for name, (last, called) in pool["sequences"].items():
                cur.execute("SELECT setval(%s, %s, %s)", (f'"{schema}"."{name}"', last, called))
            cur.execute("COMMIT")
    except Exception:
        try:
            with conn.cursor() as cur:
                cur.execute("ROLLBACK")
        except Exception:
            _state.pop("conn", None)
        _drop_pg()
        _create_pg(make_url)
    return _state["pg"]["url"]
