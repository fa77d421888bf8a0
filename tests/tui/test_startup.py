"""Start-up (issue 21): the login screen is drawn before the database is opened (peewee,
the models and the schema check wait until after the first frame), and a database that
cannot be opened ends the app with the error kept for the command line."""

from __future__ import annotations

from corptui.app import CorptuiApp
from corptui.database import close_database, open_database
from corptui.errors import DatabaseUnavailable
from screens.login import LoginScreen


async def test_the_login_frame_comes_before_the_database_is_opened(seeded):
    close_database()
    seen = {}

    def open_db():
        screen = app.screen
        seen["login"] = isinstance(screen, LoginScreen)
        seen["laid_out"] = screen.query_one("#phone").region.width > 0
        open_database(seeded)

    app = CorptuiApp(open_db=open_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert seen == {"login": True, "laid_out": True}
        assert app.idle_seconds == 15 * 60  # the settings' default, read after the frame
        assert app.open_error is None
        await pilot.click("#phone")
        await pilot.press(*"+7 916 000-00-01")
    assert app.return_code in (None, 0)


async def test_a_database_that_cannot_be_opened_ends_the_app_and_is_kept(seeded):
    def open_db():
        raise DatabaseUnavailable("no such folder: /proc/nope")

    app = CorptuiApp(open_db=open_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    assert app.return_code == 1
    assert isinstance(app.open_error, DatabaseUnavailable)
