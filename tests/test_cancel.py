"""Cancelling long work through the use cases: a cancelled import preview or apply (both
engines) and a cancelled services check change nothing; progress reports counts."""

from __future__ import annotations

import pytest
from numbers_core_data import build

from corptui import importer, options
from corptui.errors import Cancelled
from storage.models import AuditEntry, Subscriber


@pytest.fixture
def data(db):
    return build(extra=30)


def _file(tmp_path, n: int):
    lines = [f"+7 977 {i:07d},Новое Имя {i},Должность {i}" for i in range(n)]
    path = tmp_path / "staff.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _snapshot():
    return (list(Subscriber.select(Subscriber.id, Subscriber.full_name, Subscriber.position,
                                   Subscriber.version).order_by(Subscriber.id).tuples()),
            AuditEntry.select().count())


def test_cancelled_apply_mid_way_rolls_everything_back(data, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "CHUNK", 7)  # 30 updates: five chunks
    session = data["session"]
    prev = importer.preview(session, _file(tmp_path, 30))
    assert prev.updated == 30
    before = _snapshot()
    reports = []

    def progress(done, total):
        reports.append((done, total))

    # the cancel comes after two chunks were written inside the transaction
    with pytest.raises(Cancelled):
        importer.apply(session, prev, progress=progress,
                       cancelled=lambda: len(reports) >= 3)
    assert reports[:3] == [(0, 30), (7, 30), (14, 30)]
    assert _snapshot() == before  # names, positions, versions and audit all as before


def test_cancel_after_the_last_chunk_still_rolls_back(data, tmp_path, monkeypatch):
    session = data["session"]
    prev = importer.preview(session, _file(tmp_path, 30))
    before = _snapshot()
    reports = []

    def progress(done, total):
        reports.append((done, total))

    with pytest.raises(Cancelled):
        importer.apply(session, prev, progress=progress,
                       cancelled=lambda: bool(reports) and reports[-1][0] == 30)
    assert reports[-1] == (30, 30)
    assert _snapshot() == before


def test_apply_without_a_cancel_still_writes(data, tmp_path):
    session = data["session"]
    prev = importer.preview(session, _file(tmp_path, 30))
    result = importer.apply(session, prev, cancelled=lambda: False)
    assert result.updated == 30
    assert Subscriber.get(Subscriber.msisdn == "79770000003").full_name == "Новое Имя 3"


def test_preview_reports_lines_and_stops_when_cancelled(data, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "PROGRESS_EVERY", 10)
    session = data["session"]
    path = _file(tmp_path, 30)
    reports = []
    prev = importer.preview(session, path, progress=lambda d, t: reports.append((d, t)))
    assert prev.total == 30
    assert reports[0] == (0, 30) and reports[-1] == (30, 30)
    assert [d for d, _t in reports] == sorted(d for d, _t in reports)
    with pytest.raises(Cancelled):
        importer.preview(session, path, cancelled=lambda: True)


def test_services_check_stops_when_cancelled(owner):
    ids = [s.id for s in Subscriber.select(Subscriber.id)
           .where(Subscriber.company == owner.company_id)]
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 2

    plan = options.Plan(tariff=None, connect=("int-calls",), disconnect=(), date_from=None,
                        date_until=None)
    with pytest.raises(Cancelled):
        options.check_plan(owner, plan, ids, chunk=5, cancelled=cancelled)
    assert len(calls) == 3
    # without a cancel the whole set is checked
    assert len(options.check_plan(owner, plan, ids, chunk=5, cancelled=lambda: False)) == len(ids)


# -- exports ------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf", "json"])
def test_cancelled_export_leaves_no_file(owner, tmp_path, monkeypatch, fmt):
    from corptui import calls, export

    monkeypatch.setattr(export, "PROGRESS_EVERY", 10)
    flt = calls.CallFilter()
    total = calls.totals(owner, flt)["count"]
    assert total > 30
    reports = []
    out = tmp_path / "out"
    out.mkdir()
    target = out / f"calls.{fmt}"
    with pytest.raises(Cancelled):
        calls.export(owner, flt, fmt, str(target), progress=lambda d, t: reports.append((d, t)),
                     cancelled=lambda: len(reports) >= 3)
    assert reports[:3] == [(0, total), (10, total), (20, total)]
    assert list(out.iterdir()) == []  # neither the file nor its temporary part


def test_cancelled_overwrite_keeps_the_old_file(owner, tmp_path, monkeypatch):
    from corptui import export, payments

    monkeypatch.setattr(export, "PROGRESS_EVERY", 1)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "payments.csv"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(Cancelled):
        payments.export(owner, payments.PaymentFilter(), "csv", str(target), force=True,
                        progress=lambda d, t: None, cancelled=lambda: True)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in out.iterdir()] == ["payments.csv"]


def test_export_reports_every_row_to_the_total(owner, tmp_path):
    from corptui import charges

    flt = charges.ChargeFilter()
    total = charges.totals(owner, flt)["count"]
    reports = []
    result = charges.export(owner, flt, "csv", str(tmp_path / "c.csv"),
                            progress=lambda d, t: reports.append((d, t)),
                            cancelled=lambda: False)
    assert result.rows == total
    assert reports[0] == (0, total) and reports[-1] == (total, total)
