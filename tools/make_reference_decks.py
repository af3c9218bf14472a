"""Regenerate the built-in sets' ``reference.pptx`` files (a maintainer's tool).

Starts from python-pptx's own default deck, makes it 16:9, and restyles its theme (colours,
fonts), its master text styles and its standard layouts, keeping PowerPoint's standard
layout names so the deck builder's default mapping applies. A user's corporate deck needs
none of this: it is used as it is.

    python tools/make_reference_decks.py
"""

from __future__ import annotations

import copy
import datetime
import io
import sys
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Emu, Inches, Pt

from briefgen.render.ooxml import normalize_package

ROOT = Path(__file__).resolve().parent.parent
NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
}
A = f"{{{NS['a']}}}"
P = f"{{{NS['p']}}}"
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)


@dataclass
class Style:
    name: str
    major: str
    minor: str
    primary: str
    accent: str
    ink: str = "1D2430"
    muted: str = "5B6473"
    title_size: int = 28
    title_bold: bool = True
    body_sizes: tuple[int, ...] = (20, 17, 15)
    bullets: tuple[str, ...] = ("•", "–", "•")
    dark_title_slide: bool = True
    dark_section: bool = True
    title_rule: str = "bar"  # bar | line
    band_text: str | None = None  # words in the title slide's band (light title slides)
    extra_accents: list[str] = field(
        default_factory=lambda: ["5B8DB8", "E8A33D", "6A8F3C", "7F7F7F"]
    )


STYLES = [
    Style("default", "Calibri", "Calibri", "1F3A5F", "C8102E"),
    Style(
        "formal",
        "Times New Roman",
        "Times New Roman",
        "1B2A41",
        "8C1D18",
        title_size=28,
        title_bold=True,
        body_sizes=(20, 17, 15),
        bullets=("▪", "–", "·"),
        dark_title_slide=False,
        dark_section=False,
        title_rule="line",
        band_text="BRIEFING MEMORANDUM",
        extra_accents=["4F6D8F", "B08D57", "5E7B4C", "7F7F7F"],
    ),
]


def _set_color(parent: etree._Element, tag: str, hex_value: str) -> None:
    el = parent.find(f"a:{tag}", NS)
    for child in list(el):
        el.remove(child)
    etree.SubElement(el, f"{A}srgbClr", val=hex_value)


def restyle_theme(prs: Presentation, style: Style) -> None:
    master = prs.slide_masters[0]
    theme_part = master.part.part_related_by(RT.THEME)
    theme = etree.fromstring(theme_part.blob)
    theme.set("name", f"briefgen {style.name}")
    scheme = theme.find(".//a:clrScheme", NS)
    scheme.set("name", f"briefgen {style.name}")
    colors = {
        "dk1": style.ink,
        "lt1": "FFFFFF",
        "dk2": style.primary,
        "lt2": "F2F5F9",
        "accent1": style.primary,
        "accent2": style.accent,
        "hlink": style.primary,
        "folHlink": style.muted,
    }
    for i, extra in enumerate(style.extra_accents, start=3):
        colors[f"accent{i}"] = extra
    for tag, value in colors.items():
        _set_color(scheme, tag, value)
    fonts = theme.find(".//a:fontScheme", NS)
    fonts.set("name", f"briefgen {style.name}")
    fonts.find("a:majorFont/a:latin", NS).set("typeface", style.major)
    fonts.find("a:minorFont/a:latin", NS).set("typeface", style.minor)
    theme_part._blob = etree.tostring(
        theme, xml_declaration=True, encoding="UTF-8", standalone=True
    )


def restyle_master_text(prs: Presentation, style: Style) -> None:
    master = prs.slide_masters[0]._element
    title = master.find("p:txStyles/p:titleStyle/a:lvl1pPr", NS)
    title.set("algn", "l")
    rpr = title.find("a:defRPr", NS)
    rpr.set("sz", str(style.title_size * 100))
    rpr.set("b", "1" if style.title_bold else "0")
    _scheme_fill(rpr, "tx2")
    body = master.find("p:txStyles/p:bodyStyle", NS)
    for level in range(1, 10):
        ppr = body.find(f"a:lvl{level}pPr", NS)
        size = style.body_sizes[min(level, len(style.body_sizes)) - 1]
        ppr.find("a:defRPr", NS).set("sz", str(size * 100))
        spc = ppr.find("a:spcBef/a:spcPct", NS)
        if spc is not None:
            spc_bef = spc.getparent()
            spc_bef.remove(spc)
            etree.SubElement(spc_bef, f"{A}spcPts", val=str(int(size * 0.55 * 100)))
        bullet = ppr.find("a:buChar", NS)
        if bullet is not None:
            bullet.set("char", style.bullets[min(level, len(style.bullets)) - 1])
            bu_clr = etree.Element(f"{A}buClr")
            etree.SubElement(bu_clr, f"{A}schemeClr", val="accent2")
            ppr.insert(list(ppr).index(ppr.find("a:buFont", NS)), bu_clr)


def _scheme_fill(rpr: etree._Element, scheme: str) -> None:
    for old in rpr.findall("a:solidFill", NS):
        rpr.remove(old)
    fill = etree.Element(f"{A}solidFill")
    etree.SubElement(fill, f"{A}schemeClr", val=scheme)
    rpr.insert(0, fill)


def _scale_x(shape) -> None:
    shape.left = Emu(int(shape.left * WIDTH / Inches(10)))
    shape.width = Emu(int(shape.width * WIDTH / Inches(10)))


def _place(shape, left: float, top: float, width: float, height: float) -> None:
    shape.left, shape.top = Inches(left), Inches(top)
    shape.width, shape.height = Inches(width), Inches(height)


def _background(layout, scheme: str) -> None:
    c_sld = layout._element.find("p:cSld", NS)
    old = c_sld.find("p:bg", NS)
    if old is not None:
        c_sld.remove(old)
    bg = etree.Element(f"{P}bg")
    bg_pr = etree.SubElement(bg, f"{P}bgPr")
    fill = etree.SubElement(bg_pr, f"{A}solidFill")
    etree.SubElement(fill, f"{A}schemeClr", val=scheme)
    etree.SubElement(bg_pr, f"{A}effectLst")
    c_sld.insert(0, bg)


def _text_color(
    placeholder,
    scheme: str,
    size: int | None = None,
    bold: bool | None = None,
    anchor: str | None = None,
) -> None:
    """Set a layout placeholder's default text colour (and size) through its list style."""
    tx_body = placeholder._element.get_or_add_txBody()
    body_pr = tx_body.find("a:bodyPr", NS)
    if anchor:
        body_pr.set("anchor", anchor)
    lst = tx_body.find("a:lstStyle", NS)
    for old in list(lst):
        lst.remove(old)
    ppr = etree.SubElement(lst, f"{A}lvl1pPr")
    rpr = etree.SubElement(ppr, f"{A}defRPr")
    if size:
        rpr.set("sz", str(size * 100))
    if bold is not None:
        rpr.set("b", "1" if bold else "0")
    fill = etree.SubElement(rpr, f"{A}solidFill")
    etree.SubElement(fill, f"{A}schemeClr", val=scheme)


def _add_decoration(
    prs: Presentation,
    layout,
    kind: str,
    box: tuple[float, ...],
    scheme: str,
    text: str | None = None,
) -> None:
    """Draw a rectangle (with optional white letter-spaced text) on a scratch slide and move
    its XML onto ``layout``."""
    scratch = prs.slides.add_slide(prs.slide_layouts.get_by_name("Blank"))
    shape = scratch.shapes.add_shape(MSO_SHAPE.RECTANGLE, *(Inches(v) for v in box))
    shape.name = f"Decoration {kind}"
    shape.fill.solid()
    shape.line.fill.background()
    if text:
        frame = shape.text_frame
        frame.margin_left = Inches(0.8)
        run = frame.paragraphs[0].add_run()
        run.text = text
        run.font.size, run.font.bold = Pt(16), True
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        run._r.get_or_add_rPr().set("spc", "600")
        frame.paragraphs[0].alignment = PP_ALIGN.LEFT
    sp = copy.deepcopy(shape._element)
    fill = sp.find(".//p:spPr/a:solidFill", NS)
    for child in list(fill):
        fill.remove(child)
    etree.SubElement(fill, f"{A}schemeClr", val=scheme)
    style_el = sp.find("p:style", NS)
    if style_el is not None:
        sp.remove(style_el)
    tree = layout._element.find("p:cSld/p:spTree", NS)
    tree.insert(2, sp)  # behind the placeholders
    _drop_last_slide(prs)


def _drop_last_slide(prs: Presentation) -> None:
    ids = prs.slides._sldIdLst
    last = ids[-1]
    prs.part.drop_rel(last.rId)
    ids.remove(last)


def restyle_layouts(prs: Presentation, style: Style) -> None:
    master = prs.slide_masters[0]
    for shape in master.shapes:
        _scale_x(shape)
    for layout in prs.slide_layouts:
        for shape in layout.placeholders:
            _scale_x(shape)
    for shape in master.placeholders:
        kind = shape.placeholder_format.type
        if shape.placeholder_format.idx == 0:
            _place(shape, 0.6, 0.5, 12.13, 0.95)
        elif str(kind).startswith("BODY"):
            _place(shape, 0.6, 1.75, 12.13, 4.95)
    for layout in prs.slide_layouts:
        name = layout.name
        for ph in layout.placeholders:
            idx = ph.placeholder_format.idx
            if idx in (10, 11):  # date, footer: briefgen draws its own banner and numbers
                ph._element.getparent().remove(ph._element)
            elif idx == 12:
                _place(ph, 11.33, 6.88, 1.4, 0.3)
            elif (
                name
                in (
                    "Title and Content",
                    "Title Only",
                    "Two Content",
                    "Comparison",
                    "Title and Vertical Text",
                )
                and idx == 0
            ):
                _place(ph, 0.6, 0.5, 12.13, 0.95)
                _text_color(ph, "tx2", anchor="b")
            elif name in ("Title and Content", "Title and Vertical Text") and idx == 1:
                _place(ph, 0.6, 1.75, 12.13, 4.95)
        if name in ("Title and Content", "Title Only", "Two Content", "Comparison"):
            if style.title_rule == "bar":
                _add_decoration(prs, layout, "rule", (0.6, 1.52, 1.1, 0.06), "accent2")
            else:
                _add_decoration(prs, layout, "rule", (0.6, 1.52, 12.13, 0.02), "tx2")
    _style_title_slide(prs, style)
    _style_section_header(prs, style)


def _style_title_slide(prs: Presentation, style: Style) -> None:
    layout = prs.slide_layouts.get_by_name("Title Slide")
    dark = style.dark_title_slide
    if dark:
        _background(layout, "tx2")
        _add_decoration(prs, layout, "accent", (0.8, 4.0, 1.4, 0.07), "accent2")
    else:
        _add_decoration(prs, layout, "band", (0, 0.45, 13.333, 0.9), "tx2", style.band_text)
        _add_decoration(prs, layout, "rule", (0.8, 3.95, 11.7, 0.03), "accent2")
    for ph in layout.placeholders:
        if ph.placeholder_format.idx == 0:
            _place(ph, 0.8, 2.2, 11.7, 1.7)
            _text_color(ph, "bg1" if dark else "tx2", size=40, bold=True, anchor="b")
            ph._element.txBody.find("a:lstStyle/a:lvl1pPr", NS).set("algn", "l")
        elif ph.placeholder_format.idx == 1:
            _place(ph, 0.8, 4.2, 11.7, 2.2)
            _text_color(ph, "bg2" if dark else "tx1", size=18, anchor="t")
            ph._element.txBody.find("a:lstStyle/a:lvl1pPr", NS).set("algn", "l")


def _style_section_header(prs: Presentation, style: Style) -> None:
    layout = prs.slide_layouts.get_by_name("Section Header")
    dark = style.dark_section
    if dark:
        _background(layout, "tx2")
        _add_decoration(prs, layout, "accent", (0.8, 4.12, 1.4, 0.07), "accent2")
    else:
        _add_decoration(prs, layout, "rule", (0.8, 4.1, 11.7, 0.03), "tx2")
    for ph in layout.placeholders:
        if ph.placeholder_format.idx == 0:
            _place(ph, 0.8, 2.9, 11.7, 1.15)
            _text_color(ph, "bg1" if dark else "tx2", size=36, bold=True, anchor="b")
        elif ph.placeholder_format.idx == 1:
            _place(ph, 0.8, 4.3, 11.7, 2.3)
            _text_color(ph, "bg2" if dark else "tx1", size=18, anchor="t")


def build(style: Style) -> Path:
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    restyle_theme(prs, style)
    restyle_master_text(prs, style)
    restyle_layouts(prs, style)
    prs.core_properties.title = f"briefgen {style.name} reference deck"
    prs.core_properties.author = "briefgen"
    out = ROOT / "templates" / style.name / "reference.pptx"
    buffer = io.BytesIO()
    prs.save(buffer)
    # Fixed zip times and dates: regenerating an unchanged deck gives the same bytes.
    out.write_bytes(normalize_package(buffer.getvalue(), datetime.date(2026, 1, 1)))
    return out


def main() -> int:
    for style in STYLES:
        print(build(style))
    return 0


if __name__ == "__main__":
    sys.exit(main())
