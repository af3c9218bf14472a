"""Local render workers: the same bytes as rendering in-process, the time and memory limits,
a worker that dies, recycling, and no process left behind (after close and after Ctrl-C)."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from support import AUDIENCES

from briefgen.pipeline import execute, prepare
from briefgen.project import open_workspace
from briefgen.render import RenderOptions
from briefgen.render import run as render
from briefgen.workers import Pool, render_job

# A brief.html.j2 that never finishes (10^10 loop turns), and one that asks for gigabytes.
ENDLESS = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n"
GREEDY = (
    "{% set chunk = 'x' * 5000000 %}"
    "{{ ([chunk] * (brief.title|length * 5))|join|length }}\n"  # a gigabyte, built at render
)


def override(root: Path, name: str, text: str) -> None:
    """Put ``name`` in the project's override of the default template set."""
    folder = root / "templates" / "default"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, "utf-8")


def plan_for(root: Path, formats=("html",), audiences=("press",), **options):
    ws = open_workspace(root)
    return prepare(ws, None, list(audiences), list(formats), None, RenderOptions(**options))


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_until(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


# ---------------------------------------------------------------- same output


def test_workers_render_the_same_bytes_as_this_process(project):
    plan = plan_for(project, formats=("pdf", "pptx", "html"), audiences=("press", "executive"))
    jobs = [t.job for t in plan.targets]
    here = [render_job(job).rendered.data for job in jobs]
    with Pool(2) as pool:
        there = dict(pool.imap(jobs))
        # One worker rendering everything twice: nothing carries over from job to job.
        with Pool(1) as single:
            again = dict(single.imap(jobs + jobs))
    assert all(o.ok for o in there.values())
    assert [there[i].rendered.data for i in range(len(jobs))] == here
    assert [again[i].rendered.data for i in range(len(jobs))] == here
    assert [again[len(jobs) + i].rendered.data for i in range(len(jobs))] == here


def test_outcome_reports_pages_slides_and_the_project_files_read(project):
    plan = plan_for(project, formats=("pdf", "pptx"))
    with Pool(2) as pool:
        outcomes = dict(pool.imap([t.job for t in plan.targets]))
    pdf, deck = (outcomes[i] for i in range(2))
    assert pdf.rendered.pages >= 2 and pdf.rendered.slides is None
    assert deck.rendered.slides >= 10
    assert pdf.reads == {} and deck.reads == {}  # the sample theme has no logo


@pytest.mark.parametrize("enabled", [True, False])
@pytest.mark.parametrize("fails", [False, True])
def test_the_collector_is_paused_during_a_render_and_restored_after(project, enabled, fails):
    job = plan_for(project).targets[0].job
    seen = []

    def renderer(tracked):
        seen.append(gc.isenabled())
        if fails:
            raise RuntimeError("a renderer bug")
        return render(tracked)

    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        outcome = render_job(job, renderer)
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
    assert seen == [False]
    assert outcome.ok is not fails


# ---------------------------------------------------------------- limits


def test_a_render_over_the_time_limit_is_stopped_and_the_build_goes_on(project):
    override(project, "brief.html.j2", ENDLESS)
    plan = plan_for(project, formats=("html", "pptx"), timeout=4)
    started = time.monotonic()
    with Pool(1) as pool:
        result = execute(plan, pool=pool)
    assert time.monotonic() - started < 60
    by_format = {o.format: o for o in result.outputs}
    assert by_format["html"].status == "failed"
    assert by_format["html"].error == (
        "us-azerbaijan/press.html: stopped after 4 s, the time limit for one render "
        "(a layout or template that never ends? raise it with --timeout)"
    )
    assert by_format["pptx"].status == "written"  # on a fresh worker
    assert result.exit_code == 1
    assert not (project / "output" / "us-azerbaijan" / "press.html").exists()


def test_a_render_over_the_memory_limit_fails_with_a_render_error(project):
    override(project, "brief.html.j2", GREEDY)
    plan = plan_for(project, formats=("html", "pptx"), memory_mb=300)
    with Pool(1) as pool:
        result = execute(plan, pool=pool)
    by_format = {o.format: o for o in result.outputs}
    assert by_format["html"].status == "failed"
    assert by_format["html"].error.startswith(
        "us-azerbaijan/press.html: ran out of memory (the limit is 300 MB per render"
    )
    assert by_format["html"].exit_code == 1
    assert by_format["pptx"].status == "written"


def test_a_worker_killed_mid_render_is_reported_and_replaced(project):
    override(project, "brief.html.j2", ENDLESS)
    plan = plan_for(project, formats=("html", "pptx"), timeout=300)
    deck = project / "output" / "us-azerbaijan" / "press.pptx"
    with Pool(1) as pool:

        def kill_the_worker() -> None:  # once the deck is done, the worker is on the page
            assert wait_until(deck.exists, 60)
            time.sleep(0.3)
            os.kill(pool.pids[1], signal.SIGKILL)

        killer = threading.Thread(target=kill_the_worker)
        killer.start()
        result = execute(plan, pool=pool)
        killer.join()
    by_format = {o.format: o for o in result.outputs}
    assert by_format["html"].error.startswith(
        "us-azerbaijan/press.html: the renderer process died while rendering"
    )
    assert by_format["pptx"].status == "written"


# ---------------------------------------------------------------- lifecycle


def test_workers_are_recycled_after_max_tasks(project):
    plan = plan_for(project, formats=("html",), audiences=("press", "executive", "desk"))
    jobs = [t.job for t in plan.targets] * 2
    with Pool(1, max_tasks=2) as pool:
        outcomes = dict(pool.imap(jobs))
        assert all(o.ok for o in outcomes.values())
        assert pool.started_workers == 3  # six documents, two per worker


def test_a_pool_serves_many_builds_and_close_leaves_no_process(project):
    plan = plan_for(project, formats=("html",))
    pool = Pool(2)
    first = dict(pool.imap([t.job for t in plan.targets]))
    second = dict(pool.imap([t.job for t in plan.targets]))
    assert first[0].rendered.data == second[0].rendered.data
    assert pool.started_workers == 1  # the idle worker was kept for the second build
    pids = pool.pids
    assert len(pids) == 2 and all(alive(p) for p in pids)
    pool.close()
    assert wait_until(lambda: not any(alive(p) for p in pids), 5)


def test_spawned_zygote_works_like_a_forked_one(project):
    plan = plan_for(project, formats=("html", "pptx"))
    with Pool(1, start_method="spawn") as pool:
        assert pool.start_method == "spawn"
        outcomes = dict(pool.imap([t.job for t in plan.targets]))
    assert all(o.ok for o in outcomes.values())


def session_processes(sid: int) -> list[int]:
    """Running processes of session ``sid`` (the CLI, its zygote and workers)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid and fields[0] != "Z":
                pids.append(int(entry))
    return pids


def test_ctrl_c_leaves_no_worker_and_no_half_written_file(project):
    override(project, "brief.html.j2", ENDLESS)
    proc = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "build", "-j", "2", "-f", "html", "-f", "pptx"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, like a job in a terminal
    )
    try:
        # The CLI, its zygote and two workers; the decks finish, the pages never do.
        assert wait_until(lambda: len(session_processes(proc.pid)) >= 4, 60)
        decks = len(AUDIENCES)
        assert wait_until(lambda: len(list((project / "output").rglob("*.pptx"))) == decks, 60)
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        _out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130
    assert "interrupted" in err
    assert "Traceback" not in err
    assert wait_until(lambda: session_processes(proc.pid) == [], 5)
    names = sorted(p.name for p in (project / "output").rglob("*") if p.is_file())
    assert names == [".briefgen-manifest.json", *sorted(f"{a}.pptx" for a in AUDIENCES)]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_cli_builds_with_workers(project, jobs):
    from click.testing import CliRunner

    from briefgen.cli import cli

    result = CliRunner().invoke(
        cli, ["-C", str(project), "build", "-j", jobs, "-a", "press", "-f", "pdf", "-f", "html"]
    )
    assert result.exit_code == 0, result.output
    assert (project / "output" / "us-azerbaijan" / "press.pdf").read_bytes().startswith(b"%PDF")
    assert "2 file(s) written" in result.output
