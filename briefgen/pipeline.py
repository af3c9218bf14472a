"""The one place that knows the order: load → validate → select → render → write.

:func:`prepare` reads and checks everything and decides what to render (nothing is written
if any input is bad); :func:`execute` renders and writes. Keeping them apart lets the CLI,
the API, ``check`` and the preview server share the same plan.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from briefgen import __version__
from briefgen.audience import resolve_audiences, select
from briefgen.errors import EXIT_RENDER, BriefgenError, InputError
from briefgen.files import FileTree
from briefgen.model import FORMATS, Format
from briefgen.output import Manifest, atomic_write, confined
from briefgen.project import LoadedBrief, Workspace, load_briefs
from briefgen.render import Rendered, RenderJob, RenderOptions
from briefgen.templates import TemplateSet, compile_check, load_set

Progress = Callable[[str, "Output"], None]


@dataclass(frozen=True)
class Target:
    """One file to produce: the job that renders it and where it goes."""

    job: RenderJob
    path: Path
    inputs: str  # digest of everything that made it, for incremental builds


@dataclass
class Output:
    """What happened to one target."""

    path: Path
    format: Format
    brief: str
    audience: str
    size: int = 0
    pages: int | None = None
    slides: int | None = None
    seconds: float = 0.0
    status: str = "written"  # written | unchanged | failed
    error: str | None = None
    exit_code: int = 0


@dataclass
class Plan:
    """Everything a build will do, decided before anything is rendered."""

    workspace: Workspace
    output_dir: Path
    targets: list[Target]
    warnings: list[str] = field(default_factory=list)
    briefs: list[LoadedBrief] = field(default_factory=list)  # what ``check`` reads


@dataclass
class BuildResult:
    outputs: list[Output]
    warnings: list[str]
    seconds: float

    @property
    def failed(self) -> list[Output]:
        return [o for o in self.outputs if o.status == "failed"]

    @property
    def exit_code(self) -> int:
        """0 if everything was written; 2 if an input (a template, an image) was at fault; 1
        if a renderer failed on good input."""
        codes = [o.exit_code for o in self.failed]
        return max(codes) if codes else 0


def prepare(
    ws: Workspace,
    briefs: Sequence[Path] | None = None,
    audiences: Sequence[str] | None = None,
    formats: Sequence[str] | None = None,
    output_dir: Path | None = None,
    options: RenderOptions | None = None,
) -> Plan:
    """Load, validate and select; return the targets to render. Raises on any bad input."""
    names = resolve_audiences(ws.config, audiences)
    wanted = _check_formats(formats)
    loaded = load_briefs(ws, [Path(b) for b in briefs] if briefs else None)
    out_dir = (output_dir or ws.output_dir).resolve()
    project_tree = FileTree("project", ws.root)
    sets: dict[str, TemplateSet] = {}
    config_digest = hashlib.sha256(ws.config.model_dump_json().encode()).hexdigest()
    targets: list[Target] = []
    warnings = [str(w) for w in ws.warnings]
    seen: dict[Path, str] = {}
    for lb in loaded:
        warnings += [str(w) for w in lb.warnings]
        for name in names:
            view = select(lb.brief, lb.id, name, ws.config)
            warnings += [f"{ws.display(lb.path)}: {w}" for w in view.warnings]
            tset = sets.get(view.template) or sets.setdefault(
                view.template, load_set(view.template, ws.templates_dir)
            )
            fmts = [f for f in FORMATS if f in view.formats and (not wanted or f in wanted)]
            for kind in {"deck" if f == "pptx" else "html" for f in fmts}:
                compile_check(tset, kind)
            for fmt in fmts:
                path = confined(out_dir, lb.id, f"{name}.{fmt}")
                if path in seen:
                    raise InputError(
                        f"{path}: both {seen[path]} and {lb.id}/{name} would write this file"
                    )
                seen[path] = f"{lb.id}/{name}"
                job = RenderJob(view, tset, project_tree, fmt, options or RenderOptions())
                digest = _inputs_digest(lb, view.model_dump_json(), config_digest, tset, fmt)
                targets.append(Target(job, path, digest))
    return Plan(ws, out_dir, targets, list(dict.fromkeys(warnings)), loaded)


def _check_formats(formats: Sequence[str] | None) -> set[str]:
    unknown = [f for f in formats or () if f not in FORMATS]
    if unknown:
        raise InputError(f"unknown format '{unknown[0]}'; known formats: {', '.join(FORMATS)}")
    return set(formats or ())


def _inputs_digest(
    lb: LoadedBrief, view_json: str, config: str, tset: TemplateSet, fmt: str
) -> str:
    h = hashlib.sha256()
    for part in (__version__, fmt, view_json, config, tset.digest, str(lb.path.name)):
        h.update(part.encode() + b"\0")
    return h.hexdigest()


def execute(
    plan: Plan,
    *,
    force: bool = False,
    progress: Progress | None = None,
    renderer: Callable[[RenderJob], Rendered] | None = None,
) -> BuildResult:
    """Render every target of ``plan`` and write it atomically; record it in the manifest."""
    from briefgen.render import run

    started = time.perf_counter()
    render_one = renderer or run
    manifest = Manifest.load(plan.output_dir)
    for target in plan.targets:  # refuse before rendering anything, not halfway through
        manifest.check_writable(target.path, force)
    outputs: list[Output] = []
    warnings = list(plan.warnings)
    try:
        for target in plan.targets:
            out = _render_target(target, render_one, manifest, warnings)
            outputs.append(out)
            if progress:
                progress(target.job.label, out)
    finally:
        if outputs:
            manifest.save()
    from briefgen.check import build_warnings  # budgets, sources, figures: as in `check`

    warnings += build_warnings(plan, outputs)
    return BuildResult(outputs, warnings, time.perf_counter() - started)


def _render_target(
    target: Target,
    render_one: Callable[[RenderJob], Rendered],
    manifest: Manifest,
    warnings: list[str],
) -> Output:
    job = target.job
    out = Output(target.path, job.format, job.view.id, job.view.audience.name)
    try:
        result = render_one(job)
    except BriefgenError as exc:  # reported with the others; the rest of the build goes on
        out.status, out.error, out.exit_code = "failed", str(exc), exc.exit_code
        return out
    except Exception as exc:  # a renderer bug: report it as a failed render, keep going
        out.status, out.error = "failed", f"{job.label}: {type(exc).__name__}: {exc}"
        out.exit_code = EXIT_RENDER
        return out
    atomic_write(target.path, result.data)
    manifest.record(
        target.path, result.data, target.inputs, pages=result.pages, slides=result.slides
    )
    warnings += [f"{job.label}: {w}" for w in result.warnings]
    out.size, out.pages, out.slides, out.seconds = (
        len(result.data),
        result.pages,
        result.slides,
        result.seconds,
    )
    return out


def summary_json(result: BuildResult) -> str:
    """The build result for scripts (``build --json``)."""
    return json.dumps(
        {
            "outputs": [
                {
                    "path": str(o.path),
                    "format": o.format,
                    "brief": o.brief,
                    "audience": o.audience,
                    "status": o.status,
                    "size": o.size,
                    "pages": o.pages,
                    "slides": o.slides,
                    "seconds": round(o.seconds, 3),
                    "error": o.error,
                }
                for o in result.outputs
            ],
            "warnings": result.warnings,
            "seconds": round(result.seconds, 3),
        },
        indent=2,
    )
