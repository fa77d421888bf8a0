"""One database URL for everything: ``sqlite:///path`` or ``postgresql://user@host:port/db``.

SQLite opens in WAL mode with foreign keys on, a busy timeout, and IMMEDIATE write
transactions (deferred read-then-write transactions fail with "database is locked" under
concurrency even with a busy timeout; see shared/FACTS.md)."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlparse

import peewee as pw

database = pw.DatabaseProxy()


class StorageError(Exception):
    """A database that cannot be opened or used; the message is for the user."""


@dataclass(frozen=True)
class DatabaseURL:
    engine: str  # "sqlite" | "postgresql"
    path: str = ""  # sqlite file (or ":memory:")
    host: str = ""
    port: int = 5432
    user: str = ""
    password: str = ""
    name: str = ""
    schema: str = ""  # postgresql: search_path (used to isolate test runs)

    def display(self) -> str:
        if self.engine == "sqlite":
            return f"sqlite:///{self.path}"
        user = f"{self.user}@" if self.user else ""
        return f"postgresql://{user}{self.host}:{self.port}/{self.name}"


def parse_url(url: str) -> DatabaseURL:
    if not url or not isinstance(url, str):
        raise StorageError("empty database URL")
    if url.startswith("sqlite://"):
        path = url[len("sqlite://"):]
        if path.startswith("/"):
            path = path[1:] if not path.startswith("//") else path[1:]
        # sqlite:///relative.db -> "relative.db"; sqlite:////abs/x.db -> "/abs/x.db"
        path = unquote(path)
        if not path:
            raise StorageError(f"no file in database URL {url!r} (use sqlite:///path/to/file.db)")
        return DatabaseURL("sqlite", path=path)
    parsed = urlparse(url)
    if parsed.scheme in ("postgresql", "postgres", "postgresql+psycopg2"):
        name = parsed.path.lstrip("/")
        if not name:
            raise StorageError(f"no database name in URL {url!r}")
        query = parse_qs(parsed.query)
        return DatabaseURL(
            "postgresql",
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or 5432,
            user=unquote(parsed.username or ""),
            password=unquote(parsed.password or ""),
            name=name,
            schema=(query.get("schema") or [""])[0],
        )
    raise StorageError(
        f"unsupported database URL {url!r}: use sqlite:///path or postgresql://user@host:port/db"
    )


SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
    "cache_size": -32000,
    "temp_store": "memory",
}


def make_database(url: str | DatabaseURL, *, create: bool = True) -> pw.Database:
    """Build (not yet connect) the peewee database for a URL."""
    info = parse_url(url) if isinstance(url, str) else url
    if info.engine == "sqlite":
        if info.path != ":memory:":
            folder = os.path.dirname(os.path.abspath(info.path))
            if not os.path.isdir(folder):
                if not create:
                    raise StorageError(f"no such folder for the database: {folder}")
                try:
                    os.makedirs(folder, exist_ok=True)
                except OSError as exc:
                    raise StorageError(f"cannot create {folder}: {exc.strerror}") from None
            if not create and not os.path.exists(info.path):
                raise StorageError(f"no database at {info.path}")
        return pw.SqliteDatabase(
            info.path, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE", check_same_thread=False
        )
    try:
        import psycopg2  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the install
        raise StorageError(
            'PostgreSQL needs psycopg2: pip install "corptui[postgres]"'
        ) from None
    kwargs = {"host": info.host, "port": info.port}
    if info.user:
        kwargs["user"] = info.user
    if info.password:
        kwargs["password"] = info.password
    if info.schema:
        kwargs["options"] = f"-c search_path={info.schema}"
    kwargs["connect_timeout"] = 5
    return pw.PostgresqlDatabase(info.name, **kwargs)


def connect(url: str, *, create: bool = True) -> pw.Database:
    """Initialise the global proxy with the database of ``url`` and open a connection.

    Raises StorageError with a one-line reason when the database cannot be used."""
    db = make_database(url, create=create)
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        if isinstance(db, pw.SqliteDatabase):
            # A file that is not a database fails here, not later in the middle of work.
            db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
            mode = db.execute_sql("PRAGMA journal_mode").fetchone()[0]
            if mode.lower() != "wal" and db.database != ":memory:":
                db.execute_sql("PRAGMA journal_mode=wal")
    except pw.DatabaseError as exc:
        with contextlib.suppress(Exception):
            db.close()
        raise StorageError(describe_error(exc, url)) from None
    return db


def describe_error(exc: Exception, url: str = "") -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    where = parse_url(url).display() if url else "the database"
    lowered = text.lower()
    if "file is not a database" in lowered or "file is encrypted" in lowered:
        return f"{where} is not a corptui database (not an SQLite file)"
    if "unable to open database" in lowered or "readonly" in lowered:
        return f"cannot open {where}: the path is not writable or does not exist"
    if "could not connect" in lowered or "connection refused" in lowered:
        return f"cannot reach {where}: {text}"
    return f"database error on {where}: {text}"


def close() -> None:
    obj = database.obj
    if obj is not None and not obj.is_closed():
        obj.close()


def is_postgres() -> bool:
    return isinstance(database.obj, pw.PostgresqlDatabase)


def atomic():
    """One transaction (IMMEDIATE on SQLite, so read-then-write never deadlocks)."""
    return database.atomic()
