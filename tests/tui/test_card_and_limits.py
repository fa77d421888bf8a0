"""The employee card and the limits dialog through Pilot: money as the one formatter
shows it, a limit with its spend, removing a limit only on purpose."""

from __future__ import annotations

from decimal import Decimal

from conftest import make_app
from conftest import settle as _settle

from corptui import cards, limits
from corptui.i18n import money
from screens.card import EmployeeCard
from screens.limits import LimitsDialog
from storage.models import Subscriber


def _sub(session):
    return (Subscriber.select().where(Subscriber.company == session.company_id)
            .order_by(Subscriber.msisdn).first())


def _screen_lines(app) -> str:
    """The screen as text lines (the SVG screenshot's text runs, row by row)."""
    import html
    import re

    rows: dict[str, list] = {}
    for x, y, text in re.findall(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>'
                                 r'([^<]*)</text>', app.export_screenshot()):
        rows.setdefault(y, []).append((float(x), html.unescape(text).replace("\u00a0", " ")))
    return "\n".join("".join(t for _x, t in sorted(runs))
                     for _y, runs in sorted(rows.items(), key=lambda r: float(r[0])))


def _text(screen, selector) -> str:
    return str(screen.query_one(selector).render())


async def test_card_shows_charges_in_rubles_and_the_limit_with_its_spend(owner, english):
    sub = _sub(owner)
    limits.set_limits(owner, [sub.id], amount="1500")
    data = cards.card(owner, sub.id)
    assert data["charges"], "the seeded number has charges"
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        app.push_screen(EmployeeCard(sub.id))
        await _settle(pilot)
        info = str(app.screen._info())
        for c in data["charges"][:2]:
            assert f"{c['period']:%m.%Y} {money(c['amount'])}" in info
        assert "RUB" not in info
        assert "Limit (l): " + limits.spend_line(data["limit_spend"]) in info
        assert " of 1,500.00 ₽ " in info


async def test_limits_dialog_reads_thousands_and_removes_only_on_purpose(owner, english):
    sub = _sub(owner)
    limits.set_limits(owner, [sub.id], amount="1500")
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        app.push_screen(LimitsDialog([sub.id]))
        await _settle(pilot)
        dialog = app.screen
        assert dialog.query_one("#amount").value == "1,500.00"
        assert " of 1,500.00 ₽ " in _text(dialog, "#limits-spend")
        dialog.query_one("#amount").value = "2,000"
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert Subscriber.get_by_id(sub.id).spending_limit == Decimal("2000.00")
        assert " of 2,000.00 ₽ " in _text(dialog, "#limits-spend")
        for typed in ("", "-"):
            dialog.query_one("#amount").value = typed
            await pilot.press("ctrl+s")
            await _settle(pilot)
            assert dialog.query_one("#error-amount").display
            assert Subscriber.get_by_id(sub.id).spending_limit == Decimal("2000.00")
        dialog.query_one("#remove-limit").press()
        await _settle(pilot)
        await pilot.press("y")  # the question: remove the limit?
        await _settle(pilot)
        assert app.screen is dialog
        assert Subscriber.get_by_id(sub.id).spending_limit is None
        assert dialog.query_one("#amount").value == ""
        assert not dialog.query_one("#remove-limit").display


async def test_card_starts_off_the_text_fields_so_its_keys_act(owner, english):
    from screens.card_options import CardOptionsDialog
    from screens.forwarding import ForwardingDialog
    from screens.help import HelpScreen
    from screens.insights import BlameDialog
    from screens.sims import ReplaceSimDialog

    sub = _sub(owner)
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        app.push_screen(EmployeeCard(sub.id))
        await _settle(pilot)
        card = app.screen
        assert app.focused is card.query_one("#card-summary")
        for key, dialog in (("o", CardOptionsDialog), ("w", ForwardingDialog),
                            ("r", ReplaceSimDialog), ("l", LimitsDialog), ("b", BlameDialog),
                            ("f1", HelpScreen)):
            await pilot.press(key)
            await _settle(pilot)
            assert isinstance(app.screen, dialog), key
            await pilot.press("escape")
            await _settle(pilot)
            assert app.screen is card, key
        assert card.query_one("#full_name").value == sub.full_name  # nothing typed over
        # enter on a row opens it too: the cursor starts on the limit
        assert app.focused is card.query_one("#card-summary"), app.focused
        await pilot.press("enter")
        await _settle(pilot)
        assert isinstance(app.screen, LimitsDialog)


async def test_card_shows_everything_at_80x24_with_a_footer(owner, english):
    sub = _sub(owner)
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        app.push_screen(EmployeeCard(sub.id))
        await _settle(pilot)
        shown = _screen_lines(app)
        for label in ("Name", "Position", "Tags", "Tariff", "Options (o)", "Forwarding (w)",
                      "SIM (r)", "Limit (l)", "Charges", "Save", "Close", "f1 Help"):
            assert label in shown, label


async def test_card_escape_with_unsaved_edits_asks(owner, english):
    from screens.widgets.dialogs import ConfirmDialog

    sub = _sub(owner)
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        app.push_screen(EmployeeCard(sub.id))
        await _settle(pilot)
        card = app.screen
        card.query_one("#full_name").value = "Новое Имя"
        await pilot.press("escape")
        await _settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # keep editing
        await _settle(pilot)
        assert app.screen is card and card.query_one("#full_name").value == "Новое Имя"
        await pilot.press("escape")
        await _settle(pilot)
        await pilot.press("y")  # discard
        await _settle(pilot)
        assert not isinstance(app.screen, (EmployeeCard, ConfirmDialog))
        assert Subscriber.get_by_id(sub.id).full_name == sub.full_name


async def test_card_refuses_a_500_character_name_with_a_message(owner, english):
    sub = _sub(owner)
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        app.push_screen(EmployeeCard(sub.id))
        await _settle(pilot)
        card = app.screen
        card.query_one("#full_name").value = "Я" * 500
        await pilot.pause()
        assert card.query_one("#full_name").value == "Я" * 500  # not cut
        assert "At most 200 characters (500 given)" in str(
            card.query_one("#error-full_name").render())
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert card.query_one("#error-full_name").display
        assert Subscriber.get_by_id(sub.id).full_name == sub.full_name
