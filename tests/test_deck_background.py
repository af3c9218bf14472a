"""layouts.py: the colour behind a layout's slides and the colour its text takes, as a
reader sees them (full-slide shapes, gradients and pictures included)."""

from __future__ import annotations

import io

from lxml import etree
from PIL import Image
from pptx import Presentation

from briefgen.render.deck.layouts import background, placeholder_ink

P = "http://schemas.openxmlformats.org/presentationml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def _full_slide_shape(prs, fill: str) -> None:
    tree = prs.slide_masters[0].shapes._spTree
    sp = tree.add_autoshape(900, "Backdrop", "rect", 0, 0, prs.slide_width, prs.slide_height)
    sp.find(f"{{{P}}}spPr").append(etree.fromstring(f'<x xmlns:a="{A}">{fill}</x>')[0])


def test_a_plain_deck_is_white_and_its_text_is_the_themes_dark_colour():
    prs = Presentation()
    layout = prs.slide_layouts[1]
    assert background(layout) == "#FFFFFF"
    assert placeholder_ink(layout, "body") == "#000000"  # tx1 -> dk1 (windowText black)


def test_a_full_slide_shape_on_the_master_is_the_background():
    prs = Presentation()
    _full_slide_shape(prs, '<a:solidFill><a:srgbClr val="112233"/></a:solidFill>')
    assert background(prs.slide_layouts[1]) == "#112233"


def test_a_gradient_is_the_mean_of_its_stops():
    prs = Presentation()
    stops = (
        '<a:gradFill><a:gsLst><a:gs pos="0"><a:srgbClr val="000000"/></a:gs>'
        '<a:gs pos="100000"><a:srgbClr val="FF0066"/></a:gs></a:gsLst></a:gradFill>'
    )
    _full_slide_shape(prs, stops)
    assert background(prs.slide_layouts[1]) == "#800033"


def test_a_picture_is_its_mean_colour_and_an_unreadable_one_is_unknown(monkeypatch):
    from briefgen.render.deck import layouts

    prs = Presentation()
    master = prs.slide_masters[0]
    picture = io.BytesIO()
    Image.new("RGB", (40, 20), (20, 30, 90)).save(picture, "PNG")
    _, rid = master.part.get_or_add_image_part(picture)
    tree = master.shapes._spTree
    tree.add_pic(901, "Photo", "", rid, 0, 0, prs.slide_width, prs.slide_height)
    assert background(prs.slide_layouts[1]) == "#141E5A"
    monkeypatch.setattr(layouts, "PICTURE_PIXELS", 40 * 20 - 1)  # too large: not decoded
    assert background(prs.slide_layouts[1]) is None
    monkeypatch.undo()
    master.part.related_part(rid)._blob = b"not an image"
    assert background(prs.slide_layouts[1]) is None


def test_a_layout_that_hides_the_masters_shapes_shows_its_own_background():
    prs = Presentation()
    _full_slide_shape(prs, '<a:solidFill><a:srgbClr val="112233"/></a:solidFill>')
    layout = prs.slide_layouts[1]
    layout._element.set("showMasterSp", "0")
    assert background(layout) == "#FFFFFF"


def test_text_colour_comes_from_the_masters_text_styles():
    prs = Presentation()
    master = prs.slide_masters[0]
    lvl1 = master._element.find(f"{{{P}}}txStyles/{{{P}}}titleStyle/{{{A}}}lvl1pPr")
    defrpr = lvl1.find(f"{{{A}}}defRPr")
    for old in defrpr.findall(f"{{{A}}}solidFill"):
        defrpr.remove(old)
    defrpr.insert(
        0, etree.fromstring(f'<a:solidFill xmlns:a="{A}"><a:srgbClr val="FFEEDD"/></a:solidFill>')
    )
    assert placeholder_ink(prs.slide_layouts[1], "title") == "#FFEEDD"


def test_the_font_drawn_is_the_placeholders_then_the_themes():
    from briefgen.render.deck.layouts import placeholder_font

    prs = Presentation()
    layout = prs.slide_layouts[1]
    assert placeholder_font(layout, "body") == "Calibri"  # python-pptx's theme: +mn-lt
    master = prs.slide_masters[0]
    body = next(p for p in master.placeholders if p.placeholder_format.type == 2)  # BODY
    run = body.text_frame.paragraphs[0].add_run()
    run.text = "Sample"
    run.font.name = "Source Sans Pro"  # as LibreOffice writes a template's font
    assert placeholder_font(layout, "body") == "Source Sans Pro"
    assert placeholder_font(layout, "title") == "Calibri"
