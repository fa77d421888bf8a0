"""Snapshots at 80x24 of the dialogs and screens no other snapshot file shows: the users
dialogs (add with errors, role, block confirmation, a user's details), the voluntary
password change, change applications history, top spenders, the dispute decision,
a document's summary, the automatic report form, the kiosk (welcome and PIN), saving a
view, the export overwrite question, the SIM stock import check, the tag name and colour
dialogs and the card's options. Seeded demo data, UTC, English, fixed dates."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import demo_session, make_app, settle
from textual.widgets import DataTable, Input

from corptui import change_applications, disputes
from storage.models import ChangeApplication, Charge, Subscriber, User

SIZE = (80, 24)
TODAY = dt.date(2026, 10, 20)


@pytest.fixture(autouse=True)
def _utc_english(utc_english):
    """Every test here: UTC and English (the conftest fixture)."""


def _app(role="owner"):
    app = make_app(demo_session(role))
    app.today = TODAY
    return app


def _first_ids(n=1):
    return [s.id for s in Subscriber.select(Subscriber.id).where(Subscriber.company == 1)
            .order_by(Subscriber.msisdn).limit(n)]


async def _type(pilot, selector, text):
    pilot.app.screen.query_one(selector).focus()
    await pilot.pause()
    await pilot.press(*text)


async def _section(pilot, name):
    await settle(pilot)
    pilot.app.open_section(name)
    await settle(pilot)


async def _cursor_to(pilot, user_phone):
    """The users table's cursor on the user with this login."""
    screen = pilot.app.screen
    user = User.get(User.phone == user_phone)
    screen.table.cursor = screen.table.ids.index(user.id)
    await pilot.pause()


# -- users ------------------------------------------------------------------------------

def test_add_user_with_errors(snap_compare, seeded):
    async def run_before(pilot):
        await _section(pilot, "users")
        await pilot.press("n")
        await pilot.pause()
        await _type(pilot, "#phone", "12345")
        await _type(pilot, "#full_name", "Петрова Анна")
        await _type(pilot, "#email", "anna@")
        await pilot.press("ctrl+s")
        await pilot.pause()

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("key", ["e", "b", "enter"], ids=["role", "block", "details"])
def test_user_dialog(snap_compare, seeded, key):
    """e: the role dialog; b: the block confirmation; enter: the user's details."""
    User.update(last_login_at=dt.datetime(2026, 10, 19, 8, 15, tzinfo=dt.UTC)).where(
        User.phone == "79001000004").execute()

    async def run_before(pilot):
        await _section(pilot, "users")
        await _cursor_to(pilot, "79001000004")
        await pilot.press(key)
        await pilot.pause()

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)


def test_change_password_voluntary_with_errors(snap_compare, seeded):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f9")
        await pilot.pause()
        screen = pilot.app.screen
        screen.query_one("#current_password", Input).value = "not-my-password"
        screen.query_one("#new_password", Input).value = "short"
        screen.query_one("#confirm", Input).value = "other"
        screen.query_one("#confirm", Input).focus()
        await pilot.press("enter")  # saves (no button press look, no timer: deterministic)
        await settle(pilot)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)


# -- services -----------------------------------------------------------------------------

def test_change_application_history(snap_compare, seeded):
    session = demo_session()
    ids = _first_ids(8)
    numbers = [s.msisdn for s in Subscriber.select().where(Subscriber.id.in_(ids))]
    change_applications.create(session, numbers[:2], "Тариф «Бизнес 500»",
                               comment="с 1 ноября", contact="+7 926 100-00-01")
    change_applications.create(session, numbers, "Роуминг Европа [b]", contact="it@example.ru")
    for i, app in enumerate(ChangeApplication.select().order_by(ChangeApplication.id)):
        at = dt.datetime(2026, 10, 14 + i, 10, 0, tzinfo=dt.UTC)
        ChangeApplication.update(created_at=at, updated_at=at,
                                 reference=f"Z-2026-{app.id:06d}").where(
            ChangeApplication.id == app.id).execute()

    async def run_before(pilot):
        from screens.change_applications import ChangeApplicationHistory

        await settle(pilot)
        pilot.app.push_screen(ChangeApplicationHistory())
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)


def test_card_options_dialog(snap_compare, seeded):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("enter")  # the card of the first number
        await settle(pilot)
        await pilot.press("ctrl+o")  # the focus is in a field: ctrl+o, not o
        await settle(pilot)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)


def test_import_stock_check_errors(snap_compare, seeded, tmp_path, monkeypatch):
    from corptui.sims import luhn_digit

    good = [luhn_digit(f"897010200000000{i:03d}") for i in range(2)]
    good = [f"897010200000000{i:03d}" + d for i, d in enumerate(good)]
    (tmp_path / "stock.csv").write_text(
        f"{good[0]};12345678\n{good[1]};87654321\n8970102000000000999;1234\nnot-a-sim;x\n",
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    async def run_before(pilot):
        from screens.sims import SimStockScreen

        await settle(pilot)
        pilot.app.push_screen(SimStockScreen())
        await settle(pilot)
        await pilot.press("i")
        await pilot.pause()
        await _type(pilot, "#path", "stock.csv")
        await pilot.click("#check")
        await pilot.pause(0.4)  # past the button's pressed look

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)


# -- money, disputes ----------------------------------------------------------------------

def test_top_spenders(snap_compare, seeded):
    async def run_before(pilot):
        await _section(pilot, "charges")
        await pilot.press("t")
        await settle(pilot)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)


def test_decide_dialog_accept_with_error(snap_compare, seeded):
    session = demo_session()
    charge = Charge.select().where(Charge.company == 1).order_by(Charge.id).first()
    dispute = disputes.open_dispute(session, charge.id, "Абонплата списана дважды")

    async def run_before(pilot):
        from screens.disputes import DecideDialog

        await settle(pilot)
        pilot.app.push_screen(DecideDialog(dispute, True))
        await pilot.pause()
        pilot.app.screen.query_one("#credit", Input).value = "99999999"
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)


def test_export_overwrite_confirm(snap_compare, seeded, tmp_path, monkeypatch):
    from corptui import settings

    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "payments.csv").write_text("old", encoding="utf-8")
    settings.save_exports_dir(demo_session(), str(folder))  # a bare name goes there
    # the question names the full path: shown as ~ under a fixed HOME (not a tmp name)
    monkeypatch.setenv("HOME", str(tmp_path))
    settings.save_exports_dir(demo_session(), "~/exports")

    async def run_before(pilot):
        await _section(pilot, "payments")
        await pilot.press("e")
        await pilot.pause()
        pilot.app.screen.query_one("#output", Input).value = "payments.csv"
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)


# -- documents ----------------------------------------------------------------------------

def test_document_summary(snap_compare, seeded):
    from corptui import documents
    from storage.models import PersonalAccount

    accounts = [a.number for a in PersonalAccount.select().where(PersonalAccount.company == 1)
                .order_by(PersonalAccount.number)]
    documents.order(demo_session(), "invoice", accounts[:2], [], "2026-09-01", "2026-09-30",
                    "xlsx", password="secret-1", notify_email="buh@example.ru", today=TODAY)

    async def run_before(pilot):
        await _section(pilot, "documents")
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)


def test_schedule_form_with_error(snap_compare, seeded):
    async def run_before(pilot):
        await _section(pilot, "schedules")
        await pilot.press("n")
        await pilot.pause()
        screen = pilot.app.screen
        screen.query_one("#accounts", Input).value = "501000000001"
        screen.query_one("#at_time", Input).value = "25:00"
        screen.query_one("#email", Input).value = "buh@example.ru"
        screen.action_ok()
        await pilot.pause()

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)


# -- numbers: views, tags -----------------------------------------------------------------

def test_save_view_dialog(snap_compare, seeded):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("slash", *"ива", "enter")
        await settle(pilot)
        await pilot.press("v")
        await pilot.pause()
        await pilot.press(*"Иваны")
        await pilot.pause()

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)


async def _tags(pilot):
    from screens.tags import TagsScreen

    await settle(pilot)
    screen = TagsScreen()
    pilot.app.push_screen(screen)
    await pilot.pause()
    return screen


def test_tag_name_dialog_with_error(snap_compare, seeded):
    async def run_before(pilot):
        screen = await _tags(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*screen.tags[0]["name"], "enter")  # taken: an error
        await pilot.pause()

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)


def test_color_dialog(snap_compare, seeded):
    async def run_before(pilot):
        screen = await _tags(pilot)
        screen.query_one(DataTable).move_cursor(row=1)
        await pilot.press("c")
        await pilot.pause()

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)


# -- kiosk --------------------------------------------------------------------------------

@pytest.fixture
def kiosk_app(tmp_path, monkeypatch):
    from corptui import kiosk
    from corptui.app import KioskApp
    from corptui.database import close_database, open_database

    monkeypatch.setenv("CORPTUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CORPTUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CORPTUI_KIOSK_PIN", "2468")
    pristine, working = kiosk.prepare(numbers=30)
    open_database(kiosk.reset(pristine, working))
    yield KioskApp(pristine, working, idle_seconds=600)
    close_database()


def test_kiosk_welcome(snap_compare, kiosk_app):
    assert snap_compare(kiosk_app, terminal_size=SIZE)


def test_kiosk_pin_wrong(snap_compare, kiosk_app):
    async def run_before(pilot):
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press(*"1111", "enter")
        await pilot.pause()

    assert snap_compare(kiosk_app, terminal_size=SIZE, run_before=run_before)
