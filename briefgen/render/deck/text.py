"""Writing measured paragraphs into PowerPoint text frames: runs, styles, bullets, links."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.text.text import TextFrame, _Paragraph
from pptx.util import Pt

from briefgen.content.markdown import ALLOWED_SCHEMES
from briefgen.render.deck.fit import Paragraph, Run, space_before


def rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color.lstrip("#").upper())


def write(
    frame: TextFrame,
    paragraphs: Sequence[Paragraph],
    size: float,
    *,
    bullets: bool = True,
    numbered_from: int | None = None,
    color: str | None = None,
    italic: bool | None = None,
    bold: bool | None = None,
    font: str | None = None,
    align: PP_ALIGN | None = None,
    anchor: MSO_ANCHOR | None = None,
) -> None:
    """Replace ``frame``'s text with ``paragraphs`` at ``size`` points, fitted beforehand.

    Autofit is switched off: the builder has measured the text, and PowerPoint's shrink-on-
    overflow would make the printed deck differ from what was checked.
    """
    frame.clear()
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    if anchor is not None:
        frame.vertical_anchor = anchor
    for i, para in enumerate(paragraphs):
        p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        p.level = min(para.level, 8)
        # Spacing as measured (fit.py), whatever the reference deck's masters say.
        p.line_spacing = 1.0
        p.space_before = Pt(space_before(size * para.scale) if i else 0)
        if align is not None:
            p.alignment = align
        if not bullets:
            _no_bullet(p, flush=True)
        elif not para.bullet:  # a continuation: aligned with the text above, no mark
            _no_bullet(p, flush=False)
        elif numbered_from is not None and para.level == 0:
            _autonumber(p, numbered_from)
        for run in para.runs:
            _add_run(p, run, size * para.scale, color=color, italic=italic, bold=bold, font=font)


def _add_run(
    p: _Paragraph,
    run: Run,
    size: float,
    *,
    color: str | None,
    italic: bool | None,
    bold: bool | None,
    font: str | None,
) -> None:
    if run.text == "\n":
        p.add_line_break()
        return
    r = p.add_run()
    r.text = run.text
    f = r.font
    f.size = Pt(round(size * (0.7 if run.superscript else 1.0), 1))
    if run.bold or bold:
        f.bold = True
    if run.italic or italic:
        f.italic = True
    if font:
        f.name = font
    if color:
        f.color.rgb = rgb(color)
    if run.superscript:
        r._r.get_or_add_rPr().set("baseline", "30000")
    if run.href and run.href.lower().startswith(ALLOWED_SCHEMES):
        r.hyperlink.address = run.href


def _p_pr(p: _Paragraph) -> etree._Element:
    return p._p.get_or_add_pPr()


def _no_bullet(p: _Paragraph, flush: bool) -> None:
    """No bullet mark; ``flush`` also removes the left margin (plain text, not a list)."""
    ppr = _p_pr(p)
    for tag in ("a:buNone", "a:buChar", "a:buAutoNum"):
        for old in ppr.findall(qn(tag)):
            ppr.remove(old)
    ppr.set("indent", "0")
    if flush:
        ppr.set("marL", "0")
    _insert_bullet(ppr, etree.Element(qn("a:buNone")))


def _autonumber(p: _Paragraph, start: int) -> None:
    ppr = _p_pr(p)
    for tag in ("a:buNone", "a:buChar", "a:buAutoNum"):
        for old in ppr.findall(qn(tag)):
            ppr.remove(old)
    _insert_bullet(ppr, etree.Element(qn("a:buAutoNum"), type="arabicPeriod", startAt=str(start)))


def _insert_bullet(ppr: etree._Element, element: etree._Element) -> None:
    """Bullet elements go before tabLst/defRPr/extLst, as the schema orders them."""
    for i, child in enumerate(ppr):
        if child.tag in (qn("a:tabLst"), qn("a:defRPr"), qn("a:extLst")):
            ppr.insert(i, element)
            return
    ppr.append(element)


def plain(
    frame: TextFrame,
    text: str,
    size: float,
    *,
    bold: bool = False,
    color: str | None = None,
    align: PP_ALIGN | None = None,
    anchor: MSO_ANCHOR = MSO_ANCHOR.MIDDLE,
    margins: float | None = None,
) -> None:
    """One line of plain text (banners, numbers, captions)."""
    if margins is not None:
        frame.margin_left = frame.margin_right = Pt(margins)
        frame.margin_top = frame.margin_bottom = Pt(margins / 2)
    write(
        frame,
        [Paragraph((Run(text, bold=bold),), bullet=False)],
        size,
        bullets=False,
        color=color,
        align=align,
        anchor=anchor,
    )
