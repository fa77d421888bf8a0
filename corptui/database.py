"""Opening the database for a command or the app: URL resolution and schema checks."""

from __future__ import annotations

import os

from corptui import locations
from corptui.errors import DatabaseUnavailable
from storage import db as storage_db
from storage import schema


def resolve_url(url: str | None = None) -> str:
    """--db URL, else CORPTUI_DB, else the SQLite file in the user data dir."""
    if url:
        return url
    env = os.environ.get("CORPTUI_DB")
    if env:
        return env
    return f"sqlite:///{locations.default_db_path()}"


def open_database(url: str | None = None, *, create: bool = True, check_schema: bool = True):
    """Connect and make sure the schema is usable. Raises DatabaseUnavailable with a
    one-line reason (unreachable server, not a database, newer schema...)."""
    url = resolve_url(url)
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
