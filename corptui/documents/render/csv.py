"""A document's forms as CSV: the lines one after another (titles and texts in the first
cell, the parties as label;value, each table with its headers and totals). For Russian
Excel (the Russian default): UTF-8 with a BOM, ";" between cells, decimal commas."""

from __future__ import annotations

import csv

from corptui.documents.model import Content, Fields, Signatures, Table, Text
from corptui.documents.render.cells import text as cell_text
from corptui.i18n import Lang
from corptui.output import neutralise


def write(path, content: Content, excel_ru: bool) -> None:
    lang = Lang(content.lang)
    with open(path, "w", encoding="utf-8-sig" if excel_ru else "utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";" if excel_ru else ",")
        for i, form in enumerate(content.forms):
            if i:
                w.writerow([])
            for block in form.blocks:
                for row in _rows(block, lang, excel_ru):
                    w.writerow([neutralise(v) for v in row])


def _rows(block, lang: Lang, comma: bool):
    if isinstance(block, Text):
        yield [block.text]
    elif isinstance(block, Fields):
        yield from ([label, value] for label, value in block.rows)
        yield []
    elif isinstance(block, Signatures):
        for side, people in block.sides:
            for position, name in people:
                yield [side, position, name]
    elif isinstance(block, Table):
        if block.title:
            yield [block.title]
        if block.group_header:
            head = []
            for title, span in block.group_header:
                head += [title] + [""] * (span - 1)
            yield head
        if not block.plain:
            yield [c.title for c in block.columns]
        if block.numbered_header:
            yield list(block.numbered_header)
        kinds = [c.kind for c in block.columns]
        for row in list(block.rows) + list(block.totals):
            yield [cell_text(v, k, lang, grouped=False, comma=comma)
                   for v, k in zip(row, kinds, strict=True)]
        yield []
