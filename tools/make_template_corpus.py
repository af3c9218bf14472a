"""Make the corpus of PowerPoint templates the deck tests build on (issue 13).

Real organisations' templates differ from briefgen's own references in structure: other
slide sizes, several masters, body placeholders numbered 13 or missing, two placeholders
sharing an index, dark masters, layout names in another language. Each variant here is one
such difference, made from python-pptx's default deck or the built-in reference, so the
corpus is reproducible and licence-free.

    python tools/make_template_corpus.py OUT_DIR      # writes OUT_DIR/<name>.pptx

tests/test_template_corpus.py imports :data:`VARIANTS` and builds each into a temporary folder.
"""

from __future__ import annotations

import copy
import io
import sys
from collections.abc import Callable
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.packuri import PackURI
from pptx.parts.slide import SlideLayoutPart, SlideMasterPart
from pptx.util import Emu

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "templates" / "default" / "reference.pptx"
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _layouts(prs):
    return [layout for master in prs.slide_masters for layout in master.slide_layouts]


def _placeholders(layout):
    for sp in layout.shapes._spTree.iterchildren(f"{P}sp"):
        ph = sp.find(f"{P}nvSpPr/{P}nvPr/{P}ph")
        if ph is not None:
            yield sp, ph


def _body(layout):
    return next(((sp, ph) for sp, ph in _placeholders(layout) if ph.get("idx") == "1"), None)


def python_pptx_4x3() -> Presentation:
    """python-pptx's own default: 4:3, 10 × 7.5 in, Office theme, standard names."""
    return Presentation()


def renumbered() -> Presentation:
    """The body placeholders numbered 13 (content layouts) and 14 (section header)."""
    prs = Presentation(str(REFERENCE))
    for layout in _layouts(prs):
        found = _body(layout)
        if found is not None and layout.name != "Title Slide":
            found[1].set("idx", "14" if layout.name == "Section Header" else "13")
    return prs


def idx_collision() -> Presentation:
    """A small caption placeholder sharing the body's index, before it, on content layouts."""
    prs = Presentation(str(REFERENCE))
    for layout in _layouts(prs):
        if layout.name not in ("Title and Content", "Section Header"):
            continue
        sp, _ = _body(layout)
        small = copy.deepcopy(sp)
        xfrm = small.find(f"{P}spPr/{A}xfrm")
        if xfrm is not None:
            ext = xfrm.find(f"{A}ext")
            ext.set("cx", str(int(ext.get("cx")) // 5))
            ext.set("cy", str(int(ext.get("cy")) // 8))
        sp.addprevious(small)
    return prs


def no_body() -> Presentation:
    """Content layouts without a body placeholder: text goes into text boxes; and a title
    slide without a subtitle, its title at the foot: the date and authors go above it."""
    prs = Presentation(str(REFERENCE))
    for layout in _layouts(prs):
        if layout.name in ("Title and Content", "Section Header", "Title Slide"):
            sp, _ = _body(layout)
            sp.getparent().remove(sp)
        if layout.name == "Title Slide":
            title = next(sp for sp, ph in _placeholders(layout) if ph.get("type") == "ctrTitle")
            off = title.find(f"{P}spPr/{A}xfrm/{A}off")
            ext = title.find(f"{P}spPr/{A}xfrm/{A}ext")
            off.set("y", str(int(prs.slide_height) - int(ext.get("cy")) - 914400))
    return prs


GERMAN = {
    "Title Slide": "Titelfolie",
    "Title and Content": "Titel und Inhalt",
    "Section Header": "Abschnittsüberschrift",
    "Title Only": "Nur Titel",
    "Two Content": "Zwei Inhalte",
    "Comparison": "Vergleich",
    "Blank": "Leer",
}


def german_names() -> Presentation:
    """Layouts named in German, as a German Office names them."""
    prs = Presentation(str(REFERENCE))
    for layout in _layouts(prs):
        if layout.name in GERMAN:
            layout._element.cSld.set("name", GERMAN[layout.name])
    return prs


def _scale_xfrms(root, factor: float) -> None:
    for tag in ("off", "ext", "chOff", "chExt"):
        for el in root.iter(f"{A}{tag}"):
            for attr in ("x", "y", "cx", "cy"):
                if el.get(attr) is not None:
                    el.set(attr, str(round(int(el.get(attr)) * factor)))
    for el in root.iter(f"{A}defRPr", f"{A}rPr"):  # text sizes, in hundredths of a point
        if el.get("sz") is not None:
            el.set("sz", str(round(int(el.get("sz")) * factor)))


def wide_22in() -> Presentation:
    """A 22-inch-wide deck (16:9, for a video wall): every shape and size scaled up."""
    prs = Presentation(str(REFERENCE))
    factor = 22 / 13.333
    prs.slide_width = Emu(round(prs.slide_width * factor))
    prs.slide_height = Emu(round(prs.slide_height * factor))
    for master in prs.slide_masters:
        _scale_xfrms(master._element, factor)
        for layout in master.slide_layouts:
            _scale_xfrms(layout._element, factor)
    return prs


def _dark_theme(prs) -> None:
    """Swap the theme's dark and light colours: black backgrounds, white text."""
    part = prs.slide_masters[0].part.part_related_by(RT.THEME)
    root = etree.fromstring(part.blob)
    scheme = root.find(f"{A}themeElements/{A}clrScheme")
    slots = {c.tag.split("}")[1]: c for c in scheme}
    for a, b in (("dk1", "lt1"), ("dk2", "lt2")):
        one, two = copy.deepcopy(list(slots[a])), copy.deepcopy(list(slots[b]))
        for el, new in ((slots[a], two), (slots[b], one)):
            for child in list(el):
                el.remove(child)
            for child in new:
                el.append(child)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def dark() -> Presentation:
    """python-pptx's default (4:3) with a dark theme: light text on black backgrounds."""
    prs = Presentation()
    _dark_theme(prs)
    return prs


def two_masters() -> Presentation:
    """The built-in reference with a second master ("Briefing dark") whose layouts have the
    same names as the first's: names are ambiguous, ``deck.master`` decides."""
    prs = Presentation(str(REFERENCE))
    package = prs.part.package
    first = prs.slide_masters[0]
    first._element.cSld.set("name", "Briefing light")
    n = len(prs.slide_masters) + 1
    master_part = SlideMasterPart(
        PackURI(f"/ppt/slideMasters/slideMaster{n}.xml"),
        first.part.content_type,
        package,
        copy.deepcopy(first._element),
    )
    master_part._element.cSld.set("name", "Briefing dark")
    theme = first.part.part_related_by(RT.THEME)
    master_part.relate_to(theme, RT.THEME)
    ids = master_part._element.find(f"{P}sldLayoutIdLst")
    for child in list(ids):
        ids.remove(child)
    next_id = 2147483649 + 100
    for k, layout in enumerate(first.slide_layouts, start=1):
        layout_part = SlideLayoutPart(
            PackURI(f"/ppt/slideLayouts/slideLayout{100 + k}.xml"),
            layout.part.content_type,
            package,
            copy.deepcopy(layout._element),
        )
        layout_part.relate_to(master_part, RT.SLIDE_MASTER)
        rid = master_part.relate_to(layout_part, RT.SLIDE_LAYOUT)
        el = etree.SubElement(ids, f"{P}sldLayoutId")
        el.set("id", str(next_id + k))
        el.set(f"{R}id", rid)
    rid = prs.part.relate_to(master_part, RT.SLIDE_MASTER)
    lst = prs.part._element.find(f"{P}sldMasterIdLst")
    el = etree.SubElement(lst, f"{P}sldMasterId")
    el.set("id", str(2147483648 + 50))
    el.set(f"{R}id", rid)
    return prs


LIBREOFFICE = {
    "Title Slide": "Title Slide",
    "Title and Content": "Title, Content",
    "Section Header": "Centered Text",
    "Title Only": "Title Only",
    "Two Content": "Title, 2 Content",
    "Comparison": "Title, 2 Content and Content",
    "Blank": "Blank Slide",
}


def libreoffice() -> Presentation:
    """As LibreOffice Impress saves a template as .pptx: masters without names (one per
    master page), every master with the same layouts, named the Impress way ("Title,
    Content"), and no section header layout. The first master is the cover's, with a
    patterned band across its lower part that its subtitle is set in; the sample slides
    show the cover on master 1 and a text slide on master 2."""
    prs = two_masters()
    for master in prs.slide_masters:
        master._element.cSld.set("name", "")
        for layout in master.slide_layouts:
            if layout.name in LIBREOFFICE:
                layout._element.cSld.set("name", LIBREOFFICE[layout.name])
    cover = prs.slide_masters[0]
    width, height = int(prs.slide_width), int(prs.slide_height)
    band = cover.shapes._spTree.add_autoshape(
        920, "Cover band", "rect", 0, int(height * 0.62), width, height - int(height * 0.62)
    )
    sp_pr = band.find(f"{P}spPr")
    pattern = etree.SubElement(sp_pr, f"{A}pattFill", prst="lgGrid")
    etree.SubElement(etree.SubElement(pattern, f"{A}fgClr"), f"{A}srgbClr", val="1F3A5F")
    etree.SubElement(etree.SubElement(pattern, f"{A}bgClr"), f"{A}srgbClr", val="2F5A8A")
    for master in prs.slide_masters:  # the cover's layouts with white backgrounds
        for layout in master.slide_layouts:
            bg = layout._element.cSld.find(f"{P}bg")
            if bg is not None:
                layout._element.cSld.remove(bg)
    prs.slides.add_slide(cover.slide_layouts[0])
    text = next(lay for lay in prs.slide_masters[1].slide_layouts if lay.name == "Title, Content")
    prs.slides.add_slide(text)
    return prs


def _crest() -> bytes:
    """A small round crest, as a PNG: the organisation's emblem on its master."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (120, 120), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, 116, 116), fill=(11, 61, 46, 255), outline=(201, 162, 39, 255), width=8)
    draw.rectangle((44, 30, 76, 90), fill=(201, 162, 39, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _theme_font(prs, face: str) -> None:
    """Set the theme's title and body fonts (Latin script) to ``face``."""
    part = prs.slide_masters[0].part.part_related_by(RT.THEME)
    root = etree.fromstring(part.blob)
    for latin in root.iter(f"{A}latin"):
        if latin.getparent().tag in (f"{A}majorFont", f"{A}minorFont"):
            latin.set("typeface", face)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def branded() -> Presentation:
    """A ministry's master: its crest at the top centre, a dark band along the foot with the
    organisation's name centred on it, and the slide number in the layouts' placeholder at
    the bottom right, on the band. The marks must keep clear of the crest and the name.
    Its theme font is Trebuchet MS, which briefgen has no metrics for."""
    prs = Presentation(str(REFERENCE))
    _theme_font(prs, "Trebuchet MS")
    master = prs.slide_masters[0]
    tree = master.shapes._spTree
    width, height = int(prs.slide_width), int(prs.slide_height)
    inch = 914400
    band = tree.add_autoshape(
        900, "Footer band", "rect", 0, height - int(0.55 * inch), width, int(0.55 * inch)
    )
    sp_pr = band.find(f"{P}spPr")
    fill = etree.SubElement(sp_pr, f"{A}solidFill")
    etree.SubElement(fill, f"{A}srgbClr", val="0B3D2E")
    sp_pr.append(etree.fromstring(f'<a:ln xmlns:a="{A[1:-1]}"><a:noFill/></a:ln>'))
    name_w = int(4.2 * inch)
    name = tree.add_textbox(
        901,
        "Organisation",
        (width - name_w) // 2,
        height - int(0.5 * inch),
        name_w,
        int(0.45 * inch),
    )
    body = name.find(f"{P}txBody")
    para = body.find(f"{A}p")
    etree.SubElement(para, f"{A}pPr", algn="ctr")
    run = etree.SubElement(para, f"{A}r")
    props = etree.SubElement(run, f"{A}rPr", lang="en-GB", sz="1200", b="1")
    etree.SubElement(etree.SubElement(props, f"{A}solidFill"), f"{A}srgbClr", val="FFFFFF")
    etree.SubElement(run, f"{A}t").text = "Ministry of Example Affairs · Policy Directorate"
    _, rid = master.part.get_or_add_image_part(io.BytesIO(_crest()))
    size = int(0.42 * inch)
    tree.add_pic(
        902,
        "Crest",
        "Crest of the Ministry",
        rid,
        (width - size) // 2,
        int(0.05 * inch),
        size,
        size,
    )
    return prs


def _night_photo() -> bytes:
    """A dark photograph-like picture: a night-blue to plum gradient with soft lights."""
    from PIL import Image, ImageDraw, ImageFilter

    image = Image.new("RGB", (640, 360))
    draw = ImageDraw.Draw(image)
    for y in range(360):
        t = y / 359
        draw.line((0, y, 640, y), fill=(int(10 + 70 * t), int(14 + 10 * t), int(48 + 40 * t)))
    for x, y, r in ((90, 80, 40), (520, 260, 60), (400, 70, 25)):
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(120, 110, 150))
    out = io.BytesIO()
    image.filter(ImageFilter.GaussianBlur(6)).save(out, "JPEG", quality=85)
    return out.getvalue()


def photo() -> Presentation:
    """The built-in reference under a dark photograph covering every slide (a picture on
    the master, as many corporate templates draw their background), its theme text still
    dark: text must be made readable on the picture."""
    prs = Presentation(str(REFERENCE))
    master = prs.slide_masters[0]
    tree = master.shapes._spTree
    _, rid = master.part.get_or_add_image_part(io.BytesIO(_night_photo()))
    pic = tree.add_pic(910, "Background photo", "", rid, 0, 0, prs.slide_width, prs.slide_height)
    tree.remove(pic)
    tree.insert(2, pic)  # behind everything else (after the group's own properties)
    for layout in _layouts(prs):  # layouts that hid the master's shapes show them now
        layout._element.attrib.pop("showMasterSp", None)
    return prs


VARIANTS: dict[str, Callable[[], Presentation]] = {
    "python-pptx-4x3": python_pptx_4x3,
    "renumbered-idx": renumbered,
    "idx-collision": idx_collision,
    "no-body": no_body,
    "german-names": german_names,
    "wide-22in": wide_22in,
    "dark": dark,
    "two-masters": two_masters,
    "branded": branded,
    "libreoffice": libreoffice,
    "photo": photo,
}


def build(name: str) -> bytes:
    out = io.BytesIO()
    VARIANTS[name]().save(out)
    return out.getvalue()


def main() -> None:
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus")
    target.mkdir(parents=True, exist_ok=True)
    for name in VARIANTS:
        (target / f"{name}.pptx").write_bytes(build(name))
        print(f"wrote {target / name}.pptx")


if __name__ == "__main__":
    main()
