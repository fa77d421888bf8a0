"""A document's text layout for the app's preview (74 columns: the dialog at 80 columns):
titles centred, the parties as label: value, each table with its brief columns (the
widest official columns are left to the PDF), the totals, the signatures."""

from __future__ import annotations

import textwrap

from corptui.documents.model import Content, Fields, Signatures, Table, Text
from corptui.documents.render.cells import text as cell_text
from corptui.i18n import Lang

WIDTH = 74  # the preview dialog at 80 columns: borders and the scroll bar take 6
MAX_ROWS = 500  # the preview of a long table stops here and says how many more


def render(content: Content, width: int = WIDTH) -> str:
    lang = Lang(content.lang)
    out: list[str] = []
    for i, form in enumerate(content.forms):
        if i:
            out += ["", "=" * width, ""]
        for block in form.blocks:
            out += _block(block, lang, width)
    return "\n".join(line.rstrip() for line in out)


def _block(block, lang: Lang, width: int) -> list[str]:
    if isinstance(block, Text):
        if block.style in ("title", "subtitle"):
            return [line.center(width) for line in textwrap.wrap(block.text, width)] + (
                [""] if block.style == "subtitle" else [])
        return textwrap.wrap(block.text, width) + [""]
    if isinstance(block, Fields):
        label_w = min(30, max((len(label) for label, _ in block.rows), default=10))
        lines = []
        for label, value in block.rows:
            wrapped = textwrap.wrap(value, width - label_w - 2) or [""]
            if len(label) > label_w:  # a long label on its own line(s), never cut
                lines += textwrap.wrap(label, width)
                lines += [" " * (label_w + 2) + part for part in wrapped]
                continue
            lines.append(f"{label:<{label_w}}  {wrapped[0]}")
            lines += [" " * (label_w + 2) + more for more in wrapped[1:]]
        return lines + [""]
    if isinstance(block, Signatures):
        lines = []
        for side, people in block.sides:
            if side:
                lines.append(side)
            for position, name in people:
                lines.append(f"  {position}: ______________ / {name or '______________'} /")
        return lines + [""]
    return _table(block, lang, width)


def _table(block: Table, lang: Lang, width: int) -> list[str]:
    idx = [i for i, c in enumerate(block.columns) if c.brief] or list(range(len(block.columns)))
    cols = [block.columns[i] for i in idx]
    body = [[cell_text(row[i], block.columns[i].kind, lang) for i in idx]
            for row in list(block.rows)[:MAX_ROWS]]
    totals = [[cell_text(row[i], block.columns[i].kind, lang) for i in idx]
              for row in block.totals]
    titles = [] if block.plain else [c.title for c in cols]
    widths = [max([len(t) for t in ([titles[j]] if titles else [])]
                  + [len(r[j]) for r in body + totals] + [1]) for j in range(len(cols))]
    widths = _fit(widths, width - 2 * (len(cols) - 1), cols)
    lines = [block.title] if block.title else []
    if titles:
        lines.append(_row(titles, widths, cols, head=True))
        lines.append("-" * min(width, sum(widths) + 2 * (len(cols) - 1)))
    lines += [_row(r, widths, cols) for r in body]
    if len(block.rows) > MAX_ROWS:
        lines.append(lang.gettext("... and {n} more rows (see the file)").format(
            n=len(block.rows) - MAX_ROWS))
    if totals:
        lines.append("-" * min(width, sum(widths) + 2 * (len(cols) - 1)))
        lines += [_row(r, widths, cols) for r in totals]
    return lines + [""]


def _fit(widths: list[int], room: int, cols) -> list[int]:
    """Shrink the text columns (longest first) until the row fits ``room``."""
    widths = list(widths)
    while sum(widths) > room:
        texts = [j for j, c in enumerate(cols) if c.kind == "text" and widths[j] > 6]
        if not texts:
            break
        j = max(texts, key=lambda k: widths[k])
        widths[j] -= 1
    return widths


def _row(cells: list[str], widths: list[int], cols, head: bool = False) -> str:
    parts = []
    for text, w, col in zip(cells, widths, cols, strict=True):
        text = text if len(text) <= w else text[:max(1, w - 1)] + "…"
        right = col.kind in ("money", "qty", "int") and not head
        parts.append(f"{text:>{w}}" if right else f"{text:<{w}}")
    return "  ".join(parts)
