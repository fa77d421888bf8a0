"""Power-user benchmarks (issue 11): select_by_list: 100,000 pasted numbers in mixed
formats to the set of ids (target < 2 s). Floor: the same lookups with raw sqlite3 and
a plain digit cleanup, no validation."""

from __future__ import annotations

import random
import re
import sqlite3
import time

from common import seeded_db


def select_by_list(args) -> dict:
    from corptui import numbers as n
    from corptui.database import open_database
    from corptui.session import Session

    path = seeded_db(args)
    raw = sqlite3.connect(path)
    company = raw.execute("SELECT company_id FROM subscriber GROUP BY company_id "
                          "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    msisdns = [r[0] for r in raw.execute(
        "SELECT msisdn FROM subscriber WHERE company_id = ?", (company,))]
    rng = random.Random(7)
    formats = [lambda m: m, lambda m: f"+7 {m[1:4]} {m[4:7]}-{m[7:9]}-{m[9:]}",
               lambda m: f"8 ({m[1:4]}) {m[4:]}", lambda m: m[1:]]
    seps = ["\n", ", ", "; ", "\n"]
    text = "".join(rng.choice(formats)(m) + rng.choice(seps) for m in msisdns[:100_000])
    open_database(f"sqlite:///{path}")
    session = Session.system(company, "bench")
    start = time.perf_counter()
    result = n.select_by_list(session, text)
    seconds = time.perf_counter() - start

    start = time.perf_counter()
    ids = dict(raw.execute("SELECT msisdn, id FROM subscriber WHERE company_id = ?",
                           (company,)).fetchall())
    found = []
    for piece in re.split(r"[\n,;]+", text):
        d = re.sub(r"\D", "", piece)
        if len(d) == 10:
            d = "7" + d
        elif len(d) == 11 and d[0] == "8":
            d = "7" + d[1:]
        if d in ids:
            found.append(ids[d])
    floor = time.perf_counter() - start
    assert len(result.ids) == len(set(found)), (len(result.ids), len(found))
    return {"n": len(result.ids), "seconds": seconds, "floor_seconds": floor,
            "target_seconds": 2.0}


BENCHES = {"select_by_list": select_by_list}
