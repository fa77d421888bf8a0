"""Cancelling a document: a queued one is skipped by the worker, a preparing one stops at
the worker's next step with no file; role, company and state checks; the audit entry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from corptui import demo, documents, jobs, locations
from corptui.errors import Conflict, NotFound, PermissionDenied
from corptui.session import Session
from storage.models import AuditEntry, Document, Job, Notification, PersonalAccount

TODAY = dt.date(2026, 11, 20)
FROM, TO = dt.date(2026, 8, 1), dt.date(2026, 10, 31)


@pytest.fixture
def owner(db):
    demo.seed(numbers=30, calls=300, months=4, seed=3)
    return Session(company_id=1, role="owner", user_id=1, actor="t", source="test")


@pytest.fixture
def account(owner):
    return PersonalAccount.select().where(PersonalAccount.company == 1).order_by(
        PersonalAccount.id).first()


def _order(session, account, type_="reconciliation", fmt="pdf", **kwargs):
    return documents.order(session, type_, [account.number], [], FROM, TO, fmt,
                           today=TODAY, **kwargs)


def _files(company_id: int = 1) -> list[Path]:
    """Every file (temporary ones too) in the database's folder of the company."""
    from corptui.documents.files import company_folder

    return sorted(p for p in company_folder(company_id).rglob("*") if p.is_file())


def test_cancel_a_queued_document_the_worker_skips_it(owner, account):
    doc = _order(owner, account, notify_email="buh@example.ru")
    row = documents.cancel(owner, doc.id)
    assert row["state"] == "cancelled"
    entry = AuditEntry.get(AuditEntry.action == "document.cancel")
    assert entry.object_id == str(doc.id) and entry.before["state"] == "queued"
    assert entry.after["state"] == "cancelled"
    assert jobs.run_one("w", kinds=[documents.JOB_KIND]) is not None
    job = Job.get(Job.kind == documents.JOB_KIND)
    assert job.state == "done" and job.result == {"cancelled": True}
    assert documents.get(owner, doc.id)["state"] == "cancelled"
    assert _files() == []
    assert Notification.select().count() == 0  # no "ready" email for a cancelled one


@pytest.mark.parametrize("type_,fmt", [("reconciliation", "pdf"),
                                       ("charges_detail", "xlsx")])
def test_cancel_while_preparing_stops_the_worker_with_no_file(owner, account, type_, fmt):
    doc = _order(owner, account, type_, fmt, notify_email="buh@example.ru")
    seen = []

    def progress(percent):  # the worker's report: another user cancels at the first one
        seen.append(percent)
        if len(seen) == 1:
            assert Document.get_by_id(doc.id).state == "preparing"
            documents.cancel(owner, doc.id)

    assert documents.build(doc.id, progress) == ""
    assert len(seen) == 1  # the next step noticed and stopped
    stored = Document.get_by_id(doc.id)
    assert stored.state == "cancelled" and stored.file_path == "" and stored.error == ""
    assert _files() == []  # no file and no temporary part
    assert Notification.select().count() == 0
    with pytest.raises(Conflict):
        documents.save_to(owner, doc.id, "/tmp/never.pdf")


def test_only_queued_or_preparing_documents_can_be_cancelled(owner, account):
    doc = _order(owner, account, fmt="xlsx")
    documents.build(doc.id)
    assert documents.get(owner, doc.id)["state"] == "ready"
    with pytest.raises(Conflict):
        documents.cancel(owner, doc.id)
    other = _order(owner, account)
    documents.cancel(owner, other.id)
    with pytest.raises(Conflict):  # twice
        documents.cancel(owner, other.id)
    assert AuditEntry.select().where(AuditEntry.action == "document.cancel").count() == 1


def test_cancel_checks_role_and_company(owner, account):
    doc = _order(owner, account)
    viewer = Session(company_id=1, role="viewer", user_id=4, actor="v", source="test")
    with pytest.raises(PermissionDenied):
        documents.cancel(viewer, doc.id)
    stranger = Session(company_id=2, role="owner", user_id=5, actor="s", source="test")
    with pytest.raises(NotFound):
        documents.cancel(stranger, doc.id)
    assert Document.get_by_id(doc.id).state == "queued"
    # a reordered copy of a cancelled document is built as usual
    documents.cancel(owner, doc.id)
    again = documents.reorder(owner, doc.id)
    documents.build(again.id)
    assert documents.get(owner, again.id)["state"] == "ready"
