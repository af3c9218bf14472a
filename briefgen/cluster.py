"""Rendering on a Dask distributed cluster, for batches one machine cannot finish in time.

``briefgen build --scheduler tcp://HOST:8786`` (``pip install briefgen[dask]``) plans the
build here as usual and sends each render job to the cluster's workers as data: the audience's
view of the brief, the template set's files (loaded into memory and sent once per set to
every worker) and only the project files the job reads (a theme logo). No shared file system
is assumed. Workers return the rendered bytes; this process writes them atomically and keeps
the manifest, exactly as a local build does, and the files are byte for byte the same.

Which project files a job reads is known for the theme's logo; for anything else a template
asks for, the worker reports the files it looked for and did not get, and the job is sent
again with them (at most twice more).

On each Dask worker the jobs run in briefgen's own warm worker processes
(:class:`briefgen.workers.Pool`, one per Dask thread), so the time and memory limits hold
on the cluster too, and a render that hangs is stopped rather than holding a Dask thread.
The cluster's machines need briefgen installed, at the same version (the outputs' digests
and bytes depend on it): ``pip install briefgen[dask]`` and start ``dask worker``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from briefgen.errors import InputError, RenderError
from briefgen.files import FileTree
from briefgen.workers import Outcome

if TYPE_CHECKING:
    from briefgen.render import RenderJob
    from briefgen.templates import TemplateSet

MAX_ROUNDS = 3  # a job is sent again at most twice with project files it asked for


class DaskExecutor:
    """Renders jobs on the Dask cluster whose scheduler is at ``address``.

    Has the executor interface :func:`briefgen.pipeline.execute` uses: :meth:`imap`. Close
    it (or use it as a context manager) to disconnect.
    """

    def __init__(self, address: str, *, connect_timeout: float = 10.0):
        try:
            from distributed import Client
        except ImportError:
            raise InputError(
                "--scheduler needs Dask's distributed scheduler: pip install 'briefgen[dask]'"
            ) from None
        self.address = address
        try:
            self.client = Client(address, timeout=connect_timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError(f"cannot reach the Dask scheduler at {address}: {exc}") from None

    def imap(self, jobs: Sequence[RenderJob]) -> Iterator[tuple[int, Outcome]]:
        """Submit every job; yield ``(index, outcome)`` as each comes back."""
        from distributed import as_completed

        sets: dict[int, Any] = {}  # id(template set) -> its scattered in-memory copy
        index: dict[Any, tuple[int, int]] = {}  # future -> (job index, round)
        futures = as_completed(loop=self.client.loop)
        try:
            for i, job in enumerate(jobs):
                if id(job.tset) not in sets:
                    sets[id(job.tset)] = self.client.scatter(
                        shipped_set(job.tset), broadcast=True, hash=False
                    )
                self._submit(futures, index, i, job, _wanted(job), sets[id(job.tset)], 1)
            for future in futures:
                i, round_ = index.pop(future)
                outcome = _result(future, jobs[i])
                missing = _found_here(jobs[i], outcome) if not outcome.ok else []
                if missing and round_ < MAX_ROUNDS:
                    wanted = sorted({*_wanted(jobs[i]), *outcome.reads, *missing})
                    tset = sets[id(jobs[i].tset)]
                    self._submit(futures, index, i, jobs[i], wanted, tset, round_ + 1)
                    continue
                yield i, outcome
        finally:
            for future in list(index):
                future.cancel()

    def _submit(
        self,
        futures: Any,
        index: dict[Any, tuple[int, int]],
        i: int,
        job: RenderJob,
        wanted: list[str],
        tset: Any,
        round_: int,
    ) -> None:
        remote = replace(job, project=job.project.in_memory(wanted))
        future = self.client.submit(render_remote, remote, tset, pure=False)
        index[future] = (i, round_)
        futures.add(future)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def shipped_set(tset: TemplateSet) -> TemplateSet:
    """``tset`` with its files in memory, each folder loaded once (a set's own folder is
    also one of the built-in sets every set carries)."""
    from briefgen.templates import TemplateSet

    loaded: dict[tuple[str, Any], FileTree] = {}

    def load(tree: FileTree) -> FileTree:
        key = (tree.label, tree.root)
        if key not in loaded:
            loaded[key] = tree.in_memory()
        return loaded[key]

    return TemplateSet(
        tset.name,
        tuple(load(t) for t in tset.layers),
        tuple((name, load(t)) for name, t in tset.builtins),
        tset.settings,
    )


def _wanted(job: RenderJob) -> list[str]:
    """The project files a job is known to read before it runs: the theme's logo."""
    logo = job.view.theme.logo
    return [logo] if logo else []


def _found_here(job: RenderJob, outcome: Outcome) -> list[str]:
    """Files the remote render looked for in vain that this machine's project does have."""
    reads = outcome.reads.items()
    return [rel for rel, digest in reads if digest is None and job.project.exists(rel)]


def _result(future: Any, job: RenderJob) -> Outcome:
    try:
        outcome = future.result()
    except Exception as exc:  # the cluster lost the task (a worker died, a pickling error)
        return Outcome(job.label, error=f"{job.label}: the Dask cluster failed it: {exc}")
    if not isinstance(outcome, Outcome):
        return Outcome(job.label, error=f"{job.label}: the Dask worker returned {outcome!r}")
    if outcome.error and not outcome.exit_code:
        outcome.exit_code = RenderError.exit_code
    return outcome


# ---------------------------------------------------------------- on the Dask worker

_local = threading.local()


def render_remote(job: RenderJob, tset: TemplateSet) -> Outcome:
    """Runs on a Dask worker: render ``job`` with the template set sent along, in a warm
    local worker process of this Dask thread, under the job's time and memory limits."""
    from briefgen.workers import Pool

    job = replace(job, tset=tset)
    for attempt in range(2):
        pool = getattr(_local, "pool", None)
        if pool is None:
            pool = _local.pool = Pool(1)
        try:
            ((_i, outcome),) = pool.imap([job])  # runs the iterator to its end
            return outcome
        except RenderError:  # the local pool broke: start a fresh one, once
            pool.close()
            _local.pool = None
            if attempt:
                raise
    raise AssertionError("unreachable")  # pragma: no cover
