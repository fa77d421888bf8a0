"""Spend per tag per month against budgets (corptui.spend), on both engines, and the CLI."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from conftest import run_cli
from numbers_core_data import build

from corptui import spend
from corptui.errors import PermissionDenied, ValidationError
from storage.models import AuditEntry, Charge, Tag

SEP, OCT = dt.date(2026, 9, 1), dt.date(2026, 10, 1)


def _charge(d, sub, period, amount, kind="calls", company=None, account=None):
    Charge.create(company=company or d["company"], account=account or d["account"],
                  subscriber=sub, kind=kind, period=period, amount=amount)


@pytest.fixture
def data(db):
    d = build()
    s = d["subs"]
    # Продажи: subs 0 and 1; Drivers: sub 1 (also in Продажи); subs 2-4 untagged
    _charge(d, s[0], SEP, "100.00")
    _charge(d, s[0], OCT, "150.00")
    _charge(d, s[0], OCT, "50.00", "subscription")
    _charge(d, s[1], SEP, "300.00")
    _charge(d, s[1], OCT, "240.00")
    _charge(d, s[2], OCT, "10.00")
    _charge(d, None, OCT, "999.00", "one_off")  # the account's own line: no number
    _charge(d, d["osub"], OCT, "5000.00", company=d["other"], account=d["osub"].account)
    return d


def _row(r, name):
    return next(x for x in r["rows"] if x["name"] == name)


def test_spend_per_tag_counts_shared_numbers_in_each(data):
    r = spend.by_tag(data["session"], "2026-10", history=2)
    assert r["month"] == OCT and r["months"] == [SEP, OCT]
    sales, drivers = _row(r, "Продажи"), _row(r, "Drivers")
    assert sales["current"] == Decimal("440.00") and sales["previous"] == Decimal("400.00")
    assert drivers["current"] == Decimal("240.00") and drivers["previous"] == Decimal("300.00")
    assert sales["growth"] == Decimal("10.0") and drivers["growth"] == Decimal("-20.0")
    assert (sales["numbers"], sales["shared"], drivers["numbers"], drivers["shared"]) == (2, 1, 1, 1)
    untagged = r["rows"][-1]
    assert untagged["tag_id"] is None and untagged["current"] == Decimal("10.00")
    # the company's numbers: 450 (tagged) + 10; the account line is not a number's spend
    assert r["total"][OCT] == Decimal("450.00")
    assert r["shared_numbers"] == 1 and r["overlap"] == Decimal("240.00")
    assert "Чужой тег" not in {x["name"] for x in r["rows"]}  # the other company's tag


def test_budget_against_actual_and_audit(data):
    s = data["session"]
    done = spend.set_budget(s, "продажи", "400")
    assert done["changed"] and done["budget"] == Decimal("400.00")
    r = spend.by_tag(s, OCT)
    sales = _row(r, "Продажи")
    assert sales["budget"] == Decimal("400.00") and sales["use"] == Decimal("110.0")
    assert sales["over"] is True and _row(r, "Drivers")["over"] is False
    entry = AuditEntry.get(AuditEntry.action == "tags.budget")
    assert entry.before["budget"] is None and entry.after["budget"] == "400.00"
    assert spend.set_budget(s, "Продажи", "400,00")["changed"] is False
    spend.set_budget(s, "Продажи", "")
    assert Tag.get_by_id(data["sales"].id).budget is None


@pytest.mark.parametrize("bad", ["-5", "0", "abc", "NaN", "1e30", "1" * 14, 1.5])
def test_bad_budgets_are_field_errors(data, bad):
    with pytest.raises(ValidationError) as err:
        spend.set_budget(data["session"], "Продажи", bad)
    assert err.value.field == "budget"
    assert Tag.get_by_id(data["sales"].id).budget is None


def test_budget_needs_the_role_and_stays_in_the_company(data):
    with pytest.raises(PermissionDenied):
        spend.set_budget(data["viewer"], "Продажи", "100")
    from corptui.errors import NotFound

    with pytest.raises(NotFound):
        spend.set_budget(data["session"], "Чужой тег", "100")


def test_no_charges_no_rows(db):
    d = build()
    r = spend.by_tag(d["session"])
    assert r["month"] is None and r["rows"] == []


def test_export_csv_and_xlsx(data, tmp_path):
    s = data["session"]
    out = spend.export_by_tag(s, "csv", str(tmp_path / "t.csv"), "2026-10")
    text = (tmp_path / "t.csv").read_text(encoding="utf-8-sig")
    assert out.rows == 4 and "Продажи" in text and "440.00" in text and "Company total" in text
    spend.export_by_tag(s, "xlsx", str(tmp_path / "t.xlsx"), "2026-10")
    import openpyxl

    ws = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    values = [c for row in ws.iter_rows(values_only=True) for c in row]
    assert "Продажи" in values and 440 in values


def test_cli_spend_tags_json_and_budget(data, tmp_path):
    c = ("--company", "7707083893")
    r = run_cli("tags", "budget", "Продажи", "400", *c)
    assert r.exit_code == 0, r.output
    r = run_cli("spend", "tags", "--month", "2026-10", "--format", "json", *c)
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    sales = next(x for x in rows if x["tag"] == "Продажи")
    assert sales["spend"] == "440.00" and sales["budget"] == "400.00" and sales["over"] is True
    r = run_cli("spend", "tags", "--month", "2026-10", *c)
    assert r.exit_code == 0 and "Продажи" in r.output and "several tags" in r.output
    r = run_cli("tags", "budget", "Продажи", "-1", *c)
    assert r.exit_code != 0 and "budget" in r.output
    r = run_cli("spend", "tags", "--month", "2026-13", *c)
    assert r.exit_code != 0 and "month" in r.output
    r = run_cli("spend", "tags", "--month", "2026-10", "--export", str(tmp_path / "s.xlsx"), *c)
    assert r.exit_code == 0 and (tmp_path / "s.xlsx").exists(), r.output
    r = run_cli("spend", "tags", "--month", "2026-10", "--export", str(tmp_path / "s.xlsx"), *c)
    assert r.exit_code != 0 and "already exists" in r.output


def test_spend_by_tag_report_document_and_schedule(data):
    """The automatic report type "spend": a CSV document with the tag rows, the budget
    and the note on shared numbers; a monthly schedule of it is accepted."""
    import csv

    from corptui import documents, jobs, schedules

    s = data["session"]
    spend.set_budget(s, "Продажи", "400")
    doc = documents.order(s, "spend", [data["account"].number], [], "2026-10-01", "2026-10-31",
                          "csv", today=dt.date(2026, 11, 20))
    while jobs.run_one("test-worker", kinds=[documents.JOB_KIND]):
        pass
    row = documents.get(s, doc.id)
    assert row["state"] == "ready", row["error"]
    with open(row["file"], encoding="utf-8-sig") as fh:
        lines = list(csv.reader(fh))
    sales = next(r for r in lines if r and r[0] == "Продажи")
    assert "440.00" in sales and "400.00" in sales and "110.0" in sales
    text = "\n".join(",".join(r) for r in lines)
    assert "Month: October 2026" in text and "count in each of them" in text
    sched = schedules.create(s, "spend", accounts=[data["account"].number], fmt="xlsx",
                             period="monthly", day=2, email="boss@example.com")
    assert sched["type"] == "spend_by_tag"
