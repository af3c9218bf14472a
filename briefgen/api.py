"""What a Python user calls: :func:`build`, :func:`validate`, :func:`init_project`, and the
template-set helpers. The command line is a thin layer over these; nothing here prints.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from briefgen.errors import InputError, ValidationFailed
from briefgen.project import CONFIG_NAME, Workspace, load_briefs, open_workspace
from briefgen.render import RenderOptions


def validate(
    project: str | Path | None = None, briefs: Sequence[str | Path] | None = None
) -> list[str]:
    """Check the project's config, briefs and template sets; return warnings, raise on errors."""
    from briefgen.audience import select
    from briefgen.templates import load_set

    ws = open_workspace(project)
    if ws.folder_problems:
        raise ValidationFailed(list(ws.folder_problems.values()))
    loaded = load_briefs(ws, [Path(b) for b in briefs] if briefs else None)
    warnings = [str(w) for w in ws.warnings]
    decks = set()
    for audience in ws.config.audiences.values():
        name = audience.template or ws.config.template
        tset = load_set(name, ws.templates_dir)
        if "pptx" in (audience.formats or ws.config.formats) and name not in decks:
            from briefgen.render.deck.mapping import check_reference

            check_reference(tset)  # every slide kind finds a layout in the reference deck
            decks.add(name)
    for lb in loaded:
        warnings += [str(w) for w in lb.warnings]
        for audience in ws.config.audiences:
            view = select(lb.brief, lb.id, audience, ws.config)
            warnings += [f"{ws.display(lb.path)}: {w}" for w in view.warnings]
    return list(dict.fromkeys(warnings))


def check(
    project: str | Path | None = None,
    briefs: Sequence[str | Path] | None = None,
    audiences: Sequence[str] | None = None,
    allow_hosts: Sequence[str] = (),
    *,
    jobs: int | None = None,
    pool=None,
    timeout: float | None = None,
    memory_mb: int | None = None,
):
    """Everything a build does but the final write; returns a :class:`~briefgen.check.Report`.

    Problems in content, config and templates are findings (as are budgets, overflowing
    slide text, missing sources…); a missing project or an unknown audience raises
    :class:`~briefgen.errors.InputError`. Renders run as :func:`build`'s do: in this process
    by default, in ``jobs`` worker processes, or on ``pool``; always under the time and memory
    limits (``timeout``, ``memory_mb``).
    """
    from briefgen.audience import resolve_audiences
    from briefgen.check import Report, findings_from_error
    from briefgen.check import check as check_plan
    from briefgen.errors import ValidationFailed
    from briefgen.pipeline import prepare

    try:
        ws = open_workspace(project)
    except ValidationFailed as exc:  # a broken briefgen.yaml: report it like the rest
        return Report(findings_from_error(exc))
    resolve_audiences(ws.config, audiences)  # a typo in -a is a usage error, not a finding
    options = render_options(allow_hosts, timeout, memory_mb)
    try:
        plan = prepare(
            ws, [Path(b) for b in briefs] if briefs else None, audiences, None, None, options
        )
    except InputError as exc:
        return Report(findings_from_error(exc))
    own = None
    if pool is None and jobs:
        from briefgen.workers import Pool

        pool = own = Pool(jobs)
    try:
        return check_plan(plan, pool=pool)
    finally:
        if own is not None:
            own.close()


def build(
    project: str | Path | None = None,
    briefs: Sequence[str | Path] | None = None,
    audiences: Sequence[str] | None = None,
    formats: Sequence[str] | None = None,
    output: str | Path | None = None,
    force: bool = False,
    allow_hosts: Sequence[str] = (),
    progress=None,
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    pool=None,
    timeout: float | None = None,
    memory_mb: int | None = None,
):
    """Build briefs (all of the project's by default) for audiences and formats.

    Outputs whose inputs are unchanged since they were built are not rendered again
    (``force=True`` renders everything). Rendering happens in this process by default;
    ``jobs=N`` renders in N warm worker processes under time and memory limits
    (:mod:`briefgen.workers`); ``scheduler="tcp://host:8786"`` on a Dask cluster
    (:mod:`briefgen.cluster`); ``pool`` on an executor the caller started and closes.
    ``timeout`` (seconds) and ``memory_mb`` change the limits each render runs under in
    workers (see :class:`~briefgen.render.RenderOptions` for the defaults).

    Returns a :class:`~briefgen.pipeline.BuildResult`; raises
    :class:`~briefgen.errors.InputError` (or a subclass) for bad input before writing anything.
    """
    from briefgen.pipeline import execute, prepare

    own = None
    if pool is None and scheduler:
        from briefgen.cluster import DaskExecutor

        pool = own = DaskExecutor(scheduler)
    elif pool is None and jobs:
        from briefgen.workers import FORMATS, Pool

        pool = own = Pool(jobs, warm=formats or FORMATS)  # warms up while the project loads
    try:
        ws = open_workspace(project)
        plan = prepare(
            ws,
            [Path(b) for b in briefs] if briefs else None,
            audiences,
            formats,
            Path(output) if output else None,
            render_options(allow_hosts, timeout, memory_mb),
        )
        result = execute(plan, force=force, progress=progress, pool=pool)
    finally:
        if own is not None:
            own.close()
    from briefgen.stamps import record

    record(plan, result, project, briefs, audiences, formats, allow_hosts)  # see stamps.py
    return result


def render_options(
    allow_hosts: Sequence[str], timeout: float | None, memory_mb: int | None
) -> RenderOptions:
    limits = {"timeout": timeout, "memory_mb": memory_mb}
    return RenderOptions(
        allow_hosts=tuple(h.lower() for h in allow_hosts),
        **{k: v for k, v in limits.items() if v is not None},
    )


def sample_files() -> tuple[Path, Path]:
    """The sample brief and the sample project config shipped with briefgen."""
    here = Path(__file__).parent
    packaged = here / "_sample"
    content = packaged if packaged.is_dir() else here.parent / "content"
    return content / "us-azerbaijan.yaml", here / "project.yaml"


def init_project(folder: str | Path) -> list[Path]:
    """Create a project in ``folder``: config, the sample brief, an empty templates folder."""
    root = Path(folder)
    if (root / CONFIG_NAME).exists():
        raise InputError(f"{root / CONFIG_NAME} already exists; not overwriting it")
    brief, config = sample_files()
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "templates").mkdir(exist_ok=True)
    written = [root / CONFIG_NAME, root / "content" / brief.name, root / ".gitignore"]
    schema_line = "# yaml-language-server: $schema=schema/briefgen.schema.json\n"
    written[0].write_text(schema_line + config.read_text("utf-8"), "utf-8")
    content_target = written[1]
    if content_target.exists():
        raise InputError(f"{content_target} already exists; not overwriting it")
    content_target.write_text(
        "# yaml-language-server: $schema=../schema/brief.schema.json\n" + brief.read_text("utf-8"),
        "utf-8",
    )
    if not written[2].exists():
        written[2].write_text("output/\n", "utf-8")
    from briefgen.schema import write_schemas

    written += write_schemas(root / "schema")
    return written


def list_templates(project: str | Path | None = None) -> list[dict[str, str]]:
    """The template sets a project can use: name, where it comes from, description."""
    from briefgen.templates import available_sets, load_set

    templates_dir = _templates_dir(project)
    rows = []
    for name, origin in available_sets(templates_dir).items():
        try:
            description = load_set(name, templates_dir).settings.description
        except InputError as exc:
            description = f"(broken: {exc})"
        rows.append({"name": name, "origin": origin, "description": description})
    return rows


def _templates_dir(project: str | Path | None) -> Path | None:
    try:
        return open_workspace(project).templates_dir
    except InputError:
        if project is not None:
            raise
        return None


def eject_template(
    name: str, project: str | Path | None = None, force: bool = False, to: str | None = None
) -> tuple[Path, list[Path]]:
    """Copy built-in template set ``name`` into the project's ``templates/`` to customize it."""
    from briefgen.templates import builtin_dir

    ws: Workspace = open_workspace(project)
    source = builtin_dir() / name
    if not source.is_dir():
        known = ", ".join(sorted(p.name for p in builtin_dir().iterdir() if p.is_dir()))
        raise InputError(f"no built-in template set '{name}'; built-in sets: {known}")
    target = ws.templates_dir / (to or name)
    if target.exists() and not force:
        raise InputError(f"{ws.display(target)} already exists; pass --force to overwrite it")
    shutil.copytree(
        source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    return target, sorted(p for p in target.rglob("*") if p.is_file())
