"""Every use of python-pptx's internals, in one module, for the python-pptx versions it knows.

briefgen needs more from python-pptx than its public API gives: the XML behind a shape (to
write text runs, alt text and placeholders as measured), slides copied from a prototype
instead of cloned from the layout each time, a zip written once with fixed times, the chart
workbook written with literal cells, and three look-ups made O(1). Each of those reaches
into python-pptx's private names, which a release may rename. So they all live here:

* the rest of the deck builder calls these functions and never touches a private name (a
  test checks the source);
* :data:`SUPPORTED` lists the python-pptx versions this code was checked against, and a
  test fails on any other installed version. On an unknown version, :data:`FAST` is False
  and every shortcut falls back to python-pptx's public API (``add_slide``, ``notes_slide``,
  ``Presentation.save``): slower, the same deck;
* nothing is patched process-wide for good: the look-up shortcuts are installed by
  :func:`faster` for the duration of one of briefgen's own builds and removed after it,
  and the relationship search is replaced on briefgen's own presentation only.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import threading
import types
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from copy import deepcopy
from functools import lru_cache
from typing import Any

import pptx
from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml import xmlchemy

from briefgen.render.ooxml import member_body, normalize_package, put

SUPPORTED = ("1.0.2",)
VERSION = pptx.__version__
FAST = VERSION in SUPPORTED  # False: public API only (tests set it to compare the two)
_SLD_ID = "{http://schemas.openxmlformats.org/presentationml/2006/main}sldId"
_NUMBERED = re.compile(r"(.*?)\d+\.[^./]+$")  # "/ppt/slides/slide12.xml" -> "/ppt/slides/slide"


# ---------------------------------------------------------------- the XML behind objects


def element(obj: Any) -> Any:
    """The lxml element behind a python-pptx shape, slide or notes slide."""
    return obj._element


def sp_tree(shapes: Any) -> Any:
    """The ``p:spTree`` of a slide's shapes (its children are the shapes, in order)."""
    return shapes._spTree


def tx_body(frame: Any) -> Any:
    """The ``txBody`` element of a text frame."""
    return frame._txBody


def shape_of(shapes: Any, sp: Any) -> Any:
    """The python-pptx shape object for ``sp``, an element of ``sp_tree(shapes)``."""
    return shapes._shape_factory(sp)


def set_blob(part: Any, blob: bytes) -> None:
    """Replace the bytes of a part python-pptx keeps as bytes (a theme)."""
    part._blob = blob


# ---------------------------------------------------------------- slides


def slide_ids(prs: Any) -> Any:
    """The presentation's ``p:sldIdLst``."""
    return prs.slides._sldIdLst


def drop_slides(prs: Any) -> None:
    """Remove every slide of ``prs`` (a reference deck's samples); keep masters and layouts."""
    ids = slide_ids(prs)
    for sld_id in list(ids):
        prs.part.drop_rel(sld_id.rId)
        ids.remove(sld_id)


def top_slide_id(prs: Any) -> int:
    return max((int(i.get("id")) for i in slide_ids(prs).iterchildren(_SLD_ID)), default=255)


def add_slide_copy(prs: Any, layout: Any, xml: Any, slide_id: int) -> Any:
    """A new slide on ``layout`` whose XML is a copy of ``xml`` (a slide made on that layout
    before), with id ``slide_id``: what ``add_slide`` makes, without cloning and inspecting
    the layout's placeholders again, and without searching every relationship and slide id
    (O(n²) over a deck)."""
    from pptx.parts.slide import SlidePart

    presentation = prs.part
    part = SlidePart(
        presentation._next_slide_partname, CT.PML_SLIDE, presentation.package, deepcopy(xml)
    )
    part.relate_to(layout.part, RT.SLIDE_LAYOUT)
    rid = presentation.rels._add_relationship(RT.SLIDE, part)
    slide_ids(prs)._add_sldId(id=slide_id, rId=rid)
    return part.slide


def add_notes_copy(slide: Any, xml: Any) -> Any:
    """Speaker notes for ``slide`` whose XML is a copy of ``xml`` (a notes slide made
    before): the notes slide element, related as python-pptx relates its own."""
    from pptx.parts.slide import NotesSlidePart

    package = slide.part.package
    part = NotesSlidePart(
        package.next_partname("/ppt/notesSlides/notesSlide%d.xml"),
        CT.PML_NOTES_SLIDE,
        package,
        deepcopy(xml),
    )
    part.relate_to(package.presentation_part.notes_master_part, RT.NOTES_MASTER)
    part.relate_to(slide.part, RT.SLIDE)
    slide.part.relate_to(part, RT.NOTES_SLIDE)
    return part._element


def text_parts(prs: Any) -> Iterator[Any]:
    """The XML of every slide, notes slide and chart of ``prs``: where its text runs are."""
    from pptx.parts.chart import ChartPart
    from pptx.parts.slide import NotesSlidePart, SlidePart

    for part in prs.part.package.iter_parts():
        if isinstance(part, SlidePart | NotesSlidePart | ChartPart):
            yield part._element


# ---------------------------------------------------------------- look-ups made O(1)


@lru_cache(maxsize=2048)
def _compiled(expression: str) -> Any:
    from lxml import etree
    from pptx.oxml.ns import _nsmap

    return etree.XPath(expression, namespaces=_nsmap)


def _xpath(self: Any, xpath_str: str) -> Any:
    return _compiled(xpath_str)(self)


_lock = threading.Lock()
_depth = 0
_saved: tuple[Any, Any] | None = None
_cached_qn = lru_cache(maxsize=4096)(xmlchemy.qn)


@contextmanager
def faster() -> Iterator[None]:
    """Two pure functions python-pptx calls for every element it looks up, made to remember
    their answers while briefgen builds a deck, and put back afterwards:

    * ``BaseOxmlElement.xpath`` hands each expression to lxml, which compiles it again every
      time; a compiled ``etree.XPath`` per expression evaluates the same (same namespaces,
      same context node);
    * ``qn("a:p")`` parses the prefixed tag name into its Clark name every time.

    Same results, a third to a half of the time of building the sample deck. Re-entrant;
    other threads building decks meanwhile get the same (pure) answers.
    """
    global _depth, _saved
    if not FAST:
        yield
        return
    with _lock:
        if _depth == 0:
            _saved = (xmlchemy.BaseOxmlElement.xpath, xmlchemy.qn)
            xmlchemy.BaseOxmlElement.xpath = _xpath
            xmlchemy.qn = _cached_qn
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                xmlchemy.BaseOxmlElement.xpath, xmlchemy.qn = _saved
                _saved = None


def _get_matching(self: Any, reltype: str, target: Any, is_external: bool = False) -> str | None:
    for rel in self._rels.values():
        if rel.reltype != reltype or rel.is_external != is_external:
            continue
        if (rel.target_ref if is_external else rel.target_part) == target:
            return rel.rId
    return None


def own_presentation(prs: Any) -> None:
    """Make ``prs`` (one briefgen builds) cheap to grow, on this presentation only:

    * relating one part to another first looks for an existing relationship by building a
      dict of all the part's relationships by type; the presentation part has one per slide,
      so adding n slides cost O(n²) of that. The same search, in the same order, runs over
      the relationships directly;
    * naming a new part (slide, notes, chart, workbook) walked every part of the package;
      the names are kept per kind instead, found by one walk and extended with every name
      handed out: the names python-pptx would choose.
    """
    if not FAST:
        return
    rels = prs.part.rels
    rels._get_matching = types.MethodType(_get_matching, rels)
    package = prs.part.package
    known: dict[str, set[str]] = {}

    def next_partname(tmpl: str) -> Any:
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


# ---------------------------------------------------------------- saving


def package_bytes(package: Any, date: dt.date) -> bytes:
    """The deck's zip, written once, in python-pptx's member order, with fixed times.

    ``Presentation.save`` stamps every entry with the current time, so the zip would have to
    be written, read back and written again with fixed times: two compressions of every
    part. This writes what ``save`` writes (content types, package relationships, then each
    part and its relationships), directly with fixed times and the embedded workbooks fixed.
    """
    if not FAST:
        out = io.BytesIO()
        package.save(out)
        return normalize_package(out.getvalue(), date)
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


def rels_xml(rels: Any, base: str) -> bytes:
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


# ---------------------------------------------------------------- charts

# XlsxWriter's write() guesses: a string starting with "=" becomes a formula, one that looks
# like a URL (http:, mailto:, external: for local files) a hyperlink, and "1e3" a number if
# asked. Chart categories and series names are the content author's text, so none of that.
LITERAL_CELLS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


class _LiteralWorkbookWriter(CategoryWorkbookWriter):
    """python-pptx's chart workbook writer, with every cell written as the literal it is.

    The workbook embedded in a chart is what PowerPoint's "Edit Data" opens in Excel: a
    category named ``=HYPERLINK("http://…")`` or ``=cmd|' /C calc'!A0`` would be a live
    formula (DDE) there. python-pptx opens the workbook with XlsxWriter's defaults and has no
    option for this, so the one method that opens it is replaced.
    """

    @contextmanager
    def _open_worksheet(self, xlsx_file: io.BytesIO) -> Iterator[tuple[Any, Any]]:
        from xlsxwriter import Workbook

        workbook = Workbook(xlsx_file, {"in_memory": True, **LITERAL_CELLS})
        worksheet = workbook.add_worksheet()
        yield workbook, worksheet
        workbook.close()


class LiteralChartData(CategoryChartData):
    """Category chart data whose workbook holds literal strings and numbers only."""

    @property
    def _workbook_writer(self) -> CategoryWorkbookWriter:
        return _LiteralWorkbookWriter(self)


def chart_space(chart_type: Any, data: CategoryChartData) -> tuple[Any, Any]:
    """A chart's ``c:chartSpace`` as python-pptx writes it, and a python-pptx ``Chart`` on
    it to format it with, outside any deck (the Word brief's charts)."""
    from pptx.chart.chart import Chart
    from pptx.chart.xmlwriter import ChartXmlWriter
    from pptx.oxml import parse_xml

    space = parse_xml(ChartXmlWriter(chart_type, data).xml.encode("utf-8"))
    return space, Chart(space, None)
