"""Schema version table and migrations.

``SCHEMA_VERSION`` is the version this code writes. A fresh database gets every table at
once; an older one is brought forward by the steps in ``MIGRATIONS`` (each step is
idempotent, so a step interrupted by a crash can run again). A newer one is refused."""

from __future__ import annotations

from collections.abc import Callable

import peewee as pw
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

from storage import models
from storage.db import StorageError, database

SCHEMA_VERSION = 10


def _migrator():
    db = database.obj
    if isinstance(db, pw.PostgresqlDatabase):
        return PostgresqlMigrator(db)
    return SqliteMigrator(db)


def _columns(table: str) -> set[str]:
    return {c.name for c in database.get_columns(table)}


def _indexes(table: str) -> set[str]:
    return {i.name for i in database.get_indexes(table)}


def _to_v2() -> None:
    """v2: the card's optimistic-locking version, the search column, and the operation id
    that groups the audit entries of one bulk change (for undo)."""
    m = _migrator()
    ops = []
    if "version" not in _columns("subscriber"):
        ops.append(m.add_column("subscriber", "version", models.Subscriber.version))
    if "search_text" not in _columns("subscriber"):
        ops.append(m.add_column("subscriber", "search_text", models.Subscriber.search_text))
    if "operation" not in _columns("audit_entry"):
        ops.append(m.add_column("audit_entry", "operation", models.AuditEntry.operation))
    if ops:
        migrate(*ops)
    if "audit_entry_operation" not in _indexes("audit_entry"):
        database.execute_sql('CREATE INDEX IF NOT EXISTS "audit_entry_operation" ON "audit_entry" ("operation")')
    # backfill the search column from the names
    from storage.search import search_key  # local: only needed by this step

    rows = database.execute_sql(
        "SELECT id, full_name, position FROM subscriber WHERE search_text = ''"
    ).fetchall()
    for sid, name, position in rows:
        models.Subscriber.update(search_text=search_key(name, position)).where(
            models.Subscriber.id == sid
        ).execute()


def _to_v3() -> None:
    """v3 (services): communication limits of a number (data and roaming bans, a
    notification threshold), the PUK lock of a stock SIM; the change_application table is
    created by upgrade() with the other new tables."""
    m = _migrator()
    ops = []
    have = _columns("subscriber")
    for name in ("data_ban", "roaming_ban", "limit_notify_percent"):
        if name not in have:
            ops.append(m.add_column("subscriber", name, getattr(models.Subscriber, name)))
    have = _columns("sim_card")
    for name in ("puk_failures", "locked"):
        if name not in have:
            ops.append(m.add_column("sim_card", name, getattr(models.SimCard, name)))
    # options and tariffs: a tariff change that needs a change application (the
    # tariff_change table of planned changes is created by upgrade())
    if "by_application" not in _columns("tariff"):
        ops.append(m.add_column("tariff", "by_application", models.Tariff.by_application))
    if ops:
        migrate(*ops)


def _to_v4() -> None:
    """v4 (documents): the protection password's hash of a document; the scope, day and
    time of an automatic report schedule."""
    m = _migrator()
    ops = []
    if "password_hash" not in _columns("document"):
        ops.append(m.add_column("document", "password_hash", models.Document.password_hash))
    have = _columns("report_schedule")
    for name in ("scope", "day", "at_time"):
        if name not in have:
            ops.append(m.add_column("report_schedule", name,
                                    getattr(models.ReportSchedule, name)))
    if ops:
        migrate(*ops)


def _to_v5() -> None:
    """v5 (disputes): the dispute table of disputed charges (idempotent: safe=True)."""
    database.create_tables([models.Dispute], safe=True)


def _to_v6() -> None:
    """v6 (spend and limits that act): a tag's monthly budget; what crossing a number's
    limit does, whether the employee is told, since when it is blocked; the limit_alert,
    tariff_advice and overview_snapshot tables are created by upgrade()."""
    m = _migrator()
    ops = []
    if "budget" not in _columns("tag"):
        ops.append(m.add_column("tag", "budget", models.Tag.budget))
    have = _columns("subscriber")
    for name in ("limit_action", "limit_notify_employee", "limit_blocked_at"):
        if name not in have:
            ops.append(m.add_column("subscriber", name, getattr(models.Subscriber, name)))
    if ops:
        migrate(*ops)


def _to_v7() -> None:
    """v7 (documents, issue 20): a document's language, number, file size and hash,
    preview and writer options; a schedule's language; a company's closing-document set
    and signatories; the number sequences and the database's own identity (tables made
    by upgrade())."""
    m = _migrator()
    ops = []
    wanted = {
        "document": ("language", "number", "file_size", "file_sha256", "preview", "options"),
        "report_schedule": ("language",),
        "company": ("document_set", "director", "chief_accountant"),
    }
    model_of = {"document": models.Document, "report_schedule": models.ReportSchedule,
                "company": models.Company}
    for table, names in wanted.items():
        have = _columns(table)
        for name in names:
            if name not in have:
                ops.append(m.add_column(table, name, getattr(model_of[table], name)))
    if ops:
        migrate(*ops)


# stored phone numbers: (table, key column, phone column, unique?)
PHONE_COLUMNS = (
    ("subscriber", "msisdn", True), ("app_user", "phone", True),
    ("access_application", "contact_phone", False), ("company", "contact_phone", False),
    ("forwarding_rule", "target", False), ("report_schedule", "phone", False),
)
LIST_COLUMNS = (("access_application", "numbers"), ("change_application", "numbers"))


def _fold(text: str) -> str:
    """Unicode decimal digits as ASCII ones (corptui.usertext.fold_digits: storage may not
    import corptui, so the ten lines are here)."""
    import unicodedata

    return "".join(str(unicodedata.decimal(ch)) if not ch.isascii() and ch.isdecimal()
                   else ch for ch in text)


def fold_stored_phones() -> list[str]:
    """Fold the look-alike digits of stored phone numbers to ASCII (a value that would
    then equal another row's is left as it is and reported: it matches no lookup, every
    input being folded). Returns the problems left."""
    left: list[str] = []
    for table, column, unique in PHONE_COLUMNS:
        rows = database.execute_sql(f'SELECT id, "{column}" FROM "{table}"').fetchall()
        odd = [(rid, value) for rid, value in rows if value and not value.isascii()]
        if not odd:
            continue
        taken = {value for _rid, value in rows} if unique else set()
        for rid, value in odd:
            folded = _fold(value)
            if folded == value:
                continue
            if unique and folded in taken:
                left.append(f"{table}.{column} {rid}: {value!r} is a look-alike of {folded}")
                continue
            taken.add(folded)
            database.execute_sql(f'UPDATE "{table}" SET "{column}" = {_param()} WHERE id = {_param()}',
                                 (folded, rid))
    for table, column in LIST_COLUMNS:
        for rid, value in database.execute_sql(f'SELECT id, "{column}" FROM "{table}"').fetchall():
            if value and not value.isascii() and _fold(value) != value:
                database.execute_sql(
                    f'UPDATE "{table}" SET "{column}" = {_param()} WHERE id = {_param()}',
                    (_fold(value), rid))
    return left


def _param() -> str:
    return "%s" if isinstance(database.obj, pw.PostgresqlDatabase) else "?"


def duplicate_inns() -> list[str]:
    rows = database.execute_sql(
        "SELECT inn, count(*) FROM company WHERE inn <> '' GROUP BY inn HAVING count(*) > 1"
    ).fetchall()
    return [f"{n} companies share the INN {inn}" for inn, n in rows]


def _to_v8() -> None:
    """v8 (issue 17): stored phone numbers with digits of other scripts folded to ASCII;
    one company per INN (a unique index, unless companies already share one: then `db
    check` names them and the index waits for the operator to fix them)."""
    fold_stored_phones()
    if not duplicate_inns():
        database.execute_sql('CREATE UNIQUE INDEX IF NOT EXISTS "company_inn_unique" '
                             "ON \"company\" (\"inn\") WHERE \"inn\" <> ''")


def _to_v9() -> None:
    """v9 (rating, issue 19): the prices and bundles of tariffs and options as data; a
    call record's roaming zone and the charge line that sums it; the tariff_history and
    billing_month tables are made by upgrade(). Tariffs and options of the demo get the
    demo's prices (corptui fills them: storage only adds the columns)."""
    m = _migrator()
    ops = []
    for table, model in (("tariff", models.Tariff), ("option", models.Option)):
        if "rates" not in _columns(table):
            ops.append(m.add_column(table, "rates", model.rates))
    have = _columns("call_record")
    for name in ("roaming_zone", "charge_id"):
        if name not in have:
            ops.append(m.add_column("call_record", name, getattr(models.CallRecord, name)))
    if ops:
        migrate(*ops)


def _to_v10() -> None:
    """v10 (feeds, issue 19): an imported call record's id (one per number: a unique
    index); the statement_entry table of imported bank statements is made by upgrade()."""
    if "record_id" not in _columns("call_record"):
        migrate(_migrator().add_column("call_record", "record_id", models.CallRecord.record_id))
    database.execute_sql('CREATE UNIQUE INDEX IF NOT EXISTS "call_record_subscriber_id_record_id" '
                         'ON "call_record" ("subscriber_id", "record_id")')


MIGRATIONS: dict[int, Callable[[], None]] = {2: _to_v2, 3: _to_v3, 4: _to_v4, 5: _to_v5,
                                             6: _to_v6, 7: _to_v7, 8: _to_v8, 9: _to_v9,
                                             10: _to_v10}


def current_version() -> int | None:
    """The schema version of the open database; None if it holds no corptui schema."""
    tables = set(database.get_tables())
    if "schema_version" not in tables:
        if tables:
            raise StorageError("the database holds tables but no corptui schema version")
        return None
    row = database.execute_sql("SELECT max(version) FROM schema_version").fetchone()
    return row[0] if row and row[0] is not None else None


def create_all() -> None:
    with database.atomic():
        database.create_tables(models.ALL_MODELS)
        models.SchemaVersion.create(version=SCHEMA_VERSION, note="created")
        ensure_identity()


def ensure_identity() -> str:
    """The database's own identity (a UUID made once, with the schema or at the upgrade
    to v7); the documents' folder is named by it."""
    import uuid

    row = models.DatabaseIdentity.select().order_by(models.DatabaseIdentity.id).first()
    if row is None:
        row = models.DatabaseIdentity.create(uuid=str(uuid.uuid4()))
    return row.uuid


def upgrade() -> tuple[int | None, int]:
    """Bring the schema to SCHEMA_VERSION. Returns (version before, version after)."""
    before = current_version()
    if before is None:
        create_all()
        return None, SCHEMA_VERSION
    if before > SCHEMA_VERSION:
        raise newer_schema_error(before)
    sqlite = isinstance(database.obj, pw.SqliteDatabase)
    if sqlite:
        # peewee rebuilds a SQLite table for some column changes (copy, DROP, rename);
        # with foreign keys on, that DROP would cascade-delete every row that refers to
        # the table (tags of numbers, SIMs...). Off for the migration (it only takes
        # effect outside a transaction), checked, then on again.
        database.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        for version in range(before + 1, SCHEMA_VERSION + 1):
            with database.atomic():
                MIGRATIONS[version]()
                # tables added by later versions, without the indexes of tables that
                # exist: an index may be on a column a later step adds (SQLite would
                # read the unknown "column" as a string and index that); those indexes
                # are made once, after the last step
                existing = set(database.get_tables())
                database.create_tables([m for m in models.ALL_MODELS
                                        if m._meta.table_name not in existing], safe=True)
                if sqlite:
                    broken = database.execute_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise StorageError(
                            f"upgrade to version {version} would break {len(broken)} "
                            f"references (first: table {broken[0][0]}); nothing was changed")
                if version == 7:
                    ensure_identity()
                models.SchemaVersion.create(version=version, note=f"upgraded from {version - 1}")
        with database.atomic():
            database.create_tables(models.ALL_MODELS, safe=True)  # every index, at the end
    finally:
        if sqlite:
            database.execute_sql("PRAGMA foreign_keys = ON")
    return before, SCHEMA_VERSION


def newer_schema_error(version: int) -> StorageError:
    return StorageError(
        f"the database schema is version {version}, newer than this corptui "
        f"(version {SCHEMA_VERSION}); upgrade corptui"
    )


def ensure_current(*, create: bool = True) -> int:
    """Called when a command opens the database: create a fresh schema on first use,
    refuse a newer one, ask for `corptui db upgrade` on an older one."""
    version = current_version()
    if version is None:
        if not create:
            raise StorageError("the database is empty: run `corptui db upgrade` or `corptui db seed`")
        create_all()
        return SCHEMA_VERSION
    if version > SCHEMA_VERSION:
        raise newer_schema_error(version)
    if version < SCHEMA_VERSION:
        raise StorageError(
            f"the database schema is version {version}; run `corptui db upgrade` "
            f"to bring it to version {SCHEMA_VERSION}"
        )
    return version


def check() -> list[str]:
    """Integrity checks. Returns a list of problems (empty when all is well)."""
    problems: list[str] = []
    db = database.obj
    if isinstance(db, pw.SqliteDatabase):
        for (line,) in db.execute_sql("PRAGMA integrity_check").fetchall():
            if line != "ok":
                problems.append(f"integrity: {line}")
        for row in db.execute_sql("PRAGMA foreign_key_check").fetchall():
            problems.append(f"foreign key: table {row[0]} row {row[1]} -> {row[2]}")
    tables = set(database.get_tables())
    for model in models.ALL_MODELS:
        name = model._meta.table_name
        if name not in tables:
            problems.append(f"missing table {name}")
            continue
        have = _columns(name)
        for field in model._meta.sorted_fields:
            if field.column_name not in have:
                problems.append(f"missing column {name}.{field.column_name}")
    if "subscriber" in tables and "company" in tables:
        n = database.execute_sql(
            "SELECT count(*) FROM subscriber s JOIN personal_account a ON a.id = s.account_id "
            "WHERE a.company_id <> s.company_id"
        ).fetchone()[0]
        if n:
            problems.append(f"{n} numbers sit on a personal account of another company")
    if "company" in tables:
        problems.extend(duplicate_inns())
        for table, column, _unique in PHONE_COLUMNS:
            if table not in tables:
                continue
            for rid, value in database.execute_sql(
                    f'SELECT id, "{column}" FROM "{table}"').fetchall():
                if value and not value.isascii() and _fold(value) != value:
                    problems.append(f"{table} {rid}: the phone {value!r} has digits of another "
                                    f"script (a look-alike of {_fold(value)})")
    if "job" in tables:
        n = database.execute_sql(
            "SELECT count(*) FROM document WHERE state = 'ready' AND file_path = ''"
        ).fetchone()[0]
        if n:
            problems.append(f"{n} ready documents have no file")
    return problems
