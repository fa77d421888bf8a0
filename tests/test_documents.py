"""Documents: order validation, the builder's files (opened with pypdf / openpyxl / csv and
checked against sums recomputed here from the rows), password protection (AES ZIP), the
history (missing file, reorder, delete, save, send), notifications, permissions, CLI."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from corptui import demo, documents, jobs
from corptui.cli import main
from corptui.errors import Conflict, NotFound, PermissionDenied, ValidationError
from corptui.session import Session
from storage.models import (
    Charge,
    Document,
    Notification,
    Payment,
    PersonalAccount,
    Subscriber,
)

D = Decimal
TODAY = dt.date(2026, 11, 20)
FROM, TO = dt.date(2026, 8, 1), dt.date(2026, 10, 31)  # the seed's last 3 months


@pytest.fixture
def seeded_db(db):
    demo.seed(numbers=30, calls=300, months=4, seed=3)
    return db


@pytest.fixture
def owner(seeded_db):
    return Session(company_id=1, role="owner", user_id=1, actor="t", source="test")


@pytest.fixture
def account():
    return PersonalAccount.select().where(PersonalAccount.company == 1).order_by(
        PersonalAccount.id).first()


def run_jobs():
    n = 0
    while jobs.run_one("test-worker", kinds=[documents.JOB_KIND]):
        n += 1
    return n


def built(session, *args, **kwargs) -> dict:
    kwargs.setdefault("today", TODAY)
    doc = documents.order(session, *args, **kwargs)
    run_jobs()
    row = documents.get(session, doc.id)
    assert row["state"] == "ready", row["error"]
    return row


# -- independent recomputation from the rows ---------------------------------------------


def _local_day(t: dt.datetime) -> dt.date:
    return t.astimezone().date()


def expected_act(account_ids=None, subscriber_ids=None, date_from=FROM, date_to=TO):
    charges = list(Charge.select().where(Charge.company == 1))
    pays = list(Payment.select().where(Payment.company == 1))
    if subscriber_ids is not None:
        charges = [c for c in charges if c.subscriber_id in subscriber_ids]
        pays = [p for p in pays if p.subscriber_id in subscriber_ids]
    else:
        charges = [c for c in charges if c.account_id in account_ids]
        pays = [p for p in pays if p.account_id in account_ids]
    first = date_from.replace(day=1)
    last = date_to.replace(day=1)

    def cmonth(c):
        p = c.period if isinstance(c.period, dt.date) else dt.date.fromisoformat(str(c.period)[:10])
        return p.replace(day=1)

    months = {}
    m = first
    while m <= last:
        months[m] = [D("0.00"), D("0.00")]
        m = (m + dt.timedelta(days=32)).replace(day=1)
    for c in charges:
        if first <= cmonth(c) <= last:
            months[cmonth(c)][0] += c.amount
    for p in pays:
        day = _local_day(p.paid_at)
        if date_from <= day <= date_to:
            months[day.replace(day=1)][1] += p.amount
    ch = sum((v[0] for v in months.values()), D("0.00"))
    pa = sum((v[1] for v in months.values()), D("0.00"))
    if subscriber_ids is not None:
        opening = (sum((p.amount for p in pays if _local_day(p.paid_at) < date_from), D(0))
                   - sum((c.amount for c in charges if cmonth(c) < first), D(0)))
        closing = opening + pa - ch
    else:
        balance = sum((a.balance for a in PersonalAccount.select().where(
            PersonalAccount.id.in_(list(account_ids)))), D(0))
        after = (sum((p.amount for p in pays if _local_day(p.paid_at) > date_to), D(0))
                 - sum((c.amount for c in charges if cmonth(c) > last), D(0)))
        closing = balance - after
        opening = closing - pa + ch
    return {"months": months, "charges": ch, "payments": pa, "opening": opening,
            "closing": closing}


def pdf_text(path) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(path).pages)


def money_after(label: str, text: str) -> D:
    """The first amount after ``label`` as the English documents write it (4,490.47)."""
    m = re.search(re.escape(label) + r"[^0-9-]*?(-?[\d,]+\.\d\d)", text)
    assert m, f"{label} not in the document"
    return D(m.group(1).replace(",", ""))


def closing_of(text: str) -> D:
    """The closing balance as the verdict states it: minus when the debt is the
    customer's (in favour of the operator)."""
    m = re.search(r"debt in favour of (.+?) is ([\d,]+\.\d\d)", text.replace("\n", " "))
    if m is None:
        assert "there is no debt" in text
        return D("0.00")
    amount = D(m.group(2).replace(",", ""))
    return -amount if "Svyaz-Telecom" in m.group(1) else amount


# -- the forms (both languages) are in test_document_forms.py; here the history ---------


def test_copies_repeat_the_pdf(owner, account):
    from pypdf import PdfReader

    one = built(owner, "reconciliation", [account.number], [], FROM, TO, "pdf")
    three = built(owner, "reconciliation", [account.number], [], FROM, TO, "pdf", copies=3)
    assert len(PdfReader(three["file"]).pages) == 3 * len(PdfReader(one["file"]).pages)
    assert pdf_text(three["file"]).count("Closing balance") == 3


def _charges_in(account_id, first=FROM, last=TO):
    return [c for c in Charge.select().where(Charge.account == account_id)
            if first <= dt.date.fromisoformat(str(c.period)[:10]) <= last]


def test_charges_detail_xlsx_lines(owner, account):
    from openpyxl import load_workbook

    row = built(owner, "charges", [account.number], [], FROM, TO, "xlsx")
    ws = load_workbook(row["file"]).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    expected = _charges_in(account.id)
    assert len(rows) == len(expected)
    assert sum(D(str(r[-1])).quantize(D("0.01")) for r in rows) == sum(
        (c.amount for c in expected), D(0))


def test_payments_report_csv_and_call_details(owner, account):
    row = built(owner, "payments", [account.number], [], FROM, TO, "csv")
    with open(row["file"], encoding="utf-8") as fh:  # English: plain CSV, no BOM
        data = list(csv.DictReader(fh))
    exp = [p for p in Payment.select().where(Payment.account == account.id)
           if FROM <= _local_day(p.paid_at) <= TO]
    assert len(data) == len(exp) > 0
    assert sum(D(r["Amount"]) for r in data) == sum((p.amount for p in exp), D(0))
    sub = Subscriber.select().where(Subscriber.account == account.id).first()
    calls_doc = built(owner, "calls", [], [sub.msisdn], FROM, TO, "csv")
    with open(calls_doc["file"], encoding="utf-8-sig") as fh:
        got = list(csv.DictReader(fh))
    from storage.models import CallRecord

    exp_calls = [c for c in CallRecord.select().where(CallRecord.subscriber == sub.id)
                 if FROM <= _local_day(c.started_at) <= TO]
    assert len(got) == len(exp_calls)
    assert sum(D(r["Cost"]) for r in got) == sum((c.cost for c in exp_calls), D(0))


# -- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs,field", [
    ({"date_from": "2026-12-01", "date_to": "2026-12-10"}, "date_from"),  # future
    ({"date_to": "2026-11-30"}, "date_to"),  # ends after today
    ({"date_from": "2026-10-01", "date_to": "2026-09-01"}, "date_from"),  # reversed
    ({"date_from": "1.13.2026"}, "date_from"),
    ({"accounts": []}, "accounts"),  # empty scope
    ({"accounts": ["000"]}, "accounts"),
    ({"numbers": ["not a phone"]}, "numbers"),
    ({"notify_email": "not-an-email"}, "email"),
    ({"notify_sms": "12"}, "sms"),
    ({"copies": 0}, "copies"),
    ({"fmt": "csv"}, "format"),  # reconciliation: PDF or XLSX
    ({"password": "abc"}, "password"),
    ({"type": "letter"}, "type"),
])
def test_bad_orders_name_the_field(owner, account, kwargs, field):
    args = {"type": "reconciliation", "accounts": [account.number], "numbers": [],
            "date_from": FROM, "date_to": TO, "fmt": "pdf", "today": TODAY}
    args.update(kwargs)
    before = Document.select().count()
    with pytest.raises(ValidationError) as err:
        documents.order(owner, **args)
    assert field in err.value.errors
    assert Document.select().count() == before


def test_numbers_must_be_on_the_accounts(owner):
    a1, a2 = list(PersonalAccount.select().where(PersonalAccount.company == 1)
                  .order_by(PersonalAccount.id).limit(2))
    other = Subscriber.select().where(Subscriber.account == a2.id).first()
    with pytest.raises(ValidationError) as err:
        documents.order(owner, "reconciliation", [a1.number], [other.msisdn], FROM, TO, "pdf",
                        today=TODAY)
    assert "numbers" in err.value.errors


def test_permissions_and_company_scope(owner, account):
    viewer = Session(company_id=1, role="viewer", user_id=None, actor="v", source="t")
    with pytest.raises(PermissionDenied):
        documents.order(viewer, "invoice", [account.number], [], FROM, TO, "pdf", today=TODAY)
    row = built(owner, "invoice", [account.number], [], FROM, TO, "pdf")
    assert documents.get(viewer, row["id"])["state"] == "ready"  # reading is allowed
    with pytest.raises(PermissionDenied):
        documents.delete(viewer, row["id"])
    second = Session(company_id=2, role="owner", user_id=None, actor="s", source="t")
    with pytest.raises(NotFound):
        documents.get(second, row["id"])
    assert documents.list_documents(second) == []
    # another company's account cannot be ordered
    with pytest.raises(ValidationError):
        documents.order(second, "invoice", [account.number], [], FROM, TO, "pdf", today=TODAY)


# -- password protection -------------------------------------------------------------------


def test_protected_pdf_saves_encrypted_aes256(owner, account, tmp_path):
    from pypdf import PdfReader

    row = built(owner, "reconciliation", [account.number], [], FROM, TO, "pdf",
                password="s3cret-pass")
    assert row["protected"] is True
    stored = Document.get_by_id(row["id"])
    assert "s3cret-pass" not in json.dumps(stored.scope) and "s3cret" not in stored.password_hash
    target = tmp_path / "act.pdf"
    with pytest.raises(ValidationError):
        documents.save_to(owner, row["id"], str(target))  # no password
    with pytest.raises(ValidationError):
        documents.save_to(owner, row["id"], str(target), password="wrong-pass")
    assert not target.exists()
    documents.save_to(owner, row["id"], str(target), password="s3cret-pass")
    reader = PdfReader(target)
    assert reader.is_encrypted
    encrypt = reader.trailer["/Encrypt"]
    assert (encrypt["/V"], encrypt["/R"], encrypt["/CF"]["/StdCF"]["/CFM"]) == (5, 6, "/AESV3")
    assert not reader.decrypt("wrong-pass")
    assert reader.decrypt("s3cret-pass")
    assert "Closing balance" in "".join(p.extract_text() for p in reader.pages)
    # as an AES ZIP on request
    import pyzipper

    zipped = tmp_path / "act.zip"
    documents.save_to(owner, row["id"], str(zipped), password="s3cret-pass", as_zip=True)
    with pyzipper.AESZipFile(zipped) as zf:
        zf.setpassword(b"s3cret-pass")
        assert zf.read(zf.namelist()[0]) == Path(row["file"]).read_bytes()


def test_send_queues_an_email_with_the_encrypted_file(owner, account):
    import pyzipper

    row = built(owner, "invoice", [account.number], [], FROM, TO, "pdf", password="s3cret-pass",
                notify_email="boss@example.ru")
    ready = Notification.select().where(Notification.recipient == "boss@example.ru").get()
    assert ready.attachment == ""  # the worker does not know the password
    with pytest.raises(ValidationError):
        documents.send(owner, row["id"], "acc@example.ru", password="nope-nope")
    nid = documents.send(owner, row["id"], "acc@example.ru", password="s3cret-pass")
    n = Notification.get_by_id(nid)
    assert n.channel == "email" and n.attachment.endswith(".pdf")
    from pypdf import PdfReader

    reader = PdfReader(n.attachment)
    assert reader.is_encrypted and reader.decrypt("s3cret-pass")
    assert "s3cret" not in n.body
    csv_doc = built(owner, "invoice", [account.number], [], FROM, TO, "csv",
                    password="s3cret-pass")
    n = Notification.get_by_id(documents.send(owner, csv_doc["id"], "acc@example.ru",
                                              password="s3cret-pass"))
    assert n.attachment.endswith(".zip")
    with pyzipper.AESZipFile(n.attachment) as zf:
        zf.setpassword(b"s3cret-pass")
        assert zf.read(zf.namelist()[0]).decode("utf-8").startswith("Payee")
    with pytest.raises(ValidationError):
        documents.send(owner, row["id"], "not an email", password="s3cret-pass")


def test_ready_notifications_by_email_and_sms(owner, account):
    row = built(owner, "act", [account.number], [], FROM, TO, "xlsx",
                notify_email="buh@example.ru", notify_sms="+7 912 000-11-22")
    email = Notification.get(Notification.channel == "email")
    sms = Notification.get(Notification.channel == "sms")
    assert email.recipient == "buh@example.ru" and email.attachment == row["file"]
    assert sms.recipient == "79120001122" and f"No. {row['number']}" in sms.body


# -- history: save, missing file, reorder, delete --------------------------------------------


def test_save_to_refuses_overwrite_and_bad_places(owner, account, tmp_path):
    row = built(owner, "invoice", [account.number], [], FROM, TO, "xlsx")
    target = tmp_path / "inv.xlsx"
    documents.save_to(owner, row["id"], str(target))
    assert target.read_bytes() == Path(row["file"]).read_bytes()
    with pytest.raises(Conflict):
        documents.save_to(owner, row["id"], str(target))
    documents.save_to(owner, row["id"], str(target), force=True)
    with pytest.raises(ValidationError):
        documents.save_to(owner, row["id"], str(tmp_path / "no" / "such" / "x.xlsx"))
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "ro"
        locked.mkdir(mode=0o500)
        with pytest.raises(Exception, match="permission denied"):
            documents.save_to(owner, row["id"], str(locked / "x.xlsx"))


def test_not_ready_document_cannot_be_saved(owner, account, tmp_path):
    doc = documents.order(owner, "invoice", [account.number], [], FROM, TO, "pdf", today=TODAY)
    assert documents.get(owner, doc.id)["state"] == "queued"
    with pytest.raises(Conflict):
        documents.save_to(owner, doc.id, str(tmp_path / "x.pdf"))


def test_removed_file_shows_missing_and_can_be_ordered_again(owner, account, tmp_path):
    row = built(owner, "reconciliation", [account.number], [], FROM, TO, "pdf")
    os.unlink(row["file"])
    again = documents.get(owner, row["id"])
    assert again["state"] == "missing" and "removed from disk" in again["error"]
    with pytest.raises(NotFound, match="removed from disk"):
        documents.save_to(owner, row["id"], str(tmp_path / "x.pdf"))
    new = documents.reorder(owner, row["id"])
    run_jobs()
    fresh = documents.get(owner, new.id)
    assert fresh["state"] == "ready" and fresh["id"] != row["id"]
    assert (fresh["type"], fresh["accounts"], fresh["period_from"], fresh["period_to"]) == (
        "reconciliation_act", [account.number], FROM, TO)
    assert pdf_text(fresh["file"]).count("Closing balance") == 1


def test_delete_removes_row_and_file(owner, account):
    row = built(owner, "invoice", [account.number], [], FROM, TO, "pdf")
    documents.delete(owner, row["id"])
    assert not Path(row["file"]).exists()
    with pytest.raises(NotFound):
        documents.get(owner, row["id"])


def test_progress_and_failure_states(owner, account):
    doc = documents.order(owner, "invoice", [account.number], [], FROM, TO, "pdf", today=TODAY)
    seen = []
    documents.build(doc.id, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 100 and len(seen) >= 3
    # a scope that no longer exists fails the document with a clear error (no retry)
    doc2 = documents.order(owner, "invoice", [account.number], [], FROM, TO, "pdf", today=TODAY)
    Document.update(scope={"accounts": ["999999"], "numbers": []}).where(
        Document.id == doc2.id).execute()
    run_jobs()
    row = documents.get(owner, doc2.id)
    assert row["state"] == "failed" and "999999" in row["error"]


# -- CLI ------------------------------------------------------------------------------------


def test_cli_order_list_save_send_reorder_delete(owner, account, tmp_path, monkeypatch):
    import pyzipper

    runner = CliRunner()
    base = ["--company", "7701234560"]
    res = runner.invoke(main, ["documents", "order", "reconciliation", *base, "--account",
                               account.number, "--from", "2026-08-01", "--to", "2026-10-31",
                               "--format", "xlsx", "--password-stdin"], input="pass-word-1\n")
    assert res.exit_code == 0, res.output
    doc_id = int(re.search(r"document (\d+) queued", res.output).group(1))
    run_jobs()
    res = runner.invoke(main, ["documents", "list", *base, "--format", "json"])
    data = json.loads(res.output)
    assert data[0]["id"] == doc_id and data[0]["state"] == "ready" and data[0]["protected"]
    out = tmp_path / "act.xlsx"
    res = runner.invoke(main, ["documents", "save", str(doc_id), *base, "--output", str(out),
                               "--password-stdin"], input="pass-word-1\n")
    assert res.exit_code == 0, res.output
    import io

    import msoffcrypto

    with open(out, "rb") as fh:  # an encrypted Office file, not a ZIP
        office = msoffcrypto.OfficeFile(fh)
        assert office.is_encrypted()
        office.load_key(password="pass-word-1")
        plain = io.BytesIO()
        office.decrypt(plain)
    from openpyxl import load_workbook

    assert load_workbook(plain).active["A1"].value.startswith("Reconciliation act No.")
    res = runner.invoke(main, ["documents", "send", str(doc_id), *base, "--email", "x@y.ru",
                               "--password-stdin"], input="pass-word-1\n")
    assert res.exit_code == 0, res.output
    sent = Notification.select().order_by(Notification.id.desc()).first()
    assert sent.attachment.endswith(".xlsx") and Path(sent.attachment).read_bytes()[:4] == (
        b"\xd0\xcf\x11\xe0")  # an OLE container: the encrypted workbook
    res = runner.invoke(main, ["documents", "save", str(doc_id), *base, "--output", str(out),
                               "--password-stdin"], input="pass-word-1\n")
    assert res.exit_code == 1 and "already exists" in res.output
    res = runner.invoke(main, ["documents", "send", str(doc_id), *base, "--email", "x@y.ru",
                               "--password-stdin"], input="wrong-one\n")
    assert res.exit_code == 1 and "wrong password" in res.output
    res = runner.invoke(main, ["documents", "reorder", str(doc_id), *base])
    assert res.exit_code == 0 and "queued" in res.output
    res = runner.invoke(main, ["documents", "delete", str(doc_id), *base])
    assert res.exit_code == 0
    res = runner.invoke(main, ["documents", "order", "invoice", *base, "--account",
                               account.number, "--from", "2026-10-01", "--to", "2026-09-01"])
    assert res.exit_code == 1 and "reversed" in res.output
    res = runner.invoke(main, ["documents", "order", "invoice", *base, "--account",
                               account.number, "--from", "2026-08-01", "--to", "2026-09-01",
                               "--email", "bad@"])
    assert res.exit_code == 1 and "email" in res.output


# -- end to end: the worker builds the act and the email reaches a real SMTP server -------


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        import email
        import email.policy

        self.messages.append(email.message_from_bytes(envelope.content,
                                                      policy=email.policy.default))
        return "250 Message accepted"


@pytest.fixture
def smtp_inbox(monkeypatch):
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("CORPTUI_SMTP_URL", f"smtp://127.0.0.1:{port}")
    monkeypatch.setenv("CORPTUI_MAIL_FROM", "docs@corptui.example")
    yield inbox
    controller.stop()


def test_worker_builds_the_act_and_emails_it(owner, account, smtp_inbox, tmp_path):
    import io

    import pyzipper
    from pypdf import PdfReader

    doc = documents.order(owner, "reconciliation", [account.number], [], FROM, TO, "pdf",
                          notify_email="buh@example.ru", today=TODAY)
    for _ in range(3):  # document.build, then notify.send
        jobs.run_due("e2e-worker")
    [msg] = smtp_inbox.messages
    assert msg["To"] == "buh@example.ru" and "No. 1" in msg["Subject"]
    [part] = list(msg.iter_attachments())
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(part.get_content())).pages)
    exp = expected_act(account_ids={account.id})
    assert closing_of(text) == exp["closing"]
    # a protected document sent by email arrives as an AES ZIP that opens only with it
    prot = built(owner, "invoice", [account.number], [], FROM, TO, "csv", password="zip-pass-1")
    documents.send(owner, prot["id"], "boss@example.ru", password="zip-pass-1")
    jobs.run_due("e2e-worker")
    msg = smtp_inbox.messages[-1]
    [part] = list(msg.iter_attachments())
    assert part.get_filename().endswith(".zip")
    with pyzipper.AESZipFile(io.BytesIO(part.get_content())) as zf:
        zf.setpassword(b"bad-pass")
        with pytest.raises(RuntimeError):
            zf.read(zf.namelist()[0])
        zf.setpassword(b"zip-pass-1")
        assert zf.read(zf.namelist()[0]).decode("utf-8-sig").startswith("Payee")
