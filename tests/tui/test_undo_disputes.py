"""Undo of the last bulk change and disputes of charges in the TUI (Pilot + snapshots at
80x24) on the seeded demo database."""

from __future__ import annotations

from decimal import Decimal

from conftest import demo_session, make_app, settle
from textual.widgets import DataTable, Input, Static

from corptui import disputes as disputes_uc
from corptui import tags as tags_uc
from screens.disputes import DecideDialog, DisputeDialog, DisputesScreen
from screens.undo import UndoDialog
from storage.models import Charge, Dispute, Payment, Subscriber, SubscriberTag

SIZE = (80, 24)


def _links() -> set:
    return set(SubscriberTag.select(SubscriberTag.subscriber, SubscriberTag.tag).tuples())


def _first_ids(n: int) -> list[int]:
    return [i for (i,) in Subscriber.select(Subscriber.id).where(Subscriber.company == 1)
            .order_by(Subscriber.id).limit(n).tuples()]


def _assign(session, n=3) -> dict:
    name = tags_uc.list_tags(session)[0]["name"]
    return tags_uc.assign(session, _first_ids(n), add=[name])


def _text(screen, selector) -> str:
    return str(screen.query_one(selector, Static).render())


async def _push(app, pilot, screen):
    await pilot.pause()
    result = []
    app.push_screen(screen, result.append)
    await pilot.pause()
    return result


async def test_undo_dialog_previews_and_undoes(owner):
    before = _links()
    changed = _assign(owner)
    assert changed["numbers_changed"] > 0
    app = make_app(owner)
    async with app.run_test(size=SIZE) as pilot:
        dialog = UndoDialog()
        result = await _push(app, pilot, dialog)
        text = _text(dialog, "#undo-text")
        assert "Undo the tag assignment made just now" in text
        assert f"{changed['numbers_changed']} number" in text
        assert _links() != before  # the preview changes nothing
        await pilot.press("u")
        await settle(pilot)  # the undo runs in a worker
        assert result == [True]
    assert _links() == before


async def test_undo_dialog_reports_changed_since_and_nothing_left(owner):
    changed = _assign(owner, 2)
    sid = _first_ids(1)[0]
    SubscriberTag.delete().where(SubscriberTag.subscriber == sid).execute()
    admin = demo_session("admin")
    app = make_app(admin)
    async with app.run_test(size=SIZE) as pilot:
        # the admin did not make the change: nothing of theirs to undo
        dialog = UndoDialog()
        result = await _push(app, pilot, dialog)
        assert "Nothing to undo" in _text(dialog, "#undo-text")
        await pilot.press("u")  # no-op without a preview
        await pilot.press("escape")
        await pilot.pause()
        assert result == [False]
    app = make_app(owner)
    async with app.run_test(size=SIZE) as pilot:
        dialog = UndoDialog()
        result = await _push(app, pilot, dialog)
        text = _text(dialog, "#undo-text")
        assert "1 number changed since, left as they are" in text
        assert "removed since" in text
        await pilot.click("#undo")
        await settle(pilot)  # the undo runs in a worker
        assert result == [True]
        assert changed["operation"]
        again = UndoDialog(changed["operation"])
        result = await _push(app, pilot, again)
        assert "already been undone" in _text(again, "#undo-text")


def _roaming_or_first() -> Charge:
    return Charge.select().where(Charge.company == 1).order_by(Charge.amount.desc(),
                                                               Charge.id).first()


async def test_dispute_dialog_errors_then_opens(owner):
    charge = _roaming_or_first()
    app = make_app(owner)
    async with app.run_test(size=SIZE) as pilot:
        dialog = DisputeDialog(charge.id)
        result = await _push(app, pilot, dialog)
        await pilot.press("enter")  # no reason
        await pilot.pause()
        error = dialog.query_one("#reason-error", Static)
        assert error.display and "give a reason" in str(error.render())
        dialog.query_one("#reason", Input).value = "[b]not ours[/b]"
        dialog.query_one("#attachment", Input).value = "/no/such/file.pdf"
        await pilot.press("enter")
        await pilot.pause()
        assert "no such file" in str(dialog.query_one("#attachment-error", Static).render())
        assert Dispute.select().count() == 0
        dialog.query_one("#attachment", Input).value = ""
        await pilot.press("enter")
        await pilot.pause()
        assert result and result[0]["reason"] == "[b]not ours[/b]"
    d = Dispute.get()
    assert (d.charge_id, d.status, d.reason) == (charge.id, "open", "[b]not ours[/b]")


async def test_disputes_screen_accept_and_reject(owner):
    charges = list(Charge.select().where(Charge.company == 1).order_by(Charge.id).limit(2))
    first = disputes_uc.open_dispute(owner, charges[0].id, "first")
    second = disputes_uc.open_dispute(owner, charges[1].id, "second")
    app = make_app(owner)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_section("disputes")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DisputesScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == 2
        assert screen.current()["id"] == second["id"]  # newest first
        await pilot.press("i")
        await pilot.pause()
        assert Dispute.get_by_id(second["id"]).status == "in_review"
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, DecideDialog)
        dialog.query_one("#credit", Input).value = "0"
        await pilot.press("enter")
        await pilot.pause()
        assert "positive" in str(dialog.query_one("#credit-error", Static).render())
        dialog.query_one("#credit", Input).value = "1.50"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert Dispute.get_by_id(second["id"]).credit == Decimal("1.50")
        assert Payment.select().where(Payment.comment.contains(f"dispute #{second['id']}")
                                      ).count() == 1
        table.move_cursor(row=1)
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        app.screen.query_one("#reason", Input).value = "the fee is right"
        await pilot.press("enter")
        await pilot.pause()
        assert Dispute.get_by_id(first["id"]).status == "rejected"
        assert "the fee is right" in _text(screen, "#disputes-detail")


def test_snapshot_undo_dialog(snap_compare, seeded):
    session = demo_session("owner")
    _assign(session, 4)
    sid = _first_ids(1)[0]
    SubscriberTag.delete().where(SubscriberTag.subscriber == sid).execute()

    async def run_before(pilot):
        await pilot.pause()
        pilot.app.push_screen(UndoDialog())
        await pilot.pause()

    assert snap_compare(make_app(session), terminal_size=SIZE, run_before=run_before)


def test_snapshot_dispute_dialog_with_error(snap_compare, seeded):
    session = demo_session("owner")
    charge = _roaming_or_first()

    async def run_before(pilot):
        await pilot.pause()
        pilot.app.push_screen(DisputeDialog(charge.id))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(make_app(session), terminal_size=SIZE, run_before=run_before)


def test_snapshot_disputes_screen(snap_compare, seeded):
    session = demo_session("owner")
    charges = list(Charge.select().where(Charge.company == 1).order_by(Charge.id).limit(3))
    disputes_uc.open_dispute(session, charges[0].id, "Абонплата списана дважды [b]x[/b]")
    d = disputes_uc.open_dispute(session, charges[1].id, "roaming")
    disputes_uc.accept(session, d["id"], "10")
    d = disputes_uc.open_dispute(session, charges[2].id, "sms")
    disputes_uc.reject(session, d["id"], "the SMS were sent")

    async def run_before(pilot):
        await pilot.pause()
        pilot.app.open_section("disputes")
        await pilot.pause()

    assert snap_compare(make_app(session), terminal_size=SIZE, run_before=run_before)


async def test_charge_lines_d_opens_the_dispute_dialog(owner):
    import datetime as dt

    from screens.charges import ChargeLinesScreen

    app = make_app(owner)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        lines = ChargeLinesScreen(dt.date(2026, 10, 1), None, None, "all numbers")
        app.push_screen(lines)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("d")  # numbers view: a hint, no dialog
        await pilot.pause()
        assert app.screen is lines
        await pilot.press("enter")  # the biggest spender's lines
        await pilot.pause()
        assert lines.view == "lines"
        line = lines.rows[lines.table.cursor_id]
        await pilot.press("d")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, DisputeDialog) and dialog.charge_id == line["id"]
        dialog.query_one("#reason", Input).value = "double charge"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is lines
    assert Dispute.get().charge_id == line["id"]
