"""``python bench/rate_month.py [--numbers N --calls M]``: the rate_month benchmark
alone (bench/bench_rate_month.py, also run by bench/run.py), one JSON line."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["rate_month", *sys.argv[1:]]))
