"""Exports stream: the rows come from a server-side cursor on PostgreSQL (a batch at a
time on SQLite) and the numbers list goes to standard output row by row, with the same
bytes as before (the RSS at 300,000 rows is measured by the export_stream benchmark)."""

from __future__ import annotations

import json

from click.testing import CliRunner
from numbers_core_data import build

from corptui import numbers
from corptui.cli import main
from corptui.output import render
from storage.db import stream
from storage.models import Subscriber


def test_stream_reads_every_row_in_batches_with_python_values(db):
    data = build(extra=25)
    q = (Subscriber.select(Subscriber.id, Subscriber.msisdn, Subscriber.company)
         .where(Subscriber.company == data["company"].id).order_by(Subscriber.msisdn))
    got = list(stream(q, batch=7))
    assert got == list(q.tuples()) and len(got) > 25
    first = next(stream(q, batch=7))  # a stream left early closes its cursor
    assert first == got[0] and list(stream(q, batch=100)) == got


def test_numbers_list_csv_and_json_stream_the_same_bytes(db):
    data = build(extra=30)
    keys = ["msisdn", "full_name", "position", "tags", "tariff", "status", "account"]
    rows = numbers.list_numbers(data["session"])
    assert list(numbers.iter_numbers(data["session"], batch=4)) == rows
    runner = CliRunner()
    res = runner.invoke(main, ["numbers", "list", "--company", "ООО «Ромашка»", "--format", "csv"])
    assert res.exit_code == 0 and res.output == render(rows, "csv", keys) + "\n"
    res = runner.invoke(main, ["numbers", "list", "--company", "ООО «Ромашка»", "--format",
                               "json"])
    assert json.loads(res.output) == [{k: r[k] for k in keys} for r in rows]
    res = runner.invoke(main, ["numbers", "list", "--company", "ООО «Ромашка»", "--format",
                               "json", "--search", "nobody-at-all"])
    assert res.output == "[]\n"
