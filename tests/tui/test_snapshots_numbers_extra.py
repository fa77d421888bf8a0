"""Snapshots (80x24) of the numbers console's extra screens: the import wizard (step 1
and a preview with errors), the tags screen and the delete confirmation."""

from __future__ import annotations

from conftest import demo_session, make_app
from textual.widgets import DataTable, DirectoryTree, Input

from screens.import_employees import ImportScreen
from screens.tags import TagsScreen
from storage.models import Company, Subscriber

SIZE = (80, 24)


async def _wait_for_preview(pilot) -> None:
    await pilot.pause()
    workers = [w for w in pilot.app.workers if w.group == "import-preview"]
    if workers:
        await pilot.app.workers.wait_for_complete(workers)
    await pilot.pause()


def _files_dir(tmp_path, monkeypatch):
    folder = tmp_path / "files"
    (folder / "archive").mkdir(parents=True)
    (folder / "staff.csv").write_text("+7 900 000-00-00,Name\n", encoding="utf-8")
    (folder / "staff_cp1251.txt").write_bytes("79000000000;Имя\n".encode("cp1251"))
    monkeypatch.chdir(folder)
    return folder


def test_import_step1(snap_compare, seeded, tmp_path, monkeypatch):
    _files_dir(tmp_path, monkeypatch)

    async def run_before(pilot):
        await pilot.pause()
        pilot.app.push_screen(ImportScreen())
        await pilot.pause()
        tree = pilot.app.screen.query_one(DirectoryTree)
        for _ in range(100):
            if tree.root.children:
                break
            await pilot.pause(0.02)
        await pilot.press(*"staff_")
        await pilot.pause(0.1)

    assert snap_compare(make_app(demo_session()), terminal_size=SIZE, run_before=run_before)


def test_import_preview_with_errors(snap_compare, seeded, tmp_path, monkeypatch):
    folder = _files_dir(tmp_path, monkeypatch)
    mine = list(Subscriber.select().where(Subscriber.company == 1)
                .order_by(Subscriber.msisdn).limit(2))
    other = Company.select().where(Company.id != 1).first()
    theirs = Subscriber.select().where(Subscriber.company == other.id).order_by(
        Subscriber.msisdn).first()
    lines = [
        f"{mine[0].msisdn},Новиков Олег Игоревич",
        "12345,Короткий Номер",
        f"{theirs.msisdn},Чужой Сотрудник",
        f"{mine[0].msisdn},Дубль Дублевич",
        "+7 999 000-00-00,Неизвестный Номер",
        f"{mine[1].msisdn},{mine[1].full_name}",
        f"{mine[1].msisdn[:4]},[red]Разметка[/red]",
    ]
    (folder / "errors.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    async def run_before(pilot):
        await pilot.pause()
        pilot.app.push_screen(ImportScreen())
        await pilot.pause()
        pilot.app.screen.query_one("#path", Input).value = "errors.csv"
        await pilot.press("enter")
        await _wait_for_preview(pilot)

    assert snap_compare(make_app(demo_session()), terminal_size=SIZE, run_before=run_before)


def test_tags_screen(snap_compare, seeded):
    async def run_before(pilot):
        await pilot.pause()
        pilot.app.push_screen(TagsScreen())
        await pilot.pause()

    assert snap_compare(make_app(demo_session()), terminal_size=SIZE, run_before=run_before)


def test_tag_delete_confirm(snap_compare, seeded):
    async def run_before(pilot):
        await pilot.pause()
        screen = TagsScreen()
        pilot.app.push_screen(screen)
        await pilot.pause()
        busiest = max(range(len(screen.tags)), key=lambda i: screen.tags[i]["numbers"])
        screen.query_one(DataTable).move_cursor(row=busiest)
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()

    assert snap_compare(make_app(demo_session()), terminal_size=SIZE, run_before=run_before)
