"""``briefgen check``: everything a build does but the final write, and what it finds.

A stage like the others: :func:`check` takes a :class:`~briefgen.pipeline.Plan` and returns
a :class:`Report` (findings, and the figures measured per brief and audience); it prints
nothing. It renders exactly as ``build`` does, through :func:`briefgen.workers.render_all`
(the same workers, the same time and memory limits), keeps the results in memory and
writes nothing; what it reports comes from what the renderers measured. What is found, per
brief and audience:

- budgets from ``briefgen.yaml`` (``budget: {pages, slides, words_per_slide, words}``) against
  the real page count of the layout, the slide count after continuation slides, the words on
  each built slide and the words of running text;
- text the deck builder could not fit even after shrinking and splitting (slide, shape);
- raster images printed below 150 dpi (pixels against the size the layout gives them);
- points without a source when the audience sets ``require_sources: true``;
- sections left empty by the audience's selection.

And per brief: charts without alt text, figures without a caption, sources nothing cites.
Validation errors (a plan could not be made) become findings through
:func:`findings_from_error`. :func:`build_findings` gives ``build`` the same findings from
what it rendered anyway, without rendering twice.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from briefgen.errors import EXIT_INPUT, BriefgenError, InputError, Problem, ValidationFailed
from briefgen.model import Audience, Brief, Budget, ChartFigure
from briefgen.words import count_words

if TYPE_CHECKING:
    from briefgen.audience import BriefView
    from briefgen.content.yamlsource import SourceMap
    from briefgen.pipeline import Output, Plan
    from briefgen.project import LoadedBrief
    from briefgen.render import RenderJob
    from briefgen.render.deck.plan import SlidePlan
    from briefgen.workers import Executor, Outcome

Severity = Literal["error", "warning"]

# What each finding code means; the severity is part of the code, so CI can rely on it.
CODES: dict[str, tuple[Severity, str]] = {
    "validation": ("error", "content or config does not match the format"),
    "input": ("error", "a file, template or setting that stops the build"),
    "render": ("error", "a renderer failed"),
    "budget.pages": ("error", "more PDF pages than the audience's budget"),
    "budget.slides": ("error", "more slides than the audience's budget"),
    "budget.words_per_slide": ("error", "a slide with more words than the budget"),
    "budget.words": ("error", "more words of running text than the budget"),
    "deck.fit": ("error", "text that does not fit its box even after shrinking and splitting"),
    "deck.contrast": ("warning", "a template's text colour that does not read on its slides"),
    "deck.marks": ("warning", "a banner, slide number or logo on a shape of the template"),
    "deck.metrics": ("warning", "deck text measured without the template font's metrics"),
    "docx.style": ("warning", "a standard style the reference document lacks (text unstyled)"),
    "source.required": ("error", "a point without a source, for an audience that requires them"),
    "image.resolution": ("warning", "an image printed below 150 dpi"),
    "figure.alt": (
        "error",
        "a chart or a theme logo without alt text, for audiences whose accessibility is required",
    ),
    "figure.alt.optional": (
        "warning",
        "a chart or a theme logo without alt text (accessibility optional)",
    ),
    "theme.contrast": ("error", "theme colours text cannot be read in (WCAG AA 4.5:1)"),
    "theme.contrast.optional": ("warning", "theme colours below WCAG AA (accessibility optional)"),
    "figure.caption": ("warning", "a figure without a caption"),
    "source.uncited": ("warning", "a source nothing cites"),
    "section.empty": ("warning", "a section left empty by the audience's selection"),
    "selection": ("warning", "a selection setting that does not match the brief"),
    "input.warning": ("warning", "something in a file briefgen read that is probably a mistake"),
    "render.warning": ("warning", "a renderer warning (unsupported CSS and the like)"),
}
_EMPTY_SECTION = re.compile(r"section '(?P<id>[^']+)' is empty for audience")


@dataclass(frozen=True)
class Finding:
    """One thing ``check`` found. ``file``/``line`` point into the input when known;
    ``slide``/``shape`` into the built deck; ``measured``/``limit`` for budgets."""

    code: str
    message: str
    brief: str | None = None
    audience: str | None = None
    file: str | None = None
    line: int = 0
    col: int = 0
    slide: int | None = None
    shape: str | None = None
    measured: float | None = None
    limit: float | None = None

    @property
    def severity(self) -> Severity:
        return CODES[self.code][0]

    @property
    def where(self) -> str:
        """``file:line:col``, else ``brief/audience``, else the brief, else ''."""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "")
            return where + (f":{self.col}" if self.line and self.col else "")
        if self.brief and self.audience:
            return f"{self.brief}/{self.audience}"
        return self.brief or ""

    def __str__(self) -> str:
        return self.text()

    def text(self, severity: str | None = None) -> str:
        """``where: severity: [audience] slide n, shape: message`` on one line."""
        who = f"[{self.audience}] " if self.audience and self.file else ""
        slide = f"slide {self.slide}" + (f", {self.shape}" if self.shape else "") + ": "
        return (
            (f"{self.where}: " if self.where else "")
            + f"{severity or self.severity}: {who}"
            + (slide if self.slide else "")
            + self.message
        )

    def as_dict(self) -> dict[str, Any]:
        return {"severity": self.severity, **asdict(self)}


@dataclass
class Measures:
    """What was measured for one brief and audience (None: not measured)."""

    brief: str
    audience: str
    pages: int | None = None
    slides: int | None = None
    words: int = 0
    slide_words: list[int] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def words_per_slide(self) -> int | None:
        """The most words on any one slide."""
        return max(self.slide_words) if self.slide_words else None


@dataclass
class ItemCheck:
    """The check of one brief for one audience; ``pdf``/``deck``/``slide_plan`` are kept only
    when asked for (the preview server shows them)."""

    brief: str
    audience: str
    measures: Measures
    budget: Budget = field(default_factory=Budget)
    findings: list[Finding] = field(default_factory=list)
    pdf: bytes | None = None
    html: bytes | None = None
    slide_plan: SlidePlan | None = None
    slide_spans: list[tuple[int, int]] | None = None  # deck slide numbers per plan slide


@dataclass
class Report:
    """Everything ``check`` found, and what it measured."""

    findings: list[Finding]
    items: list[ItemCheck] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def exit_code(self, strict: bool = False) -> int:
        """0 clean, 1 with errors (or, when ``strict``, with warnings)."""
        return 1 if self.errors or (strict and self.warnings) else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": not self.errors,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "findings": [f.as_dict() for f in self.findings],
            "measures": [
                {
                    "brief": i.brief,
                    "audience": i.audience,
                    "pages": i.measures.pages,
                    "slides": i.measures.slides,
                    "words": i.measures.words,
                    "words_per_slide": i.measures.words_per_slide,
                    "budget": i.budget.model_dump(),
                    "seconds": round(i.measures.seconds, 3),
                }
                for i in self.items
            ],
            "seconds": round(self.seconds, 3),
        }


# ---------------------------------------------------------------- the stage


Render = Callable[[Sequence["RenderJob"]], list["Outcome"]]


def check(
    plan: Plan,
    items: Iterable[tuple[str, str]] | None = None,
    *,
    keep: bool = False,
    pool: Executor | None = None,
    render: Render | None = None,
) -> Report:
    """Check every brief × audience of ``plan`` (or only ``items``, pairs of brief id and
    audience name). ``keep`` keeps the PDF, the HTML and the slide plan for a preview.

    The renders are the build's own: :func:`briefgen.workers.render_all` on ``pool`` (or
    here), under the same time and memory limits, or ``render``, a function from jobs to
    outcomes in the same order (the preview server's, which remembers them). What is found
    comes from what the renderers measured; nothing is rendered twice or read back.
    """
    started = time.perf_counter()
    wanted = set(items) if items is not None else None
    by_item = {
        item: by_format
        for item, by_format in _jobs_by_item(plan).items()
        if wanted is None or item in wanted
    }
    needed = [
        (item, job) for item, by_format in by_item.items() for job in _needed(plan, by_format)
    ]
    jobs = [job for _, job in needed]
    outcomes = render(jobs) if render is not None else _render_all(jobs, pool)
    done: dict[tuple[str, str], dict[str, Outcome]] = {}
    for (item, job), outcome in zip(needed, outcomes, strict=True):
        done.setdefault(item, {})[job.format] = outcome
    findings = _workspace_findings(plan)
    results: list[ItemCheck] = []
    briefs = {lb.id: lb for lb in plan.briefs}
    checked_briefs: list[str] = []
    for (brief_id, audience), by_format in by_item.items():
        lb = briefs.get(brief_id)
        if brief_id not in checked_briefs:
            checked_briefs.append(brief_id)
            if lb is not None:
                findings += brief_findings(plan, lb)
        job = next(iter(by_format.values()))
        result = _check_item(plan, lb, job, done.get((brief_id, audience), {}), keep)
        results.append(result)
        findings += result.findings
    return Report(_unique(findings), results, time.perf_counter() - started)


def _render_all(jobs: Sequence[RenderJob], pool: Executor | None) -> list[Outcome]:
    from briefgen.workers import render_all

    outcomes: list[Outcome | None] = [None] * len(jobs)
    for index, outcome in render_all(jobs, pool):
        outcomes[index] = outcome
    return outcomes  # type: ignore[return-value]


def _jobs_by_item(plan: Plan) -> dict[tuple[str, str], dict[str, RenderJob]]:
    jobs: dict[tuple[str, str], dict[str, RenderJob]] = {}
    for target in plan.targets:
        view = target.job.view
        jobs.setdefault((view.id, view.audience.name), {})[target.job.format] = target.job
    return jobs


def _needed(plan: Plan, by_format: dict[str, RenderJob]) -> list[RenderJob]:
    """The renders that check one item: the formats it builds, and a PDF or a deck its
    budget counts pages or slides of even when it does not build them."""
    any_job = next(iter(by_format.values()))
    budget = _audience(plan, any_job.view.audience.name).budget
    out = []
    if "pdf" in by_format or budget.pages:
        out.append(by_format.get("pdf") or replace(any_job, format="pdf"))
    if "pptx" in by_format or budget.slides or budget.words_per_slide:
        out.append(by_format.get("pptx") or replace(any_job, format="pptx"))
    if "html" in by_format:
        out.append(by_format["html"])
    if "docx" in by_format:  # its template and reference are checked like the others'
        out.append(by_format["docx"])
    return out


def _workspace_findings(plan: Plan) -> list[Finding]:
    return [_from_problem(p) for p in plan.workspace.warnings]


def _audience(plan: Plan, name: str) -> Audience:
    return plan.workspace.config.audiences[name]


def _check_item(
    plan: Plan,
    lb: LoadedBrief | None,
    job: RenderJob,
    outcomes: dict[str, Outcome],
    keep: bool,
) -> ItemCheck:
    from briefgen.render.html import theme_of

    view = job.view
    name = view.audience.name
    audience = _audience(plan, name)
    measures = Measures(view.id, name, words=count_words(view_text(view)))
    result = ItemCheck(view.id, name, measures, audience.budget)
    out = result.findings
    out += view_findings(plan, lb, view, audience)
    out += theme_findings(view, audience, theme_of(job))
    who = (view.id, name)
    for fmt, outcome in outcomes.items():
        rendered = outcome.rendered
        measures.seconds += rendered.seconds if rendered is not None else 0.0
        if rendered is None:
            code = "input" if outcome.exit_code == EXIT_INPUT else "render"
            out.append(Finding(code, f"{fmt}: {outcome.error or 'failed'}", *who))
            continue
        out += [
            Finding(
                n.code,
                n.message,
                *who,
                slide=n.slide,
                shape=n.shape,
                measured=n.measured,
                limit=n.limit,
            )
            for n in rendered.notes
        ]
        if fmt == "pdf":
            measures.pages = rendered.pages
            result.pdf = rendered.data if keep else None
        elif fmt == "pptx":
            measures.slides = rendered.slides
            measures.slide_words = list(rendered.slide_words)
            if keep:
                result.slide_plan = rendered.slide_plan
                result.slide_spans = list(rendered.slide_spans)
        elif fmt == "html" and keep:
            result.html = rendered.data
    out += budget_findings(measures, audience)
    return result


# ---------------------------------------------------------------- what is measured


def view_text(view: BriefView) -> list[str]:
    """The running text of an audience's brief: summary, key messages, section leads,
    points (with details when shown), quotes, figure captions and timeline entries. Titles,
    banners, tables and the source list are not running text."""
    parts = [view.summary.plain]
    points = [*view.key_messages, *(p for s in view.sections for p in s.points)]
    for point in points:
        parts.append(point.text.plain)
        if point.detail is not None:
            parts.append(point.detail.plain)
    for section in view.sections:
        if section.lead is not None:
            parts.append(section.lead.plain)
        parts += [q.text for q in section.quotes]
        parts += [f.caption.plain for f in section.figures if f.caption is not None]
    parts += [e.event.plain for e in view.timeline]
    return parts


# ---------------------------------------------------------------- findings


def budget_findings(m: Measures, audience: Audience) -> list[Finding]:
    """The audience's budget against what was measured (unmeasured figures are skipped)."""
    b = audience.budget
    who = (m.brief, m.audience)
    out = []
    checks = (
        ("pages", m.pages, b.pages, "page", "pages"),
        ("slides", m.slides, b.slides, "slide", "slides"),
        ("words", m.words, b.words, "word", "words of running text"),
    )
    for key, measured, limit, one, many in checks:
        if limit is not None and measured is not None and measured > limit:
            out.append(
                Finding(
                    f"budget.{key}",
                    f"{measured} {many if measured != 1 else one}, over the budget of {limit} "
                    f"(by {measured - limit})",
                    *who,
                    measured=measured,
                    limit=limit,
                )
            )
    if b.words_per_slide is not None:
        for number, words in enumerate(m.slide_words, start=1):
            if words > b.words_per_slide:
                out.append(
                    Finding(
                        "budget.words_per_slide",
                        f"{words} words, over the budget of {b.words_per_slide} per slide",
                        *who,
                        slide=number,
                        measured=words,
                        limit=b.words_per_slide,
                    )
                )
    return out


class _Locator:
    """Positions in a brief's file, read once and only when a finding needs one."""

    def __init__(self, plan: Plan, lb: LoadedBrief | None):
        self.plan, self.lb = plan, lb
        self._source: SourceMap | None = None

    @property
    def file(self) -> str | None:
        return self.plan.workspace.display(self.lb.path) if self.lb else None

    def at(self, *loc: str | int) -> dict[str, Any]:
        if self.lb is None:
            return {}
        if self._source is None:
            from briefgen.content.yamlsource import load_file

            try:
                self._source = load_file(self.lb.path, self.file).source
            except ValidationFailed:  # changed on disk since it was loaded: no lines
                return {"file": self.file}
        line, col = self._source.position(loc)
        return {"file": self.file, "line": line, "col": col}


def _accessibility_required(plan: Plan) -> bool:
    """True when an audience the plan builds has ``accessibility: required`` (the default)."""
    names = {t.job.view.audience.name for t in plan.targets}
    audiences = plan.workspace.config.audiences
    return any(audiences[n].accessibility == "required" for n in names if n in audiences)


def theme_findings(view: BriefView, audience: Audience, theme: dict[str, Any]) -> list[Finding]:
    """What the audience's theme makes unreadable: colours text cannot be read in, each pair
    with its ratio (see :func:`briefgen.colors.theme_pairs`), and a logo without a text
    alternative (screen readers would say only "Logo")."""
    from briefgen.colors import AA_NORMAL, contrast, theme_pairs

    required = audience.accessibility == "required"
    code = "theme.contrast" if required else "theme.contrast.optional"
    out = []
    if view.theme.logo and not view.theme.logo_alt:
        out.append(
            Finding(
                "figure.alt" if required else "figure.alt.optional",
                f"the theme's logo ({view.theme.logo}) has no text alternative: readers who "
                'cannot see it hear only "Logo" (add `logo_alt:` to the theme, usually '
                "the organisation's name)",
                view.id,
                view.audience.name,
            )
        )
    for what, fg, bg in theme_pairs(theme["primary"], theme["accent"]):
        ratio = contrast(fg, bg)
        if ratio < AA_NORMAL:
            out.append(
                Finding(
                    code,
                    f"{what}: {fg} on {bg} is {ratio:.1f}:1, below the {AA_NORMAL}:1 WCAG AA "
                    "asks of text (choose a darker theme colour)",
                    view.id,
                    view.audience.name,
                    measured=round(ratio, 2),
                    limit=AA_NORMAL,
                )
            )
    return out


def brief_findings(plan: Plan, lb: LoadedBrief) -> list[Finding]:
    """What is true of a brief whatever the audience: charts without alt text, figures
    without captions, sources nothing cites, and the loader's warnings."""
    brief: Brief = lb.brief
    where = _Locator(plan, lb)
    out = [_from_problem(p, lb.id) for p in lb.warnings]
    alt_code = "figure.alt" if _accessibility_required(plan) else "figure.alt.optional"
    for si, section in enumerate(brief.sections):
        for fi, figure in enumerate(section.figures):
            loc = ("sections", si, "figures", fi)
            if isinstance(figure, ChartFigure) and not figure.alt:
                out.append(
                    Finding(
                        alt_code,
                        f"chart '{figure.id}' has no alt text: readers who cannot see it get "
                        "only its title (add `alt:`, a sentence saying what it shows)",
                        lb.id,
                        **where.at(*loc),
                    )
                )
            if not figure.caption:
                out.append(
                    Finding(
                        "figure.caption",
                        f"figure '{figure.id}' has no caption",
                        lb.id,
                        **where.at(*loc),
                    )
                )
    cited = {i for item in _cited_items(brief) for i in _cites(item)}
    for i, source in enumerate(brief.sources):
        if source.id not in cited:
            out.append(
                Finding(
                    "source.uncited",
                    f"source '{source.id}' is never cited (it is listed as general reading)",
                    lb.id,
                    **where.at("sources", i),
                )
            )
    return out


def view_findings(
    plan: Plan, lb: LoadedBrief | None, view: BriefView, audience: Audience
) -> list[Finding]:
    """What selection did for one audience: empty sections, sections it lists that the brief
    lacks, and points without a source when the audience requires sources."""
    where = _Locator(plan, lb)
    name = view.audience.name
    section_index = {s.id: i for i, s in enumerate(lb.brief.sections)} if lb else {}
    out = []
    for warning in view.warnings:
        match = _EMPTY_SECTION.search(warning)
        if match:
            index = section_index.get(match["id"])
            loc = where.at("sections", index) if index is not None else {}
            out.append(Finding("section.empty", warning, view.id, name, **loc))
        else:
            out.append(Finding("selection", warning, view.id, name, file=where.file))
    if audience.require_sources:
        for loc, point in _shown_points(lb.brief if lb else None, view):
            if not point.sources:
                text = point.text.plain
                short = text if len(text) <= 60 else text[:57].rstrip() + "…"
                out.append(
                    Finding(
                        "source.required",
                        f"point without a source (audience '{name}' requires sources): “{short}”",
                        view.id,
                        name,
                        **(where.at(*loc) if loc else {}),
                    )
                )
    return out


def _shown_points(brief: Brief | None, view: BriefView) -> list[tuple[tuple, Any]]:
    """The points the audience sees, each with its location in the brief's file."""
    out: list[tuple[tuple, Any]] = []

    def locate(shown: list, original: list, prefix: tuple) -> None:
        used: set[int] = set()
        for point in shown:
            index = next(
                (i for i, p in enumerate(original) if i not in used and p.text == point.text),
                None,
            )
            if index is not None:
                used.add(index)
            out.append(((*prefix, index) if index is not None else (), point))

    locate(view.key_messages, list(brief.key_messages) if brief else [], ("key_messages",))
    by_id = {s.id: (i, s) for i, s in enumerate(brief.sections)} if brief else {}
    for section in view.sections:
        index, original = by_id.get(section.id, (None, None))
        locate(
            section.points,
            list(original.points) if original else [],
            ("sections", index, "points") if index is not None else (),
        )
    return out


def _cited_items(brief: Brief) -> list[Any]:
    return [
        *brief.key_messages,
        *(i for s in brief.sections for i in (*s.points, *s.quotes, *s.figures)),
    ]


def _cites(item: Any) -> list[str]:
    ids = list(getattr(item, "sources", None) or [])
    single = getattr(item, "source", None)
    return [*ids, single] if isinstance(single, str) else ids


def _from_problem(problem: Problem, brief: str | None = None) -> Finding:
    code = "input.warning" if problem.severity == "warning" else "validation"
    message = f"{problem.path}: {problem.message}" if problem.path else problem.message
    return Finding(code, message, brief, file=problem.file, line=problem.line, col=problem.col)


def findings_from_error(exc: BriefgenError) -> list[Finding]:
    """An error that stopped the plan (bad content, config or template) as findings."""
    if isinstance(exc, ValidationFailed):
        return [_from_problem(p) for p in exc.problems]
    return [Finding("input" if isinstance(exc, InputError) else "render", str(exc))]


def _unique(findings: list[Finding]) -> list[Finding]:
    return list(dict.fromkeys(findings))


# ---------------------------------------------------------------- during build


def build_findings(plan: Plan, outputs: Sequence[Output]) -> list[Finding]:
    """What ``check`` would add to a build's warnings, from what the build rendered.

    Deck fitting and image resolution already come with the renders' own warnings, and
    empty sections with the plan's; this adds the rest: budgets (with the page and slide
    counts the build measured), required sources, figures and uncited sources.
    """
    by_item: dict[tuple[str, str], dict[str, Output]] = {}
    for out in outputs:
        by_item.setdefault((out.brief, out.audience), {})[out.format] = out
    from briefgen.render.html import theme_of

    jobs = {(t.job.view.id, t.job.view.audience.name): t.job for t in plan.targets}
    views = {item: job.view for item, job in jobs.items()}
    briefs = {lb.id: lb for lb in plan.briefs}
    found: list[Finding] = []
    for lb in plan.briefs:
        found += brief_findings(plan, lb)
    for (brief_id, name), view in views.items():
        audience = _audience(plan, name)
        lb = briefs.get(brief_id)
        found += [f for f in view_findings(plan, lb, view, audience) if f.code == "source.required"]
        found += theme_findings(view, audience, theme_of(jobs[(brief_id, name)]))
        made = by_item.get((brief_id, name), {})
        m = Measures(brief_id, name, words=count_words(view_text(view)))
        pdf, deck = made.get("pdf"), made.get("pptx")
        m.pages = pdf.pages if pdf and pdf.status != "failed" else None
        m.slides = deck.slides if deck and deck.status != "failed" else None
        if deck is not None and deck.slide_words is not None:  # measured when it was built
            m.slide_words = deck.slide_words
        found += budget_findings(m, audience)
    return [f for f in _unique(found) if f.code not in ("input.warning",)]


def build_warnings(plan: Plan, outputs: Sequence[Output]) -> list[str]:
    """:func:`build_findings` as the build's warning lines (a build never fails on them)."""
    return [f.text("warning") for f in build_findings(plan, outputs)]
