"""The PowerPoint deck: slide plan from the template, slides from the plan, bytes from slides.

``plan.py`` and ``fit.py`` know nothing of python-pptx; ``layouts.py``, ``builder.py``,
``figures.py``, ``text.py`` and ``theme.py`` use its public API, and ``adapter.py`` holds
every use of its internals (checked against the python-pptx versions it knows).
"""

from __future__ import annotations

from functools import lru_cache

from briefgen.errors import InputError
from briefgen.render import Note, Rendered, RenderJob
from briefgen.render.deck.plan import SlidePlan, slide_plan
from briefgen.render.html import chart_colors, theme_of
from briefgen.render.ooxml import set_core_properties
from briefgen.templates import TemplateSet
from briefgen.words import count_words


def measurer_for(tset: TemplateSet, font: str | None = None):
    """The text measurer for text drawn in ``font`` (default: the set's ``deck.font``) on
    a set's decks: see fonts.py."""
    from briefgen.render.deck.fonts import measuring

    return measuring(tset, font).measurer


_NOT_CONTENT = ("Classification", "Slide number")  # shapes the builder adds to every slide


def render_deck(job: RenderJob) -> Rendered:
    """Build the deck of ``job``; returns its bytes, slide count, fitting notes, and the
    title and word count of every slide (for budgets and the preview)."""
    plan = slide_plan(job)
    data, slides, findings, texts, spans, estimate = build_deck(job, plan)
    notes = [Note(f.code, f.message, slide=f.slide, shape=f.shape) for f in findings]
    if estimate:  # measured with estimated widths: say so, once per deck
        notes.append(Note("deck.metrics", estimate))
    return Rendered(
        data,
        slides=slides,
        warnings=[f"slide {f.slide}, {f.shape}: {f.message}" for f in findings],
        notes=notes,
        slide_words=[count_words(text) for _, text in texts],
        slide_plan=plan,
        slide_spans=spans,
    )


def slide_texts(prs) -> list[tuple[str, str]]:
    """(title, all text) of each slide of a presentation; classification banners and slide
    numbers are left out, speaker notes are not slide text."""
    out = []
    for slide in prs.slides:
        title_shape = slide.shapes.title
        title = title_shape.text_frame.text if title_shape is not None else ""
        parts = []
        for shape in slide.shapes:
            if shape.name.startswith(_NOT_CONTENT):
                continue
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            elif getattr(shape, "has_table", False) and shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
        out.append((title, "\n".join(parts)))
    return out


def build_deck(
    job: RenderJob, plan: SlidePlan
) -> tuple[bytes, int, list, list[tuple[str, str]], list[tuple[int, int]], str | None]:
    """The deck of ``plan``: bytes, slide count, fitting findings, slide texts, spans, and
    why its text was measured with estimated widths (None: with the font's own). The
    look-up shortcuts of :func:`adapter.faster` hold for this build only."""
    from briefgen.render.deck import adapter

    with adapter.faster():
        return _build(job, plan)


def _build(
    job: RenderJob, plan: SlidePlan
) -> tuple[bytes, int, list, list[tuple[str, str]], list[tuple[int, int]], str | None]:
    from briefgen.messages import catalogue
    from briefgen.render.deck import adapter
    from briefgen.render.deck.builder import DeckBuilder, Style
    from briefgen.render.deck.fonts import measuring
    from briefgen.render.deck.layouts import drawn_font, layout_map, open_reference
    from briefgen.render.deck.theme import apply_colors

    prs, reference = open_reference(job.tset)
    adapter.own_presentation(prs)
    layouts = layout_map(prs, job.tset, {s.kind for s in plan.slides})
    theme = theme_of(job)
    deck = job.tset.settings.deck
    scale = int(prs.slide_height) / 6_858_000  # slide height / 7.5 in
    style = Style(
        theme["primary"],
        theme["accent"],
        deck.title_size * scale,
        deck.body_size * scale,
        min(deck.min_body_size, deck.body_size) * scale,
        chart_colors(job),
        job.view.theme.font,
        scale,
    )
    apply_colors(prs, job.view.theme.primary, job.view.theme.accent)
    shared = _shared(reference)
    measure = measuring(job.tset, job.view.theme.font or drawn_font(layouts))
    builder = DeckBuilder(prs, layouts, measure.measurer.remembering(), style, *shared)
    builder.logo = _logo(job)
    builder.labels = catalogue(job.tset, job.view.lang)
    for spec in plan.slides:
        builder.add(spec)
    builder.finish(job.view.classification, job.view.lang)
    set_core_properties(prs.core_properties, job.view)
    try:
        data = adapter.package_bytes(prs.part.package, job.view.date)
    except ValueError as exc:  # e.g. text lxml refuses; content is cleaned earlier
        raise InputError(f"{job.label}: cannot save the deck: {exc}") from None
    texts = slide_texts(prs)
    return data, len(prs.slides), builder.findings, texts, builder.spans, measure.estimate


def _logo(job: RenderJob):
    """The theme's logo for the deck, or None: a raster image from the project, checked as
    the PDF's is. SVG logos are left out of decks (PowerPoint needs a raster fallback)."""
    from briefgen.render.deck.builder import Logo
    from briefgen.render.images import theme_logo

    logo = theme_logo(job)
    if logo is None or logo[1] == "SVG":
        return None
    data = logo[0]
    return Logo(data, job.view.theme.logo_alt or "Logo")


@lru_cache(maxsize=8)
def _shared(reference: bytes) -> tuple[dict, dict]:
    """What the decks on one reference deck share in a process (``DeckBuilder.prototypes``
    and ``rects``): a worker renders deck after deck on the same few references."""
    return {}, {}
