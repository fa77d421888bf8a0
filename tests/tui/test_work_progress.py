"""Long work on screen: the WorkProgress counts and its cancel key in the services wizard,
the import (read and apply), the export dialog, and the document history's cancel key.

The work is held mid-way by a gate (a threading.Event) in its progress callback, so the
counts and the cancel are tested at a known point, not raced."""

from __future__ import annotations

import pytest

import datetime as dt

from conftest import demo_session, make_app
from progress_gate import Gate, wait_for

from corptui import documents, export, importer
from corptui import options as options_uc
from screens.import_employees import ImportScreen
from screens.services_wizard import CheckTable, ServicesWizard
from screens.widgets.check_list import CheckList
from screens.widgets.work_progress import WorkProgress
from storage.models import AuditEntry, Document, PersonalAccount, Subscriber, SubscriberOption


async def settle(pilot, groups=None):
    await pilot.pause()
    mine = [w for w in pilot.app.workers if groups is None or w.group in groups]
    if mine:
        await pilot.app.workers.wait_for_complete(mine)
    await pilot.pause()


def _ids(session) -> list[int]:
    return [s.id for s in Subscriber.select(Subscriber.id)
            .where(Subscriber.company == session.company_id).order_by(Subscriber.msisdn)]


# -- the services wizard ----------------------------------------------------------------

async def test_wizard_check_shows_counts_and_esc_cancels_back_to_step_one(owner, monkeypatch,
                                                                          utc_english):
    gate = Gate(after=2)
    real = options_uc.check_plan

    def held(session, plan, ids, progress=None, cancelled=None, chunk=2000):
        return real(session, plan, ids, progress=gate.wrap(progress), chunk=10,
                    cancelled=cancelled)

    monkeypatch.setattr(options_uc, "check_plan", held)
    ids = _ids(owner)
    options_before = SubscriberOption.select().count()
    audit_before = AuditEntry.select().count()
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ServicesWizard(set(ids)))
        await pilot.pause()
        wizard = app.screen
        lst = wizard.query_one("#connect", CheckList)
        lst.selected = {lst._values.index("int-calls")}
        await pilot.press("ctrl+s")
        await wait_for(pilot, gate.reached)
        bar = wizard.query_one("#check-progress", WorkProgress)
        assert wizard.step == 2 and bar.display
        assert bar.text == f"Checked 20 of {len(ids)} numbers · esc cancels"
        await pilot.press("escape")
        assert bar.cancelled() and bar.text == "Cancelling..."
        gate.release.set()
        await settle(pilot, ("services-check",))
        assert wizard.step == 1 and not wizard.checking
        assert wizard.results == {}
        assert not wizard.query_one("#check-table", CheckTable).ids
        # the plan is still there: a second check runs to the end
        monkeypatch.setattr(options_uc, "check_plan", real)
        await pilot.press("ctrl+s")
        await settle(pilot, ("services-check",))
        assert wizard.step == 2 and len(wizard.results) == len(ids)
        assert not wizard.query_one("#check-progress").display
    assert SubscriberOption.select().count() == options_before
    assert AuditEntry.select().count() == audit_before


# -- the import ---------------------------------------------------------------------------

def _import_file(tmp_path, session, n: int):
    subs = list(Subscriber.select().where(Subscriber.company == session.company_id)
                .order_by(Subscriber.msisdn).limit(n))
    path = tmp_path / "staff.csv"
    path.write_text("".join(f"{s.msisdn},Новое Имя {i}\n" for i, s in enumerate(subs)),
                    encoding="utf-8")
    return path, subs


async def _to_preview(pilot, screen, path):
    screen.query_one("#path").value = str(path)
    screen.query_one("#path").focus()
    await pilot.press("enter")
    await settle(pilot, ("import-preview",))
    assert screen.step == "preview"


async def test_import_apply_counts_and_cancel_rolls_back(owner, tmp_path, monkeypatch,
                                                         utc_english):
    monkeypatch.setattr(importer, "CHUNK", 10)
    gate = Gate(after=3)  # (0, 40), (10, 40), (20, 40): two chunks written, then held
    real = importer.apply

    def held(session, source, skip_errors=False, progress=None, cancelled=None):
        return real(session, source, skip_errors=skip_errors, progress=gate.wrap(progress),
                    cancelled=cancelled)

    monkeypatch.setattr(importer, "apply", held)
    path, subs = _import_file(tmp_path, owner, 40)
    names = {s.id: s.full_name for s in subs}
    audit_before = AuditEntry.select().count()
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, ("numbers-query",))
        screen = ImportScreen()
        app.push_screen(screen)
        await pilot.pause()
        await _to_preview(pilot, screen, path)
        assert screen.preview.updated == 40
        await pilot.click("#apply")
        await wait_for(pilot, gate.reached)
        bar = screen.query_one("#apply-progress", WorkProgress)
        assert bar.text == "Imported 20 of 40 lines · esc cancels"
        await pilot.click("#apply-progress .work-cancel")
        assert bar.cancelled()
        gate.release.set()
        await settle(pilot, ("import-apply",))
        assert screen.step == "preview" and not screen.busy and not screen.applied
        error = str(screen.query_one("#apply-error").render())
        assert "cancelled" in error and "Nothing was changed" in error
        assert not bar.display
    after = dict(Subscriber.select(Subscriber.id, Subscriber.full_name)
                 .where(Subscriber.id.in_(list(names))).tuples())
    assert after == names
    assert AuditEntry.select().count() == audit_before


async def test_import_read_counts_and_esc_goes_back_to_the_file(owner, tmp_path, monkeypatch,
                                                                utc_english):
    monkeypatch.setattr(importer, "PROGRESS_EVERY", 10)
    gate = Gate(after=2)  # (0, 40), (10, 40)
    real = importer.preview

    def held(session, source, progress=None, cancelled=None):
        return real(session, source, progress=gate.wrap(progress), cancelled=cancelled)

    monkeypatch.setattr(importer, "preview", held)
    path, _subs = _import_file(tmp_path, owner, 40)
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, ("numbers-query",))
        screen = ImportScreen()
        app.push_screen(screen)
        await pilot.pause()
        screen.query_one("#path").value = str(path)
        screen.query_one("#path").focus()
        await pilot.press("enter")
        await wait_for(pilot, gate.reached)
        bar = screen.query_one("#read-progress", WorkProgress)
        assert bar.display and bar.text == "Read 10 of 40 lines · esc cancels"
        await pilot.press("escape")
        gate.release.set()
        await settle(pilot, ("import-preview",))
        assert app.screen is screen  # esc stopped the read, it did not close the wizard
        assert screen.step == "file" and not screen.busy and screen.preview is None
        assert not bar.display


# -- the export dialog ----------------------------------------------------------------------

@pytest.mark.today
async def test_export_counts_and_cancel_leaves_no_file(owner, tmp_path, monkeypatch,
                                                       utc_english):
    from corptui import calls

    monkeypatch.setattr(export, "PROGRESS_EVERY", 20)
    gate = Gate(after=3)  # 0, 20, 40 rows written
    real = calls.export

    def held(session, flt, fmt, path, progress=None, cancelled=None, **kwargs):
        return real(session, flt, fmt, path, progress=gate.wrap(progress),
                    cancelled=cancelled, **kwargs)

    monkeypatch.setattr(calls, "export", held)
    out = tmp_path / "out"
    out.mkdir()
    app = make_app(owner)
    # no day of its own: the demo is about the test's day (CI: a month's first and last)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        total = calls.totals(owner, app.screen.flt)["count"]  # what the screen shows
        assert total > 40
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#output").value = str(out / "calls.csv")
        await pilot.press("ctrl+s")
        await wait_for(pilot, gate.reached)
        bar = dialog.query_one(WorkProgress)
        assert bar.text == f"Wrote 40 of {total:,} rows · esc cancels"
        await pilot.press("escape")
        assert app.screen is dialog  # esc while writing stops the export, not the dialog
        gate.release.set()
        await settle(pilot, ("money-export",))
        assert app.screen is dialog and not dialog.busy
        assert "cancelled" in str(dialog.query_one("#dialog-status").render())
        assert list(out.iterdir()) == []
        await pilot.press("escape")  # now esc closes it
        await pilot.pause()
        assert app.screen is not dialog


# -- the document history -----------------------------------------------------------------

async def test_history_x_cancels_a_queued_document(seeded, utc_english):
    session = demo_session()
    acc = PersonalAccount.select().where(PersonalAccount.company == 1).first()
    doc = documents.order(session, "invoice", [acc.number], [], "2026-09-01", "2026-09-30",
                          "pdf", today=dt.date(2026, 11, 20))
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f12")
        await settle(pilot)
        screen = app.screen
        assert screen.current()["id"] == doc.id
        titles = [c.title for c in app.get_system_commands(screen)]
        assert "Documents: Cancel the document being prepared" in titles
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert Document.get_by_id(doc.id).state == "cancelled"
        assert screen.current()["state"] == "cancelled"
        cell = screen.query_one("DataTable").get_row(str(doc.id))[-1]
        assert str(cell) == "cancelled"
        # a second x says why not, changes nothing
        await pilot.press("x")
        await pilot.pause()
        assert app.screen is screen
        assert "only a queued or preparing" in str(screen.query_one("#docs-status").render())
    assert AuditEntry.select().where(AuditEntry.action == "document.cancel").count() == 1
