"""Charts for the printed brief: vector SVG drawn by pygal, sized by CSS, text kept as text.

pygal is small and quick to import (about 0.06 s against matplotlib's 0.45 s), and its SVG
renders cleanly in WeasyPrint. The deck draws the same figure as a native PowerPoint chart
(see ``render/deck/figures.py``), so both show the same data.
"""

from __future__ import annotations

from functools import lru_cache

import pygal
from pygal.style import Style

from briefgen.model import ChartFigure

_KINDS = {"bar": pygal.HorizontalBar, "column": pygal.Bar, "line": pygal.Line, "pie": pygal.Pie}


def chart_svg(figure: ChartFigure, colors: tuple[str, ...], font: str) -> str:
    """The SVG markup of ``figure``; the caller places it (and its title) in the page."""
    return _render(figure.model_dump_json(), colors, font)


@lru_cache(maxsize=256)
def _render(figure_json: str, colors: tuple[str, ...], font: str) -> str:
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
    )
    several = len(figure.series) > 1 or figure.chart == "pie"
    chart = _KINDS[figure.chart](
        style=style,
        width=720,
        height=360,
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
        value_formatter=format_number,
        truncate_label=-1,
        truncate_legend=-1,
        include_x_axis=figure.chart != "line",
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
    return chart.render(is_unicode=True)


def format_number(value: float | None) -> str:
    """``1234`` -> ``1,234``; ``2.50`` -> ``2.5``; missing values print as nothing."""
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0")
