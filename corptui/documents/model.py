"""What a document says, before it is a file: forms made of blocks that every writer
(PDF, XLSX, CSV, the text preview) draws in its own way.

A ``Content`` holds one or more ``Form`` (an act per billed month, say), each one page
flow of blocks: ``Text`` lines, ``Fields`` (label: value, the parties' details),
``Table`` (columns, rows, total rows, optional numbered header row), ``Signatures``.
Money stays Decimal and dates stay dates until a writer formats them for the
document's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Text:
    text: str
    style: str = "text"  # title | subtitle | text | bold | small


@dataclass
class Fields:
    rows: list[tuple[str, str]]
    title: str = ""


@dataclass
class Col:
    title: str
    kind: str = "text"  # text | money | int | qty | date | percent
    width: float = 1.0  # relative width in PDF
    brief: bool = True  # shown in the 80-column text preview


@dataclass
class Table:
    title: str
    columns: list[Col]
    rows: list[tuple] = field(default_factory=list)
    totals: list[tuple] = field(default_factory=list)
    numbered_header: list[str] | None = None  # the official form's column numbers
    group_header: list[tuple[str, int]] | None = None  # (title, columns it spans) above
    font_size: float = 8
    plain: bool = False  # no header row (a two-column layout, e.g. the UPD's foot)


@dataclass
class Signatures:
    sides: list[tuple[str, list[tuple[str, str]]]]  # (side, [(position, name)])
    stamp: bool = True


@dataclass
class Form:
    title: str
    blocks: list
    orientation: str = "P"
    running_head: str = ""  # on the pages after the first


@dataclass
class Content:
    title: str
    forms: list[Form]
    lang: str = "en"
    number: str = ""
