"""Which widths deck text is measured with: those of the font it is drawn in.

A deck's text is drawn in the audience's font, else in the reference deck's theme font
(what its placeholders inherit): an organisation's template may use Trebuchet, Verdana or
Aptos, not the Calibri briefgen's own sets use. Measuring in one font and drawing in a
wider one puts text under the banner. So, in this order:

1. the set's own ``deck.metrics`` files, when ``deck.font`` is the font drawn;
2. the metric-compatible fonts briefgen ships: Carlito for Calibri, Liberation Serif for
   Times New Roman (same advance widths, so the same line breaks);
3. otherwise Carlito's widths times the font's width relative to Calibri (:data:`WIDTH`),
   an estimate on the wide side, which ``check`` reports (``deck.metrics``).

No pptx import: ``check`` and the tests use the same measurers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from briefgen.templates import TemplateSet, builtin_dir

# Fonts briefgen ships a metric-compatible face of: (built-in set, regular, bold file).
SHIPPED = {
    "calibri": ("default", "Carlito-Regular.ttf", "Carlito-Bold.ttf"),
    "times new roman": ("formal", "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf"),
}
# Width of running English text in a font, relative to Calibri at the same size, rounded
# up. Arial, Cambria and Arial Narrow were measured on the sample brief through their
# metric-compatible faces (Liberation Sans 1.09, Caladea 1.00, Liberation Sans Narrow 0.90)
# and take 5% more; the others have no free metric-compatible face and are estimates from
# the nearest design briefgen can measure (Verdana from DejaVu Sans, 1.25), on the wide side.
WIDTH = {
    "arial": 1.15,
    "helvetica": 1.15,
    "liberation sans": 1.15,
    "arial narrow": 0.95,
    "cambria": 1.05,
    "verdana": 1.32,
    "tahoma": 1.18,
    "trebuchet ms": 1.18,
    "segoe ui": 1.18,
    "aptos": 1.18,
    "georgia": 1.25,
    "century gothic": 1.32,
    "gill sans mt": 1.1,
    "franklin gothic book": 1.12,
    "garamond": 1.05,
    "open sans": 1.25,
    "lato": 1.15,
    "roboto": 1.18,
    "candara": 1.08,
    "corbel": 1.05,
    "constantia": 1.15,
    "source sans pro": 1.1,
}
UNKNOWN_WIDTH = 1.32  # a font briefgen knows nothing of: as wide as Verdana
SAME_FONT_MARGIN = 1.1  # the set's font without its metric files: Carlito plus 10%


@dataclass(frozen=True)
class Measuring:
    """The measurer for deck text, the font it stands for, and why it is not exact (None
    when it is: the font's own or metric-compatible widths)."""

    measurer: object  # fit.Measurer (imported lazily: PIL)
    font: str
    estimate: str | None = None


def measuring(tset: TemplateSet, font: str | None = None) -> Measuring:
    """How text drawn in ``font`` (default: the set's ``deck.font``) is measured."""
    deck = tset.settings.deck
    font = (font or deck.font).strip() or deck.font
    key = font.casefold()
    if "regular" in deck.metrics and key == deck.font.casefold():
        bold = tset.read(deck.metrics["bold"]) if "bold" in deck.metrics else None
        return Measuring(_measurer(tset.read(deck.metrics["regular"]), bold, 1.0), font)
    if key in SHIPPED:
        where, regular, bold = SHIPPED[key]
        return Measuring(_shipped(where, regular, bold, 1.0), font)
    factor = SAME_FONT_MARGIN if key == deck.font.casefold() else WIDTH.get(key, UNKNOWN_WIDTH)
    why = (
        f"text is drawn in {font} and measured as Carlito × {factor:.2f}, an estimate of "
        f"{font}'s widths: name metric-compatible font files under deck.metrics (with "
        f"deck.font: {font}) in template.yaml"
    )
    return Measuring(_shipped(*SHIPPED["calibri"], factor), font, why)


def _shipped(where: str, regular: str, bold: str, scale: float):
    fonts = builtin_dir() / where / "fonts"
    return _measurer((fonts / regular).read_bytes(), (fonts / bold).read_bytes(), scale)


@lru_cache(maxsize=16)
def _measurer(regular: bytes, bold: bytes | None, scale: float):
    """One measurer per set of font files in a process (a worker renders deck after deck).

    Text widths are cached per font object; a new font object per deck made that cache keep
    every deck's fonts alive, a few megabytes per deck, and measure every word again.
    """
    from briefgen.render.deck.fit import Measurer

    return Measurer(regular, bold, scale=scale)
