"""The one place that knows the order: load → validate → select → render → write.

:func:`prepare` reads and checks everything and decides what to render (nothing is written
if any input is bad); :func:`execute` renders and writes. Keeping them apart lets the CLI,
the API, ``check`` and the preview server share the same plan.

Builds are incremental: every target carries a digest of everything that makes it (the
audience's view of the brief, the project config, every file of its template set, the
renderer versions and options), and the manifest in the output folder remembers, per file,
that digest, the file's own hash, and the hash of every project file its render read (a
theme logo). A target whose digest, file and reads are all unchanged is not rendered again.
Rendering happens in this process, or on any executor with an ``imap(jobs)`` method: the
warm local workers of :mod:`briefgen.workers` or a Dask cluster (:mod:`briefgen.cluster`).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from briefgen import __version__
from briefgen.audience import resolve_audiences, select
from briefgen.errors import InputError
from briefgen.files import FileTree
from briefgen.model import FORMATS
from briefgen.output import Manifest, atomic_write, confined, sha256
from briefgen.project import LoadedBrief, Workspace, load_briefs
from briefgen.render import Rendered, RenderJob, RenderOptions
from briefgen.results import BuildResult, Output, summary_json  # re-exported
from briefgen.templates import Kind, TemplateSet, compile_check, load_set
from briefgen.workers import Executor, Outcome, render_all

__all__ = [
    "BuildResult",
    "Executor",
    "Output",
    "Plan",
    "Target",
    "execute",
    "prepare",
    "summary_json",
]

Progress = Callable[[str, "Output"], None]
# Which formats an executor starts first: the slowest first keeps all workers busy to the end.
SLOWEST_FIRST = ("pdf", "pptx", "docx", "html")


@dataclass(frozen=True)
class Target:
    """One file to produce: the job that renders it and where it goes."""

    job: RenderJob
    path: Path
    inputs: str  # digest of everything that made it, for incremental builds


@dataclass
class Plan:
    """Everything a build will do, decided before anything is rendered."""

    workspace: Workspace
    output_dir: Path
    targets: list[Target]
    warnings: list[str] = field(default_factory=list)
    briefs: list[LoadedBrief] = field(default_factory=list)  # what ``check`` reads


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
    project_tree = _project_tree(ws, out_dir, loaded)
    sets: dict[str, TemplateSet] = {}
    config_digests = {name: _config_digest(ws, name) for name in names}
    targets: list[Target] = []
    warnings = [str(w) for w in ws.warnings]
    seen: dict[Path, str] = {}
    checked = _templates_known_good(out_dir)
    languages: set[tuple[str, str]] = set()
    options = options or RenderOptions()
    for lb in loaded:
        warnings += [str(w) for w in lb.warnings]
        for name in names:
            view = select(lb.brief, lb.id, name, ws.config)
            warnings += [f"{ws.display(lb.path)}: {w}" for w in view.warnings]
            tset = sets.get(view.template) or sets.setdefault(
                view.template, load_set(view.template, ws.templates_dir)
            )
            if (tset.name, view.lang) not in languages:
                _check_language(ws, lb, name, tset, view.lang)
                languages.add((tset.name, view.lang))
            fmts = [f for f in FORMATS if f in view.formats and (not wanted or f in wanted)]
            for kind in sorted({_kind(f) for f in fmts}):
                key = template_key(tset, kind)
                if key not in checked:  # once per set and kind; never again while unchanged
                    compile_check(tset, kind)
                    checked.add(key)
            view_json = view.model_dump_json()
            for fmt in fmts:
                path = confined(out_dir, lb.id, f"{name}.{fmt}")
                if path in seen:
                    raise InputError(
                        f"{path}: both {seen[path]} and {lb.id}/{name} would write this file"
                    )
                seen[path] = f"{lb.id}/{name}"
                job = RenderJob(view, tset, project_tree, fmt, options)
                digest = _inputs_digest(lb, view_json, config_digests[name], tset, fmt, options)
                targets.append(Target(job, path, digest))
    return Plan(ws, out_dir, targets, list(dict.fromkeys(warnings)), loaded)


def _check_language(
    ws: Workspace, lb: LoadedBrief, audience: str, tset: TemplateSet, lang: str
) -> None:
    """Refuse a language the audience's template set has no messages for, before anything
    renders, naming the file that asked for it and the languages there are."""
    from briefgen.messages import catalogue

    try:
        catalogue(tset, lang)
    except InputError as exc:
        # The view's lang is the audience's, else the brief's, else the project's.
        spec = ws.config.audiences.get(audience)
        from_brief = lb.brief.lang == lang and not (spec and spec.lang)
        where = ws.display(lb.path) if from_brief else "briefgen.yaml"
        raise InputError(f"{where}: lang '{lang}' (audience '{audience}'): {exc}") from None


def _project_tree(ws: Workspace, out_dir: Path, loaded: Sequence[LoadedBrief]) -> FileTree:
    """The project's files as renderers may read them (a logo, a stylesheet): never the
    briefs, the config or the built files, which hold what other audiences may see.

    The template sets must not hold them either: an output folder or a brief inside
    ``templates/`` is refused, whoever named it, since a template could include it raw.
    """
    templates = ws.templates_dir.resolve()
    briefs = [lb.path.resolve() for lb in loaded]
    inside = [p for p in (out_dir, *briefs) if p.is_relative_to(templates)]
    if inside:
        raise InputError(
            f"{ws.display(inside[0])}: is inside the templates folder, where templates "
            "could read it; keep briefs and built files out of templates/"
        )
    excluded = [(ws.root / ws.config.content).resolve(), out_dir, *briefs]
    if ws.config_file is not None:
        excluded.append(ws.config_file.resolve())
    return FileTree("project", ws.root, excluded=tuple(dict.fromkeys(excluded)))


def _check_formats(formats: Sequence[str] | None) -> set[str]:
    unknown = [f for f in formats or () if f not in FORMATS]
    if unknown:
        raise InputError(f"unknown format '{unknown[0]}'; known formats: {', '.join(FORMATS)}")
    return set(formats or ())


def _kind(fmt: str) -> Kind:
    """The kind of template environment a format renders with (see ``MAIN_TEMPLATES``)."""
    return "deck" if fmt == "pptx" else "docx" if fmt == "docx" else "html"


@lru_cache(maxsize=1)
def renderer_versions() -> str:
    """briefgen's version and those of the libraries that shape the output bytes."""
    from importlib.metadata import PackageNotFoundError, version

    from briefgen.stamps import code_digest

    parts = [f"briefgen {__version__} {code_digest()}"]
    libraries = (
        "weasyprint",
        "pydyf",
        "python-pptx",
        "python-docx",
        "XlsxWriter",
        "Jinja2",
        "markdown-it-py",
        "pygal",
        "Pillow",
    )
    for name in libraries:
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} -")
    return "; ".join(parts)


def template_key(tset: TemplateSet, kind: str) -> str:
    """Names one template set's files (all of them, fonts and reference deck included) used
    for ``kind`` ("html", "deck" or "docx") by this briefgen: a render that succeeded with the same
    key proves the templates compile."""
    h = hashlib.sha256(f"{tset.digest}\0{kind}\0{renderer_versions()}".encode())
    return h.hexdigest()[:32]


def _templates_known_good(out_dir: Path) -> set[str]:
    """Template keys of the files in the output folder's manifest (see :func:`template_key`)."""
    manifest = Manifest.load(out_dir)
    return {str(e["template"]) for e in manifest.files.values() if e.get("template")}


def _config_digest(ws: Workspace, audience: str) -> str:
    """The project config as it concerns one audience: everything but the other audiences
    (whose edits leave this audience's outputs alone)."""
    data = ws.config.model_dump(mode="json")
    data["audiences"] = {audience: data.get("audiences", {}).get(audience)}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _inputs_digest(
    lb: LoadedBrief,
    view_json: str,
    config: str,
    tset: TemplateSet,
    fmt: str,
    options: RenderOptions,
) -> str:
    """Everything that makes one output, hashed: briefgen and renderer versions, the format,
    the audience's view of the brief, the project config, the template set's files, the
    brief's file name and the hosts it may fetch from. Project files a template reads (a
    logo) are tracked per output in the manifest, by what the render actually read."""
    h = hashlib.sha256()
    hosts = ",".join(sorted(options.allow_hosts))
    parts = (renderer_versions(), fmt, view_json, config, tset.digest, lb.path.name, hosts)
    for part in parts:
        h.update(part.encode() + b"\0")
    return h.hexdigest()


def execute(
    plan: Plan,
    *,
    force: bool = False,
    progress: Progress | None = None,
    renderer: Callable[[RenderJob], Rendered] | None = None,
    pool: Executor | None = None,
    first: Sequence[str] = SLOWEST_FIRST,
    interleave: bool = False,
) -> BuildResult:
    """Render the targets of ``plan`` that are out of date and write each atomically.

    A target whose manifest entry has the same inputs digest, whose file still has the
    recorded hash and whose project reads are unchanged is reported ``unchanged`` and not
    rendered; ``force`` renders everything (and overwrites files briefgen did not write).
    Renders run on ``pool`` (see :class:`Executor`), formats in the order ``first`` (with
    ``interleave``, one of each format in turn: the first of each comes soonest), else in
    this process, one after the other, with ``renderer`` (default: :func:`briefgen.render.run`).
    Failed renders are reported in the result; the others are written as they finish.
    """
    started = time.perf_counter()
    manifest = Manifest.load(plan.output_dir)
    for target in plan.targets:  # refuse before rendering anything, not halfway through
        manifest.check_writable(target.path, force)
    outputs: list[Output | None] = [None] * len(plan.targets)
    warnings = list(plan.warnings)
    state = _State(manifest)
    todo: list[int] = []
    for i, target in enumerate(plan.targets):
        entry = None if force else state.current(target)
        if entry is None:
            todo.append(i)
            continue
        outputs[i] = out = _unchanged(target, entry)
        warnings += [f"{target.job.label}: {w}" for w in entry.get("warnings", [])]
        if progress:
            progress(target.job.label, out)
    try:
        if pool is not None:
            rank = {f: n for n, f in enumerate(first)}
            turn: dict[int, int] = {}  # the how-many-th target of its format
            seen: dict[str, int] = {}
            for i in todo:
                fmt = plan.targets[i].job.format
                turn[i] = seen[fmt] = seen.get(fmt, -1) + 1
            todo.sort(
                key=lambda i: (
                    turn[i] if interleave else 0,
                    rank.get(plan.targets[i].job.format, len(rank)),
                )
            )
        results = render_all([plan.targets[i].job for i in todo], pool, renderer)
        for k, outcome in results:
            target = plan.targets[todo[k]]
            outputs[todo[k]] = out = _finish(target, outcome, state, warnings)
            if progress:
                progress(target.job.label, out)
    finally:
        if state.dirty:
            manifest.save()
    done = [o for o in outputs if o is not None]
    from briefgen.check import build_warnings  # budgets, sources, figures: as in `check`

    warnings += build_warnings(plan, done)
    return BuildResult(done, list(dict.fromkeys(warnings)), time.perf_counter() - started)


class _State:
    """The manifest during one build, and the project files hashed so far."""

    def __init__(self, manifest: Manifest):
        self.manifest = manifest
        self.dirty = False
        self._hashes: dict[tuple[int, str], str | None] = {}

    def current(self, target: Target) -> dict[str, Any] | None:
        """The manifest entry of ``target`` if its output is up to date, else None."""
        entry = self.manifest.entry(target.path)
        if not entry or entry.get("inputs") != target.inputs:
            return None
        try:
            st = os.lstat(target.path)
        except OSError:
            return None
        if not stat.S_ISREG(st.st_mode) or st.st_size != entry.get("size"):
            return None
        if st.st_mtime_ns != entry.get("mtime_ns"):  # touched or copied: compare contents
            if sha256(target.path.read_bytes()) != entry.get("sha256"):
                return None
            entry["mtime_ns"] = st.st_mtime_ns
            self.dirty = True
        reads = entry.get("reads") or {}
        if not isinstance(reads, dict):
            return None
        for rel, digest in reads.items():
            if self._hash(target, rel) != digest:
                return None
        return entry

    def _hash(self, target: Target, rel: str) -> str | None:
        key = (id(target.job.project), rel)
        if key not in self._hashes:
            data = target.job.project.read(rel)
            self._hashes[key] = sha256(data) if data is not None else None
        return self._hashes[key]

    def record(self, target: Target, outcome: Outcome) -> None:
        rendered = outcome.rendered
        assert rendered is not None
        job = target.job
        self.manifest.record(
            target.path,
            rendered.data,
            target.inputs,
            pages=rendered.pages,
            slides=rendered.slides,
            mtime_ns=target.path.stat().st_mtime_ns,
            template=template_key(job.tset, _kind(job.format)),
            reads=dict(sorted(outcome.reads.items())),
            warnings=list(rendered.warnings),
            **({"slide_words": rendered.slide_words} if job.format == "pptx" else {}),
        )
        self.dirty = True


def _unchanged(target: Target, entry: dict[str, Any]) -> Output:
    job = target.job
    out = Output(target.path, job.format, job.view.id, job.view.audience.name)
    out.status = "unchanged"
    out.size = int(entry.get("size") or 0)
    out.pages, out.slides = entry.get("pages"), entry.get("slides")
    words = entry.get("slide_words")
    out.slide_words = [int(w) for w in words] if isinstance(words, list) else None
    return out


def _finish(target: Target, outcome: Outcome, state: _State, warnings: list[str]) -> Output:
    """Write a rendered target (or note its failure) and record it in the manifest."""
    job = target.job
    out = Output(target.path, job.format, job.view.id, job.view.audience.name)
    result = outcome.rendered
    if result is None:  # reported with the others; the rest of the build goes on
        out.status, out.error, out.exit_code = "failed", outcome.error, outcome.exit_code
        out.detail = outcome.detail
        return out
    atomic_write(target.path, result.data)
    state.record(target, outcome)
    if job.format == "pptx":
        out.slide_words = list(result.slide_words)
    warnings += [f"{job.label}: {w}" for w in result.warnings]
    out.size, out.pages, out.slides, out.seconds = (
        len(result.data),
        result.pages,
        result.slides,
        result.seconds,
    )
    return out
