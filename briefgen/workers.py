"""Local render workers: warm processes that render jobs, each under a time and a memory limit.

Importing WeasyPrint costs most of a second and python-pptx a sixth of one, while rendering a
brief after that takes a few tenths. So a build renders in worker processes that import the
heavy libraries once and then render job after job. :class:`Pool` is that set of workers:

* **A zygote, started first.** ``Pool()`` at once starts one process, the zygote, that imports
  the renderers (WeasyPrint first) while the caller loads, validates and selects. Workers are
  forked from the zygote when there is work, so each starts warm in a few milliseconds,
  shares the zygote's memory copy-on-write, and a recycled worker costs nothing to replace.
  The zygote imports what the first requests need first (a PDF-only build does not wait for
  python-pptx) and then the rest.
* **Fork, not spawn.** On Linux the zygote is forked from the calling process when that is
  safe: one thread, and neither weasyprint nor pptx imported (the parent must stay light, and
  fork copies only the thread that calls it). Otherwise (threads running, e.g. inside a
  server, or WeasyPrint already loaded) it is started as a fresh interpreter, which costs
  about 0.1 s more and behaves the same. ``multiprocessing``'s ``forkserver`` would also
  work, but it always starts a fresh interpreter and forks workers only after importing
  everything, which is the slower order for a one-document build.
* **Limits.** Each job runs under its :class:`~briefgen.render.RenderOptions` limits: the
  worker's address space is capped with ``RLIMIT_AS`` (``memory_mb``; a ``MemoryError``, or a
  worker killed by running out, becomes a :class:`~briefgen.errors.RenderError`), and the
  parent kills a worker whose job runs past ``timeout`` seconds, reports a one-line error
  naming the output, and goes on with the next job on a fresh worker.
* **Recycling.** A worker exits after ``max_tasks`` documents (and after any failure), and a
  fresh fork of the zygote takes its place: memory stays flat over long batches. Before the
  first replacement, the zygote renders a small brief in each format (:meth:`Pool.warm_up`),
  so what a process's first render sets up is shared by every later worker.
* **No orphans.** Workers and the zygote ignore Ctrl-C (the parent handles it and kills
  them), die with their parent (``PR_SET_PDEATHSIG``) and exit when their pipe closes.

Jobs and results travel pickled over a socket pair per worker. This module imports only the
standard library at load time, so the CLI can start the pool before importing anything else.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import hashlib
import os
import pickle
import select
import signal
import socket
import subprocess
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Any, Protocol

from briefgen.errors import EXIT_INPUT, EXIT_RENDER, BriefgenError, InputError, RenderError

if TYPE_CHECKING:
    from briefgen.files import FileTree
    from briefgen.render import Rendered, RenderJob

FORMATS = ("pdf", "pptx", "html", "docx")
# What a worker imports to be warm for a format, in order. The PDF renderer brings the HTML one.
WARM_MODULES: dict[str, tuple[str, ...]] = {
    "pdf": ("briefgen.render.pdf", "pygal"),
    "pptx": (
        "briefgen.render.deck.builder",
        "briefgen.render.deck.layouts",
        "pptx.chart.xlsx",
        "xlsxwriter",
    ),
    "html": ("briefgen.render.html", "pygal"),
    "docx": (
        "briefgen.render.docx.builder",
        "pptx.chart.xmlwriter",
        "pptx.chart.chart",
        "xlsxwriter",
    ),
}
HEAVY_MODULES = ("weasyprint", "pptx", "docx")
DEFAULT_MAX_TASKS = 25  # documents per worker before it is replaced by a fresh fork
STARTUP_TIMEOUT = 120.0  # seconds for a requested worker to say hello (the zygote imports first)
_MSG_LIMIT = 1024
KILL_GRACE = 2.0  # seconds past a job's time limit before its worker is killed


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def supported() -> bool:
    """Whether worker processes can run here (they need Unix socket pairs that pass files)."""
    return hasattr(socket, "send_fds") and hasattr(socket, "SOCK_SEQPACKET") and os.name == "posix"


# ---------------------------------------------------------------- outcomes


@dataclass
class Outcome:
    """What rendering one job gave: the rendered file, or a one-line error; and the project
    files the render read (path -> sha256 of the bytes read, None when it was not there),
    which the manifest keeps so a changed logo re-renders the outputs that used it."""

    label: str
    rendered: Rendered | None = None
    error: str | None = None
    exit_code: int = 0
    reads: dict[str, str | None] = field(default_factory=dict)
    detail: str | None = None  # the failure's traceback, which the CLI shows with --debug

    @property
    def ok(self) -> bool:
        return self.rendered is not None


class _Recording:
    """Wraps a project :class:`FileTree`, remembering every file a render asks for."""

    def __init__(self, tree: FileTree):
        self._tree = tree
        self.reads: dict[str, str | None] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tree, name)

    def read(self, rel: str) -> bytes | None:
        data = self._tree.read(rel)
        self.reads[rel] = hashlib.sha256(data).hexdigest() if data is not None else None
        return data

    def exists(self, rel: str) -> bool:
        found = self._tree.exists(rel)
        if not found:
            self.reads.setdefault(rel, None)
        return found


def render_job(
    job: RenderJob,
    renderer: Callable[[RenderJob], Rendered] | None = None,
    *,
    memory: bool = True,
) -> Outcome:
    """Render ``job`` under its limits and say how it went; never raises for a failed render.

    The time limit (:func:`briefgen.limits.time_limit`) applies wherever this runs; the
    memory limit too unless ``memory`` is False (a worker sets it around the whole job).
    Expected failures keep their message and exit code; a ``MemoryError`` becomes a render
    error naming the limit; anything else is reported as a renderer bug, in one line.
    """
    from briefgen.limits import TimeLimitExceeded, memory_limit, time_limit

    if renderer is None:
        from briefgen.render import run as renderer
    recording = _Recording(job.project)
    tracked = replace(job, project=recording)  # type: ignore[arg-type]
    outcome = Outcome(job.label)
    memory_cap = memory_limit(job.options.memory_mb) if memory else contextlib.nullcontext()
    try:
        try:
            with memory_cap, time_limit(job.options.timeout, "render"), _collection_paused():
                outcome.rendered = renderer(tracked)
        except Exception:
            outcome.detail = traceback.format_exc()
            raise
    except TimeLimitExceeded:
        outcome.error, outcome.exit_code = out_of_time(job.label, job.options.timeout), EXIT_RENDER
    except MemoryError:
        outcome.error, outcome.exit_code = _out_of_memory(job), EXIT_RENDER
    except BriefgenError as exc:
        if _caused_by(exc, MemoryError):  # a renderer that turned it into its own error
            outcome.error, outcome.exit_code = _out_of_memory(job), EXIT_RENDER
        else:
            outcome.error, outcome.exit_code = str(exc), exc.exit_code
    except RecursionError:
        outcome.error, outcome.exit_code = f"{job.label}: too deeply nested to render", EXIT_RENDER
    except Exception as exc:  # a renderer bug: one line, and the build goes on
        outcome.error = f"{job.label}: {type(exc).__name__}: {exc}"
        outcome.exit_code = EXIT_RENDER
    outcome.reads = recording.reads
    return outcome


class Executor(Protocol):
    """What renders jobs: :class:`Pool` (local workers) or the Dask executor."""

    def imap(self, jobs: Sequence[RenderJob]) -> Iterator[tuple[int, Outcome]]: ...


def render_all(
    jobs: Sequence[RenderJob],
    pool: Executor | None = None,
    renderer: Callable[[RenderJob], Rendered] | None = None,
) -> Iterator[tuple[int, Outcome]]:
    """Render ``jobs`` and yield ``(index, outcome)`` as each finishes: the one way briefgen
    renders, for build, watch, check, serve and the API.

    On ``pool`` (worker processes, or a cluster) when given, else here, one after the other;
    either way each job runs under its time and memory limits (:func:`render_job`), and a
    failure is an outcome, never an exception.
    """
    if pool is not None:
        yield from pool.imap(jobs)
        return
    for index, job in enumerate(jobs):
        yield index, render_job(job, renderer)


@contextlib.contextmanager
def _collection_paused() -> Iterator[None]:
    """No cyclic garbage collection during one render (as it was before, after it).

    What a render allocates (WeasyPrint's boxes and styles, the deck's XML) lives until the
    render ends, so the collector, run every few hundred allocations, walked that growing heap
    again and again to find little: with it, a 62-page brief took 13% longer, and its time
    per page grew with its length (1.10x the 5-page sample's, against 0.92x without).
    Peak memory rose by 3% (105 to 108 MB). Reference counting still frees the rest at once,
    and cycles left behind are collected after the render.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def out_of_time(label: str, seconds: float) -> str:
    """The one-line error of a render stopped at its time limit (in a worker or here)."""
    return (
        f"{label}: stopped after {seconds:g} s, the time limit for one render "
        "(a layout or template that never ends? raise it with --timeout)"
    )


def _out_of_memory(job: RenderJob) -> str:
    return (
        f"{job.label}: ran out of memory (the limit is {job.options.memory_mb} MB per render; "
        "raise it with --memory-limit)"
    )


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def error_of(outcome: Outcome) -> BriefgenError:
    """The exception a failed outcome stands for (input errors exit 2, render errors 1)."""
    cls = InputError if outcome.exit_code == EXIT_INPUT else RenderError
    return cls(outcome.error or f"{outcome.label}: failed")


# ---------------------------------------------------------------- the worker process


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (no orphans after a crash)."""
    parent = os.getppid()
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _worker_main(conn: Connection) -> None:
    """Serve jobs on ``conn`` until it closes or this worker has done its share."""
    from briefgen.limits import set_address_limit

    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    conn.send_bytes(pickle.dumps(("hello", os.getpid())))
    while True:
        try:
            message = conn.recv_bytes()
        except (EOFError, OSError):
            return
        seq, job, retire_after = pickle.loads(message)
        conn.send_bytes(pickle.dumps(("begin", seq)))
        set_address_limit(job.options.memory_mb)
        outcome = render_job(job, memory=False)
        set_address_limit(0)
        try:
            payload = pickle.dumps(("done", seq, outcome), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # a result that cannot travel: report it instead
            bad = Outcome(job.label, error=f"{job.label}: cannot return the result: {exc}")
            bad.exit_code = EXIT_RENDER
            payload = pickle.dumps(("done", seq, bad))
        conn.send_bytes(payload)
        if retire_after or not outcome.ok:
            return  # a fresh fork takes over: memory stays flat, no state survives a failure


# ---------------------------------------------------------------- the zygote process


def _warm(fmt: str) -> None:
    import importlib

    for name in WARM_MODULES.get(fmt, ()):
        with contextlib.suppress(Exception):
            importlib.import_module(name)


# A small brief rendered once in the zygote, when asked, so that what a first render sets up
# (fonts, layout and PDF code paths, chart parts) is there in every worker forked after it.
_WARM_UP_BRIEF = {
    "title": "Warm-up",
    "date": "2026-01-01",
    "summary": "Warming up the **renderers**, with *emphasis* and a [link](https://example.org).",
    "key_messages": ["One message."],
    "sections": [
        {
            "id": "one",
            "title": "One",
            "lead": "A lead.",
            "points": ["A point.", {"text": "Another point.", "detail": "Its detail."}],
            "quotes": [{"text": "A quote.", "speaker": "Someone"}],
            "figures": [
                {
                    "id": "bars",
                    "kind": "chart",
                    "title": "Bars",
                    "chart": "column",
                    "categories": ["a", "b"],
                    "series": [{"name": "s", "values": [1, 2]}],
                },
                {
                    "id": "grid",
                    "kind": "table",
                    "title": "Grid",
                    "columns": ["a", "b"],
                    "rows": [["1", "2"]],
                },
            ],
        }
    ],
    "timeline": [{"date": "2026", "event": "An event."}],
}


def _warm_up(formats: Iterable[str]) -> None:
    """Render the warm-up brief in each of ``formats`` and throw the results away."""
    try:
        from briefgen.audience import select
        from briefgen.files import FileTree
        from briefgen.model import Brief, Project
        from briefgen.render import RenderJob, run
        from briefgen.templates import load_set

        brief = Brief.model_validate(_WARM_UP_BRIEF)
        view = select(brief, "warm-up", "all", Project.model_validate({"audiences": {"all": {}}}))
        tset = load_set("default", None)
    except Exception:  # best effort: a worker warms up on its first real job anyway
        return
    for fmt in formats:
        with contextlib.suppress(Exception):
            run(RenderJob(view, tset, FileTree("project", None, {}), fmt))  # type: ignore[arg-type]


def _zygote_main(ctl: socket.socket, warm: Sequence[str]) -> None:
    """Import the renderers, then fork a worker for each request that arrives on ``ctl``.

    A request is a message naming the formats the worker will render, with one end of a
    socket pair attached; the worker talks to the pool over it. Requests are served as soon
    as the formats they need are imported, so the first worker does not wait for the rest.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the pool's owner handles Ctrl-C
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the kernel
    _die_with_parent()
    gc.disable()  # importing creates objects that live for good: collecting them is waste
    todo = [f for f in dict.fromkeys(warm) if f in WARM_MODULES]
    done: set[str] = set()
    requests: deque[tuple[list[str], int]] = deque()
    rehearse = False  # asked to render the warm-up brief (before recycled workers are forked)
    while True:
        block = not todo and not requests and not rehearse
        while True:
            readable, _, _ = select.select([ctl], [], [], None if block else 0)
            if not readable:
                break
            try:
                data, fds, _flags, _addr = socket.recv_fds(ctl, _MSG_LIMIT, 4)
            except OSError:
                data, fds = b"", []
            if not data:
                os._exit(0)  # the pool closed: no more workers
            if data == b"W":
                rehearse = True
            else:
                names = data.decode("ascii", "replace").split(",")
                needs = [f for f in names if f in WARM_MODULES]
                for fd in fds:
                    requests.append((needs, fd))
            block = False
        while requests:
            needs, fd = requests[0]
            missing = [f for f in needs if f not in done]
            if missing:
                _warm(missing[0])
                done.add(missing[0])
                if missing[0] in todo:
                    todo.remove(missing[0])
                break
            requests.popleft()
            _fork_worker(fd, ctl)
        else:
            if todo:
                fmt = todo.pop(0)
                _warm(fmt)
                done.add(fmt)
            elif rehearse:
                gc.enable()
                _warm_up([f for f in FORMATS if f in done])
                gc.collect()  # the rendering's garbage, not the caches it filled
                gc.disable()
                rehearse = False


def _fork_worker(fd: int, ctl: socket.socket) -> None:
    try:
        pid = os.fork()
    except OSError:
        os.close(fd)  # the pool sees the pipe close and reports it
        return
    if pid == 0:
        code = 0
        try:
            ctl.close()
            _die_with_parent()
            gc.freeze()  # the zygote's objects: never collected, so never touched (shared)
            gc.enable()
            _worker_main(Connection(fd))
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(fd)


def _zygote_entry() -> None:
    """``python -m briefgen.workers FD FORMATS``: the zygote as a fresh interpreter."""
    fd, warm = int(sys.argv[1]), sys.argv[2].split(",") if len(sys.argv) > 2 else []
    ctl = socket.socket(fileno=fd)
    try:
        _zygote_main(ctl, warm)
    finally:
        os._exit(0)


# ---------------------------------------------------------------- the pool


@dataclass
class _Worker:
    conn: Connection
    pid: int | None = None  # known once the worker says hello
    started: float = field(default_factory=time.monotonic)
    tasks: int = 0
    seq: int | None = None  # the job it is on
    begun: float | None = None  # when it started that job
    timeout: float = 0.0
    retiring: bool = False


class Pool:
    """Warm local worker processes; see the module documentation.

    ``Pool(2)`` starts the zygote at once; :meth:`imap` renders jobs on up to ``workers``
    processes and yields ``(index, Outcome)`` as each finishes. Use it as a context manager,
    or call :meth:`close`, so no process outlives it. The same pool serves many calls to
    :meth:`imap` (``briefgen watch`` keeps one for its whole session).
    """

    def __init__(
        self,
        workers: int | None = None,
        *,
        warm: Iterable[str] = FORMATS,
        max_tasks: int = DEFAULT_MAX_TASKS,
        start_method: str | None = None,
    ):
        if not supported():
            raise RuntimeError("worker processes need a POSIX system with Unix socket pairs")
        self.size = max(1, workers or default_jobs())
        self.max_tasks = max(1, max_tasks)
        self.warm = tuple(f for f in warm if f in WARM_MODULES) or FORMATS
        self.start_method = start_method or ("fork" if _fork_is_safe() else "spawn")
        self._workers: list[_Worker] = []
        self._zygote: int | None = None
        self._spawned: subprocess.Popen[bytes] | None = None
        self._ctl: socket.socket | None = None
        self._closed = False
        self._warmed_up = False
        self.started_workers = 0  # how many worker processes this pool has had (for tests)
        self._start_zygote()

    # -- processes

    def _start_zygote(self) -> None:
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        if self.start_method == "fork":
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                try:
                    parent.close()
                    _zygote_main(child, self.warm)
                finally:
                    os._exit(0)
            self._zygote = pid
        else:
            self._spawned = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    "from briefgen.workers import _zygote_entry; _zygote_entry()",
                    str(child.fileno()),
                    ",".join(self.warm),
                ],
                pass_fds=(child.fileno(),),
                stdin=subprocess.DEVNULL,
            )
            self._zygote = self._spawned.pid
        child.close()
        self._ctl = parent

    def _request_worker(self, needs: Sequence[str]) -> _Worker:
        """Ask the zygote for one more worker; it says hello when it is ready."""
        assert self._ctl is not None
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            message = (",".join(needs) or "-").encode("ascii")
            socket.send_fds(self._ctl, [message], [theirs.fileno()])
        except OSError as exc:
            ours.close()
            raise RenderError(f"the render workers stopped ({exc})") from None
        finally:
            theirs.close()
        worker = _Worker(Connection(ours.detach()))
        self._workers.append(worker)
        self.started_workers += 1
        return worker

    def warm_up(self) -> None:
        """Have the zygote render a small brief in every format it loaded, so workers forked
        after it (recycled ones, a long session's) skip what a first render costs. Asked
        for when a batch is long enough to recycle workers; ``briefgen watch`` asks at once."""
        if self._warmed_up or self._ctl is None:
            return
        self._warmed_up = True
        with contextlib.suppress(OSError):
            self._ctl.send(b"W")

    def _drop(self, worker: _Worker, kill: bool = False) -> None:
        if kill and worker.pid:
            with contextlib.suppress(OSError):
                os.kill(worker.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            worker.conn.close()
        if worker in self._workers:
            self._workers.remove(worker)

    @property
    def pids(self) -> list[int]:
        """Process ids of the zygote and the live workers (for tests and diagnostics)."""
        return [p for p in (self._zygote, *(w.pid for w in self._workers)) if p]

    # -- rendering

    def imap(self, jobs: Sequence[RenderJob]) -> Iterator[tuple[int, Outcome]]:
        """Render ``jobs`` (in that order of starting) and yield ``(index, outcome)`` as each
        finishes. A job that runs out of time or kills its worker yields a failed outcome;
        the other jobs go on. Stopping early (an exception, Ctrl-C, closing the iterator)
        kills the workers that were still busy."""
        if self._closed:
            raise RuntimeError("the pool is closed")
        pending = deque(range(len(jobs)))
        needs = sorted({j.format for j in jobs}, key=FORMATS.index)
        busy: dict[int, _Worker] = {}  # seq -> worker
        clean = False
        try:
            while pending or busy:
                self._staff(len(pending), needs)
                self._fill(jobs, pending, busy)
                finished = list(self._collect(jobs, busy))
                if finished and pending:  # give the freed workers their next job first:
                    self._staff(len(pending), needs)  # the caller writes each result
                    self._fill(jobs, pending, busy)  # meanwhile
                yield from finished
            clean = True
        finally:
            if not clean:
                for worker in list(busy.values()):
                    self._drop(worker, kill=True)

    def _fill(
        self, jobs: Sequence[RenderJob], pending: deque[int], busy: dict[int, _Worker]
    ) -> None:
        """Give every idle worker the next pending job."""
        for worker in [w for w in self._workers if w.pid and w.seq is None]:
            if not pending:
                break
            seq = pending.popleft()
            self._dispatch(worker, seq, jobs[seq])
            busy[seq] = worker

    def _staff(self, pending: int, needs: Sequence[str]) -> None:
        """Have enough workers, live or starting, for the work left. A retiring worker is
        replaced once it has finished, not before: never more than ``size`` workers at once,
        so memory stays flat (a warm fork costs milliseconds)."""
        live = self._workers
        idle_or_starting = sum(1 for w in live if w.seq is None)
        busy = len(live) - idle_or_starting
        wanted = min(self.size, busy + pending) - len(live)
        for _ in range(max(0, wanted)):
            self._request_worker(needs)

    def _dispatch(self, worker: _Worker, seq: int, job: RenderJob) -> None:
        worker.tasks += 1
        worker.retiring = worker.tasks >= self.max_tasks
        if worker.tasks * 2 >= self.max_tasks:
            self.warm_up()  # workers will be recycled: let their successors start warm
        # The clock starts now and restarts when the worker says it has begun, so a job
        # stuck before it starts is stopped too.
        # The worker stops the render itself at its limit (a clean error); the kill, a little
        # later, is for a render stuck where a signal cannot reach (inside C code).
        timeout = float(job.options.timeout) + KILL_GRACE
        worker.seq, worker.begun, worker.timeout = seq, time.monotonic(), timeout
        payload = pickle.dumps((seq, job, worker.retiring), protocol=pickle.HIGHEST_PROTOCOL)
        with contextlib.suppress(OSError):  # if it died, the collector sees the closed pipe
            worker.conn.send_bytes(payload)

    def _collect(
        self, jobs: Sequence[RenderJob], busy: dict[int, _Worker]
    ) -> Iterator[tuple[int, Outcome]]:
        """Wait for the next messages (or the nearest deadline) and handle them."""
        now = time.monotonic()
        deadlines = [w.begun + w.timeout for w in busy.values() if w.begun is not None]
        deadlines += [w.started + STARTUP_TIMEOUT for w in self._workers if w.pid is None]
        timeout = max(0.0, min(deadlines) - now) if deadlines else None
        conns = {w.conn: w for w in self._workers}
        if not conns:
            raise RenderError("the render workers stopped")  # pragma: no cover - defensive
        ready = wait(list(conns), timeout)
        for conn in ready:
            worker = conns[conn]
            try:
                kind, *rest = pickle.loads(conn.recv_bytes())
            except (EOFError, OSError, pickle.UnpicklingError):
                yield from self._lost(worker, jobs, busy)
                continue
            if kind == "hello":
                worker.pid = rest[0]
            elif kind == "begin":
                worker.begun = time.monotonic()
            elif kind == "done":
                seq, outcome = rest
                busy.pop(seq, None)
                worker.seq = None
                if worker.retiring or not outcome.ok:
                    self._drop(worker)  # it exits by itself; a fresh fork replaces it
                yield seq, outcome
        now = time.monotonic()
        for worker in list(self._workers):
            if worker.seq is not None and worker.begun and now > worker.begun + worker.timeout:
                seq = worker.seq
                busy.pop(seq, None)
                self._drop(worker, kill=True)
                label = jobs[seq].label
                message = out_of_time(label, worker.timeout - KILL_GRACE)
                yield seq, Outcome(label, error=message, exit_code=EXIT_RENDER)
            elif worker.pid is None and now > worker.started + STARTUP_TIMEOUT:
                self._drop(worker, kill=True)
                raise RenderError(f"a render worker did not start within {STARTUP_TIMEOUT:g} s")

    def _lost(
        self, worker: _Worker, jobs: Sequence[RenderJob], busy: dict[int, _Worker]
    ) -> Iterator[tuple[int, Outcome]]:
        """A worker's pipe closed: report its job, if it had one."""
        self._drop(worker, kill=True)
        if worker.pid is None:
            if self._zygote_alive():
                return  # a failed fork: the next round asks for another
            raise RenderError("the render workers stopped (their parent process exited)")
        if worker.seq is None:
            return
        seq = worker.seq
        busy.pop(seq, None)
        job = jobs[seq]
        message = (
            f"{job.label}: the renderer process died while rendering "
            f"(out of memory? the limit is {job.options.memory_mb} MB per render)"
        )
        yield seq, Outcome(job.label, error=message, exit_code=EXIT_RENDER)

    def _zygote_alive(self) -> bool:
        if self._zygote is None:
            return False
        try:
            pid, _status = os.waitpid(self._zygote, os.WNOHANG)
        except ChildProcessError:
            return False
        return pid == 0

    # -- shutting down

    def close(self) -> None:
        """Stop every worker and the zygote, and wait for the zygote to exit."""
        if self._closed:
            return
        self._closed = True
        pids = [w.pid for w in self._workers if w.pid]
        for worker in list(self._workers):
            self._drop(worker, kill=True)
        # The zygote reaps killed workers (SIGCHLD ignored): let it, before it goes too, so
        # none is left for init to collect.
        deadline = time.monotonic() + 1.0
        while pids and time.monotonic() < deadline:
            pids = [p for p in pids if _alive(p)]
            if pids:
                time.sleep(0.005)
        if self._ctl is not None:
            with contextlib.suppress(OSError):
                self._ctl.close()
        if self._zygote is not None:
            with contextlib.suppress(OSError):
                os.kill(self._zygote, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(self._zygote, 0)
        if self._spawned is not None:
            self._spawned.returncode = -signal.SIGKILL  # reaped above; keep Popen quiet

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _fork_is_safe() -> bool:
    """Fork only a light, single-threaded process (see the module documentation)."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    if any(name in sys.modules for name in HEAVY_MODULES):
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:  # pragma: no cover
        import threading

        return threading.active_count() == 1


if __name__ == "__main__":  # pragma: no cover - the spawned zygote
    _zygote_entry()
