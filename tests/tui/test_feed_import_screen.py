"""The feeds' import wizard (screens/import_feeds.py) with Pilot on the seeded demo: a bank
statement from the payments screen (i), call records from the calls screen (i); the
preview changes nothing, Import writes everything with an audit entry naming the file's
hash; a file with errors cannot be imported. Snapshots at 80x24."""

from __future__ import annotations

import pytest
from conftest import demo_session, make_app
from textual.widgets import Button, Input, Static

from screens.import_feeds import FeedImportScreen
from screens.widgets.virtual_table import VirtualTable
from storage.models import AuditEntry, CallRecord, Payment, PersonalAccount, Subscriber

SIZE = (80, 24)
STATEMENT = (
    "1CClientBankExchange\r\nКодировка=Windows\r\nРасчСчет=40702810000000000099\r\n"
    "СекцияДокумент=Платежное поручение\r\nНомер=117\r\nДата=05.10.2026\r\nСумма=15000.00\r\n"
    "ПлательщикИНН=7701234560\r\nПлательщик1=ООО «Северный ветер»\r\n"
    "НазначениеПлатежа=Оплата услуг связи по л/с {account}\r\nКонецДокумента\r\n"
    "СекцияДокумент=Платежное поручение\r\nНомер=118\r\nДата=06.10.2026\r\nСумма=99.90\r\n"
    "ПлательщикИНН=7702000000\r\nПлательщик1=[b]ООО Кто-то[/b]\r\n"
    "НазначениеПлатежа=по счёту 55\r\nКонецДокумента\r\nКонецФайла\r\n")


@pytest.fixture(autouse=True)
def _utc_english(utc_english):
    """UTC and English (the conftest fixture)."""


async def _wait(pilot, group: str) -> None:
    await pilot.pause()
    mine = [w for w in pilot.app.workers if w.group == group]
    if mine:
        await pilot.app.workers.wait_for_complete(mine)
    await pilot.pause()


def _statement(tmp_path):
    account = PersonalAccount.select().where(PersonalAccount.company == 1).order_by(
        PersonalAccount.id).first()
    path = tmp_path / "statement.txt"
    path.write_bytes(STATEMENT.format(account=account.number).encode("cp1251"))
    return path


def _calls(tmp_path, bad: bool = False):
    sub = Subscriber.select().where(Subscriber.company == 1).order_by(Subscriber.msisdn).first()
    rows = ["record_id,started_at,number,direction,kind,counterpart,duration_seconds,"
            "volume_kb,roaming",
            f"op-1,2026-10-15T10:00:00+00:00,{sub.msisdn},out,voice,79161234567,65,0,no",
            f"op-2,2026-10-15T11:00:00+00:00,{sub.msisdn},out,sms,79161234567,0,0,no"]
    if bad:
        rows.append(f"op-3,2026-10-15T12:00:00+00:00,{sub.msisdn},sideways,voice,x,1,0,no")
    path = tmp_path / ("bad.csv" if bad else "calls.csv")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


async def _preview(pilot, path) -> FeedImportScreen:
    screen = pilot.app.screen
    assert isinstance(screen, FeedImportScreen)
    field = screen.query_one("#feed-path", Input)
    field.value = str(path)
    field.focus()
    await pilot.press("enter")
    await _wait(pilot, "feed-preview")
    return screen


def _rows(screen) -> list[str]:
    table = screen.query_one("#feed-table", VirtualTable)
    return ["".join(seg.text for seg in table.render_line(y)) for y in range(1, 6)]


async def test_a_statement_from_the_payments_screen(seeded, tmp_path):
    path = _statement(tmp_path)
    app = make_app(demo_session())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_section("payments")
        await pilot.pause()
        before = Payment.select().count()
        await pilot.press("i")  # the payments screen's import key
        await pilot.pause()
        screen = await _preview(pilot, path)
        assert screen.step == "preview" and Payment.select().count() == before
        totals = str(screen.query_one("#feed-totals", Static).render())
        assert "2 payments: 1 to accounts" in totals and "1 unmatched" in totals
        lines = _rows(screen)
        assert any("[b]" in ln and "? unmatched" in ln for ln in lines), lines
        await pilot.click("#feed-apply")
        await _wait(pilot, "feed-apply")
        assert screen.step == "result"
        assert Payment.select().count() == before + 1
        entry = AuditEntry.get(AuditEntry.action == "import.payments")
        result = str(screen.query_one("#feed-result", Static).render())
        assert entry.after["sha256"] in result and "statement.txt" in result


async def test_calls_with_a_bad_line_cannot_be_imported_then_good_ones_are(seeded, tmp_path):
    app = make_app(demo_session())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = CallRecord.select().count()
        app.open_section("calls")
        await pilot.pause()
        await pilot.press("i")  # the calls screen's import key
        await pilot.pause()
        screen = await _preview(pilot, _calls(tmp_path, bad=True))
        assert screen.query_one("#feed-apply", Button).disabled
        assert any("x direction" in ln for ln in _rows(screen)), _rows(screen)
        await pilot.press("escape")  # back to the file
        await pilot.pause()
        screen = await _preview(pilot, _calls(tmp_path))
        assert not screen.query_one("#feed-apply", Button).disabled
        await pilot.click("#feed-apply")
        await _wait(pilot, "feed-apply")
        assert CallRecord.select().count() == before + 2
        assert "2025" not in str(screen.query_one("#feed-result", Static).render())


def _snap(kind, make_path):
    async def run_before(pilot):
        await pilot.pause()
        pilot.app.push_screen(FeedImportScreen(kind, start_dir=str(make_path.parent)))
        await pilot.pause()
        await _preview(pilot, make_path)
    return run_before


def test_snapshot_statement_preview(snap_compare, seeded, tmp_path):
    path = _statement(tmp_path)
    assert snap_compare(make_app(demo_session()), terminal_size=SIZE,
                        run_before=_snap("payments", path))


def test_snapshot_calls_preview_with_an_error(snap_compare, seeded, tmp_path):
    path = _calls(tmp_path, bad=True)
    assert snap_compare(make_app(demo_session()), terminal_size=SIZE,
                        run_before=_snap("calls", path))
