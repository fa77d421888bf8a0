"""Kiosk (welcome, PIN to quit, reset after idle and at logout) and `corptui serve`
(the page is served over HTTP)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from corptui import kiosk
from corptui.database import close_database, open_database
from storage.models import Subscriber


@pytest.fixture
def kiosk_env(tmp_path, monkeypatch):
    monkeypatch.setenv("CORPTUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CORPTUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CORPTUI_KIOSK_PIN", "2468")
    pristine, working = kiosk.prepare(numbers=30)
    open_database(kiosk.reset(pristine, working))
    yield pristine, working
    close_database()


async def test_kiosk_resets_after_idle_and_needs_the_pin(kiosk_env):
    from corptui.app import KioskApp
    from screens.kiosk import PinDialog, WelcomeScreen

    pristine, working = kiosk_env
    app = KioskApp(pristine, working, idle_seconds=2.5)  # more than a loaded machine's login
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert type(app.screen).__name__ == "OverviewScreen"  # where a login lands
        # a visitor renames everybody
        Subscriber.update(full_name="Посетитель").execute()
        # ctrl+q asks for the PIN: a wrong one does not quit
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, PinDialog)
        await pilot.press(*"1111", "enter")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, PinDialog)
        await pilot.press("escape")
        # idle: back to the welcome screen on a pristine database
        deadline = time.monotonic() + 20
        while not isinstance(app.screen, WelcomeScreen) and time.monotonic() < deadline:
            await pilot.pause(0.1)
        assert isinstance(app.screen, WelcomeScreen)
        assert app.resets >= 1
        assert not Subscriber.select().where(Subscriber.full_name == "Посетитель").exists()
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press(*"2468", "enter")
        await pilot.pause()
    assert not app.is_running


async def test_kiosk_logout_resets(kiosk_env):
    from corptui.app import KioskApp
    from screens.kiosk import WelcomeScreen

    pristine, working = kiosk_env
    app = KioskApp(pristine, working, idle_seconds=600)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        Subscriber.delete().where(Subscriber.id < 5).execute()
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        assert Subscriber.select().where(Subscriber.id < 5).count() == 4


def test_kiosk_command_refuses_without_a_pin(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from corptui.cli import main

    monkeypatch.setenv("CORPTUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("CORPTUI_KIOSK_PIN", raising=False)
    result = CliRunner().invoke(main, ["kiosk"])
    assert result.exit_code == 1 and "PIN" in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_over_http(tmp_path):
    port = _free_port()
    db = tmp_path / "serve.db"
    subprocess.run([sys.executable, "-m", "corptui", "--db", f"sqlite:///{db}", "db", "upgrade"],
                   check=True, capture_output=True)
    proc = subprocess.Popen([sys.executable, "-m", "corptui", "--db", f"sqlite:///{db}",
                             "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        body = ""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
                    assert r.status == 200
                    body = r.read().decode("utf-8", "replace")
                    break
            except OSError:
                time.sleep(0.3)
        assert "corptui" in body and "<html" in body.lower()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
