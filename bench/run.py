"""Benchmark runner: ``python bench/run.py [NAME ...]`` prints one JSON object per line:

    {"bench": name, "n": size, "seconds": s, "floor_seconds": f, "ratio": s/f, "rss_mb": m}

The floor is the same work done with the raw ``sqlite3`` module (or the best plain-Python
equivalent), measured in the same run. Each ``bench/bench_*.py`` module exposes
``BENCHES = {name: function}``; a function takes the parsed options and returns a dict
with at least ``n``, ``seconds`` and ``floor_seconds`` (plus any extra figures). Each
benchmark runs in its own process so that RSS figures do not leak between them.
Options: --numbers N (default 100000), --calls M (default 1000000), --workdir DIR.
``--scale``: the numbers console's benchmarks at 10k, 100k, 300k and 1M numbers in one
run (one JSON line per benchmark and size), so growth reads as a curve."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]


# benchmarks that are also scripts of their own (python bench/NAME.py)
STANDALONE = ("import_payments", "import_calls", "tariff_optimise")


def registry() -> dict:
    benches = {}
    for mod in sorted(pkgutil.iter_modules([str(HERE)]), key=lambda m: m.name):
        if mod.name.startswith("bench_") or mod.name in STANDALONE:
            module = importlib.import_module(mod.name)
            for name, fn in getattr(module, "BENCHES", {}).items():
                benches[name] = fn
    return benches


def rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def finish(name: str, result: dict) -> dict:
    seconds = result["seconds"]
    floor = result.get("floor_seconds")
    out = {
        "bench": name,
        "n": result.get("n"),
        "seconds": round(seconds, 4),
        "floor_seconds": round(floor, 4) if floor else None,
        "ratio": round(seconds / floor, 2) if floor else None,
        "rss_mb": result.get("rss_mb", rss_mb()),
    }
    out.update({k: v for k, v in result.items() if k not in out and k != "floor_seconds"})
    return out


SCALE_SIZES = (10_000, 100_000, 300_000, 1_000_000)
SCALE_BENCHES = ("numbers_open", "numbers_keystroke", "select_all", "numbers_rss")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*")
    parser.add_argument("--numbers", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--workdir", default=os.environ.get("CORPTUI_BENCH_DIR", ""))
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--list", action="store_true", help="List the benchmarks.")
    parser.add_argument("--scale", action="store_true",
                        help="The numbers console at 10k, 100k, 300k and 1M numbers.")
    args = parser.parse_args(argv)
    benches = registry()
    if args.list:
        print("\n".join(benches))
        return 0
    names = args.names or list(benches)
    unknown = [n for n in names if n not in benches]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(benches)}",
              file=sys.stderr)
        return 1
    if not args.workdir:
        args.workdir = tempfile.mkdtemp(prefix="corptui-bench-")
    os.makedirs(args.workdir, exist_ok=True)
    if args.in_process:
        for name in names:
            print(json.dumps(finish(name, benches[name](args)), ensure_ascii=False), flush=True)
        return 0
    runs = [(name, args.numbers) for name in names]
    if args.scale:
        runs = [(name, size) for size in SCALE_SIZES
                for name in (args.names or SCALE_BENCHES)]
    status = 0
    for name, size in runs:
        cmd = [sys.executable, __file__, name, "--in-process", "--numbers", str(size),
               "--calls", str(args.calls), "--workdir", args.workdir]
        status |= subprocess.call(cmd)
    return status


if __name__ == "__main__":
    sys.exit(main())
