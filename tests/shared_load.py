"""One admin or worker process of the shared-install tests and the `concurrency` benchmark.

    python tests/shared_load.py URL ROLE NAME SECONDS OUT.json [SEED]

Roles: ``admin`` (card edits, bulk tag assignments, option connections and imports on the
same company, chosen at random, for SECONDS), ``worker`` (runs due ``shared.tick`` jobs
until SECONDS are over and nothing is due), ``cards`` (card saves only, timed: for the
benchmark), ``import`` / ``bulk`` (one big import / bulk tag change, for the kill -9 tests;
they print "started" once inside the transaction). Every operation that reported success
is written to OUT.json with what it did, so that the parent can check the database
against it. Any other exception than a version conflict is recorded as an error."""

from __future__ import annotations

import json
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.dirname(HERE)]

from corptui import employees, importer, jobs, options, tags  # noqa: E402
from corptui.database import open_database  # noqa: E402
from corptui.errors import Conflict  # noqa: E402
from corptui.session import Session  # noqa: E402
from storage.models import Company, Subscriber  # noqa: E402

SHARED_TAG = "Общий"
OPTION = "SHARED"
TICKS: list[int] = []


def tick(payload: dict, progress) -> dict:
    TICKS.append(jobs.current().id)
    return {"n": payload.get("n")}


jobs.register("shared.tick", tick)


def numbers(company_id: int, prefix: str) -> list[tuple[int, str]]:
    return [(s.id, s.msisdn) for s in Subscriber.select(Subscriber.id, Subscriber.msisdn)
            .where((Subscriber.company == company_id) & Subscriber.msisdn.startswith(prefix))
            .order_by(Subscriber.id)]


def import_bytes(rows: list[tuple[int, str]], label: str) -> bytes:
    lines = ["номер;ФИО;должность"]
    lines += [f"{m};{label} {i};Отдел {label}" for i, (_, m) in enumerate(rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def admin(session, name: str, seconds: float, rng: random.Random, out: dict) -> None:
    cards = numbers(session.company_id, "7977100")
    imports = numbers(session.company_id, "7977200")
    everyone = [sid for sid, _ in numbers(session.company_id, "7977")]
    own_tag = f"Тег {name}"
    tags.create_tag(session, own_tag)
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end:
        i += 1
        what = rng.choice(("card", "card", "card", "tags", "tags", "option", "import"))
        try:
            if what == "card":
                sid = rng.choice(cards)[0]
                card = employees.get_employee(session, sid)
                time.sleep(rng.random() * 0.01)  # the admin types
                label = f"{name} {i}"
                saved = employees.update_employee(session, sid, label, "", card["version"])
                out["card"].append([sid, label, saved["version"]])
            elif what == "tags":
                tag = rng.choice((SHARED_TAG, own_tag))
                subset = rng.sample(everyone, rng.randint(1, 40))
                summary = tags.assign(session, subset, add=[tag])
                out["tags"].append([tag, subset, "operation" in summary])
            elif what == "option":
                subset = rng.sample(everyone, rng.randint(1, 20))
                result = options.connect(session, OPTION, subset)
                out["option"].append([result["ids"], result.get("operation")])
            else:
                label = f"Импорт {name} {i}"
                res = importer.apply(session, import_bytes(imports, label))
                out["import"].append([label, res.updated])
        except Conflict:  # VersionConflict is one; the user is told to open the card again
            out["conflicts"] += 1
        except Exception as exc:  # anything else reaching a user is a failure of the test
            out["errors"].append(f"{what}: {type(exc).__name__}: {exc}")


def worker(name: str, seconds: float, out: dict) -> None:
    end = time.monotonic() + seconds
    while True:
        try:
            ran = jobs.run_one(name, ["shared.tick"])
        except Exception as exc:
            out["errors"].append(f"worker: {type(exc).__name__}: {exc}")
            ran = None
        if ran is None:
            if time.monotonic() >= end:
                break
            time.sleep(0.02)
    out["ticks"] = list(TICKS)


def cards_only(session, name: str, seconds: float, out: dict) -> None:
    """Benchmark: save own cards (small write transactions), timing each save."""
    mine = numbers(session.company_id, "7977100")
    index = int(name.rsplit("-", 1)[-1])
    sids = [sid for n, (sid, _) in enumerate(mine) if n % 64 == index] or [mine[index][0]]
    end = time.monotonic() + seconds
    i = 0
    latencies = []
    while time.monotonic() < end:
        i += 1
        sid = sids[i % len(sids)]
        try:
            card = employees.get_employee(session, sid)
            started = time.perf_counter()
            employees.update_employee(session, sid, f"{name} {i}", "", card["version"])
            latencies.append(time.perf_counter() - started)
        except Conflict:
            out["conflicts"] += 1
        except Exception as exc:
            out["errors"].append(f"card: {type(exc).__name__}: {exc}")
    out["latencies"] = latencies


def main(argv: list[str]) -> int:
    url, role, name, seconds, out_path = argv[:5]
    seed = int(argv[5]) if len(argv) > 5 else 1
    open_database(url)
    company = Company.select().order_by(Company.id).first()
    session = Session.system(company.id, source=f"load:{name}")
    out = {"name": name, "card": [], "tags": [], "option": [], "import": [], "conflicts": 0,
           "errors": [], "ticks": []}
    rng = random.Random(f"{seed}-{name}")
    if role == "admin":
        admin(session, name, float(seconds), rng, out)
    elif role == "worker":
        worker(name, float(seconds), out)
    elif role == "cards":
        cards_only(session, name, float(seconds), out)
    elif role == "import":
        imports = numbers(session.company_id, "7977")

        def progress(done, total):
            if done:
                print("started", flush=True)
                time.sleep(30)  # killed here, inside the transaction

        importer.apply(session, import_bytes(imports, "Убитый импорт"), progress=progress)
    elif role == "bulk":
        everyone = [sid for sid, _ in numbers(session.company_id, "7977000")]  # 10,000
        from corptui import audit

        real = audit.record

        def record_then_wait(*args, **kwargs):  # every link is written, not yet committed
            real(*args, **kwargs)
            print("started", flush=True)
            time.sleep(30)

        audit.record = record_then_wait
        tags.assign(session, everyone, add=[SHARED_TAG])
    with open(out_path, "w", encoding="utf-8") as fh:
        json.dump(out, fh, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
