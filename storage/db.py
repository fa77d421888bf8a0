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
    host: str = ""  # postgresql: "" = libpq's default (PGHOST, else the local socket)
    port: int = 0  # 0 = libpq's default (PGPORT, else 5432)
    user: str = ""
    password: str = ""
    name: str = ""
    schema: str = ""  # postgresql: search_path (used to isolate test runs)
    statement_timeout: int = 0  # postgresql: ms, 0 = none (?statement_timeout=MS)
    # every other ?key=value of the URL is a libpq connection parameter (sslmode,
    # sslrootcert, target_session_attrs, host=/socket/dir...), passed through as given
    params: tuple[tuple[str, str], ...] = ()

    def display(self) -> str:
        if self.engine == "sqlite":
            return f"sqlite:///{self.path}"
        user = f"{self.user}@" if self.user else ""
        where = self.host or "local socket"
        port = f":{self.port}" if self.port else ""
        return f"postgresql://{user}{where}{port}/{self.name}"


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
        query = parse_qs(parsed.query, keep_blank_values=True)
        raw_timeout = (query.get("statement_timeout") or ["0"])[0]
        try:
            timeout = int(raw_timeout)
            if timeout < 0:
                raise ValueError
        except ValueError:
            raise StorageError(
                f"statement_timeout in the database URL must be milliseconds (a whole number "
                f">= 0), not {raw_timeout!r}") from None
        try:
            port = parsed.port or 0
        except ValueError:
            raise StorageError(f"the port in the database URL {url!r} is not a number") from None
        own = {"schema", "statement_timeout"}
        return DatabaseURL(
            "postgresql",
            host=unquote(parsed.hostname or ""),
            port=port,
            params=tuple((k, v[-1]) for k, v in query.items() if k not in own),
            user=unquote(parsed.username or ""),
            password=unquote(parsed.password or ""),
            name=name,
            schema=(query.get("schema") or [""])[0],
            statement_timeout=timeout,
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
                    raise StorageError(f"no such folder for the database: {folder} (check "
                                       f"--db / CORPTUI_DB; nothing was created)")
                try:
                    os.makedirs(folder, mode=0o700, exist_ok=True)
                except OSError as exc:
                    raise StorageError(f"cannot create {folder}: {exc.strerror}") from None
            if not os.path.exists(info.path):
                if not create:
                    raise StorageError(f"no database at {info.path} (check --db / CORPTUI_DB; "
                                       f"`corptui db upgrade` makes a new one)")
                _create_private(info.path)
        return pw.SqliteDatabase(
            info.path, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE", check_same_thread=False
        )
    try:
        import psycopg2  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the install
        raise StorageError(
            'PostgreSQL needs psycopg2: pip install "corptui[postgres]"'
        ) from None
    # libpq reads what is not given here from its environment (PGHOST, PGPORT, PGUSER,
    # PGPASSWORD, PGSSLMODE, ~/.pgpass...), as psql does
    kwargs = dict(info.params)
    if info.host:
        kwargs["host"] = info.host
    if info.port:
        kwargs["port"] = info.port
    if info.user:
        kwargs["user"] = info.user
    if info.password:
        kwargs["password"] = info.password
    options = []
    if info.schema:
        options.append(f"-c search_path={info.schema}")
    if info.statement_timeout:
        # the same as SET statement_timeout on every (re)connection
        options.append(f"-c statement_timeout={info.statement_timeout}")
    if options:
        kwargs["options"] = " ".join(options)
    kwargs.setdefault("connect_timeout", 5)
    # who is connected, in pg_stat_activity (admins see which process holds what)
    kwargs["application_name"] = f"corptui {os.getpid()}"
    db = ReconnectingPostgresDatabase(info.name, **kwargs)
    db.statement_timeout_ms = info.statement_timeout
    db.url_display = info.display()
    return db


def _create_private(path: str) -> None:
    """An empty file readable by its owner only (0600: it will hold password hashes and
    employees' data); SQLite gives the -wal and -shm files the same mode."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise StorageError(f"cannot create {path}: {exc.strerror}") from None
    os.close(fd)


# -- connection faults -------------------------------------------------------------------

_DISCONNECT_TEXT = (
    "server closed the connection", "terminating connection", "connection already closed",
    "no connection to the server", "could not receive data", "could not send data",
    "ssl connection has been closed", "connection not open", "the connection is closed",
    "could not connect", "connection refused", "server conn crashed",
)
_LOCKED_TEXT = ("database is locked", "database table is locked", "database is busy")


def _pgcode(exc: BaseException) -> str:
    seen = set()
    todo = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        code = getattr(e, "pgcode", None)
        if code:
            return code
        todo.extend([e.__cause__, e.__context__])
        todo.extend(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))
    return ""


def error_kind(exc: BaseException) -> str | None:
    """Classify a driver error: "disconnect" (the server went away: reconnect), "locked"
    (SQLite writer lock held too long), "conflict" (PostgreSQL deadlock or serialization
    failure: the transaction was rolled back), "timeout" (statement_timeout), "uncertain"
    (the connection died during COMMIT) or None (anything else)."""
    if isinstance(exc, CommitUncertain):
        return "uncertain"
    code = _pgcode(exc)
    if code in ("40P01", "40001"):
        return "conflict"
    if code == "57014":
        return "timeout"
    if code.startswith("08") or code in ("57P01", "57P02", "57P03"):
        return "disconnect"
    text = str(exc).lower()
    if isinstance(exc, (pw.OperationalError, pw.InterfaceError)):
        if any(t in text for t in _LOCKED_TEXT):
            return "locked"
        if any(t in text for t in _DISCONNECT_TEXT):
            return "disconnect"
        if "statement timeout" in text:
            return "timeout"
    return None


class CommitUncertain(pw.OperationalError):
    """The connection died while COMMIT was on its way: the change may or may not be saved."""


try:  # pragma: no branch
    from playhouse.shortcuts import ReconnectMixin
except ImportError:  # pragma: no cover
    ReconnectMixin = object


class ReconnectingPostgresDatabase(ReconnectMixin, pw.PostgresqlDatabase):
    """PostgreSQL that reconnects by itself for a statement outside a transaction when the
    server dropped the connection (restart, pg_terminate_backend, network). Inside a
    transaction the error goes up: the use case is retried as a whole by
    ``corptui.database.retrying`` (only when the transaction never committed)."""

    reconnect_errors = (
        (pw.OperationalError, "server closed the connection"),
        (pw.OperationalError, "terminating connection"),
        (pw.OperationalError, "connection already closed"),
        (pw.OperationalError, "no connection to the server"),
        (pw.OperationalError, "could not receive data"),
        (pw.OperationalError, "ssl connection has been closed"),
        (pw.InterfaceError, "connection already closed"),
        (pw.InterfaceError, "cursor already closed"),
    )
    statement_timeout_ms = 0
    url_display = "the database"

    def commit(self):
        try:
            return super().commit()
        except Exception as exc:
            if error_kind(exc) == "disconnect":
                raise CommitUncertain(
                    f"the connection to {self.url_display} was lost while saving: {exc}"
                ) from exc
            raise

    def rollback(self):
        try:
            return super().rollback()
        except Exception as exc:
            # a dead connection's transaction is rolled back by the server itself
            if error_kind(exc) == "disconnect":
                return None
            raise


def reset_connection() -> None:
    """Drop this thread's (dead) connection so that the next statement opens a new one."""
    db = database.obj
    if db is None:
        return
    state = db._state
    conn = state.conn
    try:
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()
    finally:
        state.reset()


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


def stream(query, batch: int = 2000):
    """The rows of a peewee SELECT as tuples, converted to Python values like
    ``.tuples()``, in constant memory however many there are: on PostgreSQL through a
    server-side (named, held) cursor (psycopg2 would otherwise fetch
    the whole result into memory at once), on SQLite from the cursor a batch at a time.
    Only the columns whose driver value is not the Python one are converted (time, money,
    flags): peewee's per-cell conversion is a third of a 100k-row export."""
    import uuid

    plain = (pw.AutoField, pw.IntegerField, pw.CharField, pw.TextField)
    convert = [(i, f.python_value) for i, f in enumerate(query._returning)
               if isinstance(f, pw.Field) and type(f) not in plain]
    sql, params = query.sql()

    def rows(cursor):
        while True:
            chunk = cursor.fetchmany(batch)
            if not chunk:
                return
            for values in chunk:
                if convert:
                    values = list(values)
                    for i, fn in convert:
                        values[i] = fn(values[i])
                yield tuple(values)

    if not is_postgres():
        yield from rows(database.execute_sql(sql, params))
        return
    # WITH HOLD: peewee runs psycopg2 in autocommit mode, where a plain named cursor is
    # refused; a held cursor outlives its (implicit) transaction, so no transaction stays
    # open while the caller writes the rows (or drops the stream half-way)
    cursor = database.connection().cursor(name=f"corptui_{uuid.uuid4().hex}", withhold=True)
    try:
        cursor.itersize = batch
        cursor.execute(sql, params)
        yield from rows(cursor)
    finally:
        cursor.close()
