"""The deck builder: a validated slide plan -> slides on the reference deck's layouts.

Each plan slide becomes one slide, or several when its content does not fit (continuation
slides carry "(cont.)"). Every slide gets the classification banner at top and bottom and
its number, whatever the template asked for: those are not the template's to forget.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Sequence
from copy import deepcopy
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.slide import CT_NotesSlide, CT_Slide
from pptx.presentation import Presentation
from pptx.slide import Slide, SlideLayout
from pptx.util import Inches

from briefgen.colors import contrast, readable, text_on
from briefgen.render.deck import adapter
from briefgen.render.deck import plan as P
from briefgen.render.deck.figures import add_chart, add_table, layout_table
from briefgen.render.deck.fit import (
    Box,
    Group,
    Measurer,
    Page,
    Paragraph,
    Run,
    cite_run,
    fit_line,
    height,
    paginate,
    paragraphs_from,
)
from briefgen.render.deck.layouts import (
    BULLET_INDENT,
    INSET_X,
    INSET_Y,
    P_NS,
    PH,
    SP,
    TITLE_TYPES,
    BodyRef,
    Rect,
    background,
    body_ref,
    content_rect,
    emu,
    find_body,
    find_placeholder,
    placeholder_ink,
    rect_of,
)
from briefgen.render.deck.marks import (
    Shape,
    TemplateMarks,
    clear_of_bands,
    place,
    template_shapes,
)
from briefgen.render.deck.text import (
    backed,
    number_placeholder,
    plain,
    rgb,
    set_language,
    set_text,
    write,
)
from briefgen.render.figurespec import cell_text

CONT = " (cont. {page}/{pages})"
# What the builder writes itself, in English, when it is given no labels: a deck built
# through build_deck always has the set's messages in the version's language (messages.py).
_LABELS = {
    "continued": CONT,
    "date": "Date",
    "event": "Event",
    "timeline": "Timeline",
    "table_alt": "Table: {what}{part}. Columns: {columns}; {rows} rows.",
    "table_part": ", part {part} of {parts}",
}


def same_size(pages: list[Page]) -> list[Page]:
    """The pages of one plan slide at one size, the smallest any of them needed: text that
    changes size between a slide and its continuation looks like a mistake. Smaller text
    still fits each page."""
    if len(pages) < 2:
        return pages
    size = min(page.size for page in pages)
    return [replace(page, size=size) for page in pages]


def continued(title: str, page: int, pages: int, label: str = CONT) -> str:
    """The title of page ``page`` (0-based) of a plan slide split over ``pages`` slides;
    ``label`` is the language's " (cont. {page}/{pages})".

    Every slide keeps its plan slide's title, so the deck reads the same in PowerPoint's
    outline; continuations say which part they are, which keeps every title unique.
    """
    return title if page == 0 else title + label.format(page=page + 1, pages=pages)


TEXT_INK = "#1D2430"  # body text briefgen writes in its own text boxes (no placeholder)
NUMBER_GREY = "#5B6473"  # 6.1:1 on white (the grey it replaced, #8A94A6, was 3.1:1)
CAPTION_IN = 0.45  # inches under a figure for its caption (on a 7.5-inch slide)
SUBSTITUTE_WIDTH = 1.35  # text in a substitute font can be this much wider than measured
_TX_BODY = P_NS + "txBody"
_T = "{http://schemas.openxmlformats.org/drawingml/2006/main}t"


def _notes_body(notes: CT_NotesSlide):
    """The text body of the notes placeholder of a notes slide, or None."""
    for sp in notes.iter(SP):
        ph = sp.find(PH)
        if ph is not None and ph.get("type") == "body":
            return sp.find(_TX_BODY)
    return None


@dataclass
class Style:
    """What the builder needs to know about the look: sizes from the set, colours from theme."""

    primary: str
    accent: str
    title_size: float
    body_size: float
    min_body_size: float
    chart_colors: tuple[str, ...]
    font: str | None = None  # the audience's font, if it sets one
    # Slide height / 7.5 in: type and marks grow with the slide (a 22-inch template gets
    # 22-inch type); 4:3 and 16:9 decks of 7.5 in are both 1.
    scale: float = 1.0


@dataclass(frozen=True)
class Logo:
    """The theme's logo: a raster image's bytes and its text alternative."""

    data: bytes
    alt: str

    @cached_property
    def aspect(self) -> float:
        """Width over height (read once: the logo goes on every slide)."""
        from PIL import Image

        with Image.open(io.BytesIO(self.data)) as image:
            return image.width / max(1, image.height)


@dataclass
class Finding:
    """A text or mark the builder could not place well: for ``check`` and warnings."""

    slide: int
    shape: str
    message: str
    code: str = "deck.fit"  # check's code: deck.fit, deck.marks or deck.contrast


@dataclass(frozen=True)
class Spots:
    """Where the marks go on one layout's slides (see marks.py): a rectangle per mark name
    (None: the template prints it itself), and what the template has for them."""

    rects: dict[str, Rect | None]
    template: TemplateMarks


@dataclass
class DeckBuilder:
    prs: Presentation
    layouts: dict[str, SlideLayout]
    measure: Measurer
    style: Style
    # What depends only on the reference deck, shared by the decks built on it in a process:
    # blank slides to copy, by layout part name, the blank notes slide under "notes", and
    # where things sit on each layout, by (layout part name, role).
    prototypes: dict[str, CT_Slide | CT_NotesSlide] = field(default_factory=dict)
    rects: dict[tuple[str, str], Any] = field(default_factory=dict)  # Rect, BodyRef
    _kinds: dict[str, str] = field(default_factory=dict)  # slide part name -> slide kind
    findings: list[Finding] = field(default_factory=list)
    # (first, last) deck slide number of each plan slide, in plan order
    spans: list[tuple[int, int]] = field(default_factory=list)
    _titles_used: set[str] = field(default_factory=set)  # casefolded, for unique titles
    logo: Logo | None = None
    labels: dict[str, str] = field(default_factory=dict)  # the set's messages (messages.py)
    _top_slide_id: int = 255  # the highest slide id given out (PowerPoint's start at 256)
    _reported: set = field(default_factory=set)  # deck.contrast findings made, by layout

    # ------------------------------------------------------------ plumbing

    def _new(self, kind: str) -> Slide:
        """A new slide on the kind's layout, its placeholders cloned from the layout.

        python-pptx clones the layout's placeholders for every slide, inspecting each one
        through its inheritance chain; the first slide of a kind is made that way, and its
        untouched XML is kept and copied for the others of that kind.
        """
        layout = self.layouts[kind]
        key = str(layout.part.partname)
        proto = self.prototypes.get(key)
        if proto is None or not adapter.FAST:
            slide = self.prs.slides.add_slide(layout)
            self.prototypes[key] = deepcopy(adapter.element(slide))
            self._top_slide_id = adapter.top_slide_id(self.prs)
        else:
            self._top_slide_id += 1  # slide ids only grow
            slide = adapter.add_slide_copy(self.prs, layout, proto, self._top_slide_id)
        self._kinds[str(slide.part.partname)] = kind
        return slide

    def _number(self) -> int:
        return len(self.prs.slides)

    def _label(self, key: str, **values: object) -> str:
        """A label of the version's language (``labels``), filled in with ``values`` when
        given; English when unset."""
        text = self.labels.get(key, _LABELS[key])
        return text.format(**values) if values else text

    def _titles(self, title: str | None, pages: int) -> list[str]:
        """Unique titles for a plan slide that became ``pages`` slides.

        A screen reader lists a deck by its slide titles, so no two may be the same: a
        title the deck already has gets " (2)", " (3)"… before its continuations are named.
        """
        text = title or ""
        if not text:
            return [""] * pages
        label = self._label("continued")  # filled in by continued()
        for n in itertools.count(1):
            base = text if n == 1 else f"{text} ({n})"
            titles = [continued(base, i, pages, label) for i in range(pages)]
            if not any(t.casefold() in self._titles_used for t in titles):
                self._titles_used.update(t.casefold() for t in titles)
                return titles
        raise AssertionError("unreachable")

    def _title(self, slide: Slide, text: str | None, kind: str) -> None:
        ph = find_placeholder(slide, TITLE_TYPES)
        if ph is None:
            return
        if not text:
            adapter.element(ph).getparent().remove(adapter.element(ph))
            return
        box = self._rect(kind, "title", ph).text_box()
        largest = self.style.title_size * (1.35 if kind in ("title", "section") else 1.0)
        size, over = fit_line(self.measure, text, box, largest, self.pt(16), bold=True, max_lines=3)
        if over:
            self._finding(ph.name, f"title too long for its box even at {size:g} pt")
        write(
            ph.text_frame,
            [Paragraph((Run(text),), bullet=False)],
            size,
            bullets=False,
            font=self.style.font,
            color=self.template_ink(kind, "title"),
        )

    def pt(self, size: float) -> float:
        """A point size written for a 7.5-inch-high slide, on this deck's slides."""
        return size * self.style.scale

    def inch(self, inches: float) -> int:
        """A length written for a 7.5-inch-high slide, in EMU on this deck's slides."""
        return int(Inches(inches * self.style.scale))

    def ink(self, kind: str, color: str) -> str:
        """``color`` as text on ``kind`` slides: made readable on the layout's background
        (a template's dark slides), unchanged on the light ones."""
        return readable(color, self._background(kind))

    def template_ink(self, kind: str, role: str) -> str | None:
        """None when the template's own colour for text in ``kind``'s ``role`` placeholder
        (``title``, ``body``) reads on what is behind it; else white or near-black, and a
        finding (once per layout and role in a deck). A template's black text over a dark
        picture would be lost; its readable colours are kept as they are."""
        colors = f"{self.style.primary} {self.style.accent}"
        key = (str(self.layouts[kind].part.partname), f"{role} ink {colors}")
        if key not in self.rects:
            own, under = placeholder_ink(self.layouts[kind], role), self._text_backdrop(kind, role)
            fails = own is not None and under is not None and contrast(own, under) < 4.5
            # The most readable of white and near-black, not the least change that passes:
            # a background told by its mean (a gradient, a photograph) varies under the text.
            self.rects[key] = (own, under, text_on(under) if fails else None)
        own, under, fixed = self.rects[key]
        if fixed is not None and key not in self._reported:
            self._reported.add(key)
            self.findings.append(
                Finding(
                    self._number(),
                    f"{role} placeholder",
                    f"the template's {role} text colour {own} does not read on layout "
                    f"'{self.layouts[kind].name}' ({contrast(own, under):.1f}:1 on {under}); "
                    f"briefgen wrote it in {fixed}",
                    code="deck.contrast",
                )
            )
        return fixed

    def _text_backdrop(self, kind: str, role: str) -> str | None:
        """What text in ``kind``'s ``role`` placeholder is read against: the band its body
        box is set in (marks.clear_of_bands), else the layout's background."""
        ref = self._body_ref(kind) if role == "body" else None
        if ref is not None and ref.backdrop is not None:
            return ref.backdrop
        return self._background(kind)

    def _background(self, kind: str) -> str | None:
        # The background may be a theme colour the audience's theme rewrote (apply_colors):
        # the cache is shared by the decks on one reference, so the colours are in the key.
        colors = f"{self.style.primary} {self.style.accent}"
        key = (str(self.layouts[kind].part.partname), f"background {colors}")
        if key not in self.rects:
            self.rects[key] = background(self.layouts[kind])
        return self.rects[key]

    def _finding(self, shape: str, message: str) -> None:
        self.findings.append(Finding(self._number(), shape, message))

    def _body(self, slide: Slide):
        """The slide's body placeholder (its layout's, by type and size), or None."""
        kind = self._kinds.get(str(slide.part.partname))
        ref = self._body_ref(kind) if kind else None
        body = find_body(slide, ref)
        if body is not None and ref is not None and (ref.nth > 0 or ref.moved):
            # Two placeholders of the layout share the index (a slide placeholder inherits
            # its position by index: the first of them), or the body was moved clear of a
            # band: the body's position is written out.
            body.left, body.top, body.width, body.height = (
                ref.rect.left,
                ref.rect.top,
                ref.rect.width,
                ref.rect.height,
            )
        return body

    def _body_ref(self, kind: str) -> BodyRef | None:
        key = (str(self.layouts[kind].part.partname), "body placeholder")
        if key not in self.rects:
            ref = body_ref(self.layouts[kind])
            if ref is not None:
                clear, under = self._clear_of_bands(kind, ref.rect)
                ref = replace(ref, rect=clear, moved=clear != ref.rect, backdrop=under)
            self.rects[key] = ref
        return self.rects[key]

    def _clear_of_bands(self, kind: str, rect: Rect) -> tuple[Rect, str | None]:
        """``rect`` on ``kind`` slides kept clear of the template's bands (marks.py)."""
        return clear_of_bands(rect, self._template_marks(kind), self.inch(0.1))

    def _layout_rect(self, kind: str, role: str, find: Callable[[], Rect]) -> Rect:
        """Where ``role`` sits on ``kind`` slides: the same on every slide of the kind (it is
        inherited from the layout), so ``find`` runs once per layout and process."""
        key = (str(self.layouts[kind].part.partname), role)
        if key not in self.rects:
            self.rects[key] = find()
        return self.rects[key]

    def _rect(self, kind: str, role: str, shape) -> Rect:
        """Where ``shape``, a placeholder of a new ``kind`` slide, sits."""
        return self._layout_rect(kind, role, lambda: rect_of(shape))

    def _content_rect(self, kind: str) -> Rect:
        return self._layout_rect(
            kind,
            "content",
            lambda: self._clear_of_bands(kind, content_rect(self.prs, self.layouts[kind]))[0],
        )

    def _textbox(self, slide: Slide, rect: Rect, name: str):
        shape = slide.shapes.add_textbox(rect.left, rect.top, rect.width, rect.height)
        shape.name = name
        return shape

    def _notes(self, slide: Slide, notes: str | None) -> None:
        """The speaker notes, on a notes slide copied from the first one made (see ``_new``)."""
        if not notes:
            return
        proto = self.prototypes.get("notes")
        if proto is None or not adapter.FAST:
            frame = slide.notes_slide.notes_text_frame
            self.prototypes["notes"] = deepcopy(adapter.element(slide.notes_slide))
            set_text(adapter.tx_body(frame), notes)
            return
        body = _notes_body(adapter.add_notes_copy(slide, proto))
        if body is not None:  # None: a notes master without a notes placeholder
            set_text(body, notes)

    def _remove_empty_placeholders(self, slide: Slide) -> None:
        """Placeholders left without text would show "Click to add text" in PowerPoint."""
        for sp in list(adapter.sp_tree(slide.shapes).iterchildren(SP)):
            if sp.find(PH) is None:
                continue
            body = sp.find(_TX_BODY)
            if body is None or not "".join(t.text or "" for t in body.iter(_T)).strip():
                sp.getparent().remove(sp)

    # ------------------------------------------------------------ paged text slides

    def _paged(
        self,
        spec: P._Slide,
        kind: str,
        groups: list[Group],
        *,
        numbered: Callable[[int], int | None] | None = None,
        bullets: bool = True,
    ) -> None:
        """Slides for ``groups`` of paragraphs in the body, continued as needed."""
        rect = self._paged_rect(kind)
        box = rect.text_box(indent=self.pt(BULLET_INDENT) if bullets else 0.0)
        pages = same_size(
            paginate(self.measure, groups, box, self.style.body_size, self.style.min_body_size)
        )
        first = 0
        titles = self._titles(spec.title, len(pages))
        for i, page in enumerate(pages):
            slide = self._new(kind)
            self._title(slide, titles[i], kind)
            body = self._body(slide)
            # Text in the template's placeholder keeps its colours where they read on the
            # layout's background; briefgen's own box gets a colour readable there.
            frame, color = (
                (body.text_frame, self.template_ink(kind, "body"))
                if body is not None
                else (self._textbox(slide, rect, "Body").text_frame, self.ink(kind, TEXT_INK))
            )
            start = numbered(first) if numbered else None
            write(
                frame,
                page.paragraphs,
                page.size,
                bullets=bullets,
                numbered_from=start,
                font=self.style.font,
                indent=self.pt(BULLET_INDENT),
                color=color,
                number_color=color if body is not None else None,
            )
            if page.overflow:
                self._finding("Body", f"text does not fit even at {page.size:g} pt")
            self._notes(slide, spec.notes)
            self._remove_empty_placeholders(slide)
            first += sum(1 for p in page.paragraphs if p.level == 0 and p.bullet)

    def _paged_rect(self, kind: str) -> Rect:
        """The layout's body placeholder, else the content area below the title."""

        def find() -> Rect:
            ref = self._body_ref(kind)
            return ref.rect if ref is not None else self._content_rect(kind)

        return self._layout_rect(kind, "paged", find)

    # ------------------------------------------------------------ the slide kinds

    def add(self, spec: P._Slide) -> None:
        first = self._number() + 1
        getattr(self, f"_add_{spec.kind}")(spec)  # type: ignore[attr-defined]
        self.spans.append((first, self._number()))

    def _add_title(self, spec: P.TitleSlide) -> None:
        slide = self._new("title")
        self._logo(slide, large=True)
        self._title(slide, self._titles(spec.title, 1)[0], "title")
        lines = (
            [Paragraph((Run(spec.subtitle, bold=True),), scale=1.15, bullet=False)]
            if spec.subtitle
            else []
        )
        lines += [Paragraph((Run(t),), bullet=False) for t in spec.lines]
        self._fill_box(slide, lines, "title", self.pt(20), self.pt(12))
        self._notes(slide, spec.notes)
        self._remove_empty_placeholders(slide)

    def _fill_box(
        self,
        slide: Slide,
        paras: list[Paragraph],
        kind: str,
        largest: float,
        smallest: float,
        *,
        lists: bool = False,
    ) -> None:
        """Paragraphs into the body/subtitle box, shrunk to fit (no continuation slides).
        Paragraphs are flush; with ``lists``, Markdown list items keep their bullets."""
        if not paras:
            return
        if lists:
            paras = [replace(p, bullet=False) if p.level == 0 else p for p in paras]
        else:
            paras = [replace(p, bullet=False) for p in paras]
        body = self._body(slide)
        rect = self._rect(kind, "body", body) if body is not None else self._content_rect(kind)
        box = rect.text_box(self.pt(BULLET_INDENT) if lists else 0.0)
        pages = paginate(self.measure, [Group(paras)], box, largest, smallest)
        fitted = len(pages) == 1 and not pages[0].overflow
        page = pages[0] if fitted else self._truncate(paras, box, smallest)
        frame = (
            body.text_frame if body is not None else self._textbox(slide, rect, "Text").text_frame
        )
        mode = "lists" if lists else False
        write(
            frame,
            page.paragraphs,
            page.size,
            bullets=mode,
            font=self.style.font,
            indent=self.pt(BULLET_INDENT),
            color=self.template_ink(kind, "body") if body is not None else self.ink(kind, TEXT_INK),
        )

    def _truncate(self, paras: list[Paragraph], box: Box, size: float) -> Page:
        """What fits of ``paras`` at ``size``, ending in an ellipsis (full text is in notes)."""
        kept: list[Paragraph] = []
        for para in paras:
            pages = paginate(self.measure, [Group([*kept, para])], box, size, size)
            if len(pages) == 1 and not pages[0].overflow:
                kept.append(para)
                continue
            words = para.text.split(" ")
            while words:
                words.pop()
                trial = Paragraph(
                    (Run(" ".join(words) + " …"),), para.level, para.scale, para.bullet
                )
                if len(paginate(self.measure, [Group([*kept, trial])], box, size, size)) == 1:
                    kept.append(trial)
                    break
            break
        return Page(kept, size)

    def _add_section(self, spec: P.SectionSlide) -> None:
        slide = self._new("section")
        title = spec.title if spec.number is None else f"{spec.number}  {spec.title}"
        self._title(slide, self._titles(title, 1)[0], "section")
        paras = paragraphs_from(spec.text.blocks) if spec.text else []
        self._fill_box(slide, paras, "section", self.pt(22), self.pt(14), lists=True)
        self._notes(slide, spec.notes or (spec.text.plain if spec.text else None))
        self._remove_empty_placeholders(slide)

    def _bullet_groups(self, bullets: Sequence[P.Bullet]) -> list[Group]:
        groups = []
        for b in bullets:
            paras = paragraphs_from(b.text.blocks, extra=cite_run(b.cites))
            for sub in b.sub:
                paras += paragraphs_from(sub.blocks, level=1, scale=0.85)
            groups.append(Group(paras))
        return groups

    def _add_bullets(self, spec: P.BulletsSlide) -> None:
        self._paged(spec, "bullets", self._bullet_groups(spec.bullets))

    def _add_messages(self, spec: P.MessagesSlide) -> None:
        self._paged(
            spec, "messages", self._bullet_groups(spec.bullets), numbered=lambda first: first + 1
        )

    def _add_agenda(self, spec: P.AgendaSlide) -> None:
        groups = [Group([Paragraph((Run(item),))]) for item in spec.items]
        self._paged(spec, "agenda", groups, numbered=lambda first: first + 1)

    def _add_sources(self, spec: P.SourcesSlide) -> None:
        groups = []
        for entry in spec.entries:
            paras = paragraphs_from(entry.text.blocks, scale=0.8)
            paras[0] = replace(paras[0], runs=(Run(f"{entry.number}.  "), *paras[0].runs))
            groups.append(Group(paras))
        self._paged(spec, "sources", groups, bullets=False)

    def _add_closing(self, spec: P.ClosingSlide) -> None:
        slide = self._new("closing")
        self._title(slide, self._titles(spec.title, 1)[0], "closing")
        paras = paragraphs_from(spec.text.blocks) if spec.text else []
        self._fill_box(
            slide,
            paras,
            "closing",
            self.style.body_size + self.pt(4),
            self.style.min_body_size,
            lists=True,
        )
        self._notes(slide, spec.notes or (spec.text.plain if spec.text else None))
        self._remove_empty_placeholders(slide)

    def _add_quote(self, spec: P.QuoteSlide) -> None:
        rect = self._content_rect("quote")
        bar_w, indent = self.inch(0.08), self.inch(0.35)
        text_rect = Rect(rect.left + indent, rect.top, rect.width - indent, rect.height)
        groups, said = [], []
        for item in spec.all_quotes():  # a quote and its attribution are never split apart
            who = ", ".join(x for x in (item.speaker, item.role, item.date) if x)
            quote = Paragraph((Run(f"“{item.text}”"),), bullet=False)
            credit = Paragraph((Run("— " + who), *cite_run(item.cites)), scale=0.6, bullet=False)
            groups.append(Group([quote, credit], keep_last=True))
            said.append(f"{item.text} — {who}")
        box = text_rect.text_box(0)
        pages = same_size(paginate(self.measure, groups, box, self.pt(30), self.pt(16)))
        titles = self._titles(spec.title, len(pages))
        for i, page in enumerate(pages):
            slide = self._new("quote")
            self._title(slide, titles[i], "quote")
            text_h = emu(height(self.measure, page.paragraphs, page.size, box)) + 2 * INSET_Y
            bar = slide.shapes.add_shape(
                MSO_SHAPE.RECTANGLE,
                rect.left,
                rect.top + max(0, (rect.height - text_h) // 2),
                bar_w,
                min(rect.height, text_h),
            )
            bar.name = "Quote bar"
            bar.fill.solid()
            bar.fill.fore_color.rgb = rgb(self.style.accent)
            bar.line.fill.background()
            shape = self._textbox(slide, text_rect, "Quote")
            write(
                shape.text_frame,
                page.paragraphs,
                page.size,
                bullets=False,
                italic=True,
                color=self.ink("quote", self.style.primary),
                font=self.style.font,
                anchor=MSO_ANCHOR.MIDDLE,
            )
            self._notes(slide, spec.notes or "\n".join(said))
            self._remove_empty_placeholders(slide)

    def _add_chart(self, spec: P.ChartSlide) -> None:
        slide = self._new("chart")
        self._title(slide, self._titles(spec.title, 1)[0], "chart")
        rect = self._content_rect("chart")
        chart_rect = Rect(
            rect.left,
            rect.top,
            rect.width,
            rect.height - (self.inch(CAPTION_IN) if spec.caption or spec.cites else 0),
        )
        colors = [self.ink("chart", c) for c in self.style.chart_colors]
        add_chart(
            slide, spec.figure, chart_rect, colors, self.style.scale, self.ink("chart", "#1D2430")
        )
        self._caption(slide, spec.caption, rect, spec.cites)
        self._notes(slide, spec.notes)
        self._remove_empty_placeholders(slide)

    def _caption(
        self, slide: Slide, caption: str | None, rect: Rect, cites: Sequence[int] = ()
    ) -> None:
        """The figure's caption under it, with its source citation as in the brief ("[1]"):
        a caption too long for its line is shortened, never its citation."""
        cite = cite_run(cites)[0].text if cites else ""
        if not caption and not cite:
            return
        caption = caption or ""
        caption_h = self.inch(CAPTION_IN)
        box = Rect(rect.left, rect.bottom - caption_h, rect.width, caption_h)
        size, over = fit_line(
            self.measure, caption + cite, box.text_box(0), self.pt(12), self.pt(9)
        )
        text = caption
        if over:
            room = box.text_box(0)
            room = replace(room, width=room.width - self.measure.width(cite, size))
            page = self._truncate([Paragraph((Run(caption),), bullet=False)], room, size)
            text = page.paragraphs[0].text if page.paragraphs else "…"
        shape = self._textbox(slide, box, "Caption")
        ink = self.ink(self._kinds[str(slide.part.partname)], "#5B6473")
        plain(shape.text_frame, text + cite, size, color=ink, anchor=MSO_ANCHOR.BOTTOM)

    def _add_table(self, spec: P.TableSlide) -> None:
        header = [cell_text(c) for c in spec.figure.columns]
        rows = [[cell_text(c) for c in row] for row in spec.figure.rows]
        self._table_slides(
            spec,
            "table",
            header,
            rows,
            spec.caption,
            spec.figure.id,
            spec.figure.title,
            spec.cites,
        )

    def _add_timeline(self, spec: P.TimelineSlide) -> None:
        rows = [[e.date, e.event.plain] for e in spec.entries]
        self._table_slides(
            spec,
            "timeline",
            [self._label("date"), self._label("event")],
            rows,
            None,
            "timeline",
            spec.title or self._label("timeline"),
        )

    def _table_slides(
        self,
        spec: P._Slide,
        kind: str,
        header: list[str],
        rows: list[list[str]],
        caption: str | None,
        name: str,
        what: str,
        cites: Sequence[int] = (),
    ) -> None:
        rect = self._content_rect(kind)
        table_rect = Rect(
            rect.left,
            rect.top,
            rect.width,
            rect.height - (self.inch(CAPTION_IN) if caption or cites else 0),
        )
        unbroken = (0,) if kind == "timeline" else ()  # dates stay on one line
        layout = layout_table(
            self.measure, header, rows, table_rect, self.pt(18), self.pt(12), unbroken=unbroken
        )
        pages = len(layout.pages)
        titles = self._titles(spec.title, pages)
        for i, page_rows in enumerate(layout.pages):
            part = self._label("table_part", part=i + 1, parts=pages) if pages > 1 else ""
            alt = self._label(
                "table_alt",
                what=what,
                part=part,
                columns=", ".join(header),
                rows=len(page_rows),
            )
            slide = self._new(kind)
            self._title(slide, titles[i], kind)
            add_table(
                slide,
                header,
                [rows[r] for r in page_rows],
                table_rect,
                layout,
                self.style.primary,
                f"Table {name}",
                alt,
            )
            if layout.overflow:
                self._finding(f"Table {name}", "a row is taller than the slide")
            if i == len(layout.pages) - 1:
                self._caption(slide, caption, rect, cites)
            self._notes(slide, spec.notes)
            self._remove_empty_placeholders(slide)

    # ------------------------------------------------------------ every slide

    def finish(self, classification: str, lang: str) -> None:
        """Classification banner (top and bottom) and "n / N" on every slide, clear of the
        template's own shapes (marks.py), and the language of all text in slides, notes and
        charts.

        The marks are drawn once and copied as XML to every slide, each copy moved to its
        layout's free place, with its number and shape id set: drawing them through
        python-pptx on every slide cost about a third of a warm deck's time.
        """
        slides = list(self.prs.slides)
        if not slides:
            return
        for slide in slides if self.logo else ():
            if not any(shape.name == "Logo" for shape in slide.shapes):
                self._logo(slide, large=False)
        marks = self._draw_marks(slides[0], classification, f"1 / {len(slides)}")
        spots: dict[str, Spots] = {}
        for n, slide in enumerate(slides, start=1):
            kind = self._kinds[str(slide.part.partname)]
            layout = str(self.layouts[kind].part.partname)  # kinds can share a layout
            if layout not in spots:
                spots[layout] = self._spots(kind, marks, n)
            here = spots[layout]
            tree = adapter.sp_tree(slide.shapes)
            next_id = max((int(i) for i in tree.xpath(".//p:cNvPr/@id")), default=1) + 1
            for name, (element, _) in marks.items():
                rect = here.rects.get(name)
                if rect is None:  # the template numbers its slides itself
                    continue
                copy = deepcopy(element)
                if name == "Slide number":
                    copy = self._number_copy(copy, here, slide, n, len(slides))
                else:
                    off = copy.xpath("./p:spPr/a:xfrm/a:off")[0]
                    off.set("x", str(rect.left))
                    off.set("y", str(rect.top))
                copy[0].find(P_NS + "cNvPr").set("id", str(next_id))
                next_id += 1
                tree.append(copy)
        for xml in adapter.text_parts(self.prs):
            set_language(xml, lang)

    def _template_marks(self, kind: str) -> TemplateMarks:
        key = (str(self.layouts[kind].part.partname), "template marks")
        if key not in self.rects:
            w, h = int(self.prs.slide_width), int(self.prs.slide_height)
            self.rects[key] = template_shapes(self.layouts[kind], w, h)
        return self.rects[key]

    def _spots(self, kind: str, marks: dict[str, tuple[Any, Rect]], first: int) -> Spots:
        """Where each mark goes on ``kind`` slides, and a finding (at slide ``first``, the
        first of the kind) for a mark that has no place clear of the template's shapes."""
        template = self._template_marks(kind)
        width, gap = int(self.prs.slide_width), self.inch(0.1)
        shapes = list(template.shapes)
        rects: dict[str, Rect | None] = {}
        for name, (_, want) in marks.items():
            if name == "Slide number" and template.number is not None:
                rects[name] = template.number
                shapes.append(Shape("slide number", template.number))
                continue
            if name == "Slide number" and template.numbers_itself:
                rects[name] = None
                continue
            rects[name], hit = place(want, shapes, width, gap)
            if hit:
                covers = ", ".join(f"'{s.name}'" for s in hit)
                self.findings.append(
                    Finding(
                        first,
                        name,
                        f"covers the template's {covers} on layout '{self.layouts[kind].name}' "
                        "(every slide of it): there is no free place along the slide's edge",
                        code="deck.marks",
                    )
                )
        return Spots(rects, template)

    def _number_copy(self, box, spots: Spots, slide: Slide, n: int, total: int):
        """The slide number for slide ``n``: in the layout's slide-number placeholder (a
        slide-number field, so PowerPoint keeps it right when slides move) or in briefgen's
        own box, in a grey readable on what is under it. On a mid-tone band where neither
        white nor black reaches 4.5:1 it gets a white backing of its own."""
        rect = spots.rects["Slide number"]
        under = spots.template.backdrop(rect)
        if under is False:
            under = self._background(self._kinds[str(slide.part.partname)])
        ink, backing = readable(NUMBER_GREY, under), None
        if under is not None and contrast(ink, under) < 4.5:
            ink, backing = NUMBER_GREY, "FFFFFF"
        ink, size = ink.lstrip("#").upper(), self.pt(11)
        if spots.template.number is None:  # briefgen's own box
            box.xpath(".//a:t")[0].text = f"{n} / {total}"
            for fill in box.xpath(".//a:rPr/a:solidFill/a:srgbClr"):
                fill.set("val", ink)
        else:
            text = f"{n} / {total}"
            box_of = rect.text_box()
            size = fit_line(self.measure, text, box_of, self.pt(11), self.pt(7), max_lines=1)[0]
            box = number_placeholder(spots.template.number_idx, n, f" / {total}", size, ink)
        if backing:  # as wide as its text, at the right of its place: a chip, not a slab
            wide = emu(self.measure.width(f"{total} / {total}", size)) + 2 * int(INSET_X)
            high = emu(self.measure.line_height(size)) + 2 * int(INSET_Y)
            backed(box, backing, Rect(rect.left + rect.width - wide, rect.top, wide, high))
        return box

    def _logo(self, slide: Slide, *, large: bool) -> None:
        """The theme's logo: large at the top right of a title slide, small at the bottom
        left of the others, where the built-in layouts leave the corner free (moved along
        the edge where a template's shape is there, see marks.py). It comes
        after the slide's content in reading order, with its alt text."""
        if self.logo is None:
            return
        width, height = int(self.prs.slide_width), int(self.prs.slide_height)
        inch = self.inch
        box_w, box_h = (inch(2.0), inch(0.9)) if large else (inch(1.2), inch(0.3))
        w = min(box_w, int(box_h * self.logo.aspect))
        h = int(w / self.logo.aspect)
        left, top = (
            (width - inch(0.4) - w, inch(0.5)) if large else (inch(0.3), height - inch(0.07) - h)
        )
        kind = self._kinds[str(slide.part.partname)]
        spot, _ = place(Rect(left, top, w, h), self._template_marks(kind).shapes, width, inch(0.1))
        picture = slide.shapes.add_picture(io.BytesIO(self.logo.data), spot.left, spot.top, w, h)
        picture.name = "Logo"
        adapter.element(picture).xpath("./p:nvPicPr/p:cNvPr")[0].set("descr", self.logo.alt)

    def _draw_marks(
        self, slide: Slide, classification: str, number: str
    ) -> dict[str, tuple[Any, Rect]]:
        """Draw the slide number and the banners on ``slide`` at their usual places, and
        take them off again: returns their elements and usual places, by shape name, to copy.

        In that order, after the slide's content: a screen reader reads shapes in the order
        of the slide's shape tree, so the title comes first and the banners, which repeat
        on every slide, come last.
        """
        width, height = int(self.prs.slide_width), int(self.prs.slide_height)
        # Sized for the widest common substitute of the deck's font (DejaVu Sans, where a
        # machine has neither Calibri nor Carlito, is about 1.3 times as wide), and never
        # wrapped: a banner on two lines ("UNCLASSIFIE / D") is not a banner.
        mark, pad, inch = self.pt(11), self.pt(28), self.inch
        measured = self.measure.width(classification, mark, bold=True)
        banner_w = min(int(emu(measured * SUBSTITUTE_WIDTH + pad)), int(width * 0.8))
        if emu(measured + pad) > width * 0.8:
            self.findings.append(
                Finding(
                    1,
                    "Classification",
                    "the classification marking is too long for one line across the slide "
                    "(every slide); shorten it",
                )
            )
        banner_h = inch(0.3)
        box = slide.shapes.add_textbox(
            width - inch(1.9), height - inch(0.45), inch(1.5), inch(0.35)
        )
        box.name = "Slide number"
        # Its colour is set per slide (_number_copy), readable on what is under it there.
        plain(box.text_frame, number, mark, color=NUMBER_GREY, align=PP_ALIGN.RIGHT)
        box.text_frame.word_wrap = False
        shapes = [box]
        for where, top in (("top", inch(0.07)), ("bottom", height - inch(0.07) - banner_h)):
            shape = slide.shapes.add_shape(
                MSO_SHAPE.RECTANGLE, (width - banner_w) // 2, top, banner_w, banner_h
            )
            shape.name = f"Classification ({where})"
            shape.fill.solid()
            shape.fill.fore_color.rgb = rgb(self.style.accent)
            shape.line.fill.background()
            shape.shadow.inherit = False
            plain(
                shape.text_frame,
                classification,
                mark,
                bold=True,
                color=text_on(self.style.accent),
                align=PP_ALIGN.CENTER,
                margins=4,
            )
            shape.text_frame.word_wrap = False
            shapes.append(shape)
        marks = {shape.name: (adapter.element(shape), rect_of(shape)) for shape in shapes}
        for element, _ in marks.values():  # finish() places a copy on every slide
            element.getparent().remove(element)
        return marks
