"""Word content from the document plan: each block as paragraphs, tables and charts in the
reference document's styles (see :mod:`briefgen.render.docx.styles`).

The builder writes structure and leaves the look to the styles: headings are Word headings
(the navigation pane and a screen reader's list of headings), lists are Word lists, tables
have a header row that repeats on every page, charts are native charts with alt text. Text
comes from the Markdown model the PDF and the deck read (:mod:`briefgen.content.markdown`),
so all three say the same thing in the same emphasis.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from briefgen.content.markdown import Block, ListBlock, Para, Span
from briefgen.links import allowed_link
from briefgen.model import ChartFigure, TableFigure
from briefgen.render.docx import plan as P
from briefgen.render.docx.charts import add_chart_part, chart_xml, inline_chart
from briefgen.render.docx.styles import StyleMap
from briefgen.render.docx.xml import element
from briefgen.render.figurespec import cell_text

CODE_FONT = "Consolas"
BULLET = "•"
MIN_COLUMN = 0.08  # of the table's width: a column of one short word still reads


@dataclass(frozen=True)
class Logo:
    data: bytes
    alt: str
    width_mm: float = 32


class DocxBuilder:
    """Writes plan blocks into a python-docx ``Document`` opened on the reference."""

    def __init__(
        self,
        document: Any,
        styles: StyleMap,
        labels: dict[str, str],
        *,
        lang: str,
        colors: Sequence[str],
        chart_height_mm: float,
        logo: Logo | None = None,
    ):
        self.doc = document
        self.styles = styles
        self.labels = labels
        self.lang = lang
        self.colors = colors
        self.chart_height_mm = chart_height_mm
        self.logo = logo
        self.notes: list[str] = list(styles.notes)
        self.font = _body_font(document)
        self.charts = 0
        self._shape_id = 1000  # drawing ids: unique in the document, clear of python-docx's
        section = document.sections[-1]
        width = section.page_width - section.left_margin - section.right_margin  # EMU
        self.text_width_mm = width / 36_000

    # ------------------------------------------------------------ blocks

    def add(self, block: P.Block) -> None:
        getattr(self, f"_add_{block.kind}")(block)

    def _add_cover(self, block: P.Cover) -> None:
        if block.logo:
            self._logo()
        if block.kicker:
            self._para(block.kicker, "kicker")
        self._para(block.title, "title")
        if block.subtitle:
            self._para(block.subtitle, "subtitle")
        for line in block.lines:
            self._para(line, "meta")

    def _add_memo(self, block: P.Memo) -> None:
        if block.logo:
            self._logo()
        if block.heading:
            self._para(block.heading, "memo_heading")
        for row in block.rows:
            p = self._para(None, "memo_title" if row.title else "memo")
            p.add_run(row.label).bold = True
            p.add_run("\t" + row.value)
        if block.subtitle:
            self._para(block.subtitle, "subtitle")

    def _add_summary(self, block: P.Summary) -> None:
        self._para(block.title, "summary_title").paragraph_format.keep_with_next = True
        self._markdown(block.text.blocks, "summary", inline_lists=True)

    def _add_heading(self, block: P.Heading) -> None:
        p = self._para(None, f"heading{block.level}")
        if block.number:
            _styled_run(p.add_run(block.number + " "), self.styles["heading_number"])
        p.add_run(block.text)

    def _add_text(self, block: P.Text) -> None:
        if block.style == "colophon":  # never alone on a last page: it takes the line before
            last = self._last_paragraph()
            if last is not None:
                last.get_or_add_pPr().keepNext_val = True
        self._markdown(block.text.blocks, block.style)

    def _last_paragraph(self) -> Any:
        """The body's last paragraph (``w:p``) so far, or None if the body ends otherwise."""
        body = self.doc.element.body
        children = [c for c in body[-2:] if c.tag != qn("w:sectPr")]
        return children[-1] if children and children[-1].tag == qn("w:p") else None

    def _add_list(self, block: P.ItemList) -> None:
        num_id = self._restarted_numbering() if block.numbered else None
        for n, item in enumerate(block.items, start=1):
            prefix: list[Span] = []
            if item.label:
                role = "labelled"
                prefix = [Span(item.label + "\t")]
            elif block.numbered:
                role = "number"
                if num_id is None:  # the reference's List Number has no numbering
                    prefix = [Span(f"{n}.\t")]
                    role = "labelled"
            else:
                role = "bullet"
            paras = self._markdown(item.text.blocks, role, prefix=prefix, cites=item.cites)
            if num_id is not None and role == "number":
                _set_numbering(paras[0], num_id)
            if item.detail:
                self._markdown(item.detail.blocks, "detail")

    def _add_quote(self, block: P.Quote) -> None:
        p = self._para(block.text, "quote")
        p.paragraph_format.keep_with_next = True
        attribution = self._para(block.attribution, "attribution")
        self._cites(attribution, block.cites)

    def _add_figure(self, block: P.FigureBlock) -> None:
        figure = block.figure
        if block.title:
            self._para(block.title, "figure_title").paragraph_format.keep_with_next = True
        if isinstance(figure, ChartFigure):
            self._chart(figure, keep_next=bool(block.caption or block.cites))
        else:
            self._table(figure, block.title or figure.title)
        if block.caption or block.cites:
            spans = block.caption.blocks if block.caption else ()
            paras = self._markdown(spans, "caption", cites=block.cites)
            if not paras:  # cites without a caption
                self._cites(self._para(None, "caption"), block.cites)

    def _add_timeline(self, block: P.Timeline) -> None:
        rows = [(entry.date, entry.event) for entry in block.entries]
        longest = max(len(date) for date, _ in rows)
        share = min(0.4, max(0.18, longest / 60))
        widths = [self.text_width_mm * share, self.text_width_mm * (1 - share)]
        table = self._new_table(len(rows) + 1, 2, widths)
        self._header_row(table.rows[0], block.header)
        for row, (date, event) in zip(table.rows[1:], rows, strict=True):
            cells = row.cells
            self._cell_text(cells[0], date)
            self._cell_markdown(cells[1], event.blocks)
        what = self.labels.get("timeline", "Timeline")
        self._table_alt(table, what, block.header, len(rows))

    def _add_sources(self, block: P.Sources) -> None:
        for entry in block.entries:
            self._markdown(entry.text.blocks, "source", prefix=[Span(f"{entry.number}.\t")])

    def _add_page_break(self, block: P.PageBreak) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # ------------------------------------------------------------ text

    def _para(self, text: str | None, role: str) -> Any:
        p = new_paragraph(self.doc, self.styles[role])
        if text:
            p.add_run(text)
        return p

    def _markdown(
        self,
        blocks: Sequence[Block],
        role: str,
        *,
        prefix: Sequence[Span] = (),
        cites: Sequence[int] = (),
        inline_lists: bool = False,
        container: Any = None,
    ) -> list[Any]:
        """Paragraphs for Markdown ``blocks`` in ``role``'s style, ``prefix`` before the first
        (a label, a number), the citation after the last. A list inside becomes Word list
        paragraphs (``bullet2``/``number2``), or bullets written as text when
        ``inline_lists`` (inside a box, whose border and shading must run on)."""
        out: list[Any] = []
        target = container or self.doc
        for block in blocks:
            if isinstance(block, Para):
                p = new_paragraph(target, self.styles[role])
                self._spans(p, (*prefix, *block.spans) if not out else block.spans)
                out.append(p)
                continue
            out += self._list_block(block, role, target, inline_lists)
        if not out and prefix:
            p = new_paragraph(target, self.styles[role])
            self._spans(p, prefix)
            out.append(p)
        if out and cites:
            self._cites(out[-1], cites)
        return out

    def _list_block(self, block: ListBlock, role: str, target: Any, inline: bool) -> list[Any]:
        out = []
        for n, item in enumerate(block.items, start=1):
            mark = f"{n}." if block.ordered else BULLET
            for i, part in enumerate(item):
                if isinstance(part, ListBlock):
                    out += self._list_block(part, role, target, inline)
                    continue
                if inline:
                    p = new_paragraph(target, self.styles[role])
                    self._spans(p, ((Span(f"{mark}\u00a0") if i == 0 else Span("")), *part.spans))
                else:
                    p = new_paragraph(
                        target, self.styles["number2" if block.ordered else "bullet2"]
                    )
                    self._spans(p, part.spans)
                out.append(p)
        return out

    def _spans(self, paragraph: Any, spans: Sequence[Span]) -> None:
        for span in spans:
            if not span.text:
                continue
            if span.text == "\n":
                paragraph.add_run().add_break()
                continue
            if span.href and allowed_link(span.href) and not span.href.startswith("#"):
                self._hyperlink(paragraph, span)
                continue
            self._run(paragraph, span)

    def _run(self, paragraph: Any, span: Span) -> Any:
        run = paragraph.add_run(span.text)
        if span.bold:
            run.bold = True
        if span.italic:
            run.italic = True
        if span.code:
            run.font.name = CODE_FONT
        return run

    def _hyperlink(self, paragraph: Any, span: Span) -> None:
        """A link to the web or a mail address (the allowlist's schemes), in Word's Hyperlink
        character style: python-docx reads hyperlinks but cannot add them."""
        rid = self.doc.part.relate_to(span.href, RT.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), rid)
        run = _styled_run(self._run(paragraph, span), self.styles["hyperlink"])
        if self.styles["hyperlink"] is None:
            run.font.underline = True
        run._r.addprevious(link)
        link.append(run._r)

    def _cites(self, paragraph: Any, numbers: Sequence[int]) -> None:
        """The source numbers, superscript, joined to the word before: "…Act.[1, 2]"."""
        if numbers:
            # U+2060 (word joiner): no line break between the word and its citation
            run = paragraph.add_run("\u2060[" + ", ".join(str(n) for n in numbers) + "]")
            run.font.superscript = True

    # ------------------------------------------------------------ figures

    def _next_id(self) -> int:
        self._shape_id += 1
        return self._shape_id

    def _chart(self, figure: ChartFigure, *, keep_next: bool) -> None:
        self.charts += 1
        xml, workbook = chart_xml(figure, self.colors, self.lang, self.font)
        rid = add_chart_part(self.doc.part, self.charts, xml, workbook)
        p = new_paragraph(self.doc, self.styles["figure"])
        p.paragraph_format.keep_with_next = keep_next
        drawing = OxmlElement("w:drawing")
        alt = figure.alt or figure.title
        drawing.append(
            inline_chart(rid, self.text_width_mm, self.chart_height_mm, self._next_id(), alt)
        )
        p.add_run()._r.append(drawing)

    def _table(self, figure: TableFigure, title: str) -> None:
        rows = [[cell_text(c) for c in row] for row in figure.rows]
        columns = [str(c) for c in figure.columns]
        table = self._new_table(len(rows) + 1, len(columns), self._widths(columns, rows))
        self._header_row(table.rows[0], columns)
        for row, values in zip(table.rows[1:], rows, strict=True):
            cells = row.cells
            for cell, value in zip(cells, values, strict=False):
                self._cell_text(cell, value)
        self._table_alt(table, figure.alt or title, columns, len(rows), caption=title)

    def _widths(self, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> list[float]:
        """Column widths by the length of what they hold (header and longest cell, capped),
        each at least :data:`MIN_COLUMN` of the text width."""
        weights = []
        for i, header in enumerate(columns):
            longest = max([len(header), *(len(r[i]) for r in rows if i < len(r))])
            weights.append(min(longest, 40) + 4)
        total = sum(weights)
        shares = [max(MIN_COLUMN, w / total) for w in weights]
        scale = sum(shares)
        return [self.text_width_mm * s / scale for s in shares]

    def _new_table(self, rows: int, cols: int, widths: Sequence[float]) -> Any:
        table = self.doc.add_table(rows=rows, cols=cols)
        if self.styles["table"] is not None:
            table.style = self.styles["table"]
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Mm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Mm(width)
            _row_property(row, "w:cantSplit")  # a row never breaks across pages
        return table

    def _header_row(self, row: Any, texts: Sequence[str]) -> None:
        """The header row: header cells, and Word's "repeat as header row" (``tblHeader``),
        which is also what tells a screen reader these cells are column headers."""
        _row_property(row, "w:tblHeader")
        for cell, text in zip(row.cells, texts, strict=False):
            self._cell_text(cell, text, "cell_header")

    def _cell_text(self, cell: Any, text: str, role: str = "cell") -> None:
        p = cell.paragraphs[0]
        _set_style(p, self.styles[role])
        if text:
            p.add_run(text)

    def _cell_markdown(self, cell: Any, blocks: Sequence[Block]) -> None:
        first = cell.paragraphs[0]
        paras = self._markdown(blocks, "cell", container=cell)
        if paras:  # the cell's own empty first paragraph goes
            first._p.getparent().remove(first._p)

    def _table_alt(
        self,
        table: Any,
        what: str,
        columns: Sequence[str],
        rows: int,
        caption: str | None = None,
    ) -> None:
        """The table's title and description (``tblCaption``/``tblDescription``): Word's Alt
        Text of a table, what a screen reader announces before reading it."""
        template = self.labels.get(
            "table_alt", "Table: {what}{part}. Columns: {columns}; {rows} rows."
        )
        text = template.format(what=what, part="", columns=", ".join(columns), rows=rows)
        tbl_pr = table._tbl.tblPr
        for tag, value in (("w:tblCaption", caption or what), ("w:tblDescription", text)):
            el = OxmlElement(tag)
            el.set(qn("w:val"), value[:2000])
            tbl_pr.append(el)

    # ------------------------------------------------------------ pictures and numbering

    def _logo(self) -> None:
        if self.logo is None:
            return
        p = new_paragraph(self.doc, self.styles["figure"])
        p.alignment = 2  # right, where the PDF's cover has it
        run = p.add_run()
        run.add_picture(io.BytesIO(self.logo.data), width=Mm(self.logo.width_mm))
        for pr in run._r.iter(qn("wp:docPr")):
            pr.set("descr", self.logo.alt)
            pr.set("id", str(self._next_id()))

    def _restarted_numbering(self) -> int | None:
        """A numbering instance of the ``number`` style's list that starts again at 1 (each
        numbered list of the brief counts from 1), or None if the style has no numbering."""
        abstract = _abstract_num(self.doc, self.styles["number"])
        if abstract is None:
            return None
        numbering = self.doc.part.numbering_part.element
        num = numbering.add_num(abstract)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return num.numId


def new_paragraph(container: Any, style: Any) -> Any:
    """A paragraph at the end of ``container`` (the document, a cell, a header) in ``style``.

    Giving python-docx the style object makes it look up the default style among all of the
    reference's styles on every call, two thirds of the time of a long brief: the style's id
    is written directly instead (the same XML)."""
    paragraph = container.add_paragraph()
    _set_style(paragraph, style)
    return paragraph


def _set_style(paragraph: Any, style: Any) -> None:
    paragraph._p.style = style.style_id if style is not None else None


def _styled_run(run: Any, style: Any) -> Any:
    """``run`` in character ``style`` (by id, as :func:`new_paragraph` does)."""
    if style is not None:
        run._r.style = style.style_id
    return run


def _body_font(document: Any) -> str | None:
    """The document's body font (Normal's, else the defaults'), for chart text."""
    for rpr in (
        document.styles["Normal"].element.rPr,
        document.styles.element.find(
            qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr")
        ),
    ):
        fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        if fonts is not None and fonts.get(qn("w:ascii")):
            return fonts.get(qn("w:ascii"))
    return None


def _row_property(row: Any, tag: str) -> None:
    """``w:cantSplit`` or ``w:tblHeader`` on a row, in the schema's order (cantSplit first)."""
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn(tag)) is not None:
        return
    el = OxmlElement(tag)
    later = tr_pr.find(qn("w:tblHeader")) if tag == "w:cantSplit" else None
    if later is not None:
        later.addprevious(el)
    else:
        tr_pr.append(el)


def _set_numbering(paragraph: Any, num_id: int) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    num_pr = p_pr.get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id


def _abstract_num(document: Any, style: Any) -> int | None:
    """The abstract numbering a paragraph style (or the style it is based on) numbers with."""
    seen = 0
    while style is not None and seen < 10:
        p_pr = style.element.pPr
        num_pr = p_pr.numPr if p_pr is not None else None
        if num_pr is not None and num_pr.numId is not None:
            num_id = num_pr.numId.val
            try:
                numbering = document.part.numbering_part.element
            except NotImplementedError:
                return None
            for num in numbering.num_lst:
                if num.numId == num_id:
                    return num.abstractNumId.val
            return None
        style, seen = style.base_style, seen + 1
    return None


def banner_paragraph(container: Any, role_style: Any, text: str) -> Any:
    """The classification marking as the first paragraph of a header or footer."""
    paragraphs = container.paragraphs
    if (
        len(paragraphs) == 1
        and not paragraphs[0].text
        and not paragraphs[0]._p.xpath(".//w:drawing")
    ):
        p = paragraphs[0]
    elif paragraphs:
        p = paragraphs[0].insert_paragraph_before()
    else:
        p = container.add_paragraph()
    _set_style(p, role_style)
    p.add_run(text)
    return p


def page_field(paragraph: Any, label: str) -> None:
    """``label`` ("Page {page} of {pages}") with Word fields for the page number and count,
    which Word and LibreOffice fill in as they lay the document out."""
    head, _, rest = label.partition("{page}")
    middle, _, tail = rest.partition("{pages}")
    for text, field in ((head, "PAGE"), (middle, "NUMPAGES"), (tail, None)):
        if text:
            paragraph.add_run(text)
        if field:
            _field(paragraph, field)


def _field(paragraph: Any, instruction: str) -> None:
    parts = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>',
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
        "<w:r><w:t>1</w:t></w:r>",
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
    )
    for xml in parts:
        paragraph._p.append(element(xml))
