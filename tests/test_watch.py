"""Watching: what a changed file means for a plan, rebuilding only that, the file watcher
itself, and ``briefgen watch`` end to end (timing is measured in bench/, not here)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from support import AUDIENCES, SAMPLE_BRIEF, show_seal_in_colophon

from briefgen.errors import InputError
from briefgen.output import Manifest
from briefgen.pipeline import execute, prepare
from briefgen.project import open_workspace
from briefgen.watch import Rebuilder, affected_targets, classify, watch_project
from briefgen.workers import Pool


@pytest.fixture
def two_briefs(project: Path) -> Path:
    shutil.copy(SAMPLE_BRIEF, project / "content" / "second.yaml")
    return project


def labels(targets) -> set[str]:
    return {t.job.label for t in targets}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


# ---------------------------------------------------------------- what a change means


def test_classify_sorts_changed_files(two_briefs):
    ws = open_workspace(two_briefs)
    (two_briefs / "content" / "second.yaml").unlink()
    change = classify(
        ws,
        [
            two_briefs / "briefgen.yaml",
            two_briefs / "content" / "us-azerbaijan.yaml",
            two_briefs / "content" / "second.yaml",
            two_briefs / "templates" / "formal" / "brief.css.j2",
            two_briefs / "logo.png",
        ],
    )
    assert change.config and change.everything
    assert change.briefs == {two_briefs / "content" / "us-azerbaijan.yaml"}
    assert change.removed == {two_briefs / "content" / "second.yaml"}
    assert change.templates == {"formal"}
    assert change.files == {"logo.png"}


def test_affected_targets(two_briefs):
    ws = open_workspace(two_briefs)
    plan = prepare(ws, formats=["html", "pptx"])
    assert len(plan.targets) == 2 * len(AUDIENCES) * 2  # two briefs, html and pptx
    content = two_briefs / "content"
    assert labels(affected_targets(plan, [two_briefs / "briefgen.yaml"])) == labels(plan.targets)
    assert labels(affected_targets(plan, [content / "second.yaml"])) == {
        f"second/{a}.{f}" for a in AUDIENCES for f in ("html", "pptx")
    }
    # A project override of a set touches the outputs made with that set only.
    on_default = {a for a, spec in ws.config.audiences.items() if spec.template != "formal"}
    override = two_briefs / "templates" / "default"
    override.mkdir(parents=True)
    plan = prepare(ws, formats=["html", "pptx"])
    assert labels(affected_targets(plan, [override / "brief.css.j2"])) == {
        f"{b}/{a}.{f}"
        for b in ("us-azerbaijan", "second")
        for a in on_default
        for f in ("html", "pptx")
    }
    assert affected_targets(plan, [two_briefs / "notes.txt"]) == []


def test_affected_targets_follow_what_the_last_render_read(project):
    from test_incremental import png

    (project / "seal.png").write_bytes(png((1, 2, 3)))
    show_seal_in_colophon(project)
    plan = prepare(open_workspace(project), formats=["html", "pptx"])
    execute(plan)
    manifest = Manifest.load(plan.output_dir)
    on_default = {
        t.job.view.audience.name for t in plan.targets if t.job.view.template == "default"
    }
    assert labels(affected_targets(plan, [project / "seal.png"], manifest)) == {
        f"us-azerbaijan/{a}.html" for a in on_default
    }


# ---------------------------------------------------------------- rebuilding


def written(result) -> set[str]:
    return {f"{o.brief}/{o.audience}.{o.format}" for o in result.outputs if o.status == "written"}


def test_rebuilder_renders_only_what_an_edit_touched(two_briefs):
    with Pool(2, warm=("html", "pptx")) as pool:
        rebuilder = Rebuilder(two_briefs, pool, formats=["html", "pptx"])
        assert len(written(rebuilder.build())) == 2 * len(AUDIENCES) * 2
        second = two_briefs / "content" / "second.yaml"
        edit(second, "Energy", "Energy and Power")
        assert written(rebuilder.rebuild([second])) == {
            f"second/{a}.{f}" for a in AUDIENCES for f in ("html", "pptx")
        }
        # The config: every brief is prepared again, only what changed is rendered.
        config = two_briefs / "briefgen.yaml"
        edit(config, "title: Press", "title: Press office")
        assert written(rebuilder.rebuild([config])) == {
            f"{b}/press.{f}" for b in ("us-azerbaijan", "second") for f in ("html", "pptx")
        }
        # An unrelated file, then a new brief.
        (two_briefs / "notes.txt").write_text("nothing to do with briefs")
        assert rebuilder.rebuild([two_briefs / "notes.txt"]) is None
        third = two_briefs / "content" / "third.yaml"
        shutil.copy(SAMPLE_BRIEF, third)
        assert len(written(rebuilder.rebuild([third]))) == len(AUDIENCES) * 2
        assert len(rebuilder.plan.targets) == 3 * len(AUDIENCES) * 2


def test_a_broken_edit_is_reported_and_the_fix_is_built(project):
    with Pool(1, warm=("html",)) as pool:
        rebuilder = Rebuilder(project, pool, formats=["html"])
        rebuilder.build()
        brief = project / "content" / "us-azerbaijan.yaml"
        good = brief.read_text("utf-8")
        brief.write_text(good.replace("title:", "titel:", 1), "utf-8")
        with pytest.raises(InputError, match="unknown key 'titel'"):
            rebuilder.rebuild([brief])
        brief.write_text(good.replace("Energy", "Energy!", 1), "utf-8")
        assert len(written(rebuilder.rebuild([brief]))) == len(AUDIENCES)


# ---------------------------------------------------------------- the watcher


def test_watch_project_reports_saved_inputs_but_not_outputs(project):
    ws = open_workspace(project)
    seen: list[set[Path]] = []
    stop = threading.Event()
    thread = threading.Thread(target=watch_project, args=(ws, seen.append), kwargs={"stop": stop})
    thread.start()
    try:
        time.sleep(0.5)  # the watcher is set up
        (project / "output").mkdir(exist_ok=True)
        (project / "output" / "ignored.html").write_text("an output")
        brief = project / "content" / "us-azerbaijan.yaml"
        edit(brief, "Energy", "Energy!")
        deadline = time.monotonic() + 10
        while not seen and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    assert set().union(*seen) == {brief.resolve()}


def session_processes(sid: int) -> list[int]:
    from test_workers import session_processes as processes

    return processes(sid)


def test_briefgen_watch_rebuilds_on_save_and_stops_on_ctrl_c(project):
    proc = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "watch", "-f", "html", "-j", "1"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    html = project / "output" / "us-azerbaijan" / "press.html"
    try:
        lines: list[str] = []
        while not any(line.startswith("watching") for line in lines):
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            lines.append(line)
        assert html.exists()
        # "watching" is printed just before the watcher starts: save until it sees a save.
        brief = project / "content" / "us-azerbaijan.yaml"
        original = brief.read_text("utf-8")
        for attempt in range(15):
            brief.write_text(original.replace("Energy", f"Energy (edit {attempt})", 1), "utf-8")
            deadline = time.monotonic() + 2
            while "Energy (edit " not in html.read_text("utf-8") and time.monotonic() < deadline:
                time.sleep(0.02)
            if "Energy (edit " in html.read_text("utf-8"):
                break
        assert "Energy (edit " in html.read_text("utf-8")
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode in (0, 130)
    deadline = time.monotonic() + 5
    while session_processes(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert session_processes(proc.pid) == []


def test_briefgen_watch_refuses_an_unknown_audience_at_once(project):
    """A typo in -a is a usage error before anything is watched, not a loop of errors."""
    proc = subprocess.run(
        [sys.executable, "-m", "briefgen", "watch", "-a", "pres", "-j", "1"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "error: unknown audience 'pres' (did you mean 'press'?); "
        f"known audiences: {', '.join(AUDIENCES)}"
    )
    assert "Traceback" not in proc.stderr and "watching" not in proc.stdout
    assert not (project / "output").exists()
