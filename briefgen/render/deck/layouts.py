"""The reference deck: open it, drop its sample slides, map slide kinds onto its layouts.

Any deck can be a reference, a user's corporate template included: its masters, layouts,
theme colours and fonts are used as they are. Slide kinds find their layout by name: the
template set's ``deck.layouts`` first, then PowerPoint's standard names. A kind whose layout
is missing is an error that lists the layouts the deck does have.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.presentation import Presentation as PresentationType
from pptx.slide import SlideLayout
from pptx.util import Emu, Inches

from briefgen.errors import InputError
from briefgen.render.deck import adapter
from briefgen.render.deck.fit import Box
from briefgen.render.deck.mapping import map_kinds
from briefgen.templates import TemplateSet

TITLE_TYPES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE)
EMU_PER_PT = 12700
# PresentationML names, for reading slides' XML directly: a shape, and its placeholder mark.
P_NS = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
SP, PH = P_NS + "sp", f"{P_NS}nvSpPr/{P_NS}nvPr/{P_NS}ph"
BULLET_INDENT = 29.0  # points from a bullet to its text, as measured and as written
INSET_X, INSET_Y = Inches(0.1), Inches(0.05)  # PowerPoint's default text-frame insets
# A shape at least this share of the slide's width and height covers it: the background a
# reader sees; without text and this wide or tall only, a band marks may sit on (marks.py).
BACKDROP = 0.9


def open_reference(tset: TemplateSet) -> tuple[PresentationType, bytes]:
    """The set's reference deck with its slides removed, or python-pptx's default deck,
    and a digest of the reference's bytes (what slides copied from its layouts depend on)."""
    ref = tset.settings.deck.reference
    digest = b"python-pptx default"
    if ref:
        data = tset.read(ref)
        digest = hashlib.blake2b(data, digest_size=16).digest()
        prs = open_presentation(ref, data)
    else:
        prs = Presentation()
    _drop_slides(prs)
    if ref and digest not in _SELF_CONTAINED:
        _check_self_contained(ref, prs)
        _SELF_CONTAINED.add(digest)
    return prs, digest


_PML = "application/vnd.openxmlformats-officedocument.presentationml."
_AS_PRESENTATION = (b"template.main+xml", b"slideshow.main+xml")  # .potx, .ppsx


def open_presentation(name: str, data: bytes) -> PresentationType:
    """``data`` opened by python-pptx. A PowerPoint template (``.potx``) or show (``.ppsx``)
    saved under a ``.pptx`` name opens as the presentation it describes; a macro-enabled
    file (``.pptm``, ``.potm``) is refused: briefgen never copies macros into a deck."""
    from briefgen.render.ooxml import as_main_type

    data = as_main_type(
        name,
        data,
        (_PML + "presentation.main+xml").encode(),
        tuple(_PML.encode() + t for t in _AS_PRESENTATION),
        "PowerPoint file (.pptx) or template (.potx)",
        "a macro-enabled PowerPoint file (.pptm/.potm); save it as a PowerPoint "
        "presentation (.pptx) without macros and use that",
    )
    try:
        return Presentation(io.BytesIO(data))
    except Exception as exc:  # python-pptx raises many types for a bad package
        raise InputError(f"{name}: not a readable PowerPoint file ({type(exc).__name__})") from None


_SELF_CONTAINED: set[bytes] = set()  # digests of reference decks found self-contained


def _check_self_contained(ref: str, prs: PresentationType) -> None:
    """A reference deck's masters and layouts go into every deck built on it, external
    relationships included: a picture linked to a web address would be fetched by PowerPoint
    when the deck is opened, an object linked to a file would point at that file. Only web
    and mail hyperlinks may point outside the deck."""
    from briefgen.render.ooxml import linked_outside

    linked_outside(ref, prs.part.package.iter_parts(), "deck")


def _drop_slides(prs: PresentationType) -> None:
    """Remove the reference deck's own slides (its samples); keep masters and layouts."""
    adapter.drop_slides(prs)


def all_layouts(prs: PresentationType) -> list[SlideLayout]:
    return [layout for master in prs.slide_masters for layout in master.slide_layouts]


def layout_map(prs: PresentationType, tset: TemplateSet, kinds: set[str]) -> dict[str, SlideLayout]:
    """The layout for each slide kind used; raises naming every kind without one."""
    masters = [
        (m.name, [(layout.name, layout) for layout in m.slide_layouts]) for m in prs.slide_masters
    ]
    return map_kinds(masters, tset.settings.deck, tset.name, kinds)


@dataclass(frozen=True)
class Rect:
    """A rectangle on the slide, in EMU."""

    left: int
    top: int
    width: int
    height: int

    @property
    def bottom(self) -> int:
        return self.top + self.height

    def text_box(self, indent: float = BULLET_INDENT) -> Box:
        """The usable text area in points, after the text frame's insets."""
        return Box(
            (self.width - 2 * INSET_X) / EMU_PER_PT,
            (self.height - 2 * INSET_Y) / EMU_PER_PT,
            indent,
        )


def placeholder(layout: SlideLayout, types: tuple[PP_PLACEHOLDER, ...]):
    """The first placeholder of ``layout`` of one of ``types``, or None."""
    for ph in layout.placeholders:
        if ph.placeholder_format.type in types:
            return ph
    return None


def find_placeholder(slide, types: tuple[PP_PLACEHOLDER, ...]):
    """The first placeholder on ``slide`` of one of ``types``, or None.

    Read from the XML: python-pptx's ``slide.placeholders`` makes a shape object and
    resolves the type of every placeholder on the slide, for each question asked.
    """
    wanted = {t.xml_value for t in types if t.xml_value}
    for sp in adapter.sp_tree(slide.shapes).iterchildren(SP):
        ph = sp.find(PH)
        if ph is not None and ph.get("type", "obj") in wanted:
            return adapter.shape_of(slide.shapes, sp)
    return None


def rect_of(shape) -> Rect:
    return Rect(int(shape.left), int(shape.top), int(shape.width), int(shape.height))


# Placeholder types (ph/@type; absent means "obj") that hold a layout's body text.
BODY_PH_TYPES = ("body", "obj", "subTitle")
# Placeholders a new slide does not get from its layout (python-pptx does not clone them).
_NOT_CLONED = ("dt", "ftr", "sldNum")


@dataclass(frozen=True)
class BodyRef:
    """Which placeholder of a slide is its body: the ``nth`` (from 0) with index ``idx``."""

    idx: int
    nth: int
    rect: Rect
    moved: bool = False  # its rect is not the layout's (kept clear of a band): write it
    backdrop: str | None = None  # the colour of a band it is set in, by design


def body_ref(layout: SlideLayout) -> BodyRef | None:
    """The layout's body placeholder: its largest body, content or subtitle placeholder, by
    type and size, whatever its index. Templates number them 1, 10, 13…; some have none,
    and some give two placeholders one index (then the size decides, and which of the two)."""
    best: BodyRef | None = None
    seen: dict[int, int] = {}
    for sp in adapter.sp_tree(layout.shapes).iterchildren(SP):
        ph = sp.find(PH)
        if ph is None or ph.get("type", "obj") in _NOT_CLONED:
            continue
        idx = int(ph.get("idx", "0"))
        nth = seen[idx] = seen.get(idx, -1) + 1
        if ph.get("type", "obj") not in BODY_PH_TYPES:
            continue
        shape = adapter.shape_of(layout.shapes, sp)
        if shape.width is None or shape.height is None:
            continue
        rect = rect_of(shape)
        if best is None or rect.width * rect.height > best.rect.width * best.rect.height:
            best = BodyRef(idx, nth, rect)
    return best


def find_body(slide, ref: BodyRef | None):
    """The slide's placeholder that ``ref`` names (its layout's body), or None."""
    if ref is None:
        return None
    n = -1
    for sp in adapter.sp_tree(slide.shapes).iterchildren(SP):
        ph = sp.find(PH)
        if ph is None or int(ph.get("idx", "0")) != ref.idx:
            continue
        n += 1
        if n == ref.nth:
            return adapter.shape_of(slide.shapes, sp)
    return None


_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def background(layout: SlideLayout) -> str | None:
    """The colour behind ``layout``'s slides (``#RRGGBB``), as a reader sees it: a shape
    covering the slide (the layout's, then its master's, as many templates draw their
    background), else the layout's background, else its master's; a theme colour resolved
    through the master's colour map, a gradient as the mean of its stops, a picture as its
    mean colour. None when it cannot be told (colours are then left as they are)."""
    master = layout.slide_master
    width, height = _slide_size(layout)
    for owner in reversed(drawing_owners(layout)):  # the layout's shapes are above
        for shape in reversed(list(owner.shapes)):  # topmost first
            if shape.is_placeholder or shape.width is None or shape.height is None:
                continue
            if shape.width >= width * BACKDROP and shape.height >= height * BACKDROP:
                props = adapter.element(shape).find(f"{P_NS}spPr")
                blip = adapter.element(shape).find(f"{P_NS}blipFill")
                return fill_color(props, blip, owner, master)
    for owner in (layout, master):
        bg = adapter.element(owner).find(f"{P_NS}cSld/{P_NS}bg")
        if bg is None:
            continue
        props = bg.find(f"{P_NS}bgPr")
        if props is None:  # a reference to the theme's background styles: its colour
            ref = bg.find(f"{P_NS}bgRef")
            return color_of(ref, master) if ref is not None else None
        return fill_color(props, props.find(f"{_A}blipFill"), owner, master)
    return "#FFFFFF"  # no background anywhere: PowerPoint shows white


_TITLE_PH = ("title", "ctrTitle")


def placeholder_ink(layout: SlideLayout, role: str) -> str | None:
    """The colour text in ``layout``'s ``role`` placeholder (``title`` or ``body``) takes
    from the template, as PowerPoint resolves it: the layout placeholder's list style, the
    master placeholder's, the master's title or body text style, else the theme's text
    colour (``tx1``). None when it cannot be told."""
    master = layout.slide_master
    fill = _inherited(layout, role, f"{_A}defRPr/{_A}solidFill")
    if fill is not None:
        return color_of(fill, master)
    mapping = adapter.element(master).find(f"{P_NS}clrMap")
    return theme_color(master, mapping.get("tx1", "dk1") if mapping is not None else "dk1")


def placeholder_font(layout: SlideLayout, role: str) -> str | None:
    """The font text in ``layout``'s ``role`` placeholder is drawn in, resolved as its
    colour is (:func:`placeholder_ink`), a theme font reference ("+mn-lt") through the
    theme, else the theme's body or title font: templates set their font on the master's
    placeholders as often as in the theme."""
    master = layout.slide_master
    latin = _inherited(layout, role, f"{_A}defRPr/{_A}latin", runs=f"{_A}rPr/{_A}latin")
    face = latin.get("typeface", "").strip() if latin is not None else ""
    theme = "major" if role == "title" or face.startswith("+mj") else "minor"
    return face if face and not face.startswith("+") else theme_font(master, theme)


def _inherited(layout: SlideLayout, role: str, in_level: str, runs: str | None = None):
    """The first ``in_level`` element (under a level-1 paragraph style) that text in the
    ``role`` placeholder inherits: the layout's placeholder, the master's, then the master's
    title or body text style; with ``runs``, a run property of a placeholder's own sample
    text counts too (LibreOffice writes a template's fonts there). None if there is none."""
    types = _TITLE_PH if role == "title" else BODY_PH_TYPES
    master = layout.slide_master
    for owner in (layout, master):
        for sp in adapter.element(owner).iter(SP):
            ph = sp.find(PH)
            if ph is None or ph.get("type", "obj") not in types:
                continue
            found = sp.find(f"{P_NS}txBody/{_A}lstStyle/{_A}lvl1pPr/{in_level}")
            if found is None and runs is not None:
                found = sp.find(f"{P_NS}txBody/{_A}p/{_A}r/{runs}")
            if found is not None:
                return found
            break  # the first placeholder of the role is the one slides inherit from
    style = "titleStyle" if role == "title" else "bodyStyle"
    return adapter.element(master).find(f"{P_NS}txStyles/{P_NS}{style}/{_A}lvl1pPr/{in_level}")


def drawing_owners(layout: SlideLayout) -> list:
    """Whose shapes a slide on ``layout`` shows, bottom first: its master's (unless the
    layout hides them), then the layout's own."""
    shown = adapter.element(layout).get("showMasterSp", "1") not in ("0", "false")
    return [layout.slide_master, layout] if shown else [layout]


def _slide_size(layout: SlideLayout) -> tuple[int, int]:
    presentation = layout.part.package.presentation_part.presentation
    return int(presentation.slide_width), int(presentation.slide_height)


def fill_color(props, blip, owner, master) -> str | None:
    """The colour a fill shows: solid, the mean of a gradient's stops or of a pattern's two
    colours, a picture's mean."""
    if props is not None:
        solid = props.find(f"{_A}solidFill")
        if solid is not None:
            return color_of(solid, master)
        gradient = props.find(f"{_A}gradFill")
        if gradient is not None:
            stops = [color_of(gs, master) for gs in gradient.iter(f"{_A}gs")]
            return _mean(stops) if stops and all(stops) else None
        pattern = props.find(f"{_A}pattFill")
        if pattern is not None:  # a grid or hatch: the mean of its two colours
            inks = [color_of(pattern.find(f"{_A}{n}Clr"), master) for n in ("fg", "bg")]
            return _mean(inks) if all(inks) else None
        if blip is None:
            blip = props.find(f"{_A}blipFill")
    if blip is not None:
        embed = blip.find(f"{_A}blip")
        rid = embed.get(f"{_R}embed") if embed is not None else None
        try:
            return _picture_color(owner.part.related_part(rid).blob) if rid else None
        except KeyError:  # a picture relationship the package lacks: colour unknown
            return None
    return None


PICTURE_PIXELS = 40_000_000  # 8000 × 5000: larger than any slide background needs


def _mean(colors: list[str]) -> str:
    channels = [[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in colors]
    return "#" + "".join(f"{round(sum(ch) / len(ch)):02X}" for ch in zip(*channels, strict=True))


def _picture_color(blob: bytes) -> str | None:
    """A picture's mean colour (a background photograph or texture), or None if it cannot
    be read or is larger than :data:`PICTURE_PIXELS` (a background need not be decoded at
    poster size to know its colour; a hostile one would take the render's memory)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(blob)) as image:
            if image.width * image.height > PICTURE_PIXELS:  # a reference deck may be hostile
                return None
            image.draft("RGB", (64, 64))  # JPEG decodes at a fraction of its size
            small = image.convert("RGB").resize((1, 1), Image.Resampling.BOX)
    except Exception:  # any unreadable or refused image: colour unknown
        return None
    r, g, b = small.getpixel((0, 0))
    return f"#{r:02X}{g:02X}{b:02X}"


def color_of(fill, master) -> str | None:
    """The colour of a ``solidFill``-like element (``srgbClr`` or a theme colour through
    the master's colour map) as ``#RRGGBB``, or None."""
    if fill is None:
        return None
    rgb = fill.find(f"{_A}srgbClr")
    if rgb is not None:
        return "#" + rgb.get("val", "FFFFFF").upper()
    scheme = fill.find(f"{_A}schemeClr")
    if scheme is None:
        return None
    name = scheme.get("val", "")
    mapping = adapter.element(master).find(f"{P_NS}clrMap")
    slot = mapping.get(name, name) if mapping is not None else name
    return theme_color(master, slot)


def _theme(master):
    """The master's theme part, parsed (None without one)."""
    from lxml import etree
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    try:
        part = master.part.part_related_by(RT.THEME)
    except KeyError:
        return None
    return etree.fromstring(part.blob)


def theme_color(master, slot: str) -> str | None:
    """A colour of the master's theme (``lt1``, ``accent1``…) as ``#RRGGBB``."""
    root = _theme(master)
    el = root.find(f"{_A}themeElements/{_A}clrScheme/{_A}{slot}") if root is not None else None
    if el is None or not len(el):
        return None
    value = el[0].get("lastClr") or el[0].get("val")
    return "#" + value.upper() if value and len(value) == 6 else None


def theme_font(master, which: str = "minor") -> str | None:
    """The master's theme font (``minor``: body text, ``major``: titles), Latin script."""
    root = _theme(master)
    path = f"{_A}themeElements/{_A}fontScheme/{_A}{which}Font/{_A}latin"
    latin = root.find(path) if root is not None else None
    face = latin.get("typeface", "").strip() if latin is not None else ""
    return face or None


def drawn_font(layouts: dict[str, SlideLayout]) -> str | None:
    """The font a deck's body text is drawn in without an audience font: what the body
    placeholder of the deck's text slides inherits (:func:`placeholder_font`)."""
    layout = layouts.get("bullets") or next(iter(layouts.values()), None)
    return placeholder_font(layout, "body") if layout is not None else None


def content_rect(prs: PresentationType, layout: SlideLayout) -> Rect:
    """Where content goes on ``layout``: its body placeholder, else below its title."""
    body = body_ref(layout)
    title = placeholder(layout, TITLE_TYPES)
    if body is not None and title is not None:
        return body.rect
    slide_w, slide_h = int(prs.slide_width), int(prs.slide_height)
    margin = int(slide_w * 0.045)
    if title is None:
        return Rect(margin, Inches(1.0), slide_w - 2 * margin, int(slide_h - Inches(1.8)))
    # Below the title; above it when the title sits low (a cover whose title is at the
    # foot): the larger of the two, so a title slide's date and authors always have room.
    edge = int(Inches(0.8))  # clear of the banners at the top and bottom
    t = rect_of(title)
    below_top = t.bottom + int(Inches(0.25))
    below = slide_h - edge - below_top
    above = t.top - int(Inches(0.2)) - edge
    if below >= above:
        return Rect(t.left, below_top, t.width, below)
    return Rect(t.left, edge, t.width, above)


def emu(points: float) -> Emu:
    return Emu(int(points * EMU_PER_PT))
