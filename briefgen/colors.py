"""Colour contrast, as WCAG 2.1 defines it: for choosing a readable text colour on a theme
colour, and for ``check`` to report theme colours that text cannot be read in.

A theme is the user's (``theme: {primary, accent}`` in ``briefgen.yaml``), so any colour can
arrive: a gold banner with white text is 2.4:1, below the 4.5:1 WCAG AA asks of normal
text. Where briefgen puts text *on* a theme colour (the classification banner, table
headers, numbered markers) it picks the text colour with :func:`text_on`; where the theme
colour *is* the text (headings, labels, section numbers on the page) ``check`` reports a
pair that fails, with its ratio (:func:`theme_pairs`).
"""

from __future__ import annotations

AA_NORMAL = 4.5  # WCAG 2.1 AA, text below 18 pt (14 pt bold)
LIGHT = "#FFFFFF"
DARK = "#1A1A1A"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(color: str) -> float:
    """Relative luminance of ``#RRGGBB`` (or ``#RGB``), 0 for black to 1 for white."""
    h = color.lstrip("#")
    if len(h) == 3:
        h = "".join(ch * 2 for ch in h)
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two colours, from 1 (none) to 21 (black on white)."""
    a, b = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def text_on(background: str) -> str:
    """White or near-black, whichever reads better on ``background``. One of the two always
    reaches 4.5:1, so text on a theme colour is readable whatever the theme."""
    return LIGHT if contrast(LIGHT, background) >= contrast(DARK, background) else DARK


def readable(color: str, background: str | None, minimum: float = 4.5) -> str:
    """``color``, or the nearest mix of it with white or near-black (whichever reads on
    ``background``) that reaches ``minimum`` contrast there: navy quotes on a template's
    black slides become a light blue-grey, not invisible. Unknown backgrounds keep it."""
    if background is None or contrast(color, background) >= minimum:
        return color
    target = text_on(background)
    a = [int(color.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    b = [int(target.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    for step in range(1, 11):
        t = step / 10
        mixed = "#" + "".join(f"{round(x + (y - x) * t):02X}" for x, y in zip(a, b, strict=True))
        if contrast(mixed, background) >= minimum:
            return mixed
    return target


def theme_pairs(primary: str, accent: str, page: str = LIGHT) -> list[tuple[str, str, str]]:
    """(what, text colour, background) for the text the built-in sets draw in or on the
    theme's colours: the first three are chosen with :func:`text_on` and always pass; the
    others are the theme colour itself as text on the page."""
    return [
        ("classification banner text", text_on(accent), accent),
        ("table header text", text_on(primary), primary),
        ("numbered marker text", text_on(primary), primary),
        ("headings and figure titles (primary on the page)", primary, page),
        ("labels and section numbers (accent on the page)", accent, page),
    ]
