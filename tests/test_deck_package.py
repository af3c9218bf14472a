"""The deck's fast paths write what python-pptx would: text runs, notes, .rels, the zip.

The builder writes DrawingML text, speaker notes, relationship files and the package itself
without python-pptx's object layer (for speed); these tests hold each one to python-pptx's
own reading or writing of the same thing.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from support import make_brief, make_project

from briefgen.audience import select
from briefgen.files import FileTree
from briefgen.render import RenderJob
from briefgen.render.deck import _shared, render_deck
from briefgen.render.deck.adapter import package_bytes, rels_xml
from briefgen.render.deck.fit import Paragraph, Run
from briefgen.render.deck.text import set_text, write
from briefgen.templates import load_set

LINK = 'https://example.org/a?b=1&c=<2>&d="é"'


def _job(tmp_path) -> RenderJob:
    brief = make_brief(
        sections=[
            {
                "id": "links",
                "title": "Links",
                "points": [f"A point with [a link]({LINK}) and **bold** text."],
            }
        ]
    )
    view = select(brief, "b", "all", make_project())
    return RenderJob(view, load_set("default", tmp_path), FileTree("project", None, {}), "pptx")


@pytest.fixture()
def frame():
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    return slide.shapes.add_textbox(0, 0, 5_000_000, 2_000_000).text_frame


def test_written_runs_read_back_through_python_pptx(frame):
    paragraphs = [
        Paragraph((Run("Plain "), Run("bold", bold=True), Run(" [1]", superscript=True))),
        Paragraph((Run("a link", href=LINK),), level=1, scale=0.5),
        Paragraph((Run("next"), Run("\n"), Run("line"), Run("bell\x07")), bullet=False),
    ]
    write(
        frame,
        paragraphs,
        20,
        numbered_from=3,
        color="#112233",
        italic=True,
        font="Inter",
        align=PP_ALIGN.CENTER,
        anchor=MSO_ANCHOR.BOTTOM,
    )
    assert frame.word_wrap is True
    assert frame.auto_size == MSO_AUTO_SIZE.NONE
    assert frame.vertical_anchor == MSO_ANCHOR.BOTTOM
    first, second, third = frame.paragraphs
    plain, bold, sup = first.runs
    assert (plain.font.size.pt, bold.font.bold, plain.font.bold) == (20, True, None)
    assert sup.font.size.pt == 14 and sup.font._rPr.get("baseline") == "30000"
    assert all(r.font.italic and r.font.name == "Inter" for p in frame.paragraphs for r in p.runs)
    assert plain.font.color.rgb == RGBColor(0x11, 0x22, 0x33)
    assert first.alignment == PP_ALIGN.CENTER and first.line_spacing == 1.0
    assert first.space_before.pt == 0 and second.space_before.pt == 5.5  # 0.55 x 10 pt
    assert first._p.pPr.find(f"{{{first._p.nsmap['a']}}}buAutoNum").get("startAt") == "3"
    assert second.level == 1 and second.runs[0].font.size.pt == 10
    assert second.runs[0].hyperlink.address == LINK
    assert third.text == "next\vlinebell_x0007_"  # a line break, and the control escaped
    assert third._p.pPr.get("indent") == "0"  # no bullet, aligned with the text above


def test_unsafe_link_schemes_are_not_linked(frame):
    write(frame, [Paragraph((Run("x", href="javascript:alert(1)"),))], 12)
    assert frame.paragraphs[0].runs[0].hyperlink.address is None


def test_notes_text_is_what_python_pptx_writes(frame):
    text = "one\ntwo\vthree\n\nfour\x01"
    set_text(frame._txBody, text)
    mine = [p._p.xml for p in frame.paragraphs]
    frame.text = text
    assert mine == [p._p.xml for p in frame.paragraphs]


def test_rels_files_are_what_python_pptx_writes(tmp_path):
    prs = Presentation(io.BytesIO(render_deck(_job(tmp_path)).data))
    package = prs.part.package
    parts = [p for p in package.iter_parts() if p._rels]
    assert any(r.reltype == RT.HYPERLINK for p in parts for r in p.rels.values())
    assert rels_xml(package._rels, "/") == package._rels.xml
    for part in parts:
        assert rels_xml(part._rels, part.partname.baseURI) == part._rels.xml, part.partname


def test_the_package_holds_what_python_pptx_saves(tmp_path):
    """Same members, same order, same bytes: only the zip's times and compression differ,
    and the document dates come from the brief."""
    job = _job(tmp_path)
    prs = Presentation(io.BytesIO(render_deck(job).data))
    saved = io.BytesIO()
    prs.save(saved)
    theirs = zipfile.ZipFile(saved)
    ours = zipfile.ZipFile(io.BytesIO(package_bytes(prs.part.package, job.view.date)))
    assert ours.namelist() == theirs.namelist()
    for name in ours.namelist():
        assert ours.read(name) == theirs.read(name), name
    assert {i.date_time for i in ours.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_decks_built_from_copied_slides_are_the_decks_built_fresh(tmp_path):
    """The first deck on a reference makes its slides through python-pptx and keeps blank
    copies; later decks copy those. Both ways give the same bytes."""
    from briefgen.render.deck.layouts import open_reference

    job = _job(tmp_path)
    _shared.cache_clear()
    fresh = render_deck(job).data
    prototypes, rects = _shared(open_reference(job.tset)[1])
    assert "notes" in prototypes and len(prototypes) > 2 and rects
    assert render_deck(job).data == fresh


def test_slide_ids_and_relationships_are_the_ones_python_pptx_gives(tmp_path):
    """Slides after the first of their layout get their id and relationship from the
    builder's own counters: ids 256, 257, ... in order, each rId naming its own slide,
    whether a slide was made through python-pptx (the first of its layout in a process) or
    copied."""
    sections = [{"id": f"s{i}", "title": f"Section {i}", "points": ["A point."]} for i in range(3)]
    view = select(make_brief(sections=sections), "b", "all", make_project())
    job = RenderJob(view, load_set("default", tmp_path), FileTree("project", None, {}), "pptx")
    _shared.cache_clear()  # the first slide of each layout through python-pptx, then copies
    prs = Presentation(io.BytesIO(render_deck(job).data))
    ids = prs.slides._sldIdLst
    assert [int(s.get("id")) for s in ids] == list(range(256, 256 + len(prs.slides)))
    parts = [prs.part.related_part(s.rId) for s in ids]
    assert [p.partname for p in parts] == [
        f"/ppt/slides/slide{n}.xml" for n in range(1, len(prs.slides) + 1)
    ]
