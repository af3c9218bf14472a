"""Watching a project, and rebuilding what an edit touched: ``briefgen watch``.

The reusable part is small and has no opinion about what to do with a change:

* :func:`watch_paths` and :func:`input_filter`: what to watch in a project (its folder minus
  the output folder and editor litter, plus a checkout's built-in template sets);
* :func:`watch_project` (blocking, for a thread or a command) and :func:`changes` (async, for
  a server): call back / yield the set of changed files after each save;
* :func:`classify` and :func:`affected_targets`: what a set of changed files means for a
  plan: the config, which briefs, which template sets, which other project files (a logo),
  and so which targets may now be out of date.

:class:`Rebuilder` puts them together for the command: it keeps the last plan, prepares again
only the briefs an edit touched (all of them after a config or template edit, where the
incremental digests then skip every output that did not really change), and renders on a
warm :class:`~briefgen.workers.Pool`, fastest formats first, so the HTML is there first.
"""

from __future__ import annotations

import re
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from briefgen.pipeline import BuildResult, Executor, Plan, Progress, Target
    from briefgen.project import Workspace
    from briefgen.render import RenderOptions

# Editor litter and folders that never hold an input.
_IGNORED_NAMES = re.compile(r"(^\.#|^#.*#$|~$|\.sw[a-p]$|\.tmp$|^\.DS_Store$|\.py[cod]$|^4913$)")
_IGNORED_DIRS = {".git", ".hg", ".svn", "__pycache__", ".venv", "node_modules", ".briefgen-cache"}
STEP_MS = 20  # a change is reported once no other arrived for this long
DEBOUNCE_MS = 400  # ... or at the latest after this long, while an editor keeps writing
FASTEST_FIRST = ("html", "docx", "pdf", "pptx")


# ---------------------------------------------------------------- what to watch


def watch_paths(root: Path) -> list[Path]:
    """The folders to watch for the project in ``root``: the project, and the built-in
    template sets when they are a checkout outside it (for template authors; an installed
    package never changes under a running process)."""
    from briefgen.templates import builtin_dir

    paths = [root]
    builtin = builtin_dir().resolve()
    if not builtin.is_relative_to(root) and "site-packages" not in builtin.parts:
        paths.append(builtin)
    return paths


def input_filter(outputs: Callable[[], Path | None]) -> Callable[[Any, str], bool]:
    """A ``watchfiles`` filter passing changes to inputs only: not the output folder
    (``outputs()`` is asked each time, as the config can move it), not editor swap files."""

    def accept(_change: Any, path: str) -> bool:
        p = Path(path)
        if _IGNORED_NAMES.search(p.name) or _IGNORED_DIRS.intersection(p.parts):
            return False
        out = outputs()
        return not (out is not None and p.is_relative_to(out))

    return accept


def watch_project(
    ws: Workspace,
    on_change: Callable[[set[Path]], None],
    *,
    stop: threading.Event | None = None,
    output_dir: Path | None = None,
) -> None:
    """Call ``on_change(paths)`` with the changed files (absolute) after each save, until
    ``stop`` is set (or Ctrl-C). Blocks: run it in a thread to do something else."""
    from watchfiles import watch

    out = (output_dir or ws.output_dir).resolve()
    for batch in watch(
        *[p for p in watch_paths(ws.root) if p.exists()],
        watch_filter=input_filter(lambda: out),
        step=STEP_MS,
        debounce=DEBOUNCE_MS,
        stop_event=stop,
        raise_interrupt=False,
    ):
        on_change({Path(path) for _kind, path in batch})


async def changes(
    root: Path, output_dir: Callable[[], Path | None], stop: Any = None
) -> AsyncIterator[set[Path]]:
    """Yield the set of changed input files of the project in ``root`` after each save,
    until ``stop`` (an ``anyio.Event``) is set. It takes a folder, not a workspace, so a
    server can watch a project whose config is broken; ``output_dir`` is asked for the
    output folder each time, as a config edit can move it."""
    from watchfiles import awatch

    async for batch in awatch(
        *[p for p in watch_paths(root) if p.exists()],
        watch_filter=input_filter(output_dir),
        step=STEP_MS,
        debounce=DEBOUNCE_MS,
        stop_event=stop,
    ):
        yield {Path(path) for _kind, path in batch}


# ---------------------------------------------------------------- what a change means


@dataclass(frozen=True)
class Change:
    """A set of changed files, sorted by what they are to a project."""

    config: bool = False  # briefgen.yaml
    briefs: frozenset[Path] = frozenset()  # content files saved (new ones included)
    removed: frozenset[Path] = frozenset()  # content files gone
    templates: frozenset[str] = frozenset()  # template set names; "*" for a built-in file
    files: frozenset[str] = frozenset()  # other project files, relative: a logo

    @property
    def everything(self) -> bool:
        """Whether every brief has to be looked at again (the digests say which render)."""
        return self.config or bool(self.templates)


def classify(ws: Workspace, paths: Iterable[Path]) -> Change:
    """Sort changed ``paths`` into config, briefs, template sets and other project files."""
    from briefgen.templates import builtin_dir

    root, content, templates = ws.root, ws.content_dir.resolve(), ws.templates_dir.resolve()
    builtin = builtin_dir().resolve()
    config = False
    briefs: set[Path] = set()
    removed: set[Path] = set()
    sets: set[str] = set()
    files: set[str] = set()
    for path in paths:
        path = Path(path).absolute()
        if ws.config_file is not None and path == ws.config_file:
            config = True
        elif path.parent == content and path.suffix in (".yaml", ".yml"):
            (briefs if path.is_file() else removed).add(path)
        elif path.is_relative_to(templates):
            sets.add(path.relative_to(templates).parts[0])
        elif path.is_relative_to(builtin):
            sets.add("*")
        elif path.is_relative_to(root):
            files.add(path.relative_to(root).as_posix())
    return Change(config, frozenset(briefs), frozenset(removed), frozenset(sets), frozenset(files))


def affected_targets(plan: Plan, paths: Iterable[Path], manifest: Any = None) -> list[Target]:
    """The targets of ``plan`` that the changed ``paths`` may have made out of date.

    A config change affects every target; a brief file its own targets; a file of a
    template set the targets using that set (any built-in file: all of them); another
    project file the targets whose last render read it (from ``manifest``, the output
    folder's :class:`~briefgen.output.Manifest`, when given) or whose theme shows it.
    """
    change = classify(plan.workspace, paths)
    if change.config or "*" in change.templates:
        return list(plan.targets)
    briefs = {lb.id for lb in plan.briefs if lb.path.absolute() in change.briefs | change.removed}
    out = []
    for target in plan.targets:
        job = target.job
        layers = {t.label for t in job.tset.layers}
        if (
            job.view.id in briefs
            or any(f"templates/{name}" in layers for name in change.templates)
            or (change.files and _reads(target, manifest) & change.files)
        ):
            out.append(target)
    return out


def _reads(target: Target, manifest: Any) -> set[str]:
    reads = set()
    if manifest is not None:
        entry = manifest.entry(target.path) or {}
        reads |= set(entry.get("reads") or {})
    if target.job.view.theme.logo:
        reads.add(target.job.view.theme.logo)
    return reads


# ---------------------------------------------------------------- the watch command


@dataclass
class Rebuilder:
    """Builds a project, then rebuilds what each change touches; what ``briefgen watch`` runs.

    ``briefs``, ``audiences``, ``formats``, ``output_dir`` and ``options`` are as for
    :func:`briefgen.pipeline.prepare`; renders go to ``pool``.
    """

    project: Path | str | None
    pool: Executor | None
    briefs: Sequence[Path] | None = None
    audiences: Sequence[str] | None = None
    formats: Sequence[str] | None = None
    output_dir: Path | None = None
    options: RenderOptions | None = None
    progress: Progress | None = None
    ws: Workspace | None = field(default=None, init=False)
    plan: Plan | None = field(default=None, init=False)

    def build(self, force: bool = False) -> BuildResult:
        """Prepare the whole project and build what is out of date (everything if ``force``)."""
        from briefgen.project import open_workspace

        self.ws = open_workspace(self.project)
        self.plan = self._prepare(self.briefs)
        result = self._execute(self.plan, force)
        warm_up = getattr(self.pool, "warm_up", None)
        if warm_up is not None:
            warm_up()  # a long session: workers forked from now on start warm
        return result

    def rebuild(self, paths: Iterable[Path]) -> BuildResult | None:
        """Rebuild after ``paths`` changed; None when none of them is an input of the build.

        Raises :class:`~briefgen.errors.InputError` for an input that is now bad; the last
        good plan is kept, so the next save starts from it.
        """
        from briefgen.output import Manifest
        from briefgen.pipeline import Plan
        from briefgen.project import open_workspace

        if self.ws is None or self.plan is None:
            return self.build()
        change = classify(self.ws, paths)
        if change.config:
            self.ws = open_workspace(self.project)
        wanted = self._wanted()
        if change.everything:
            plan = self._prepare(self.briefs)
            self.plan = plan
            return self._execute(plan)
        manifest = Manifest.load(self.plan.output_dir)
        touched = {t.job.view.id for t in affected_targets(self.plan, paths, manifest)}
        again = {lb.path for lb in self.plan.briefs if lb.id in touched}
        again |= {p for p in change.briefs if wanted is None or p in wanted}
        again -= set(change.removed)
        kept = [lb for lb in self.plan.briefs if lb.path not in again | change.removed]
        if not again:
            if change.removed:
                self.plan = replace(self.plan, briefs=kept, targets=self._targets_of(kept))
            return None
        fresh = self._prepare(sorted(again))
        ids = {lb.id for lb in fresh.briefs}
        targets = [t for t in self._targets_of(kept) if t.job.view.id not in ids]
        self.plan = Plan(
            self.ws,
            fresh.output_dir,
            targets + fresh.targets,
            fresh.warnings,
            [lb for lb in kept if lb.id not in ids] + fresh.briefs,
        )
        return self._execute(fresh)

    def _wanted(self) -> set[Path] | None:
        return {Path(b).absolute() for b in self.briefs} if self.briefs else None

    def _targets_of(self, briefs: Sequence[Any]) -> list[Target]:
        assert self.plan is not None
        ids = {lb.id for lb in briefs}
        return [t for t in self.plan.targets if t.job.view.id in ids]

    def _prepare(self, briefs: Sequence[Path] | None) -> Plan:
        from briefgen.pipeline import prepare

        assert self.ws is not None
        if briefs is not None:
            briefs = [Path(b).absolute() for b in briefs]
        return prepare(self.ws, briefs, self.audiences, self.formats, self.output_dir, self.options)

    def _execute(self, plan: Plan, force: bool = False) -> BuildResult:
        from briefgen.pipeline import execute

        return execute(
            plan,
            force=force,
            progress=self.progress,
            pool=self.pool,
            first=FASTEST_FIRST,
            interleave=True,  # a page, a PDF and a deck at once: the first of each comes soonest
        )
