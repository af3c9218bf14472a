"""Writing measured paragraphs into PowerPoint text frames: runs, styles, bullets, links.

The paragraphs are written as DrawingML elements directly (``a:p``, ``a:pPr``, ``a:r``),
not through python-pptx's paragraph and font objects: those look every child up and
validate every value on each assignment, which was a third of a warm deck's time. The
elements and values are the ones python-pptx writes for the same settings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal, NamedTuple

from lxml import etree
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.text.text import TextFrame
from pptx.util import Pt

from briefgen.links import allowed_link
from briefgen.render.deck import adapter
from briefgen.render.deck.fit import Paragraph, Run, space_before
from briefgen.render.deck.layouts import BULLET_INDENT, EMU_PER_PT, PH

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_AUTOFIT = {A + "noAutofit", A + "normAutofit", A + "spAutoFit"}
_CONTROL = re.compile(r"[\x00-\x08\x0B-\x1F]")


def rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color.lstrip("#").upper())


def centipoints(points: float) -> str:
    """Points as OOXML's hundredths of a point, rounded as python-pptx rounds them."""
    return str(int(points * 12700) // 127)


_BULLET_INDENT = int(BULLET_INDENT * EMU_PER_PT)


def write(
    frame: TextFrame,
    paragraphs: Sequence[Paragraph],
    size: float,
    *,
    bullets: bool | Literal["lists"] = True,
    numbered_from: int | None = None,
    color: str | None = None,
    italic: bool | None = None,
    bold: bool | None = None,
    font: str | None = None,
    align: PP_ALIGN | None = None,
    anchor: MSO_ANCHOR | None = None,
    indent: float = BULLET_INDENT,
    number_color: str | None = None,
) -> None:
    """Replace ``frame``'s text with ``paragraphs`` at ``size`` points, fitted beforehand;
    marks briefgen draws itself (numbers, bullets in text boxes) hang by ``indent`` points,
    as measured; numbers in ``number_color`` when given (else the template's).

    Autofit is switched off: the builder has measured the text, and PowerPoint's shrink-on-
    overflow would make the printed deck differ from what was checked.
    """
    body = adapter.tx_body(frame)
    placeholder = body.getparent().find(PH) is not None
    _no_autofit(body.find(A + "bodyPr"), anchor)
    for old in body.findall(A + "p"):
        body.remove(old)
    look = _Look(color.lstrip("#").upper() if color else None, italic, bold, font)
    for i, para in enumerate(paragraphs):
        p = etree.SubElement(body, A + "p")
        if not bullets or (bullets == "lists" and para.level == 0):
            mark = "flush"  # "lists": paragraphs flush, Markdown list items with marks
        elif not para.bullet:  # a continuation: aligned with the text above, no mark
            mark = "none"
        elif numbered_from is not None and para.level == 0:
            mark = "number"
        else:
            mark = "bullet"
        # Spacing as measured (fit.py), whatever the reference deck's masters say.
        gap = space_before(size * para.scale) if i else 0
        if mark == "bullet" and not placeholder:
            mark = "char"  # a text box has no list styles to inherit a bullet from
        hang = int(indent * EMU_PER_PT)
        _paragraph_properties(
            p, min(para.level, 8), gap, align, mark, numbered_from, hang, number_color
        )
        for run in para.runs:
            _add_run(frame, p, run, size * para.scale, look)
    if not paragraphs:
        etree.SubElement(body, A + "p")


def _no_autofit(body_pr: etree._Element, anchor: MSO_ANCHOR | None) -> None:
    """Wrap on, autofit off (``a:noAutofit``, after any ``a:prstTxWarp``), and the anchor."""
    body_pr.set("wrap", "square")
    for child in list(body_pr):
        if child.tag in _AUTOFIT:
            body_pr.remove(child)
    at = 1 if len(body_pr) and body_pr[0].tag == A + "prstTxWarp" else 0
    body_pr.insert(at, body_pr.makeelement(A + "noAutofit", {}))
    if anchor is not None:
        body_pr.set("anchor", anchor.xml_value)


def _paragraph_properties(
    p: etree._Element,
    level: int,
    gap: float,
    align: PP_ALIGN | None,
    mark: str,
    start: int | None,
    hang: int = _BULLET_INDENT,
    number_color: str | None = None,
) -> None:
    """``a:pPr`` with its children in schema order: lnSpc, spcBef, then the bullet."""
    ppr = etree.SubElement(p, A + "pPr")
    if level:
        ppr.set("lvl", str(level))
    if align is not None:
        ppr.set("algn", align.xml_value)
    if mark in ("char", "number"):  # a hanging mark, as the reference decks' body text has
        ppr.set("marL", str(hang * (level + 1)))
        ppr.set("indent", str(-hang))
    if mark in ("flush", "none"):
        ppr.set("indent", "0")
    if mark == "flush":
        ppr.set("marL", "0")
    etree.SubElement(etree.SubElement(ppr, A + "lnSpc"), A + "spcPct", val="100000")
    etree.SubElement(etree.SubElement(ppr, A + "spcBef"), A + "spcPts", val=centipoints(gap))
    if mark in ("flush", "none"):
        etree.SubElement(ppr, A + "buNone")
    elif mark == "char":  # in the theme's accent, like the masters' bullets
        etree.SubElement(etree.SubElement(ppr, A + "buClr"), A + "schemeClr", val="accent2")
        etree.SubElement(ppr, A + "buFont", typeface="Arial")
        etree.SubElement(ppr, A + "buChar", char="•")
    elif mark == "number":
        if number_color:  # numbers are text: readable where the template's colour is not
            clr = etree.SubElement(ppr, A + "buClr")
            etree.SubElement(clr, A + "srgbClr", val=number_color.lstrip("#").upper())
        etree.SubElement(ppr, A + "buAutoNum", type="arabicPeriod", startAt=str(start))


class _Look(NamedTuple):
    """What every run of one ``write`` call shares: colour, emphasis and typeface."""

    color: str | None
    italic: bool | None
    bold: bool | None
    font: str | None


def _add_run(frame: TextFrame, p: etree._Element, run: Run, size: float, look: _Look) -> None:
    if run.text == "\n":
        etree.SubElement(p, A + "br")
        return
    r = etree.SubElement(p, A + "r")
    points = round(size * (0.7 if run.superscript else 1.0), 1)
    rpr = etree.SubElement(r, A + "rPr", sz=centipoints(points))
    if run.bold or look.bold:
        rpr.set("b", "1")
    if run.italic or look.italic:
        rpr.set("i", "1")
    if run.superscript:
        rpr.set("baseline", "30000")
    if look.color:  # children in schema order: fill, latin, hlinkClick
        etree.SubElement(etree.SubElement(rpr, A + "solidFill"), A + "srgbClr", val=look.color)
    if look.font:
        etree.SubElement(rpr, A + "latin", typeface=look.font)
    if run.href and allowed_link(run.href) and not run.href.lstrip().startswith("#"):
        rid = frame.part.relate_to(run.href, RT.HYPERLINK, is_external=True)
        etree.SubElement(rpr, A + "hlinkClick", {R_ID: rid})
    etree.SubElement(r, A + "t").text = _escape(run.text)


def set_text(body: etree._Element, text: str) -> None:
    """Replace the paragraphs of ``body`` (an ``a:txBody``) with ``text`` unstyled: a
    paragraph per line, as python-pptx's ``TextFrame.text`` writes it (speaker notes)."""
    for old in body.findall(A + "p"):
        body.remove(old)
    for line in text.split("\n"):
        p = etree.SubElement(body, A + "p")
        for i, piece in enumerate(line.split("\v")):
            if i:
                etree.SubElement(p, A + "br")
            if piece:
                r = etree.SubElement(p, A + "r")
                etree.SubElement(r, A + "t").text = _escape(piece)


_LANG_PROPS = (A + "rPr", A + "endParaRPr", A + "defRPr")


def set_language(root: etree._Element, lang: str) -> None:
    """Mark all text under ``root`` (a slide, notes slide or chart) as written in ``lang``.

    PowerPoint and screen readers take a run's language from its properties, not from the
    document: without ``lang`` they assume the reader's own language, so a voice reads an
    English brief with Azerbaijani rules. Runs without properties get them first (a run's
    ``rPr`` is its first child).
    """
    for run in root.iter(A + "r", A + "fld"):
        if run.find(A + "rPr") is None:
            run.insert(0, etree.Element(A + "rPr"))
    for props in root.iter(*_LANG_PROPS):
        props.set("lang", lang)


def _escape(text: str) -> str:
    """Control characters as OOXML's ``_xHHHH_`` escapes (lxml refuses them raw)."""
    return _CONTROL.sub(lambda m: f"_x{ord(m[0]):04X}_", text)


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


_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
# A slide-number field's id: PowerPoint gives each field a GUID; one fixed GUID keeps decks
# byte-identical between builds (PowerPoint copies fields with their GUIDs as well).
_FIELD_ID = "{5C1F5E0B-9A54-4C1B-8F3E-6D2A1B7C9E40}"


def number_placeholder(idx: int, number: int, rest: str, size: float, color: str):
    """A slide-number placeholder (``p:sp`` inheriting the layout's ``sldNum`` at ``idx``)
    holding a slide-number field showing ``number`` and then ``rest`` (" / 24"), at
    ``size`` points in ``color`` (``RRGGBB``), on one line."""
    sp = etree.Element(_P + "sp", nsmap={"p": _P[1:-1], "a": A[1:-1]})
    nv = etree.SubElement(sp, _P + "nvSpPr")
    etree.SubElement(nv, _P + "cNvPr", id="0", name="Slide number")
    etree.SubElement(etree.SubElement(nv, _P + "cNvSpPr"), A + "spLocks", noGrp="1")
    nvpr = etree.SubElement(nv, _P + "nvPr")
    etree.SubElement(nvpr, _P + "ph", type="sldNum", sz="quarter", idx=str(idx))
    etree.SubElement(sp, _P + "spPr")
    body = etree.SubElement(sp, _P + "txBody")
    etree.SubElement(body, A + "bodyPr", wrap="none")
    etree.SubElement(body, A + "lstStyle")
    p = etree.SubElement(body, A + "p")
    field = etree.SubElement(p, A + "fld", id=_FIELD_ID, type="slidenum")
    run = etree.SubElement(p, A + "r")
    for element, text in ((field, str(number)), (run, rest)):
        props = etree.SubElement(element, A + "rPr", sz=centipoints(size))
        fill = etree.SubElement(props, A + "solidFill")
        etree.SubElement(fill, A + "srgbClr", val=color)
        etree.SubElement(element, A + "t").text = text
    return sp


_FILL_AFTER = {A + t for t in ("xfrm", "custGeom", "prstGeom")}


def backed(sp, color: str, rect) -> None:
    """Give the shape ``sp`` a solid fill of ``color`` (``RRGGBB``) and the place ``rect``
    (EMU), its text right-aligned: a mark's own backing where nothing reads on the band.
    Written in schema order: position, geometry, then the fill."""
    props = sp.find(_P + "spPr")
    xfrm = props.find(A + "xfrm")
    if xfrm is None:
        xfrm = etree.Element(A + "xfrm")
        props.insert(0, xfrm)
        etree.SubElement(xfrm, A + "off")
        etree.SubElement(xfrm, A + "ext")
    for tag, values in (
        ("off", ("x", rect.left, "y", rect.top)),
        ("ext", ("cx", rect.width, "cy", rect.height)),
    ):
        element = xfrm.find(A + tag)
        element.set(values[0], str(values[1]))
        element.set(values[2], str(values[3]))
    fill = etree.Element(A + "solidFill")
    etree.SubElement(fill, A + "srgbClr", val=color)
    before = [child for child in props if child.tag in _FILL_AFTER]
    props.insert(props.index(before[-1]) + 1, fill)
    for p in sp.iter(A + "p"):
        ppr = p.find(A + "pPr")
        if ppr is None:
            ppr = etree.Element(A + "pPr")
            p.insert(0, ppr)
        ppr.set("algn", "r")
