"""The PowerPoint deck: slide plan from the template, slides from the plan, bytes from slides.

``plan.py`` and ``fit.py`` know nothing of python-pptx; ``layouts.py``, ``builder.py``,
``figures.py`` and ``text.py`` are the only modules that import it.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
from functools import lru_cache

from briefgen.errors import InputError
from briefgen.render import Note, Rendered, RenderJob
from briefgen.render.deck.plan import SlidePlan, slide_plan
from briefgen.render.html import chart_colors, theme_of
from briefgen.render.ooxml import member_body, put, set_core_properties
from briefgen.templates import TemplateSet, builtin_dir
from briefgen.words import count_words

_NUMBERED = re.compile(r"(.*?)\d+\.[^./]+$")  # "/ppt/slides/slide12.xml" -> "/ppt/slides/slide"


def measurer_for(tset: TemplateSet):
    """The text measurer for a set: its metric fonts, else the default set's with a margin."""
    metrics = tset.settings.deck.metrics
    if "regular" in metrics:
        bold = tset.read(metrics["bold"]) if "bold" in metrics else None
        return _measurer(tset.read(metrics["regular"]), bold, 1.0)
    fonts = builtin_dir() / "default" / "fonts"
    return _measurer(
        (fonts / "Carlito-Regular.ttf").read_bytes(),
        (fonts / "Carlito-Bold.ttf").read_bytes(),
        1.1,
    )


@lru_cache(maxsize=8)
def _measurer(regular: bytes, bold: bytes | None, scale: float):
    """One measurer per set of font files in a process (a worker renders deck after deck).

    Text widths are cached per font object; a new font object per deck made that cache keep
    every deck's fonts alive, a few megabytes per deck, and measure every word again.
    """
    from briefgen.render.deck.fit import Measurer

    return Measurer(regular, bold, scale=scale)


_NOT_CONTENT = ("Classification", "Slide number")  # shapes the builder adds to every slide


def render_deck(job: RenderJob) -> Rendered:
    """Build the deck of ``job``; returns its bytes, slide count, fitting notes, and the
    title and word count of every slide (for budgets and the preview)."""
    plan = slide_plan(job)
    data, slides, findings, texts, spans = build_deck(job, plan)
    return Rendered(
        data,
        slides=slides,
        warnings=[f"slide {f.slide}, {f.shape}: {f.message}" for f in findings],
        notes=[Note("deck.fit", f.message, slide=f.slide, shape=f.shape) for f in findings],
        slide_words=[count_words(text) for _, text in texts],
        slide_plan=plan,
        slide_spans=spans,
    )


def slide_texts(prs) -> list[tuple[str, str]]:
    """(title, all text) of each slide of a presentation; classification banners and slide
    numbers are left out, speaker notes are not slide text."""
    out = []
    for slide in prs.slides:
        title_shape = slide.shapes.title
        title = title_shape.text_frame.text if title_shape is not None else ""
        parts = []
        for shape in slide.shapes:
            if shape.name.startswith(_NOT_CONTENT):
                continue
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            elif getattr(shape, "has_table", False) and shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
        out.append((title, "\n".join(parts)))
    return out


def build_deck(
    job: RenderJob, plan: SlidePlan
) -> tuple[bytes, int, list, list[tuple[str, str]], list[tuple[int, int]]]:
    from briefgen.messages import catalogue
    from briefgen.render.deck.builder import DeckBuilder, Style
    from briefgen.render.deck.layouts import layout_map, open_reference
    from briefgen.render.deck.theme import apply_colors

    speed_up_python_pptx()
    prs, reference = open_reference(job.tset)
    remember_partnames(prs.part.package)
    layouts = layout_map(prs, job.tset, {s.kind for s in plan.slides})
    theme = theme_of(job)
    deck = job.tset.settings.deck
    style = Style(
        theme["primary"],
        theme["accent"],
        deck.title_size,
        deck.body_size,
        min(deck.min_body_size, deck.body_size),
        chart_colors(job),
        job.view.theme.font,
    )
    apply_colors(prs, job.view.theme.primary, job.view.theme.accent)
    shared = _shared(reference)
    builder = DeckBuilder(prs, layouts, measurer_for(job.tset).remembering(), style, *shared)
    builder.logo = _logo(job)
    builder.labels = catalogue(job.tset, job.view.lang)
    for spec in plan.slides:
        builder.add(spec)
    builder.finish(job.view.classification, job.view.lang)
    set_core_properties(prs.core_properties, job.view)
    try:
        data = package_bytes(prs.part.package, job.view.date)
    except ValueError as exc:  # e.g. text lxml refuses; content is cleaned earlier
        raise InputError(f"{job.label}: cannot save the deck: {exc}") from None
    return data, len(prs.slides), builder.findings, slide_texts(prs), builder.spans


def _logo(job: RenderJob):
    """The theme's logo for the deck, or None: a raster image from the project, checked as
    the PDF's is. SVG logos are left out of decks (PowerPoint needs a raster fallback)."""
    from briefgen.render.deck.builder import Logo
    from briefgen.render.images import check_image

    name = job.view.theme.logo
    if not name:
        return None
    data = job.project.read(name)
    if data is None:
        raise InputError(f"{name}: not found inside the project folder")
    if check_image(name, data) == "SVG":
        return None
    return Logo(data, job.view.theme.logo_alt or "Logo")


@lru_cache(maxsize=8)
def _shared(reference: bytes) -> tuple[dict, dict]:
    """What the decks on one reference deck share in a process (``DeckBuilder.prototypes``
    and ``rects``): a worker renders deck after deck on the same few references."""
    return {}, {}


@lru_cache(maxsize=1)
def speed_up_python_pptx() -> None:
    """Two pure functions python-pptx calls for every element it looks up, made to remember
    their answers, once per process. Same results, a third to a half of the time of building
    the sample deck:

    * ``BaseOxmlElement.xpath`` hands each expression to lxml, which compiles it again every
      time; a compiled ``etree.XPath`` per expression evaluates the same (same namespaces,
      same context node);
    * ``qn("a:p")`` parses the prefixed tag name into its Clark name every time; the
      element-class helpers of ``pptx.oxml.xmlchemy`` now look each name up once;
    * relating one part to another first looks for an existing relationship by building a
      dict of all the part's relationships by type, through the ``Mapping`` protocol one key
      at a time; the presentation part has one per slide, so adding n slides cost O(n²) of
      that (a brief twenty times the sample spent a tenth of its deck time there). The same
      search, in the same order, now runs over the relationships directly.
    """
    from lxml import etree
    from pptx.opc.package import _Relationships
    from pptx.oxml import xmlchemy
    from pptx.oxml.ns import _nsmap

    @lru_cache(maxsize=2048)
    def compiled(expression: str) -> etree.XPath:
        return etree.XPath(expression, namespaces=_nsmap)

    def xpath(self, xpath_str: str):
        return compiled(xpath_str)(self)

    xmlchemy.BaseOxmlElement.xpath = xpath
    xmlchemy.qn = lru_cache(maxsize=4096)(xmlchemy.qn)

    def _get_matching(self, reltype: str, target, is_external: bool = False) -> str | None:
        for rel in self._rels.values():
            if rel.reltype != reltype or rel.is_external != is_external:
                continue
            if (rel.target_ref if is_external else rel.target_part) == target:
                return rel.rId
        return None

    _Relationships._get_matching = _get_matching


def remember_partnames(package) -> None:
    """Make naming a new part (slide, notes, chart, workbook) cost O(1), not O(parts).

    python-pptx names each new part by walking every part of the package, so a deck of n
    slides took O(n²) to build: a brief twenty times the sample spent a third of its time
    there. This keeps the names per kind instead, found by one walk of the package and then
    extended with every name handed out; the names are the ones python-pptx would choose.
    """
    known: dict[str, set[str]] = {}

    def next_partname(tmpl: str):
        from pptx.opc.packuri import PackURI

        prefix = tmpl[: (tmpl % 42).find("42")]
        if not known:  # one walk of the package, then the numbered names by their prefix
            known[""] = set()
            for part in package.iter_parts():
                numbered = _NUMBERED.match(part.partname)
                if numbered:
                    known.setdefault(numbered[1], set()).add(part.partname)
        names = known.setdefault(prefix, set())
        for n in range(len(names) + 1, 0, -1):  # python-pptx's own search order
            candidate = tmpl % n
            if candidate not in names:
                names.add(candidate)
                return PackURI(candidate)
        raise AssertionError("no free part name")  # pragma: no cover - len+1 is always free

    package.next_partname = next_partname


def package_bytes(package, date: dt.date) -> bytes:
    """The deck's zip, written once, in python-pptx's member order, with fixed times.

    ``Presentation.save`` stamps every entry with the current time, so the zip used to be
    written, read back and written again with fixed times: two compressions of every part.
    This writes what ``save`` writes (content types, package relationships, then each part
    and its relationships), directly with fixed times and the embedded workbooks fixed.
    """
    from pptx.opc.oxml import serialize_part_xml
    from pptx.opc.serialized import _ContentTypesItem

    parts = list(package.iter_parts())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        put(target, "[Content_Types].xml", serialize_part_xml(_ContentTypesItem.xml_for(parts)))
        put(target, "_rels/.rels", rels_xml(package._rels, "/"))
        for part in parts:
            name = part.partname.membername
            put(target, name, member_body(name, part.blob, date))
            if part._rels:
                rels = rels_xml(part._rels, part.partname.baseURI)
                put(target, part.partname.rels_uri.membername, rels)
    return out.getvalue()


_RELS_HEAD = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
)


def rels_xml(rels, base: str) -> bytes:
    """A part's ``.rels`` XML, as python-pptx's ``_Relationships.xml`` writes it (relationships
    in numerical order of their ids), as text: python-pptx builds an element tree and works
    out every relative target anew, a tenth of a warm deck's time."""

    def order(rid: str) -> tuple[int, str]:
        return (int(rid[3:]) if rid.startswith("rId") and rid[3:].isdigit() else 0, rid)

    if not len(rels):  # an empty element, as lxml writes it
        return _RELS_HEAD[:-1] + b"/>"
    items = [_RELS_HEAD]
    for rid in sorted(rels.keys(), key=order):
        rel = rels[rid]
        if rel.is_external:
            target, mode = rel.target_ref, ' TargetMode="External"'
        else:
            target, mode = _relative(rel.target_part.partname, base), ""
        items.append(
            f'<Relationship Id="{_attr(rid)}" Type="{_attr(rel.reltype)}" '
            f'Target="{_attr(target)}"{mode}/>'.encode()
        )
    items.append(b"</Relationships>")
    return b"".join(items)


@lru_cache(maxsize=4096)
def _relative(partname: str, base: str) -> str:
    """``partname`` relative to the folder ``base`` (python-pptx's ``relative_ref``)."""
    return partname[1:] if base == "/" else posixpath.relpath(partname, base)


def _attr(value: str) -> str:
    """An attribute value escaped as lxml escapes it."""
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;")
    )
