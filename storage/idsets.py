"""``column IN (ids)`` for id sets of any size (a selection of 50k numbers).

SQLite allows at most 32,766 bound parameters; beyond a few hundred ids the set is
passed as ONE parameter instead: a JSON array read with ``json_each`` on SQLite, an
array compared with ``= ANY`` on PostgreSQL."""

from __future__ import annotations

import json

import peewee as pw

from storage.db import is_postgres

SMALL = 500


def in_ids(field, ids) -> pw.Node:
    ids = [int(i) for i in ids]
    if len(ids) <= SMALL:
        return field.in_(ids)
    if is_postgres():
        return pw.NodeList((field, pw.SQL("= ANY(%s)", [ids])))
    return field.in_(pw.SQL("(SELECT value FROM json_each(?))", [json.dumps(ids)]))
