"""Forwarding, SIM replacement, SIM stock, limits and change application dialogs,
driven with Pilot on the seeded demo database."""

from __future__ import annotations

from decimal import Decimal

from conftest import demo_session, make_app
from conftest import settle as _settle

from corptui import demo
from screens.card import EmployeeCard
from screens.change_applications import ChangeApplicationDialog, ChangeApplicationHistory
from screens.forwarding import ForwardingDialog
from screens.limits import LimitsDialog
from screens.sims import ImportStockDialog, ReplaceSimDialog, SimStockScreen
from screens.widgets.dialogs import ConfirmDialog
from screens.widgets.virtual_table import VirtualTable
from storage.models import ChangeApplication, ForwardingRule, SimCard, Subscriber


def _numbers(session, n=1):
    return list(Subscriber.select().where(Subscriber.company == session.company_id)
                .order_by(Subscriber.msisdn).limit(n))


def _error(screen, name) -> str:
    widget = screen.query_one(f"#error-{name}")
    return str(widget.render()) if widget.display else ""


async def _type(pilot, selector, text):
    widget = pilot.app.screen.query_one(selector)
    widget.focus()
    widget.value = ""
    await pilot.pause()
    await pilot.press(*text)


async def test_card_keys_open_the_service_dialogs(owner):
    sub = _numbers(owner)[0]
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        app.push_screen(EmployeeCard(sub.id))
        await _settle(pilot)
        card = app.screen
        await pilot.press("ctrl+f")  # the name field has the focus: ctrl+ works there
        await _settle(pilot)
        assert isinstance(app.screen, ForwardingDialog)
        assert card.query_one("#full_name").value == sub.full_name  # nothing typed
        await pilot.press("escape")
        await _settle(pilot)
        app.screen.query_one("#close").focus()
        await pilot.press("r")
        await _settle(pilot)
        assert isinstance(app.screen, ReplaceSimDialog)
        await pilot.press("escape")
        await _settle(pilot)
        await pilot.press("l")
        await _settle(pilot)
        assert isinstance(app.screen, LimitsDialog)


async def test_forwarding_add_with_field_errors_then_edit_and_delete(owner):
    sub = _numbers(owner)[0]
    ForwardingRule.delete().where(ForwardingRule.subscriber == sub.id).execute()
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        app.push_screen(ForwardingDialog([sub.id]))
        await _settle(pilot)
        screen = app.screen
        screen.query_one("#fwd-condition").value = "no_answer"
        await _type(pilot, "#target", "[red]x")
        await _type(pilot, "#delay", "45")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Not a phone number: [red]x" in _error(screen, "target")
        assert "5 to 30 seconds" in _error(screen, "delay")
        assert ForwardingRule.select().where(ForwardingRule.subscriber == sub.id).count() == 0
        await _type(pilot, "#target", "+7 495 123-45-67")
        await _type(pilot, "#delay", "15")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert _error(screen, "target") == "" and _error(screen, "delay") == ""
        rule = ForwardingRule.get(ForwardingRule.subscriber == sub.id)
        assert (rule.condition, rule.target, rule.delay_seconds) == ("no_answer", "74951234567", 15)
        # self-forwarding refused under the field
        await _type(pilot, "#target", sub.msisdn)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "itself" in _error(screen, "target")
        screen.query_one("#fwd-rules").focus()
        await pilot.pause()
        await pilot.press("delete")  # asks first, as disconnecting an option does
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "+7 495 123-45-67" in app.screen.text
        await pilot.press("n")
        await pilot.pause()
        assert ForwardingRule.select().where(ForwardingRule.subscriber == sub.id).count() == 1
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert ForwardingRule.select().where(ForwardingRule.subscriber == sub.id).count() == 0
        assert "No forwarding rules" in str(
            screen.query_one("#fwd-rules").get_option_at_index(0).prompt)
        await pilot.press("escape")
        await _settle(pilot)
        assert not isinstance(app.screen, ForwardingDialog)


async def test_forwarding_always_shows_it_overrides_the_conditional_rules(owner):
    from corptui import forwarding

    sub = _numbers(owner)[0]
    ForwardingRule.delete().where(ForwardingRule.subscriber == sub.id).execute()
    forwarding.add_rule(owner, sub.id, "busy", "84951112233")
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        app.push_screen(ForwardingDialog([sub.id]))
        await _settle(pilot)
        screen = app.screen
        screen.query_one("#fwd-condition").value = "unconditional"
        await _type(pilot, "#target", "84957778899")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "other rules are not in effect" in str(screen.query_one("#fwd-message").render())
        lst = screen.query_one("#fwd-rules")
        prompts = [str(lst.get_option_at_index(i).prompt) for i in range(lst.option_count)]
        assert any("overrides the other rules" in p for p in prompts)
        assert any("busy" in p and "not in effect" in p for p in prompts)


async def test_forwarding_bulk_preview_and_set(owner):
    subs = _numbers(owner, 5)
    ids = [s.id for s in subs]
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        app.push_screen(ForwardingDialog(ids))
        await _settle(pilot)
        screen = app.screen
        screen.query_one("#fwd-condition").value = "busy"
        await _type(pilot, "#target", "84951112233")
        await pilot.pause()
        message = str(screen.query_one("#fwd-message").render())
        assert "of 5 numbers" in message and "Preview" in message
        await pilot.press("ctrl+s")
        await _settle(pilot)  # a selection's change runs in a worker
        got = {r.subscriber_id for r in ForwardingRule.select().where(
            (ForwardingRule.condition == "busy") & (ForwardingRule.target == "74951112233"))}
        assert got == set(ids)


async def test_replace_sim_wrong_puk_then_right(owner):
    sub = _numbers(owner)[0]
    iccid, puk = demo.stock_sim(1, 0)
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        app.push_screen(ReplaceSimDialog(sub.id))
        await _settle(pilot)
        screen = app.screen
        await _type(pilot, "#iccid", iccid[:-1] + str((int(iccid[-1]) + 1) % 10))
        await _type(pilot, "#puk", "1234")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Luhn" in _error(screen, "iccid") and "8 digits" in _error(screen, "puk")
        await _type(pilot, "#iccid", iccid)
        await _type(pilot, "#puk", "00000000" if puk != "00000000" else "11111111")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "2 attempts left" in _error(screen, "puk")
        assert screen.query_one("#puk").value == ""  # never kept on screen
        assert SimCard.get(SimCard.iccid == iccid).puk_failures == 1
        await _type(pilot, "#puk", puk)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "is active" in str(screen.query_one("#sim-message").render())
        header = str(screen.query_one("#sim-current").render())
        assert f"Current SIM: {iccid}" in header  # the header follows the change
        new = SimCard.get(SimCard.iccid == iccid)
        assert (new.state, new.subscriber_id) == ("active", sub.id)


async def test_viewer_sees_read_only_dialogs(seeded):
    viewer = demo_session("viewer")
    sub = _numbers(viewer)[0]
    app = make_app(viewer)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        for dialog in (ForwardingDialog([sub.id]), ReplaceSimDialog(sub.id),
                       LimitsDialog([sub.id])):
            app.push_screen(dialog)
            await _settle(pilot)
            assert any("Read only" in str(w.render()) for w in app.screen.query("Static"))
            assert app.screen.query_one("#save, #replace").disabled
            assert app.screen.query_one("#close").has_focus
            await pilot.press("escape")
            await _settle(pilot)


async def test_stock_screen_states_and_import(owner, tmp_path):
    from corptui.sims import luhn_digit

    body = "897015500000000001"
    good = body + luhn_digit(body)
    path = tmp_path / "stock.txt"
    path.write_text(f"{good};12345678\n123;1\n", encoding="utf-8")
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        app.push_screen(SimStockScreen())
        await _settle(pilot)
        screen = app.screen
        table = screen.query_one(VirtualTable)
        before = len(table.ids)
        assert before == SimCard.select().where((SimCard.company == owner.company_id)
                                                & (SimCard.state == "in_stock")).count()
        await pilot.press("i")
        await _settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ImportStockDialog)
        await _type(pilot, "#path", str(path))
        await pilot.press("ctrl+s")
        await pilot.pause()
        result = str(dialog.query_one("#import-result").render())
        assert "1 bad line(s)" in result and "line 2:" in result
        assert not SimCard.select().where(SimCard.iccid == good).exists()
        path.write_text(f"{good};12345678\n", encoding="utf-8")
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert "Imported 1 SIM(s)" in str(dialog.query_one("#import-result").render())
        await pilot.press("escape")
        await _settle(pilot)
        assert len(screen.query_one(VirtualTable).ids) == before + 1
        screen.query_one("#stock-state").value = "active"
        await _settle(pilot)
        assert len(screen.query_one(VirtualTable).ids) == SimCard.select().where(
            (SimCard.company == owner.company_id) & (SimCard.state == "active")).count()


async def test_limits_single_and_bulk(owner):
    subs = _numbers(owner, 3)
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        app.push_screen(LimitsDialog([subs[0].id]))
        await _settle(pilot)
        screen = app.screen
        await _type(pilot, "#amount", "-5")
        await _type(pilot, "#notify_percent", "200")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "negative" in _error(screen, "amount")
        assert "1 to 100" in _error(screen, "notify_percent")
        await _type(pilot, "#amount", "1500,5")
        await _type(pilot, "#notify_percent", "90")
        screen.query_one("#roaming-ban").value = "on"
        await pilot.press("ctrl+s")
        await pilot.pause()
        sub = Subscriber.get_by_id(subs[0].id)
        assert (sub.spending_limit, sub.limit_notify_percent, sub.roaming_ban) == (
            Decimal("1500.50"), 90, True)
        await pilot.press("escape")
        await _settle(pilot)
        app.push_screen(LimitsDialog([s.id for s in subs]))
        await _settle(pilot)
        screen = app.screen
        screen.query_one("#data-ban").value = "on"
        await pilot.pause()
        assert "of 3 numbers change" in str(screen.query_one("#limits-message").render())
        await pilot.press("ctrl+s")
        await _settle(pilot)  # a selection's change runs in a worker
        rows = list(Subscriber.select().where(Subscriber.id.in_([s.id for s in subs])))
        assert all(r.data_ban for r in rows)
        # the bulk change kept each number's own limit
        assert Subscriber.get_by_id(subs[0].id).spending_limit == Decimal("1500.50")


async def test_change_application_form_and_history(owner):
    subs = _numbers(owner, 2)
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        app.push_screen(ChangeApplicationDialog([s.id for s in subs]))
        await _settle(pilot)
        screen = app.screen
        await _type(pilot, "#contact", "not-a-contact")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "required" in _error(screen, "desired")
        assert _error(screen, "contact")
        assert ChangeApplication.select().count() == 0
        await _type(pilot, "#desired", "Бизнес [b]Безлимит[/b]")
        await _type(pilot, "#contact", "a@b.ru")
        await pilot.press("ctrl+s")
        await pilot.pause()
        app_row = ChangeApplication.get()
        assert app_row.numbers.splitlines() == [s.msisdn for s in subs]
        assert app_row.reference in str(screen.query_one("#ca-message").render())
        screen.query_one("#history").press()
        await _settle(pilot)
        history = app.screen
        assert isinstance(history, ChangeApplicationHistory)
        assert len(history.query_one(VirtualTable).ids) == 1
        await pilot.press("enter")
        await pilot.pause()
        assert "Бизнес [b]Безлимит[/b]" in str(history.query_one("#cah-detail").render())
