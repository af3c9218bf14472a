"""--debug (issue 4): the traceback for a bug report with it, none without it, and the same
one-line error last either way; for bad input, failed renders and briefgen's own bugs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile.harness import Canary, briefgen, fixture_bytes, make_project, place, start_canary


@pytest.fixture(scope="module")
def canary(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Canary]:
    yield from start_canary(tmp_path_factory)


@pytest.fixture
def project(tmp_path: Path, canary: Canary) -> Path:
    return make_project(tmp_path / "project", canary)


def _both(root: Path, args: list[str]) -> tuple[str, str, int]:
    plain = briefgen(root, args)
    debug = briefgen(root, ["--debug", *args])
    assert plain.code == debug.code
    assert "Traceback" not in plain.stdout + plain.stderr
    assert debug.stderr.rstrip().splitlines()[-1] == plain.stderr.rstrip().splitlines()[-1]
    return plain.stderr, debug.stderr, plain.code


def test_bad_input(project: Path, canary: Canary):
    place(project, "content/brief.yaml", fixture_bytes("briefs/duplicate-key.yaml", canary))
    plain, debug, code = _both(project, ["validate"])
    assert code == 2
    assert plain.splitlines() == [
        "content/brief.yaml:4:1: title: duplicate key 'title' (first defined on line 1); "
        "remove one of them"
    ]
    assert "Traceback (most recent call last)" in debug
    assert "briefgen.errors.ValidationFailed" in debug


def test_a_template_error(project: Path, canary: Canary):
    place(
        project,
        "templates/default/brief.html.j2",
        fixture_bytes("templates/syntax-error.html.j2", canary),
    )
    plain, debug, code = _both(project, ["build", "-a", "desk", "-f", "html"])
    assert code == 2 and len(plain.splitlines()) == 1
    assert "Traceback (most recent call last)" in debug and "TemplateError" in debug


def test_a_render_that_fails_in_a_worker(project: Path, canary: Canary):
    place(
        project,
        "templates/default/brief.html.j2",
        fixture_bytes("templates/font-size.html.j2", canary),
    )
    plain, debug, code = _both(project, ["build", "-a", "desk", "-f", "pdf"])
    assert code == 1 and len(plain.splitlines()) == 1
    assert "WeasyPrint could not lay out the brief" in plain
    assert "Traceback (most recent call last)" in debug
    assert "ZeroDivisionError" in debug and "weasyprint" in debug  # the cause, where it was


def test_a_bug_in_briefgen(project: Path, monkeypatch: pytest.MonkeyPatch):
    from click.testing import CliRunner

    from briefgen import api
    from briefgen.cli import cli

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(api, "validate", broken)
    plain = CliRunner().invoke(cli, ["-C", str(project), "validate"])
    debug = CliRunner().invoke(cli, ["--debug", "-C", str(project), "validate"])
    assert plain.exit_code == debug.exit_code == 1
    assert plain.stderr == (
        "error: internal error: RuntimeError: a bug "
        "(run with --debug for the traceback, and please report it)\n"
    )
    assert "Traceback (most recent call last)" in debug.stderr
    assert 'raise RuntimeError("a bug")' in debug.stderr
