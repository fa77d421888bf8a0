"""Settings (theme remembered, idle minutes validated, gateways owner only), the keymap
file, the go-to menu."""

from __future__ import annotations

import tomllib

import pytest
from conftest import demo_session, make_app
from conftest import settle as _settle

from corptui import locations
from corptui import settings as settings_uc
from corptui.errors import PermissionDenied, ValidationError


def test_save_ui_validates_and_writes_the_config_file(seeded):
    s = demo_session("viewer")
    with pytest.raises(ValidationError) as err:
        settings_uc.save_ui(s, "pink", "0", "de")
    assert set(err.value.errors) == {"theme", "idle_minutes", "language"}
    settings_uc.save_ui(s, "ansi-light", " 30 ", "ru")
    data = tomllib.loads(locations.config_file().read_text())
    assert data["ui"] == {"theme": "ansi-light", "idle_minutes": 30, "language": "ru",
                          "start": "overview"}
    assert settings_uc.ui()["theme"] == "ansi-light"
    from corptui.auth import idle_timeout_seconds

    assert idle_timeout_seconds() == 30 * 60


def test_gateways_are_owner_only_and_passwords_masked_in_audit(seeded):
    from storage.models import AuditEntry

    with pytest.raises(PermissionDenied):
        settings_uc.save_gateways(demo_session("admin"), "smtp://a@b", "x@y.ru", "")
    with pytest.raises(ValidationError) as err:
        settings_uc.save_gateways(demo_session(), "http://x", "nobody", "ftp://x")
    assert set(err.value.errors) == {"smtp_url", "mail_from", "sms_url"}
    settings_uc.save_gateways(demo_session(), "smtp://u:secret@mail.example:587", "a@b.ru",
                              "https://sms.example/send")
    entry = AuditEntry.select().where(AuditEntry.action == "settings.gateways").get()
    assert "secret" not in str(entry.after) and "***" in entry.after["smtp_url"]
    from corptui import config

    assert config.smtp_url() == "smtp://u:secret@mail.example:587"


async def test_settings_screen_changes_theme_and_remembers(seeded):
    app = make_app(demo_session())
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        app.open_section("settings")
        await _settle(pilot)
        theme = app.screen.query_one("#theme")
        theme.focus()
        await pilot.press("down")  # dark -> light, chosen with space (previewed at once)
        await pilot.press("space")
        await pilot.pause()
        assert theme.value == "textual-light"
        assert app.theme == "textual-light"
        app.screen.query_one("#idle_minutes").value = "abc"
        await pilot.click("#save-ui")
        await pilot.pause()
        assert app.screen.query_one("#error-idle_minutes").display
        app.screen.query_one("#idle_minutes").value = "20"
        await pilot.pause(0.6)  # two clicks in quick succession make a double click
        await pilot.click("#save-ui")
        await pilot.pause()
    app2 = make_app(demo_session())
    async with app2.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app2.theme == "textual-light"


async def test_viewer_sees_delivery_settings_disabled(seeded):
    app = make_app(demo_session("viewer"))
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        app.open_section("settings")
        await _settle(pilot)
        assert app.screen.query_one("#smtp_url").is_disabled
        assert app.screen.query_one("#save-gw").is_disabled


async def test_settings_show_and_change_the_exports_folder(seeded, tmp_path):
    viewer = demo_session("viewer")  # this workstation's: every role
    app = make_app(viewer)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        app.open_section("settings")
        await _settle(pilot)
        field = app.screen.query_one("#exports")
        assert field.value == str(locations.exports_dir())
        field.value = "relative/place"
        app.screen.save_exports()
        await pilot.pause()
        assert "full path" in str(app.screen.query_one("#error-exports").render())
        field.value = str(tmp_path / "out")
        app.screen.save_exports()
        await pilot.pause()
        assert settings_uc.shown_path(tmp_path / "out") in str(
            app.screen.query_one("#exports-message").render())
    assert settings_uc.exports_dir() == tmp_path / "out"
    assert settings_uc.export_target("a.csv") == tmp_path / "out" / "a.csv"
    assert (tmp_path / "out").is_dir()  # created on first use
    assert settings_uc.export_target(str(tmp_path / "b.csv")) == tmp_path / "b.csv"
    assert tomllib.loads(locations.config_file().read_text())["files"] == {
        "exports": str(tmp_path / "out")}
    settings_uc.save_exports_dir(viewer, "")  # empty: back to the default
    assert settings_uc.exports_dir() == locations.exports_dir()


async def test_keymap_file_rebinds_a_key_and_reports_unknown_ids(seeded):
    path = locations.keymap_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('[keys]\n"numbers.search" = "ctrl+f"\n"no.such" = "x"\n', encoding="utf-8")
    app = make_app(demo_session())
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        problems = app.apply_keymap()
        assert any("no.such" in p for p in problems)
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert app.focused.id == "search"


async def test_go_to_menu_opens_a_section(seeded):
    app = make_app(demo_session())
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await pilot.press("ctrl+g")
        await pilot.pause()
        from screens.sections import SectionMenu

        assert isinstance(app.screen, SectionMenu)
        menu = app.screen.query_one("#sections")
        ids = [menu.get_option_at_index(i).id for i in range(menu.option_count)]
        menu.highlighted = ids.index("settings")
        await pilot.press("enter")
        await _settle(pilot)
        assert app.screen.SECTION == "settings"


async def test_command_palette_lists_the_screens_own_actions(seeded):
    app = make_app(demo_session())
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        app.open_section("users")
        await _settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert any(t.startswith("Users: ") for t in titles), titles
        assert "Numbers" in titles and "Settings" in titles and "Go to" in titles
        # running one works like its key
        cmd = next(c for c in app.get_system_commands(app.screen)
                   if c.title.startswith("Users: ") and "Add" in c.title)
        cmd.callback()
        await pilot.pause()
        assert app.screen is not None and type(app.screen).__name__ != "UsersScreen"


def test_saving_settings_keeps_the_users_comments(seeded):
    path = locations.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# my office machine\n[ui]\ntheme = \"ansi-dark\"  # for the SSH box\n"
                    "idle_minutes = 15\n\n[kiosk]\n# asked at quit\npin = \"2468\"\n",
                    encoding="utf-8")
    settings_uc.save_ui(demo_session(), "ansi-light", "20", "ru")
    text = path.read_text(encoding="utf-8")
    assert "# my office machine" in text and "# asked at quit" in text
    data = tomllib.loads(text)
    assert data["ui"]["theme"] == "ansi-light" and data["ui"]["idle_minutes"] == 20
    assert data["kiosk"] == {"pin": "2468"}
