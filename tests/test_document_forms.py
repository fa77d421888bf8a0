"""The documents as an accountant files them, read back in both languages: the forms
(reconciliation act, act of services, invoice-facture, UPD, invoice) with pypdf, openpyxl
(values, number formats) and the CSV bytes, their sums checked against the ledger; the
number sequences and reprints; the protected copies; the files of two databases that
share a data folder; the company's closing-document set; the preview."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from corptui import demo, documents, jobs
from corptui.documents.numbering import number_for
from corptui.documents.words import amount_in_words
from corptui.errors import NotFound, PermissionDenied, ValidationError
from corptui.session import Session
from storage.models import Charge, Notification, Payment, PersonalAccount

D = Decimal
TODAY = dt.date(2026, 11, 20)
FROM, TO = dt.date(2026, 8, 1), dt.date(2026, 10, 31)
SEP = dt.date(2026, 9, 1)
NBSP = "\u00a0\u202f "


@pytest.fixture
def owner(db):
    demo.seed(numbers=20, calls=200, months=4, seed=3)
    return Session(company_id=1, role="owner", user_id=1, actor="t", source="test")


@pytest.fixture
def account(owner):
    return PersonalAccount.select().where(PersonalAccount.company == 1).order_by(
        PersonalAccount.id).first()


def built(session, *args, **kwargs) -> dict:
    kwargs.setdefault("today", TODAY)
    doc = documents.order(session, *args, **kwargs)
    while jobs.run_one("t", kinds=[documents.JOB_KIND]):
        pass
    row = documents.get(session, doc.id)
    assert row["state"] == "ready", row["error"]
    return row


def pdf_pages(path) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text() for p in PdfReader(path).pages]


def money(text: str, lang: str) -> D:
    """An amount as the language writes it: 1 234,56 (ru) / 1,234.56 (en)."""
    for ch in NBSP:
        text = text.replace(ch, "")
    text = text.replace("₽", "")
    return D(text.replace(",", ".") if lang == "ru" else text.replace(",", ""))


AMOUNT = {"ru": r"-?\d{1,3}(?:[\u00a0\u202f ]\d{3})*,\d\d", "en": r"-?\d{1,3}(?:,\d{3})*\.\d\d"}


def month_charges(account_id, month) -> D:
    return sum((c.amount for c in Charge.select().where(
        (Charge.account == account_id) & (Charge.period == month))), D("0.00"))


def vat(gross: D, rate=22) -> D:
    return (gross * rate / (100 + rate)).quantize(D("0.01"), ROUND_HALF_UP)


# -- reconciliation act ---------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_reconciliation_act_pdf_in_both_languages(owner, account, lang):
    from test_documents import expected_act

    row = built(owner, "reconciliation", [account.number], [], FROM, TO, "pdf", language=lang)
    text = "\n".join(pdf_pages(row["file"])).replace("\n", " ")
    exp = expected_act(account_ids={account.id})
    title, verdict = {
        "ru": ("Акт сверки взаимных расчётов № 1", r"задолженность в пользу (.+?) составляет"),
        "en": ("Reconciliation act No. 1", r"the debt in favour of (.+?) is")}[lang]
    assert title in text and "ООО «Северный ветер»" in text and "7701234560/770101001" in text
    assert ("за период 01.08.2026 - 31.10.2026" if lang == "ru"
            else "for 01 Aug 2026 - 31 Oct 2026") in text
    m = re.search(verdict + r" (" + AMOUNT[lang] + r") ₽ \((.+?)\)\.", text)
    assert m, text[-600:]
    closing = money(m.group(2), lang)
    sign = -1 if ("Связь-Телеком" in m.group(1) or "Svyaz" in m.group(1)) else 1
    assert sign * closing == exp["closing"] and closing > 0
    assert m.group(3).split()[0] == amount_in_words(closing, lang).split()[0]
    # one line per billed month's act, with its sum on the operator's debit
    label = "Акт" if lang == "ru" else "Act"
    for month, (charged, _paid) in exp["months"].items():
        end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        day = end.strftime("%d.%m.%Y") if lang == "ru" else end.strftime("%d %b %Y")
        assert re.search(rf"{label} [№N][o.]* ?\d+ \w+ {re.escape(day)}", text), day
        shown = f"{charged:,.2f}" if lang == "en" else f"{charged:,.2f}".replace(",", " ").replace(".", ",")
        assert shown.replace(" ", "\u00a0") in text or shown in text
    assert ("страница 1 из" if lang == "ru" else "page 1 of") in text


def test_reconciliation_xlsx_values_and_formats_for_some_numbers(owner, account):
    from openpyxl import load_workbook
    from test_documents import expected_act

    from storage.models import Subscriber

    subs = list(Subscriber.select().where(Subscriber.account == account.id)
                .order_by(Subscriber.id).limit(3))
    row = built(owner, "reconciliation", [account.number], [s.msisdn for s in subs],
                dt.date(2026, 9, 10), TO, "xlsx", language="ru")
    exp = expected_act(subscriber_ids={s.id for s in subs}, date_from=dt.date(2026, 9, 10))
    ws = load_workbook(row["file"]).active
    rows = {r[1].value: r for r in ws.iter_rows() if len(r) > 3 and isinstance(r[1].value, str)}
    closing = rows["Сальдо конечное"]
    debit, credit = closing[2].value, closing[3].value
    assert D(str(credit or 0)) - D(str(debit or 0)) == exp["closing"]
    turnover = rows["Обороты за период"]
    assert turnover[2].number_format == "#,##0.00" and isinstance(turnover[2].value, float)
    texts = [c.value for c in ws["A"] if isinstance(c.value, str)]
    assert any("только по выбранным номерам" in t for t in texts)  # the act says so
    dates = [r[0] for r in ws.iter_rows() if isinstance(r[0].value, dt.datetime)]
    assert dates and all(c.number_format == "dd.mm.yyyy" for c in dates)


# -- act of services, invoice-facture, UPD, invoice -----------------------------------


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_acts_one_per_billed_month_with_vat_and_words(owner, account, lang):
    row = built(owner, "act", [account.number], [], FROM, TO, "pdf", language=lang)
    pages = pdf_pages(row["file"])
    assert len(pages) == 3 and row["number"] == "1, 2, 3"
    for page, month in zip(pages, (dt.date(2026, 8, 1), SEP, dt.date(2026, 10, 1)), strict=True):
        flat = page.replace("\n", " ")
        total = month_charges(account.id, month)
        word = {"ru": r"Всего оказано услуг \d+, на сумму (" + AMOUNT["ru"] + ")",
                "en": r"Services rendered: \d+, for the amount of (" + AMOUNT["en"] + ")"}[lang]
        assert money(re.search(word, flat).group(1), lang) == total
        tax = re.search(("в том числе НДС 22%: " if lang == "ru" else "including VAT 22%: ")
                        + "(" + AMOUNT[lang] + ")", flat)
        assert money(tax.group(1), lang) == vat(total)
        assert amount_in_words(total, lang) in flat
        assert ("Генеральный директор" if lang == "ru" else "Director") in flat


def test_invoice_facture_csv_for_russian_excel_and_plain_english(owner, account):
    row = built(owner, "invoice-facture", [account.number], [], SEP, dt.date(2026, 9, 30),
                "csv", language="ru")
    raw = Path(row["file"]).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    head = next(r for r in lines if r and r[0].startswith("Наименование товара"))
    numbers = lines[lines.index(head) + 1]
    assert numbers[:4] == ["1", "1а", "2", "2а"] and numbers[-1] == "11"
    total = next(r for r in lines if r and r[0] == "Всего к оплате (9)")
    net, tax, gross = (D(total[i].replace(",", ".")) for i in (6, 9, 10))
    assert gross == month_charges(account.id, SEP) and net + tax == gross
    body = lines[lines.index(head) + 2:lines.index(total)]
    for r in body:
        assert r[8] == "22%" and D(r[9].replace(",", ".")) == vat(D(r[10].replace(",", ".")))
        assert r[11:] == ["—", "—", "—"] and "," in r[10]  # decimal comma
    assert sum((D(r[9].replace(",", ".")) for r in body), D(0)) == tax
    en = built(owner, "invoice-facture", [account.number], [], SEP, dt.date(2026, 9, 30),
               "csv", language="en")
    raw = Path(en["file"]).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"Total payable (9)," in raw
    assert en["number"] == row["number"]  # the same invoice-facture, the same number


def test_upd_company_gets_upd_instead_of_the_pair(owner, account):
    with pytest.raises(ValidationError) as exc:
        built(owner, "upd", [account.number], [], SEP, dt.date(2026, 9, 30), "pdf")
    assert exc.value.field == "type"
    documents.set_forms(owner, "upd", director="Орлов П. П.", chief_accountant="Ким Е. А.")
    with pytest.raises(ValidationError, match="set-forms"):
        built(owner, "act", [account.number], [], SEP, dt.date(2026, 9, 30), "pdf")
    row = built(owner, "upd", [account.number], [], SEP, dt.date(2026, 9, 30), "pdf",
                language="ru")
    text = " ".join(pdf_pages(row["file"])).replace("\n", " ")
    assert "Универсальный передаточный документ № 1 от 30.09.2026" in text
    assert "Статус: 1" in text and "Орлов П. П." in text and "7710000551/771001001" in text
    m = re.search(r"Всего к оплате \(9\) (" + AMOUNT["ru"] + ") (" + AMOUNT["ru"] + ") ("
                  + AMOUNT["ru"] + ")", text)
    net, tax, gross = (money(m.group(i), "ru") for i in (1, 2, 3))
    assert gross == month_charges(account.id, SEP) and tax == vat(gross) and net + tax == gross
    viewer = Session(company_id=1, role="accountant", user_id=1, actor="t", source="test")
    with pytest.raises(PermissionDenied):
        documents.set_forms(viewer, "act-invoice")


def test_invoice_pdf_total_matches_the_ledger(owner, account):
    row = built(owner, "invoice", [account.number], [], FROM, TO, "pdf", language="ru")
    text = pdf_pages(row["file"])[0].replace("\n", " ")
    total = sum((month_charges(account.id, m) for m in
                 (dt.date(2026, 8, 1), SEP, dt.date(2026, 10, 1))), D(0))
    m = re.search(r"Итого (" + AMOUNT["ru"] + ")", text)
    assert money(m.group(1), "ru") == total and "БИК 044525999" in text


def test_no_billed_month_is_refused_at_build(owner, account):
    doc = documents.order(owner, "act", [account.number], [], dt.date(2026, 11, 1),
                          dt.date(2026, 11, 19), "pdf", today=TODAY)
    while jobs.run_one("t", kinds=[documents.JOB_KIND]):
        pass
    row = documents.get(owner, doc.id)
    assert row["state"] == "failed" and "no billed month" in row["error"]


# -- numbers and reprints ---------------------------------------------------------------


def test_numbers_per_company_type_and_year_and_reprints(owner, account):
    first = built(owner, "act", [account.number], [], SEP, dt.date(2026, 9, 30), "pdf")
    other = built(owner, "act", [account.number], [], dt.date(2026, 10, 1), TO, "pdf")
    assert (first["number"], other["number"]) == ("1", "2")
    again = documents.reorder(owner, first["id"])
    while jobs.run_one("t", kinds=[documents.JOB_KIND]):
        pass
    reprint = documents.get(owner, again.id)
    assert reprint["number"] == "1"
    assert pdf_pages(reprint["file"]) == pdf_pages(first["file"])
    assert documents.preview(owner, reprint["id"]) == documents.preview(owner, first["id"])
    facture = built(owner, "invoice-facture", [account.number], [], SEP, dt.date(2026, 9, 30),
                    "pdf")
    assert facture["number"] == "1"  # its own sequence
    # a new year starts again at 1; the key finds its number and date again
    assert number_for(1, "act_of_services", "2027-01", dt.date(2027, 1, 31)) == (
        1, dt.date(2027, 1, 31))
    assert number_for(1, "act_of_services", "2026-12", dt.date(2026, 12, 31))[0] == 3
    assert number_for(1, "act_of_services", "2027-01", dt.date(2030, 1, 1)) == (
        1, dt.date(2027, 1, 31))


# -- protection -------------------------------------------------------------------------


def test_protected_xlsx_is_an_encrypted_office_file(owner, account, tmp_path):
    import msoffcrypto
    from openpyxl import load_workbook

    row = built(owner, "act", [account.number], [], SEP, dt.date(2026, 9, 30), "xlsx",
                password="pass-word-9", language="ru")
    target = tmp_path / "act.xlsx"
    documents.save_to(owner, row["id"], str(target), password="pass-word-9")
    with open(target, "rb") as fh:
        office = msoffcrypto.OfficeFile(fh)
        assert office.is_encrypted()
        with pytest.raises(Exception):
            office.load_key(password="wrong")
            office.decrypt(io.BytesIO())
    with open(target, "rb") as fh:
        office = msoffcrypto.OfficeFile(fh)
        office.load_key(password="pass-word-9")
        plain = io.BytesIO()
        office.decrypt(plain)
    ws = load_workbook(plain).active
    totals = [r for r in ws.iter_rows(values_only=True) if r[1] == "Итого"]
    assert D(str(totals[0][5])).quantize(D("0.01")) == month_charges(account.id, SEP)


def test_ready_email_of_a_russian_document_is_in_russian(owner, account):
    built(owner, "act", [account.number], [], SEP, dt.date(2026, 9, 30), "pdf",
          language="ru", notify_email="buh@example.ru", notify_sms="+79120001122",
          password="pass-word-9")
    email = Notification.get(Notification.channel == "email")
    sms = Notification.get(Notification.channel == "sms")
    assert email.subject == "Акт оказанных услуг № 1 готов" and email.attachment == ""
    assert "--password-stdin" in email.body and "защищён паролем" in email.body
    assert sms.body.startswith("corptui: Акт оказанных услуг № 1 за 01.09.2026")


# -- the files belong to their database ---------------------------------------------------


def test_two_databases_in_one_data_folder_keep_their_own_files(tmp_path, monkeypatch):
    from corptui.database import close_database, open_database

    monkeypatch.setenv("CORPTUI_DATA_DIR", str(tmp_path / "shared"))
    owner = Session(company_id=1, role="owner", user_id=1, actor="t", source="test")
    saved = {}
    for name, seed in (("a", 3), ("b", 7)):
        open_database(f"sqlite:///{tmp_path / name}.db")
        demo.seed(numbers=10, calls=50, months=4, seed=seed)
        acc = PersonalAccount.select().order_by(PersonalAccount.id).first()
        row = built(owner, "charges", [acc.number], [], SEP, dt.date(2026, 9, 30), "csv")
        assert row["id"] == 1
        saved[name] = (row["file"], Path(row["file"]).read_bytes(),
                       sum((c.amount for c in Charge.select().where(
                           (Charge.account == acc.id) & (Charge.period == SEP))), D(0)))
        close_database()
    assert saved["a"][0] != saved["b"][0] and saved["a"][1] != saved["b"][1]
    assert Path(saved["a"][0]).parent.parent != Path(saved["b"][0]).parent.parent
    open_database(f"sqlite:///{tmp_path / 'a'}.db")
    out = tmp_path / "a-doc-1.csv"
    documents.save_to(owner, 1, str(out))
    assert out.read_bytes() == saved["a"][1]  # its own September, not the other's
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert sum(D(r["Amount"]) for r in rows) == saved["a"][2]
    # a file that is not the one built (same size, other bytes) is never served
    data = bytearray(saved["a"][1])
    data[-3] = ord("9") if data[-3] != ord("9") else ord("8")
    Path(saved["a"][0]).write_bytes(bytes(data))
    with pytest.raises(NotFound):
        documents.save_to(owner, 1, str(tmp_path / "again.csv"))
    with pytest.raises(NotFound):
        documents.send(owner, 1, "x@example.ru")
    with pytest.raises(NotFound):
        documents.preview(owner, 1)
    close_database()


# -- preview, tabular documents in Russian ----------------------------------------------


def test_preview_fits_80_columns_and_shows_parties_table_totals(owner, account):
    row = built(owner, "act", [account.number], [], SEP, dt.date(2026, 9, 30), "pdf",
                language="ru")
    text = documents.preview(owner, row["id"])
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 74  # inside the dialog at 80 columns
    assert "Акт № 1 от 30.09.2026" in text and "Заказчик" in text and "Итого" in text
    total = month_charges(account.id, SEP)
    assert Decimal(1) and amount_in_words(total, "ru") in text.replace("\n", " ")


def test_payments_report_csv_in_russian_for_excel(owner, account):
    row = built(owner, "payments", [account.number], [], FROM, TO, "csv", language="ru")
    raw = Path(row["file"]).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    data = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    header, body = data[0], data[1:]
    assert "Сумма" in header
    amounts = [D(r[header.index("Сумма")].replace(",", ".")) for r in body]
    exp = [p.amount for p in Payment.select().where(Payment.account == account.id)
           if FROM <= p.paid_at.astimezone().date() <= TO]
    assert sum(amounts, D(0)) == sum(exp, D(0)) and len(amounts) == len(exp)
    assert re.match(r"\d\d\.\d\d\.2026 \d\d:\d\d:\d\d", body[0][0])
    plain = built(owner, "payments", [account.number], [], FROM, TO, "csv", language="ru",
                  excel_ru=False)
    assert not Path(plain["file"]).read_bytes().startswith(b"\xef\xbb\xbf")
