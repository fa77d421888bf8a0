"""A seed stopped half-way (ctrl+c) leaves the database as it was, on both engines, and the
CLI says so in one line (exit 130, no traceback); the progress line shows the counts."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner

from corptui import demo
from corptui.cli import main
from storage.models import ALL_MODELS, CallRecord, Company, Subscriber


def _interrupt_at(stage_name: str):
    def progress(stage, done, total):
        if stage == stage_name and done > 0:
            raise KeyboardInterrupt

    return progress


def _counts() -> dict[str, int]:
    return {m.__name__: m.select().count() for m in ALL_MODELS}


def test_interrupted_seed_into_an_empty_database_leaves_it_empty(db):
    empty = _counts()
    with pytest.raises(KeyboardInterrupt):
        demo.seed(numbers=30, calls=200, months=2, progress=_interrupt_at("call records"))
    assert not demo.has_data()
    assert _counts() == empty
    # and a later seed (as `corptui demo` does when there is no data) works
    demo.seed(numbers=30, calls=200, months=2)
    assert Subscriber.select().count() == 30 + demo.SECOND_COMPANY_NUMBERS


def test_interrupted_fresh_seed_keeps_the_previous_data(db):
    demo.seed(numbers=20, calls=100, months=2)
    before = _counts()
    with pytest.raises(KeyboardInterrupt):
        demo.seed(numbers=50, calls=300, months=2, fresh=True,
                  progress=_interrupt_at("call records"))
    assert _counts() == before
    assert Company.select().count() == 2 and CallRecord.select().count() == 100


def test_cli_seed_ctrl_c_one_clear_line(db_url, monkeypatch):
    def interrupted(**kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(demo, "seed", interrupted)
    result = CliRunner().invoke(main, ["--db", db_url, "db", "seed", "--numbers", "10"])
    assert result.exit_code == 130
    assert demo.INTERRUPTED in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # a clean exit, not a crash


def test_tty_progress_shows_the_counts(monkeypatch):
    out = io.StringIO()
    out.isatty = lambda: True
    monkeypatch.setattr("sys.stderr", out)
    report = demo.tty_progress()
    report("call records", 230_000, 1_000_000)
    report("call records", 1_000_000, 1_000_000)
    text = out.getvalue()
    assert "230,000 of 1,000,000" in text and " 23%" in text
    assert text.endswith("1,000,000 of 1,000,000 \n")
