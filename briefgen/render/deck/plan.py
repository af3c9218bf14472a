"""The slide plan: what ``deck.yaml.j2`` renders, and the contract the deck builder reads.

Which slides an audience gets is decided in a template, not in Python: the template set's
``deck.yaml.j2`` turns the audience's view into a YAML list of slides, each with a kind,
its fields and its speaker notes. Every ``{{ }}`` in that template emits a quoted value, so
content cannot change the plan's structure. The plan is then loaded and validated like any
other input, with errors pointing at the line of the rendered plan.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from briefgen.model import ChartFigure, Line, MarkdownText, Model, TableFigure
from briefgen.render import RenderJob
from briefgen.render.html import plan_context
from briefgen.templates import DECK_TEMPLATE, load_plan, make_env, render

SlideKind = Literal[
    "title",
    "agenda",
    "messages",
    "section",
    "bullets",
    "quote",
    "chart",
    "table",
    "timeline",
    "sources",
    "closing",
]
KINDS: tuple[str, ...] = SlideKind.__args__  # type: ignore[attr-defined]


class Bullet(Model):
    """A bullet: Markdown text, the source numbers it cites, and sub-bullets."""

    text: MarkdownText
    cites: list[int] = []
    sub: list[MarkdownText] = []


class _Slide(Model):
    title: Line | None = None
    notes: str | None = Field(None, max_length=20_000)


class TitleSlide(_Slide):
    kind: Literal["title"]
    subtitle: Line | None = None
    lines: list[Line] = []


class AgendaSlide(_Slide):
    kind: Literal["agenda"]
    items: list[Line] = Field(min_length=1)


class MessagesSlide(_Slide):
    kind: Literal["messages"]
    bullets: list[Bullet] = Field(min_length=1)


class SectionSlide(_Slide):
    kind: Literal["section"]
    number: int | None = None
    text: MarkdownText | None = None


class BulletsSlide(_Slide):
    kind: Literal["bullets"]
    bullets: list[Bullet] = Field(min_length=1)


class QuoteItem(Model):
    """One pull quote and its attribution."""

    text: Line = Field(max_length=2000)
    speaker: Line
    role: Line | None = None
    date: Line | None = None
    cites: list[int] = []


class QuoteSlide(_Slide):
    """One quote (``text``, ``speaker``…), or several (``quotes``) sharing the slide: the
    builder puts as many on a slide as fit, splitting only between quotes."""

    kind: Literal["quote"]
    text: Line | None = Field(None, max_length=2000)
    speaker: Line | None = None
    role: Line | None = None
    date: Line | None = None
    cites: list[int] = []
    quotes: list[QuoteItem] = Field([], max_length=50)

    @model_validator(mode="after")
    def _one_or_several(self) -> QuoteSlide:
        if (self.text is None) == (not self.quotes):
            raise ValueError("a quote slide takes either text and speaker, or quotes")
        if self.text is not None and self.speaker is None:
            raise ValueError("a quote needs its speaker")
        return self

    def all_quotes(self) -> list[QuoteItem]:
        """The slide's quotes, whichever way the plan wrote them."""
        if self.quotes:
            return list(self.quotes)
        return [
            QuoteItem(
                text=self.text,
                speaker=self.speaker,
                role=self.role,
                date=self.date,
                cites=self.cites,
            )
        ]


class ChartSlide(_Slide):
    kind: Literal["chart"]
    figure: ChartFigure
    caption: Line | None = Field(None, max_length=2000)
    cites: list[int] = []  # source numbers, shown after the caption


class TableSlide(_Slide):
    kind: Literal["table"]
    figure: TableFigure
    caption: Line | None = Field(None, max_length=2000)
    cites: list[int] = []  # source numbers, shown after the caption


class TimelineEntry(Model):
    date: Line
    event: MarkdownText


class TimelineSlide(_Slide):
    kind: Literal["timeline"]
    entries: list[TimelineEntry] = Field(min_length=1)


class SourceEntry(Model):
    number: int
    text: MarkdownText


class SourcesSlide(_Slide):
    kind: Literal["sources"]
    entries: list[SourceEntry] = Field(min_length=1)


class ClosingSlide(_Slide):
    kind: Literal["closing"]
    text: MarkdownText | None = None


Slide = Annotated[
    TitleSlide
    | AgendaSlide
    | MessagesSlide
    | SectionSlide
    | BulletsSlide
    | QuoteSlide
    | ChartSlide
    | TableSlide
    | TimelineSlide
    | SourcesSlide
    | ClosingSlide,
    Field(discriminator="kind"),
]


class SlidePlan(Model):
    """The whole deck: slides in order."""

    slides: list[Slide] = Field(min_length=1, max_length=2000)


def slide_plan(job: RenderJob) -> SlidePlan:
    """Render the set's deck template for ``job`` and validate the result as a plan."""
    env = make_env(job.tset, "deck", lang=job.view.lang)
    text = render(env, DECK_TEMPLATE, plan_context(job), job.options.template_seconds)
    return load_plan(text, SlidePlan, DECK_TEMPLATE, job.label, "slide plan")
