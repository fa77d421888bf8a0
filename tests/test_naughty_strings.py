"""The public Big List of Naughty Strings (tests/data/blns/, MIT, its LICENSE beside it)
through every CLI entry point that takes text, a number or an id (issue 17): no
traceback or internal error anywhere, exit codes 0/1/2 only, and every accepted value
reads back byte for byte, or changed only as the user-text rule documents (trimmed,
whitespace runs as one space: corptui/usertext.py).

Run in-process with click's CliRunner, one database per entry point (the database is
opened once, not per call). SQLite takes every string in the round-trip tests and a
third of them at each crash-only door (a different third at the next door); the
PostgreSQL half (marked ``pg``) takes an eighth of that, so the suite stays fast."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ENGINES
from numbers_core_data import PEOPLE, build

from corptui import database as database_module
from corptui.cli import main

BLNS = Path(__file__).parent / "data" / "blns" / "blns.txt"
STRINGS = [line for line in BLNS.read_text(encoding="utf-8").split("\n")
           if line and not line.startswith("#")]
CO = "--company=ООО «Ромашка»"
NUMBER = PEOPLE[0][0]


def _strings(engine: str, offset: int = 0, every: int = 1) -> list[str]:
    """The strings for one test: all of them on SQLite (every ``every``-th from
    ``offset`` for a door that only must not crash), an eighth of that on PostgreSQL."""
    step = every * (1 if engine == "sqlite" else 8)
    return STRINGS[offset % step::step]


def one_line(text: str) -> str:
    """What the user-text rule keeps of an accepted single-line value."""
    return " ".join(text.strip(" \t\r\n\u00a0\u3000").split())


@pytest.fixture(params=[pytest.param(e, marks=[pytest.mark.pg] if e == "pg" else [])
                        for e in ENGINES])
def shared(request, tmp_path, monkeypatch):
    """One database for the whole entry point, opened once."""
    from conftest import make_url

    url = make_url(request.param, tmp_path, "blns")
    monkeypatch.setenv("CORPTUI_DB", url)
    monkeypatch.setenv("CORPTUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CORPTUI_CONFIG_DIR", str(tmp_path / "config"))
    database_module.open_database(url)
    data = build()
    opened = database_module.open_database
    monkeypatch.setattr(database_module, "open_database", lambda *a, **k: None)
    monkeypatch.setattr(database_module, "close_database", lambda: None)
    yield request.param, data
    monkeypatch.undo()
    database_module.close_database()
    del opened


def invoke(args, stdin=None):
    result = CliRunner().invoke(main, args, input=stdin)
    out = result.output
    assert "Traceback" not in out and "internal error" not in out, (args, out)
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, out, result.exception)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError((args, repr(result.exception)))
    return result


def _json(args) -> list:
    res = invoke([*args, "--format", "json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


# -- entry points: each takes the string where a user puts text, a number or an id --------

TEXT_DOORS = {
    "numbers list --search": lambda s: ["numbers", "list", f"--search={s}", CO],
    "numbers list --tag": lambda s: ["numbers", "list", f"--tag={s}", CO],
    "numbers list --view": lambda s: ["numbers", "list", f"--view={s}", CO],
    "--company": lambda s: ["tags", "list", f"--company={s}"],
    "audit list --user": lambda s: ["audit", "list", f"--user={s}", CO],
    "audit list --object --from": lambda s: ["audit", "list", f"--object={s}", f"--from={s}", CO],
    "export --numbers --account": lambda s: ["export", "payments", f"--numbers={s}",
                                              "-o", "-", "--format", "json", CO],
    "export --account": lambda s: ["export", "charges", f"--account={s}", "-o", "-",
                                   "--format", "json", CO],
    "export --from --min --type": lambda s: ["export", "calls", f"--from={s}", f"--min={s}",
                                             f"--type={s}", "-o", "-", "--format", "csv", CO],
    "export --sep": lambda s: ["export", "payments", f"--sep={s}", "-o", "-", CO],
    "tags assign (numbers)": lambda s: ["tags", "assign", "Drivers", CO, "--", s],
    "tags assign (tag)": lambda s: ["tags", "assign", CO, "--", s, NUMBER],
    "limits show": lambda s: ["limits", "show", CO, "--", s],
    "limits set --amount --notify": lambda s: ["limits", "set", NUMBER, f"--amount={s}",
                                               f"--notify={s}", "--dry-run", CO],
    "forwarding list": lambda s: ["forwarding", "list", CO, "--", s],
    "forwarding set --target --delay": lambda s: ["forwarding", "set", NUMBER,
                                                  "--condition=no_answer", f"--target={s}",
                                                  f"--delay={s}", "--dry-run", CO],
    "options check (option)": lambda s: ["options", "check", CO, "--", s, NUMBER],
    "options connect --from": lambda s: ["options", "connect", "NOSUCH", NUMBER,
                                         f"--from={s}", CO],
    "sims replace --iccid": lambda s: ["sims", "replace", NUMBER, f"--iccid={s}",
                                       "--puk-stdin", CO],
    "documents order --numbers --from": lambda s: [
        "documents", "order", "reconciliation", f"--numbers={s}", f"--from={s}",
        "--to=2026-01-31", CO],
    "documents order --email --sms": lambda s: [
        "documents", "order", "reconciliation", "--from=2026-01-01", "--to=2026-01-31",
        f"--email={s}", f"--sms={s}", CO],
    "schedules add --time --email": lambda s: ["schedules", "add", "reconciliation",
                                               f"--time={s}", f"--email={s}", CO],
    "insights blame": lambda s: ["insights", "blame", CO, "--", s, s],
    "insights unused --days --as-of": lambda s: ["insights", "unused", f"--days={s}",
                                                 f"--as-of={s}", CO],
    "disputes open (charge id)": lambda s: ["disputes", "open", f"--reason={s}", CO, "--", s],
    "disputes review (id)": lambda s: ["disputes", "review", CO, "--", s],
    "applications approve (id)": lambda s: ["applications", "approve", "--", s],
    "change-requests cancel (reference)": lambda s: ["change-requests", "cancel", CO, "--", s],
    "users block (phone)": lambda s: ["users", "block", CO, "--", s],
    "users reset-password (phone)": lambda s: ["users", "reset-password", CO, "--", s],
    "documents delete (id)": lambda s: ["documents", "delete", CO, "--", s],
    "outbox retry (id)": lambda s: ["outbox", "retry", "--", s],
}


@pytest.mark.parametrize("door", sorted(TEXT_DOORS))
def test_no_traceback_through_any_door(shared, door):
    """Each door takes a third of the strings (a different third for the next door: every
    string goes through about a third of the doors, and every door sees every kind)."""
    engine, _data = shared
    for s in _strings(engine, sorted(TEXT_DOORS).index(door), every=3):
        invoke(TEXT_DOORS[door](s), stdin="12345678\n")


def test_tag_names_round_trip(shared):
    engine, _data = shared
    expected = []  # what the list must hold at the end (one listing: the list grows to 500)
    for i, s in enumerate(_strings(engine)):
        name = f"{i} {s}"[:60]
        res = invoke(["tags", "create", CO, "--", name])
        if res.exit_code == 0:
            # the rename finds the tag by the name as stored (one_line of what was typed)
            renamed = invoke(["tags", "rename", CO, "--", one_line(name), f"r{i} {s}"[:60]])
            assert "Traceback" not in renamed.output and "internal error" not in renamed.output
            expected.append(one_line(f"r{i} {s}"[:60]) if renamed.exit_code == 0
                            else one_line(name))
    listed = {t["name"] for t in _json(["tags", "list", CO])}
    assert expected and not [n for n in expected if n not in listed]


def test_user_names_and_passwords_round_trip(shared):
    engine, _data = shared
    expected = {}  # phone -> the name as stored; one listing at the end
    for i, s in enumerate(_strings(engine)):
        phone = f"7926{i:07d}"
        res = invoke(["users", "add", phone, "--role=viewer", f"--name={s}", "--password-stdin",
                      CO], stdin=f"{s}\n")
        if res.exit_code == 0:
            expected[phone] = one_line(s)
    users = {u["phone"]: u["full_name"] for u in _json(["users", "list", CO])}
    assert expected and {p: users.get(p) for p in expected} == expected


def test_change_request_texts_round_trip(shared):
    engine, _data = shared
    expected = []  # the desired texts as stored, in order; one listing at the end
    for s in _strings(engine):
        res = invoke(["change-requests", "create", NUMBER, f"--desired={s}", f"--comment={s}",
                      "--contact=ops@example.com", CO])
        if res.exit_code == 0:
            expected.append(one_line(s))
    listed = _json(["change-requests", "list", CO])  # newest first
    assert expected and [r["desired"] for r in listed[:len(expected)]][::-1] == expected


def test_import_names_round_trip(shared, tmp_path):
    """Each string as an employee name in an import file: an accepted line is stored as
    written (the rule's whitespace change only), a refused one is a line error."""
    engine, data = shared
    numbers = [m for m, _n, _p in PEOPLE]
    strings = [s for s in _strings(engine) if "\n" not in s and "\r" not in s]
    path = tmp_path / "names.csv"
    for first in range(0, len(strings), len(numbers)):
        chunk = strings[first:first + len(numbers)]
        lines = ['"{}";"{}"'.format(m, s.replace('"', '""')) for m, s in zip(numbers, chunk, strict=False)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        res = invoke(["import", "employees", str(path), "--skip-errors", "--format=json", CO])
        if res.exit_code != 0:
            continue
        report = json.loads(res.stdout)
        bad = {e["line"] for e in report["errors"]}
        stored = {r["msisdn"]: r["full_name"] for r in _json(["numbers", "list", CO])}
        for line, (msisdn, s) in enumerate(zip(numbers, chunk, strict=False), 1):
            if line not in bad:
                assert stored[msisdn] == one_line(s), (s, stored[msisdn])
