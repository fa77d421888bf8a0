"""The app in Russian: chosen by CORPTUI_LANG / LANG or by the settings' language; the
login screen and the numbers console show Russian labels, keys and counts."""

from __future__ import annotations

import pytest
from conftest import demo_session, make_app
from conftest import settle as _settle
from textual.widgets import Button, Label, Static

from corptui import i18n


@pytest.fixture(autouse=True)
def back_to_english():
    yield
    i18n.set_language("en")


def _texts(screen, kind) -> list[str]:
    return [str(w.render()) for w in screen.query(kind)]


def _footer(screen) -> str:
    from screens.widgets.keys_footer import KeysFooter

    return screen.query_one(KeysFooter).offered


async def test_login_screen_in_russian_from_the_environment(seeded, monkeypatch):
    monkeypatch.setenv("CORPTUI_LANG", "ru")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "LoginScreen"
        labels = _texts(screen, Label)
        assert "Номер телефона" in labels and "Пароль" in labels
        assert {str(b.label) for b in screen.query(Button)} == {"Вход", "Заявка на доступ"}
        assert "Горячая линия для юрлиц" in str(screen.query_one("#login-info", Static).render())
        footer = _footer(screen)
        assert "Заявка на доступ" in footer and "Справка" in footer and "Команды" in footer
        # a wrong password: the use case's message is in Russian too
        await pilot.click("#phone")
        await pilot.press(*"+79001000001")
        await pilot.press("enter", *"wrong-password", "enter")
        await pilot.pause()
        message = str(screen.query_one("#login-message", Static).render())
        assert message and not any("a" <= ch.lower() <= "z" for ch in message), message


async def test_english_stays_english(seeded, monkeypatch):
    monkeypatch.setenv("CORPTUI_LANG", "en")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Phone number" in _texts(app.screen, Label)
        assert "Apply for access" in _footer(app.screen)


async def test_numbers_console_in_russian_from_the_settings(seeded, monkeypatch):
    from corptui import settings

    monkeypatch.delenv("CORPTUI_LANG", raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    session = demo_session()
    settings.save_ui(session, "textual-dark", 15, "ru")
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "NumbersScreen"
        assert i18n.language() == "ru"
        assert str(screen.query_one("#search-label", Static).render()) == "Поиск:"
        assert str(screen.query_one("#topbar").render()).startswith("Номера · ")
        footer = _footer(screen)
        for label in ("Поиск", "Фильтр", "Теги"):
            assert label in footer, footer
        await pilot.press("space", "space")
        await pilot.pause()
        line = str(screen.query_one("#selection-line", Static).render())
        assert line.startswith("Выбрано 2 · показано ") and "всего" in line, line
        table = screen.query_one("#numbers-table")
        header = "".join(seg.text for seg in table.render_line(0))
        assert "Номер" in header and "Сотрудник" in header, header
        # help lists the screen's keys in Russian
        await pilot.press("f1")
        await pilot.pause()
        help_text = str(app.screen.query_one(Static).render())
        assert "Этот экран" in help_text and "Клавиши на всех экранах" in help_text


def test_numbers_console_russian_snapshot(snap_compare, seeded, monkeypatch):
    monkeypatch.setenv("CORPTUI_LANG", "ru")

    async def run_before(pilot):
        await _settle(pilot)
        await pilot.press("space", "space", "down")

    assert snap_compare(make_app(demo_session()), terminal_size=(80, 24), run_before=run_before)


async def test_payments_filter_and_amounts_in_russian(seeded, monkeypatch):
    monkeypatch.setenv("CORPTUI_LANG", "ru")
    app = make_app(demo_session())
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        app.open_section("payments")
        await _settle(pilot)
        screen = app.screen
        assert str(screen.query_one("#topbar").render()).startswith("Платежи · ")
        # amounts in the table use the Russian decimal comma
        table = screen.query_one("VirtualTable")
        rows = ["".join(seg.text for seg in table.render_line(y)) for y in range(1, 6)]
        assert any(",00" in r or any(f",{d}" in r for d in "0123456789") for r in rows), rows
        assert not any(".00 " in r for r in rows), rows
        await pilot.press("f")
        await pilot.pause()
        labels = _texts(app.screen, Label)
        assert "Период" in labels and "Тип" in labels, labels


# English UI words that must not be left on a Russian screen (data such as tariff names
# and option names may be English; these are labels, keys and counts of the app itself)
ENGLISH_LEFTOVERS = ("Numbers", "Payments", "Accounts", "Cancel", "Total", "selected",
                     "Selected", "Filter", "Search", "Amount", "Status", "State", "Period",
                     "Document", "records", "entries", "balance", "numbers", "accounts",
                     "Help", "Back", "Quit", "Export", "Name", "Role", "Last", "none")


def _screen_text(app) -> str:
    import html
    import re

    svg = app.export_screenshot()
    text = " ".join(html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    return text.replace("\u00a0", " ")


async def test_every_section_in_russian_has_no_english_labels(seeded, monkeypatch):
    import re

    from screens.actions import SECTIONS

    monkeypatch.setenv("CORPTUI_LANG", "ru")
    app = make_app(demo_session())
    async with app.run_test(size=(120, 30)) as pilot:
        await _settle(pilot)
        leftovers = {}
        for name in SECTIONS:
            app.open_section(name)
            await _settle(pilot)
            assert getattr(app.screen, "SECTION", None) == name
            text = _screen_text(app)
            found = [w for w in ENGLISH_LEFTOVERS if re.search(rf"\b{w}\b", text)]
            if found:
                leftovers[name] = found
        assert leftovers == {}

# and on the dialogs: their buttons, field labels, choices and hints
DIALOG_LEFTOVERS = ENGLISH_LEFTOVERS + (
    "Apply", "Check", "Save", "Close", "Add", "Remove", "Import", "File", "Reason", "Tag",
    "Tariff", "Account", "any", "optional", "comma", "Connect", "Disconnect", "Step", "step",
    "Preview", "keep", "banned", "allowed", "Limits", "always", "blue", "dates", "number",
    "Open", "Paste", "Reason", "Attachment", "Delete", "Next", "Keys", "hotline")

# (section, keys that open the dialog from that section's screen, what the dialog is)
DIALOGS = [
    ("numbers", ("f",), "FilterDialog"),
    ("numbers", ("a", "t"), "AssignTagsDialog"),
    ("numbers", ("a", "s"), "ServicesWizard"),
    ("numbers", ("a", "w"), "ForwardingDialog"),
    ("numbers", ("a", "l"), "LimitsDialog"),
    ("numbers", ("p",), "SelectByListDialog"),
    ("numbers", ("v",), "SaveViewDialog"),
    ("numbers", ("ctrl+o",), "ImportScreen"),
    ("numbers", ("g", "n"), "TagNameDialog"),
    ("numbers", ("f1",), "HelpScreen"),
    ("numbers", ("ctrl+g",), "SectionMenu"),
    ("charges", ("down", "enter", "enter", "d"), "DisputeDialog"),
    ("payments", ("e",), "ExportDialog"),
    ("documents", ("n",), "DocumentWizard"),
    ("schedules", ("n",), "ScheduleDialog"),
    ("users", ("n",), "AddUserDialog"),
]


@pytest.mark.today
async def test_every_main_dialog_in_russian_has_no_english_labels(seeded, monkeypatch):
    """Each main dialog, opened by its key from its screen in Russian: no English labels,
    keys or counts of the app (data such as option codes may stay as they are)."""
    import re

    monkeypatch.setenv("CORPTUI_LANG", "ru")
    app = make_app(demo_session())
    # no day of its own: the demo is about the test's day (CI: a month's first and last)
    leftovers, opened = {}, []
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        for section, keys, _expected in DIALOGS:
            app.open_section(section)
            await _settle(pilot)
            depth = len(app.screen_stack)
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
                if section == "charges":  # the drill-down loads in a worker
                    await _settle(pilot)
            name = type(app.screen).__name__
            opened.append(name)
            text = _screen_text(app)
            found = [w for w in DIALOG_LEFTOVERS if re.search(rf"\b{w}\b", text)]
            if found:
                leftovers[name] = found
            while len(app.screen_stack) > depth:
                app.pop_screen()
                await pilot.pause()
    assert opened == [expected for _s, _k, expected in DIALOGS]
    assert leftovers == {}
