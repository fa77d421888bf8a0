"""The login screen lists every demo login, and none whose password no longer works."""

from __future__ import annotations

from conftest import settle as _settle
from textual.widgets import Static

from corptui import demo
from corptui.app import CorptuiApp
from corptui.passwords import hash_password
from corptui.phones import normalize
from storage.models import User


async def _info(app) -> str:
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await _settle(pilot)
        return str(app.screen.query_one("#login-info", Static).render())


async def test_all_five_demo_logins_are_listed(seeded, english):
    info = await _info(CorptuiApp(demo_logins=demo.DEMO_LOGINS, idle_seconds=3600))
    assert len(demo.DEMO_LOGINS) == 5
    for login in demo.DEMO_LOGINS:
        assert f"{login['phone']}  {login['password']}" in info, login


async def test_a_login_whose_password_changed_is_not_offered(seeded, english):
    owner = demo.DEMO_LOGINS[0]
    User.update(password_hash=hash_password("Another-pass-2026")).where(
        User.phone == normalize(owner["phone"])).execute()
    info = await _info(CorptuiApp(demo_logins=demo.DEMO_LOGINS, idle_seconds=3600))
    assert owner["phone"] not in info
    assert demo.DEMO_LOGINS[1]["phone"] in info
