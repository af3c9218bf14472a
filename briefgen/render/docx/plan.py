"""The document plan: what ``document.yaml.j2`` renders, and the contract the DOCX builder reads.

As for the deck, what a Word brief contains, and in what order and words, is decided in a
template, not in Python: the set's ``document.yaml.j2`` turns the audience's view into a YAML
list of blocks (a cover, a memo head, the summary, headings, lists, quotes, figures, the
timeline, the sources). Every ``{{ }}`` in it emits one quoted value, so content cannot change
the plan's structure, and the plan is validated like any other input. The builder then writes
each block with the reference document's styles: how it looks is the reference's business.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from briefgen.model import ChartFigure, Line, MarkdownText, Model, TableFigure
from briefgen.render import RenderJob
from briefgen.render.html import plan_context
from briefgen.templates import DOCX_TEMPLATE, load_plan, make_env, render

# What a block may name as its paragraph style: a role the set's template.yaml maps onto a
# style of its reference.docx (docx.styles), so templates never hard-code style names.
TextRole = Literal["body", "lead", "meta", "kicker", "colophon", "note"]


class Cover(Model):
    """The title block: a kicker line above the title, the title, subtitle, meta lines."""

    kind: Literal["cover"]
    kicker: Line | None = None
    title: Line
    subtitle: Line | None = None
    lines: list[Line] = []
    logo: bool = True  # the audience theme's logo, if it has one (raster only)


class MemoRow(Model):
    label: Line
    value: Line
    title: bool = False  # the row is the document's title (a formal SUBJECT line)


class Memo(Model):
    """A memorandum head: a document-type line, then label / value rows (TO, FROM, DATE…)."""

    kind: Literal["memo"]
    heading: Line | None = None
    rows: list[MemoRow] = Field(min_length=1, max_length=20)
    subtitle: Line | None = None
    logo: bool = True


class Summary(Model):
    """The boxed summary: a heading inside the box and Markdown text."""

    kind: Literal["summary"]
    title: Line
    text: MarkdownText


class Heading(Model):
    kind: Literal["heading"]
    text: Line
    level: int = Field(1, ge=1, le=3)
    number: Line | None = None  # written before the text ("1", "2.", "A")


class Text(Model):
    """Markdown paragraphs (and lists) in one role's style."""

    kind: Literal["text"]
    text: MarkdownText
    style: TextRole = "body"


class Item(Model):
    """A list item: Markdown text, its source numbers, an optional detail paragraph, and an
    optional label written before it ("1.1", "(a)") instead of the list's bullet or number."""

    text: MarkdownText
    cites: list[int] = []
    detail: MarkdownText | None = None
    label: Line | None = None


class ItemList(Model):
    kind: Literal["list"]
    numbered: bool = False  # Word's numbering (restarting at 1), else bullets; labels win
    items: list[Item] = Field(min_length=1, max_length=5000)


class Quote(Model):
    kind: Literal["quote"]
    text: Line = Field(max_length=2000)
    attribution: Line
    cites: list[int] = []


class FigureBlock(Model):
    """A chart (a native Word chart with its data) or a table (a Word table whose header row
    repeats on every page), with a title above and a caption below."""

    kind: Literal["figure"]
    figure: ChartFigure | TableFigure = Field(discriminator="kind")
    title: Line | None = None
    caption: MarkdownText | None = None
    cites: list[int] = []


class TimelineEntry(Model):
    date: Line
    event: MarkdownText


class Timeline(Model):
    """The chronology as a two-column table with a header row (``header``)."""

    kind: Literal["timeline"]
    header: list[Line] = Field(["Date", "Event"], min_length=2, max_length=2)
    entries: list[TimelineEntry] = Field(min_length=1)


class SourceEntry(Model):
    number: int
    text: MarkdownText


class Sources(Model):
    """Numbered sources; the numbers are the brief's, as the citations in the text print."""

    kind: Literal["sources"]
    entries: list[SourceEntry] = Field(min_length=1)


class PageBreak(Model):
    kind: Literal["page_break"]


Block = Annotated[
    Cover
    | Memo
    | Summary
    | Heading
    | Text
    | ItemList
    | Quote
    | FigureBlock
    | Timeline
    | Sources
    | PageBreak,
    Field(discriminator="kind"),
]
KINDS = (
    "cover",
    "memo",
    "summary",
    "heading",
    "text",
    "list",
    "quote",
    "figure",
    "timeline",
    "sources",
    "page_break",
)


class DocumentPlan(Model):
    """The whole document: blocks in order."""

    blocks: list[Block] = Field(min_length=1, max_length=20_000)


def document_plan(job: RenderJob) -> DocumentPlan:
    """Render the set's document template for ``job`` and validate the result as a plan."""
    from briefgen import __version__

    env = make_env(job.tset, "docx", {"generator": f"briefgen {__version__}"}, job.view.lang)
    text = render(env, DOCX_TEMPLATE, plan_context(job), job.options.template_seconds)
    return load_plan(text, DocumentPlan, DOCX_TEMPLATE, job.label, "document plan")
