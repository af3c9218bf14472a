"""Charts for the printed brief: vector SVG drawn by pygal, sized by CSS, text kept as text.

pygal is small and quick to import (about 0.06 s against matplotlib's 0.45 s), and its SVG
renders cleanly in WeasyPrint. The deck draws the same figure as a native PowerPoint chart
(see ``render/deck/figures.py``), so both show the same data. pygal is imported when a
chart is drawn, not with this module: the deck needs only :func:`format_number` from here,
and a cold deck build is a few hundredths of a second quicker without it (the workers'
zygote imports pygal ahead for the PDF and HTML formats).
"""

from __future__ import annotations

import re
from functools import lru_cache

from briefgen.model import ChartFigure

_SVG_NS = "http://www.w3.org/2000/svg"
_KINDS = {"bar": "HorizontalBar", "column": "Bar", "line": "Line", "pie": "Pie"}  # pygal's


def chart_svg(figure: ChartFigure, colors: tuple[str, ...], font: str) -> str:
    """The SVG markup of ``figure``; the caller places it (and its title) in the page."""
    return _render(figure.model_dump_json(), colors, font)


@lru_cache(maxsize=256)
def _render(figure_json: str, colors: tuple[str, ...], font: str) -> str:
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
    chart = getattr(pygal, _KINDS[figure.chart])(
        style=style,
        width=720,
        height=300,
        js=[],
        disable_xml_declaration=True,
        show_legend=several,
        legend_at_bottom=True,
        legend_at_bottom_columns=4,
        print_values=not several,
        print_values_position="top",
        show_y_guides=figure.chart != "pie",
        explicit_size=False,
        margin=8,
        # pygal puts a bottom legend at the chart's height less a margin it assumes is 20 or
        # more: with 8 the legend fell below the picture and was cut off.
        margin_bottom=24 if several else 8,
        value_formatter=format_number,
        truncate_label=-1,
        truncate_legend=-1,
        include_x_axis=figure.chart != "line",
        min_scale=3,
        max_scale=6,
        **_integer_axis(figure),
    )
    if figure.chart == "pie":
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
    two builds of the same brief differ; the id becomes the figure's own. Zero-radius arcs
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


def _integer_axis(figure: ChartFigure) -> dict[str, object]:
    """Counts get whole-number ticks (0, 1, 2, 3), not 0.2 steps."""
    values = [v for s in figure.series for v in s.values if v is not None]
    if figure.chart == "pie" or not values or any(not float(v).is_integer() for v in values):
        return {}
    top = int(max(values))
    if 0 < top <= 12 and min(values) >= 0:
        return {"y_labels": list(range(0, top + 1))}
    return {}


def format_number(value: float | None) -> str:
    """``1234`` -> ``1,234``; ``2.50`` -> ``2.5``; missing values print as nothing."""
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0")
