"""Demo data: deterministic, realistic, two companies, every kind of row; `db seed` and
`corptui demo --no-app` through the CLI."""

from __future__ import annotations

import hashlib
import json

import pytest
from click.testing import CliRunner

from corptui import demo
from corptui.cli import main
from corptui.database import close_database, open_database
from corptui.errors import Conflict
from corptui.numbers import NumberFilter, list_numbers
from corptui.passwords import verify_password
from corptui.phones import normalize
from corptui.session import Session
from storage.models import (
    PAYMENT_TYPES,
    CallRecord,
    Charge,
    Company,
    ForwardingRule,
    OptionRule,
    Payment,
    SimCard,
    Subscriber,
    SubscriberOption,
    Tag,
    User,
)

MAIN = demo.MAIN_COMPANY["name"]


def _digest(session) -> str:
    rows = list_numbers(session, NumberFilter())
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False, default=str).encode()).hexdigest()


def test_seed_fills_every_table_for_two_companies(db):
    summary = demo.seed(numbers=300, calls=3000, months=3, seed=7)
    assert summary["numbers"] == 300 and summary["calls"] == 3000
    main_co = Company.get(Company.name == MAIN)
    other = Company.get(Company.name == demo.SECOND_COMPANY["name"])
    assert Subscriber.select().where(Subscriber.company == main_co).count() == 300
    assert Subscriber.select().where(Subscriber.company == other).count() == demo.SECOND_COMPANY_NUMBERS
    assert CallRecord.select().count() == 3000
    assert {p.type for p in Payment.select(Payment.type).distinct()} == set(PAYMENT_TYPES)
    assert Charge.select().where(Charge.company == other).exists()
    for model in (Tag, SimCard, SubscriberOption, ForwardingRule, OptionRule):
        assert model.select().exists(), model.__name__
    assert SimCard.select().where(SimCard.state == "in_stock").exists()
    # Cyrillic names and positions, a search key for each
    sub = Subscriber.select().where(Subscriber.full_name != "").first()
    assert any("а" <= ch <= "я" for ch in sub.full_name.lower())
    assert sub.search_text.startswith(sub.full_name.lower().replace("ё", "е").split()[0])
    # options respect the data-driven rules: no unlimited data on the IoT tariff,
    # European roaming only with world roaming
    from storage.models import Option, Tariff

    iot = Tariff.get(Tariff.code == "iot-data")
    unlim = Option.get(Option.code == "data-unlim")
    assert not (SubscriberOption.select().join(Subscriber)
                .where((SubscriberOption.option == unlim) & (Subscriber.tariff == iot)).exists())
    world = Option.get(Option.code == "roam-world")
    eu_holders = {r.subscriber_id for r in SubscriberOption.select().where(
        SubscriberOption.option == Option.get(Option.code == "roam-eu"))}
    world_holders = {r.subscriber_id for r in SubscriberOption.select().where(
        SubscriberOption.option == world)}
    assert eu_holders and eu_holders <= world_holders


def test_same_seed_same_data_other_seed_other_data(db, tmp_path):
    demo.seed(numbers=200, calls=500, months=2, seed=3)
    company = Company.get(Company.name == MAIN)
    session = Session.system(company.id, "test")
    first = _digest(session)
    calls_first = [tuple(r) for r in CallRecord.select(
        CallRecord.subscriber, CallRecord.started_at, CallRecord.cost).order_by(CallRecord.id).tuples()]
    demo.seed(numbers=200, calls=500, months=2, seed=3, fresh=True)
    assert _digest(session) == first
    assert [tuple(r) for r in CallRecord.select(
        CallRecord.subscriber, CallRecord.started_at, CallRecord.cost).order_by(CallRecord.id).tuples()] == calls_first
    demo.seed(numbers=200, calls=500, months=2, seed=4, fresh=True)
    assert _digest(session) != first


def test_seed_refuses_to_overwrite_without_fresh(db):
    demo.seed(numbers=50, calls=0, months=1)
    with pytest.raises(Conflict, match="--fresh"):
        demo.seed(numbers=50, calls=0, months=1)
    assert Subscriber.select().count() == 50 + demo.SECOND_COMPANY_NUMBERS


def test_demo_logins_are_real_users(db):
    demo.seed(numbers=20, calls=0, months=1)
    roles = set()
    for login in demo.DEMO_LOGINS:
        user = User.get(User.phone == normalize(login["phone"]))
        assert verify_password(user.password_hash, login["password"])
        assert user.company.name == login["company"]
        roles.add(login["role"])
    assert roles == {"owner", "admin", "accountant", "viewer"}


def test_new_rows_after_seed_get_fresh_ids(db):
    demo.seed(numbers=20, calls=10, months=1)
    company = Company.get(Company.name == MAIN)
    tag = Tag.create(company=company, name="Новый тег")
    assert tag.id > max(t.id for t in Tag.select().where(Tag.id != tag.id))


def test_cli_seed_gives_identical_json_on_every_engine(db_url):
    runner = CliRunner()
    result = runner.invoke(main, ["--db", db_url, "db", "seed", "--numbers", "120", "--calls",
                                  "200", "--months", "2", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "seeded 120 numbers" in result.output
    close_database()
    listed = runner.invoke(main, ["--db", db_url, "numbers", "list", "--company", MAIN,
                                  "--format", "json"])
    assert listed.exit_code == 0, listed.output
    data = json.loads(listed.output)
    assert len(data) == 120
    assert [r["msisdn"] for r in data] == sorted(r["msisdn"] for r in data)
    assert all(r["tags"] == sorted(r["tags"]) for r in data)
    # the digest is the same on SQLite and PostgreSQL (engine-independent seed)
    digest = hashlib.sha256(listed.output.encode()).hexdigest()
    expected = _expected_digest(runner)
    assert digest == expected


_cache: dict = {}


def _expected_digest(runner) -> str:
    """The same seed written to a throwaway SQLite file."""
    if "d" not in _cache:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/x.db"
            runner.invoke(main, ["--db", url, "db", "seed", "--numbers", "120", "--calls",
                                 "200", "--months", "2", "--seed", "5"])
            close_database()
            out = runner.invoke(main, ["--db", url, "numbers", "list", "--company", MAIN,
                                       "--format", "json"]).output
            close_database()
        _cache["d"] = hashlib.sha256(out.encode()).hexdigest()
    return _cache["d"]


def test_demo_command_creates_database_and_prints_logins(tmp_path, monkeypatch):
    monkeypatch.setenv("CORPTUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CORPTUI_DB", raising=False)
    runner = CliRunner()
    result = runner.invoke(main, ["demo", "--numbers", "30", "--no-app"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "demo.db").exists()
    for login in demo.DEMO_LOGINS:
        assert login["password"] in result.output
    close_database()
    again = runner.invoke(main, ["demo", "--no-app"])
    assert "creating the demo database" not in again.output
    close_database()
    open_database(f"sqlite:///{tmp_path / 'data' / 'demo.db'}")
    assert Subscriber.select().count() == 30 + demo.SECOND_COMPANY_NUMBERS
    close_database()


# -- the data is about now ---------------------------------------------------------------
def _text(value) -> str:
    """A value as text; a JSON object with its keys sorted (PostgreSQL's jsonb keeps its
    own key order, SQLite's text the written one: the same data)."""
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def _dump() -> dict:
    """Every row the seed wrote, as Python values, in id (or column) order; the password
    hashes (a random salt each) and the database's own identity left out."""
    from storage.models import ALL_MODELS, DatabaseIdentity, SchemaVersion

    out = {}
    for model in ALL_MODELS:
        if model in (SchemaVersion, DatabaseIdentity):
            continue
        fields = [f for f in model._meta.sorted_fields if f.name != "password_hash"]
        rows = [tuple(_text(v) for v in row) for row in model.select(*fields).tuples()]
        out[model._meta.table_name] = sorted(rows)
    return out


def test_seed_as_of_gives_the_same_rows_on_every_engine(db_url, tmp_path):
    """`db seed --as-of DAY`: the same seed and day write the same rows on SQLite and on
    PostgreSQL (every table compared, not a digest of one list)."""
    args = ["db", "seed", "--numbers", "200", "--calls", "3000", "--months", "6",
            "--seed", "9", "--as-of", "2027-02-28"]
    runner = CliRunner()
    result = runner.invoke(main, ["--db", db_url, *args])
    assert result.exit_code == 0, result.output
    open_database(db_url)
    got = _dump()
    close_database()
    ref = f"sqlite:///{tmp_path / 'ref.db'}"
    assert runner.invoke(main, ["--db", ref, *args]).exit_code == 0
    open_database(ref)
    want = _dump()
    close_database()
    assert got.keys() == want.keys()
    for table in want:
        assert got[table] == want[table], table
    assert sum(len(v) for v in want.values()) > 5_000


def test_seed_is_about_its_day_billed_months_and_the_month_in_progress(db):
    import datetime as dt

    day = dt.date(2027, 3, 17)
    summary = demo.seed(numbers=200, calls=4000, months=6, seed=2, as_of=day)
    assert summary["calls"] == CallRecord.select().count() == 4000
    periods = sorted({c.period for c in Charge.select(Charge.period).distinct()})
    # six billed months (September to February) and March in progress
    assert periods == [dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1),
                       dt.date(2026, 12, 1), dt.date(2027, 1, 1), dt.date(2027, 2, 1),
                       dt.date(2027, 3, 1)]
    march = [c for c in CallRecord.select() if c.started_at.date() >= dt.date(2027, 3, 1)]
    assert march and max(c.started_at.date() for c in march) < day  # up to today
    assert all(p.paid_at.date() < day for p in Payment.select())
    from storage.models import AccessApplication, ChangeApplication, Dispute

    for model in (AccessApplication, ChangeApplication, Dispute):  # nothing in the future
        assert model.select().exists()
        assert all(r.created_at.date() < day for r in model.select()), model.__name__
    # the month in progress costs less than a billed one, but is not empty
    def total(month):
        return sum(c.amount for c in Charge.select().where(Charge.period == month))
    assert 0 < total(dt.date(2027, 3, 1)) < total(dt.date(2027, 2, 1))
    # the same day, the same data; another day, the month in progress differs
    first = _dump()
    demo.seed(numbers=200, calls=4000, months=6, seed=2, as_of=day, fresh=True)
    assert _dump() == first
    demo.seed(numbers=200, calls=4000, months=6, seed=2, as_of=day.replace(day=18),
              fresh=True)
    assert _dump()["call_record"] != first["call_record"]


def test_seed_defaults_to_today(db):
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime(2027, 1, 1, 10, tzinfo=dt.UTC), tick=False):
        summary = demo.seed(numbers=20, calls=100, months=2)
    assert summary["as_of"] == dt.date(2027, 1, 1)
    periods = sorted({c.period for c in Charge.select(Charge.period).distinct()})
    # on the first day of a month nothing of it is charged or called yet
    assert periods == [dt.date(2026, 11, 1), dt.date(2026, 12, 1)]
    assert max(c.started_at for c in CallRecord.select()).date() <= dt.date(2026, 12, 31)


@pytest.mark.parametrize("numbers", [200, 2000])
def test_every_feature_has_something_to_show(db, numbers):
    """At any size from 200 numbers: idle lines, never-used paid options, numbers near and
    over their limit, blocked numbers, a dispute, change applications in several states, a
    SIM stock, forwarding rules, a planned option and tariff change."""
    import datetime as dt

    from corptui import insights, limits
    from storage.models import ChangeApplication, Dispute, TariffChange

    day = dt.date(2026, 11, 16)
    demo.seed(numbers=numbers, calls=numbers * 20 if numbers < 2000 else 10_000, months=6,
              seed=1, as_of=day)
    company = Company.get(Company.name == MAIN)
    s = Session.system(company.id, "test")
    assert insights.unused_lines(s, as_of=day.isoformat())["lines"]
    assert insights.unused_options(s)["lines"]
    states = set(limits.limit_states(s).values())
    assert {"near", "over"} <= states, states
    assert Subscriber.select().where((Subscriber.company == company)
                                     & (Subscriber.status == "blocked")).exists()
    assert Dispute.select().where(Dispute.company == company).exists()
    assert len({a.status for a in ChangeApplication.select().where(
        ChangeApplication.company == company)}) >= 3
    assert SimCard.select().where((SimCard.company == company)
                                  & (SimCard.state == "in_stock")).exists()
    assert ForwardingRule.select().join(Subscriber).where(
        Subscriber.company == company).exists()
    assert SubscriberOption.select().where(SubscriberOption.state == "planned").exists()
    assert TariffChange.select().where(TariffChange.state == "planned").exists()


# -- the CLI and the app use the same database -------------------------------------------
def test_after_demo_the_cli_uses_the_demo_database(tmp_path, monkeypatch):
    monkeypatch.setenv("CORPTUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CORPTUI_DB", raising=False)
    runner = CliRunner()
    result = runner.invoke(main, ["demo", "--numbers", "30", "--no-app"])
    assert result.exit_code == 0, result.output
    demo_db = tmp_path / "data" / "demo.db"
    assert f"the demo database is {demo_db}" in result.output
    close_database()
    listed = runner.invoke(main, ["applications", "list"])
    close_database()
    assert listed.exit_code == 0, listed.output
    assert f"using the demo database {demo_db}" in listed.output  # the note says which
    assert "Волжский берег" in listed.output  # the demo's pending applications
    line = next(ln for ln in listed.output.splitlines() if "Волжский берег" in ln)
    ref = next(w for w in line.split() if w.startswith("A-"))
    approved = runner.invoke(main, ["applications", "approve", ref])
    close_database()
    assert approved.exit_code == 0, approved.output
    assert not (tmp_path / "data" / "corptui.db").exists()  # nothing made silently


def test_a_read_command_without_a_database_names_the_file_and_creates_nothing(tmp_path,
                                                                               monkeypatch):
    monkeypatch.setenv("CORPTUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CORPTUI_DB", raising=False)
    (tmp_path / "data").mkdir()
    result = CliRunner().invoke(main, ["applications", "list"])
    close_database()
    assert result.exit_code == 1
    assert str(tmp_path / "data" / "corptui.db") in result.output
    assert list((tmp_path / "data").iterdir()) == []


def test_demo_of_an_earlier_month_is_made_again_about_today(tmp_path, monkeypatch):
    import datetime as dt

    monkeypatch.setenv("CORPTUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CORPTUI_DB", raising=False)
    (tmp_path / "data").mkdir()
    url = f"sqlite:///{tmp_path / 'data' / 'demo.db'}"
    open_database(url)
    old = dt.date.today() - dt.timedelta(days=62)
    demo.seed(numbers=20, calls=50, months=2, as_of=old)
    assert demo.is_stale()
    close_database()
    result = CliRunner().invoke(main, ["demo", "--numbers", "20", "--no-app"])
    close_database()
    assert result.exit_code == 0, result.output
    assert "made again about today" in result.output
    open_database(url)
    assert not demo.is_stale()
    close_database()


def _indexes() -> dict[str, tuple]:
    from storage.db import database

    return {ix.name: (ix.table, tuple(ix.columns), ix.unique)
            for table in database.get_tables() for ix in database.get_indexes(table)}


def test_seed_loads_rows_without_secondary_indexes_and_builds_them_after(db, monkeypatch):
    """Issue 21: a million numbers took hours because every row went into eight indexes in
    random order; the bulk tables are loaded bare and their indexes built once at the end
    (the same indexes as a fresh schema's, on every engine)."""
    from storage.db import database

    schema_indexes = _indexes()
    seen: dict[str, set] = {}
    real_write = demo._Writer.write

    def write(self, table, *args, **kwargs):
        seen[table] = {ix.name for ix in database.get_indexes(table) if not ix.unique}
        return real_write(self, table, *args, **kwargs)

    monkeypatch.setattr(demo._Writer, "write", write)
    demo.seed(numbers=50, calls=100, months=1)
    for table in ("subscriber", "charge", "call_record", "payment", "subscriber_tag"):
        assert seen[table] == set(), table
    assert _indexes() == schema_indexes
