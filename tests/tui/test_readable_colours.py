"""Readable in 16 colours: the theme follows the terminal when the settings name none,
and the ansi themes draw every input's border in a colour a black terminal shows."""

from __future__ import annotations

import pytest
from conftest import make_app
from conftest import settle as _settle

from corptui import settings


@pytest.mark.parametrize("env, theme", [
    ({"TERM": "xterm"}, "ansi-dark"),                       # SSH: COLORTERM not forwarded
    ({"TERM": "xterm", "COLORTERM": "truecolor"}, "textual-dark"),
    ({"TERM": "xterm-256color"}, "textual-dark"),
    ({"TERM": "xterm-256color", "NO_COLOR": "1"}, "ansi-dark"),
    ({}, "ansi-dark"),
])
def test_terminal_theme(env, theme):
    assert settings.terminal_theme(env) == theme


async def test_login_in_16_colours_shows_every_input(sqlite_url, monkeypatch):
    from corptui.database import open_database

    open_database(sqlite_url)
    monkeypatch.delenv("COLORTERM", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        assert app.theme == "ansi-dark"
        password = app.screen.query_one("#password")
        assert not password.has_focus
        colour = password.styles.border_left[1]
        # ansi_black (0) on a black terminal was an invisible password field
        assert colour.ansi not in (None, 0), colour


async def test_radio_buttons_mark_only_the_chosen_row():
    """Textual's RadioButton drew "●" on every row (told apart by colour only)."""
    from textual.app import App
    from textual.widgets import RadioSet

    from screens.widgets.radio_list import MarkedRadioButton

    class One(App):
        def compose(self):
            with RadioSet():
                yield MarkedRadioButton("PDF", value=True)
                yield MarkedRadioButton("XLSX")

    app = One()
    async with app.run_test() as pilot:
        first, second = app.query(MarkedRadioButton)
        assert "●" in str(first.render()) and "●" not in str(second.render())
        second.value = True
        await pilot.pause()
        assert "●" not in str(first.render()) and "●" in str(second.render())
