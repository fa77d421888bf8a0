"""Render the first page of each closing document of the demo company to PNG (the
pictures under docs/, referenced from the README), and check them by eye.

    python docs/make_document_pngs.py [--lang ru|en] [--out docs/]

Seeds a small demo database in a temporary folder, orders a reconciliation act, an act of
services, an invoice-facture and (the company switched to UPD) a UPD for the last billed
month, builds them and renders page 1 of each PDF with pypdfium2 (pip install pypdfium2)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="ru", choices=("ru", "en"))
    parser.add_argument("--out", default=str(ROOT / "docs"))
    parser.add_argument("--all-pages", action="store_true")
    args = parser.parse_args(argv)
    work = tempfile.mkdtemp(prefix="corptui-docs-")
    os.environ["CORPTUI_DATA_DIR"] = work
    from corptui import demo, documents, jobs
    from corptui.database import open_database
    from corptui.periods import add_months, month_end
    from corptui.session import Session
    from storage import schema
    from storage.models import PersonalAccount

    open_database(f"sqlite:///{work}/demo.db", check_schema=False)
    schema.upgrade()
    demo.seed(numbers=40, calls=600, months=4, seed=3)
    session = Session(company_id=1, role="owner", user_id=1, actor="docs", source="docs")
    account = PersonalAccount.select().where(PersonalAccount.company == 1).order_by(
        PersonalAccount.id).first()
    last = demo.ANCHOR
    today = month_end(last) + dt.timedelta(days=20)
    orders = [("reconciliation", add_months(last, -2), month_end(last)),
              ("act", last, month_end(last)), ("invoice-facture", last, month_end(last)),
              ("upd", last, month_end(last))]
    import pypdfium2 as pdfium

    for name, lo, hi in orders:
        if name == "upd":
            documents.set_forms(session, "upd")
        doc = documents.order(session, name, [account.number], [], lo, hi, "pdf",
                              today=today, language=args.lang)
        while jobs.run_one("docs", kinds=[documents.JOB_KIND]):
            pass
        row = documents.get(session, doc.id)
        assert row["state"] == "ready", row["error"]
        pdf = pdfium.PdfDocument(row["file"])
        pages = range(len(pdf)) if args.all_pages else range(1)
        for i in pages:
            image = pdf[i].render(scale=1.6).to_pil()
            suffix = f"-p{i + 1}" if args.all_pages else ""
            target = Path(args.out) / f"document-{name}-{args.lang}{suffix}.png"
            image.save(target)
            print(target, f"({len(pdf)} pages)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
