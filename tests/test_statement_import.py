"""The payments feed (corptui.statement_import, `corptui import payments`): bank statements
in the 1CClientBankExchange format (cp1251) and CSV, matched to personal accounts by the
account in the purpose or the payer's INN, unmatched ones kept and assigned by hand,
idempotent, all or nothing with line errors, on both engines."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from access_data import build, session_of
from click.testing import CliRunner

from corptui import i18n, statement_import
from corptui.cli import main
from corptui.errors import Conflict, NotFound, PermissionDenied, ValidationError
from corptui.session import Session
from storage.models import AuditEntry, Payment, PersonalAccount, StatementEntry

BLNS = Path(__file__).parent / "data" / "blns" / "blns.txt"


def doc(number, date, amount, inn="7707083893", purpose="Оплата по л/с 100200300",
        payer="ООО «Ромашка»", account="40702810900000000001", extra=""):
    return (f"СекцияДокумент=Платежное поручение\nНомер={number}\nДата={date}\n"
            f"Сумма={amount}\nПлательщикСчет={account}\n"
            f"Плательщик=ИНН {inn} {payer}\nПлательщикИНН={inn}\nПлательщик1={payer}\n"
            f"ПолучательСчет=40702810000000000099\nДатаПоступило={date}\n{extra}"
            f"НазначениеПлатежа={purpose}\nКонецДокумента\n")


def statement(*docs, encoding="cp1251") -> bytes:
    head = ("1CClientBankExchange\nВерсияФормата=1.03\nКодировка=Windows\n"
            "ДатаНачала=01.10.2026\nДатаКонца=31.10.2026\nРасчСчет=40702810000000000099\n"
            "СекцияРасчСчет\nРасчСчет=40702810000000000099\nКонецРасчСчет\n")
    return (head + "".join(docs) + "КонецФайла\n").replace("\n", "\r\n").encode(encoding)


@pytest.fixture
def data(db):
    d = build()
    d["session"] = Session.system(d["company"].id, "test")
    return d


def balance(account) -> Decimal:
    return PersonalAccount.get_by_id(account.id).balance


def state():
    return (Payment.select().count(), StatementEntry.select().count(),
            [a.balance for a in PersonalAccount.select().order_by(PersonalAccount.id)])


def test_a_1c_statement_matches_by_account_and_inn_and_keeps_the_rest(data, tmp_path):
    s = data["session"]
    path = tmp_path / "выписка.txt"
    path.write_bytes(statement(
        doc(117, "05.10.2026", "15000.00"),  # the account in the purpose
        doc(118, "06.10.2026", "250.50", purpose="Оплата услуг связи"),  # the company's INN
        doc(119, "07.10.2026", "99.99", inn="7702000000", payer="Неизвестно",
            purpose="по счёту 55"),  # nobody's
        doc(120, "08.10.2026", "10.00", purpose="л/с 100200300 и 900"),  # one of ours only
    ))
    before = balance(data["account"])
    prev = statement_import.preview(s, str(path))
    assert prev.kind == "1c" and prev.encoding == "cp1251" and prev.error_count == 0
    assert [(e.document_no, e.status) for e in prev.entries] == [
        ("117", "new"), ("118", "new"), ("119", "unmatched"), ("120", "new")]
    assert Payment.select().count() == 0  # the preview changes nothing
    statement_import.apply(s, prev)
    pays = list(Payment.select().order_by(Payment.id))
    assert [(p.document_no, p.amount, p.account_id, p.type) for p in pays] == [
        ("117", Decimal("15000.00"), data["account"].id, "bank_transfer"),
        ("118", Decimal("250.50"), data["account"].id, "bank_transfer"),
        ("120", Decimal("10.00"), data["account"].id, "bank_transfer")]
    assert pays[0].paid_at.date().isoformat() == "2026-10-05"
    assert balance(data["account"]) == before + Decimal("15260.50")
    waiting = statement_import.unmatched(s)
    assert [(w["number"], w["amount"], w["payer"], w["payer_inn"]) for w in waiting] == [
        ("119", Decimal("99.99"), "Неизвестно", "7702000000")]
    assert "INN" in waiting[0]["reason"]
    summary = AuditEntry.get(AuditEntry.action == "import.payments")
    assert summary.after["file"] == "выписка.txt"
    assert summary.after["sha256"] == prev.digest and len(prev.digest) == 64


def test_a_statement_imported_twice_adds_nothing(data, tmp_path):
    s = data["session"]
    path = tmp_path / "s.txt"
    path.write_bytes(statement(doc(1, "01.10.2026", "100.00"),
                               doc(2, "01.10.2026", "5.00", inn="7702000000", purpose="?")))
    statement_import.apply(s, str(path))
    after_first = state()
    again = statement_import.apply(s, str(path))
    assert state() == after_first
    assert again.totals()["already_imported"] == 2 and again.count("new") == 0


def test_a_repeated_entry_in_one_file_counts_once(data):
    s = data["session"]
    prev = statement_import.apply(s, statement(doc(1, "01.10.2026", "100.00"),
                                               doc(1, "01.10.2026", "100.00")))
    assert prev.totals()["duplicates"] == 1 and Payment.select().count() == 1


def test_outgoing_entries_are_not_payments(data):
    s = data["session"]
    out = doc(5, "02.10.2026", "700.00", account="40702810000000000099",
              extra="ДатаСписано=02.10.2026\n").replace("ДатаПоступило=02.10.2026\n", "")
    prev = statement_import.apply(s, statement(out))
    assert prev.totals()["outgoing"] == 1 and Payment.select().count() == 0


def test_several_accounts_are_never_guessed(data):
    s = data["session"]
    PersonalAccount.create(company=data["company"], number="100200301")
    prev = statement_import.apply(s, statement(
        doc(1, "01.10.2026", "1.00", purpose="Оплата связи"),  # INN only: two accounts
        doc(2, "01.10.2026", "2.00", purpose="л/с 100200300, 100200301"),  # two named
        doc(3, "01.10.2026", "3.00", purpose="л/с 100200301")))  # one named
    assert [(e.status, e.reason) for e in prev.entries] == [
        ("unmatched", "inn_several"), ("unmatched", "several"), ("new", "")]


def test_another_companys_account_is_not_matched(data):
    s = data["session"]
    prev = statement_import.apply(s, statement(
        doc(1, "01.10.2026", "1.00", inn="500100732259", purpose="л/с 900")))
    assert prev.entries[0].status == "unmatched"
    assert Payment.select().where(Payment.account == data["other_account"].id).count() == 0


def test_assign_puts_an_unmatched_payment_on_an_account(data):
    s = data["session"]
    statement_import.apply(s, statement(doc(9, "03.10.2026", "42.00", inn="7702000000",
                                            purpose="?")))
    (entry,) = statement_import.unmatched(s)
    before = balance(data["account"])
    with pytest.raises(NotFound):  # another company's account reads as none
        statement_import.assign(s, entry["id"], "900")
    done = statement_import.assign(s, entry["id"], "100200300")
    assert done["amount"] == Decimal("42.00")
    assert balance(data["account"]) == before + Decimal("42.00")
    assert statement_import.unmatched(s) == []
    with pytest.raises(Conflict):
        statement_import.assign(s, entry["id"], "100200300")
    other = Session.system(data["other"].id, "test")
    with pytest.raises(NotFound):
        statement_import.assign(other, entry["id"], "900")
    assert AuditEntry.select().where(AuditEntry.action == "payments.assign").count() == 1


def test_a_simple_csv_with_russian_headers(data):
    s = data["session"]
    text = ("Номер;Дата;Сумма;Плательщик;ИНН плательщика;Назначение платежа;Лицевой счет\r\n"
            "31;2026-10-01;1 200,00;ООО «Ромашка»;7707083893;Связь;100200300\r\n"
            "32;02.10.2026;5;Иван;;Связь;\r\n")
    prev = statement_import.apply(s, text.encode("cp1251"))
    assert prev.kind == "csv" and [e.status for e in prev.entries] == ["new", "unmatched"]
    assert Payment.get().amount == Decimal("1200.00")


BAD_FILES = [
    (statement(doc(1, "01.10.2026", "abc")), 13, "Сумма"),
    (statement(doc(1, "32.10.2026", "1.00")), 19, "Дата"),
    (statement(doc(1, "01.10.2026", "1.00", inn="12345")), 16, "INN"),
    (statement(doc(1, "01.10.2026", "1.00").replace("КонецДокумента\n", "")), 10,
     "does not end"),
    (statement(doc(1, "01.10.2026", "1.00").replace("Сумма=1.00\n", "")), 10, "Сумма"),
    (statement(doc(1, "01.10.2026", "1.00")).replace("Оплата по".encode("cp1251"), b"\x98"),
     20, "encoding"),
    (statement(doc(1, "01.10.2026", "1.00", purpose="Оплата \x1b[31m")), 20, "control"),
    ("number,date,amount\n1,2026-10-01,10\n2,2026-10-01,-5\n".encode(), 3, "negative"),
    ("номер,когда\n1,2026-10-01\n".encode(), 1, "header"),
    ('number,date,amount\n1,"2026-10-01,10\n'.encode(), 2, "quote"),
]


@pytest.mark.parametrize("raw, line, word", BAD_FILES, ids=[f"{w}-{n}" for _r, n, w in BAD_FILES])
def test_a_bad_line_imports_nothing_and_is_named(data, raw, line, word):
    s = data["session"]
    good = doc(2, "02.10.2026", "5.00")
    if raw.startswith(b"1C"):
        raw = raw.replace("КонецФайла".encode("cp1251"),
                          (good.replace("\n", "\r\n") + "КонецФайла").encode("cp1251"))
    before = state()
    prev = statement_import.preview(s, raw)
    assert prev.error_count >= 1, prev.entries
    first = prev.errors[0]
    assert first.line == line and word.casefold() in first.error.casefold(), first
    with pytest.raises(ValidationError) as err:
        statement_import.apply(s, raw)
    assert f"line {line}" in err.value.message and "nothing" in err.value.message
    assert state() == before


def test_a_broken_encoding_is_a_line_error(data):
    s = data["session"]
    raw = ("number,date,amount,payer\n1,2026-10-01,10,Иван\n".encode("utf-8")
           + "2,2026-10-01,10,Пётр\n".encode("cp1251"))
    prev = statement_import.preview(s, raw)
    # not UTF-8 as a whole: read as cp1251, where the UTF-8 line ("И" is D0 98) is not text
    assert prev.encoding == "cp1251"
    assert [(e.line, "encoding" in e.error) for e in prev.errors] == [(2, True)]
    raw = b"number,date,amount\n1,2026-10-01,10\n2,2026-10-01,\x98\n"
    prev = statement_import.preview(s, raw)
    assert [(e.line, "encoding" in e.error) for e in prev.errors] == [(3, True)]


def test_naughty_strings_are_line_errors_or_plain_text(data):
    s = data["session"]
    lines = [ln for ln in BLNS.read_text(encoding="utf-8").splitlines()
             if ln and not ln.startswith("#")]
    rows = ["number;date;amount;payer;purpose"]
    for i, text in enumerate(lines, 1):
        safe = text.replace(";", ",").replace('"', "'")
        rows.append(f"{i};2026-10-01;1.00;{safe};{safe}")
    raw = "\n".join(rows).encode("utf-8")
    before = state()
    prev = statement_import.preview(s, raw)
    assert prev.error_count > 0  # controls, direction marks...
    assert all(e.line >= 2 for e in prev.errors)
    with pytest.raises(ValidationError):
        statement_import.apply(s, raw)
    assert state() == before
    # the lines that are text import as they are, never as markup
    good = {e.line for e in prev.entries}
    kept = "\n".join([rows[0]] + [rows[n - 1] for n in sorted(good)]).encode("utf-8")
    done = statement_import.apply(s, kept)
    assert done.error_count == 0
    assert StatementEntry.select().count() == len(good)


def test_binary_and_missing_files_are_refused(data, tmp_path):
    s = data["session"]
    with pytest.raises(ValidationError, match="not a text file"):
        statement_import.preview(s, b"\x00\x01\x02PK")
    with pytest.raises(ValidationError, match="no such file"):
        statement_import.preview(s, str(tmp_path / "none.txt"))


def test_a_changed_file_after_the_preview_is_refused(data, tmp_path):
    s = data["session"]
    path = tmp_path / "s.txt"
    path.write_bytes(statement(doc(1, "01.10.2026", "100.00")))
    prev = statement_import.preview(s, str(path))
    path.write_bytes(statement(doc(1, "01.10.2026", "200.00")))
    with pytest.raises(Conflict):
        statement_import.apply(s, prev)
    assert Payment.select().count() == 0


@pytest.mark.parametrize("role, allowed", [("owner", True), ("admin", True),
                                           ("accountant", True), ("viewer", False)])
def test_roles(data, role, allowed):
    s = session_of(data["users"][role])
    raw = statement(doc(1, "01.10.2026", "1.00"))
    if allowed:
        statement_import.apply(s, raw)
        assert Payment.select().count() == 1
    else:
        with pytest.raises(PermissionDenied):
            statement_import.apply(s, raw)
        assert Payment.select().count() == 0


def test_cli_import_lists_unmatched_and_is_idempotent(data, tmp_path):
    path = tmp_path / "s.txt"
    path.write_bytes(statement(doc(7, "01.10.2026", "100.00"),
                               doc(8, "02.10.2026", "55.50", inn="7702000000",
                                   payer="ООО Кто-то", purpose="?")))
    runner = CliRunner()
    args = ["import", "payments", str(path), "--company", "7707083893"]
    res = runner.invoke(main, args)
    assert res.exit_code == 0, res.output
    assert "ООО Кто-то" in res.output and "55.50" in res.output and "8" in res.output
    res = runner.invoke(main, [*args, "--format", "json"])
    report = json.loads(res.output)
    assert report["already_imported"] == 2 and report["matched"] == 0
    res = runner.invoke(main, ["payments", "unmatched", "--company", "7707083893",
                               "--format", "json"])
    (entry,) = json.loads(res.output)
    res = runner.invoke(main, ["payments", "assign", str(entry["id"]), "--account",
                               "100200300", "--company", "7707083893"])
    assert res.exit_code == 0 and "100200300" in res.output
    res = runner.invoke(main, ["payments", "unmatched", "--company", "7707083893"])
    assert "No unmatched payments" in res.output


def test_cli_bad_file_exits_1_in_russian_with_the_line(data, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("number,date,amount\n1,2026-10-01,x\n", encoding="utf-8")
    i18n.set_language("ru")
    try:
        res = CliRunner().invoke(main, ["import", "payments", str(path), "--company",
                                        "7707083893"], env={"CORPTUI_LANG": "ru"})
    finally:
        i18n.set_language("en")
    assert res.exit_code == 1
    assert "2" in res.output and "ничего не импортировано" in res.output
    assert Payment.select().count() == 0


def test_a_statement_cut_short_is_refused(data):
    # a 1C statement ends with КонецФайла: one cut after a complete document (a copy that
    # stopped half-way) is refused, naming its last line, instead of importing a part
    s = data["session"]
    whole = statement(doc(1, "01.10.2026", "10.00"), doc(2, "02.10.2026", "5.00"))
    cut = whole[:whole.index("КонецФайла".encode("cp1251"))]
    before = state()
    prev = statement_import.preview(s, cut)
    assert prev.error_count == 1 and "КонецФайла" in prev.errors[0].error, prev.errors
    with pytest.raises(ValidationError):
        statement_import.apply(s, cut)
    assert state() == before
    assert statement_import.preview(s, whole).error_count == 0
