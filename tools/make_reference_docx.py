"""Regenerate the built-in sets' ``reference.docx`` files (a maintainer's tool).

Starts from python-docx's own default document and restyles it: A4 pages, the set's fonts
and colours, Word's standard styles (Title, Heading 1–3, List Bullet, List Number, Quote,
Caption, Header, Footer) and the styles briefgen adds (Kicker, Meta, Lead, Detail, Summary,
Summary Title, Quote Attribution, Figure Title, Numbered Paragraph, Memo Heading, Memo
Field, Memo Subject, Source, Colophon, Banner, Heading Number, Hyperlink, Table Text,
Table Heading and the table style Brief Table). It drops the default's sample parts (a
thumbnail, custom XML, a second styles part). A user's corporate reference needs none of
this: briefgen uses what it has and falls back (see docs/templates.md).

Colours are written as the set's own ``primary`` and ``accent`` values (template.yaml):
the builder swaps those for an audience's theme colours.

    python tools/make_reference_docx.py
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

from briefgen.render.docx.xml import put_property
from briefgen.render.ooxml import normalize_package, recolored_theme

ROOT = Path(__file__).resolve().parent.parent
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DROP_RELS = ("customXml", "stylesWithEffects", "metadata/thumbnail", "webSettings")


@dataclass
class Look:
    name: str
    font: str
    size: float  # body text, pt
    primary: str
    accent: str
    ink: str = "1D2430"
    muted: str = "5B6473"
    title_size: float = 26
    heading_sizes: tuple[float, float, float] = (15, 12, 11)
    serif: bool = False
    margin_mm: float = 20


LOOKS = (
    Look("default", "Calibri", 10.5, "1F3A5F", "C8102E"),
    Look(
        "formal",
        "Times New Roman",
        11,
        "1B2A41",
        "8C1D18",
        ink="111111",
        muted="4A4F57",
        title_size=14,
        heading_sizes=(12, 11, 11),
        serif=True,
        margin_mm=25,
    ),
)


def _replace(parent, tag: str, xml: str | None) -> None:
    put_property(parent, tag, xml)


def _border(side: str, color: str, size: int = 4, space: int = 4) -> str:
    return f'<w:{side} w:val="single" w:sz="{size}" w:space="{space}" w:color="{color}"/>'


def _borders(*sides: str, color: str, size: int = 4, space: int = 4) -> str:
    return "<w:pBdr>" + "".join(_border(s, color, size, space) for s in sides) + "</w:pBdr>"


def _style(doc, name: str, base: str | None = "Normal", kind=WD_STYLE_TYPE.PARAGRAPH):
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, kind)
    if base is not None:
        style.base_style = styles[base]
    style.hidden = False
    style.unhide_when_used = False
    style.quick_style = True
    return style


def _para(
    style,
    *,
    size: float | None = None,
    color: str | None = None,
    bold: bool | None = None,
    italic: bool | None = None,
    before: float | None = None,
    after: float | None = None,
    align=None,
    keep_next: bool | None = None,
    left: float | None = None,
    hanging: float | None = None,
    spacing: float | None = None,
    font: str | None = None,
    caps: bool | None = None,
) -> None:
    """Set the usual paragraph and character properties of ``style`` (sizes in pt, mm)."""
    f, p = style.font, style.paragraph_format
    if size is not None:
        f.size = Pt(size)
    if color is not None:
        f.color.rgb = RGBColor.from_string(color)
    if bold is not None:
        f.bold = bold
    if italic is not None:
        f.italic = italic
    if font is not None:
        f.name = font
    if caps is not None:
        f.all_caps = caps
    if before is not None:
        p.space_before = Pt(before)
    if after is not None:
        p.space_after = Pt(after)
    if align is not None:
        p.alignment = align
    if keep_next is not None:
        p.keep_with_next = keep_next
    if left is not None:
        p.left_indent = Mm(left)
    if hanging is not None:
        p.first_line_indent = Mm(-hanging)
    if spacing is not None:  # letter spacing, pt
        rpr = style.element.get_or_add_rPr()
        _replace(rpr, "w:spacing", f'<w:spacing w:val="{round(spacing * 20)}"/>')


def _ppr_xml(style, tag: str, xml: str | None) -> None:
    _replace(style.element.get_or_add_pPr(), tag, xml)


def _tab(style, mm: float) -> None:
    style.paragraph_format.tab_stops.add_tab_stop(Mm(mm))


NUMBERING = f"""<w:numbering {nsdecls("w")}>
  <w:abstractNum w:abstractNumId="0">
    <w:multiLevelType w:val="hybridMultilevel"/>
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\u2022"/>
      <w:lvlJc w:val="left"/><w:pPr><w:ind w:left="340" w:hanging="227"/></w:pPr>
      <w:rPr><w:color w:val="{{accent}}"/></w:rPr></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\u2013"/>
      <w:lvlJc w:val="left"/><w:pPr><w:ind w:left="680" w:hanging="227"/></w:pPr>
      <w:rPr><w:color w:val="{{accent}}"/></w:rPr></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="1">
    <w:multiLevelType w:val="hybridMultilevel"/>
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/>
      <w:lvlJc w:val="left"/><w:pPr><w:ind w:left="397" w:hanging="397"/></w:pPr>
      <w:rPr><w:b/><w:color w:val="{{primary}}"/></w:rPr></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/>
      <w:lvlJc w:val="left"/><w:pPr><w:ind w:left="794" w:hanging="397"/></w:pPr></w:lvl>
  </w:abstractNum>
  <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
  <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>"""


def _numbering(doc, look: Look) -> None:
    """Bullets in the accent colour and decimal numbers, as the brief draws them."""
    part = doc.part.numbering_part
    xml = NUMBERING.replace("{accent}", look.accent).replace("{primary}", look.primary)
    part._element = parse_xml(xml)


def _numbered(style, num_id: int, level: int = 0) -> None:
    ppr = style.element.get_or_add_pPr()
    _replace(
        ppr,
        "w:numPr",
        f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>',
    )


def _table_style(doc, look: Look) -> None:
    """Brief Table: ruled rows, a header row set apart (shaded in the default set, ruled in
    the formal one), as the PDF's tables are."""
    styles = doc.styles
    try:
        old = styles["Brief Table"]
        old.element.getparent().remove(old.element)
    except KeyError:
        pass
    rule = look.primary
    if look.serif:
        borders = (
            f'<w:top w:val="single" w:sz="12" w:space="0" w:color="{rule}"/>'
            f'<w:bottom w:val="single" w:sz="12" w:space="0" w:color="{rule}"/>'
            '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="B8BDC6"/>'
        )
        header = (
            f'<w:tcPr><w:tcBorders><w:bottom w:val="single" w:sz="8" w:space="0" '
            f'w:color="{rule}"/></w:tcBorders></w:tcPr>'
        )
    else:
        borders = (
            '<w:bottom w:val="single" w:sz="4" w:space="0" w:color="D9DEE6"/>'
            '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="D9DEE6"/>'
        )
        header = (
            f'<w:tcPr><w:tcBorders><w:bottom w:val="single" w:sz="12" w:space="0" '
            f'w:color="{rule}"/></w:tcBorders><w:shd w:val="clear" w:color="auto" '
            f'w:fill="EEF2F7"/></w:tcPr>'
        )
    xml = f"""<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="BriefTable">
  <w:name w:val="Brief Table"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>
  <w:qFormat/>
  <w:pPr><w:spacing w:before="20" w:after="20" w:line="240" w:lineRule="auto"/></w:pPr>
  <w:rPr><w:sz w:val="{round((look.size - 1.5) * 2)}"/></w:rPr>
  <w:tblPr><w:tblBorders>{borders}</w:tblBorders>
    <w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>
    <w:bottom w:w="57" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr>
  <w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:color w:val="{look.primary}"/></w:rPr>
    {header}</w:tblStylePr>
</w:style>"""
    styles.element.append(parse_xml(xml))


def _defaults(doc, look: Look) -> None:
    """Document defaults: the set's font and size, English (the builder writes the brief's
    language over it), and spacing."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    f = look.font
    fonts = f'<w:rFonts w:ascii="{f}" w:hAnsi="{f}" w:eastAsia="{f}" w:cs="{f}"/>'
    _replace(rpr, "w:rFonts", fonts)
    _replace(rpr, "w:sz", f'<w:sz w:val="{round(look.size * 2)}"/>')
    _replace(rpr, "w:szCs", f'<w:szCs w:val="{round(look.size * 2)}"/>')
    _replace(rpr, "w:lang", '<w:lang w:val="en" w:eastAsia="en" w:bidi="ar-SA"/>')
    normal = doc.styles["Normal"]
    _para(normal, color=look.ink, after=6)
    normal.paragraph_format.line_spacing = 1.12
    # Word's theme fonts in the standard styles would override rFonts: name the font.
    for style in doc.styles:
        rpr = style.element.rPr
        if rpr is not None and rpr.rFonts is not None:
            rpr.remove(rpr.rFonts)


def _styles(doc, look: Look) -> None:
    s = look
    small = s.size - 2
    _para(_style(doc, "Title"), size=s.title_size, color=s.primary, bold=True, after=4)
    _ppr_xml(doc.styles["Title"], "w:pBdr", None)
    _para(_style(doc, "Subtitle"), size=s.size + 2.5, color=s.muted, italic=False, after=4)
    _para(_style(doc, "Kicker"), size=small, color=s.accent, bold=True, spacing=1, after=6)
    _para(_style(doc, "Meta"), size=small, color=s.muted, after=18)
    for level, size in enumerate(s.heading_sizes, start=1):
        h = _style(doc, f"Heading {level}")
        _para(h, size=size, color=s.primary, bold=True, italic=False, keep_next=True)
        _para(h, before=(18, 12, 10)[level - 1], after=(6, 4, 3)[level - 1])
    number = _style(doc, "Heading Number", None, WD_STYLE_TYPE.CHARACTER)
    number.font.color.rgb = RGBColor.from_string(s.accent if not s.serif else s.primary)
    _para(_style(doc, "Body Text"), after=6)
    _para(_style(doc, "Lead", "Body Text"), size=s.size + 0.5, italic=s.serif, after=8)
    _para(_style(doc, "List Bullet"), after=4)
    _numbered(doc.styles["List Bullet"], 1)
    _para(_style(doc, "List Bullet 2", "List Bullet"), after=2)
    _numbered(doc.styles["List Bullet 2"], 1, 1)
    _para(_style(doc, "List Number"), after=4)
    _numbered(doc.styles["List Number"], 2)
    _para(_style(doc, "List Number 2", "List Number"), after=2)
    _numbered(doc.styles["List Number 2"], 2, 1)
    _para(_style(doc, "Detail"), size=small + 0.5, color=s.muted, left=6, after=4)
    labelled = _style(doc, "Numbered Paragraph", "Body Text")
    _para(labelled, left=12, hanging=12, after=6)  # room for "12.10"
    _tab(labelled, 12)
    quote = _style(doc, "Quote")
    _para(quote, size=s.size + 0.5, color=s.primary, italic=not s.serif, before=6, after=2)
    _para(quote, left=6 if not s.serif else 10)
    if not s.serif:
        _ppr_xml(quote, "w:pBdr", _borders("left", color=s.accent, size=18, space=8))
    _para(_style(doc, "Quote Attribution"), size=small, color=s.muted, after=10)
    _para(doc.styles["Quote Attribution"], left=6 if not s.serif else 10)
    _para(_style(doc, "Figure Title"), size=s.size, color=s.primary, bold=True, keep_next=True)
    _para(doc.styles["Figure Title"], before=10, after=4)
    _para(_style(doc, "Caption"), size=small, color=s.muted, bold=False, italic=False, after=10)
    box = "F3F5F8" if not s.serif else None
    sides = ("left",) if not s.serif else ("top", "left", "bottom", "right")
    for name, base in (("Summary Title", "Heading 2"), ("Summary", "Normal")):
        style = _style(doc, name, base)
        _ppr_xml(style, "w:pBdr", _borders(*sides, color=s.accent, size=24 if not s.serif else 6))
        if box:
            _ppr_xml(style, "w:shd", f'<w:shd w:val="clear" w:color="auto" w:fill="{box}"/>')
        _para(style, left=4, keep_next=name == "Summary Title")
        style.paragraph_format.right_indent = Mm(4)
    _para(
        doc.styles["Summary Title"],
        size=small,
        color=s.accent if not s.serif else s.primary,
        bold=True,
        spacing=1,
        before=6,
        after=3,
    )
    _para(doc.styles["Summary"], after=6, before=0)
    heading = _style(doc, "Memo Heading")
    _para(heading, size=15, color=s.primary, bold=True, spacing=4, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(heading, before=0, after=18)
    _ppr_xml(heading, "w:pBdr", _borders("bottom", color=s.primary, size=8, space=8))
    for name, base in (("Memo Field", "Normal"), ("Memo Subject", "Title")):
        field = _style(doc, name, base)
        _para(field, left=25, hanging=25, after=3)
        _tab(field, 25)
    _para(doc.styles["Memo Subject"], size=s.size + 2, before=3, after=12)
    source = _style(doc, "Source")
    _para(source, size=small, left=7, hanging=7, after=3)
    _tab(source, 7)
    _para(_style(doc, "Colophon"), size=small - 0.5, color=s.muted, before=24)
    _para(_style(doc, "Header"), size=small, color=s.muted)
    _para(_style(doc, "Footer"), size=small, color=s.muted)
    banner = _style(doc, "Banner", "Header")
    _para(banner, size=small + 0.5, color=s.accent, bold=True, spacing=1.5)
    _para(banner, align=WD_ALIGN_PARAGRAPH.CENTER, after=3, before=3)
    link = _style(doc, "Hyperlink", None, WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = RGBColor.from_string(s.primary)
    link.font.underline = True
    _para(_style(doc, "Table Text"), size=small + 0.5, after=0, before=0)
    _para(_style(doc, "Table Heading", "Table Text"), bold=True, color=s.primary)
    _table_style(doc, look)


def _page(doc, look: Look) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    margin = Mm(look.margin_mm)
    section.left_margin = section.right_margin = margin
    section.top_margin, section.bottom_margin = Mm(look.margin_mm + 5), Mm(look.margin_mm + 3)
    section.header_distance = section.footer_distance = Mm(10)


def _drop_samples(doc) -> None:
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    for owner in (doc.part, doc.part.package):
        for rid, rel in list(owner.rels.items()):
            if rel.reltype.endswith(DROP_RELS):
                del owner.rels[rid]


def _theme(doc, look: Look) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    part = doc.part.part_related_by(RT.THEME)
    part._blob = recolored_theme(part.blob, f"#{look.primary}", f"#{look.accent}")


def build(look: Look) -> bytes:
    doc = Document()
    _drop_samples(doc)
    _page(doc, look)
    _defaults(doc, look)
    _numbering(doc, look)
    _styles(doc, look)
    _theme(doc, look)
    props = doc.core_properties
    props.title = f"briefgen {look.name} reference document"
    props.author = props.last_modified_by = "briefgen"
    props.comments = "Styles for briefgen's Word briefs; edit the styles, not the text."
    props.created = props.modified = datetime.datetime(2026, 1, 1)
    props.revision = 1
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalize_package(buffer.getvalue(), datetime.date(2026, 1, 1))


def main() -> None:
    for look in LOOKS:
        out = ROOT / "templates" / look.name / "reference.docx"
        out.write_bytes(build(look))
        print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
