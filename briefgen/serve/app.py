"""The preview server's state and routes.

:class:`Preview` holds the project as last loaded (a *snapshot*: the plan, or the errors
that stopped it) and renders what a page asks for, lazily, once per snapshot: the HTML
brief and the slide plan at once (tens of milliseconds), the ``check`` of a brief and
audience, with the PDF laid out on the way, after that (about a second). When a watched
file is saved the snapshot is reloaded and every open page is told over server-sent
events; the page then fetches the parts it shows.

Nothing here reads a path from a request: briefs and audiences are looked up by name in
the snapshot, rendered outputs live in memory, and static files come from this package.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import anyio
import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from briefgen import __version__
from briefgen.check import Finding, ItemCheck, Report, findings_from_error
from briefgen.errors import BriefgenError, InputError
from briefgen.render import Rendered, RenderJob, RenderOptions
from briefgen.workers import Executor, Outcome, error_of

HERE = Path(__file__).parent
HEARTBEAT = 15.0  # seconds between keep-alive comments on an idle event stream
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
# The app's own pages load only their own script and style; rendered briefs, only what
# they carry inline (the standalone HTML inlines its fonts and images as data: URIs).
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-src 'self'; object-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'self'"
)
BRIEF_CSP = (
    "default-src 'none'; style-src 'unsafe-inline' data:; font-src data:; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox allow-same-origin"
)
HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@dataclass
class Snapshot:
    """The project as loaded after a change: a plan, or the errors that stopped one."""

    generation: int
    plan: Any = None  # briefgen.pipeline.Plan
    errors: list[Finding] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    title: str = ""

    @property
    def ok(self) -> bool:
        return self.plan is not None

    def items(self) -> list[tuple[str, str]]:
        """(brief id, audience name) pairs, in the plan's order."""
        if self.plan is None:
            return []
        pairs = ((t.job.view.id, t.job.view.audience.name) for t in self.plan.targets)
        return list(dict.fromkeys(pairs))

    def job(self, brief: str, audience: str, fmt: str) -> RenderJob | None:
        """The render job of one item in ``fmt``, whether or not the audience builds it."""
        if self.plan is None:
            return None
        jobs = [
            t.job
            for t in self.plan.targets
            if (t.job.view.id, t.job.view.audience.name) == (brief, audience)
        ]
        exact = next((j for j in jobs if j.format == fmt), None)
        return exact or (replace(jobs[0], format=fmt) if jobs else None)


class Preview:
    """The project being previewed; see the module's docstring."""

    def __init__(
        self, root: Path, options: RenderOptions | None = None, pool: Executor | None = None
    ):
        self.root = root.resolve()
        self.options = options or RenderOptions()
        self.current = Snapshot(0)
        self.good: Snapshot | None = None  # the last snapshot with a plan
        self._listeners: set[asyncio.Queue[Snapshot]] = set()
        self._cache: dict[tuple, asyncio.Future[Any]] = {}
        self._done: dict[tuple[int, str], Outcome] = {}
        self._load_lock = threading.Lock()
        self._render_lock = threading.Lock()  # one batch at a time on the pool
        self.pool = pool if pool is not None else _start_pool()
        self.reload([])

    # ------------------------------------------------------------ loading

    def reload(self, changed: list[str]) -> Snapshot:
        """Load the project again (in a worker thread when called from the server)."""
        from briefgen.pipeline import prepare
        from briefgen.project import open_workspace

        with self._load_lock:
            started = time.perf_counter()
            snap = Snapshot(self.current.generation + 1, changed=changed)
            try:
                ws = open_workspace(self.root)
                snap.title = self.root.name
                snap.plan = prepare(ws, options=self.options)
            except BriefgenError as exc:
                snap.errors = findings_from_error(exc)
            except Exception as exc:  # a bug: show it, keep serving the last good version
                snap.errors = [Finding("render", f"internal error: {type(exc).__name__}: {exc}")]
            snap.seconds = time.perf_counter() - started
            self.current = snap
            if snap.ok:
                self.good = snap
            return snap

    async def refresh(self, changed: list[str]) -> Snapshot:
        snap = await anyio.to_thread.run_sync(self.reload, changed)
        self._cache = {k: v for k, v in self._cache.items() if k[0] == self.shown.generation}
        await anyio.to_thread.run_sync(self._forget, self.shown.generation)
        for queue in list(self._listeners):
            queue.put_nowait(snap)
        return snap

    @property
    def shown(self) -> Snapshot:
        """The snapshot pages show: the current one, else the last good one."""
        return self.current if self.current.ok or self.good is None else self.good

    # ------------------------------------------------------------ events

    def subscribe(self) -> asyncio.Queue[Snapshot]:
        """A queue that receives every new snapshot; :meth:`unsubscribe` it when done."""
        queue: asyncio.Queue[Snapshot] = asyncio.Queue()
        self._listeners.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[Snapshot]) -> None:
        self._listeners.discard(queue)

    def close(self) -> None:
        """End every event stream and stop the workers (the server is shutting down)."""
        for queue in list(self._listeners):
            queue.put_nowait(None)  # type: ignore[arg-type]
        closer = getattr(self.pool, "close", None)
        if closer is not None:
            closer()

    # ------------------------------------------------------------ renders, cached per snapshot

    async def _once(self, key: tuple, work: Callable[[], Any]) -> Any:
        """``work()`` in a thread, once per snapshot and key; concurrent askers share it, and
        one that goes away (a closed tab) does not cancel it for the others. None when the
        snapshot was superseded before the work could start."""
        key = (self.shown.generation, *key)
        task = self._cache.get(key)
        if task is None:

            def run() -> Any:
                try:
                    return work()
                except _Superseded:
                    return None

            task = asyncio.ensure_future(anyio.to_thread.run_sync(run))
            task.add_done_callback(lambda t: t.cancelled() or t.exception())
            self._cache[key] = task
        return await asyncio.shield(task)

    def render(self, jobs: Sequence[RenderJob], generation: int | None = None) -> list[Outcome]:
        """The outcomes of ``jobs``, rendered as a build renders them (the session's worker
        pool, the build's time and memory limits) and remembered for the snapshot.

        One batch at a time (two cores, and the pool is not shared between batches); a batch
        whose snapshot was replaced while it waited is dropped (:class:`_Superseded`). A
        render stopped at its limit is an outcome like any failure: the worker is replaced,
        and the next save renders again on a fresh one.
        """
        from briefgen.workers import render_all

        generation = self.shown.generation if generation is None else generation
        with self._render_lock:
            if generation != self.shown.generation:
                raise _Superseded
            unique = {j.label: j for j in jobs}
            missing = [j for j in unique.values() if (generation, j.label) not in self._done]
            for index, outcome in render_all(missing, self.pool):
                self._done[(generation, missing[index].label)] = outcome
            return [self._done[(generation, j.label)] for j in jobs]

    def _forget(self, generation: int) -> None:
        """Drop the outcomes of snapshots older than ``generation`` (they hold whole files)."""
        with self._render_lock:
            self._done = {k: v for k, v in self._done.items() if k[0] >= generation}

    def job(self, brief: str, audience: str, fmt: str) -> RenderJob | None:
        return self.shown.job(brief, audience, fmt)

    async def _rendered(self, job: RenderJob) -> Rendered:
        """The rendered file of ``job``, or the error that stopped it (raised)."""
        generation = self.shown.generation  # the snapshot ``job`` came from
        outcome = await self._once(("render", job.label), lambda: self.render([job], generation)[0])
        if outcome is None:  # superseded: render the current snapshot's instead
            newer = self.job(job.view.id, job.view.audience.name, job.format)
            if newer is None:
                raise InputError(f"{job.view.id}/{job.view.audience.name}: not in the project")
            return await self._rendered(newer)
        if outcome.rendered is None:
            raise error_of(outcome)
        return outcome.rendered

    async def html(self, job: RenderJob) -> str:
        """The standalone HTML file of ``job``: the policy-checked one a build writes."""
        return (await self._rendered(job)).data.decode("utf-8")

    async def slide_plan(self, job: RenderJob) -> Any:
        """The slide plan of ``job``'s brief and audience, from its deck's render."""
        deck = self.job(job.view.id, job.view.audience.name, "pptx")
        if deck is None:
            raise InputError(f"{job.view.id}/{job.view.audience.name}: not in the project any more")
        return (await self._rendered(deck)).slide_plan

    async def pdf(self, brief: str, audience: str) -> bytes:
        """The PDF of one item, whether or not the audience builds PDFs."""
        job = self.job(brief, audience, "pdf")
        if job is None:
            raise InputError(f"{brief}/{audience}: not in the project any more")
        return (await self._rendered(job)).data

    async def check(self, brief: str, audience: str) -> tuple[Report, ItemCheck | None]:
        """The check of one item (findings about the brief as a whole included), from the
        same renders the other views show."""
        from briefgen.check import check

        snap = self.shown

        def work() -> tuple[Report, ItemCheck | None]:
            render = lambda jobs: self.render(jobs, snap.generation)  # noqa: E731
            report = check(snap.plan, [(brief, audience)], keep=True, render=render)
            return report, (report.items[0] if report.items else None)

        result = await self._once(("check", brief, audience), work)
        if result is None:  # superseded by a newer snapshot: check that one instead
            return await self.check(brief, audience)
        return result


class _Superseded(Exception):
    """A render asked for by a snapshot that a newer one has replaced."""


# ---------------------------------------------------------------- pages


def _where(finding: Finding, root: Path) -> str:
    """Where a finding points, with the file relative to the project, not to the server's
    working directory."""
    if not finding.file:
        return finding.where
    path = (Path.cwd() / finding.file).resolve()
    shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else finding.file
    return shown + finding.where[len(finding.file) :]


def _env(root: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "pages"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    env.filters["where"] = lambda finding: _where(finding, root)
    return env


def create_app(
    preview: Preview, watch: bool = True, allowed_hosts: tuple[str, ...] = ()
) -> Starlette:
    """The Starlette app over ``preview``; ``watch`` starts the file watcher with it."""
    env = _env(preview.root)

    def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        snap = preview.current
        html = env.get_template(name).render(
            snap=snap, shown=preview.shown, project=preview.root.name, **context
        )
        headers = {**HEADERS, "Content-Security-Policy": PAGE_CSP}
        return HTMLResponse(html, status, headers=headers)

    def fragment(name: str, **context: Any) -> HTMLResponse:
        html = env.get_template(name).render(snap=preview.current, shown=preview.shown, **context)
        return HTMLResponse(html, headers=HEADERS)

    def item_of(request: Request) -> tuple[str, str] | None:
        pair = (request.path_params["brief"], request.path_params["audience"])
        return pair if pair in preview.shown.items() else None

    def not_found(what: str = "no such brief and audience in this project") -> Response:
        return page("missing.html.j2", 404, message=what)

    async def index(request: Request) -> Response:
        return page("index.html.j2", items=_index_rows(preview.shown))

    async def index_fragment(request: Request) -> Response:
        return fragment("index_items.html.j2", items=_index_rows(preview.shown))

    async def banner(request: Request) -> Response:
        return fragment("banner.html.j2")

    async def item(request: Request) -> Response:
        pair = item_of(request)
        if pair is None:
            return not_found()
        brief, audience = pair
        job = preview.job(brief, audience, "html")
        slides = await _slides(preview, job, None)
        return page(
            "item.html.j2",
            brief=brief,
            audience=audience,
            view=job.view,
            formats=job.view.formats,
            **slides,
        )

    async def slides_fragment(request: Request) -> Response:
        pair = item_of(request)
        if pair is None:
            return Response("gone", 404, headers=HEADERS)
        job = preview.job(*pair, "pptx")
        return fragment("slides.html.j2", **await _slides(preview, job, None))

    async def check_fragment(request: Request) -> Response:
        pair = item_of(request)
        if pair is None:
            return JSONResponse({"gone": True}, 404, headers=HEADERS)
        generation = preview.shown.generation
        report, item_check = await preview.check(*pair)
        job = preview.job(*pair, "pptx")
        slides = await _slides(preview, job, item_check)
        spans = item_check.slide_spans if item_check else None
        cards = {n: i for i, (a, b) in enumerate(spans or [], start=1) for n in range(a, b + 1)}
        findings = env.get_template("findings.html.j2").render(
            report=report, item=item_check, cards=cards
        )
        return JSONResponse(
            {
                "generation": generation,
                "findings": findings,
                "slides": env.get_template("slides.html.j2").render(**slides),
                "errors": len(report.errors),
                "warnings": len(report.warnings),
                "pdf": bool(item_check and item_check.pdf),
            },
            headers=HEADERS,
        )

    async def render_html(request: Request) -> Response:
        pair = item_of(request)
        if pair is None:
            return Response("gone", 404, headers=HEADERS)
        job = preview.job(*pair, "html")
        headers = {**HEADERS, "Content-Security-Policy": BRIEF_CSP}
        try:
            return HTMLResponse(await preview.html(job), headers=headers)
        except BriefgenError as exc:
            text = env.get_template("render_error.html.j2").render(message=str(exc))
            return HTMLResponse(text, 422, headers=headers)

    async def render_pdf(request: Request) -> Response:
        pair = item_of(request)
        if pair is None:
            return Response("gone", 404, headers=HEADERS)
        try:
            data = await preview.pdf(*pair)
        except BriefgenError as exc:
            text = env.get_template("render_error.html.j2").render(message=str(exc))
            return HTMLResponse(text, 422, headers=HEADERS)
        name = f"{pair[0]}-{pair[1]}.pdf"
        headers = {**HEADERS, "Content-Disposition": f'inline; filename="{name}"'}
        return Response(data, media_type="application/pdf", headers=headers)

    async def events(request: Request) -> Response:
        queue = preview.subscribe()

        def event(snap: Snapshot) -> str:
            data = {
                "generation": snap.generation,
                "shown": preview.shown.generation,
                "ok": snap.ok,
                "changed": snap.changed,
                "seconds": round(snap.seconds, 3),
            }
            return f"event: changed\ndata: {json.dumps(data)}\n\n"

        async def stream() -> AsyncIterator[str]:
            try:
                yield "retry: 1000\n\n" + event(preview.current)
                while True:
                    try:
                        snap = await asyncio.wait_for(queue.get(), HEARTBEAT)
                    except TimeoutError:
                        yield ": still here\n\n"  # keeps proxies and idle timers from closing
                        continue
                    if snap is None:  # shutting down
                        return
                    yield event(snap)
            finally:
                preview.unsubscribe(queue)

        return StreamingResponse(stream(), media_type="text/event-stream", headers=HEADERS)

    async def no_icon(request: Request) -> Response:
        return Response(status_code=204, headers=HEADERS)

    routes = [
        Route("/", index),
        Route("/fragment/index", index_fragment),
        Route("/fragment/banner", banner),
        Route("/events", events),
        Route("/favicon.ico", no_icon),
        Route("/b/{brief}/{audience}", item),
        Route("/fragment/{brief}/{audience}/slides", slides_fragment),
        Route("/fragment/{brief}/{audience}/check", check_fragment),
        Route("/render/{brief}/{audience}.html", render_html),
        Route("/render/{brief}/{audience}.pdf", render_pdf),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    hosts = [*LOOPBACK, *allowed_hosts]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=hosts)]

    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stop = anyio.Event()
        async with anyio.create_task_group() as tasks:
            if watch:
                tasks.start_soon(_watch, preview, stop)
            yield
            stop.set()
            tasks.cancel_scope.cancel()

    return Starlette(routes=routes, middleware=middleware, lifespan=asynccontextmanager(lifespan))


async def _watch(preview: Preview, stop: anyio.Event) -> None:
    """Reload the project whenever an input file is saved."""
    from briefgen.watch import changes

    def outputs() -> Path | None:
        plan = preview.shown.plan
        return plan.output_dir if plan is not None else preview.root / "output"

    async for changed in changes(preview.root, outputs, stop):
        await preview.refresh(sorted(_display(preview.root, p) for p in changed))


def _display(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _index_rows(snap: Snapshot) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for brief, audience in snap.items():
        job = snap.job(brief, audience, "html")
        row = rows.setdefault(
            brief, {"id": brief, "title": job.view.title if job else brief, "audiences": []}
        )
        row["audiences"].append(
            {"name": audience, "title": job.view.audience.title if job else audience}
        )
    return list(rows.values())


def _start_pool() -> Executor | None:
    """The session's render workers (None where worker processes cannot run: then renders
    run in the server's threads, under the time limit only where a signal can reach)."""
    from briefgen import workers

    return workers.Pool(warm=workers.FORMATS) if workers.supported() else None


async def _slides(preview: Preview, job: RenderJob | None, checked: ItemCheck | None) -> dict:
    """The slide cards' context: the plan (from the check when there is one, for the deck
    slide numbers), or the error that stopped it."""
    if job is None:
        return {"plan": None, "spans": None, "error": "no deck for this audience"}
    if checked is not None and checked.slide_plan is not None:
        return {"plan": checked.slide_plan, "spans": checked.slide_spans, "error": None}
    try:
        return {"plan": await preview.slide_plan(job), "spans": None, "error": None}
    except BriefgenError as exc:
        return {"plan": None, "spans": None, "error": str(exc)}
