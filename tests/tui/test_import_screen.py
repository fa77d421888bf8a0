"""The employee import wizard driven with Pilot on the seeded demo database."""

from __future__ import annotations

import os

from conftest import make_app
from textual.widgets import Button, Checkbox, Input, Static

from corptui.phones import format_msisdn
from screens.import_employees import ImportScreen, PathInput, complete_path
from screens.widgets.virtual_table import VirtualTable
from storage.models import AuditEntry, Company, Subscriber


async def _settle(pilot):
    """Wait for the workers of the screens, not the file picker's loader (it never ends)."""
    await pilot.pause()
    app = pilot.app
    mine = [w for w in app.workers if w.group in ("import-preview", "import-apply",
                                                  "numbers-query")]
    if mine:  # an empty list would mean "all workers"
        await app.workers.wait_for_complete(mine)
    await pilot.pause()


def _numbers(company_id: int, n: int) -> list[Subscriber]:
    return list(Subscriber.select().where(Subscriber.company == company_id)
                .order_by(Subscriber.msisdn).limit(n))


def _names(ids) -> dict[int, str]:
    return dict(Subscriber.select(Subscriber.id, Subscriber.full_name)
                .where(Subscriber.id.in_(list(ids))).tuples())


async def _open_import(app, pilot) -> ImportScreen:
    await _settle(pilot)
    screen = ImportScreen()
    result = []
    app.push_screen(screen, result.append)
    await pilot.pause()
    screen.dismissed_with = result
    return screen


async def _preview(pilot, screen: ImportScreen, path) -> None:
    path_input = screen.query_one("#path", Input)
    path_input.value = str(path)
    path_input.focus()
    await pilot.press("enter")
    await _settle(pilot)


def _table_lines(screen) -> list[str]:
    table = screen.query_one("#preview-table", VirtualTable)
    return ["".join(seg.text for seg in table.render_line(y))
            for y in range(1, table.size.height)]


async def test_cp1251_file_previews_then_applies_in_one_step(owner, tmp_path):
    subs = _numbers(owner.company_id, 3)
    before = _names(s.id for s in subs)
    new_names = ["Щукин Ёрш Петрович", "Яковлева Анна", subs[2].full_name]
    rows = [f"{format_msisdn(s.msisdn)};{name}" for s, name in zip(subs, new_names)]
    path = tmp_path / "staff.csv"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1251"))
    audits = AuditEntry.select().count()

    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_import(app, pilot)
        await _preview(pilot, screen, path)
        assert screen.step == "preview"
        totals = str(screen.query_one("#preview-totals", Static).render())
        assert "3 lines: 2 to update, 1 unchanged, 0 errors" in totals
        assert "encoding cp1251" in totals and "separator semicolon" in totals
        text = "\n".join(_table_lines(screen))
        assert "Яковлева Анна" in text and "= unchanged" in text
        assert f"+ update, was: {before[subs[0].id]}"[:30] in text
        detail = str(screen.query_one("#preview-detail", Static).render())
        assert f"name: {before[subs[0].id]} -> Щукин Ёрш Петрович" in detail
        await pilot.press("down")
        detail = str(screen.query_one("#preview-detail", Static).render())
        assert "Line 2: " in detail and "-> Яковлева Анна" in detail
        # nothing changed by the preview
        assert _names(before) == before
        assert AuditEntry.select().count() == audits
        apply = screen.query_one("#apply", Button)
        assert not apply.disabled
        await pilot.click("#apply")
        await _settle(pilot)
        assert screen.step == "result"
        result = str(screen.query_one("#result-text", Static).render())
        assert "Names updated:       2" in result
        await pilot.press("escape")
        await pilot.pause()
        assert screen.dismissed_with == [True]
    after = _names(before)
    assert after[subs[0].id] == new_names[0]
    assert after[subs[1].id] == new_names[1]
    assert after[subs[2].id] == before[subs[2].id]
    assert AuditEntry.select().where(AuditEntry.action == "import.employees").count() == 1


async def test_errors_block_apply_until_skip_and_errors_only_filter(owner, tmp_path):
    mine = _numbers(owner.company_id, 2)
    other_company = Company.select().where(Company.id != owner.company_id).first()
    theirs = _numbers(other_company.id, 1)[0]
    before = _names([mine[0].id, mine[1].id, theirs.id])
    lines = [
        f"{mine[0].msisdn},Новиков Олег",
        "12345,Короткий Номер",
        f"{theirs.msisdn},Чужой Сотрудник",
        f"{mine[0].msisdn},Дубль Дублевич",
        "+7 999 000-00-00,Неизвестный Номер",
        f"{mine[1].msisdn},[red]Разметка[/red]",
    ]
    path = tmp_path / "errors.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_import(app, pilot)
        await _preview(pilot, screen, path)
        totals = str(screen.query_one("#preview-totals", Static).render())
        assert "6 lines: 2 to update, 0 unchanged, 4 errors" in totals
        for kind in ("invalid number", "duplicate in file", "2 unknown number"):
            assert kind in totals  # another company's number reads as unknown (issue 17)
        assert "another company" not in totals
        apply = screen.query_one("#apply", Button)
        assert apply.disabled
        screen.start_apply()  # a disabled Apply does nothing
        await _settle(pilot)
        assert screen.step == "preview"
        # errors only
        await pilot.press("e")
        assert screen.query_one("#errors-only", Checkbox).value
        table = screen.query_one("#preview-table", VirtualTable)
        assert len(table.ids) == 4
        shown = "\n".join(_table_lines(screen))
        assert "x duplicate in file" in shown and "Новиков" not in shown
        await pilot.press("e")
        assert len(table.ids) == 6
        # markup in a name is shown literally
        assert "[red]Разметка[/red]" in "\n".join(_table_lines(screen))
        assert _names(before) == before
        await pilot.press("s")
        assert not apply.disabled
        await pilot.click("#apply")
        await _settle(pilot)
        assert screen.step == "result"
        assert "Error lines skipped: 4" in str(screen.query_one("#result-text").render())
    after = _names(before)
    assert after[mine[0].id] == "Новиков Олег"
    assert after[mine[1].id] == "[red]Разметка[/red]"
    assert after[theirs.id] == before[theirs.id]


async def test_vanished_file_between_preview_and_apply_changes_nothing(owner, tmp_path):
    sub = _numbers(owner.company_id, 1)[0]
    path = tmp_path / "gone.csv"
    path.write_text(f"{sub.msisdn},Пропавший Файл\n", encoding="utf-8")
    audits = AuditEntry.select().count()
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_import(app, pilot)
        await _preview(pilot, screen, path)
        assert screen.step == "preview"
        os.remove(path)
        await pilot.click("#apply")
        await _settle(pilot)
        assert screen.step == "preview"
        error = str(screen.query_one("#apply-error", Static).render())
        assert "no such file" in error and "Nothing was changed" in error
        assert screen.query_one("#apply-error").display
        assert not screen.applied
        await pilot.press("escape")  # back to step 1
        assert screen.step == "file"
        await pilot.press("escape")
        await pilot.pause()
        assert screen.dismissed_with == [False]
    assert Subscriber.get_by_id(sub.id).full_name == sub.full_name
    assert AuditEntry.select().count() == audits


async def test_changed_file_is_a_conflict(owner, tmp_path):
    sub = _numbers(owner.company_id, 1)[0]
    path = tmp_path / "changed.csv"
    path.write_text(f"{sub.msisdn},Первое Имя\n", encoding="utf-8")
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_import(app, pilot)
        await _preview(pilot, screen, path)
        path.write_text(f"{sub.msisdn},Второе Имя\n", encoding="utf-8")
        await pilot.click("#apply")
        await _settle(pilot)
        error = str(screen.query_one("#apply-error", Static).render())
        assert "changed since the preview" in error
    assert Subscriber.get_by_id(sub.id).full_name == sub.full_name


async def test_binary_missing_and_empty_paths_are_refused_clearly(owner, tmp_path):
    binary = tmp_path / "photo.bin"
    binary.write_bytes(bytes(range(256)) * 20)
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_import(app, pilot)
        error = screen.query_one("#file-error", Static)
        await _preview(pilot, screen, "")
        assert "Type the path" in str(error.render())
        await _preview(pilot, screen, binary)
        assert screen.step == "file"
        assert "not a text file" in str(error.render())
        await _preview(pilot, screen, tmp_path / "nope.csv")
        assert screen.step == "file"
        assert "no such file" in str(error.render())
        await _preview(pilot, screen, tmp_path)
        assert "folder" in str(error.render())


async def test_path_completion_with_tab(owner, tmp_path):
    (tmp_path / "imports").mkdir()
    (tmp_path / "imports" / "staff_2026.csv").write_text("x", encoding="utf-8")
    (tmp_path / "imports" / "other.txt").write_text("x", encoding="utf-8")
    assert complete_path(str(tmp_path / "imp")) == str(tmp_path / "imports") + os.sep
    assert complete_path(str(tmp_path / "imports" / "st")) == str(
        tmp_path / "imports" / "staff_2026.csv")
    assert complete_path(str(tmp_path / "zzz")) is None
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_import(app, pilot)
        path_input = screen.query_one("#path", PathInput)
        path_input.focus()
        await pilot.press(*str(tmp_path / "imp"))
        await _settle(pilot)
        await pilot.press("tab")
        assert path_input.value == str(tmp_path / "imports") + os.sep
        await pilot.press("s")
        await _settle(pilot)
        await pilot.press("right")
        assert path_input.value == str(tmp_path / "imports" / "staff_2026.csv")


async def test_opened_from_numbers_console_with_ctrl_o(owner):
    app = make_app(owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, ImportScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ImportScreen)
