"""Accounts, payments, charges and calls screens driven with Pilot on the seeded demo
database (anchored at 2026-10: the presets count from app.today, never the real today)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal

from conftest import demo_session, make_app, settle
from textual.widgets import Input, Select, Static

from corptui import calls, charges, payments
from corptui.calls import CallFilter
from corptui.i18n import money
from corptui.payments import PaymentFilter
from corptui.permissions import allowed
from screens.accounts import AccountsScreen
from screens.calls import CallsScreen
from screens.charges import ChargeLinesScreen, ChargesScreen, TopSpendersScreen
from screens.money_dialogs import ConfirmDialog, ExportDialog, FilterDialog
from screens.payments import PaymentsScreen
from screens.widgets.virtual_table import VirtualTable
from storage.models import PersonalAccount, Subscriber

TODAY = dt.date(2026, 10, 20)


def app_for(session):
    app = make_app(session)
    app.today = TODAY
    return app


def text_of(widget) -> str:
    return str(widget.render()).lower()


async def open_section(pilot, key, cls):
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, cls)
    return pilot.app.screen


async def test_each_screen_opens_by_its_key_from_numbers(owner):
    app = app_for(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        for key, cls in (("f3", AccountsScreen), ("f4", PaymentsScreen),
                         ("f5", ChargesScreen), ("f6", CallsScreen)):
            await pilot.press("f2")
            await open_section(pilot, key, cls)
            assert app.screen.query_one(VirtualTable).ids, f"{cls.__name__} shows nothing"


async def test_payments_all_then_amount_filter_changes_rows_and_totals(owner):
    app = app_for(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_section(pilot, "f4", PaymentsScreen)
        table = screen.query_one(VirtualTable)
        everything = payments.totals(owner, PaymentFilter())
        assert len(table.ids) == everything["count"]
        assert money(everything["sum"]) in screen.totals_text()

        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FilterDialog)
        app.screen.query_one("#amount_min", Input).value = "1 000,50"
        app.screen.query_one("#choice-type", Select).value = "card"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PaymentsScreen)
        want = payments.totals(owner, PaymentFilter(amount_min="1000.50", types=("card",)))
        assert 0 < want["count"] < everything["count"]
        assert len(table.ids) == want["count"]
        assert money(want["sum"]) in screen.totals_text()
        shown = [table.row(i) for i in table.ids]
        assert all(r["type"] == "card" and r["amount"] >= Decimal("1000.50") for r in shown)

        await pilot.press("2")  # last month of app.today: September 2026
        await settle(pilot)
        sept = PaymentFilter(amount_min="1000.50", types=("card",), date_from="2026-09-01",
                             date_to="2026-09-30")
        assert len(table.ids) == payments.totals(owner, sept)["count"]
        await pilot.press("x")
        await settle(pilot)
        assert len(table.ids) == everything["count"]


async def test_payments_filters_are_kept_for_the_session(owner):
    app = app_for(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_section(pilot, "f4", PaymentsScreen)
        await pilot.press("1")
        await settle(pilot)
        count = len(screen.query_one(VirtualTable).ids)
        await pilot.press("f2")
        screen = await open_section(pilot, "f4", PaymentsScreen)
        assert screen.state["period"] == "this_month"
        assert len(screen.query_one(VirtualTable).ids) == count
        october = PaymentFilter(date_from="2026-10-01", date_to="2026-10-31")
        assert count == payments.totals(owner, october)["count"]


async def test_payments_sort_by_amount(owner):
    app = app_for(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_section(pilot, "f4", PaymentsScreen)
        await pilot.press("o")  # date -> amount, largest first
        await settle(pilot)
        assert screen.flt.sort == "amount"
        table = screen.query_one(VirtualTable)
        amounts = [table.row(i)["amount"] for i in table.ids]
        assert amounts == sorted(amounts, reverse=True)


async def test_bad_amount_and_date_give_field_messages(owner):
    app = app_for(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_section(pilot, "f4", PaymentsScreen)
        await pilot.press("f")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#amount_min", Input).value = "abc"
        dialog.query_one("#date_from", Input).value = "2026-13-45"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog
        assert "not an amount" in text_of(dialog.query_one("#error-amount_min", Static))
        assert "not a date" in text_of(dialog.query_one("#error-date_from", Static))
        dialog.query_one("#amount_min", Input).value = "-5"
        dialog.query_one("#date_from", Input).value = "2026-10-05"
        dialog.query_one("#date_to", Input).value = "2026-10-01"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "negative" in text_of(dialog.query_one("#error-amount_min", Static))
        dialog.query_one("#amount_min", Input).value = ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "after" in text_of(dialog.query_one("#error-date_from", Static))
        dialog.query_one("#numbers", Input).value = "+7 000 000-00-00"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert text_of(dialog.query_one("#error-numbers", Static)).strip()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert len(screen.query_one(VirtualTable).ids) == payments.totals(
            owner, PaymentFilter())["count"]


async def _export(pilot, path, fmt="csv"):
    await pilot.press("e")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, ExportDialog)
    dialog.query_one("#format", Select).value = fmt
    await pilot.pause()
    dialog.query_one("#output", Input).value = str(path)
    await pilot.press("ctrl+s")
    await settle(pilot)
    return dialog


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


async def test_payments_export_writes_what_is_shown_and_asks_before_overwrite(owner, tmp_path):
    app = app_for(owner)
    target = tmp_path / "payments.csv"
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_section(pilot, "f4", PaymentsScreen)
        await pilot.press("2")  # September
        await settle(pilot)
        await _export(pilot, target)
        assert isinstance(app.screen, PaymentsScreen)
        rows = read_csv(target)
        flt = PaymentFilter(date_from="2026-09-01", date_to="2026-09-30")
        want = list(payments.iter_rows(owner, flt))
        assert len(rows) - 1 == len(want) == len(screen.query_one(VirtualTable).ids) > 0
        assert rows[0][0] == "Date"
        amount_col = rows[0].index("Amount")
        assert [Decimal(r[amount_col]) for r in rows[1:]] == [w["amount"] for w in want]

        # again: the file exists -> a question; "n" keeps it, "y" overwrites
        target.write_text("old", encoding="utf-8")
        dialog = await _export(pilot, target)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is dialog
        assert "exists" in text_of(dialog.query_one("#error-output", Static))
        assert target.read_text(encoding="utf-8") == "old"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, PaymentsScreen)
        assert len(read_csv(target)) == len(want) + 1


async def test_export_format_from_the_name_and_a_bare_name_to_the_exports_folder(owner,
                                                                                  tmp_path):
    from corptui import settings

    app = app_for(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_section(pilot, "f4", PaymentsScreen)
        await pilot.press("e")
        await pilot.pause()
        dialog = pilot.app.screen
        hint = text_of(dialog.query_one("#output-hint", Static)).replace("\n", "")
        assert settings.shown_path(settings.exports_dir()) in hint
        # the Select still says CSV: the name's extension decides, as in the CLI
        dialog.query_one("#output", Input).value = "september.json"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PaymentsScreen)
        written = settings.exports_dir() / "september.json"  # created on first use
        assert json.loads(written.read_text(encoding="utf-8")) is not None
        message = [n.message for n in app._notifications][-1]
        assert settings.shown_path(written) in message
        # Settings changes the folder
        folder = tmp_path / "mine"
        assert settings.save_exports_dir(owner, str(folder)) == folder
        await pilot.press("e")
        await pilot.pause()
        pilot.app.screen.query_one("#output", Input).value = "p"  # no extension: CSV
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert (folder / "p.csv").exists()


async def test_export_to_unwritable_place_is_a_field_error(owner, tmp_path):
    app = app_for(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_section(pilot, "f4", PaymentsScreen)
        dialog = await _export(pilot, tmp_path / "no-such-folder" / "p.csv")
        assert app.screen is dialog
        assert "no such folder" in text_of(dialog.query_one("#error-output", Static))
        dialog.query_one("#output", Input).value = "/proc/corptui-test.csv"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert "cannot write" in text_of(dialog.query_one("#error-output", Static))
        assert not list(tmp_path.glob("**/*.part"))


async def test_calls_export_xlsx_rows_match(owner, tmp_path):
    import openpyxl

    sub = Subscriber.select().where(Subscriber.company == owner.company_id).order_by(
        Subscriber.msisdn).first()
    app = app_for(owner)
    target = tmp_path / "calls.xlsx"
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_section(pilot, "f6", CallsScreen)
        await pilot.press("4")  # the year 2026
        await settle(pilot)
        year = CallFilter(date_from="2026-01-01", date_to="2026-12-31")
        assert len(screen.query_one(VirtualTable).ids) == calls.totals(owner, year)["count"]
        await pilot.press("f")
        await pilot.pause()
        app.screen.query_one("#numbers", Input).value = sub.msisdn
        await pilot.press("ctrl+s")
        await settle(pilot)
        one = CallFilter(subscriber_ids=(sub.id,), date_from="2026-01-01", date_to="2026-12-31")
        totals = calls.totals(owner, one)
        assert len(screen.query_one(VirtualTable).ids) == totals["count"]
        assert money(totals["cost"]) in screen.totals_text() + " ₽"
        await _export(pilot, target, "xlsx")
        sheet = openpyxl.load_workbook(target, read_only=True).active
        values = [r for r in sheet.iter_rows(values_only=True) if any(v is not None for v in r)]
        header = next(i for i, r in enumerate(values) if r[0] == "Date and time")
        body = values[header + 1 :]
        assert len(body) == totals["count"]
        cost = values[header].index("Cost")
        assert sum(Decimal(str(r[cost])) for r in body) == totals["cost"]


async def test_charges_months_drill_down_and_top_spenders(owner):
    app = app_for(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_section(pilot, "f5", ChargesScreen)
        want = charges.by_month(owner, None, "2026-05-01", "2026-10-01")
        assert [m["period"] for m in screen.months] == [m["period"] for m in reversed(want)]
        total = sum((m["total"] for m in want), Decimal("0.00"))
        assert money(total).replace(" ₽", "") in screen.totals_text()
        # the cursor starts on October; its kinds are listed with their sums
        october = want[-1]
        assert money(october["subscription"], symbol=False) in screen.kinds_text()
        await pilot.press("enter")
        await settle(pilot)
        lines = app.screen
        assert isinstance(lines, ChargeLinesScreen)
        table = lines.query_one(VirtualTable)
        assert sum((table.row(i)["amount"] for i in table.ids), Decimal(0)) == october["total"]
        await pilot.press("enter")  # the biggest spender's lines
        await pilot.pause()
        assert lines.view == "lines"
        numbers = {table.row(i)["number"] for i in table.ids}
        assert len(numbers) == 1
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TopSpendersScreen)
        top = charges.top_spenders(owner, dt.date(2026, 10, 1), limit=50)
        assert [r["number"] for r in app.screen.rows] == [r["number"] for r in top]


async def test_accounts_selection_opens_their_payments(owner):
    account = (PersonalAccount.select().where(PersonalAccount.company == owner.company_id)
               .order_by(PersonalAccount.number).first())
    app = app_for(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_section(pilot, "f3", AccountsScreen)
        await pilot.press("space")
        assert screen.query_one(VirtualTable).selected == {account.id}
        assert "Selected 1 of" in screen.selection_text()
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PaymentsScreen)
        want = payments.totals(owner, PaymentFilter(account_ids=(account.id,)))
        assert len(app.screen.query_one(VirtualTable).ids) == want["count"] > 0
        assert money(want["sum"]) in app.screen.totals_text()


async def test_viewer_reads_but_export_follows_the_matrix(seeded, tmp_path):
    viewer = demo_session("viewer")
    app = app_for(viewer)
    async with app.run_test(size=(80, 24)) as pilot:
        for key, cls in (("f4", PaymentsScreen), ("f5", ChargesScreen), ("f6", CallsScreen)):
            screen = await open_section(pilot, key, cls)
            assert screen.query_one(VirtualTable).ids
            await pilot.press("e")
            await pilot.pause()
            if allowed("viewer", "payments.export"):
                assert isinstance(app.screen, ExportDialog)
                await pilot.press("escape")
                await pilot.pause()
            else:
                assert app.screen is screen
                assert any(str(n.message).startswith("Only an owner, an admin or an accountant "
                                                     "can export") for n in app._notifications)


async def test_choose_numbers_with_checkboxes_then_their_payments(owner):
    from screens.money_dialogs import NumberPicker

    app = app_for(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_section(pilot, "f4", PaymentsScreen)
        await pilot.press("n")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, NumberPicker)
        table = picker.query_one(VirtualTable)
        assert len(table.ids) == 60
        await pilot.press("space", "space", "space")
        assert "selected 3 · shown 60" in text_of(picker.query_one("#picker-line", Static))
        chosen = tuple(sorted(table.selected))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert screen.state["picked"] == chosen
        assert "3 chosen numbers" in screen.filter_text()
        want = payments.totals(owner, PaymentFilter(subscriber_ids=chosen))
        assert len(screen.query_one(VirtualTable).ids) == want["count"]
        assert money(want["sum"]) in screen.totals_text()
        await pilot.press("x")
        await settle(pilot)
        assert screen.state["picked"] == ()


async def test_charges_export_pdf_has_cyrillic_names_and_json_rows_match(owner, tmp_path):
    import json

    from pypdf import PdfReader

    from corptui.charges import ChargeFilter

    app = app_for(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_section(pilot, "f5", ChargesScreen)
        await pilot.press("f")
        await pilot.pause()
        app.screen.query_one("#date_from", Input).value = "2026-10"
        app.screen.query_one("#date_to", Input).value = "2026-10"
        app.screen.query_one("#choice-kind", Select).value = "subscription"
        await pilot.press("ctrl+s")
        await settle(pilot)
        flt = ChargeFilter(date_from="2026-10-01", date_to="2026-10-01", kinds=("subscription",))
        want = list(charges.iter_lines(owner, flt))
        assert want
        await _export(pilot, tmp_path / "charges.json", "json")
        data = json.loads((tmp_path / "charges.json").read_text(encoding="utf-8"))
        rows = data if isinstance(data, list) else data.get("rows", data)
        assert len(rows) == len(want)
        await _export(pilot, tmp_path / "charges.pdf", "pdf")
        text = "".join(page.extract_text() for page in PdfReader(tmp_path / "charges.pdf").pages)
        named = next(w["employee"] for w in want if w["employee"])
        assert named.split()[0] in text


async def test_open_charges_for_one_number_from_elsewhere(owner):
    from screens.money_dialogs import open_for_numbers

    sub = Subscriber.select().where(Subscriber.company == owner.company_id).order_by(
        Subscriber.msisdn).first()
    app = app_for(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        open_for_numbers(app, "charges", [sub.id])
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChargesScreen)
        want = charges.by_month(owner, (sub.id,), "2026-05-01", "2026-10-01")
        assert [m["total"] for m in screen.months] == [m["total"] for m in reversed(want)]
        assert "1 chosen number ·" in screen.filter_text()


async def test_accounts_open_the_document_wizards_for_the_chosen_accounts(seeded):
    from conftest import demo_session, make_app

    from screens.document_wizard import DocumentWizard
    from screens.widgets.check_list import CheckList

    app = make_app(demo_session())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_section("accounts")
        await pilot.pause()
        await app.workers.wait_for_complete()
        screen = app.screen
        table = screen.table
        first = screen.rows[table.ids[0]]["number"]
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DocumentWizard) and app.screen.mode == "report"
        assert app.screen.query_one("#accounts", CheckList).values == [first]
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, DocumentWizard) and app.screen.mode == "act"


async def test_accounts_are_read_off_the_ui_thread(owner, monkeypatch):
    """Issue 21: the accounts' sums read every charge of the month (at 100,000 numbers
    more than a frame): the screen is up at once, the rows follow from a thread."""
    import threading

    from corptui import accounts as accounts_uc

    threads = []
    real = accounts_uc.list_accounts

    def spy(*args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(accounts_uc, "list_accounts", spy)
    app = app_for(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_section(pilot, "f3", AccountsScreen)
        assert threads == [False]
        assert screen.table.ids and len(screen.rows) == len(screen.table.ids)
        assert "accounts" in text_of(screen.query_one("#selection-line"))
