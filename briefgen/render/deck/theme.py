"""The audience's theme in the deck: its colours in the reference deck's colour scheme.

The built-in reference decks draw everything they colour (title and divider backgrounds,
slide titles, bullet marks, rules) from the theme's colour scheme, never from fixed colours:
``dk2``/``tx2`` and ``accent1`` are the set's primary colour, ``accent2`` its accent. So an
audience's ``theme: {primary, accent}`` is applied to every slide by rewriting those slots
of the deck's own theme, rather than by colouring shapes one by one (which left the cover,
the dividers, titles and bullets in the set's navy and red).

Only colours the project or the audience set are written: a corporate reference deck keeps
its own scheme unless a theme asks otherwise.
"""

from __future__ import annotations

from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from briefgen.render.deck import adapter
from briefgen.render.ooxml import recolored_theme


def apply_colors(prs, primary: str | None, accent: str | None) -> None:
    """Write ``primary``/``accent`` (``#RRGGBB``, or None to keep the deck's) into the
    colour scheme of every slide master's theme."""
    if not (primary or accent):
        return
    for master in prs.slide_masters:
        part = master.part.part_related_by(RT.THEME)
        blob = recolored_theme(part.blob, primary, accent)
        if blob is not None:  # the theme is a plain part to python-pptx (bytes, not XML)
            adapter.set_blob(part, blob)
