"""Bulk writes through the database cursor (FACTS.md: per-row model calls are 10-60x
slower than ``executemany``). Callers run these inside ``storage.db.atomic()``.

On PostgreSQL, many-row statements go through ``psycopg2.extras.execute_values`` (one
round trip per page instead of one per row)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

import peewee as pw

from storage.db import database, is_postgres
from storage.fields import db_time, utc_naive

SMALL = 500


def time_value(value):
    """A UTC datetime as UTCDateTimeField stores it on the current engine."""
    return utc_naive(value) if is_postgres() else db_time(value)


def in_values(field, values) -> pw.Node:
    """``field IN (values)`` for string or int sets of any size (one parameter when big)."""
    values = list(values)
    if len(values) <= SMALL:
        return field.in_(values)
    if is_postgres():
        return pw.NodeList((field, pw.SQL("= ANY(%s)", [values])))
    return field.in_(pw.SQL("(SELECT value FROM json_each(?))", [json.dumps(values)]))


def update_employees(company_id: int, rows: Sequence[tuple], now) -> int:
    """rows: (id, full_name, position, search_text). Sets the three columns, bumps
    version and updated_at, scoped to the company. Returns the number of rows given."""
    if not rows:
        return 0
    stamp = time_value(now)
    cursor = database.cursor()
    if is_postgres():
        _pg_update_employees(cursor, company_id, rows, stamp)
        return len(rows)
    cursor.executemany(
        "UPDATE subscriber SET full_name = ?, position = ?, search_text = ?, "
        "version = version + 1, updated_at = ? WHERE id = ? AND company_id = ?",
        ((name, pos, key, stamp, sid, company_id) for sid, name, pos, key in rows),
    )
    return len(rows)


def _pg_update_employees(cursor, company_id, rows, stamp) -> None:
    from psycopg2.extras import execute_values

    sql = cursor.mogrify(
        "UPDATE subscriber AS s SET full_name = v.full_name, position = v.position, "
        "search_text = v.search_text, version = s.version + 1, updated_at = %s "
        "FROM (VALUES __VALUES__) AS v(id, full_name, position, search_text) "
        "WHERE s.id = v.id AND s.company_id = %s",
        (stamp, company_id),
    ).decode()
    execute_values(cursor, sql.replace("__VALUES__", "%s"), rows,
                   template="(%s::integer, %s, %s, %s)", page_size=1000)


def insert_audit(rows: Iterable[tuple]) -> int:
    """Audit entries as tuples (company_id, user_id, actor, source, at, action,
    object_type, object_id, before, after, operation); before/after are JSON-able."""
    data = [
        (c, u, actor, src, time_value(at), action, otype, str(oid),
         None if before is None else json.dumps(before, ensure_ascii=False),
         None if after is None else json.dumps(after, ensure_ascii=False), op)
        for c, u, actor, src, at, action, otype, oid, before, after, op in rows
    ]
    if not data:
        return 0
    cols = ("company_id, user_id, actor, source, at, action, object_type, object_id, "
            "before, after, operation")
    cursor = database.cursor()
    if is_postgres():
        from psycopg2.extras import execute_values

        execute_values(cursor, f"INSERT INTO audit_entry ({cols}) VALUES %s", data,
                       page_size=1000)
    else:
        cursor.executemany(
            f"INSERT INTO audit_entry ({cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", data
        )
    return len(data)


def insert_rows(table: str, columns: Sequence[str], rows: Sequence[tuple], *,
                returning: bool = False) -> list[int]:
    """Plain INSERTs of ``rows`` (values as the driver takes them: kopecks, UTC times
    from ``time_value``, ISO dates) into ``table``; with ``returning`` the new rows' ids
    in the order given (one statement per row on SQLite, where that is cheap; pages of
    execute_values on PostgreSQL)."""
    if not rows:
        return []
    cols = ", ".join(f'"{c}"' for c in columns)
    cursor = database.cursor()
    if is_postgres():
        from psycopg2.extras import execute_values

        sql = f'INSERT INTO "{table}" ({cols}) VALUES %s' + (" RETURNING id" if returning else "")
        out = execute_values(cursor, sql, rows, page_size=1000, fetch=returning)
        return [r[0] for r in out] if returning else []
    sql = f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join("?" * len(columns))})'
    if not returning:
        cursor.executemany(sql, rows)
        return []
    ids = []
    for row in rows:
        cursor.execute(sql, row)
        ids.append(cursor.lastrowid)
    return ids


CALL_COLUMNS = ("subscriber_id", "started_at", "direction", "kind", "counterpart",
                "duration_seconds", "volume_kb", "roaming", "roaming_zone", "cost", "record_id")


def insert_call_records(rows: Sequence[tuple]) -> int:
    """Call records (CALL_COLUMNS order; started_at from ``time_value``) that are not
    there yet: a (number, record id) already stored is left as it is. Returns how many
    were inserted."""
    if not rows:
        return 0
    cols = ", ".join(CALL_COLUMNS)
    cursor = database.cursor()
    if is_postgres():
        from psycopg2.extras import execute_values

        out = execute_values(
            cursor, f"INSERT INTO call_record ({cols}) VALUES %s "
            "ON CONFLICT (subscriber_id, record_id) DO NOTHING RETURNING 1", rows,
            page_size=1000, fetch=True)
        return len(out)
    cursor.executemany(
        f"INSERT INTO call_record ({cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (subscriber_id, record_id) DO NOTHING", rows)
    return cursor.rowcount


def made_here(rows: Sequence[tuple]) -> set[tuple]:
    """Of ``rows`` (CALL_COLUMNS order), the (subscriber_id, started_at, direction, kind,
    counterpart, duration_seconds, volume_kb) of those stored already (the demo's, the
    feed's): a file without record ids (an export) imported into its own database adds
    nothing. One query per call (the chunk's numbers and times)."""
    if not rows:
        return set()
    sids = sorted({r[0] for r in rows})
    lo = min(r[1] for r in rows)
    hi = max(r[1] for r in rows)
    q = ("SELECT subscriber_id, started_at, direction, kind, counterpart, duration_seconds, "
         "volume_kb FROM call_record WHERE started_at >= {p} AND "
         "started_at <= {p} AND ")
    if is_postgres():
        sql = q.format(p="%s") + "subscriber_id = ANY(%s)"
        params = (lo, hi, sids)
    else:
        sql = q.format(p="?") + "subscriber_id IN (SELECT value FROM json_each(?))"
        params = (lo, hi, json.dumps(sids))
    out = set()
    for sid, at, *rest in database.execute_sql(sql, params).fetchall():
        if is_postgres():
            at = at.replace(tzinfo=None) if getattr(at, "tzinfo", None) else at
        out.add((sid, at, *rest))
    return out
