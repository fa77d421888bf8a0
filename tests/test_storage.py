"""Storage: URLs, money and time types, schema creation, upgrade and checks."""

import datetime as dt
from decimal import Decimal

import peewee as pw
import pytest

from corptui.database import close_database, open_database
from corptui.errors import DatabaseUnavailable
from storage import schema
from storage.db import StorageError, database, parse_url
from storage.fields import to_kopecks
from storage.models import ALL_MODELS, Company, Payment, PersonalAccount, Subscriber


def test_parse_urls():
    assert parse_url("sqlite:///rel/x.db").path == "rel/x.db"
    assert parse_url("sqlite:////abs/x.db").path == "/abs/x.db"
    pg = parse_url("postgresql://bob@db.local:6543/corp?schema=s1")
    assert (pg.engine, pg.user, pg.host, pg.port, pg.name, pg.schema) == (
        "postgresql", "bob", "db.local", 6543, "corp", "s1")
    for bad in ["", "mysql://x/y", "sqlite://", "postgresql://host/"]:
        with pytest.raises(StorageError):
            parse_url(bad)


def test_libpq_parameters_pass_through_and_defaults_are_libpq_s():
    pg = parse_url("postgresql:///corp?sslmode=verify-full&sslrootcert=/etc/ca.pem"
                   "&schema=s1&statement_timeout=500")
    assert (pg.host, pg.port, pg.name, pg.schema, pg.statement_timeout) == ("", 0, "corp", "s1", 500)
    assert dict(pg.params) == {"sslmode": "verify-full", "sslrootcert": "/etc/ca.pem"}
    assert pg.display() == "postgresql://local socket/corp"
    sock = parse_url("postgresql://%2Fvar%2Frun%2Fpostgresql/corp")
    assert sock.host == "/var/run/postgresql"


@pytest.mark.skipif(not __import__("os").environ.get("CORPTUI_TEST_PG"),
                    reason="PostgreSQL only (CORPTUI_TEST_PG=1)")
def test_postgres_url_reaches_libpq(monkeypatch):
    # a parameter of the URL reaches libpq (which judges it), and libpq's environment fills
    # what the URL leaves out (here the host and port: no URL host means PGHOST, not TCP)
    with pytest.raises(DatabaseUnavailable) as err:
        open_database("postgresql://127.0.0.1:5432/test?sslmode=bogus")
    assert "sslmode" in str(err.value)
    monkeypatch.setenv("PGHOST", "127.0.0.1")
    monkeypatch.setenv("PGPORT", "5432")
    db = open_database("postgresql:///test", check_schema=False)
    try:
        assert db.execute_sql("SELECT inet_server_addr() IS NOT NULL").fetchone()[0] is True
    finally:
        close_database()


def test_money_is_exact_decimal_and_refuses_floats():
    assert to_kopecks(Decimal("0.1")) + to_kopecks("0.2") == to_kopecks("0.3")
    assert to_kopecks("10.005") == 1001  # half-up
    with pytest.raises(TypeError):
        to_kopecks(0.1)


def _company():
    company = Company.create(name="ООО Тест", inn="7707083893")
    account = PersonalAccount.create(company=company, number="ЛС-1", balance=Decimal("10.10"))
    return company, account


def test_money_sums_exact_and_times_utc(db):
    company, account = _company()
    local = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    for amount in ["0.10", "0.20", "1000000.99"]:
        Payment.create(company=company, account=account, paid_at=local, amount=Decimal(amount),
                       type="card")
    total = Payment.select(pw.fn.SUM(Payment.amount)).scalar()
    assert Payment.amount.python_value(total) == Decimal("1000001.29")
    p = Payment.get()
    assert p.amount == Decimal("0.10") and isinstance(p.amount, Decimal)
    assert p.paid_at == local and p.paid_at.tzinfo is not None
    assert p.paid_at.utcoffset() == dt.timedelta(0)
    assert PersonalAccount.get().balance == Decimal("10.10")


def test_msisdn_unique_across_companies(db):
    company, account = _company()
    other = Company.create(name="Другая")
    acc2 = PersonalAccount.create(company=other, number="ЛС-2")
    Subscriber.create(company=company, account=account, msisdn="79261234567")
    with pytest.raises(pw.IntegrityError), database.atomic():
        Subscriber.create(company=other, account=acc2, msisdn="79261234567")


def test_fresh_database_gets_current_schema_and_passes_check(db):
    assert schema.current_version() == schema.SCHEMA_VERSION
    assert schema.check() == []
    tables = set(database.get_tables())
    assert {m._meta.table_name for m in ALL_MODELS} <= tables


def test_upgrade_from_v1_keeps_data_and_fills_search_column(db):
    company, account = _company()
    Subscriber.create(company=company, account=account, msisdn="79261234567",
                      full_name="Ёлкина Алёна", position="Бухгалтер")
    # make it a v1 database: the v2 columns and index did not exist yet
    database.execute_sql('DROP INDEX IF EXISTS "audit_entry_operation"')
    for table, column in [("subscriber", "search_text"), ("subscriber", "version"),
                          ("audit_entry", "operation")]:
        database.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
    database.execute_sql("DELETE FROM schema_version")
    database.execute_sql("INSERT INTO schema_version (version, applied_at, note) "
                         "VALUES (1, '2026-01-01 00:00:00', 'v1')")
    assert schema.current_version() == 1
    assert any("missing column subscriber.search_text" in p for p in schema.check())
    with pytest.raises(StorageError, match="db upgrade"):
        schema.ensure_current()
    assert schema.upgrade() == (1, schema.SCHEMA_VERSION)
    assert schema.check() == []
    sub = Subscriber.get()
    assert sub.full_name == "Ёлкина Алёна" and sub.version == 1
    assert sub.search_text == "елкина алена | бухгалтер"
    assert schema.upgrade() == (schema.SCHEMA_VERSION, schema.SCHEMA_VERSION)


def test_newer_schema_is_refused(db_url):
    open_database(db_url)
    database.execute_sql("INSERT INTO schema_version (version, applied_at, note) "
                         "VALUES (99, '2026-01-01 00:00:00', 'future')")
    close_database()
    with pytest.raises(DatabaseUnavailable, match="newer than this corptui"):
        open_database(db_url)


def test_check_reports_number_on_account_of_other_company(db):
    company, account = _company()
    other = Company.create(name="Чужая")
    other_acc = PersonalAccount.create(company=other, number="ЛС-9")
    Subscriber.create(company=company, account=other_acc, msisdn="79260000001")
    assert any("another company" in p for p in schema.check())
    assert account  # the company's own account is untouched


def test_sqlite_pragmas(sqlite_url):
    open_database(sqlite_url)
    assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert database.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_file_that_is_not_a_database_is_refused_and_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"hello, this is not sqlite\n" * 10)
    before = path.read_bytes()
    with pytest.raises(DatabaseUnavailable, match="not a corptui database"):
        open_database(f"sqlite:///{path}")
    assert path.read_bytes() == before


def test_upgrade_keeps_every_row_of_a_full_database(seeded):
    """An upgrade must not lose a row anywhere: on SQLite a column change can rebuild a
    table, and a DROP with foreign keys on would cascade into the tables that refer to it
    (tags of numbers, SIMs, options, calls...)."""
    tables = [t for t in database.get_tables()
              if t != "schema_version" and not t.startswith("sqlite_")]

    def counts():
        return {t: database.execute_sql(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                for t in tables}

    before = counts()
    assert before["subscriber_tag"] > 0 and before["call_record"] > 0
    # make it a v1 database: drop what v2 and later added (columns of the NOT NULL kind
    # that peewee adds by rebuilding the table on SQLite)
    v1_columns = {"subscriber": ["search_text", "version"], "audit_entry": ["operation"]}
    later = {m._meta.table_name: {f.column_name for f in m._meta.sorted_fields}
             for m in ALL_MODELS}
    database.execute_sql('DROP INDEX IF EXISTS "audit_entry_operation"')
    for table, cols in v1_columns.items():
        for col in cols:
            database.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN "{col}"')
    database.execute_sql("DELETE FROM schema_version")
    database.execute_sql("INSERT INTO schema_version (version, applied_at, note) "
                         "VALUES (1, '2026-01-01 00:00:00', 'v1')")
    assert schema.upgrade() == (1, schema.SCHEMA_VERSION)
    assert counts() == before
    assert schema.check() == []
    assert later  # every model's columns exist again (check() above verifies them)
