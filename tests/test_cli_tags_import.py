"""`corptui tags ...` and `corptui import employees` through click, on both engines."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import run_cli
from conftest import run_cli as run
from numbers_core_data import build

from corptui.database import close_database, open_database
from storage.models import AuditEntry, Subscriber, SubscriberTag, Tag

DATA = Path(__file__).parent / "data" / "import"
CO = ("--company", "ООО «Ромашка»")


@pytest.fixture
def data(db):
    out = build()
    out["ids"] = {s.msisdn: s.id for s in out["subs"]}
    close_database()
    yield out
    open_database(db)


def tagged(db_url, name) -> set[str]:
    open_database(db_url)
    try:
        return {r[0] for r in Subscriber.select(Subscriber.msisdn).join(SubscriberTag)
                .join(Tag).where(Tag.name == name).tuples()}
    finally:
        close_database()


def names(db_url) -> dict[str, str]:
    open_database(db_url)
    try:
        return dict(Subscriber.select(Subscriber.msisdn, Subscriber.full_name).tuples())
    finally:
        close_database()


def test_tags_list_formats(data):
    res = run("tags", "list", *CO, "--format", "json")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout) == [
        {"name": "Drivers", "color": "red", "numbers": 1},
        {"name": "Продажи", "color": "green", "numbers": 2},
    ]
    res = run("tags", "list", *CO, "--format", "csv")
    assert list(csv.reader(io.StringIO(res.stdout))) == [
        ["name", "color", "numbers"], ["Drivers", "red", "1"], ["Продажи", "green", "2"]]
    res = run("tags", "list", *CO)
    assert "Продажи" in res.stdout and "Чужой тег" not in res.stdout


def test_tags_create_and_duplicate(data):
    res = run("tags", "create", "  Склад ", "--color", "cyan", *CO)
    assert res.exit_code == 0, res.stderr
    assert "Склад" in res.stdout
    res = run("tags", "create", "склад", *CO)
    assert res.exit_code == 1
    assert "a tag named Склад exists" in res.stderr
    res = run("tags", "list", *CO, "--format", "json")
    assert {"name": "Склад", "color": "cyan", "numbers": 0} in json.loads(res.stdout)


def test_tags_assign_from_args_file_and_stdin(data, db, tmp_path):
    res = run("tags", "assign", "Drivers", "+7 926 123-45-67", "8 (903) 111-22-33", *CO)
    assert res.exit_code == 0, res.stderr
    assert "added to 2 of 2" in res.stdout
    assert tagged(db, "Drivers") == {"79261234567", "79261234568", "79031112233"}

    listing = tmp_path / "numbers.txt"
    listing.write_text("+7 999 000-00-00\n\n89161110000\n79261234567\n", encoding="utf-8")
    res = run("tags", "assign", "drivers", "--file", str(listing), *CO)
    assert res.exit_code == 0, res.stderr
    assert "added to 2 of 3" in res.stdout and "1 already had it" in res.stdout

    res = run("tags", "assign", "Drivers", "--remove", "-", *CO,
              input="79261234567\n79261234568\n")
    assert res.exit_code == 0, res.stderr
    assert "removed from 2 of 2" in res.stdout
    assert tagged(db, "Drivers") == {"79031112233", "79990000000", "79161110000"}


def test_tags_assign_errors_change_nothing(data, db):
    before = tagged(db, "Продажи")
    res = run("tags", "assign", "Продажи", "79031112233", "79160000001", *CO)
    assert res.exit_code == 1
    assert "no number +7 916 000-00-01 in this company" in res.stderr
    assert tagged(db, "Продажи") == before
    res = run("tags", "assign", "No such", "79031112233", *CO)
    assert res.exit_code == 1
    assert "no tag No such" in res.stderr
    res = run("tags", "assign", "Продажи", "not-a-number", *CO)
    assert res.exit_code == 1
    res = run("tags", "assign", "Продажи", *CO)
    assert res.exit_code == 1
    assert tagged(db, "Продажи") == before


def test_tags_delete_in_use_needs_yes(data, db):
    res = run("tags", "delete", "Продажи", *CO)
    assert res.exit_code == 1
    assert "on 2 number(s)" in res.stderr
    res = run("tags", "delete", "Продажи", "--yes", *CO)
    assert res.exit_code == 0, res.stderr
    assert "it was on 2" in res.stdout
    assert tagged(db, "Продажи") == set()


def test_import_json_report_and_apply(data, db):
    res = run("import", "employees", str(DATA / "cp1251.csv"), *CO, "--format", "json")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout) == {"total": 3, "updated": 2, "unchanged": 1, "errors": []}
    assert names(db)["79031112233"] == "Ёлкин Пётр Ильич"
    open_database(db)
    try:
        assert AuditEntry.select().where(AuditEntry.action == "employee.import").count() == 2
        summary = AuditEntry.get(AuditEntry.action == "import.employees")
        assert summary.source.startswith("cli import employees")
    finally:
        close_database()


def test_import_with_errors_applies_nothing_and_exits_1(data, db):
    before = names(db)
    res = run("import", "employees", str(DATA / "errors.csv"), *CO, "--format", "json")
    assert res.exit_code == 1
    report = json.loads(res.stdout)
    assert list(report) == ["total", "updated", "unchanged", "errors"]
    assert (report["total"], report["updated"], report["unchanged"]) == (7, 1, 1)
    assert [set(e) for e in report["errors"]] == [{"line", "text", "error"}] * 5
    assert [e["line"] for e in report["errors"]] == [2, 3, 4, 5, 6]
    assert names(db) == before

    res = run("import", "employees", str(DATA / "errors.csv"), *CO)
    assert res.exit_code == 1
    assert "nothing applied" in res.stdout and "Плохой Номер" in res.stdout

    res = run("import", "employees", str(DATA / "errors.csv"), *CO, "--skip-errors",
              "--format", "json")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["updated"] == 1
    open_database(db)
    try:
        assert Subscriber.get(Subscriber.msisdn == "79261234567").position == "Ведущий инженер"
    finally:
        close_database()


def test_import_dry_run_changes_nothing(data, db):
    before = names(db)
    res = run("import", "employees", str(DATA / "mixed_formats.csv"), *CO, "--dry-run")
    assert res.exit_code == 0, res.stderr
    assert "2 to update" in res.stdout and "dry run" in res.stdout
    assert names(db) == before


def test_import_refuses_binary_and_missing_files(data, tmp_path):
    res = run("import", "employees", str(DATA / "binary.bin"), *CO)
    assert res.exit_code == 1
    assert "not a text file" in res.stderr
    res = run("import", "employees", str(tmp_path / "gone.csv"), *CO)
    assert res.exit_code == 1
    assert "no such file" in res.stderr


@pytest.fixture
def russian(monkeypatch):
    """The CLI in Russian from the environment; English again for the next tests."""
    from corptui import i18n

    monkeypatch.setenv("CORPTUI_LANG", "ru")
    yield
    monkeypatch.delenv("CORPTUI_LANG")
    i18n.set_language("en")


def test_cli_speaks_russian_from_the_environment(data, russian):
    res = run("tags", "list", *CO)
    assert res.exit_code == 0, res.stderr
    header = res.stdout.splitlines()[0]
    assert "название" in header and "цвет" in header and "номера" in header, header
    assert "name" not in header and "color" not in header
    # CSV and JSON keep the keys for scripts
    res = run("tags", "list", *CO, "--format", "csv")
    assert res.stdout.splitlines()[0] == "name,color,numbers"
    res = run("tags", "create", "Склад", "--color", "cyan", *CO)
    assert res.exit_code == 0, res.stderr
    assert res.stdout.strip() == "создан тег Склад (cyan)"
    res = run("tags", "assign", "Drivers", "+7 926 123-45-67", *CO)
    assert res.exit_code == 0, res.stderr
    assert res.stdout.startswith("тег Drivers: добавлен к 1 из 1"), res.stdout
    # a use case's error and the prefix of the error line
    res = run("tags", "create", "склад", *CO)
    assert res.exit_code == 1
    assert res.stderr.startswith("Ошибка: ") and "Склад" in res.stderr, res.stderr
    assert not any(w in res.stderr for w in ("Error", "exists", "tag named")), res.stderr


def test_cli_commands_speak_russian(data, russian, tmp_path):
    """Messages of other command files in Russian: whole sentences with the counts in the
    right form; the errors too. English is the default (next test)."""
    seen = []

    def run(*args, **kwargs):
        res = run_cli(*args, **kwargs)
        seen.append(res.stdout + res.stderr)
        return res

    # limits: a summary (genitive after «из»: 1 номера, 2 номеров) and a usage error
    res = run("limits", "set", "79261234567", "--amount", "1000", "--dry-run", *CO)
    assert res.exit_code == 0, res.stderr
    assert res.stdout.strip() == "изменились бы лимиты 1 из 1 номера", res.stdout
    res = run("limits", "set", "79261234567", "79261234568", "--amount", "1000", *CO)
    assert res.exit_code == 0, res.stderr
    assert res.stdout.strip() == "лимиты установлены: изменено 2 из 2 номеров", res.stdout
    res = run("limits", "set", "79261234567", *CO)
    assert res.exit_code == 1
    assert res.stderr.startswith("Ошибка: нечего устанавливать: укажите --amount"), res.stderr
    # users: the temporary password lines, block twice
    res = run("users", "add", "+7 916 555-00-11", "--role", "viewer", *CO)
    assert res.exit_code == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0].startswith("добавлен пользователь ") and lines[0].endswith("(viewer)")
    assert lines[1].startswith("временный пароль: ") and len(lines[1]) > len("временный пароль: ")
    assert lines[2] == "его нужно сменить при первом входе"
    res = run("users", "block", "79165550011", *CO)
    assert res.exit_code == 0, res.stderr
    assert res.stdout.strip().endswith(" заблокирован"), res.stdout
    res = run("users", "block", "79165550011", *CO)
    assert res.stdout.strip().endswith(" уже был заблокирован"), res.stdout
    # documents: order (the type label in Russian), delete, a use case's error
    res = run("documents", "order", "reconciliation", "--account", "100200300",
              "--from", "2026-01-01", "--to", "2026-01-31", *CO)
    assert res.exit_code == 0, res.stderr
    out = res.stdout.strip()
    assert out.startswith("документ ") and "поставлен в очередь (Акт сверки, pdf)" in out, out
    doc_id = out.split()[1]
    res = run("documents", "delete", doc_id, *CO)
    assert res.exit_code == 0, res.stderr
    assert res.stdout.strip() == f"документ {doc_id} удалён"
    res = run("documents", "order", "reconciliation", "--account", "100200300",
              "--from", "2026-01-01", "--to", "2026-01-31", "--password-stdin", *CO, input="\n")
    assert res.exit_code == 1
    assert res.stderr.startswith("Ошибка: --password-stdin: на стандартном вводе нет пароля")
    # money: an option error and the export summary
    res = run("export", "payments", *CO, "--sep", "|", "-o", str(tmp_path / "p.csv"))
    assert res.exit_code == 1
    assert res.stderr.startswith("Ошибка: --sep: используйте ',', ';' или tab, а не '|'"), \
        res.stderr
    res = run("export", "payments", *CO, "-o", str(tmp_path / "p.csv"))
    assert res.exit_code == 0, res.stderr
    assert res.stdout.strip() == f"платежи: 0 строк записано в {tmp_path / 'p.csv'}"
    res = run("export", "charges", *CO, "--type", "nope", "-o", str(tmp_path / "c.csv"))
    assert res.exit_code == 1
    assert "неизвестный вид начисления 'nope'" in res.stderr, res.stderr
    # nothing English left in these outputs
    for word in ("number(s)", "queued", "rows written", "Error", "temporary", "blocked"):
        assert not any(word in text for text in seen), word


def test_cli_messages_stay_english_by_default(data, tmp_path):
    res = run("limits", "set", "79261234567", "79261234568", "--amount", "1000", *CO)
    assert res.stdout.strip() == "limits set: 2 of 2 number(s) changed", res.stdout
    res = run("export", "payments", *CO, "-o", str(tmp_path / "p.csv"))
    assert res.stdout.strip() == f"payments: 0 rows written to {tmp_path / 'p.csv'}"
    res = run("users", "add", "+7 916 555-00-11", "--role", "viewer", *CO)
    assert res.stdout.splitlines()[2] == "it must be changed at first login"
    res = run("export", "charges", *CO, "--type", "nope", "-o", str(tmp_path / "c.csv"))
    assert res.stderr.startswith("Error: --type: unknown charge kind 'nope' (use "), res.stderr
