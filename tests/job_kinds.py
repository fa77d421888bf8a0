"""Job kinds used by the job-queue tests (a worker subprocess imports this module through
CORPTUI_JOB_MODULES=job_kinds with tests/ on PYTHONPATH)."""

from __future__ import annotations

import time

from corptui import jobs

CHUNK = b"corptui-line-0123456789\n"


def slow_file(payload: dict, progress) -> dict:
    """Write ``chunks`` chunks to ``path`` through atomic_output, ``delay`` s apart."""
    chunks = int(payload.get("chunks", 20))
    delay = float(payload.get("delay", 0.1))
    with jobs.atomic_output(payload["path"]) as tmp, open(tmp, "wb") as fh:
        for i in range(chunks):
            fh.write(CHUNK)
            fh.flush()
            progress((i + 1) * 100 // chunks)
            time.sleep(delay)
    return {"path": payload["path"], "bytes": chunks * len(CHUNK)}


def echo(payload: dict, progress) -> dict:
    if payload.get("fail"):
        raise RuntimeError(str(payload["fail"]))
    return {"echo": payload.get("value")}


jobs.register("test.slow_file", slow_file)
jobs.register("test.echo", echo)
