"""marks.py: where the banners, slide number and logo go on a template's slides."""

from __future__ import annotations

import io

from lxml import etree
from pptx import Presentation

from briefgen.render.deck.layouts import Rect
from briefgen.render.deck.marks import Shape, place, template_shapes

W = 12_192_000
GAP = 91_440


def test_a_mark_whose_place_is_free_stays_there():
    want = Rect(5_000_000, 60_000, 2_000_000, 270_000)
    assert place(want, [Shape("logo", Rect(0, 0, 1_000_000, 400_000))], W, GAP) == (want, [])


def test_a_mark_moves_sideways_to_the_nearest_free_place():
    want = Rect(5_000_000, 60_000, 2_000_000, 270_000)
    crest = Shape("crest", Rect(5_500_000, 0, 400_000, 400_000))
    moved, hit = place(want, [crest], W, GAP)
    assert not hit and moved.top == want.top
    assert moved.left + moved.width <= crest.rect.left or moved.left >= crest.rect.left + 400_000
    # the nearer of the two sides: left of the crest means 1.59 M EMU away, right 0.99 M
    assert moved.left == crest.rect.left + crest.rect.width + GAP


def test_a_mark_with_no_free_place_stays_and_says_what_it_covers():
    want = Rect(5_000_000, 60_000, 2_000_000, 270_000)
    masthead = Shape("masthead", Rect(0, 0, W, 400_000))
    assert place(want, [masthead], W, GAP) == (want, [masthead])


def _master_with(xml: str):
    prs = Presentation()
    tree = prs.slide_masters[0].shapes._spTree
    tree.append(etree.fromstring(xml))
    layout = prs.slide_layouts[1]
    return prs, layout


_NS = (
    'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
)


def _sp(name: str, x: int, y: int, cx: int, cy: int, body: str = "", fill: str = "") -> str:
    text = f"<p:txBody><a:bodyPr/><a:p>{body}</a:p></p:txBody>" if body else ""
    return (
        f'<p:sp {_NS}><p:nvSpPr><p:cNvPr id="99" name="{name}"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr>'
        f'<p:spPr><a:xfrm><a:off x="{x}" y="{y}"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>{fill}</p:spPr>{text}</p:sp>'
    )


def test_a_band_is_backdrop_with_its_colour_and_its_text_is_a_shape():
    prs, layout = _master_with(
        _sp(
            "Band",
            0,
            6_400_000,
            9_144_000,
            458_000,
            fill='<a:solidFill><a:srgbClr val="0B3D2E"/></a:solidFill>',
        )
    )
    marks = template_shapes(layout, prs.slide_width, prs.slide_height)
    assert not [s for s in marks.shapes if s.name == "Band"]
    assert marks.backdrop(Rect(8_000_000, 6_500_000, 500_000, 200_000)) == "#0B3D2E"
    assert marks.backdrop(Rect(8_000_000, 100_000, 500_000, 200_000)) is False
    prs, layout = _master_with(
        _sp("Name", 0, 6_400_000, 9_144_000, 458_000, "<a:r><a:t>Ministry</a:t></a:r>")
    )
    assert [s.name for s in template_shapes(layout, prs.slide_width, prs.slide_height).shapes] == [
        "Name"
    ]


def test_a_template_that_prints_its_own_slide_number_is_known():
    field = (
        '<a:fld id="{00000000-0000-0000-0000-000000000001}" type="slidenum"><a:t>‹#›</a:t></a:fld>'
    )
    prs, layout = _master_with(_sp("Page", 8_400_000, 6_400_000, 500_000, 300_000, field))
    marks = template_shapes(layout, prs.slide_width, prs.slide_height)
    assert marks.numbers_itself and [s.name for s in marks.shapes] == ["Page"]


def test_the_layouts_slide_number_placeholder_is_found_and_hidden_shapes_are_not():
    prs = Presentation()
    layout = prs.slide_layouts[1]  # python-pptx's default: dt, ftr and sldNum on the layout
    marks = template_shapes(layout, prs.slide_width, prs.slide_height)
    assert marks.number is not None and marks.number_idx is not None
    hidden = _sp("Hidden", 0, 0, 500_000, 500_000, "<a:r><a:t>x</a:t></a:r>").replace(
        'name="Hidden"', 'name="Hidden" hidden="1"'
    )
    prs, layout = _master_with(hidden)
    assert not template_shapes(layout, prs.slide_width, prs.slide_height).shapes
    buf = io.BytesIO()
    prs.save(buf)  # still a valid deck


def _with_band(band: Rect, color: str = "#274A74"):
    from briefgen.render.deck.marks import TemplateMarks

    return TemplateMarks((), None, None, False, ((band, color),))


def test_a_text_box_running_over_a_band_is_shortened_to_stop_above_it():
    from briefgen.render.deck.marks import clear_of_bands

    box = Rect(500_000, 1_400_000, 9_000_000, 4_000_000)  # down to 5.4 M
    clear, under = clear_of_bands(box, _with_band(Rect(0, 3_800_000, W, 2_000_000)), GAP)
    assert clear.top == box.top and clear.bottom == 3_800_000 - GAP and under is None


def test_a_text_box_set_in_a_band_stays_within_it_and_reads_on_its_colour():
    from briefgen.render.deck.marks import clear_of_bands

    box = Rect(500_000, 3_800_000, 9_000_000, 2_000_000)
    band = Rect(0, 4_200_000, W, 2_658_000)
    clear, under = clear_of_bands(box, _with_band(band), GAP)
    assert clear.top == band.top + GAP and clear.bottom <= box.bottom and under == "#274A74"
    narrow = Rect(0, 4_200_000, 4_000_000, 2_658_000)  # not across the box: not a band for it
    assert clear_of_bands(box, _with_band(narrow), GAP) == (box, None)


def test_a_backed_mark_gets_its_fill_place_and_right_alignment_in_schema_order():
    from briefgen.render.deck.text import backed, number_placeholder

    sp = number_placeholder(12, 3, " / 24", 11, "5B6473")
    backed(sp, "FFFFFF", Rect(10, 20, 300, 40))
    props = sp.find("{http://schemas.openxmlformats.org/presentationml/2006/main}spPr")
    assert [child.tag.split("}")[1] for child in props] == ["xfrm", "solidFill"]
    assert props[0][0].get("x") == "10" and props[0][1].get("cx") == "300"
    assert sp.xpath(
        ".//a:pPr/@algn", namespaces={"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    ) == ["r"]
