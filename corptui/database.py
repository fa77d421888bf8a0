"""Opening the database for a command or the app: URL resolution and schema checks."""

from __future__ import annotations

import os

from corptui import locations
from corptui.errors import DatabaseUnavailable
from storage import db as storage_db
from storage import schema


def resolve_url(url: str | None = None, *, prefer_demo: bool = False) -> str:
    """--db URL, else CORPTUI_DB, else the SQLite file in the user data dir. With
    ``prefer_demo`` (commands that read or change data, and the app): the demo database
    of `corptui demo` while there is no default database yet, and a note says so."""
    if url:
        return url
    env = os.environ.get("CORPTUI_DB")
    if env:
        return env
    default = locations.default_db_path()
    demo = locations.demo_db_path()
    if prefer_demo and not default.exists() and demo.exists():
        if _notice is not None:
            from corptui.i18n import _

            _notice(_("using the demo database {demo} (there is no {default} yet; --db or "
                      "CORPTUI_DB chooses another)").format(demo=demo, default=default))
        return f"sqlite:///{demo}"
    return f"sqlite:///{default}"


def open_database(url: str | None = None, *, create: bool = True, check_schema: bool = True,
                  prefer_demo: bool = False):
    """Connect and make sure the schema is usable. Raises DatabaseUnavailable with a
    one-line reason (unreachable server, not a database, newer schema...)."""
    url = resolve_url(url, prefer_demo=prefer_demo)
    try:
        db = storage_db.connect(url, create=create)
        if check_schema:
            schema.ensure_current(create=create)
    except storage_db.StorageError as exc:
        storage_db.close()
        raise DatabaseUnavailable(str(exc)) from None
    except Exception as exc:  # peewee/driver errors while checking the schema
        storage_db.close()
        raise DatabaseUnavailable(storage_db.describe_error(exc, url)) from None
    return db


def close_database() -> None:
    storage_db.close()


def close_thread_connection() -> None:
    """A worker thread's own connection (peewee keeps one per thread): close it when the
    thread's work is done, so threads do not leave connections behind."""
    from storage.db import database

    if database.obj is not None and not database.is_closed():
        database.close()


# -- faults: reconnect, retry, clear messages ---------------------------------------------

import functools  # noqa: E402
import logging  # noqa: E402
import time  # noqa: E402

log = logging.getLogger("corptui.database")

RETRY_ATTEMPTS = 4
_notice = None


def set_notice(fn) -> None:
    """``fn(text)`` is told when a lost connection was re-established or a busy database
    made a change wait (the CLI prints it on stderr; default: the log)."""
    global _notice
    _notice = fn


def _tell(text: str) -> None:
    log.warning(text)
    if _notice is not None:
        try:
            _notice(text)
        except Exception:  # pragma: no cover - a notice never breaks the work
            pass


def _where() -> str:
    db = storage_db.database.obj
    return getattr(db, "url_display", None) or (
        f"sqlite:///{db.database}" if db is not None else "the database")


def failure_message(exc: BaseException, attempts: int = 1) -> str | None:
    """The one-line message for a database fault (None: not a fault we know)."""
    kind = storage_db.error_kind(exc)
    where = _where()
    if kind == "uncertain":
        return (f"the connection to {where} was lost while the change was being saved: it may "
                f"or may not be saved. Open it again to check before you repeat it")
    if kind == "timeout":
        ms = getattr(storage_db.database.obj, "statement_timeout_ms", 0)
        limit = f" of {ms} ms" if ms else ""
        return (f"{where} cancelled the work after the statement timeout{limit} "
                f"(statement_timeout in the database URL); nothing was changed. Try again "
                f"later, narrow the request, or raise the timeout")
    if kind == "disconnect":
        return (f"lost the connection to {where} and could not reconnect after {attempts} "
                f"attempt(s); nothing was changed. Check that the server is running and try again")
    if kind == "locked":
        return (f"the database {where} stayed busy (another program was writing) after "
                f"{attempts} attempt(s); nothing was changed. Try again in a moment")
    if kind == "conflict":
        return (f"{where} kept refusing the change because of concurrent changes (deadlock "
                f"or serialization failure) after {attempts} attempt(s); nothing was changed. "
                f"Try again")
    return None


def retrying(fn=None, *, attempts: int | None = None):
    """Run a use case (one transaction) again when it failed because the connection was
    lost before COMMIT, the SQLite writer lock stayed taken, or PostgreSQL aborted it for
    a deadlock: in each case nothing was committed, so running it again is safe. A
    connection lost during COMMIT is not retried (the outcome is unknown). Gives up with
    DatabaseUnavailable and a one-line message. Inside an outer transaction it runs once
    (the outer use case retries)."""

    def wrap(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            db = storage_db.database.obj
            if db is None or db.in_transaction():
                return func(*args, **kwargs)
            limit = attempts or RETRY_ATTEMPTS
            tries = 0
            while True:
                tries += 1
                try:
                    result = func(*args, **kwargs)
                except Exception as exc:
                    kind = storage_db.error_kind(exc)
                    if kind is None:
                        raise
                    if kind == "disconnect" or kind == "uncertain":
                        storage_db.reset_connection()
                    if kind in ("uncertain", "timeout") or tries >= limit:
                        raise DatabaseUnavailable(failure_message(exc, tries)) from None
                    if kind == "disconnect":
                        _tell(f"the connection to {_where()} was lost; reconnecting "
                              f"(attempt {tries + 1} of {limit}); nothing was saved yet")
                    elif kind == "locked":
                        _tell(f"{_where()} is busy; trying again (attempt {tries + 1} of {limit})")
                    time.sleep(min(2.0, 0.05 * (2 ** tries)))
                    continue
                if tries > 1:
                    _tell(f"done after {tries} attempts (the connection to {_where()} is back)"
                          if db is not None else "done")
                return result

        return wrapper

    return wrap(fn) if fn is not None else wrap
