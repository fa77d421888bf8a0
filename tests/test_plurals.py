"""Counts agree with their noun in both languages ("1 row", not "1 rows"; Russian has
three forms)."""

from __future__ import annotations

import pytest

from corptui import i18n


@pytest.fixture
def lang():
    old = i18n.language()
    yield i18n.set_language
    i18n.set_language(old)


def test_export_message_plurals(lang, tmp_path):
    from types import SimpleNamespace

    from screens.money_dialogs import export_done

    shown = []
    app = SimpleNamespace(notify=lambda text, **kw: shown.append(text))
    lang("en")
    export_done(app, SimpleNamespace(rows=1, path=tmp_path / "x.csv"))
    export_done(app, SimpleNamespace(rows=2, path=tmp_path / "x.csv"))
    assert shown[0].startswith("Exported 1 row to ") and shown[1].startswith("Exported 2 rows")
    lang("ru")
    for n, word in ((1, "строка"), (3, "строки"), (5, "строк")):
        export_done(app, SimpleNamespace(rows=n, path=tmp_path / "x.csv"))
        assert f" {n} {word} " in shown[-1], shown[-1]

