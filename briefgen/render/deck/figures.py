"""Figures on slides: native, editable PowerPoint charts and tables.

Charts carry their data (PowerPoint's "Edit Data" works); tables are real tables whose rows
continue on the next slide, with the header repeated, when they do not fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.text import MSO_ANCHOR
from pptx.slide import Slide
from pptx.util import Pt

from briefgen.colors import text_on
from briefgen.model import ChartFigure
from briefgen.render.deck import adapter
from briefgen.render.deck.fit import Measurer, Run
from briefgen.render.deck.layouts import EMU_PER_PT, INSET_X, INSET_Y, Rect
from briefgen.render.deck.text import plain, rgb
from briefgen.render.figurespec import pie_labels, show_values, value_axis

CHART_TYPES = {
    "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "line": XL_CHART_TYPE.LINE_MARKERS,
    "pie": XL_CHART_TYPE.PIE,
}


def set_alt_text(shape: Any, text: str) -> None:
    """The shape's alternative text (``descr`` of its ``cNvPr``), what PowerPoint shows under
    "Alt Text" and screen readers read: python-pptx has no API for it."""
    if text:
        adapter.element(shape).xpath("./*[1]/p:cNvPr")[0].set("descr", text)


@dataclass(frozen=True)
class ChartText:
    """Point sizes of a chart's text: its default, data labels, value and category ticks."""

    base: float = 14
    labels: float = 13
    values: float = 12
    categories: float = 13
    font: str | None = None  # typeface; None: the theme's (a deck's body font)


SLIDE_TEXT = ChartText()


def chart_data(figure: ChartFigure) -> CategoryChartData:
    """The chart's data as python-pptx writes it into the chart XML and its workbook."""
    data = adapter.LiteralChartData(number_format="#,##0.##")
    data.categories = list(figure.categories)
    for series in figure.series:
        data.add_series(series.name, list(series.values))
    return data


def add_chart(
    slide: Slide,
    figure: ChartFigure,
    rect: Rect,
    colors: Sequence[str],
    scale: float = 1.0,
    ink: str | None = None,
) -> None:
    """A native chart of ``figure`` filling ``rect``, in the deck's colours, its text
    ``scale`` times the size written for a 7.5-inch-high slide."""
    frame = slide.shapes.add_chart(
        CHART_TYPES[figure.chart], rect.left, rect.top, rect.width, rect.height, chart_data(figure)
    )
    frame.name = f"Chart {figure.id}"
    set_alt_text(frame, figure.alt or figure.title)
    text = SLIDE_TEXT
    if scale != 1.0:
        text = ChartText(
            *(size * scale for size in (text.base, text.labels, text.values)),
            text.categories * scale,
        )
    style_chart(frame.chart, figure, colors, text)
    if ink is not None and ink != "#1D2430":  # the chart's text, readable on a dark slide
        frame.chart.font.color.rgb = rgb(ink)


def style_chart(chart: Any, figure: ChartFigure, colors: Sequence[str], text: ChartText) -> None:
    """Format a python-pptx chart as the brief draws it: the same value axis, labels only
    where they can be read, pie shares with their unit, the set's colours. Works on the XML
    alone, so the Word document's charts (the same chart XML) are formatted by it too."""
    chart.font.size = Pt(text.base)
    if text.font:
        chart.font.name = text.font
    chart.has_title = False  # the slide title (or the figure title above it) names it
    pie = figure.chart == "pie"
    chart.has_legend = pie or len(figure.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    plot = chart.plots[0]
    plot.has_data_labels = show_values(figure)
    if plot.has_data_labels:
        labels = plot.data_labels
        labels.number_format, labels.number_format_is_linked = "#,##0.##", False
        labels.font.size = Pt(text.labels)
    if pie:
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
        for i, (point, label) in enumerate(
            zip(plot.series[0].points, pie_labels(figure), strict=False)
        ):
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = rgb(colors[i % len(colors)])
            point.data_label.text_frame.text = label  # its share and unit, as in the brief
            point.data_label.font.size = Pt(text.labels)
            point.data_label.position = XL_LABEL_POSITION.OUTSIDE_END
        return
    if figure.chart in ("bar", "column"):
        plot.gap_width = 60
        if plot.has_data_labels:
            labels.position = XL_LABEL_POSITION.OUTSIDE_END
    for i, series in enumerate(plot.series):
        color = rgb(colors[i % len(colors)])
        if figure.chart == "line":
            series.format.line.color.rgb = color
            series.format.line.width = Pt(2.5 * text.base / SLIDE_TEXT.base)
            series.smooth = False
        else:
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = color
    value_axis_ = chart.value_axis
    axis = value_axis(figure)
    if axis is not None:  # the brief's axis: same range, same ticks
        value_axis_.minimum_scale, value_axis_.maximum_scale = axis.low, axis.high
        value_axis_.major_unit = axis.step
    value_axis_.has_major_gridlines = True
    value_axis_.major_gridlines.format.line.color.rgb = rgb("#D9DEE6")
    value_axis_.format.line.fill.background()
    value_axis_.tick_labels.font.size = Pt(text.values)
    chart.category_axis.tick_labels.font.size = Pt(text.categories)
    if figure.unit:
        value_axis_.has_title = True
        value_axis_.axis_title.text_frame.text = figure.unit
        value_axis_.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(text.values)


# ---------------------------------------------------------------- tables


@dataclass(frozen=True)
class TableLayout:
    """Column widths (EMU), a font size and row groups that each fit one slide."""

    widths: list[int]
    size: float
    pages: list[list[int]]  # row indexes (into the body rows) per slide
    overflow: bool = False


def layout_table(
    m: Measurer,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    rect: Rect,
    largest: float = 18,
    smallest: float = 12,
    unbroken: Sequence[int] = (),
) -> TableLayout:
    """Choose column widths and a size; split rows into slides that fit ``rect``. Columns
    in ``unbroken`` (a timeline's dates) are wide enough that no cell of theirs wraps."""
    widths = _column_widths(m, header, rows, rect.width, unbroken, largest)
    height_pt = rect.height / EMU_PER_PT
    size = largest
    while True:
        heights = [_row_height(m, r, widths, size) for r in rows]
        head = _row_height(m, header, widths, size, bold=True)
        if head + sum(heights) <= height_pt or size <= smallest:
            break
        size -= 1
    pages: list[list[int]] = []
    current: list[int] = []
    used = head
    overflow = False
    for i, h in enumerate(heights):
        if current and used + h > height_pt:
            pages.append(current)
            current, used = [], head
        current.append(i)
        used += h
        overflow = overflow or head + h > height_pt
    pages.append(current)
    return TableLayout(widths, size, pages, overflow)


def _column_widths(
    m: Measurer,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    total: int,
    unbroken: Sequence[int] = (),
    size: float = 18,
) -> list[int]:
    """Widths proportional to each column's longest text, within sensible bounds; an
    ``unbroken`` column gets its longest text at ``size`` (and a margin for a wider
    substitute font) and the others share what is left."""
    n = len(header)
    need = []
    for c in range(n):
        texts = [header[c], *(r[c] for r in rows if c < len(r))]
        longest = max(m.width(t, 12) for t in texts)
        need.append(min(max(longest, 60.0), 360.0))
    fixed = {}
    for c in (c for c in unbroken if c < n):
        texts = [header[c], *(r[c] for r in rows if c < len(r))]
        points = max(m.width(t, size) for t in texts) * 1.2 + 8
        fixed[c] = min(int(points * EMU_PER_PT + 2 * INSET_X), total // 2)
    free = total - sum(fixed.values())
    scale = free / (sum(w for c, w in enumerate(need) if c not in fixed) or 1)
    widths = [fixed.get(c, int(w * scale)) for c, w in enumerate(need)]
    widths[-1] += total - sum(widths)
    return widths


def _row_height(
    m: Measurer, cells: Sequence[str], widths: Sequence[int], size: float, bold: bool = False
) -> float:
    tallest = 1
    for text, width in zip(cells, widths, strict=False):
        usable = (width - 2 * INSET_X) / EMU_PER_PT
        tallest = max(tallest, m.lines([Run(text, bold=bold)], size, usable))
    return max(min_row_height(size), tallest * m.line_height(size) + 2 * INSET_Y / EMU_PER_PT)


def min_row_height(size: float) -> float:
    """Rows are at least this tall (points), so short tables breathe; also set on the table."""
    return size * 2.0


def add_table(
    slide: Slide,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    rect: Rect,
    layout: TableLayout,
    primary: str,
    name: str,
    alt: str = "",
) -> None:
    """A table with a coloured header row; ``rows`` are the rows for this slide only;
    ``alt`` is its alternative text."""
    shape = slide.shapes.add_table(
        len(rows) + 1, len(header), rect.left, rect.top, rect.width, rect.height
    )
    shape.name = name
    set_alt_text(shape, alt)
    table = shape.table
    for c, width in enumerate(layout.widths):
        table.columns[c].width = width
    for c, text in enumerate(header):
        cell = table.cell(0, c)
        cell.fill.solid()
        cell.fill.fore_color.rgb = rgb(primary)
        plain(
            cell.text_frame,
            text,
            layout.size,
            bold=True,
            color=text_on(primary),
            anchor=MSO_ANCHOR.MIDDLE,
        )
    for r, row in enumerate(rows, start=1):
        for c in range(len(header)):
            cell = table.cell(r, c)
            cell.fill.solid()
            cell.fill.fore_color.rgb = rgb("#F2F5F9" if r % 2 == 0 else "#FFFFFF")
            plain(
                cell.text_frame,
                row[c] if c < len(row) else "",
                layout.size,
                color="#1D2430",
                anchor=MSO_ANCHOR.TOP,
            )
    for r in range(len(rows) + 1):
        table.rows[r].height = Pt(min_row_height(layout.size))
