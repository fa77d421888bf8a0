"""Bulk changes of the numbers console on screen: the forwarding and limits dialogs and
the services wizard's apply show WorkProgress counts while they run; esc or the Cancel
button rolls the change back and the dialog says nothing was changed.

The work is held mid-way by a gate in its progress callback (inside the use case's
transaction), so the counts and the cancel are tested at a known point, not raced."""

from __future__ import annotations

from decimal import Decimal

from conftest import make_app
from progress_gate import Gate, wait_for

from corptui import forwarding, limits
from corptui import options as options_uc
from screens.forwarding import ForwardingDialog
from screens.limits import LimitsDialog
from screens.services_wizard import ServicesWizard
from screens.widgets.check_list import CheckList
from screens.widgets.work_progress import WorkProgress
from storage.models import AuditEntry, ForwardingRule, Subscriber, SubscriberOption


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _ids(session) -> list[int]:
    return [s.id for s in Subscriber.select(Subscriber.id)
            .where(Subscriber.company == session.company_id).order_by(Subscriber.msisdn)]


def _text(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def test_forwarding_bulk_set_counts_and_esc_rolls_back(owner, monkeypatch, utc_english):
    monkeypatch.setattr(forwarding, "CHUNK", 10)
    gate = Gate(after=2)
    real = forwarding.bulk_set

    def held(session, ids, condition, target, delay=None, progress=None, cancelled=None):
        return real(session, ids, condition, target, delay, progress=gate.wrap(progress),
                    cancelled=cancelled)

    monkeypatch.setattr(forwarding, "bulk_set", held)
    ids = _ids(owner)
    rules_before = ForwardingRule.select().count()
    audit_before = AuditEntry.select().count()
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ForwardingDialog(ids))
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#fwd-condition").value = "busy"
        dialog.query_one("#target").value = "84951112233"
        await pilot.press("ctrl+s")
        await wait_for(pilot, gate.reached)
        bar = dialog.query_one("#fwd-progress", WorkProgress)
        assert bar.display and dialog.busy
        assert bar.text == f"Set the rule on 10 of {len(ids)} numbers · esc cancels"
        assert dialog.query_one("#save").disabled and dialog.query_one("#target").disabled
        await pilot.press("ctrl+s")  # a second save while one runs does nothing
        await pilot.press("escape")
        assert bar.cancelled() and bar.text == "Cancelling..."
        assert app.screen is dialog  # esc cancels the work, it does not close the dialog
        gate.release.set()
        await settle(pilot)
        assert not bar.display and not dialog.busy
        assert _text(dialog, "#fwd-message") == "Cancelled: nothing was changed."
        assert not dialog.query_one("#save").disabled and not dialog.changed
        assert ForwardingRule.select().count() == rules_before
        assert AuditEntry.select().count() == audit_before
        # the form is kept: saving again runs to the end
        monkeypatch.setattr(forwarding, "bulk_set", real)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _text(dialog, "#fwd-message").startswith(f"Set on {len(ids)} numbers")
        assert dialog.changed
    assert ForwardingRule.select().where(ForwardingRule.condition == "busy").count() >= len(ids)


async def test_forwarding_bulk_delete_cancel_button_keeps_the_rules(owner, monkeypatch,
                                                                   utc_english):
    monkeypatch.setattr(forwarding, "CHUNK", 10)
    ids = _ids(owner)
    forwarding.bulk_set(owner, ids, "unreachable", "84951112233")
    gate = Gate(after=2)
    real = forwarding.bulk_delete

    def held(session, ids, condition=None, progress=None, cancelled=None):
        return real(session, ids, condition, progress=gate.wrap(progress),
                    cancelled=cancelled)

    monkeypatch.setattr(forwarding, "bulk_delete", held)
    rules_before = ForwardingRule.select().count()
    audit_before = AuditEntry.select().count()
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ForwardingDialog(ids))
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#fwd-condition").value = "unreachable"
        await pilot.pause()
        dialog.action_delete()
        await pilot.pause()
        assert f"rules of {len(ids)} numbers?" in app.screen.text
        await pilot.press("y")  # deleting asks first
        await wait_for(pilot, gate.reached)
        bar = dialog.query_one("#fwd-progress", WorkProgress)
        assert bar.text == f"Deleted 10 of {len(ids)} rules · esc cancels"
        await pilot.click("#fwd-progress .work-cancel")
        assert bar.cancelled()
        gate.release.set()
        await settle(pilot)
        assert "nothing was changed" in _text(dialog, "#fwd-message")
    assert ForwardingRule.select().count() == rules_before
    assert AuditEntry.select().count() == audit_before


async def test_limits_bulk_counts_and_esc_rolls_back(owner, monkeypatch, utc_english):
    monkeypatch.setattr(limits, "CHUNK", 10)
    gate = Gate(after=2)
    real = limits.set_limits

    def held(session, ids, progress=None, cancelled=None, **changes):
        return real(session, ids, progress=gate.wrap(progress), cancelled=cancelled,
                    **changes)

    monkeypatch.setattr(limits, "set_limits", held)
    ids = _ids(owner)
    before = list(Subscriber.select(Subscriber.id, Subscriber.spending_limit,
                                    Subscriber.roaming_ban).order_by(Subscriber.id).tuples())
    audit_before = AuditEntry.select().count()
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(LimitsDialog(ids))
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#amount").value = "2500"
        dialog.query_one("#roaming-ban").value = "on"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for(pilot, gate.reached)
        bar = dialog.query_one("#limits-progress", WorkProgress)
        assert bar.display and bar.text.startswith("Changed 10 of ")
        assert bar.text.endswith("numbers · esc cancels")
        await pilot.press("escape")
        assert bar.cancelled() and app.screen is dialog
        gate.release.set()
        await settle(pilot)
        assert _text(dialog, "#limits-message") == "Cancelled: nothing was changed."
        assert not dialog.query_one("#amount").disabled
    assert list(Subscriber.select(Subscriber.id, Subscriber.spending_limit,
                                  Subscriber.roaming_ban).order_by(Subscriber.id).tuples()) \
        == before
    assert AuditEntry.select().count() == audit_before


async def test_services_apply_counts_and_esc_rolls_back(owner, monkeypatch, utc_english):
    monkeypatch.setattr(options_uc, "APPLY_CHUNK", 10)
    gate = Gate(after=2)
    real = options_uc.apply_plan

    def held(session, plan, ids, progress=None, cancelled=None):
        return real(session, plan, ids, progress=gate.wrap(progress), cancelled=cancelled)

    monkeypatch.setattr(options_uc, "apply_plan", held)
    ids = _ids(owner)
    options_before = list(SubscriberOption.select(
        SubscriberOption.id, SubscriberOption.state).order_by(SubscriberOption.id).tuples())
    audit_before = AuditEntry.select().count()
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ServicesWizard(set(ids)))
        await pilot.pause()
        wizard = app.screen
        lst = wizard.query_one("#connect", CheckList)
        lst.selected = {lst._values.index("who-called")}
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert wizard.step == 2
        passing = sum(1 for r in wizard.results.values() if r["ok"])
        assert passing > 10
        await pilot.press("ctrl+s")
        await wait_for(pilot, gate.reached)
        bar = wizard.query_one("#check-progress", WorkProgress)
        assert bar.display
        assert bar.text == f"Applied 10 of {passing} changes · esc cancels"
        await pilot.press("escape")
        assert bar.cancelled() and bar.text == "Cancelling..."
        gate.release.set()
        await settle(pilot)
        assert wizard.step == 2 and not wizard.checking and not bar.display
        assert "nothing was changed" in _text(wizard, "#count")
        assert not wizard.query_one("#apply").disabled
        assert list(SubscriberOption.select(SubscriberOption.id, SubscriberOption.state)
                    .order_by(SubscriberOption.id).tuples()) == options_before
        assert AuditEntry.select().count() == audit_before
        # apply again: runs to the end and shows the summary
        monkeypatch.setattr(options_uc, "apply_plan", real)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert wizard.step == 3 and wizard.applied
    assert SubscriberOption.select().count() == len(options_before) + passing


async def test_undo_counts_and_esc_rolls_back(owner, monkeypatch, utc_english):
    from corptui import undo as undo_uc
    from screens.undo import UndoDialog

    ids = _ids(owner)
    done = limits.set_limits(owner, ids, amount="777")
    gate = Gate(after=1)
    real = undo_uc.undo

    def held(session, operation, progress=None, cancelled=None):
        return real(session, operation, progress=gate.wrap(progress), cancelled=cancelled)

    monkeypatch.setattr(undo_uc, "undo", held)
    audit_before = AuditEntry.select().count()
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        result = []
        app.push_screen(UndoDialog(done["operation"]), result.append)
        await pilot.pause()
        dialog = app.screen
        await pilot.press("u")
        await wait_for(pilot, gate.reached)
        bar = dialog.query_one("#undo-progress", WorkProgress)
        assert bar.text == f"Restored 0 of {len(ids)} numbers · esc cancels"
        await pilot.press("escape")
        assert bar.cancelled() and app.screen is dialog
        gate.release.set()
        await settle(pilot)
        assert result == [] and not bar.display
        assert "nothing was changed" in _text(dialog, "#undo-error")
        assert not dialog.query_one("#undo").disabled
    assert AuditEntry.select().count() == audit_before
    assert {s.spending_limit for s in Subscriber.select().where(Subscriber.id.in_(ids))} \
        == {Decimal("777")}
