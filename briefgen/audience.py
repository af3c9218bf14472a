"""Audience selection: a pure function from a brief to the brief one audience sees.

Both renderers consume only its result, a :class:`BriefView`. Nothing else is handed to
templates, so an item an audience excludes cannot be reached by any template, however it is
written. Selection fails closed: an unknown audience is an error, never "everything".
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import Field

from briefgen.errors import InputError
from briefgen.model import (
    Audience,
    Brief,
    DeckSelection,
    Lang,
    Line,
    MarkdownText,
    Model,
    Point,
    Project,
    Section,
    Slug,
    Source,
    Tag,
    Theme,
    TimelineEntry,
)


class AudienceView(Model):
    """What templates may know about the audience a version is for."""

    name: Slug
    title: Line
    details: bool
    max_points: int | None
    include_tags: list[Tag]
    exclude_tags: list[Tag]
    deck: DeckSelection


class NumberedSource(Source):
    """A source with its number in this audience's list (numbering follows what is shown)."""

    number: int


class BriefView(Model):
    """The brief as one audience sees it: filtered, numbered, with its banner resolved."""

    id: Slug
    title: Line
    subtitle: Line | None
    date: dt.date
    classification: Line
    lang: Lang
    authors: list[Line]
    summary: MarkdownText
    key_messages: list[Point]
    sections: list[Section]
    timeline: list[TimelineEntry]
    sources: list[NumberedSource]
    audience: AudienceView
    theme: Theme
    template: Slug
    formats: list[str]
    warnings: list[str] = Field(default_factory=list)

    def cite(self, item: Any) -> list[int]:
        """Source numbers cited by ``item`` (a point, quote or figure, or a list of ids),
        ascending and without repeats, as a reader expects "[1, 2]"."""
        numbers = {s.id: s.number for s in self.sources}
        return sorted({numbers[i] for i in _cited_ids(item) if i in numbers})

    def source(self, source_id: str) -> NumberedSource | None:
        """The shown source with this id, or None when this audience does not see it."""
        return next((s for s in self.sources if s.id == source_id), None)


def resolve_audiences(project: Project, names: Sequence[str] | None) -> list[str]:
    """The audience names to build: all of them, or the requested ones, which must exist."""
    known = list(project.audiences)
    if not names:
        return known
    unknown = [n for n in names if n not in project.audiences]
    if unknown:
        close = difflib.get_close_matches(unknown[0], known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise InputError(
            f"unknown audience '{unknown[0]}'{hint}; known audiences: {', '.join(known)}"
        )
    return list(dict.fromkeys(names))


def visible(tags: Iterable[str], audience: Audience) -> bool:
    """Untagged items are for everyone; a tagged item must pass the include and exclude lists."""
    tags = set(tags)
    if not tags:
        return True
    if audience.include_tags and not tags & set(audience.include_tags):
        return False
    return not tags & set(audience.exclude_tags)


def select(brief: Brief, brief_id: str, name: str, project: Project) -> BriefView:
    """The :class:`BriefView` of ``brief`` for the audience ``name`` of ``project``.

    Raises :class:`InputError` for an unknown audience or when nothing is left to show.
    """
    if name not in project.audiences:
        resolve_audiences(project, [name])  # raises with the list of known names
    audience = project.audiences[name]
    warnings: list[str] = []
    sections = [
        _select_section(s, audience) for s in _ordered_sections(brief, name, audience, warnings)
    ]
    sections = _drop_empty(sections, brief_id, name, warnings)
    key_messages = [
        _select_point(p, audience) for p in brief.key_messages if visible(p.tags, audience)
    ]
    if not sections and not key_messages:
        raise InputError(
            f"{brief_id}: audience '{name}' has nothing to show after selection "
            f"(check its sections, include_tags and exclude_tags)"
        )
    timeline = [e for e in brief.timeline if visible(e.tags, audience)]
    shown = [*key_messages, *(i for s in sections for i in (*s.points, *s.quotes, *s.figures))]
    return BriefView(
        id=brief_id,
        title=brief.title,
        subtitle=brief.subtitle,
        date=brief.date,
        classification=audience.classification or brief.classification or project.classification,
        lang=audience.lang or brief.lang or project.lang,
        authors=brief.authors,
        summary=brief.summary,
        key_messages=key_messages,
        sections=sections,
        timeline=timeline,
        sources=_select_sources(brief, shown, audience),
        audience=AudienceView(
            name=name,
            title=audience.title or name.replace("-", " ").title(),
            details=audience.details,
            max_points=audience.max_points,
            include_tags=audience.include_tags,
            exclude_tags=audience.exclude_tags,
            deck=audience.deck,
        ),
        theme=_merge_theme(project.theme, audience.theme),
        template=audience.template or project.template,
        formats=list(audience.formats or project.formats),
        warnings=warnings,
    )


def _ordered_sections(
    brief: Brief, name: str, audience: Audience, warnings: list[str]
) -> list[Section]:
    if audience.sections is None:
        chosen = brief.sections
    else:
        by_id = {s.id: s for s in brief.sections}
        missing = [i for i in audience.sections if i not in by_id]
        if missing:
            warnings.append(
                f"audience '{name}' lists section(s) {', '.join(missing)} "
                "that this brief does not have"
            )
        chosen = [by_id[i] for i in audience.sections if i in by_id]
    return [s for s in chosen if visible(s.tags, audience)]


def _select_point(point: Point, audience: Audience) -> Point:
    return (
        point
        if audience.details or point.detail is None
        else point.model_copy(update={"detail": None})
    )


def _select_section(section: Section, audience: Audience) -> Section:
    points = [_select_point(p, audience) for p in section.points if visible(p.tags, audience)]
    if audience.max_points is not None:
        points = points[: audience.max_points]
    return section.model_copy(
        update={
            "points": points,
            "quotes": [q for q in section.quotes if visible(q.tags, audience)],
            "figures": [f for f in section.figures if visible(f.tags, audience)],
        }
    )


def _drop_empty(
    sections: list[Section], brief_id: str, name: str, warnings: list[str]
) -> list[Section]:
    kept = []
    for s in sections:
        if s.points or s.quotes or s.figures or s.lead:
            kept.append(s)
        else:
            warnings.append(f"section '{s.id}' is empty for audience '{name}' and is left out")
    return kept


def _cited_ids(item: Any) -> list[str]:
    if isinstance(item, str):
        return [item]
    if isinstance(item, list | tuple):
        return [i for i in item if isinstance(i, str)]
    ids = list(getattr(item, "sources", None) or [])
    single = getattr(item, "source", None)
    return [*ids, single] if isinstance(single, str) else ids


def _select_sources(brief: Brief, shown: list[Any], audience: Audience) -> list[NumberedSource]:
    """Sources cited by what is shown, plus general reading that nothing cites.

    A source cited only by hidden items is hidden too: its title could say what was left out.
    """
    cited_by_shown = {i for item in shown for i in _cited_ids(item)}
    cited_at_all = {i for item in _all_items(brief) for i in _cited_ids(item)}
    out: list[NumberedSource] = []
    for source in brief.sources:
        if not visible(source.tags, audience):
            continue
        if source.id in cited_by_shown or source.id not in cited_at_all:
            out.append(NumberedSource(**dict(source), number=len(out) + 1))
    return out


def _all_items(brief: Brief) -> list[Any]:
    return [
        *brief.key_messages,
        *(i for s in brief.sections for i in (*s.points, *s.quotes, *s.figures)),
    ]


def _merge_theme(project: Theme, audience: Theme) -> Theme:
    """Audience settings win over the project's; unset stays unset (the template set decides)."""
    merged = {k: v for k, v in dict(project).items() if v is not None}
    merged.update({k: v for k, v in dict(audience).items() if v is not None})
    return Theme(**merged)


def describe(project: Project) -> list[dict[str, Any]]:
    """A row per audience for ``briefgen audiences``: what each one gets."""
    rows = []
    for name, a in project.audiences.items():
        rows.append(
            {
                "audience": name,
                "title": a.title or name.title(),
                "sections": ", ".join(a.sections) if a.sections else "all",
                "include": ", ".join(a.include_tags) or "-",
                "exclude": ", ".join(a.exclude_tags) or "-",
                "max points": "-" if a.max_points is None else str(a.max_points),
                "details": "yes" if a.details else "no",
                "classification": a.classification or project.classification,
                "template": a.template or project.template,
                "formats": ", ".join(a.formats or project.formats),
            }
        )
    return rows
