"""PDF through fpdf2 with DejaVu Sans (Cyrillic): A4 with a hole-punch margin (the
left edge of a portrait page, the top of a landscape one), "page 1 of 3" in the
document's language at the foot of every page, tables whose header repeats on every
page and whose rows never split across two pages. ``Paged`` is the page both the exports
and the documents draw on; ``table`` draws a table on it; ``write`` is the exports' PDF."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from corptui.i18n import Lang, _
from corptui.writers.cells import CONTROL, Style, formatter, widths
from corptui.writers.target import ExportError

FONT_PACKAGE = "fonts-dejavu-core"
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
# The copy shipped with corptui comes first, then the usual system places.
FONT_DIRS = [
    str(Path(__file__).resolve().parent.parent / "fonts"),
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
]
FAMILY = "DejaVu"
# mm: binding (hole punch) edge, the other edges
BINDING_MARGIN, EDGE_MARGIN, FOOT = 25, 10, 12


def find_fonts(dirs: Sequence[str] | None = None) -> tuple[str, str]:
    """Paths of DejaVu Sans regular and bold, or an error saying what to install."""
    for folder in dirs if dirs is not None else FONT_DIRS:
        paths = [os.path.join(folder, name) for name in FONT_FILES]
        if all(os.path.isfile(p) for p in paths):
            return paths[0], paths[1]
    raise ExportError(
        _("PDF export needs the DejaVu Sans font ({choices}), found in none of {choices2}: install the {font_package} package (apt-get install {font_package})").format(choices=' and '.join(FONT_FILES), choices2=', '.join(dirs if dirs is not None else FONT_DIRS), font_package=FONT_PACKAGE)
    )


def _page_class():
    from fpdf import FPDF

    class Paged(FPDF):
        """A4 pages with the binding margin, an optional running head and the page
        count at the foot: "{page} of {pages}" of the current section (a document of
        several forms or copies counts each on its own when ``section_pages`` is
        known, else the whole file through fpdf's {nb} alias)."""

        def __init__(self, orientation: str, lang: Lang, fonts, title: str = ""):
            super().__init__(orientation=orientation, unit="mm", format="A4")
            self.lang = lang
            self.running_head: list[str] = []
            self.head_on_first = True
            self.section_start = 1
            self.section_pages: list[int] | None = None
            self.section_index = 0
            self.set_title(title)
            self.set_creator("corptui")
            self.add_font(FAMILY, "", fonts[0])
            self.add_font(FAMILY, "B", fonts[1])
            self.alias_nb_pages()
            self._set_margins(orientation)

        def _set_margins(self, orientation: str) -> None:
            if orientation == "L":
                self.set_margins(EDGE_MARGIN + 5, BINDING_MARGIN - 5, EDGE_MARGIN)
            else:
                self.set_margins(BINDING_MARGIN, EDGE_MARGIN + 5, EDGE_MARGIN)
            self.set_auto_page_break(True, margin=FOOT + 4)

        def new_section(self, orientation: str = "P") -> None:
            """Start a form (or a copy) on a new page with its own page count."""
            if self.page:
                self.section_index += 1
            self._set_margins(orientation)
            self.add_page(orientation=orientation)
            self.section_start = self.page_no()

        def header(self):
            if not self.running_head or (self.page_no() == self.section_start
                                         and not self.head_on_first):
                return
            for i, line in enumerate(self.running_head):
                self.set_font(FAMILY, "B" if i == 0 else "", 10 if i == 0 else 8)
                self.cell(0, 5, CONTROL.sub(" ", line), new_x="LMARGIN", new_y="NEXT")
            self.ln(2)

        def footer(self):
            self.set_y(-FOOT)
            self.set_font(FAMILY, "", 7)
            if self.section_pages is not None:
                page = self.page_no() - self.section_start + 1
                total = str(self.section_pages[self.section_index])
            else:
                page, total = self.page_no(), "{nb}"
            self.cell(0, 6, self.lang.gettext("page {page} of {pages}").format(
                page=page, pages=total), align="C")

    return Paged


def new_pdf(orientation: str = "P", lang: Lang | None = None, title: str = "", fonts=None):
    return _page_class()(orientation, lang or Lang("en"), fonts or find_fonts(), title)


def table(pdf, headings: Sequence[Sequence], rows, *, aligns, col_widths=None,
          bold_rows: Sequence[int] = (), font_size: float = 8, line_height: float = 4,
          watch=None) -> None:
    """A bordered table: ``headings`` (none, one or more rows of titles or (title, columns
    spanned); repeated on every page), then ``rows`` of text; the rows numbered in
    ``bold_rows`` are bold (totals). A row never splits across two pages."""
    from fpdf.fonts import FontFace

    pdf.set_font(FAMILY, "", font_size)
    with pdf.table(col_widths=tuple(col_widths) if col_widths else None,
                   text_align=tuple(aligns), line_height=line_height,
                   headings_style=FontFace(emphasis="BOLD"), padding=0.6,
                   first_row_as_headings=bool(headings),
                   num_heading_rows=max(1, len(headings)), repeat_headings=1,
                   width=pdf.epw) as t:
        for head in headings:
            line = t.row()
            for item in head:
                title, span = item if isinstance(item, tuple) else (item, 1)
                line.cell(CONTROL.sub(" ", title), align="CENTER", colspan=span)
        bold = set(bold_rows)
        for i, row in enumerate(watch(rows) if watch else rows):
            style = FontFace(emphasis="BOLD") if i in bold else None
            line = t.row(style=style)
            for text in row:
                line.cell(CONTROL.sub(" ", text))


def write(path, columns, rows, title: str = "", subtitle: str = "", style: Style = Style(),
          fonts=None, watch=None) -> int:
    """The exports' PDF: the title and subtitle at the top of every page, one table."""
    rows = list(rows)
    col_widths = widths(columns, rows[:200], style)
    pdf = new_pdf("L" if sum(col_widths) > 110 else "P", style.language(), title, fonts)
    pdf.running_head = [title] + ([subtitle] if subtitle else [])
    pdf.new_section("L" if sum(col_widths) > 110 else "P")
    fmts = [formatter(c.kind, style, safe=False) for c in columns]
    aligns = ["RIGHT" if c.kind in ("money", "int") else "LEFT" for c in columns]

    def cells(source):
        for row in source:
            yield [f(v) for f, v in zip(fmts, row, strict=True)]

    table(pdf, [[c.title for c in columns]], cells(watch(rows) if watch else rows),
          aligns=aligns, col_widths=col_widths, font_size=7, line_height=4)
    pdf.output(str(path))
    return len(rows)
