"""The "Tariffs and options" wizard driven with Pilot on the seeded demo database:
choose, check (marks and the reason under the table on keyboard focus and on mouse
hover), apply to the numbers that pass, summary; field errors; viewer read-only."""

from __future__ import annotations

from conftest import demo_session, make_app
from conftest import settle as _settle

from corptui import options
from screens.services_wizard import CheckTable, ServicesWizard
from screens.widgets.check_list import CheckList
from storage.models import AuditEntry, Option, Subscriber, SubscriberOption


def _company_ids(session) -> list[int]:
    return [s.id for s in Subscriber.select(Subscriber.id)
            .where(Subscriber.company == session.company_id).order_by(Subscriber.msisdn)]


def _has(sid: int, code: str) -> bool:
    return (SubscriberOption.select().join(Option)
            .where((SubscriberOption.subscriber == sid) & (Option.code == code)
                   & (SubscriberOption.state != "disconnected")).exists())


async def _open(app, pilot, ids):
    results = []
    await _settle(pilot)
    app.push_screen(ServicesWizard(set(ids)), results.append)
    await pilot.pause()
    return app.screen, results


def _mark(screen, list_id: str, code: str) -> None:
    lst = screen.query_one(f"#{list_id}", CheckList)
    lst.selected = {lst._values.index(code)}
    lst.refresh()


async def test_check_marks_failing_numbers_and_shows_reason_on_cursor_and_hover(owner):
    ids = _company_ids(owner)
    expected = options.check(owner, "int-calls", ids)
    failing = [i for i in ids if not expected[i]["ok"]]
    assert failing and len(failing) < len(ids)
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, _ = await _open(app, pilot, ids)
        _mark(screen, "connect", "int-calls")
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert screen.step == 2
        table = screen.query_one(CheckTable)
        assert len(table.ids) == len(ids)
        passing = len(ids) - len(failing)
        count = str(screen.query_one("#count").render())
        assert f"{passing} of {len(ids)} can get it" in count
        # failing numbers first, each marked with "!" as text
        first = table.ids[0]
        assert first in failing
        line = "".join(seg.text for seg in table.render_line(1))
        assert line[1] == "!"
        # the "!" is yellow
        seg = [s for s in table.render_line(1) if s.text == "!"][0]
        assert seg.style.color is not None and seg.style.color.name == "yellow"
        # keyboard: the cursor row's reasons in the line under the table
        assert table.has_focus
        reason = screen.selected_reason()
        assert all(r in reason for r in expected[first]["reasons"])
        assert reason.startswith("!")
        # move the cursor to a passing row: "ok"
        await pilot.press("end")
        await pilot.pause()
        assert screen.selected_reason().endswith(": ok")
        # mouse hover: the hovered row's reasons (line and tooltip), not the cursor's
        await pilot.press("home")
        await pilot.pause()
        second = table.ids[1]
        assert second in failing
        await pilot.hover(CheckTable, offset=(5, 2))
        await pilot.pause()
        hovered = screen.selected_reason()
        assert all(r in hovered for r in expected[second]["reasons"])
        assert expected[second]["msisdn"][-2:] in hovered.replace("-", "")
        assert table.tooltip is not None
        assert expected[second]["reasons"][0] in str(table.tooltip)
        ok_index = len(failing)  # the first passing row, visible at 80x24 when few fail
        if ok_index < 10:
            await pilot.hover(CheckTable, offset=(5, ok_index + 1))
            await pilot.pause()
            assert screen.selected_reason().endswith(": ok")


async def test_apply_to_those_that_pass_then_summary(owner):
    ids = _company_ids(owner)[:20]
    expected = options.check(owner, "int-calls", ids)
    passing = [i for i in ids if expected[i]["ok"]]
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, results = await _open(app, pilot, ids)
        _mark(screen, "connect", "int-calls")
        await pilot.click("#check")
        await _settle(pilot)
        assert str(screen.query_one("#apply").label) == f"Apply to {len(passing)}"
        await pilot.click("#apply")
        await _settle(pilot)
        assert screen.step == 3
        summary = str(screen.query_one("#summary").render())
        assert f"Applied to {len(passing)} number(s)" in summary
        await pilot.click("#close")
        await pilot.pause()
        assert results == [True]
    assert all(_has(i, "int-calls") for i in passing)
    assert AuditEntry.select().where(AuditEntry.action == "options.connect").count() == \
        len(passing)


async def test_recheck_on_apply_skips_a_number_changed_meanwhile(owner):
    ids = _company_ids(owner)
    expected = options.check(owner, "int-calls", ids)
    target = next(i for i in ids if expected[i]["ok"])
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, results = await _open(app, pilot, [target])
        _mark(screen, "connect", "int-calls")
        await pilot.press("ctrl+s")
        await _settle(pilot)
        Subscriber.update(status="blocked").where(Subscriber.id == target).execute()
        await pilot.press("ctrl+s")
        await _settle(pilot)
        summary = str(screen.query_one("#summary").render())
        assert "Applied to 0 number(s)" in summary
        assert "1 number(s) did not get every change" in summary
        assert "Номер заблокирован" in summary
    assert not _has(target, "int-calls")


async def test_step_one_field_errors(owner):
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, _ = await _open(app, pilot, _company_ids(owner)[:3])
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.step == 1
        assert "choose a tariff" in str(screen.query_one("#error-changes").render()).lower()
        _mark(screen, "connect", "geo")
        screen.query_one("#date_from").value = "31.02.2030"
        screen.query_one("#date_until").value = "01.01.2020"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.step == 1
        assert "not a date" in str(screen.query_one("#error-date_from").render())
        assert str(screen.query_one("#error-changes").render()) == ""
        screen.query_one("#date_from").value = ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "after the start" in str(screen.query_one("#error-date_until").render())
        # escape cancels from step 1
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ServicesWizard)


async def test_viewer_can_check_but_not_apply(seeded):
    viewer = demo_session("viewer")
    app = make_app(viewer)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, _ = await _open(app, pilot, _company_ids(viewer)[:5])
        assert "Read only" in str(screen.query_one("#readonly").render())
        _mark(screen, "connect", "geo")
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert screen.step == 2
        assert screen.query_one("#apply").disabled
        screen.action_apply()
        await pilot.pause()
        assert "may not" in str(screen.query_one("#count").render())


async def test_now_as_its_placeholder_says_and_each_number_gets_what_it_can(owner):
    ids = _company_ids(owner)
    a = options.check(owner, "int-calls", ids)
    b = options.check(owner, "geo", ids)
    # numbers that can get one of the two options but not the other
    mixed = [i for i in ids if a[i]["ok"] != b[i]["ok"]][:3]
    both = [i for i in ids if a[i]["ok"] and b[i]["ok"]][:2]
    assert mixed and both
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, results = await _open(app, pilot, mixed + both)
        _mark(screen, "connect", "int-calls")
        lst = screen.query_one("#connect", CheckList)
        lst.selected = {lst._values.index("int-calls"), lst._values.index("geo")}
        screen.query_one("#date_from").value = "now"
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert screen.step == 2, str(screen.query_one("#error-date_from").render())
        count = str(screen.query_one("#count").render())
        total = len(mixed) + len(both)
        assert f"{total} of {total} can get one or more of the changes" in count
        lines = count.splitlines()
        for code, got in (("int-calls", a), ("geo", b)):
            name = Option.get(Option.code == code).name
            line = next(x for x in lines if x.startswith(f"+ {name}:"))
            assert f"{sum(1 for i in mixed + both if got[i]['ok'])} can get it" in line
        assert str(screen.query_one("#apply").label) == f"Apply to {total}"
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert screen.step == 3
    for i in mixed + both:
        for code, got in (("int-calls", a), ("geo", b)):
            assert _has(i, code) == (got[i]["ok"] or got[i]["already"])


# -- the options of one number (employee card) ---------------------------------------------

async def test_card_options_disconnect_with_confirm_and_add(owner):
    from screens.card_options import CardOptionsDialog
    from screens.money_dialogs import ConfirmDialog

    sid = next(i for i in _company_ids(owner)
               if options.number_options(owner, i)["options"])
    before = options.number_options(owner, sid)
    first = before["options"][0]
    addable = [o for o in before["available"] if o["ok"]]
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        results = []
        app.push_screen(CardOptionsDialog(sid), results.append)
        await pilot.pause()
        dialog = app.screen
        assert len(dialog.query_one("#opt-connected").ids) == len(before["options"])
        line = "".join(s.text for s in dialog.query_one("#opt-connected").render_line(1))
        assert "[x]" not in line and "×" in line  # not a ticked checkbox: one symbol each
        assert first["price"].to_eng_string()[:3] in line
        assert "x or delete disconnects" in str(dialog.query_one(".opt-label").render())
        await pilot.press("x")  # as the heading says
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # no: nothing changes
        await pilot.pause()
        assert _has(sid, first["code"])
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert not _has(sid, first["code"])
        assert "Disconnected" in str(dialog.query_one("#opt-message").render())
        # add: the list holds only options the number can have
        available = dialog.query_one("#opt-available")
        assert len(available.ids) >= len(addable)
        to_add = dialog.available[0]["code"]
        await pilot.press("a")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert "Connected" in str(dialog.query_one("#opt-message").render())
        await pilot.press("escape")
        await pilot.pause()
        assert results == [True]
    assert _has(sid, to_add)
    after = options.number_options(owner, sid)
    assert len(after["options"]) == len(before["options"])  # one off, one on


async def test_card_opens_the_options_dialog_with_ctrl_o(owner):
    from screens.card import EmployeeCard
    from screens.card_options import CardOptionsDialog

    sid = _company_ids(owner)[0]
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        app.push_screen(EmployeeCard(sid))
        await pilot.pause()
        await pilot.press("ctrl+o")  # works while the name field has the focus
        await pilot.pause()
        assert isinstance(app.screen, CardOptionsDialog)
        title = str(app.screen.query_one("#opt-title").render())
        number = Subscriber.get_by_id(sid).msisdn
        assert number[-2:] in title
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, EmployeeCard)


async def test_card_options_says_another_option_needs_it_before_asking(owner):
    import datetime as dt

    from screens.card_options import CardOptionsDialog
    from screens.money_dialogs import ConfirmDialog

    sid = next(i for i in _company_ids(owner)
               if options.check(owner, "roam-world", [i])[i]["ok"])
    options.connect(owner, "roam-world", [sid])
    last = (dt.datetime.now() + dt.timedelta(days=30)).date()
    options.connect(owner, "roam-eu", [sid], date_until=last.strftime("%d.%m.%Y"))
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        app.push_screen(CardOptionsDialog(sid))
        await pilot.pause()
        dialog = app.screen
        table = dialog.query_one("#opt-connected")
        names = [o["code"] for o in dialog.data["options"]]
        eu = dialog.data["options"][names.index("roam-eu")]
        line = "".join(s.text for s in table.render_line(1 + names.index("roam-eu")))
        from corptui.i18n import date_text
        assert date_text(last) in line  # the last day typed, not the midnight after it
        table.cursor = names.index("roam-world")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        message = str(dialog.query_one("#opt-message").render())
        assert "cannot be disconnected" in message and eu["name"] in message
    assert _has(sid, "roam-world")
