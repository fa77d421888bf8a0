"""A document's forms as PDF: each form (and each copy) starts a page with its own
"page 1 of N"; tables repeat their header on every page and never split a row; a
signature block is never cut from its page."""

from __future__ import annotations

from corptui.documents.model import Content, Fields, Form, Signatures, Table, Text
from corptui.documents.render.cells import text as cell_text
from corptui.i18n import Lang
from corptui.writers import pdf as base
from corptui.writers.cells import CONTROL

STYLES = {"title": ("B", 12, "C"), "subtitle": ("", 9, "C"), "bold": ("B", 8.5, "L"),
          "text": ("", 8.5, "L"), "small": ("", 7, "L")}
SIGNATURE_HEIGHT = 32  # mm kept together at the foot of a form


def write(path, content: Content, copies: int = 1, fonts=None) -> None:
    lang = Lang(content.lang)
    sections = len(content.forms) * copies
    counts = None
    for _pass in range(2 if sections > 1 else 1):
        pdf = base.new_pdf(content.forms[0].orientation, lang, content.title, fonts)
        pdf.head_on_first = False
        pdf.section_pages = counts
        drawn = []
        for copy in range(copies):
            for form in content.forms:
                pdf.running_head = [form.running_head] if form.running_head else []
                pdf.new_section(form.orientation)
                start = pdf.page_no()
                if copies > 1:
                    _line(pdf, lang.gettext("copy {n} of {copies}").format(
                        n=copy + 1, copies=copies), "small")
                draw(pdf, form, lang)
                drawn.append(pdf.page_no() - start + 1)
        counts = drawn
    pdf.output(str(path))


def draw(pdf, form: Form, lang: Lang) -> None:
    for block in form.blocks:
        if isinstance(block, Text):
            _line(pdf, block.text, block.style)
        elif isinstance(block, Fields):
            _fields(pdf, block)
        elif isinstance(block, Table):
            _table(pdf, block, lang)
        elif isinstance(block, Signatures):
            _signatures(pdf, block, lang)


def _line(pdf, text: str, style: str) -> None:
    emphasis, size, align = STYLES.get(style, STYLES["text"])
    pdf.set_font(base.FAMILY, emphasis, size)
    pdf.multi_cell(0, size * 0.5, CONTROL.sub(" ", text), align=align, new_x="LMARGIN",
                   new_y="NEXT")
    pdf.ln(1 if style != "title" else 0.5)


def _fields(pdf, block: Fields) -> None:
    from fpdf.fonts import FontFace

    pdf.set_font(base.FAMILY, "", 7.5)
    label_w = 0.3 if pdf.cur_orientation == "P" else 0.24
    with pdf.table(borders_layout="NONE", first_row_as_headings=False, line_height=3.6,
                   col_widths=(label_w, 1 - label_w), text_align=("LEFT", "LEFT"),
                   padding=(0.2, 0.6), width=pdf.epw) as t:
        for label, value in block.rows:
            row = t.row()
            row.cell(CONTROL.sub(" ", label), style=FontFace(emphasis="BOLD"))
            row.cell(CONTROL.sub(" ", value))
    pdf.ln(2)


def _table(pdf, block: Table, lang: Lang) -> None:
    if block.title:
        _line(pdf, block.title, "bold")
    if block.plain:
        base.table(pdf, [], [[str(v) for v in row] for row in block.rows],
                   aligns=["LEFT"] * len(block.columns),
                   col_widths=[c.width for c in block.columns], font_size=block.font_size)
        pdf.ln(2)
        return
    heads = []
    if block.group_header:
        heads.append([(title, span) for title, span in block.group_header])
    heads.append([c.title for c in block.columns])
    if block.numbered_header:
        heads.append(list(block.numbered_header))
    aligns = ["RIGHT" if c.kind in ("money", "qty", "int") else "LEFT" for c in block.columns]
    kinds = [c.kind for c in block.columns]
    rows = [[cell_text(v, k, lang) for v, k in zip(row, kinds, strict=True)]
            for row in list(block.rows) + list(block.totals)]
    first_total = len(block.rows)
    base.table(pdf, heads, rows, aligns=aligns, col_widths=[c.width for c in block.columns],
               bold_rows=range(first_total, len(rows)), font_size=block.font_size,
               line_height=block.font_size * 0.48)
    pdf.ln(2)


def _signatures(pdf, block: Signatures, lang: Lang) -> None:
    if pdf.will_page_break(SIGNATURE_HEIGHT):
        pdf.add_page(orientation=pdf.cur_orientation)
    pdf.ln(3)
    width = pdf.epw / max(1, len(block.sides))
    top = bottom = pdf.get_y()
    for i, (side, people) in enumerate(block.sides):
        x = pdf.l_margin + i * width
        y = top
        if side:
            pdf.set_font(base.FAMILY, "B", 8)
            pdf.set_xy(x, y)
            pdf.multi_cell(width - 4, 4, CONTROL.sub(" ", side))
            y = pdf.get_y() + 1
        pdf.set_font(base.FAMILY, "", 8)
        for position, name in people:
            pdf.set_xy(x, y)
            pdf.multi_cell(width - 4, 4, CONTROL.sub(" ", position))
            y = pdf.get_y() + 4
            pdf.set_xy(x, y)
            pdf.cell(30, 4, "", border="B")  # the line to sign on
            pdf.cell(width - 34, 4, " / " + (CONTROL.sub(" ", name) if name
                                            else "______________") + " /")
            y += 7
        if block.stamp:
            pdf.set_xy(x, y)
            pdf.cell(width - 4, 4, lang.gettext("(stamp)"))
            y += 5
        bottom = max(bottom, y)
    pdf.set_xy(pdf.l_margin, bottom)
