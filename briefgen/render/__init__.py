"""Rendering: one audience's view of a brief + a template set -> the bytes of one file.

A :class:`RenderJob` carries everything a render needs as data (the view, the template set's
files or folders, the project files it may read, the options), so the same job runs in this
process, in a local worker process, or on a remote worker. :func:`run` is the only entry
point; the heavy libraries are imported by the format that needs them, when it needs them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from briefgen.audience import BriefView
from briefgen.files import FileTree
from briefgen.model import Format
from briefgen.templates import TemplateSet


@dataclass(frozen=True)
class RenderOptions:
    """What a render may do beyond the defaults: hosts it may fetch from, its limits."""

    allow_hosts: tuple[str, ...] = ()
    timeout: float = 120.0
    memory_mb: int = 2048
    template_timeout: float = 10.0
    """Seconds one template evaluation may take, within ``timeout`` (see
    :func:`briefgen.templates.render`)."""

    @property
    def template_seconds(self) -> float:
        return min(self.template_timeout, self.timeout)


@dataclass(frozen=True)
class RenderJob:
    view: BriefView
    tset: TemplateSet
    project: FileTree
    format: Format
    options: RenderOptions = RenderOptions()

    @property
    def label(self) -> str:
        return f"{self.view.id}/{self.view.audience.name}.{self.format}"


@dataclass(frozen=True)
class Note:
    """Something a renderer found that ``check`` reports: a finding code of
    :data:`briefgen.check.CODES`, a message, and where in the output it is."""

    code: str
    message: str
    slide: int | None = None
    shape: str | None = None
    measured: float | None = None
    limit: float | None = None


@dataclass
class Rendered:
    """The bytes of a rendered file and what the renderer measured on the way.

    Everything ``check``, ``serve`` and the build report need comes with the render, so
    none of them renders again or reads an output back: ``notes`` (layout warnings,
    low-resolution images, deck text that does not fit), the words and title of each built
    slide, the slide plan the deck was built from and which slides each plan slide became
    (the preview's slide cards).
    """

    data: bytes
    pages: int | None = None
    slides: int | None = None
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[Note] = field(default_factory=list)
    slide_words: list[int] = field(default_factory=list)
    slide_plan: Any = None  # briefgen.render.deck.plan.SlidePlan, for pptx
    # (first, last) deck slide number, 1-based, each plan slide became (continuations)
    slide_spans: list[tuple[int, int]] = field(default_factory=list)


def run(job: RenderJob) -> Rendered:
    """Render ``job``. Raises :class:`~briefgen.errors.BriefgenError` subclasses on failure."""
    started = time.perf_counter()
    if job.format == "html":
        from briefgen.render.html import html_file

        data, warnings = html_file(job)
        notes = [Note("render.warning", f"html: {w}") for w in warnings]
        result = Rendered(data, warnings=warnings, notes=notes)
    elif job.format == "pdf":
        from briefgen.render.pdf import render_pdf

        result = render_pdf(job)
    elif job.format == "docx":
        from briefgen.render.docx import render_docx

        result = render_docx(job)
    else:
        from briefgen.render.deck import render_deck

        result = render_deck(job)
    result.seconds = time.perf_counter() - started
    return result
