"""The typed shape of a brief and of a project's config: the contract of docs/content-format.md.

pydantic models in strict mode: a number is not silently a title, a boolean is not a
classification, an unknown key is an error. The JSON Schemas ``briefgen schema`` writes come
from these same classes. No I/O happens here.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from briefgen.content.markdown import Markdown
from briefgen.content.yamlsource import clean_text

SLUG_RE = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_RE)]
Tag = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")]
# A BCP 47 language tag ("en", "en-GB", "az-Latn"): the language of the brief's text, written
# into the HTML, the PDF's tags and the deck's text runs for screen readers and hyphenation.
Lang = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$"),
    Field(description='A BCP 47 language tag, such as "en", "en-GB" or "az".'),
]
_BREAKS = re.compile(r"\s*[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+\s*")


def _one_line(value: Any) -> Any:
    """A line is one line: line breaks, and the spaces around them, become one space. HTML
    folds them so anyway, so the PDF and the deck say the same; and the deck's text
    measurer (Pillow with raqm) fails on a line break inside a word."""
    return _BREAKS.sub(" ", value) if isinstance(value, str) else value


def _clean(value: Any) -> Any:
    """No control characters, non-characters or lone surrogates, however the text arrived:
    the YAML loader removes them with a warning, and this keeps briefs built in Python
    (``Brief.model_validate``) and slide plans just as safe for lxml and python-pptx."""
    return clean_text(value) if isinstance(value, str) else value


Line = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=400),
    BeforeValidator(_clean),
    AfterValidator(_one_line),
]
MarkdownText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000),
    BeforeValidator(_clean),
    AfterValidator(Markdown),
]
Color = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")]
Format = Literal["pdf", "pptx", "html", "docx"]
FORMATS: tuple[Format, ...] = ("pdf", "pptx", "html", "docx")


def _iso_date(value: Any) -> Any:
    """Dates are dates: a YAML date, or an ISO ``YYYY-MM-DD`` string (from JSON), never an int."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(f"impossible date {value!r}") from exc
    if isinstance(value, dt.datetime):
        raise ValueError("expected a date without a time")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


def _date_label(value: Any) -> Any:
    """Timeline dates are labels ('1992', 'June 2021', '2008-02-19'); years may be unquoted."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10_000:
        return str(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    return value


# What an editor's schema says about labels that may be typed as bare numbers (`1992`):
# the loader accepts them, so the JSON Schema must too.
_LINE_SCHEMA = {"type": "string", "minLength": 1, "maxLength": 400}
DateLabel = Annotated[
    Line,
    BeforeValidator(_date_label),
    WithJsonSchema({"anyOf": [_LINE_SCHEMA, {"type": "integer", "minimum": 1, "maximum": 9999}]}),
]
# Table cells and chart categories: text, with bare numbers and years accepted as written.
Cell = Annotated[str | int | float | None, BeforeValidator(_clean), AfterValidator(_one_line)]
Label = Annotated[
    Line,
    BeforeValidator(
        lambda v: str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v
    ),
    WithJsonSchema({"anyOf": [_LINE_SCHEMA, {"type": "number"}]}),
]


class Model(BaseModel):
    """Base: strict types, unknown keys are errors, values are immutable once loaded."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Point(Model):
    """A bullet: Markdown text, optional detail (shown to audiences with ``details``)."""

    text: MarkdownText
    detail: MarkdownText | None = None
    tags: list[Tag] = []
    sources: list[Slug] = []

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"text": value} if isinstance(value, str) else value


class Quote(Model):
    """A pull quote, attributed; shown as a quote block in the brief and a quote slide."""

    text: Line = Field(max_length=2000)
    speaker: Line
    role: Line | None = None
    date: IsoDate | None = None
    source: Slug | None = None
    tags: list[Tag] = []


MAX_CHART_VALUE = 1e15


def _finite(value: Any) -> Any:
    """Chart values are numbers a chart can draw: YAML's ``.inf`` and ``.nan`` are not, and
    pygal's axis arithmetic overflows on values near 1e308."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value} cannot be plotted; give a number, or ~ for no value")
    if value is not None and abs(value) > MAX_CHART_VALUE:
        raise ValueError(f"{value:g} is too large to plot; the limit is ±{MAX_CHART_VALUE:g}")
    return value


ChartValue = Annotated[float | int | None, AfterValidator(_finite)]


class Series(Model):
    name: Line
    values: list[ChartValue] = Field(min_length=1)


class _FigureBase(Model):
    id: Slug
    title: Line
    caption: MarkdownText | None = None
    alt: Line | None = Field(
        None, max_length=2000, description="Text alternative for readers who cannot see the figure."
    )
    source: Slug | None = None
    tags: list[Tag] = []


class ChartFigure(_FigureBase):
    """A chart: drawn as vector SVG in the brief and as a native, editable chart in the deck."""

    kind: Literal["chart"]
    chart: Literal["bar", "column", "line", "pie"]
    categories: list[Label] = Field(min_length=1, max_length=200)
    series: list[Series] = Field(min_length=1, max_length=20)
    unit: Line | None = None


class TableFigure(_FigureBase):
    """A table of text cells; long tables continue on the next slide in the deck."""

    kind: Literal["table"]
    columns: list[Label] = Field(min_length=1, max_length=12)
    rows: list[list[Cell]] = Field(min_length=1, max_length=500)


Figure = Annotated[ChartFigure | TableFigure, Field(discriminator="kind")]


class Section(Model):
    id: Slug
    title: Line
    lead: MarkdownText | None = None
    points: list[Point] = []
    quotes: list[Quote] = []
    figures: list[Figure] = []
    tags: list[Tag] = []


class TimelineEntry(Model):
    date: DateLabel
    event: MarkdownText
    tags: list[Tag] = []


class Source(Model):
    id: Slug
    title: Line
    publisher: Line | None = None
    date: IsoDate | None = None
    url: (
        Annotated[
            str,
            StringConstraints(pattern=r"^https?://\S+$", max_length=2000),
            BeforeValidator(_clean),
        ]
        | None
    ) = None
    tags: list[Tag] = []


class Brief(Model):
    """One briefing: the file in ``content/``. Field order is the order templates show them."""

    title: Line
    subtitle: Line | None = None
    date: IsoDate
    classification: Line | None = None
    lang: Lang | None = None
    authors: list[Line] = []
    summary: MarkdownText
    key_messages: list[Point] = Field([], max_length=12)
    sections: list[Section] = Field(min_length=1, max_length=100)
    timeline: list[TimelineEntry] = []
    sources: list[Source] = []


# ---------------------------------------------------------------- project config


class Theme(Model):
    """Per-audience look: colours and font override the template set's, logo is a project file."""

    primary: Color | None = None
    accent: Color | None = None
    logo: Line | None = None
    logo_alt: Line | None = Field(
        None, description="The logo's text alternative, usually the organisation's name."
    )
    font: Line | None = None


class Budget(Model):
    """Limits ``briefgen check`` measures an audience's version against; unset means no limit."""

    pages: int | None = Field(None, ge=1, le=10_000, description="PDF pages, from the layout.")
    slides: int | None = Field(
        None, ge=1, le=10_000, description="Deck slides, after continuation slides are added."
    )
    words_per_slide: int | None = Field(
        None, ge=1, le=100_000, description="Words on any one slide (not notes or banners)."
    )
    words: int | None = Field(
        None, ge=1, le=10_000_000, description="Words of running text in the brief."
    )


class DeckSelection(Model):
    """Which slides an audience's deck gets; the deck template reads it as ``audience.deck``."""

    slides_per_section: int | None = Field(
        None,
        ge=1,
        le=100,
        description="At most this many slides per section, most important first: its "
        "points, its first figure, its quotes, its divider, its other figures. Unset: all.",
    )
    quotes: Literal["together", "each", "none"] = Field(
        "together",
        description="together: a section's quotes share slides (as many as fit); each: a "
        "slide per quote; none: no quote slides.",
    )
    agenda: bool = Field(True, description="An agenda slide (for three sections or more).")
    timeline: bool = Field(True, description="The timeline slide(s).")
    sources: bool = Field(True, description="The sources slide(s).")


class Audience(Model):
    """Who a version is for, and so what it shows. Omitted fields fall back to project defaults."""

    title: Line | None = None
    template: Slug | None = None
    sections: list[Slug] | None = None
    include_tags: list[Tag] = []
    exclude_tags: list[Tag] = []
    max_points: int | None = Field(None, ge=0, le=1000)
    details: bool = True
    classification: Line | None = None
    lang: Lang | None = None
    theme: Theme = Theme()
    formats: list[Format] | None = None
    budget: Budget = Budget()
    deck: DeckSelection = DeckSelection()
    require_sources: bool = False
    accessibility: Literal["required", "optional"] = Field(
        "required",
        description="required (the default): check reports a chart without alt text and "
        "theme colours below WCAG AA contrast as errors; optional: as warnings.",
    )


class Project(Model):
    """``briefgen.yaml``: project-wide defaults and the audiences."""

    classification: Line = "UNCLASSIFIED"
    lang: Lang = "en"
    template: Slug = "default"
    content: Line = "content"
    output: Line = "output"
    formats: list[Format] = list(FORMATS)
    theme: Theme = Theme()
    audiences: dict[Slug, Audience] = Field(min_length=1)
