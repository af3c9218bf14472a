"""The ``briefgen`` command: a thin Click layer over :mod:`briefgen.api`, the only place that
prints. Heavy libraries are imported inside commands, so ``--help`` stays instant.

Exit codes: 0 success, 1 a render failed, 2 bad input or usage.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from briefgen import __version__
from briefgen.errors import EXIT_RENDER, BriefgenError, printable

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class State:
    """Global options, handed to every command."""

    def __init__(self, project: Path | None, verbose: int, quiet: bool, debug: bool):
        self.project, self.verbose, self.quiet, self.debug = project, verbose, quiet, debug

    def warn(self, message: str) -> None:
        """Print a warning; located ones (``file:line: warning: …``) already say so."""
        if not self.quiet:
            _say(message if ": warning: " in message else f"warning: {message}")


# "warning: …", "error: …", or the same after a "brief/audience: " prefix: says what it is
_SEVERITY = re.compile(r"^(?:[^\s:][^:]*: )?(?:warning|error): ")


def _say(line: str) -> None:
    """Print one message line to stderr, ``error: `` in front unless it already says where or
    what it is; control characters from what users wrote are shown, not sent (see
    :func:`briefgen.errors.printable`)."""
    if not (_located(line) or _SEVERITY.match(line)):
        line = f"error: {line}"
    click.echo(printable(line), err=True)


def _errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Expected failures print one line each and exit 2 or 1; never a traceback unless --debug."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        state: State = click.get_current_context().find_object(State)
        try:
            return func(*args, **kwargs)
        except BriefgenError as exc:
            if state and state.debug:
                traceback.print_exc()
            for line in str(exc).splitlines() or [type(exc).__name__]:
                _say(line)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo(
                "interrupted; finished files are complete, nothing half-written was kept", err=True
            )
            sys.exit(130)
        except (click.ClickException, click.exceptions.Exit, SystemExit):
            raise
        except Exception as exc:  # a bug in briefgen or a library: say so, briefly
            if state and state.debug:
                traceback.print_exc()
            _say(
                f"error: internal error: {type(exc).__name__}: {exc} "
                "(run with --debug for the traceback, and please report it)"
            )
            sys.exit(EXIT_RENDER)

    return wrapper


def _located(line: str) -> bool:
    """True for ``file:line: message`` lines, which are printed as they are."""
    head = line.split(": ", 1)[0]
    return (":" in head and head.rsplit(":", 1)[-1].isdigit()) or head.endswith((".yaml", ".j2"))


def _set_quiet(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.find_object(State).quiet = True


def _add_verbose(ctx: click.Context, _param: click.Parameter, value: int) -> None:
    if value:
        ctx.find_object(State).verbose += value


class _Group(click.Group):
    """A group whose commands also take -q/-v after their name (``briefgen build -q``)."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        if not isinstance(cmd, click.Group):
            cmd.params += [
                click.Option(
                    ["-q", "--quiet"],
                    is_flag=True,
                    expose_value=False,
                    callback=_set_quiet,
                    help="Only errors.",
                ),
                click.Option(
                    ["-v", "--verbose"],
                    count=True,
                    expose_value=False,
                    callback=_add_verbose,
                    help="Say more.",
                ),
            ]
        super().add_command(cmd, name)


def _complete_audiences(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion for -a: the audiences of the project in reach."""
    from briefgen.project import open_workspace

    try:
        project = ctx.find_root().params.get("project")
        names = list(open_workspace(project).config.audiences)
    except Exception:  # completion must never print a traceback into the shell
        return []
    return [n for n in names if n.startswith(incomplete)]


# Options several commands share, declared once (Click makes a new parameter per use).
_briefs_argument = click.argument(
    "briefs", nargs=-1, type=click.Path(dir_okay=False, path_type=Path)
)
_audience_option = click.option(
    "-a",
    "--audience",
    "audiences",
    multiple=True,
    metavar="NAME",
    shell_complete=_complete_audiences,
    help="Only this audience (repeatable). Default: all of them.",
)
_format_option = click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    metavar="FORMAT",
    type=click.Choice(["pdf", "pptx", "html", "docx"]),
    help="Only this format (repeatable): pdf, pptx, html, docx.",
)
_output_option = click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: output/ in the project).",
)
_allow_host_option = click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="HOST",
    help="Let templates fetch from this web host (repeatable). Default: no network.",
)


_jobs_option = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    metavar="N",
    help="Render in N worker processes (default: the number of cores; 0: in this process, "
    "under the same limits).",
)
_timeout_option = click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Stop a render that takes longer than this (default: 120; a template's evaluation "
    "has 10 s of it).",
)
_memory_option = click.option(
    "--memory-limit",
    "memory_mb",
    type=click.IntRange(min=64),
    metavar="MB",
    help="Memory one render may use (default: 2048).",
)


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="briefgen")
@click.option(
    "-C",
    "--project",
    type=click.Path(file_okay=True, path_type=Path),
    help="Project folder (default: the nearest folder with a briefgen.yaml).",
)
@click.option("-v", "--verbose", count=True, help="Say more (repeat for even more).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
@click.option("--debug", is_flag=True, help="Show tracebacks, for bug reports.")
@click.pass_context
def cli(ctx: click.Context, project: Path | None, verbose: int, quiet: bool, debug: bool) -> None:
    """Policy briefs as a printed PDF and an editable PowerPoint deck, per audience.

    Content is YAML with Markdown text in content/; audiences and defaults are in
    briefgen.yaml; the look is in template sets. Start with `briefgen init DIR`.
    """
    ctx.obj = State(project, verbose, quiet, debug)


# ---------------------------------------------------------------- build


@cli.command(context_settings=CONTEXT)
@_briefs_argument
@_audience_option
@_format_option
@_output_option
@click.option(
    "--force",
    is_flag=True,
    help="Render everything, unchanged or not, and overwrite files briefgen did not write.",
)
@_allow_host_option
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
@_jobs_option
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Render on a Dask cluster, e.g. tcp://HOST:8786 (needs: pip install briefgen[dask]).",
)
@_timeout_option
@_memory_option
@click.pass_obj
@_errors
def build(
    state: State,
    briefs: tuple[Path, ...],
    audiences: tuple[str, ...],
    formats: tuple[str, ...],
    output: Path | None,
    force: bool,
    allow_hosts: tuple[str, ...],
    as_json: bool,
    jobs: int | None,
    scheduler: str | None,
    timeout: float | None,
    memory_mb: int | None,
) -> None:
    """Build PDF, PowerPoint and HTML for each brief and audience.

    Writes output/<brief>/<audience>.pdf|.pptx|.html and ends with a table of what was
    written. Outputs whose inputs did not change since they were built are left as they are
    ("unchanged"). BRIEFS default to every content/*.yaml of the project.
    """
    if not force:  # nothing changed since the last such build? say so without loading anything
        from briefgen.stamps import lookup

        unchanged = lookup(
            state.project, briefs or None, audiences or None, formats or None, output, allow_hosts
        )
        if unchanged is not None:
            _report_build(state, unchanged, as_json)
            return
    # Workers start before anything heavy is imported: they load the renderers while this
    # process loads, validates and selects.
    pool = _start_workers(jobs, formats) if scheduler is None else None
    try:
        from briefgen import api

        with _progress(state, as_json) as progress:
            result = api.build(
                state.project,
                briefs or None,
                audiences or None,
                formats or None,
                output,
                force,
                allow_hosts,
                progress=progress,
                pool=pool,
                scheduler=scheduler,
                timeout=timeout,
                memory_mb=memory_mb,
            )
    finally:
        if pool is not None:
            pool.close()
    _report_build(state, result, as_json)


def _report_build(state: State, result: Any, as_json: bool) -> None:
    """Warnings, the table (or JSON), the failures; exit 1 or 2 if something failed."""
    from briefgen.results import summary_json

    for warning in result.warnings:
        state.warn(warning)
    if as_json:
        click.echo(summary_json(result))
    elif not state.quiet:
        _print_table(result)
    for failed in result.failed:
        error = failed.error or "failed"
        if state.debug and failed.detail:  # the render's own traceback, for a bug report
            click.echo(printable(failed.detail.rstrip()), err=True)
        _say(error)
    if result.exit_code:
        sys.exit(result.exit_code)


@cli.command(context_settings=CONTEXT)
@_briefs_argument
@_audience_option
@_format_option
@_output_option
@_allow_host_option
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    metavar="N",
    help="Worker processes (default: the number of cores).",
)
@click.pass_obj
@_errors
def watch(
    state: State,
    briefs: tuple[Path, ...],
    audiences: tuple[str, ...],
    formats: tuple[str, ...],
    output: Path | None,
    allow_hosts: tuple[str, ...],
    jobs: int | None,
) -> None:
    """Build, then rebuild what each saved edit touches, until Ctrl-C.

    The renderers stay loaded between edits, so a saved brief is in its HTML within a
    fraction of a second, and in its PDF and deck right after. Edits to briefgen.yaml or a
    template set rebuild only the outputs they change.
    """
    import time

    _refuse_unknown_audiences(state.project, audiences)
    pool = _start_workers(jobs, formats)
    try:
        from briefgen.render import RenderOptions
        from briefgen.watch import Rebuilder, watch_project

        def progress(_label: str, out: Any) -> None:
            if out.status == "written" and not state.quiet:
                click.echo(f"wrote {os.path.relpath(out.path)} ({out.seconds:.2f} s)")

        options = RenderOptions(allow_hosts=tuple(h.lower() for h in allow_hosts))
        rebuilder = Rebuilder(
            state.project,
            pool,
            briefs or None,
            audiences or None,
            formats or None,
            output,
            options,
            progress,
        )

        def report(run: Callable[[], Any]) -> None:
            started = time.perf_counter()
            try:
                result = run()
            except BriefgenError as exc:  # say what is wrong, and wait for the fix
                for line in str(exc).splitlines():
                    _say(line)
                return
            if result is None:
                return
            for warning in result.warnings:
                state.warn(warning)
            for failed in result.failed:
                _say(failed.error or "failed")
            if not state.quiet:
                written = sum(1 for o in result.outputs if o.status == "written")
                click.echo(
                    f"{written} file(s) written, {len(result.outputs) - written} unchanged "
                    f"or failed, in {time.perf_counter() - started:.2f} s"
                )

        report(rebuilder.build)
        from briefgen.project import open_workspace

        ws = rebuilder.ws or open_workspace(state.project)
        out_dir = rebuilder.plan.output_dir if rebuilder.plan else output
        if not state.quiet:
            click.echo(f"watching {os.path.relpath(ws.root)} for changes (Ctrl-C to stop)")
        watch_project(
            ws, lambda paths: report(lambda: rebuilder.rebuild(paths)), output_dir=out_dir
        )
    finally:
        if pool is not None:
            pool.close()


def _refuse_unknown_audiences(project: Path, audiences: tuple[str, ...]) -> None:
    """A typo in ``-a`` is a usage error (exit 2) before watching starts, not an error
    printed after every save. A config that does not load yet is left to the watch loop,
    which reports it and waits for the fix."""
    if not audiences:
        return
    from briefgen.audience import resolve_audiences
    from briefgen.project import open_workspace

    try:
        ws = open_workspace(project)
    except BriefgenError:
        return
    resolve_audiences(ws.config, audiences)


def _start_workers(jobs: int | None, formats: tuple[str, ...]) -> Any:
    """The local worker pool for a build, or None to render in this process."""
    from briefgen import workers

    if jobs == 0 or not workers.supported():
        return None
    return workers.Pool(jobs, warm=formats or workers.FORMATS)


class _NoProgress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _progress(state: State, as_json: bool):
    """A progress bar on a terminal (stderr), nothing otherwise."""
    if state.quiet or as_json or not sys.stderr.isatty():
        return _NoProgress()
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    class _Bar:
        def __enter__(self):
            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.bar.__enter__()
            self.task = self.bar.add_task("rendering", total=None)
            return self.update

        def update(self, label: str, output: Any, total: int | None = None) -> None:
            self.bar.update(self.task, advance=1, description=label, total=total)

        def __exit__(self, *exc: object) -> None:
            self.bar.__exit__(*exc)

    return _Bar()


def _print_table(result: Any) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, header_style="bold", pad_edge=False)
    for column, justify in (
        ("file", "left"),
        ("pages/slides", "right"),
        ("size", "right"),
        ("time", "right"),
    ):
        table.add_column(column, justify=justify)
    for out in result.outputs:
        count = out.pages if out.pages is not None else out.slides
        unit = " pages" if out.pages is not None else " slides" if out.slides is not None else ""
        table.add_row(
            Text(printable(os.path.relpath(out.path))),
            "-" if count is None else f"{count}{unit}",
            _size(out.size) if out.status != "failed" else "failed",
            "unchanged" if out.status == "unchanged" else f"{out.seconds:.2f} s",
        )
    console = _console()
    console.print(table)
    written = sum(1 for o in result.outputs if o.status == "written")
    unchanged = sum(1 for o in result.outputs if o.status == "unchanged")
    also = f", {unchanged} unchanged" if unchanged else ""
    console.print(f"{written} file(s) written{also} in {result.seconds:.2f} s")


def _console():
    """A console for tables on stdout: sized to the terminal, or unlimited when piped, so
    file names and audience names are never cut to "execut…" in scripts and CI logs."""
    from rich.console import Console

    return Console(highlight=False, width=None if sys.stdout.isatty() else 10_000)


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


# ---------------------------------------------------------------- validate, audiences


@cli.command(context_settings=CONTEXT)
@_briefs_argument
@click.pass_obj
@_errors
def validate(state: State, briefs: tuple[Path, ...]) -> None:
    """Check briefs, briefgen.yaml and template sets; print file:line: message per problem."""
    from briefgen import api

    warnings = api.validate(state.project, briefs or None)
    for warning in warnings:
        state.warn(warning)
    if not state.quiet:
        click.echo("ok: no problems found" + (f" ({len(warnings)} warning(s))" if warnings else ""))


@cli.command(context_settings=CONTEXT)
@_briefs_argument
@_audience_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["human", "json"]),
    default="human",
    show_default=True,
    help="json: one JSON document on stdout, for CI.",
)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on errors.")
@_allow_host_option
@_jobs_option
@_timeout_option
@_memory_option
@click.pass_obj
@_errors
def check(
    state: State,
    briefs: tuple[Path, ...],
    audiences: tuple[str, ...],
    output_format: str,
    strict: bool,
    allow_hosts: tuple[str, ...],
    jobs: int | None,
    timeout: float | None,
    memory_mb: int | None,
) -> None:
    """Find what is wrong before building: everything a build does but the final write.

    Reports validation errors, budgets (pages, slides, words per slide, words) against the
    measured figures, slide text that does not fit, figures without alt text or caption,
    points without a source where an audience requires them, sources never cited, images
    below 150 dpi and sections left empty. Exit 0 when clean, 1 when there are errors (with
    --strict also warnings), 2 for a usage error.
    """
    pool = _start_workers(jobs, ())  # the build's workers and limits: they warm up meanwhile
    try:
        import json

        from briefgen import api

        report = api.check(
            state.project,
            briefs or None,
            audiences or None,
            allow_hosts,
            pool=pool,
            timeout=timeout,
            memory_mb=memory_mb,
        )
    finally:
        if pool is not None:
            pool.close()
    if output_format == "json":
        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        _print_check(state, report)
    sys.exit(report.exit_code(strict))


def _print_check(state: State, report: Any) -> None:
    color = False if os.environ.get("NO_COLOR") else None
    styles = {"error": {"fg": "red", "bold": True}, "warning": {"fg": "yellow"}}
    for finding in report.findings:
        if state.quiet and finding.severity != "error":
            continue
        line = printable(finding.text())
        where = printable(f"{finding.where}: ") if finding.where else ""
        label = f"{finding.severity}:"
        styled = click.style(label, **styles[finding.severity])
        click.echo(where + line[len(where) :].replace(label, styled, 1), color=color)
        if state.verbose:
            click.echo(f"    [{finding.code}]", color=color)
    if state.quiet:
        return
    if report.items:
        _print_measures(report)
    errors, warnings = len(report.errors), len(report.warnings)
    checked = f"{len(report.items)} brief/audience pair(s) checked in {report.seconds:.1f} s"
    if not errors and not warnings:
        click.echo(
            click.style("ok:", fg="green", bold=True) + f" no problems; {checked}", color=color
        )
    else:
        click.echo(f"{errors} error(s), {warnings} warning(s); {checked}", color=color)


def _print_measures(report: Any) -> None:
    """Measured figures against budgets: ``5 / 4`` is five measured, four allowed."""
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("brief", "audience", "pages", "slides", "words", "words/slide"):
        table.add_column(column, justify="left" if column in ("brief", "audience") else "right")
    for item in report.items:
        m, b = item.measures, item.budget
        table.add_row(
            Text(printable(item.brief)),
            Text(printable(item.audience)),
            _against(m.pages, b.pages),
            _against(m.slides, b.slides),
            _against(m.words, b.words),
            _against(m.words_per_slide, b.words_per_slide),
        )
    _console().print(table)


@cli.command(context_settings=CONTEXT)
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on. Anything but loopback lets others on the network read "
    "your briefs: only with care.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a browser.")
@_allow_host_option
@_timeout_option
@_memory_option
@click.pass_obj
@_errors
def serve(
    state: State,
    port: int,
    host: str,
    open_browser: bool,
    allow_hosts: tuple[str, ...],
    timeout: float | None,
    memory_mb: int | None,
) -> None:
    """Preview every brief and audience in the browser, updated as you save.

    Shows each brief's HTML, its PDF, its slide plan as cards, and what `check` finds.
    Saving a content, config or template file updates the open page within about a
    second. Needs the serve extra: pip install 'briefgen[serve]'.
    """
    from briefgen.project import open_workspace
    from briefgen.serve import is_loopback, run

    root = open_workspace(state.project).root
    if not is_loopback(host):
        click.echo(
            f"warning: listening on {host}: anyone who can reach this machine on port {port} "
            "can read these briefs",
            err=True,
        )

    def ready(url: str) -> None:
        if not state.quiet:
            click.echo(f"previewing {root} at {url}  (Ctrl+C to stop)", err=True)
        if open_browser:
            import webbrowser

            webbrowser.open(url)

    from briefgen.api import render_options

    run(root, host, port, render_options(allow_hosts, timeout, memory_mb), ready)


def _against(measured: int | None, limit: int | None) -> str:
    if measured is None:
        return "-"
    if limit is None:
        return str(measured)
    text = f"{measured} / {limit}"
    return f"[red]{text}[/red]" if measured > limit else text


@cli.command(context_settings=CONTEXT)
@click.pass_obj
@_errors
def audiences(state: State) -> None:
    """Show each audience and what it gets (sections, tags, details, banner, template)."""
    from rich.table import Table

    from briefgen.audience import describe
    from briefgen.project import open_workspace

    rows = describe(open_workspace(state.project).config)
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in rows[0]:
        table.add_column(column)
    for row in rows:
        table.add_row(*row.values())
    _console().print(table)


# ---------------------------------------------------------------- init, schema


@cli.command(context_settings=CONTEXT)
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
@_errors
def init(state: State, folder: Path) -> None:
    """Create a new project in FOLDER with the sample brief and config."""
    from briefgen import api

    for path in api.init_project(folder):
        if not state.quiet:
            click.echo(f"created {path}")
    if not state.quiet:
        click.echo(f"next: cd {folder} && briefgen build")


@cli.command(context_settings=CONTEXT)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("schema"),
    show_default=True,
    help="Folder to write the schemas to.",
)
@click.pass_obj
@_errors
def schema(state: State, output: Path) -> None:
    """Write JSON Schemas of the content format and briefgen.yaml, for editors."""
    from briefgen.schema import write_schemas

    for path in write_schemas(output):
        if not state.quiet:
            click.echo(f"wrote {path}")


# ---------------------------------------------------------------- templates


@cli.group(cls=_Group, context_settings=CONTEXT)
def templates() -> None:
    """List template sets, or copy one into the project to customize it."""


@templates.command("list", context_settings=CONTEXT)
@click.pass_obj
@_errors
def templates_list(state: State) -> None:
    """The template sets there are: built-in, and the project's own."""
    from briefgen import api

    for row in api.list_templates(state.project):
        click.echo(f"{row['name']:<12} {row['origin']:<17} {row['description']}")


def _complete_sets(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion for template set names: the built-in ones."""
    from briefgen.templates import available_sets

    return [n for n in available_sets(None) if n.startswith(incomplete)]


@templates.command("eject", context_settings=CONTEXT)
@click.argument("name", shell_complete=_complete_sets)
@click.option(
    "--as",
    "as_name",
    metavar="NAME",
    help="Name of the copy (default: the same name, which overrides the built-in).",
)
@click.option("--force", is_flag=True, help="Overwrite files already in the project.")
@click.pass_obj
@_errors
def templates_eject(state: State, name: str, as_name: str | None, force: bool) -> None:
    """Copy built-in template set NAME into templates/ to customize it."""
    from briefgen import api

    target, files = api.eject_template(name, state.project, force, as_name)
    if not state.quiet:
        click.echo(
            f"copied {len(files)} files into {os.path.relpath(target)}; "
            "files you do not change can be deleted (the built-in ones are used)"
        )


@templates.command("inspect", context_settings=CONTEXT)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--write",
    "write_to",
    is_flag=False,
    flag_value="-",
    default=None,
    metavar="SET",
    help="Draft templates/SET/ (default: the file's name) with the file as its reference "
    "deck and a template.yaml mapping slide kinds onto its layouts.",
)
@click.pass_obj
@_errors
def templates_inspect(state: State, file: Path, write_to: str | None) -> None:
    """What PowerPoint template FILE offers: masters, layouts, placeholders (type, index,
    position, size) and the layout each slide kind would use, with what is missing."""
    from briefgen.render.deck.inspect import draft_settings, inspect, render_text

    report = inspect(file)
    click.echo(render_text(report))
    if write_to is None:
        return
    from briefgen.errors import InputError
    from briefgen.model import SLUG_RE
    from briefgen.project import find_root

    name = _slug(file.stem) if write_to == "-" else write_to
    if not re.fullmatch(SLUG_RE, name):
        raise InputError(f"--write {name}: a set name is lower-case letters, digits and '-'")
    root = find_root(Path(state.project) if state.project else Path.cwd())
    if root is None:  # the config need not load yet: it may name the set being drafted
        raise InputError("templates inspect --write: no briefgen.yaml here or above")
    target = root / "templates" / name
    if (target / "template.yaml").exists():
        raise InputError(f"{target / 'template.yaml'}: already there; not overwritten")
    target.mkdir(parents=True, exist_ok=True)
    (target / "reference.pptx").write_bytes(file.read_bytes())
    (target / "template.yaml").write_text(draft_settings(report, "reference.pptx"), "utf-8")
    click.echo(
        f"wrote {os.path.relpath(target)}/template.yaml and reference.pptx: set "
        f"'template: {name}' for an audience in briefgen.yaml"
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "corporate"


def main() -> None:
    """The command line, as a function: exits through ``SystemExit`` like any Click command."""
    cli(prog_name="briefgen")


def run() -> None:
    """Entry point of the ``briefgen`` script: :func:`main`, then out of the process at once.

    Tearing the interpreter down (freeing every module and object one by one) took 70 to
    90 ms after a build had finished, a seventh of a one-deck build. By then a command has
    done everything it does: outputs are written atomically and the worker pool is closed.
    So the exit handlers run and the streams are flushed, and the process ends without the
    teardown. If a command left other threads running, it exits the usual way, which waits
    for them.
    """
    try:
        main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if code is not None and not isinstance(code, int):
        click.echo(code, err=True)
        code = 1
    if _other_threads():
        sys.exit(code)
    _exit_now(int(code or 0))


def _other_threads() -> bool:
    """Whether threads other than this one are alive and would be waited for at exit."""
    threading = sys.modules.get("threading")
    if threading is None:
        return False
    me = threading.current_thread()
    return any(t is not me and not t.daemon and t.is_alive() for t in threading.enumerate())


def _exit_now(code: int) -> None:
    import atexit
    import contextlib

    atexit._run_exitfuncs()  # logging's flush among them
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (briefgen ... | head)
            stream.flush()
    os._exit(code)
