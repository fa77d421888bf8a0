"""The CLI contract of the foundation: help, version, errors, companies, users, numbers."""

import json
import subprocess
import sys
from decimal import Decimal

import pytest
from conftest import run_cli as run

from corptui import __version__
from corptui.database import close_database, open_database
from corptui.passwords import verify_password
from storage.models import Company, PersonalAccount, Subscriber, SubscriberTag, Tag, Tariff, User
from storage.schema import SCHEMA_VERSION
from storage.search import search_key


@pytest.fixture
def company(db):
    """Two companies; the main one with three numbers, tags and a tariff."""
    comp = Company.create(name="ООО «Ромашка»", inn="7707083893")
    acc = PersonalAccount.create(company=comp, number="100200300", balance=Decimal("5.00"))
    tariff = Tariff.create(code="biz", name="Бизнес Безлимит", monthly_fee=Decimal("990.00"))
    rows = [("79261234567", "Ёлкин Пётр Ильич", "Бухгалтер"),
            ("79031112233", "[/]Смирнова", "Курьер"),
            ("79990000000", "", "")]
    subs = [Subscriber.create(company=comp, account=acc, msisdn=m, full_name=n, position=p,
                              tariff=tariff, search_text=search_key(n, p)) for m, n, p in rows]
    t1 = Tag.create(company=comp, name="Москва")
    t2 = Tag.create(company=comp, name="Бухгалтерия")
    SubscriberTag.create(subscriber=subs[0], tag=t1)
    SubscriberTag.create(subscriber=subs[0], tag=t2)
    other = Company.create(name="ИП Другой", inn="500100732259")
    oacc = PersonalAccount.create(company=other, number="900")
    Subscriber.create(company=other, account=oacc, msisdn="79160000001", full_name="Чужой")
    close_database()
    yield comp
    open_database(db)


def test_version_and_help():
    assert run("--version").output.strip() == f"corptui, version {__version__}"
    result = run("--help")
    assert result.exit_code == 0
    for group in ["companies", "db", "demo", "numbers", "users"]:
        assert group in result.output


def test_help_does_not_import_textual():
    code = ("import sys; from corptui.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "assert 'textual' not in sys.modules, 'textual imported'\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_help_imports_no_command_module_nor_peewee():
    """Issue 21: `corptui --help` lists the commands from the table in corptui.cli without
    importing their modules (nor peewee, nor the models)."""
    code = ("import sys; from corptui.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "loaded = sorted(m for m in sys.modules if m.startswith('corptui.cli.')\n"
            "                or m.split('.')[0] in ('peewee', 'storage', 'textual'))\n"
            "assert not loaded, loaded\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "export" in proc.stdout and "Export payments, charges or call details" in proc.stdout


def test_the_help_table_names_every_command_its_module_and_its_first_line():
    import importlib
    import inspect

    from corptui.cli import COMMANDS, main

    for module in {m for m, _text in COMMANDS.values()}:
        importlib.import_module(f"corptui.cli.{module}")
    assert set(COMMANDS) == set(main.commands)
    for name, (module, text) in COMMANDS.items():
        command = main.commands[name]
        assert command.callback.__module__ == f"corptui.cli.{module}", name
        first = inspect.cleandoc(command.help or "").split("\n\n")[0]
        assert " ".join(first.split()) == text, name


def test_a_command_runs_and_shows_its_help_when_loaded_on_demand():
    result = run("db", "--help")
    assert result.exit_code == 0 and "Database schema, integrity checks" in result.output
    assert "seed" in result.output


@pytest.mark.parametrize("args,message,code", [
    (["bogus"], "No such command 'bogus'", 2),  # usage errors exit 2
    (["numbers", "list", "--bogus"], "No such option '--bogus'", 2),
    (["--db", "mysql://x/y", "companies", "list"], "unsupported database URL", 1),
    (["--db", "postgresql://127.0.0.1:1/test", "companies", "list"], "cannot reach", 1),
    (["--db", "sqlite:////proc/corptui-nope/x.db", "companies", "list"], "no such folder", 1),
])
def test_bad_input_is_one_line_exit_1(args, message, code):
    result = run(*args)
    assert result.exit_code == code
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output + result.stderr


def test_not_a_database_is_refused_and_untouched(tmp_path):
    path = tmp_path / "x.db"
    path.write_text("not a database\n")
    result = run("--db", f"sqlite:///{path}", "numbers", "list")
    assert result.exit_code == 1 and "not a corptui database" in result.stderr
    assert path.read_text() == "not a database\n"
    assert not (tmp_path / "x.db-wal").exists() or (tmp_path / "x.db-wal").stat().st_size == 0


def test_db_upgrade_and_check(db_url):
    result = run("db", "upgrade")
    assert result.exit_code == 0 and "created schema version" in result.output
    assert "schema is current" in run("db", "upgrade").output
    result = run("db", "check")
    assert result.exit_code == 0 and f"schema version {SCHEMA_VERSION}" in result.output and "ok" in result.output


def test_db_check_fails_on_newer_schema(db):
    from storage.db import database

    database.execute_sql("INSERT INTO schema_version (version, applied_at, note) "
                         "VALUES (42, '2026-01-01 00:00:00', 'x')")
    result = run("db", "check")
    assert result.exit_code == 1 and "schema version 42" in result.stderr
    result = run("numbers", "list")
    assert result.exit_code == 1 and "newer than this corptui" in result.stderr


def test_companies_list_json(company):
    result = run("companies", "list", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.output)
    assert data == [
        {"name": "ИП Другой", "inn": "500100732259", "numbers": 1},
        {"name": "ООО «Ромашка»", "inn": "7707083893", "numbers": 3},
    ]
    assert "Ромашка" in run("companies", "list").output


def test_numbers_list_json_contract(company):
    result = run("numbers", "list", "--company", "ООО «Ромашка»", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.output)
    assert [r["msisdn"] for r in data] == ["79031112233", "79261234567", "79990000000"]
    assert list(data[1]) == ["msisdn", "full_name", "position", "tags", "tariff", "status", "account"]
    assert data[1]["tags"] == ["Бухгалтерия", "Москва"]
    assert data[0]["full_name"] == "[/]Смирнова" and data[0]["tags"] == []
    assert data[1]["tariff"] == "Бизнес Безлимит" and data[1]["account"] == "100200300"


def test_numbers_list_needs_company_when_several(company):
    result = run("numbers", "list")
    assert result.exit_code == 1 and "--company" in result.stderr
    result = run("numbers", "list", "--company", "Нет такой")
    assert result.exit_code == 1 and "no company named" in result.stderr


@pytest.mark.parametrize("query,expected", [
    ("926 12", ["79261234567"]), ("8926", ["79261234567"]), ("+7 (903)", ["79031112233"]),
    ("елкин", ["79261234567"]), ("ЁЛКИН", ["79261234567"]), ("курьер", ["79031112233"]),
    ("пётр бухг", ["79261234567"]), ("чужой", []),
])
def test_numbers_search_phone_and_cyrillic_name(company, query, expected):
    result = run("numbers", "list", "--company", "ООО «Ромашка»", "--search", query,
                 "--format", "json")
    assert [r["msisdn"] for r in json.loads(result.output)] == expected


def test_numbers_list_table_and_csv_and_tag_filter(company):
    table = run("numbers", "list", "--company", "ООО «Ромашка»", "--tag", "Москва")
    assert "79261234567" in table.output and "79031112233" not in table.output
    csv_out = run("numbers", "list", "--company", "ООО «Ромашка»", "--format", "csv").output
    assert csv_out.splitlines()[0] == "msisdn,full_name,position,tags,tariff,status,account"


def test_users_add_with_temporary_password_and_list(company):
    result = run("users", "add", "8 (926) 555-44-33", "--company", "ООО «Ромашка»",
                 "--role", "admin")
    assert result.exit_code == 0, result.stderr
    temp = result.output.split("temporary password: ")[1].split()[0]
    open_database()
    user = User.get(User.phone == "79265554433")
    assert user.must_change_password and user.role == "admin"
    assert verify_password(user.password_hash, temp) and temp not in user.password_hash
    close_database()
    data = json.loads(run("users", "list", "--company", "ООО «Ромашка»", "--format", "json").output)
    assert [u["phone"] for u in data] == ["79265554433"]
    again = run("users", "add", "+79265554433", "--company", "ООО «Ромашка»", "--role", "viewer")
    assert again.exit_code == 1 and "exists already" in again.stderr


def test_users_add_password_stdin_and_policy(company):
    ok = run("users", "add", "9265554434", "--company", "ООО «Ромашка»", "--role", "viewer",
             "--password-stdin", input="correct horse\n")
    assert ok.exit_code == 0 and "temporary" not in ok.output
    short = run("users", "add", "9265554435", "--company", "ООО «Ромашка»", "--role", "viewer",
                "--password-stdin", input="short\n")
    assert short.exit_code == 1 and "at least 8 characters" in short.stderr
    bad_phone = run("users", "add", "12ab", "--company", "ООО «Ромашка»", "--role", "viewer")
    assert bad_phone.exit_code == 1 and "not a phone number" in bad_phone.stderr


def test_a_group_loaded_lazily_has_every_subcommand_of_an_eager_load():
    # `tags budget` is added to the tags group by another module: loading `tags` alone
    # lost it ("No such command 'budget'"); a subprocess so that nothing is loaded yet
    import subprocess
    import sys

    code = ("import click, importlib, pkgutil, sys\n"
            "from corptui import cli\n"
            "ctx = click.Context(cli.main)\n"
            "lazy = {}\n"
            "for name in cli.COMMANDS:\n"
            "    cmd = cli.main.get_command(ctx, name)\n"
            "    lazy[name] = sorted(getattr(cmd, 'commands', {}))\n"
            "for m in pkgutil.iter_modules(cli.__path__):\n"
            "    importlib.import_module('corptui.cli.' + m.name)\n"
            "eager = {n: sorted(getattr(cli.main.commands.get(n), 'commands', {})) for n in lazy}\n"
            "print(lazy == eager)\n")
    # each group loaded in a fresh process, the first one touched alone
    for name in ("tags",):
        out = subprocess.run([sys.executable, "-c",
                              f"import click\nfrom corptui import cli\n"
                              f"cmd = cli.main.get_command(click.Context(cli.main), {name!r})\n"
                              f"print(sorted(cmd.commands))"],
                             capture_output=True, text=True, check=True).stdout
        assert "budget" in out, out
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "True"
