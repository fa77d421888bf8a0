"""Benchmark `import_payments` (issue 19): a bank statement of 10,000 entries in the
1CClientBankExchange format (cp1251) read, matched and imported (preview + apply, as
`corptui import payments` does) into a fresh SQLite database of one company with 100
personal accounts. Target: under 5 s. The floor: the same file split into its documents
and the same rows written with the raw sqlite3 module.

``python bench/import_payments.py [--entries N]`` prints one JSON line (also run by
``python bench/run.py import_payments``)."""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

ACCOUNTS = 100
INN = "7701234560"


def statement(entries: int) -> bytes:
    out = ["1CClientBankExchange", "ВерсияФормата=1.03", "Кодировка=Windows",
           "РасчСчет=40702810000000000099", "СекцияРасчСчет",
           "РасчСчет=40702810000000000099", "КонецРасчСчет"]
    for i in range(entries):
        day = 1 + i % 28
        if i % 10 == 9:  # a tenth nobody's: kept unmatched
            inn, purpose = "7702000000", f"Оплата по счёту {i}"
        else:
            inn, purpose = INN, f"Оплата услуг связи по л/с 5010{1 + i % ACCOUNTS:08d}, без НДС"
        out += ["СекцияДокумент=Платежное поручение", f"Номер={i + 1}",
                f"Дата={day:02d}.10.2026", f"Сумма={100 + i % 5000}.{i % 100:02d}",
                f"ПлательщикСчет=407028109{i % 1000:011d}", f"Плательщик=ИНН {inn} ООО «Клиент»",
                f"ПлательщикИНН={inn}", "Плательщик1=ООО «Клиент»",
                "ПолучательСчет=40702810000000000099", f"ДатаПоступило={day:02d}.10.2026",
                f"НазначениеПлатежа={purpose}", "КонецДокумента"]
    out.append("КонецФайла")
    return ("\r\n".join(out) + "\r\n").encode("cp1251")


def _database(path: str) -> int:
    from corptui.database import open_database
    from storage.models import Company, PersonalAccount

    open_database(f"sqlite:///{path}", create=True)
    company = Company.create(name="ООО «Северный ветер»", inn=INN)
    PersonalAccount.insert_many([{"company": company.id, "number": f"5010{i:08d}"}
                                 for i in range(1, ACCOUNTS + 1)]).execute()
    return company.id


def _floor(path: str, data: bytes, company_id: int) -> float:
    start = time.perf_counter()
    docs, cur = [], None
    for line in data.decode("cp1251").splitlines():
        if line.startswith("СекцияДокумент"):
            cur = {}
        elif line == "КонецДокумента":
            docs.append(cur)
            cur = None
        elif cur is not None:
            k, _, v = line.partition("=")
            cur[k] = v
    con = sqlite3.connect(path)
    accounts = dict(con.execute("SELECT number, id FROM personal_account").fetchall())
    with con:
        for d in docs:
            acc = next((accounts[t] for t in d["НазначениеПлатежа"].replace(",", " ").split()
                        if t in accounts), None)
            amount = int(d["Сумма"].replace(".", ""))
            pid = None
            if acc is not None:
                pid = con.execute(
                    "INSERT INTO payment (company_id, account_id, paid_at, amount, type, "
                    "document_no, comment) VALUES (?, ?, ?, ?, 'bank_transfer', ?, ?)",
                    (company_id, acc, "2026-10-01 12:00:00", amount, d["Номер"],
                     d["НазначениеПлатежа"][:200])).lastrowid
            con.execute(
                "INSERT INTO statement_entry (company_id, key, document_no, paid_on, amount, "
                "payer, payer_inn, purpose, reason, file_name, file_sha256, line, payment_id, "
                "created_at) VALUES (?, ?, ?, '2026-10-01', ?, ?, ?, ?, '', 'f', '', 0, ?, "
                "'2026-10-01')", (company_id, f"floor-{d['Номер']}", d["Номер"], amount,
                                  d["Плательщик1"], d["ПлательщикИНН"],
                                  d["НазначениеПлатежа"], pid))
    con.close()
    return time.perf_counter() - start


def run(entries: int = 10_000, workdir: str | None = None) -> dict:
    from corptui import statement_import
    from corptui.database import close_database
    from corptui.session import Session
    from storage.models import Payment, StatementEntry

    workdir = workdir or tempfile.mkdtemp(prefix="corptui-bench-")
    os.makedirs(workdir, exist_ok=True)
    db = os.path.join(workdir, "import_payments.db")
    for suffix in ("", "-wal", "-shm"):
        Path(db + suffix).unlink(missing_ok=True)
    company_id = _database(db)
    data = statement(entries)
    file = os.path.join(workdir, "statement.txt")
    Path(file).write_bytes(data)
    session = Session.system(company_id, "bench")
    start, cpu = time.perf_counter(), time.process_time()
    prev = statement_import.preview(session, file)
    prev = statement_import.apply(session, prev)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert prev.error_count == 0
    payments = Payment.select().count()
    kept = StatementEntry.select().count()
    start = time.perf_counter()
    again = statement_import.apply(session, file)
    second = time.perf_counter() - start
    assert Payment.select().count() == payments and again.count("new") == 0
    close_database()
    floor = _floor(db, data, company_id)
    return {"n": entries, "seconds": seconds, "floor_seconds": floor,
            "cpu_seconds": round(cpu, 3), "payments": payments, "unmatched": kept - payments,
            "reimport_seconds": round(second, 3), "file_mb": round(len(data) / 2**20, 2),
            "target_seconds": 5.0, "within_target": seconds < 5.0}


def bench(args) -> dict:
    return run(int(os.environ.get("CORPTUI_BENCH_ENTRIES", "10000")), args.workdir)


BENCHES = {"import_payments": bench}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--workdir", default="")
    a = parser.parse_args()
    from run import finish

    print(json.dumps(finish("import_payments", run(a.entries, a.workdir or None)),
                     ensure_ascii=False))
