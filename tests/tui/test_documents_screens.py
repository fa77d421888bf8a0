"""Pilot tests of the documents history, the two wizards and the automatic reports."""

from __future__ import annotations

import datetime as dt

from conftest import demo_session, make_app, settle

from corptui import documents, jobs, schedules
from storage.models import Document, PersonalAccount

TODAY = dt.date(2026, 11, 20)


def app(role="owner"):
    a = make_app(demo_session(role))
    a.today = TODAY
    return a


def run_jobs():
    while jobs.run_one("tui-test", kinds=[documents.JOB_KIND]):
        pass


async def open_documents(pilot):
    await settle(pilot)
    await pilot.press("f12")
    await settle(pilot)
    assert pilot.app.screen.SECTION == "documents"
    return pilot.app.screen


async def nxt(pilot):
    """Next / Finish of the wizard on top (as the button does)."""
    pilot.app.screen.action_next()
    await settle(pilot)


async def test_report_wizard_orders_a_document(seeded):
    a = app()
    async with a.run_test(size=(80, 24)) as pilot:
        await open_documents(pilot)
        await pilot.press("n")
        await settle(pilot)
        wiz = pilot.app.screen
        assert wiz.steps[wiz.index] == "accounts"
        await pilot.click("#next")  # Next with no account: the error stays on the step
        await settle(pilot)
        assert wiz.steps[wiz.index] == "accounts"
        assert "account" in str(wiz.query_one("#error-accounts").render())
        wiz.query_one("#accounts").focus()
        await pilot.press("space")  # tick the first account
        await settle(pilot)
        await nxt(pilot)
        assert wiz.steps[wiz.index] == "period"
        wiz.query_one("#date_to").value = "2026-12-31"  # in the future
        await nxt(pilot)
        assert wiz.steps[wiz.index] == "period"
        assert "future" in str(wiz.query_one("#error-date_to").render())
        wiz.query_one("#date_to").value = "2026-10-31"
        wiz.query_one("#copies").value = "2"
        await nxt(pilot)
        assert wiz.steps[wiz.index] == "kind"
        # the document's language, chosen with the keyboard (the user's own is first)
        wiz.query_one("#language").focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        assert wiz.values()["language"] == "ru"
        await nxt(pilot)
        assert wiz.steps[wiz.index] == "review"
        assert "Invoice" in str(wiz.query_one("#review-text").render())
        assert "Русский" in str(wiz.query_one("#review-text").render())
        await nxt(pilot)
        assert wiz.steps[wiz.index] == "notify"
        wiz.query_one("#email").value = "buh@example.ru"
        await pilot.click("#next")  # Finish
        await settle(pilot)
        assert pilot.app.screen.SECTION == "documents"
        doc = Document.select().order_by(Document.id.desc()).get()
        acc = PersonalAccount.select().where(PersonalAccount.company == 1).order_by(
            PersonalAccount.number).first()
        assert (doc.type, doc.copies, doc.scope["accounts"], doc.notify_email,
                doc.language) == ("invoice", 2, [acc.number], "buh@example.ru", "ru")
        assert "queued" in str(pilot.app.screen.query_one("#docs-table").get_row_at(0)[-1])
        run_jobs()
        await pilot.pause(1.3)  # the history polls every second
        await settle(pilot)
        assert "ready" in str(pilot.app.screen.query_one("#docs-table").get_row_at(0)[-1])


async def test_reconciliation_wizard_with_numbers(seeded):
    from storage.models import Subscriber

    a = app()
    async with a.run_test(size=(80, 24)) as pilot:
        await open_documents(pilot)
        await pilot.press("c")
        await settle(pilot)
        wiz = pilot.app.screen
        assert wiz.steps[wiz.index] == "account"
        await nxt(pilot)
        assert wiz.steps[wiz.index] == "numbers"
        wiz.query_one("#some").value = True
        await settle(pilot)
        wiz.query_one("#numbers").value = "+7 000"
        await nxt(pilot)
        assert wiz.steps[wiz.index] == "numbers"  # a bad number keeps the step
        acc = PersonalAccount.select().where(PersonalAccount.company == 1).order_by(
            PersonalAccount.number).first()
        sub = Subscriber.select().where(Subscriber.account == acc.id).first()
        wiz.query_one("#numbers").value = sub.msisdn
        await nxt(pilot)
        assert wiz.steps[wiz.index] == "period"
        await nxt(pilot)
        assert wiz.steps[wiz.index] == "notify", [str(w.render()) for w in wiz.query(".field-error, .step-error")]
        wiz.query_one("#sms").value = "+7 912 000-11-22"
        assert wiz.steps[wiz.index] == "notify"
        await nxt(pilot)
        assert not wiz.is_attached, [str(w.render()) for w in wiz.query(".field-error, .step-error")]
        doc = Document.select().order_by(Document.id.desc()).get()
        assert doc.type == "reconciliation_act" and doc.scope["numbers"] == [sub.msisdn]
        assert doc.notify_sms == "79120001122" and doc.format == "pdf"


async def test_history_save_email_reorder_delete(seeded, tmp_path):
    session = demo_session()
    acc = PersonalAccount.select().where(PersonalAccount.company == 1).first()
    documents.order(session, "invoice", [acc.number], [], "2026-09-01", "2026-09-30",
                          "pdf", password="secret-1", today=TODAY)
    run_jobs()
    a = app()
    async with a.run_test(size=(80, 24)) as pilot:
        await open_documents(pilot)
        screen = pilot.app.screen
        await pilot.press("enter")
        await settle(pilot)
        assert "Invoice No." in str(pilot.app.screen.query_one("Static").render())
        await pilot.press("escape")
        await settle(pilot)
        # preview: the document's text layout, scrollable, esc back
        await pilot.press("v")
        await settle(pilot)
        from screens.documents import PreviewDialog

        assert isinstance(pilot.app.screen, PreviewDialog)
        shown = str(pilot.app.screen.query_one("#preview-text").render())
        assert "Invoice No. 1 of 30 Sep 2026" in shown and "Total" in shown
        await pilot.press("pagedown", "escape")
        await settle(pilot)
        assert pilot.app.screen is screen
        # save: wrong password, then right; the file is an encrypted PDF
        await pilot.press("s")
        await settle(pilot)
        dlg = pilot.app.screen
        target = tmp_path / "inv.pdf"
        dlg.query_one("#path").value = str(target)
        dlg.query_one("#password").value = "nope-nope"
        await pilot.click("#ok")
        await settle(pilot)
        assert "wrong password" in str(dlg.query_one("#error-password").render()).lower()
        dlg.query_one("#password").value = "secret-1"
        pilot.app.screen.action_ok()
        await settle(pilot)
        from pypdf import PdfReader

        assert target.exists() and PdfReader(target).is_encrypted
        # save again: asks before overwriting
        await pilot.press("s")
        await settle(pilot)
        dlg = pilot.app.screen
        dlg.query_one("#path").value = str(target)
        dlg.query_one("#password").value = "secret-1"
        pilot.app.screen.action_ok()
        await settle(pilot)
        assert "already exists" in str(dlg.query_one("#form-message").render())
        pilot.app.screen.action_ok()
        await settle(pilot)
        assert pilot.app.screen is screen
        # email
        await pilot.press("e")
        await settle(pilot)
        dlg = pilot.app.screen
        dlg.query_one("#email").value = "bad"
        pilot.app.screen.action_ok()
        await settle(pilot)
        assert "email" in str(dlg.query_one("#error-email").render()).lower()
        dlg.query_one("#email").value = "x@example.ru"
        dlg.query_one("#password").value = "secret-1"
        pilot.app.screen.action_ok()
        await settle(pilot)
        from storage.models import Notification

        assert Notification.get(Notification.recipient == "x@example.ru").attachment.endswith(".pdf")
        # reorder, delete with confirmation
        await pilot.press("r")
        await settle(pilot)
        assert Document.select().count() == 2
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert Document.select().count() == 1


async def test_viewer_is_told_before_any_step_that_ordering_is_not_for_the_role(seeded):
    a = app("viewer")
    async with a.run_test(size=(80, 24)) as pilot:
        screen = await open_documents(pilot)
        footer = screen.query_one("KeysFooter").offered
        assert "New" not in footer and "Act" not in footer and "Save" not in footer
        status = str(screen.query_one(f"#{screen.STATUS_ID}").render())
        assert "n orders" not in status and "owner, admin, accountant" in status
        for key in ("c", "n"):
            await pilot.press(key)
            await settle(pilot)
            assert pilot.app.screen is screen  # no wizard to walk through
        assert [n.message for n in pilot.app._notifications][-1] == (
            "Only an owner, an admin or an accountant can order documents. "
            "You are logged in as viewer.")
        titles = {c.title: c.help for c in pilot.app.get_system_commands(screen)}
        assert "only owner, admin, accountant" in titles["Documents: New reconciliation act"]
        assert Document.select().count() == 0


async def test_schedules_screen(seeded):
    a = app()
    async with a.run_test(size=(80, 24)) as pilot:
        await open_documents(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert pilot.app.screen.SECTION == "schedules"
        await pilot.press("n")
        await settle(pilot)
        dlg = pilot.app.screen
        acc = PersonalAccount.select().where(PersonalAccount.company == 1).first()
        dlg.query_one("#accounts").value = acc.number
        # type, format, period and day are choices; the days follow the period
        from textual.widgets import Select

        day = dlg.query_one("#day", Select)
        assert [v for _label, v in day._options][-1] == "28"  # monthly: 1-28, no 31
        dlg.query_one("#period", Select).value = "weekly"
        await settle(pilot)
        assert [str(lb) for lb, _v in day._options][:2] == ["Mon", "Tue"]
        dlg.query_one("#period", Select).value = "monthly"
        await settle(pilot)
        day.value = "5"
        dlg.query_one("#format", Select).value = "xlsx"
        dlg.query_one("#email").value = "a@example.ru"
        pilot.app.screen.action_ok()
        await settle(pilot)
        rows = schedules.list_schedules(demo_session())
        assert len(rows) == 1 and rows[0]["when"] == "monthly, day 5 09:00"
        assert rows[0]["format"] == "xlsx"
        # the list shows the next run; enter on the row edits it
        screen = pilot.app.screen
        from corptui.i18n import date_text

        table = screen.query_one("DataTable")
        assert date_text(rows[0]["next_run_at"], with_time=True) in [
            str(c) for c in table.get_row_at(0)]
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is not screen
        assert pilot.app.screen.query_one("#day", Select).value == "5"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert schedules.list_schedules(demo_session())[0]["active"] is False
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert schedules.list_schedules(demo_session()) == []


async def test_palette_lists_the_screen_actions(seeded):
    a = app()
    async with a.run_test(size=(80, 24)) as pilot:
        await open_documents(pilot)
        titles = [c.title for c in pilot.app.get_system_commands(pilot.app.screen)]
        for action in ("New reconciliation act", "Save the document to a file",
                       "Send the document by email", "Automatic reports"):
            assert any(action in t for t in titles), action
        cmd = next(c for c in pilot.app.get_system_commands(pilot.app.screen)
                   if c.title == "Documents: New reconciliation act")
        cmd.callback()
        await settle(pilot)
        assert pilot.app.screen.steps[0] == "account"
