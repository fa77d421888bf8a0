"""Files, processes and the command line under attack (issue 17): database files 0600,
a mistyped --db creates nothing, a killed export's .part goes at the next start, ids of
2^63 and more are field errors, `numbers list --tag` folds like `tags assign`, the
config file is checked against its schema, usage errors exit 2, `serve` warns off
loopback."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest
from click.testing import CliRunner
from numbers_core_data import build

from corptui import config, partial_files, serve
from corptui.cli import main
from corptui.database import close_database, open_database

CO = ("--company", "ООО «Ромашка»")
BIG = str(2**63)


def run(*args):
    close_database()
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def data(db):
    out = build()
    close_database()
    return out


def test_a_new_database_file_is_private(tmp_path):
    db = tmp_path / "new" / "corp.db"
    assert run("--db", f"sqlite:///{db}", "db", "upgrade").exit_code == 0
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    wal = db.with_name("corp.db-wal")
    if wal.exists():
        assert stat.S_IMODE(wal.stat().st_mode) == 0o600
    backup = tmp_path / "corp.backup"
    assert run("--db", f"sqlite:///{db}", "db", "backup", str(backup)).exit_code == 0
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


@pytest.mark.parametrize("args", [("numbers", "list"), ("tags", "list"), ("audit", "list"),
                                  ("companies", "list"), ("users", "list"),
                                  ("export", "payments", "-o", "-", "--format", "json")])
def test_a_mistyped_db_for_a_read_command_creates_nothing(tmp_path, args):
    typo = tmp_path / "typo" / "corp.db"
    res = run("--db", f"sqlite:///{typo}", *args)
    assert res.exit_code == 1 and "nothing was created" in res.output
    assert not typo.parent.exists()
    folder = tmp_path / "there"
    folder.mkdir()
    res = run("--db", f"sqlite:///{folder / 'corp.db'}", *args)
    assert res.exit_code == 1 and "no database at" in res.output
    assert list(folder.iterdir()) == []


def test_a_killed_exports_part_file_goes_at_the_next_start(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    monkeypatch.setenv("CORPTUI_DATA_DIR", str(data_dir))
    target = tmp_path / "out.csv"
    script = (
        "import os, sys\n"
        "from corptui import partial_files\n"
        f"tmp = {str(tmp_path / '.out.csv.x1.part')!r}\n"
        "open(tmp, 'w').write('half')\n"
        "with partial_files.track(tmp):\n"
        "    os.kill(os.getpid(), 9)\n")
    env = dict(os.environ, CORPTUI_DATA_DIR=str(data_dir))
    killed = subprocess.run([sys.executable, "-c", script], env=env)
    assert killed.returncode == -9
    part = tmp_path / ".out.csv.x1.part"
    assert part.exists()  # what kill -9 leaves
    run("--version")  # any start of corptui
    assert not part.exists() and not target.exists()
    assert list((data_dir / "partial").iterdir()) == []
    assert partial_files.sweep() == 0


@pytest.mark.parametrize("args", [
    ("documents", "delete", BIG, *CO), ("documents", "save", BIG, "-o", "x", *CO),
    ("documents", "reorder", BIG, *CO), ("documents", "send", BIG, *CO),
    ("schedules", "delete", BIG, *CO), ("schedules", "pause", BIG, *CO),
    ("schedules", "resume", BIG, *CO), ("outbox", "retry", BIG),
    ("numbers", "list", "--limit", BIG, *CO), ("insights", "changes", "--top", BIG, *CO),
])
def test_an_id_of_2_63_is_a_usage_error_naming_the_argument(data, args):
    res = run(*args)
    assert res.exit_code == 2, res.output
    assert "is not in the range" in res.output and "Traceback" not in res.output


@pytest.mark.parametrize("args", [
    ("disputes", "review", BIG, *CO), ("disputes", "reject", BIG, "--reason", "x", *CO),
    ("disputes", "open", BIG, "--reason", "x", *CO), ("applications", "approve", BIG),
    ("applications", "reject", BIG, "--reason", "x"),
])
def test_a_text_id_of_2_63_is_a_field_error(data, args):
    res = run(*args)
    assert res.exit_code == 1, res.output
    assert "internal error" not in res.output and BIG in res.output


def test_numbers_list_tag_folds_like_tags_assign_and_an_unknown_tag_is_an_error(data):
    exact = run("numbers", "list", "--tag", "Продажи", "--format", "json", *CO)
    folded = run("numbers", "list", "--tag", "  продажи ", "--format", "json", *CO)
    assert exact.exit_code == folded.exit_code == 0
    assert exact.output == folded.output and "79261234567" in exact.output
    unknown = run("numbers", "list", "--tag", "Нет такого", *CO)
    assert unknown.exit_code == 1 and "no tag" in unknown.output


@pytest.mark.parametrize("text,expected", [
    ('[ui]\nidle_minutes = "abc"\n', "[ui] idle_minutes: expected a whole number of minutes"),
    ("[kisok]\npin = \"1234\"\n", "unknown section [kisok]"),
    ("[mail]\nsmtp = \"smtp://x\"\n", "[mail] unknown key 'smtp'"),
    ("[sms]\ntimeout = \"soon\"\n", "[sms] timeout: expected a number of seconds"),
    ("ui = 3\n", "[ui] must be a table"),
])
def test_the_config_file_is_checked_against_its_schema(tmp_path, monkeypatch, text, expected):
    monkeypatch.setenv("CORPTUI_CONFIG_DIR", str(tmp_path))
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(config.ConfigError) as err:
        config.load(path)
    assert str(path) in err.value.message and expected in err.value.message
    res = run("--db", f"sqlite:///{tmp_path / 'x.db'}", "db", "upgrade")
    assert res.exit_code == 0  # a command that reads no setting is not in the way
    from corptui import settings

    assert settings.ui()["idle_minutes"] == 15  # the app: defaults, and it says why


@pytest.mark.parametrize("args", [("tags", "list", "--format", "yaml"), ("nosuch",),
                                  ("tags", "create"), ("numbers", "list", "--limit", "x")])
def test_usage_errors_exit_2_runtime_errors_exit_1(data, args):
    assert run(*args).exit_code == 2
    assert run("tags", "rename", "Нет такого", "Новое", *CO).exit_code == 1


def test_serve_warns_off_loopback():
    assert serve.exposure_warning("127.0.0.1") is None
    assert serve.exposure_warning("localhost") is None
    assert serve.exposure_warning("::1") is None
    for host in ("0.0.0.0", "192.168.1.5", "::"):
        assert "reachable from the network" in serve.exposure_warning(host)
    assert "-P -m corptui" in serve.app_command() and "--db" not in serve.app_command()


def test_open_database_still_works_after(data, db):
    open_database(db)  # the fixtures' database is untouched by the CLI runs above
