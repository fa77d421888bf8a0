"""JSON: an array of objects keyed by the columns' keys, one object a line, streamed.
Money as a string ("1234.50", exact), times in ISO 8601 with the offset."""

from __future__ import annotations

import json

from corptui.writers.cells import json_value


def rows_to(stream, columns, rows, tz=None) -> int:
    keys = [c.key for c in columns]
    stream.write("[")
    count = 0
    for row in rows:
        obj = {k: json_value(v, tz) for k, v in zip(keys, row, strict=True)}
        stream.write(("," if count else "") + "\n  " + json.dumps(obj, ensure_ascii=False))
        count += 1
    stream.write("\n]\n" if count else "]\n")
    return count


def write(path, columns, rows, tz=None) -> int:
    with open(path, "w", encoding="utf-8") as fh:
        return rows_to(fh, columns, rows, tz)
