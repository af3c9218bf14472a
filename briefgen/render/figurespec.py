"""One drawing specification per figure, read by both the brief (pygal SVG, HTML tables)
and the deck (native PowerPoint charts and tables): a chart's value axis range and ticks,
whether its values are printed and their text; the text of a table cell.

The two renderers used to decide these apart: the deck's axis ran 0–120 where the PDF's
ran 80–104, a missing value was a gap in one and a straight line in the other, labels of
close values collided in one, and a pie showed values without shares or unit. Deciding
them here, once, keeps the two pictures of a figure the same.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from briefgen.model import ChartFigure

# Printed values closer than this share of the axis range would overlap: a label is about
# a fifteenth of the plot's height and sits above its point, so two need twice that.
MIN_LABEL_GAP = 0.15
MAX_LABELLED_POINTS = 24  # more printed values than this crowd the plot


@dataclass(frozen=True)
class Axis:
    """The value axis: from ``low`` to ``high`` with a tick every ``step``."""

    low: float
    high: float
    step: float

    @property
    def ticks(self) -> list[float]:
        count = round((self.high - self.low) / self.step)
        return [_tidy(self.low + i * self.step) for i in range(count + 1)]


def _values(figure: ChartFigure) -> list[float]:
    return [float(v) for s in figure.series for v in s.values if v is not None]


def value_axis(figure: ChartFigure) -> Axis | None:
    """The value axis both renderers draw, or None for a pie (or a chart with no values).

    Bars and columns start at zero (a bar's length is its value); lines zoom to their
    data, padded to whole steps. Small counts get a tick per unit.
    """
    values = _values(figure)
    if figure.chart == "pie" or not values:
        return None
    low, high = min(values), max(values)
    if figure.chart != "line":
        low, high = min(low, 0.0), max(high, 0.0)
    counts = all(v.is_integer() for v in values) and low >= 0
    if counts and high <= 12 and figure.chart != "line":
        return Axis(0.0, max(high, 1.0), 1.0)
    if high == low:  # one value, or all equal: a step of one either side
        high += 1
        low -= 1 if figure.chart == "line" else 0
    step = _nice((high - low) / 5)
    lo = math.floor(low / step) * step
    hi = math.ceil(high / step) * step
    if hi == high and figure.chart != "line":  # room above the tallest bar for its label
        hi += step
    return Axis(_tidy(lo), _tidy(hi), step)


def show_values(figure: ChartFigure) -> bool:
    """Whether values are printed on the chart: not when two would overlap (values of
    different series at one category closer than :data:`MIN_LABEL_GAP` of the axis on a
    line chart, or more than :data:`MAX_LABELLED_POINTS` values in all)."""
    if figure.chart == "pie":
        return True
    points = sum(1 for s in figure.series for v in s.values if v is not None)
    if points > MAX_LABELLED_POINTS:
        return False
    if figure.chart != "line" or len(figure.series) == 1:
        return True
    axis = value_axis(figure)
    span = (axis.high - axis.low) if axis else 1.0
    for i in range(len(figure.categories)):
        column = sorted(
            float(s.values[i])
            for s in figure.series
            if i < len(s.values) and s.values[i] is not None
        )
        if any(b - a < MIN_LABEL_GAP * span for a, b in itertools.pairwise(column)):
            return False
    return True


def pie_labels(figure: ChartFigure) -> list[str]:
    """Each slice's printed value: its share, and its value with the unit unless the unit
    is already per cent ("55%", or "8 bcm (62%)")."""
    values = [v or 0 for v in figure.series[0].values]
    total = sum(values) or 1
    out = []
    for value in values:
        share = f"{format_number(round(100 * value / total, 1))}%"
        unit = (figure.unit or "").strip()
        if unit == "%":
            out.append(f"{format_number(value)}%")
        elif unit:
            out.append(f"{format_number(value)} {unit} ({share})")
        else:
            out.append(f"{format_number(value)} ({share})")
    return out


def cell_text(cell: str | float | None) -> str:
    """A table cell as its author wrote it: ``2046`` stays ``2046`` (a year, or a number the
    author would have written with separators if they wanted them), ``2.50`` is ``2.5``."""
    if cell is None:
        return ""
    if isinstance(cell, bool) or not isinstance(cell, int | float):
        return str(cell)
    if isinstance(cell, int) or float(cell).is_integer():
        return str(int(cell))
    return f"{cell:.10g}"


def format_number(value: float | None) -> str:
    """A chart value: ``1234`` -> ``1,234``; ``2.50`` -> ``2.5``; missing values print as
    nothing."""
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0")


def _nice(raw: float) -> float:
    """The round step (1, 2, 2.5 or 5 times a power of ten) at or above ``raw``."""
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * power:
            return m * power
    return 10 * power


def _tidy(x: float) -> float:
    """``x`` without float noise (0.30000000000000004 -> 0.3)."""
    return float(f"{x:.10g}")
