"""A brief unlike the sample (issue 14), built end to end and read back: a long running
title beside a long marking, a custom theme with a logo, a line chart with close values and
a gap, a pie, a table with a source and years, timeline entries with full dates.

The fixture is ``tests/fixtures/scenario``: the ``ministers`` audience uses the default set
with a green and gold theme, ``analysts`` the formal set with a purple one.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from lxml import etree

pytestmark = pytest.mark.e2e

SCENARIO = Path(__file__).resolve().parent / "fixtures" / "scenario"
AUDIENCES = ("ministers", "analysts")
MARKING = "OFFICIAL – SENSITIVE"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from briefgen.api import build

    root = tmp_path_factory.mktemp("scenario") / "project"
    shutil.copytree(SCENARIO, root, ignore=shutil.ignore_patterns("output"))
    result = build(root)
    assert not result.failed, [o.error for o in result.failed]
    return root / "output" / "caspian-energy"


def _deck(built: Path, audience: str):
    from pptx import Presentation

    return Presentation(str(built / f"{audience}.pptx"))


def _words_with_y(page) -> list[tuple[str, float]]:
    """(text, baseline y) of each text run pypdf finds on ``page``."""
    out: list[tuple[str, float]] = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            out.append((text, (tm[5] * cm[3]) + cm[5]))

    page.extract_text(visitor_text=visit)
    return out


# ---------------------------------------------------------------- PDF: header crowding


@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_top_banner_stays_on_one_line_beside_a_long_running_title(built, audience):
    import pypdf

    reader = pypdf.PdfReader(built / f"{audience}.pdf")
    assert len(reader.pages) >= 2
    for number, page in enumerate(reader.pages, start=1):
        height = float(page.mediabox.height)
        top = [(t, y) for t, y in _words_with_y(page) if y > height - 30 * 72 / 25.4]
        marks = [y for t, y in top if "OFFICIAL" in t or "SENSITIVE" in t]
        assert marks, f"page {number}: no banner in the top margin"
        assert max(marks) - min(marks) < 2, f"page {number}: the banner wraps: {top}"
        if number > 1:  # the running title is there, shortened rather than wrapped
            title_lines = {round(y) for t, y in top if "Caspian" in t or "Horizon" in t}
            assert len(title_lines) <= 1, f"page {number}: the running title wraps"


# ---------------------------------------------------------------- decks: one theme everywhere


def _scheme(prs) -> dict[str, str]:
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    part = prs.slide_masters[0].part.part_related_by(RT.THEME)
    scheme = etree.fromstring(part.blob).find(f"{A}themeElements/{A}clrScheme")
    return {slot.tag[len(A) :]: slot[0].get("val") for slot in scheme}


@pytest.mark.parametrize(
    ("audience", "primary", "accent"),
    [("ministers", "1F5F3A", "D4A017"), ("analysts", "5A2A82", "C8102E")],
)
def test_the_audience_theme_colours_every_slide(built, audience, primary, accent):
    """Titles, cover and divider backgrounds and bullet marks take their colour from the
    deck's colour scheme (no slide hard-codes the set's navy): the scheme is the theme's."""
    prs = _deck(built, audience)
    scheme = _scheme(prs)
    assert scheme["dk2"] == scheme["accent1"] == primary
    assert scheme["accent2"] == accent
    set_colours = {"1F3A5F", "C8102E", "1B2A41", "8C1D18"} - {primary, accent}
    for number, slide in enumerate(prs.slides, start=1):
        fixed = set(slide.part._element.xpath(".//a:srgbClr/@val"))
        assert not fixed & set_colours, f"slide {number} uses the set's own colours"
        title = slide.shapes.title
        assert title is not None
        title_fixed = title._element.xpath(".//a:rPr/a:solidFill/a:srgbClr/@val")
        assert not title_fixed, f"slide {number}: the title does not follow the theme"


def test_the_theme_logo_is_on_the_title_slide_and_every_other(built):
    prs = _deck(built, "ministers")
    for number, slide in enumerate(prs.slides, start=1):
        logos = [s for s in slide.shapes if s.name == "Logo"]
        assert len(logos) == 1, number
        assert logos[0]._element.xpath("./p:nvPicPr/p:cNvPr/@descr") == ["Ministry of Energy"]
    title, other = prs.slides[0], prs.slides[1]
    big = next(s for s in title.shapes if s.name == "Logo")
    small = next(s for s in other.shapes if s.name == "Logo")
    assert big.height > 2 * small.height


@pytest.mark.parametrize("audience", AUDIENCES)
def test_banners_and_slide_numbers_never_wrap(built, audience):
    for number, slide in enumerate(_deck(built, audience).slides, start=1):
        for shape in slide.shapes:
            if shape.name.startswith(("Classification", "Slide number")):
                assert shape.text_frame.word_wrap is False, (number, shape.name)


# ---------------------------------------------------------------- charts: one spec


def _svg_charts(html: Path) -> dict[str, etree._Element]:
    """The brief's chart SVGs by figure id, parsed as XML."""
    text = html.read_text("utf-8")
    found = re.finditer(r'<svg\b[^>]*\bid="chart-([^"]+)".*?</svg>', text, re.S)
    return {m[1]: etree.fromstring(m[0].encode("utf-8")) for m in found}


def _svg_axis_labels(svg) -> list[float]:
    ns = {"s": "http://www.w3.org/2000/svg"}
    texts = svg.xpath(
        "//s:g[contains(@class,'axis') and contains(@class,'y')]//s:text/text()", namespaces=ns
    )
    return sorted(float(t.replace(",", "")) for t in texts if re.fullmatch(r"-?[\d,.]+", t))


def _chart(prs, figure_id: str):
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.name == f"Chart {figure_id}":
                return shape.chart
    raise AssertionError(f"no chart {figure_id}")


@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_line_chart_has_the_same_axis_and_gap_in_the_brief_and_the_deck(built, audience):
    svg = _svg_charts(built / f"{audience}.html")["utilisation"]
    ticks = _svg_axis_labels(svg)
    axis = _chart(_deck(built, audience), "utilisation").value_axis
    assert (axis.minimum_scale, axis.maximum_scale) == (ticks[0], ticks[-1])
    assert axis.major_unit == ticks[1] - ticks[0]
    # the 2023 gap: each series is drawn as two separate lines, not one line across it
    ns = {"s": "http://www.w3.org/2000/svg"}
    lines = svg.xpath("//s:path[contains(@class,'nofill')]", namespaces=ns)
    assert len(lines) == 4, [p.get("class") for p in lines]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_close_values_are_not_printed_over_each_other(built, audience):
    """95/96 and 98/96 at one category would collide: neither renderer prints them."""
    ns = {"s": "http://www.w3.org/2000/svg"}
    svg = _svg_charts(built / f"{audience}.html")["utilisation"]
    assert not svg.xpath("//s:text[contains(@class,'value')]", namespaces=ns)
    chart = _chart(_deck(built, audience), "utilisation")
    assert not chart.plots[0].has_data_labels


@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_pie_shows_each_share_with_its_unit_in_both(built, audience):
    expected = ["55%", "15%", "10%", "12%", "8%"]
    ns = {"s": "http://www.w3.org/2000/svg"}
    svg = _svg_charts(built / f"{audience}.html")["shares"]
    printed = [
        t.strip() for t in svg.xpath("//s:text[contains(@class,'value')]/text()", namespaces=ns)
    ]
    assert sorted(set(printed)) == sorted(expected)
    chart = _chart(_deck(built, audience), "shares")
    labels = [p.data_label.text_frame.text for p in chart.plots[0].series[0].points]
    assert labels == expected


def test_pie_labels_give_value_unit_and_share():
    from briefgen.model import ChartFigure
    from briefgen.render.figurespec import pie_labels

    pie = ChartFigure.model_validate(
        {
            "id": "p",
            "kind": "chart",
            "chart": "pie",
            "title": "t",
            "unit": "bcm",
            "categories": ["a", "b"],
            "series": [{"name": "s", "values": [6, 2]}],
        }
    )
    assert pie_labels(pie) == ["6 bcm (75%)", "2 bcm (25%)"]


# ---------------------------------------------------------------- tables


@pytest.mark.parametrize("audience", AUDIENCES)
def test_years_in_tables_are_printed_as_written(built, audience):
    import pypdf

    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(built / f"{audience}.pdf").pages)
    assert "2046" in text and "2,046" not in text
    cells = [
        cell.text
        for slide in _deck(built, audience).slides
        for shape in slide.shapes
        if shape.has_table
        for row in shape.table.rows
        for cell in row.cells
    ]
    assert "2046" in cells and "2,046" not in cells


def test_pygal_ids_do_not_repeat_between_charts(built):
    html = (built / "ministers.html").read_text("utf-8")
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
