"""Numbers core benchmarks (issue 5): tag assignment to 10,000 selected numbers, and the
employee import of a 100,000-line file (dry run and apply). Each floor is the same work
done with the raw sqlite3 module and plain Python, in the same run.

Targets: tag_assign < 1 s and within 3x the floor; import_dry_run and import_apply
< 10 s each and within 3x the floor; peak RSS < 300 MB."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import statistics
import uuid
from pathlib import Path

from common import Timer, seeded_db

SELECTED = 10_000
LINES = 100_000


def _rss_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _database(args) -> str:
    """The seeded demo database (no calls needed); if the demo seed is unavailable,
    an equivalent one built with raw inserts."""
    try:
        return seeded_db(args, calls=0)
    except Exception:  # pragma: no cover - only without corptui.demo
        return _raw_seed(args)


def _raw_seed(args) -> str:
    from corptui.database import close_database, open_database

    path = Path(args.workdir) / f"raw-{args.numbers}.db"
    if path.exists():
        return str(path)
    open_database(f"sqlite:///{path}")
    close_database()
    raw = sqlite3.connect(path)
    raw.execute("INSERT INTO company (name, inn, kpp, ogrn, legal_address, contact_email, "
                "contact_phone, created_at) VALUES ('Bench', '7707083893', '', '', '', '', '', "
                "'2024-01-01 00:00:00.000000')")
    raw.execute("INSERT INTO personal_account (company_id, number, name, balance, created_at) "
                "VALUES (1, '1', '', 0, '2024-01-01 00:00:00.000000')")
    raw.executemany(
        "INSERT INTO subscriber (company_id, account_id, msisdn, status, full_name, position, "
        "search_text, version, created_at, updated_at) VALUES (1, 1, ?, 'active', ?, '', ?, 1, "
        "'2024-01-01 00:00:00.000000', '2024-01-01 00:00:00.000000')",
        ((f"7916{i:07d}", f"Сотрудник {i}", f"сотрудник {i} | ") for i in range(args.numbers)),
    )
    raw.commit()
    raw.close()
    return str(path)


def _open(args):
    from corptui.database import open_database
    from corptui.session import Session

    path = _database(args)
    open_database(f"sqlite:///{path}")
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("PRAGMA foreign_keys=ON")
    raw.execute("PRAGMA busy_timeout=5000")
    company_id = raw.execute(
        "SELECT company_id FROM subscriber GROUP BY company_id ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]
    return path, raw, Session.system(company_id, "bench"), company_id


# -- tag_assign -------------------------------------------------------------------------

def _new_tag(raw, company_id) -> int:
    name = "bench-" + uuid.uuid4().hex[:8]
    raw.execute("INSERT INTO tag (company_id, name, color, created_at) "
                "VALUES (?, ?, 'blue', '2024-01-01 00:00:00.000000')", (company_id, name))
    return raw.execute("SELECT id FROM tag WHERE company_id = ? AND name = ?",
                       (company_id, name)).fetchone()[0]


def _drop_tag(raw, tag_id) -> None:
    raw.execute("DELETE FROM subscriber_tag WHERE tag_id = ?", (tag_id,))
    raw.execute("DELETE FROM tag WHERE id = ?", (tag_id,))


def _raw_assign(raw, company_id, ids, tag_id) -> int:
    """The floor: scope check, existing links, INSERT ... SELECT, one audit row."""
    blob = json.dumps(ids)
    raw.execute("BEGIN IMMEDIATE")
    found = [r[0] for r in raw.execute(
        "SELECT id FROM subscriber WHERE company_id = ? AND id IN (SELECT value FROM json_each(?))",
        (company_id, blob))]
    assert len(found) == len(ids)
    present = {r[0] for r in raw.execute(
        "SELECT subscriber_id FROM subscriber_tag WHERE tag_id = ? AND subscriber_id IN "
        "(SELECT value FROM json_each(?))", (tag_id, blob))}
    changed = sorted(set(ids) - present)
    cur = raw.execute(
        "INSERT INTO subscriber_tag (subscriber_id, tag_id) SELECT id, ? FROM subscriber "
        "WHERE company_id = ? AND id IN (SELECT value FROM json_each(?)) ON CONFLICT DO NOTHING",
        (tag_id, company_id, blob))
    added = cur.rowcount
    raw.execute(
        "INSERT INTO audit_entry (company_id, actor, source, at, action, object_type, "
        "object_id, after, operation) VALUES (?, 'bench', 'bench', "
        "'2024-01-01 00:00:00.000000', 'tags.assign', 'subscriber', ?, ?, ?)",
        (company_id, f"{len(changed)} numbers",
         json.dumps({"adds": added, "subscribers": changed}), uuid.uuid4().hex))
    raw.execute("COMMIT")
    return added


def tag_assign(args) -> dict:
    from corptui import tags

    path, raw, session, company = _open(args)
    all_ids = [r[0] for r in raw.execute(
        "SELECT id FROM subscriber WHERE company_id = ? ORDER BY msisdn", (company,))]
    step = max(1, len(all_ids) // SELECTED)
    ids = all_ids[::step][:SELECTED]
    ours, previews, floors = [], [], []
    for _ in range(3):
        tag_id = _new_tag(raw, company)
        with Timer() as p:
            preview = tags.preview_assign(session, set(ids), add=[tag_id])
        with Timer() as t:
            result = tags.assign(session, set(ids), add=[tag_id])
        assert result["adds"] == preview["adds"] == len(ids)
        previews.append(p.seconds)
        ours.append(t.seconds)
        _drop_tag(raw, tag_id)
    rss = _rss_mb()
    for _ in range(3):
        tag_id = _new_tag(raw, company)
        with Timer() as f:
            added = _raw_assign(raw, company, ids, tag_id)
        assert added == len(ids)
        floors.append(f.seconds)
        _drop_tag(raw, tag_id)
    raw.execute("DELETE FROM audit_entry WHERE source = 'bench'")
    return {
        "n": len(ids), "seconds": statistics.median(ours),
        "floor_seconds": statistics.median(floors),
        "preview_seconds": round(statistics.median(previews), 4), "rss_mb": rss,
        "target_seconds": 1.0,
    }


# -- import -----------------------------------------------------------------------------

_FORMATS = (
    lambda m: f"+7 {m[1:4]} {m[4:7]}-{m[7:9]}-{m[9:]}",
    lambda m: f"8 ({m[1:4]}) {m[4:7]}-{m[7:9]}-{m[9:]}",
    lambda m: m[1:],
    lambda m: m,
)


def _write_import(raw, company, path: Path, tag: str) -> int:
    msisdns = [r[0] for r in raw.execute(
        "SELECT msisdn FROM subscriber WHERE company_id = ? ORDER BY id LIMIT ?",
        (company, LINES))]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("Телефон;ФИО;Должность\r\n")
        for i, m in enumerate(msisdns):
            fh.write(f"{_FORMATS[i % 4](m)}; Сотрудник {tag} Номер {i} ;\"Отдел {i % 50}; группа\"\r\n")
    return len(msisdns)


_NON_DIGITS = re.compile(r"\D")


def _raw_parse(path, raw, company):
    """The floor's dry run: read, decode, split, normalise, find duplicates, look up."""
    data = Path(path).read_bytes()
    text = data.decode("utf-8")
    rows = []
    seen = set()
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=";"):
        if not row or not row[0][:1].isdigit() and not row[0].startswith("+"):
            continue
        digits = _NON_DIGITS.sub("", row[0])
        if len(digits) == 10:
            digits = "7" + digits
        elif digits[0] == "8":
            digits = "7" + digits[1:]
        if digits in seen:
            continue
        seen.add(digits)
        rows.append((digits, " ".join(row[1].split()), " ".join(row[2].split())))
    found = {}
    keys = [r[0] for r in rows]
    for i in range(0, len(keys), 20000):
        for m, sid, comp, name, pos in raw.execute(
            "SELECT msisdn, id, company_id, full_name, position FROM subscriber "
            "WHERE msisdn IN (SELECT value FROM json_each(?))", (json.dumps(keys[i:i + 20000]),)
        ):
            found[m] = (sid, comp, name, pos)
    todo = []
    for m, name, pos in rows:
        hit = found.get(m)
        if hit and hit[1] == company and (hit[2], hit[3]) != (name, pos):
            todo.append((hit[0], m, name, pos, hit[2], hit[3]))
    return todo


def _raw_apply(path, raw, company) -> int:
    from storage.search import search_key

    raw.execute("BEGIN IMMEDIATE")
    todo = _raw_parse(path, raw, company)
    stamp = "2024-01-01 00:00:00.000000"
    op = uuid.uuid4().hex
    raw.executemany(
        "UPDATE subscriber SET full_name = ?, position = ?, search_text = ?, "
        "version = version + 1, updated_at = ? WHERE id = ? AND company_id = ?",
        [(name, pos, search_key(name, pos), stamp, sid, company) for sid, _, name, pos, _, _ in todo],
    )
    raw.executemany(
        "INSERT INTO audit_entry (company_id, user_id, actor, source, at, action, object_type, "
        "object_id, before, after, operation) VALUES (?, NULL, 'bench', 'bench', ?, "
        "'employee.import', 'subscriber', ?, ?, ?, ?)",
        [(company, stamp, m, json.dumps({"full_name": on, "position": op_},
                                        ensure_ascii=False),
          json.dumps({"full_name": name, "position": pos}, ensure_ascii=False), op)
         for _, m, name, pos, on, op_ in todo],
    )
    raw.execute("COMMIT")
    return len(todo)


def _files(args, raw, company):
    folder = Path(args.workdir)
    paths = [folder / f"import-{LINES}-{k}.csv" for k in "abcd"]
    n = 0
    for k, p in zip("abcd", paths, strict=True):
        n = _write_import(raw, company, p, k)
    return paths, n


def import_dry_run(args) -> dict:
    from corptui import importer

    path, raw, session, company = _open(args)
    paths, n = _files(args, raw, company)
    ours, floors = [], []
    prev = None
    for _ in range(3):
        prev = None  # one preview alive at a time, as in the app
        with Timer() as t:
            prev = importer.preview(session, paths[0])
        assert prev.total == n and prev.updated == n, (prev.total, prev.totals)
        ours.append(t.seconds)
    del prev
    rss = _rss_mb()
    for _ in range(3):
        with Timer() as f:
            todo = _raw_parse(paths[0], raw, company)
        assert len(todo) == n
        floors.append(f.seconds)
    return {"n": n, "seconds": statistics.median(ours), "floor_seconds": statistics.median(floors),
            "rss_mb": rss, "target_seconds": 10.0}


def import_apply(args) -> dict:
    from corptui import importer

    path, raw, session, company = _open(args)
    paths, n = _files(args, raw, company)
    ours, floors = [], []
    for p in paths[:2]:  # each file renames everybody, so every run updates n numbers
        with Timer() as t:
            result = importer.apply(session, p)
        assert result.updated == n, result.updated
        ours.append(t.seconds)
    del result
    rss = _rss_mb()
    for p in paths[2:]:
        with Timer() as f:
            updated = _raw_apply(p, raw, company)
        assert updated == n
        floors.append(f.seconds)
    raw.execute("DELETE FROM audit_entry WHERE source = 'bench'")
    return {"n": n, "seconds": statistics.median(ours), "floor_seconds": statistics.median(floors),
            "rss_mb": rss, "target_seconds": 10.0}


BENCHES = {
    "tag_assign": tag_assign,
    "import_dry_run": import_dry_run,
    "import_apply": import_apply,
}
