"""The rating engine's reads and writes in bulk, through the database cursor
(FACTS.md: executemany / execute_values, never per-row model calls). Callers run the
writes inside ``storage.db.atomic()``; times are passed in the column's stored form
(``storage.bulk.time_value``)."""

from __future__ import annotations

from collections.abc import Sequence

from storage.db import database, is_postgres

PAGE = 20_000


def _p() -> str:
    return "%s" if is_postgres() else "?"


def month_records(lo: int, hi: int, start, end) -> list[tuple]:
    """The call records of the numbers with ids in [lo, hi] in [start, end), in (number,
    time, id) order: (id, subscriber_id, started_at, direction, kind, counterpart,
    duration_seconds, volume_kb, roaming, roaming_zone, cost, charge_id). started_at in
    its stored form (text on SQLite, naive UTC on PostgreSQL), cost in kopecks. The
    caller keeps only its company's numbers (ids of a range may be of another one)."""
    p = _p()
    sql = ("SELECT id, subscriber_id, started_at, direction, kind, counterpart, "
           "duration_seconds, volume_kb, roaming, roaming_zone, cost, charge_id "
           f"FROM call_record WHERE subscriber_id >= {p} AND subscriber_id <= {p} "
           f"AND started_at >= {p} AND started_at < {p} "
           "ORDER BY subscriber_id, started_at, id")
    return database.execute_sql(sql, (lo, hi, start, end)).fetchall()


def month_charges(company_id: int, period) -> list[tuple]:
    """(id, subscriber_id, kind, option_id, description, amount) of the company's
    number charge lines of the month."""
    p = _p()
    return database.execute_sql(
        "SELECT id, subscriber_id, kind, option_id, description, amount FROM charge "
        f"WHERE company_id = {p} AND period = {p} AND subscriber_id IS NOT NULL",
        (company_id, period)).fetchall()


def new_charge_ids(n: int) -> list[int]:
    """n fresh charge ids (inside the writing transaction)."""
    if n <= 0:
        return []
    if is_postgres():
        rows = database.execute_sql(
            "SELECT nextval(pg_get_serial_sequence('charge', 'id')) "
            "FROM generate_series(1, %s)", (n,)).fetchall()
        return [r[0] for r in rows]
    top = database.execute_sql("SELECT COALESCE(MAX(id), 0) FROM charge").fetchone()[0]
    return list(range(top + 1, top + 1 + n))


def insert_charges(rows: Sequence[tuple]) -> None:
    """rows: (id, company_id, account_id, subscriber_id, kind, period, amount,
    description, option_id, created_at)."""
    if not rows:
        return
    cols = ("id, company_id, account_id, subscriber_id, kind, period, amount, description, "
            "option_id, created_at")
    cursor = database.cursor()
    if is_postgres():
        from psycopg2.extras import execute_values

        execute_values(cursor, f"INSERT INTO charge ({cols}) VALUES %s", rows, page_size=5000)
    else:
        cursor.executemany(f"INSERT INTO charge ({cols}) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)


def update_charge_amounts(rows: Sequence[tuple]) -> None:
    """rows: (id, amount)."""
    if not rows:
        return
    cursor = database.cursor()
    if is_postgres():
        from psycopg2.extras import execute_values

        execute_values(cursor, "UPDATE charge AS c SET amount = v.amount FROM (VALUES %s) "
                       "AS v(id, amount) WHERE c.id = v.id", rows,
                       template="(%s::bigint, %s::bigint)", page_size=5000)
    else:
        cursor.executemany("UPDATE charge SET amount = ? WHERE id = ?",
                           [(a, i) for i, a in rows])


def delete_charges(ids: Sequence[int]) -> None:
    if not ids:
        return
    cursor = database.cursor()
    if is_postgres():
        cursor.execute("UPDATE call_record SET charge_id = NULL WHERE charge_id = ANY(%s)",
                       (list(ids),))
        cursor.execute("DELETE FROM charge WHERE id = ANY(%s)", (list(ids),))
    else:
        cursor.executemany("DELETE FROM charge WHERE id = ?", [(i,) for i in ids])


def update_record_links(rows: Sequence[tuple]) -> None:
    """rows: (id, charge_id) of call records whose cost is unchanged (the SET leaves the
    (subscriber, started_at, cost) index alone: no index entry rewritten)."""
    if not rows:
        return
    cursor = database.cursor()
    if is_postgres():
        from psycopg2.extras import execute_values

        execute_values(cursor, "UPDATE call_record AS c SET charge_id = v.cid "
                       "FROM (VALUES %s) AS v(id, cid) WHERE c.id = v.id", rows,
                       template="(%s::bigint, %s::bigint)", page_size=5000)
    else:
        cursor.executemany("UPDATE call_record SET charge_id = ? WHERE id = ?",
                           [(ch, i) for i, ch in rows])


def update_records(rows: Sequence[tuple]) -> None:
    """rows: (id, cost, charge_id) of call records rated anew."""
    if not rows:
        return
    cursor = database.cursor()
    if is_postgres():
        from psycopg2.extras import execute_values

        execute_values(cursor, "UPDATE call_record AS c SET cost = v.cost, charge_id = v.cid "
                       "FROM (VALUES %s) AS v(id, cost, cid) WHERE c.id = v.id", rows,
                       template="(%s::bigint, %s::bigint, %s::bigint)", page_size=5000)
    else:
        cursor.executemany("UPDATE call_record SET cost = ?, charge_id = ? WHERE id = ?",
                           [(c, ch, i) for i, c, ch in rows])
