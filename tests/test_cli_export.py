"""`corptui export payments|charges|calls` and `corptui accounts list` through click."""

import csv
import io
import json
import time
from decimal import Decimal

import openpyxl
import pypdf
import pytest
from conftest import run_cli as run
from money_data import build

from corptui.database import close_database, open_database

D = Decimal
CO = ("--company", "ООО «Ромашка»")


@pytest.fixture
def data(db):
    out = build()
    close_database()
    yield out
    open_database(db)


@pytest.fixture
def moscow(monkeypatch):
    """The process's local zone is Moscow (UTC+3, no DST) for the test."""
    monkeypatch.setenv("TZ", "MSK-3")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def csv_rows(text, sep=","):
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))


def test_payments_csv_to_stdout_in_local_days(data, moscow):
    result = run("export", "payments", *CO, "--from", "01.05.2024", "--to", "2024-05-31",
                 "--format", "csv", "--output", "-", "--sep", ";")
    assert result.exit_code == 0, result.stderr
    table = csv_rows(result.stdout, ";")
    assert table[0] == ["Date", "Account", "Number", "Employee", "Amount", "Type", "Document no."]
    assert [r[6] for r in table[1:]] == ["П-2", "П-3", "П-4"]  # Moscow days, oldest first
    assert table[1][0] == "2024-05-01 00:00:00"  # written in local time
    assert sum(D(r[4].replace(",", ".")) for r in table[1:]) == D("1250.50")
    assert table[2][3] == "'=HYPERLINK(\"x\")"
    assert "3 rows" in result.stderr


def test_payments_filters_and_json_file(data, tmp_path):
    out = tmp_path / "p.json"
    result = run("export", "payments", *CO, "--type", "card", "--type", "cash", "--min", "0,01",
                 "--max", "999.99", "--numbers", "8 (926) 123-45-67,+79031112233",
                 "--output", str(out))
    assert result.exit_code == 0, result.stderr
    assert f"payments: 2 rows written to {out}" in result.stdout
    rows = json.loads(out.read_text("utf-8"))
    assert [(r["document_no"], r["amount"], r["type"]) for r in rows] == [
        ("П-1", "100.00", "card"), ("П-3", "0.01", "cash")]
    by_account = run("export", "payments", *CO, "--account", "100200400", "-o", "-",
                     "--format", "json")
    assert sum(D(r["amount"]) for r in json.loads(by_account.stdout)) == D("5969.99")


def test_xlsx_pdf_and_force(data, tmp_path):
    out = tmp_path / "charges.xlsx"
    result = run("export", "charges", *CO, "--from", "2024-05-01", "--to", "2024-05-31",
                 "--format", "xlsx", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    body = list(openpyxl.load_workbook(out).active.iter_rows(min_row=2, values_only=True))
    assert len(body) == 8 and sum(D(str(r[-1])) for r in body) == D("3819.97")
    again = run("export", "charges", *CO, "--output", str(out))
    assert again.exit_code == 1 and "already exists" in again.stderr and "--force" in again.stderr
    assert run("export", "charges", *CO, "--output", str(out), "--force").exit_code == 0
    assert len(list(openpyxl.load_workbook(out).active.iter_rows(min_row=2))) == 11
    pdf = tmp_path / "calls.pdf"
    result = run("export", "calls", *CO, "--numbers", "79261234567", "--roaming", "-o", str(pdf))
    assert result.exit_code == 0, result.stderr
    text = pypdf.PdfReader(pdf).pages[0].extract_text()
    assert "Call detail — ООО «Ромашка»" in text and "350.75" in text and "9.99" not in text


def test_calls_by_account_and_kind(data):
    result = run("export", "calls", *CO, "--account", "100200300", "--type", "voice",
                 "--direction", "out", "-o", "-", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {r["number"] for r in rows} == {"79261234567", "79031112233"}
    assert all(r["kind"] == "voice" and r["direction"] == "out" for r in rows)
    assert sum(D(r["cost"]) for r in rows) == D("56.59")


def test_empty_period_is_an_empty_export(data, tmp_path):
    out = tmp_path / "empty.csv"
    result = run("export", "payments", *CO, "--from", "2030-01-01", "--to", "2030-01-31",
                 "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert "0 rows" in result.stdout
    assert csv_rows(out.read_text("utf-8-sig")) == [
        ["Date", "Account", "Number", "Employee", "Amount", "Type", "Document no."]]


@pytest.mark.parametrize("args,message", [
    (["--from", "2024-13-01"], "--from: not a date: '2024-13-01'"),
    (["--to", "вчера"], "--to: not a date"),
    (["--from", "2024-06-01", "--to", "2024-05-01"], "--from is after --to"),
    (["--min", "-5"], "--min: the amount must not be negative"),
    (["--max", "много"], "--max: not an amount"),
    (["--min", "10", "--max", "5"], "--min is after --max"),
    (["--type", "barter"], "--type: unknown payment type 'barter'"),
    (["--numbers", "12"], "--numbers: not a valid phone number: 12"),
    (["--numbers", "79160000001"], "--numbers: no number +7 916 000-00-01 in this company"),
    (["--account", "900"], "--account: no personal account 900 in this company"),
    (["--sep", "|"], "--sep"),
])
def test_bad_options_name_the_option(data, tmp_path, args, message):
    out = tmp_path / "x.csv"
    result = run("export", "payments", *CO, *args, "--output", str(out))
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_output_errors(data, tmp_path):
    result = run("export", "payments", *CO, "-o", str(tmp_path / "none" / "x.csv"))
    assert result.exit_code == 1 and "no such folder" in result.stderr
    result = run("export", "payments", *CO, "-o", str(tmp_path / "noext"))
    assert result.exit_code == 1 and "--format" in result.stderr
    result = run("export", "payments", *CO, "-o", "-", "--format", "xlsx")
    assert result.exit_code == 1 and "standard output" in result.stderr
    result = run("export", "charges", *CO, "--type", "lottery", "-o", str(tmp_path / "c.csv"))
    assert result.exit_code == 1 and "unknown charge kind" in result.stderr


def test_accounts_list(data):
    result = run("accounts", "list", *CO, "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["number"], r["balance"], r["numbers"]) for r in rows] == [
        ("100200300", "1500.25", 2), ("100200400", "-20.00", 1)]
    assert rows[1]["last_payment_amount"] == "-30.00"
    assert rows[1]["last_payment_at"].startswith("2024-06-10T12:00:00")
    table = run("accounts", "list", *CO)
    assert table.exit_code == 0 and "Филиал" in table.stdout and "1,500.25" in table.stdout  # money as the formatter shows it
    assert run("accounts", "list").exit_code == 1  # two companies: --company needed


def test_from_and_to_take_whole_months(data):
    # the help says --from/--to select whole months: "2024-05" is May, as its days are
    by_month = run("export", "charges", *CO, "--from", "2024-05", "--to", "2024-05",
                   "--format", "csv", "-o", "-")
    by_days = run("export", "charges", *CO, "--from", "2024-05-01", "--to", "2024-05-31",
                  "--format", "csv", "-o", "-")
    assert by_month.exit_code == 0, by_month.output
    assert by_month.stdout == by_days.stdout and len(csv_rows(by_days.stdout)) == 9
    assert run("export", "payments", *CO, "--from", "05.2024", "--to", "2024-05",
               "--format", "csv", "-o", "-").exit_code == 0
