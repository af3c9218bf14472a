"""Hostile and broken input, the output paragraph (issue 4): atomic writes, symlinks at the
target, the manifest and --force, and byte-identical rebuilds, through the real CLI."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile.harness import (
    Canary,
    assert_safe_outputs,
    briefgen,
    make_project,
    outputs,
    start_canary,
    temp_files,
)

from briefgen.output import MANIFEST_NAME, atomic_write

BROKEN_TEMPLATE = "<p>fine</p>\n<p>{{ no_such_name }}</p>\n"


@pytest.fixture(scope="module")
def canary(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Canary]:
    yield from start_canary(tmp_path_factory)


@pytest.fixture
def project(tmp_path: Path, canary: Canary) -> Path:
    return make_project(tmp_path / "project", canary)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in outputs(root)}


def _ok(root: Path, *args: str) -> None:
    run = briefgen(root, ["build", *args])
    assert run.code == 0, run.stderr
    assert "Traceback" not in run.stdout + run.stderr


def test_a_failing_render_leaves_the_previous_file(project: Path):
    _ok(project, "-a", "desk")
    before = _snapshot(project)
    assert sorted(before) == [f"output/brief/desk.{f}" for f in ("docx", "html", "pdf", "pptx")]
    template = project / "templates" / "default" / "brief.html.j2"
    template.parent.mkdir(parents=True)
    template.write_text(BROKEN_TEMPLATE, "utf-8")
    (project / "content" / "brief.yaml").write_text(
        (project / "content" / "brief.yaml").read_text("utf-8").replace("Hostile", "Changed")
    )
    run = briefgen(project, ["build", "-a", "desk"])
    assert run.code == 2, run.stderr
    assert re.search(
        r"^templates/default/brief\.html\.j2:2: undefined: .*'no_such_name'", run.stderr, re.M
    )
    after = _snapshot(project)
    assert after["output/brief/desk.html"] == before["output/brief/desk.html"]
    assert after["output/brief/desk.pdf"] == before["output/brief/desk.pdf"]
    assert after["output/brief/desk.pptx"] != before["output/brief/desk.pptx"]  # it rendered
    assert after["output/brief/desk.docx"] != before["output/brief/desk.docx"]
    assert not temp_files(project)


def test_a_first_build_that_fails_leaves_no_file(project: Path):
    template = project / "templates" / "default" / "brief.html.j2"
    template.parent.mkdir(parents=True)
    template.write_text(BROKEN_TEMPLATE, "utf-8")
    run = briefgen(project, ["build", "-a", "desk", "-f", "pdf", "-f", "html"])
    assert run.code == 2
    assert outputs(project) == [] and not temp_files(project)


def test_a_symlink_briefgen_wrote_over_is_replaced_not_written_through(
    project: Path, canary: Canary, tmp_path: Path
):
    _ok(project, "-a", "desk", "-f", "html")
    victim = tmp_path / "victim.html"
    victim.write_text("VICTIM", "utf-8")
    target = project / "output" / "brief" / "desk.html"
    target.unlink()
    target.symlink_to(victim)  # the manifest still says briefgen wrote desk.html
    _ok(project, "-a", "desk", "-f", "html")
    assert not target.is_symlink() and b"Hostile fixture" in target.read_bytes()
    assert victim.read_text("utf-8") == "VICTIM"


def test_a_symlink_briefgen_did_not_write_is_refused_then_replaced_with_force(
    project: Path, tmp_path: Path
):
    victim = tmp_path / "victim.pdf"
    victim.write_bytes(b"VICTIM")
    target = project / "output" / "brief" / "desk.pdf"
    target.parent.mkdir(parents=True)
    target.symlink_to(victim)
    run = briefgen(project, ["build", "-a", "desk", "-f", "pdf"])
    assert run.code == 2
    assert run.stderr.strip().endswith(
        "output/brief/desk.pdf: exists and was not written by briefgen; "
        "move it away or pass --force to overwrite it"
    )
    assert target.is_symlink() and victim.read_bytes() == b"VICTIM"
    _ok(project, "-a", "desk", "-f", "pdf", "--force")
    assert not target.is_symlink() and target.read_bytes().startswith(b"%PDF-")
    assert victim.read_bytes() == b"VICTIM"


def test_force_overwrites_a_file_briefgen_did_not_write(project: Path):
    target = project / "output" / "brief" / "desk.html"
    target.parent.mkdir(parents=True)
    target.write_text("hand-written", "utf-8")
    assert briefgen(project, ["build", "-a", "desk", "-f", "html"]).code == 2
    assert target.read_text("utf-8") == "hand-written"
    _ok(project, "-a", "desk", "-f", "html", "--force")
    assert "Hostile fixture" in target.read_text("utf-8")


def test_a_manifest_that_is_a_symlink_is_replaced_not_written_through(
    project: Path, tmp_path: Path
):
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text("{}", "utf-8")
    manifest = project / "output" / MANIFEST_NAME
    manifest.parent.mkdir(parents=True)
    manifest.symlink_to(elsewhere)
    _ok(project, "-a", "desk", "-f", "html")
    assert not manifest.is_symlink()
    assert "brief/desk.html" in json.loads(manifest.read_text("utf-8"))["files"]
    assert elsewhere.read_text("utf-8") == "{}"


def test_a_broken_manifest_is_not_trusted_and_protects_nothing_it_does_not_list(project: Path):
    target = project / "output" / "brief" / "desk.html"
    target.parent.mkdir(parents=True)
    target.write_text("hand-written", "utf-8")
    (project / "output" / MANIFEST_NAME).write_text("{not json", "utf-8")
    assert briefgen(project, ["build", "-a", "desk", "-f", "html"]).code == 2
    assert target.read_text("utf-8") == "hand-written"


def test_two_builds_of_the_same_input_are_byte_identical(tmp_path: Path, canary: Canary):
    """Two projects in different folders, built at different times: the same bytes."""
    first = make_project(tmp_path / "one", canary)
    second = make_project(tmp_path / "elsewhere" / "two", canary)
    _ok(first)
    _ok(second, "-j", "0")  # in this process rather than in workers: the same bytes too
    a, b = _snapshot(first), _snapshot(second)
    assert sorted(a) == sorted(b) and len(a) == 8  # two audiences, four formats
    for name in a:
        assert a[name] == b[name], f"{name} differs between two builds"
    _ok(first, "--force")
    assert _snapshot(first) == a
    assert_safe_outputs(first, canary)


def test_an_interrupted_write_leaves_the_previous_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    target = tmp_path / "out" / "desk.pdf"
    atomic_write(target, b"previous")

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"previous"
    assert [p.name for p in target.parent.iterdir()] == ["desk.pdf"]


def test_a_full_disk_leaves_the_previous_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    target = tmp_path / "out" / "desk.pptx"
    atomic_write(target, b"previous")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"previous"
    assert [p.name for p in target.parent.iterdir()] == ["desk.pptx"]
