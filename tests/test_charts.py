"""The brief's SVG charts (pygal): what WeasyPrint and a browser are given to draw.

Two faults were seen only by looking at a PDF with a pie chart and a two-series line chart:
pie slices flung across the page, and legends cut off below the picture. These tests hold
the SVG to what fixes both (the PDF test cannot see clipping: cut-off text is still in the
page's text; it checks that every label reaches the PDF).
"""

from __future__ import annotations

import io
import re

import pytest
from lxml import etree
from pypdf import PdfReader
from support import make_brief, make_project

from briefgen.audience import select
from briefgen.files import FileTree
from briefgen.model import ChartFigure
from briefgen.render import RenderJob, run
from briefgen.render.charts import chart_svg
from briefgen.templates import load_set

SVG = "{http://www.w3.org/2000/svg}"
COLORS = ("#1F3A5F", "#C8102E", "#5B8DB8")
CHARTS = {
    "pie": {"categories": ["Hydrocarbons", "Transit", "Renewables"], "series": [[5, 3, 1]]},
    "line": {"categories": ["2019", "2020", "2021"], "series": [[1, 3, 2], [2, 1, 4]]},
    "column": {"categories": ["1990s", "2000s"], "series": [[3, 3], [1, 2]]},
    "bar": {"categories": ["Baku", "Tbilisi"], "series": [[2, 4], [3, 1]]},
}


def figure(kind: str) -> dict:
    spec = CHARTS[kind]
    names = ["Pipelines", "Agreements"]
    return {
        "id": f"{kind}-chart",
        "kind": "chart",
        "title": f"A {kind} chart",
        "chart": kind,
        "categories": spec["categories"],
        "series": [{"name": names[i], "values": v} for i, v in enumerate(spec["series"])],
    }


def svg_of(kind: str) -> etree._Element:
    return etree.fromstring(chart_svg(ChartFigure.model_validate(figure(kind)), COLORS, "Inter"))


def test_pie_slices_close_with_lines_not_zero_radius_arcs():
    paths = [p.get("d") for p in svg_of("pie").iter(f"{SVG}path")]
    slices = [d for d in paths if "A" in d]  # pygal draws each slice with an arc
    assert len(slices) == 3
    for d in slices:
        radii = [float(r) for r in re.findall(r"A([-\d.]+) ", d)]
        assert radii and all(r > 0 for r in radii), d  # the outer arc only, no A0 0 ...
        assert re.search(r"L[-\d.]+ [-\d.]+ L[-\d.]+ [-\d.]+ z$", d), d  # back to the centre


@pytest.mark.parametrize("kind", sorted(CHARTS))
def test_the_legend_sits_inside_the_picture(kind):
    root = svg_of(kind)
    height = float(root.get("viewBox").split()[3])
    legends = root.find(f".//{SVG}g[@class='legends']")
    assert legends is not None, "a chart of several series (or a pie) has a legend"
    top = float(re.search(r"translate\([-\d.]+, ([-\d.]+)\)", legends.get("transform"))[1])
    bottoms = [top + float(r.get("y")) + float(r.get("height")) for r in legends.iter(f"{SVG}rect")]
    assert bottoms and max(bottoms) <= height, (max(bottoms), height)


def test_the_pdf_shows_every_legend_label(tmp_path):
    section = {
        "id": "energy",
        "title": "Energy",
        "points": ["A point."],
        "figures": [figure("pie"), figure("line")],
    }
    view = select(make_brief(sections=[section]), "b", "all", make_project())
    job = RenderJob(view, load_set("default", tmp_path), FileTree("project", None, {}), "pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(run(job).data)).pages)
    for label in ("Hydrocarbons", "Transit", "Renewables", "Pipelines", "Agreements"):
        assert label in text, label


@pytest.mark.parametrize("name", ["default", "formal"])
def test_chart_text_prints_at_8_pt_or_more_in_every_built_in_set(name):
    """pygal draws value labels at 12 px of the set's chart width; the set's CSS prints the
    SVG at a width in mm (100% of the 172 mm text block when given as a percentage)."""
    import re

    from briefgen.templates import builtin_dir, load_set

    settings = load_set(name, None).settings.chart
    css = (builtin_dir() / name / "brief.css.j2").read_text("utf-8")
    width = re.search(r"\.chart svg \{[^}]*width: ([\d.]+)(mm|%)", css)
    printed_mm = float(width[1]) if width[2] == "mm" else 172 * float(width[1]) / 100
    smallest_pt = 12 * printed_mm / settings.width / 25.4 * 72
    assert smallest_pt >= 8, f"{name}: chart values print at {smallest_pt:.1f} pt"
