"""The action registries (screens/actions): every screen's keys come from one entry per
action, which feeds its bindings, footer, palette, help and the keymap; what the role may
not do is left out of the footer, marked in the palette and help, and refused with the
reason before any dialog opens."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import subprocess
import sys

from conftest import demo_session, make_app
from conftest import settle as _settle

import screens
from corptui import locations, permissions
from screens.actions import APP, Registry, all_registries, binding_ids


def screen_classes():
    from textual.screen import Screen

    out = []
    for info in pkgutil.walk_packages(screens.__path__, "screens."):
        if info.name.startswith("screens.actions"):
            continue
        module = importlib.import_module(info.name)
        out += [c for _n, c in inspect.getmembers(module, inspect.isclass)
                if issubclass(c, Screen) and c.__module__ == module.__name__]
    return out


def test_registries_are_read_without_importing_a_screen_module_or_textual():
    code = ("import sys; from screens.actions import binding_ids; ids = binding_ids(); "
            "assert 'numbers.search' in ids and 'help' in ids, ids; "
            "bad = [m for m in sys.modules if m.startswith('textual') or m in "
            "('screens.numbers', 'screens.base', 'screens.card')]; assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_screen_binding_comes_from_its_registry():
    for cls in screen_classes():
        own = cls.__dict__.get("BINDINGS", [])
        if not own:
            continue
        registry = cls.__dict__.get("ACTIONS")
        if cls.__name__ == "AppScreen":  # the app-wide keys every section has
            registry = APP
        assert isinstance(registry, Registry), f"{cls.__name__} lists its bindings by hand"
        ids = registry.by_binding_id()
        for binding in own:
            assert binding.id in ids, (cls.__name__, binding)


def test_registry_entries_name_real_methods_permissions_and_unique_ids():
    names = [r.name for r in all_registries()]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    for registry in all_registries():
        for a in registry.actions:
            assert not a.permission or a.permission in permissions.MATRIX, a
            assert a.label, a
    for cls in screen_classes():
        registry = getattr(cls, "ACTIONS", None)
        for a in registry.actions if registry else ():
            target = registry.target(a)
            if a.bind and not target.startswith("app.") and not cls.__subclasses__():
                assert hasattr(cls, f"action_{a.method}"), (cls.__name__, a.id)
    from screens.actions import _check_modules_listed

    assert _check_modules_listed() == []


async def test_viewer_sees_what_the_role_cannot_do_before_doing_it(seeded):
    app = make_app(demo_session("viewer"))
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        screen = app.screen
        footer = screen.query_one("KeysFooter").offered
        assert "/ Search" in footer and "s Services" in footer
        assert "t Tags" not in footer and "Import" not in footer
        helps = {c.title: c.help for c in app.get_system_commands(screen)}
        assert helps["Numbers: Assign tags to the selected numbers"] == "key t · only owner, admin"
        assert helps["Numbers: Tariffs and options for the selection (check, then apply)"] == (
            "key s · read only; changes: owner, admin")
        await pilot.press("t")
        await pilot.pause()
        assert app.screen is screen  # no tag dialog for a role that cannot assign tags
        assert list(app._notifications)[-1].message == (
            "Only an owner or an admin can assign tags. You are logged in as viewer.")
        await pilot.press("f1")
        await pilot.pause()
        text = " ".join(str(app.screen.query_one("Static").render()).split())
        assert "t Tags: assign tags to the selected numbers (only owner, admin)" in text


async def test_owner_gets_the_action_and_a_plain_footer(seeded):
    app = make_app(demo_session("owner"))
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        footer = app.screen.query_one("KeysFooter").offered
        assert "t Tags" in footer and "^o Import" in footer
        helps = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert helps["Numbers: Assign tags to the selected numbers"] == "key t"
        await pilot.press("t")
        await pilot.pause()
        assert type(app.screen).__name__ == "AssignTagsDialog"


async def test_a_keymap_entry_moves_the_key_in_footer_help_and_palette(seeded):
    path = locations.keymap_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('[keys]\n"numbers.assign_tags" = "ctrl+y"\n', encoding="utf-8")
    app = make_app(demo_session("owner"))
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        assert "numbers.assign_tags" in binding_ids()
        footer = app.screen.query_one("KeysFooter").offered
        assert "^y Tags" in footer and "t Tags" not in footer
        helps = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert helps["Numbers: Assign tags to the selected numbers"] == "key ^y"
        await pilot.press("f1")
        await pilot.pause()
        assert "  ^y         Tags: assign tags" in str(app.screen.query_one("Static").render())
        await pilot.press("escape", "ctrl+y")
        await pilot.pause()
        assert type(app.screen).__name__ == "AssignTagsDialog"
