"""One render path, always under the limits.

build, check and serve render through the same function (``workers.render_all``) and so
under the same time limit: each of them stops a template that never ends within it, a
template's own evaluation limit names its line, and a serve session renders again once the
template is fixed. The limits themselves (``briefgen.limits``) are tested directly too.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hostile.harness import briefgen

from briefgen.limits import TimeLimitExceeded, memory_limit, time_limit
from briefgen.render import RenderOptions

# Three nested loops of the largest range the sandbox allows: 10¹⁵ turns that write nothing.
LOOP = (
    '{% extends "!default/brief.html.j2" %}\n{% block summary %}\n'
    "{% for i in range(99999) %}{% for j in range(99999) %}{% for k in range(99999) %}"
    "{% endfor %}{% endfor %}{% endfor %}\n{% endblock %}\n"
)
FIXED = '{% extends "!default/brief.html.j2" %}\n{% block summary %}FIXEDNOW{% endblock %}\n'
BRIEF = """\
title: Limits
date: 2026-01-15
summary: The bottom line.
sections:
  - id: only
    title: The only section
    points: [A point.]
"""


@pytest.fixture
def looping(tmp_path: Path) -> Path:
    """A project whose HTML template never ends."""
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "brief.yaml").write_text(BRIEF, "utf-8")
    (tmp_path / "briefgen.yaml").write_text("audiences:\n  desk: {title: Desk}\n", "utf-8")
    template = tmp_path / "templates" / "default" / "brief.html.j2"
    template.parent.mkdir(parents=True)
    template.write_text(LOOP, "utf-8")
    return tmp_path


# ---------------------------------------------------------------- each command stops it


@pytest.mark.parametrize("jobs", ["2", "0"], ids=["workers", "in-process"])
def test_build_stops_a_looping_template_within_its_limit(looping: Path, jobs: str):
    done = briefgen(looping, ["build", "-f", "html", "-j", jobs, "--timeout", "3"])
    assert done.code == 1, done.stderr
    assert "brief/desk.html: stopped after 3 s, the time limit for one render" in done.stderr
    assert done.seconds < 20
    assert not (looping / "output" / "brief" / "desk.html").exists()


def test_check_stops_a_looping_template_within_its_limit(looping: Path):
    done = briefgen(looping, ["check", "--timeout", "3", "--format", "json"])
    assert done.code == 1, done.stderr
    assert done.seconds < 25  # three renders (pdf, pptx, html) on the workers, two loop
    report = json.loads(done.stdout)
    stopped = [f for f in report["findings"] if "stopped after 3 s" in f["message"]]
    assert {f["message"].split(":")[0] for f in stopped} == {"pdf", "html"}
    assert all(f["code"] == "render" for f in stopped)


def test_the_template_limit_names_the_template_line(looping: Path):
    done = briefgen(looping, ["build", "-f", "html"])
    assert done.code == 2, done.stderr
    assert done.stderr.strip() == (
        "templates/default/brief.html.j2:3: stopped after 10 s (a loop that never ends?)"
    )
    assert done.seconds < 30


def test_serve_stops_a_looping_template_and_renders_it_again_once_fixed(looping: Path):
    from test_serve import Running

    running = Running(looping, watch=False, options=RenderOptions(timeout=3))
    try:
        started = time.monotonic()
        status, _, body = running.get("/render/brief/desk.html")
        assert status == 422 and b"stopped after 3 s" in body
        assert time.monotonic() - started < 20
        workers = running.preview.pool.pids if running.preview.pool else []
        (looping / "templates" / "default" / "brief.html.j2").write_text(FIXED, "utf-8")
        running.preview.reload(["templates/default/brief.html.j2"])
        status, _, body = running.get("/render/brief/desk.html")
        assert status == 200 and b"FIXEDNOW" in body
        # The worker that looped was killed or retired: nothing of it spins on.
        for pid in workers[1:]:
            assert not _spinning(pid)
    finally:
        running.stop()


def _spinning(pid: int) -> bool:
    """True if process ``pid`` exists and is running (not a zombie or gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] == "R"
    except OSError:
        return False


# ---------------------------------------------------------------- the limits themselves


def test_time_limit_interrupts_python_code_and_resets():
    started = time.monotonic()
    with pytest.raises(TimeLimitExceeded) as info, time_limit(0.2, "probe"):
        while True:
            pass
    assert info.value.what == "probe" and 0.15 < time.monotonic() - started < 2
    time.sleep(0.3)  # no alarm left behind to fire later


def test_time_limit_fires_again_past_a_catch_all():
    caught = 0
    with pytest.raises(TimeLimitExceeded), time_limit(0.2, "probe"):
        while True:
            try:
                while True:
                    pass
            except BaseException:  # as WeasyPrint does around SVG drawing
                caught += 1
                if caught > 1:
                    raise
    assert caught == 2


def test_an_inner_limit_ends_first_and_the_outer_one_holds():
    with pytest.raises(TimeLimitExceeded) as outer, time_limit(0.6, "outer"):
        with pytest.raises(TimeLimitExceeded) as inner, time_limit(0.1, "inner"):
            while True:
                pass
        assert inner.value.what == "inner"
        while True:
            pass
    assert outer.value.what == "outer"


def test_memory_limit_turns_a_huge_allocation_into_memory_error_and_is_lifted():
    import resource

    before = resource.getrlimit(resource.RLIMIT_AS)
    with pytest.raises(MemoryError), memory_limit(256):
        bytearray(1024 * 1024 * 1024)
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    bytearray(300 * 1024 * 1024)  # fine again


def test_check_renders_under_the_memory_limit(looping: Path):
    """The memory-bomb template made check peak above 3 GB, outside any limit."""
    bomb = Path(__file__).parent / "hostile" / "files" / "templates" / "batch-bomb.html.j2"
    (looping / "templates" / "default" / "brief.html.j2").write_bytes(bomb.read_bytes())
    done = briefgen(looping, ["check", "--memory-limit", "512", "--format", "json"])
    assert done.code == 1, done.stderr
    messages = [f["message"] for f in json.loads(done.stdout)["findings"]]
    assert any("ran out of memory (the limit is 512 MB per render" in m for m in messages), messages
    assert done.seconds < 60
