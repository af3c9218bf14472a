"""Where the marks go on a template's slides: the classification banners, the slide number
and the theme's logo, clear of what the template itself draws.

Organisations' templates put their own logo, a footer line or a page number on the master
or the layouts. A mark drawn over one hides it, or is hidden by it. So, per layout:

- the template's **shapes** are read (the layout's, and its master's unless the layout hides
  them), except those that are backdrop: shapes without text as wide or as tall as the
  slide (a band, a full-slide picture) that marks may sit on like on the background;
- the **slide number** goes into the layout's own slide-number placeholder where it has
  one (the template's place and look); a template whose shapes already print the number
  (a slide-number field in a master text box) gets none of briefgen's, so a slide never
  shows two;
- each other mark keeps its usual place if that is free, else moves along its edge to the
  nearest free place; where there is none it stays, and :func:`place` says what it covers,
  which ``check`` reports (``deck.marks``).

Pure geometry after :func:`template_shapes`: the builder caches the shapes per layout.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from briefgen.render.deck import adapter
from briefgen.render.deck.layouts import (
    BACKDROP,
    P_NS,
    PH,
    Rect,
    drawing_owners,
    fill_color,
    rect_of,
)

_SLIDENUM = ".//a:fld[@type='slidenum']"


@dataclass(frozen=True)
class Shape:
    """A shape the template draws on every slide of a layout."""

    name: str
    rect: Rect


@dataclass(frozen=True)
class TemplateMarks:
    """What a layout's template already has for the marks."""

    shapes: tuple[Shape, ...]  # what a mark must not cover
    number: Rect | None  # the layout's own slide-number placeholder
    number_idx: int | None
    numbers_itself: bool  # a shape it draws prints the slide number
    # Backdrop shapes (bands) with their solid colour (#RRGGBB, None if not solid), topmost
    # last: a mark on one is read against it, not against the slide's background.
    backdrops: tuple[tuple[Rect, str | None], ...] = ()

    def backdrop(self, rect: Rect) -> str | bool | None:
        """The colour behind ``rect`` if a backdrop shape is under it (None: not a solid
        colour), else False (the slide's background is)."""
        for under, color in reversed(self.backdrops):
            if overlaps(rect, under):
                return color
        return False


def template_shapes(layout, slide_width: int, slide_height: int) -> TemplateMarks:
    """Read what ``layout`` draws on its slides (see the module's docstring)."""
    owners = drawing_owners(layout)
    shapes: list[Shape] = []
    backdrops: list[tuple[Rect, str | None]] = []
    numbers_itself = False
    number = number_idx = None
    for owner in owners:
        for shape in owner.shapes:
            element = adapter.element(shape)
            if element.xpath("./*[1]/p:cNvPr/@hidden") in (["1"], ["true"]):
                continue
            if shape.is_placeholder:
                ph = element.find(PH)
                kind = ph.get("type") if ph is not None else None
                if owner is layout and kind == "sldNum" and shape.width is not None:
                    number, number_idx = rect_of(shape), int(ph.get("idx", "0"))
                continue  # other placeholders show only on slides that fill them
            if shape.width is None or shape.height is None:
                continue
            rect = rect_of(shape)
            text = shape.has_text_frame and shape.text_frame.text.strip()
            if element.xpath(_SLIDENUM):
                numbers_itself, text = True, True
            wide = rect.width >= slide_width * BACKDROP
            tall = rect.height >= slide_height * BACKDROP
            if (wide or tall) and not text:
                if not (wide and tall):  # a band; a full-slide shape is the background
                    props, blip = element.find(f"{P_NS}spPr"), element.find(f"{P_NS}blipFill")
                    color = fill_color(props, blip, owner, layout.slide_master)
                    backdrops.append((rect, color))
                continue
            shapes.append(Shape(shape.name or f"shape {shape.shape_id}", rect))
    return TemplateMarks(tuple(shapes), number, number_idx, numbers_itself, tuple(backdrops))


def overlaps(a: Rect, b: Rect) -> bool:
    return (
        a.left < b.left + b.width
        and b.left < a.left + a.width
        and a.top < b.bottom
        and b.top < a.bottom
    )


def covered(rect: Rect, shapes: Sequence[Shape]) -> list[Shape]:
    return [s for s in shapes if overlaps(rect, s.rect)]


def place(
    want: Rect, shapes: Sequence[Shape], slide_width: int, margin: int
) -> tuple[Rect, list[Shape]]:
    """``want`` where it is, if it covers none of ``shapes``; else moved sideways to the
    nearest place (by distance) beside one of them that covers none, within ``margin`` of
    the slide's edges. Second value: the shapes it still covers where there is no such
    place (then it stays where it was wanted)."""
    hit = covered(want, shapes)
    if not hit:
        return want, []
    lefts = {
        left
        for s in shapes
        for left in (s.rect.left - want.width - margin, s.rect.left + s.rect.width + margin)
    }
    for left in sorted(lefts, key=lambda x: abs(x - want.left)):
        if margin <= left <= slide_width - margin - want.width:
            moved = replace(want, left=left)
            if not covered(moved, shapes):
                return moved, []
    return want, hit


def clear_of_bands(rect: Rect, template: TemplateMarks, gap: int) -> tuple[Rect, str | None]:
    """``rect`` (where a layout puts text) shortened to keep clear of a band the template
    draws across its lower or upper part: a subtitle box that runs down over a coloured
    band would put dark text on it. Where that would leave less than 40% of the box, the
    band is the text's backdrop by design (a cover's subtitle set in its band): the rect
    is kept within the band, and the band's colour is returned, for the text to be
    readable on it."""
    under = None
    for band, color in template.backdrops:
        if not overlaps(rect, band) or band.width < rect.width:
            continue
        keep = rect.height * 0.4
        if band.top - rect.top >= keep and band.bottom >= rect.bottom:
            rect = replace(rect, height=band.top - gap - rect.top)
        elif rect.bottom - band.bottom >= keep and band.top <= rect.top:
            rect = replace(rect, top=band.bottom + gap, height=rect.bottom - band.bottom - gap)
        else:
            top, bottom = max(rect.top, band.top) + gap, min(rect.bottom, band.bottom) - gap
            if (bottom - top) * 2 >= rect.height:  # set in the band: all of it on the band
                rect, under = replace(rect, top=top, height=bottom - top), color
    return rect, under
