"""Shared fixtures. Every storage/use-case test that takes ``db`` runs on SQLite, and on
PostgreSQL too when CORPTUI_TEST_PG is set (the server on 127.0.0.1:5432, database test;
each xdist worker gets its own schema)."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from corptui.database import close_database, open_database

PG_BASE = os.environ.get("CORPTUI_TEST_PG_URL", "postgresql://127.0.0.1:5432/test")
ENGINES = ["sqlite"] + (["pg"] if os.environ.get("CORPTUI_TEST_PG") else [])


# -- the clock -------------------------------------------------------------------------
# Tests that depend on today's date run at a fixed day, not the real one: FIXED_TODAY, a
# mid-month day (the demo data is generated relative to it). A test that holds no date of
# its own but depends on today is marked ``@pytest.mark.today``: it runs at
# CORPTUI_TEST_TODAY when set (`.ci/run` reruns those tests at a month's first and last
# day, so the next month cannot break the suite), else at FIXED_TODAY. Tests on the
# seeded demo database always run at FIXED_TODAY (their snapshots show its dates).
FIXED_TODAY = dt.date(2026, 11, 16)


def test_today(request=None) -> dt.date:
    """The day the clock of this test shows (see above)."""
    marked = request is not None and request.node.get_closest_marker("today") is not None
    if marked and os.environ.get("CORPTUI_TEST_TODAY"):
        return dt.date.fromisoformat(os.environ["CORPTUI_TEST_TODAY"])
    return FIXED_TODAY


test_today.__test__ = False  # a helper, not a test


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "today: depends on today's date; CI reruns it at CORPTUI_TEST_TODAY")


@pytest.fixture(autouse=True)
def _test_clock(request):
    """The fixed clock (time-machine, ticking) for tests marked ``today`` and tests on the
    seeded demo database; other tests see the real clock."""
    if (request.node.get_closest_marker("today") is None
            and "seeded" not in request.fixturenames):
        yield None
        return
    import time_machine

    day = test_today(request)
    with time_machine.travel(dt.datetime.combine(day, dt.time(9), dt.UTC), tick=True):
        yield day


@pytest.fixture(autouse=True)
def _no_app_worker_unless_asked(request):
    """The app's own job queue thread is off in tests (it would build a queued document
    while a test cancels it, or change a screen between two snapshots); the tests of
    background work (marked ``app_worker``) switch it on. (os.environ by hand, not
    monkeypatch: requesting monkeypatch first changes the order in which other fixtures'
    environment changes are undone.)"""
    if request.node.get_closest_marker("app_worker") is not None:
        yield
        return
    before = os.environ.get("CORPTUI_APP_WORKER")
    os.environ["CORPTUI_APP_WORKER"] = "0"
    yield
    if before is None:
        os.environ.pop("CORPTUI_APP_WORKER", None)
    else:
        os.environ["CORPTUI_APP_WORKER"] = before


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Cheap argon2id parameters for new hashes in tests (production: passwords.py; only
    this call switches them, no environment variable does)."""
    from corptui import passwords

    passwords.use_fast_test_hashing(True)
    yield
    passwords.use_fast_test_hashing(False)


@pytest.fixture(autouse=True)
def _truecolor_terminal(monkeypatch):
    """Screens are drawn for a truecolor terminal in tests, whatever runs pytest: the
    theme follows the terminal when the settings name none (settings.terminal_theme)."""
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)


def _pg_url(schema: str) -> str:
    import psycopg2

    base = PG_BASE.split("?")[0]
    from storage.db import parse_url

    info = parse_url(base)
    conn = psycopg2.connect(host=info.host, port=info.port, dbname=info.name,
                            user=info.user or None)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        cur.execute(f'CREATE SCHEMA "{schema}"')
    conn.close()
    return f"{base}?schema={schema}"


def make_url(engine: str, tmp_path, name: str = "t") -> str:
    if engine == "sqlite":
        return f"sqlite:///{tmp_path / (name + '.db')}"
    # xdist workers and concurrent pytest runs each get their own schema
    # (the pid too: two pytest runs at once both have an xdist worker "gw0")
    worker = f"{os.environ.get('PYTEST_XDIST_WORKER', 'p')}_{os.getpid()}"
    return _pg_url(f"corptui_{worker}_{name}")


@pytest.fixture(params=ENGINES)
def db_url(request, tmp_path, monkeypatch):
    """A fresh database URL on each engine, nothing opened yet: empty, or when the test
    also uses ``db``, already at the current schema (a ready-made copy: tests/db_pool.py)."""
    import db_pool

    ready = "db" in request.fixturenames
    if request.param == "pg" and ready:
        url = db_pool.pg_url(make_url)
    else:
        url = make_url(request.param, tmp_path)
        if ready:
            db_pool.sqlite_copy(tmp_path / "t.db", tmp_path_factory_dir(request))
    monkeypatch.setenv("CORPTUI_DB", url)
    monkeypatch.setenv("CORPTUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CORPTUI_CONFIG_DIR", str(tmp_path / "config"))
    yield url
    close_database()
    if request.param == "pg" and not ready:
        _drop_pg_schema(url)


def tmp_path_factory_dir(request):
    """A folder of this test process for templates (made once)."""
    return request.getfixturevalue("tmp_path_factory").getbasetemp()


def _drop_pg_schema(url: str) -> None:
    import psycopg2

    from storage.db import parse_url

    base, _, query = url.partition("?schema=")
    info = parse_url(base)
    conn = psycopg2.connect(host=info.host, port=info.port, dbname=info.name,
                            user=info.user or None)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP SCHEMA IF EXISTS "{query}" CASCADE')
    conn.close()


@pytest.fixture
def db(db_url):
    """An open database with the current schema."""
    open_database(db_url)
    yield db_url
    close_database()


@pytest.fixture
def sqlite_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'one.db'}"
    monkeypatch.setenv("CORPTUI_DB", url)
    monkeypatch.setenv("CORPTUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CORPTUI_CONFIG_DIR", str(tmp_path / "config"))
    yield url
    close_database()


# -- a small seeded demo database for screen tests ------------------------------------
_SEED_CACHE: dict = {}


@pytest.fixture
def seeded(tmp_path, monkeypatch, tmp_path_factory, _test_clock):
    """An open SQLite database with the demo seed (60 numbers, 300 calls, the 3 months
    billed before the month of the test's day: see _test_clock; without the showcase
    rows, which tests make themselves): seeded once per test session and month, copied for
    each test. Yields its URL."""
    import shutil

    from corptui import demo

    day = _test_clock
    if day not in _SEED_CACHE:
        base = tmp_path_factory.mktemp("seed") / "seed.db"
        open_database(f"sqlite:///{base}")
        demo.seed(numbers=60, calls=300, months=3, seed=1, as_of=day.replace(day=1),
                  showcase=False)
        from storage.db import database

        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        close_database()
        _SEED_CACHE[day] = base
    path = tmp_path / "seeded.db"
    shutil.copy(_SEED_CACHE[day], path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("CORPTUI_DB", url)
    monkeypatch.setenv("CORPTUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CORPTUI_CONFIG_DIR", str(tmp_path / "config"))
    open_database(url)
    yield url
    close_database()


def demo_session(role: str = "owner", company: int = 1):
    """The session of a demo login (by role) of the seeded database."""
    from corptui import demo
    from corptui.phones import normalize
    from corptui.session import Session
    from storage.models import User

    login = next(lg for lg in demo.DEMO_LOGINS if lg["role"] == role
                 and (company == 1) == (lg["company"] == demo.MAIN_COMPANY["name"]))
    user = User.get(User.phone == normalize(login["phone"]))
    return Session(company_id=user.company_id, role=user.role, user_id=user.id,
                   actor=user.phone, source="test")


@pytest.fixture
def owner(seeded):
    return demo_session("owner")


def make_app(session=None, **kwargs):
    """The real app on the open database, logged in as ``session`` (or at the login).
    Its own job queue worker is off (tests run the queue by hand) unless background=True."""
    from corptui.app import CorptuiApp

    kwargs.setdefault("background", False)
    return CorptuiApp(session=session, idle_seconds=kwargs.pop("idle_seconds", 3600), **kwargs)


def run_cli(*args, input=None):
    """``corptui ARGS`` through click's runner; the database is closed before and after
    (the command opens its own, as from a shell)."""
    from click.testing import CliRunner

    from corptui.cli import main
    from corptui.database import close_database

    close_database()
    result = CliRunner().invoke(main, list(args), input=input)
    close_database()
    return result


async def settle(pilot):
    """Let the app draw, finish its workers, draw again."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def english():
    """English texts and numbers for one test (the language is put back after it)."""
    from corptui import i18n

    old = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(old)


@pytest.fixture
def utc_english(monkeypatch):
    """Screens with times and numbers drawn the same everywhere: UTC, English."""
    import time

    from corptui import i18n

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    old = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(old)
    monkeypatch.delenv("TZ")
    time.tzset()
