"""Charts for the printed brief: vector SVG drawn by pygal, sized by CSS, text kept as text.

pygal is small and quick to import (about 0.06 s against matplotlib's 0.45 s), and its SVG
renders cleanly in WeasyPrint. The deck draws the same figure as a native PowerPoint chart
(see ``render/deck/figures.py``), so both show the same data. pygal is imported when a
chart is drawn, not with this module: the deck needs nothing from here,
and a cold deck build is a few hundredths of a second quicker without it (the workers'
zygote imports pygal ahead for the PDF and HTML formats).
"""

from __future__ import annotations

import re
from functools import lru_cache

from briefgen.colors import text_on
from briefgen.model import ChartFigure
from briefgen.render.figurespec import format_number, pie_labels, show_values, value_axis

_SVG_NS = "http://www.w3.org/2000/svg"
_KINDS = {"bar": "HorizontalBar", "column": "Bar", "line": "Line", "pie": "Pie"}  # pygal's


def chart_svg(
    figure: ChartFigure, colors: tuple[str, ...], font: str, size: tuple[int, int] = (720, 300)
) -> str:
    """The SVG markup of ``figure``, drawn on ``size`` pixels (text is 12–13 of them, so the
    size sets how large text prints); the caller places it (and its title) in the page."""
    return _render(figure.model_dump_json(), colors, font, size)


@lru_cache(maxsize=256)
def _render(figure_json: str, colors: tuple[str, ...], font: str, size: tuple[int, int]) -> str:
    import pygal
    from pygal.style import Style

    figure = ChartFigure.model_validate_json(figure_json)
    style = Style(
        background="transparent",
        plot_background="transparent",
        foreground="#333333",
        foreground_strong="#111111",
        foreground_subtle="#DDDDDD",
        colors=colors,
        value_colors=tuple(text_on(c) for c in colors),  # values printed on a pie's slices
        font_family=font,
        label_font_size=13,
        major_label_font_size=13,
        value_font_size=12,
        legend_font_size=13,
        title_font_size=15,
        tooltip_font_size=12,
        opacity="1",
        opacity_hover="1",
        guide_stroke_color="#E3E7ED",
        guide_stroke_dasharray="none",
        major_guide_stroke_color="#D0D6DF",
        major_guide_stroke_dasharray="none",
    )
    several = len(figure.series) > 1 or figure.chart == "pie"
    axis = value_axis(figure)
    labels = show_values(figure)
    pie = figure.chart == "pie"
    # A pie prints each slice's share and unit (spec.pie_labels), looked up by value.
    pie_text = dict(zip(figure.series[0].values, pie_labels(figure), strict=False)) if pie else {}
    chart = getattr(pygal, _KINDS[figure.chart])(
        style=style,
        width=size[0],
        height=size[1],
        js=[],
        disable_xml_declaration=True,
        show_legend=several,
        legend_at_bottom=True,
        legend_at_bottom_columns=4,
        print_values=labels,
        print_values_position="top",
        show_y_guides=not pie,
        explicit_size=False,
        margin=8,
        # pygal puts a bottom legend at the chart's height less a margin it assumes is 20 or
        # more: with 8 the legend fell below the picture and was cut off.
        margin_bottom=24 if several else 8,
        value_formatter=(lambda v: pie_text.get(v, format_number(v))) if pie else format_number,
        truncate_label=-1,
        truncate_legend=-1,
        include_x_axis=False,
        allow_interruptions=True,  # a missing value is a gap, as in the deck
        **({"range": (axis.low, axis.high), "y_labels": axis.ticks} if axis else {}),
    )
    if pie:
        for i, category in enumerate(figure.categories):
            chart.add(category, [figure.series[0].values[i]])
    else:
        chart.x_labels = list(figure.categories)
        if figure.unit:
            chart.y_title = figure.unit
        for series in figure.series:
            chart.add(series.name, list(series.values))
    return _clean(chart.render(is_unicode=True), figure.id, figure.alt or figure.title)


def _clean(svg: str, figure_id: str, alt: str = "") -> str:
    """pygal's SVG minus what a static document must not carry, plus its text alternative.

    Its ``<script>`` (hover tooltips), ``<title>``/``<desc>`` helpers, comments with the
    day's date and a random element id would put script into the HTML preview and make
    two builds of the same brief differ; the id becomes the figure's own, and the ids
    pygal repeats in every chart (two charts, one anchor twice) go. Zero-radius arcs
    become lines (see ``_ZERO_ARC``). The figure's alt text becomes the SVG's first child
    ``<title>``: WeasyPrint's tagged PDF takes a Figure's ``/Alt`` from it, and browsers
    and screen readers read it as the picture's name.
    """
    from lxml import etree

    root = etree.fromstring(svg.encode("utf-8"))
    old_id = root.get("id", "")
    for el in root.xpath(
        "//svg:script | //svg:title | //svg:desc | //comment()", namespaces={"svg": _SVG_NS}
    ):
        el.getparent().remove(el)
    for el in root.iterdescendants():
        if el.get("id") is not None:  # pygal's own ids repeat from chart to chart; nothing
            del el.attrib["id"]  # refers to them once its script is gone
    for path in root.iter(f"{{{_SVG_NS}}}path"):
        if "A0" in path.get("d", ""):
            path.set("d", _ZERO_ARC.sub(r"L\1 \2", path.get("d")))
    if alt:
        title = etree.Element(f"{{{_SVG_NS}}}title")
        title.text = alt
        root.insert(0, title)
    text = etree.tostring(root, encoding="unicode")
    return text.replace(old_id, f"chart-{figure_id}") if old_id else text


# An elliptical arc with a zero radius, which SVG draws as a straight line to its end point:
# pygal closes every pie slice with one at the centre, and WeasyPrint draws it as a curve
# that flings the slice across the page. Written as the line it stands for.
_ZERO_ARC = re.compile(r"A0(?:\.0*)? 0(?:\.0*)? [-\d.]+ [01] [01] ([-\d.eE]+) ([-\d.eE]+)")
