"""The usage feed (corptui.call_import, `corptui import calls`): CSV/XLSX with the export's
fields plus record_id (or the CSV export's own headers), streamed in one transaction,
idempotent by record id, line errors, numbers of other companies refused like unknown
ones, affected months rated again; a kill -9 mid-import leaves the old state."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from access_data import build, session_of
from click.testing import CliRunner

from corptui import call_import, i18n
from corptui.cli import main
from corptui.errors import Conflict, PermissionDenied, ValidationError
from corptui.rating import billing, plans
from corptui.session import Session
from storage.models import AuditEntry, BillingMonth, CallRecord, Charge, Subscriber, Tariff

BLNS = Path(__file__).parent / "data" / "blns" / "blns.txt"
ROOT = Path(__file__).resolve().parent.parent
HEADER = ("record_id,started_at,number,direction,kind,counterpart,duration_seconds,volume_kb,"
          "roaming")
D = Decimal


@pytest.fixture
def data(db):
    d = build()
    tariff = Tariff.create(code="t", name="Тест", monthly_fee=D("100.00"),
                           rates=plans.validate({"minute": {"mobile": 200}}))
    Subscriber.update(tariff=tariff).execute()
    d["session"] = Session.system(d["company"].id, "test")
    return d


def csv_of(*rows, header=HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


GOOD = [
    "r1,2026-10-05T10:00:00+03:00,79261234567,out,voice,79161234567,125,0,false",
    "r2,2026-10-05T11:00:00+00:00,+7 903 111-22-33,in,voice,79161234567,60,0,no",
    "r3,2026-10-06 12:00:00,89261234567,out,sms,79161234567,0,0,",
    "r4,2026-11-01T00:10:00+00:00,79261234567,out,data,internet,0,2048,yes",
]


def records():
    return sorted(CallRecord.select(CallRecord.record_id, CallRecord.started_at,
                                    CallRecord.direction, CallRecord.kind,
                                    CallRecord.duration_seconds, CallRecord.volume_kb,
                                    CallRecord.roaming).tuples())


def test_a_csv_in_the_export_fields_is_imported_and_rated(data):
    s = data["session"]
    res = call_import.apply(s, csv_of(*GOOD), tz=dt.UTC)
    assert (res.lines, res.inserted, res.skipped, res.error_count) == (4, 4, 0, 0)
    got = {r[0]: r for r in records()}
    assert got["r1"][1] == dt.datetime(2026, 10, 5, 7, 0, tzinfo=dt.UTC)  # the offset
    assert got["r3"][1] == dt.datetime(2026, 10, 6, 12, 0, tzinfo=dt.UTC)  # no offset: tz
    assert got["r4"][3] == "data" and got["r4"][5] == 2048 and got["r4"][6] is True
    # the months the records fall in are rated again: 3 minutes out at 2.00 on October
    assert res.months == [dt.date(2026, 10, 1), dt.date(2026, 11, 1)]
    sub = data["subs"][0]
    calls = Charge.get((Charge.subscriber == sub.id) & (Charge.kind == "calls")
                       & (Charge.period == dt.date(2026, 10, 1)))
    assert calls.amount == D("6.00")
    assert CallRecord.get(CallRecord.record_id == "r1").cost == D("6.00")
    entry = AuditEntry.get(AuditEntry.action == "import.calls")
    assert entry.after["sha256"] == res.digest and entry.after["inserted"] == 4


def test_a_file_imported_twice_adds_nothing(data):
    s = data["session"]
    call_import.apply(s, csv_of(*GOOD))
    before = records()
    again = call_import.apply(s, csv_of(*GOOD))
    assert (again.inserted, again.skipped, again.months) == (0, 4, [])
    assert records() == before
    # a record id repeated within one file counts once
    res = call_import.apply(s, csv_of(GOOD[0].replace("r1", "r9"), GOOD[0].replace("r1", "r9")))
    assert (res.inserted, res.skipped) == (1, 1)


def test_the_csv_export_reads_back_and_adds_nothing_to_its_own_database(data, tmp_path):
    from corptui import calls

    s = data["session"]
    call_import.apply(s, csv_of(*GOOD))
    out = tmp_path / "calls.csv"
    calls.export(s, calls.CallFilter(), "csv", str(out))
    before = records()
    res = call_import.apply(s, str(out))
    assert res.lines == 4 and res.inserted == 0 and records() == before
    xlsx = tmp_path / "calls.xlsx"
    calls.export(s, calls.CallFilter(), "xlsx", str(xlsx))
    res = call_import.apply(s, str(xlsx))
    assert res.encoding == "xlsx" and res.lines == 4 and res.inserted == 0


def test_an_export_imports_into_another_database(data, tmp_path, db_url):
    """The human headers (English or Russian) with no record ids: each record gets one of
    its content, so the file still imports once."""
    s = data["session"]
    ru = ";".join(i18n.catalog("ru").gettext(t) for t in (
        "Date and time", "Number", "Direction", "Kind", "Counterpart", "Duration, s",
        "Data, KB", "Roaming", "Cost"))
    assert "Дата и время" in ru
    text = csv_of("05.10.2026 10:00:00;79261234567;out;voice;79161234567;60;0;нет;1,00",
                  "2026-10-05 10:05:00;79261234567;out;sms;79161234567;0;0;нет;2,50",
                  header=ru)
    res = call_import.apply(s, text, tz=dt.UTC)
    assert (res.inserted, res.error_count) == (2, 0)
    assert all(r[0].startswith("h:") for r in records())
    assert call_import.apply(s, text, tz=dt.UTC).inserted == 0


BAD = [
    ("r1,2026-13-05T10:00:00,79261234567,out,voice,x,1,0,no", "started_at"),
    ("r1,2026-10-05T10:00:00,79160000001,out,voice,x,1,0,no", "no such number"),  # other co.
    ("r1,2026-10-05T10:00:00,79160000099,out,voice,x,1,0,no", "no such number"),  # nobody's
    ("r1,2026-10-05T10:00:00,12,out,voice,x,1,0,no", "number"),
    ("r1,2026-10-05T10:00:00,79261234567,sideways,voice,x,1,0,no", "direction"),
    ("r1,2026-10-05T10:00:00,79261234567,out,fax,x,1,0,no", "kind"),
    ("r1,2026-10-05T10:00:00,79261234567,out,voice,x,-1,0,no", "duration_seconds"),
    ("r1,2026-10-05T10:00:00,79261234567,out,voice,x,1,1.5,no", "volume_kb"),
    ("r1,2026-10-05T10:00:00,79261234567,out,voice,x,1,0,maybe", "roaming"),
    ("r1,2026-10-05T10:00:00,79261234567,out,voice,\x1b[31mx,1,0,no", "control"),
    ('r1,"2026-10-05T10:00:00,79261234567,out,voice,x,1,0,no', "quote"),
    ("r1,2099-10-05T10:00:00,79261234567,out,voice,x,1,0,no", "future"),
    ("r" + "1" * 80 + ",2026-10-05T10:00:00,79261234567,out,voice,x,1,0,no", "record_id"),
]


@pytest.mark.parametrize("line, word", BAD, ids=[w for _l, w in BAD])
def test_a_bad_line_imports_nothing_and_is_named_with_its_number(data, line, word):
    s = data["session"]
    call_import.apply(s, csv_of(GOOD[0]))
    before = records()
    raw = csv_of(GOOD[1], line, GOOD[2])
    res = call_import.preview(s, raw)
    assert res.error_count == 1 and res.errors[0][0] == 3, res.errors
    assert word.casefold() in res.errors[0][2].casefold(), res.errors
    with pytest.raises(ValidationError) as err:
        call_import.apply(s, raw)
    assert "line 3" in err.value.message and "nothing" in err.value.message
    assert records() == before


def test_another_companys_number_reads_exactly_like_an_unknown_one(data):
    s = data["session"]
    theirs = call_import.preview(s, csv_of(BAD[1][0])).errors[0][2]
    nobody = call_import.preview(s, csv_of(BAD[2][0])).errors[0][2]
    assert theirs.replace("79160000001", "N") == nobody.replace("79160000099", "N")


@pytest.mark.parametrize("header, word", [
    ("record_id,started_at,number,direction", "kind"),
    ("record_id,when,number,direction,kind", "'when'"),
    ("started_at,number,number,direction,kind", "twice"),
    ("", "empty"),
])
def test_wrong_headers_are_a_line_1_error(data, header, word):
    s = data["session"]
    raw = csv_of(*([] if not header else [GOOD[0]]), header=header) if header else b"\n"
    res = call_import.preview(s, raw)
    assert res.error_count == 1 and res.errors[0][0] == 1
    assert word in res.errors[0][2], res.errors


def test_a_broken_encoding_is_a_line_error(data):
    s = data["session"]
    many = [GOOD[0].replace("r1", f"a{i}") for i in range(1500)]  # 90 KB of UTF-8 first
    raw = csv_of(*many) + "r5,2026-10-05T10:00:00,79261234567,out,voice,Пётр,1,0,no\n".encode(
        "cp1251")
    res = call_import.preview(s, raw)
    assert res.encoding == "utf-8"
    assert [(n, "encoding" in e) for n, _t, e in res.errors] == [(1502, True)]


def test_a_billed_month_is_refused(data):
    s = data["session"]
    BillingMonth.create(company=data["company"], month=dt.date(2026, 9, 1), state="billed")
    res = call_import.preview(s, csv_of(
        "r1,2026-09-30T10:00:00+00:00,79261234567,out,voice,x,1,0,no"))
    assert "2026-09" in res.errors[0][2] and "billed" in res.errors[0][2]


def test_naughty_strings_give_line_errors_and_lose_nothing(data):
    s = data["session"]
    call_import.apply(s, csv_of(GOOD[0]))
    before = records()
    lines = [ln for ln in BLNS.read_text(encoding="utf-8").splitlines()
             if ln and not ln.startswith("#")]
    rows = []
    for i, text in enumerate(lines):
        safe = text.replace(",", " ").replace('"', "'")
        rows.append(f"n{i},2026-10-05T10:00:00,79261234567,out,voice,{safe[:20]},1,0,no")
        rows.append(f"{safe[:60]},2026-10-05T10:00:00,{safe},out,voice,x,1,0,no")
    raw = csv_of(*rows)
    res = call_import.preview(s, raw)
    assert res.error_count > len(lines) // 2  # every naughty "number" at least
    assert all(n >= 2 for n, _t, _e in res.errors)
    with pytest.raises(ValidationError):
        call_import.apply(s, raw)
    assert records() == before


def test_binary_json_and_missing_files_are_refused(data, tmp_path):
    s = data["session"]
    with pytest.raises(ValidationError, match="binary"):
        call_import.preview(s, b"\x00\x01\x02\x03")
    with pytest.raises(ValidationError, match="JSON"):
        call_import.preview(s, b'[{"started_at": "x"}]')
    with pytest.raises(ValidationError, match="no such file"):
        call_import.preview(s, str(tmp_path / "none.csv"))


def test_a_file_changed_since_the_preview_is_refused(data, tmp_path):
    s = data["session"]
    path = tmp_path / "c.csv"
    path.write_bytes(csv_of(GOOD[0]))
    prev = call_import.preview(s, str(path))
    assert prev.inserted == 1 and CallRecord.select().count() == 0  # counted, rolled back
    path.write_bytes(csv_of(GOOD[0], GOOD[1]))
    with pytest.raises(Conflict):
        call_import.apply(s, prev)
    assert CallRecord.select().count() == 0


def test_a_cancel_mid_import_leaves_the_old_state(data, monkeypatch):
    from corptui.errors import Cancelled

    s = data["session"]
    monkeypatch.setattr(call_import, "CHUNK", 2)
    calls = []
    with pytest.raises(Cancelled):
        call_import.apply(s, csv_of(*GOOD), cancelled=lambda: calls.append(1) or len(calls) > 1)
    assert CallRecord.select().count() == 0


@pytest.mark.parametrize("role, allowed", [("owner", True), ("admin", True),
                                           ("accountant", False), ("viewer", False)])
def test_roles(data, role, allowed):
    s = session_of(data["users"][role])
    if allowed:
        assert call_import.apply(s, csv_of(GOOD[0])).inserted == 1
    else:
        with pytest.raises(PermissionDenied):
            call_import.apply(s, csv_of(GOOD[0]))
        assert CallRecord.select().count() == 0


def test_cli_lists_line_errors_and_exits_1(data, tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(csv_of(GOOD[0], BAD[4][0]))
    res = CliRunner().invoke(main, ["import", "calls", str(path), "--company", "7707083893"])
    assert res.exit_code == 1 and "direction" in res.output and "3" in res.output
    assert CallRecord.select().count() == 0
    path.write_bytes(csv_of(*GOOD))
    res = CliRunner().invoke(main, ["import", "calls", str(path), "--company", "7707083893",
                                    "--format", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["inserted"] == 4


def test_kill_9_mid_import_leaves_the_old_state(db_url, data, tmp_path):
    """A real process killed (SIGKILL) after it has written records inside its
    transaction: the database has exactly what it had before."""
    s = data["session"]
    call_import.apply(s, csv_of(GOOD[0]))
    before = records()
    path = tmp_path / "big.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(HEADER + "\n")
        for i in range(60_000):
            fh.write(f"k{i},2026-10-{1 + i % 28:02d}T10:{i % 60:02d}:00+00:00,79261234567,"
                     f"out,voice,79161234567,{i % 300},0,no\n")
    env = {**os.environ, "CORPTUI_DB": db_url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "corptui", "import", "calls", str(path), "--company",
         "7707083893", "--progress"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True)
    reports = 0
    for line in proc.stderr:
        if "bytes read" in line:
            reports += 1
            if reports == 3:  # 10,000 records written in the open transaction
                os.kill(proc.pid, signal.SIGKILL)
                break
    proc.wait(30)
    assert proc.returncode == -signal.SIGKILL and reports == 3
    from corptui.database import close_database, open_database

    close_database()
    open_database(db_url)
    assert records() == before
    from storage import schema

    assert schema.check() == []
