"""Backups, restores and copies between engines.

Two formats, told apart by their first bytes:

- an SQLite database file (``SQLite format 3``): what ``backup`` writes for an SQLite
  install, through SQLite's online backup API. The copy is one consistent snapshot even
  while other programs keep writing (they are not stopped; WAL readers see one state).
- a corptui dump (gzip of JSON lines): what ``backup`` writes for a PostgreSQL install.
  Every table of the schema, read by the ORM inside ONE ``REPEATABLE READ READ ONLY``
  transaction (a consistent snapshot while others write). It is portable: it restores
  into PostgreSQL or SQLite, and ``copy_to`` uses it to move an SQLite install to
  PostgreSQL. (``pg_dump -Fc`` of the database is the usual alternative for very big
  installs; see the README.)

Files are written to ``FILE.partial`` and renamed when complete: never a half-written
backup under the final name."""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import gzip
import json
import os
import sqlite3
import uuid
from pathlib import Path

import peewee as pw

from storage import models, schema
from storage.db import StorageError, database, is_postgres

FORMAT = "corptui-dump"
FORMAT_VERSION = 1
BATCH = 2000
SQLITE_MAGIC = b"SQLite format 3\x00"
GZIP_MAGIC = b"\x1f\x8b"
TAG = "\u0000t"


def _encode(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dt.datetime):
        return {TAG: "dt", "v": value.isoformat()}
    if isinstance(value, dt.date):
        return {TAG: "d", "v": value.isoformat()}
    if isinstance(value, dt.time):
        return {TAG: "t", "v": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {TAG: "dec", "v": str(value)}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {TAG: "b", "v": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, uuid.UUID):
        return {TAG: "u", "v": str(value)}
    if isinstance(value, (dict, list)):
        return {TAG: "json", "v": value}
    raise TypeError(f"cannot dump a {type(value).__name__}")


_DECODERS = {
    "dt": dt.datetime.fromisoformat,
    "d": dt.date.fromisoformat,
    "t": dt.time.fromisoformat,
    "dec": decimal.Decimal,
    "b": base64.b64decode,
    "u": uuid.UUID,
    "json": lambda v: v,
}


def _decode(value):
    if isinstance(value, dict) and TAG in value:
        return _DECODERS[value[TAG]](value["v"])
    return value


def file_kind(path: str | os.PathLike) -> str:
    """"sqlite", "dump"; StorageError for anything else."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise StorageError(f"cannot read {path}: {exc.strerror}") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(GZIP_MAGIC):
        return "dump"
    raise StorageError(f"{path} is not a corptui backup (neither an SQLite file nor a dump)")


def counts() -> dict[str, int]:
    """Rows per table of the open database."""
    return {m._meta.table_name: m.select().count() for m in models.ALL_MODELS}


def _fields(model) -> list[pw.Field]:
    return list(model._meta.sorted_fields)


def _rows(model):
    """All rows of a table as tuples of Python values, in pages (keyset on the id)."""
    fields = _fields(model)
    pk = model._meta.primary_key
    if isinstance(pk, pw.CompositeKey) or pk is None:
        order = [model._meta.fields[n] for n in pk.field_names] if pk else fields
        offset = 0
        while True:
            page = list(model.select(*fields).order_by(*order).offset(offset).limit(BATCH)
                        .tuples())
            yield from page
            if len(page) < BATCH:
                return
            offset += BATCH
    index = fields.index(pk)
    last = None
    while True:
        query = model.select(*fields).order_by(pk).limit(BATCH)
        if last is not None:
            query = query.where(pk > last)
        page = list(query.tuples())
        yield from page
        if len(page) < BATCH:
            return
        last = page[-1][index]


# -- backup --------------------------------------------------------------------------------


def backup(path: str | os.PathLike, progress=None) -> dict:
    """Back the open database up into ``path``; returns {"format", "counts"}."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        raise StorageError(f"no such folder: {path.parent}")
    tmp = Path(str(path) + ".partial")
    tmp.unlink(missing_ok=True)
    # a backup holds what the database holds (password hashes, employees): owner only
    os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    try:
        if is_postgres():
            result = {"format": "dump", "counts": _dump(tmp, progress)}
        else:
            result = {"format": "sqlite", "counts": _sqlite_backup(tmp)}
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return result


def _sqlite_backup(target: Path) -> dict[str, int]:
    src = database.connection()
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst, pages=1024)  # other writers go on between steps; SQLite restarts on change
        dst.execute("PRAGMA journal_mode=delete")
        found = {m._meta.table_name: dst.execute(
            f'SELECT count(*) FROM "{m._meta.table_name}"').fetchone()[0]
            for m in models.ALL_MODELS}
    finally:
        dst.close()
    return found


def _dump(target: Path, progress=None) -> dict[str, int]:
    found: dict[str, int] = {}
    txn = database.atomic(isolation_level="REPEATABLE READ") if is_postgres() else database.atomic()
    with gzip.open(target, "wt", encoding="utf-8", compresslevel=5) as out, txn:
        if is_postgres():
            database.execute_sql("SET TRANSACTION READ ONLY")
        version = schema.current_version()
        out.write(json.dumps({"format": FORMAT, "format_version": FORMAT_VERSION,
                              "schema_version": version,
                              "made_at": dt.datetime.now(dt.UTC).isoformat()}) + "\n")
        for model in models.ALL_MODELS:
            name = model._meta.table_name
            out.write(json.dumps({"table": name,
                                  "columns": [f.name for f in _fields(model)]}) + "\n")
            n = 0
            for row in _rows(model):
                out.write(json.dumps([_encode(v) for v in row], ensure_ascii=False) + "\n")
                n += 1
            found[name] = n
            if progress:
                progress(name, n)
        out.write(json.dumps({"end": True, "counts": found}) + "\n")
    return found


# -- restore -------------------------------------------------------------------------------


def _has_data() -> bool:
    tables = set(database.get_tables())
    return any(m._meta.table_name in tables for m in models.ALL_MODELS)


def _drop_all() -> None:
    if is_postgres():
        database.drop_tables(list(reversed(models.ALL_MODELS)), safe=True, cascade=True)
    else:
        database.drop_tables(list(reversed(models.ALL_MODELS)), safe=True)


def restore(path: str | os.PathLike, replace: bool = False, progress=None) -> dict:
    """Restore a backup (either format) into the open database. The database must hold
    no corptui tables, unless ``replace`` (then they are dropped first, in the same
    transaction on PostgreSQL). Returns {"format", "counts"}; the counts are checked
    against the backup's."""
    kind = file_kind(path)
    if _has_data() and not replace:
        raise StorageError("the database is not empty: restore into an empty database, "
                           "or pass --replace to overwrite everything in it")
    if kind == "sqlite" and not is_postgres():
        return {"format": kind, "counts": _sqlite_restore(path)}
    if kind == "sqlite":
        return {"format": kind, "counts": _load_from_sqlite(path, progress)}
    return {"format": kind, "counts": _load(_read_dump(path), progress)}


def _sqlite_restore(path) -> dict[str, int]:
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        _check_sqlite_backup(src, path)
        expected = {m._meta.table_name: src.execute(
            f'SELECT count(*) FROM "{m._meta.table_name}"').fetchone()[0]
            for m in models.ALL_MODELS}
        src.backup(database.connection())
    finally:
        src.close()
    database.close()
    database.connect()
    got = counts()
    if got != expected:  # pragma: no cover - the backup API copies pages exactly
        raise StorageError(f"restore incomplete: expected {expected}, found {got}")
    return got


def _check_sqlite_backup(conn, path) -> None:
    try:
        row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    except sqlite3.DatabaseError:
        raise StorageError(f"{path} is an SQLite file but not a corptui database") from None
    if row is None or row[0] != schema.SCHEMA_VERSION:
        raise StorageError(
            f"{path} has schema version {row[0] if row else None}; this corptui restores "
            f"version {schema.SCHEMA_VERSION} (open it with its corptui and upgrade first)")


def _read_dump(path):
    """Yields ("header", dict), ("table", name, columns), ("row", list), ("end", counts)."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            first = json.loads(fh.readline() or "null")
            if not isinstance(first, dict) or first.get("format") != FORMAT:
                raise StorageError(f"{path} is not a corptui dump")
            if first.get("schema_version") != schema.SCHEMA_VERSION:
                raise StorageError(
                    f"{path} has schema version {first.get('schema_version')}; this corptui "
                    f"restores version {schema.SCHEMA_VERSION}")
            yield ("header", first)
            ended = False
            for line in fh:
                item = json.loads(line)
                if isinstance(item, list):
                    yield ("row", item)
                elif "table" in item:
                    yield ("table", item["table"], item["columns"])
                elif item.get("end"):
                    ended = True
                    yield ("end", item["counts"])
            if not ended:
                raise StorageError(f"{path} is incomplete (no end mark): the backup was cut short")
    except (OSError, EOFError, json.JSONDecodeError) as exc:
        raise StorageError(f"{path} is damaged: {exc}") from None


def _load(items, progress=None) -> dict[str, int]:
    by_table = {m._meta.table_name: m for m in models.ALL_MODELS}
    expected = None
    with database.atomic():
        _drop_all()
        database.create_tables(models.ALL_MODELS)
        model = None
        fields: list = []
        batch: list = []

        def flush():
            if batch:
                model.insert_many(batch, fields=fields).execute()
                batch.clear()

        for item in items:
            if item[0] == "table":
                flush()
                model = by_table.get(item[1])
                if model is None:
                    raise StorageError(f"the backup holds an unknown table {item[1]!r}")
                fields = [model._meta.fields[c] for c in item[2]]
                if progress:
                    progress(item[1], 0)
            elif item[0] == "row":
                batch.append(tuple(_decode(v) for v in item[1]))
                if len(batch) >= BATCH:
                    flush()
            elif item[0] == "end":
                flush()
                expected = item[1]
        flush()
        _fix_sequences()
        got = counts()
        if expected is not None and got != expected:
            raise StorageError(f"restore incomplete: the backup has {expected}, "
                               f"the database got {got}; nothing was restored")
    return got


def _fix_sequences() -> None:
    if not is_postgres():
        return
    for model in models.ALL_MODELS:
        pk = model._meta.primary_key
        if isinstance(pk, pw.AutoField):
            table = model._meta.table_name
            database.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{pk.column_name}'), "
                f"coalesce((SELECT max(\"{pk.column_name}\") FROM \"{table}\"), 0) + 1, false)")


def _load_from_sqlite(path, progress=None) -> dict[str, int]:
    """Rows of an SQLite corptui file into the open (PostgreSQL) database."""
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        _check_sqlite_backup(src, path)

        def items():
            yield ("header", {})
            expected = {}
            for model in models.ALL_MODELS:
                name = model._meta.table_name
                fields = _fields(model)
                yield ("table", name, [f.name for f in fields])
                cols = ", ".join(f'"{f.column_name}"' for f in fields)
                n = 0
                for row in src.execute(f'SELECT {cols} FROM "{name}" ORDER BY rowid'):
                    yield ("row", [_encode(f.python_value(v)) for f, v in zip(fields, row, strict=True)])
                    n += 1
                expected[name] = n
            yield ("end", expected)

        return _load(items(), progress)
    finally:
        src.close()


def copy_to(url: str, progress=None) -> dict:
    """Copy the open database (SQLite) into the empty database at ``url`` (usually
    PostgreSQL), then compare row counts table by table. The open database stays open;
    returns {"source": counts, "target": counts}."""
    from storage.db import make_database

    source_counts = counts()
    src_path = database.obj.database if not is_postgres() else None
    target = make_database(url)
    target.connect()
    try:
        with _Bound(target):
            if _has_data():
                raise StorageError("the target database is not empty: copy into an empty one")
            if src_path is not None:
                got = _load_from_sqlite(src_path, progress)
            else:
                raise StorageError("migrate-to copies an SQLite install; on PostgreSQL use "
                                   "`corptui db backup` and `corptui db restore`")
    finally:
        target.close()
    if got != source_counts:
        raise StorageError(f"the copy does not match: source {source_counts}, target {got}")
    return {"source": source_counts, "target": got}


class _Bound:
    """Point the global proxy at another database for a moment."""

    def __init__(self, db):
        self.db = db

    def __enter__(self):
        self.old = database.obj
        database.initialize(self.db)
        return self.db

    def __exit__(self, *exc):
        database.initialize(self.old)
