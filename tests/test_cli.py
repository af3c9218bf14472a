"""The command line: help, version, exit codes, one-line errors without tracebacks, and the
commands a user runs first (validate, init, templates, audiences)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from support import AUDIENCES, FORMAL_READY, expectations, scenario_files

from briefgen import __version__
from briefgen.cli import cli
from briefgen.templates import builtin_dir

OUT = Path("output") / "us-azerbaijan"


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="briefgen", env=env)


def subprocess_run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m briefgen ARGS`` in a real process."""
    return subprocess.run(
        [sys.executable, "-m", "briefgen", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONWARNINGS": "error::DeprecationWarning:briefgen"},
    )


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def command_paths(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            paths += command_paths(command, (*prefix, name))
        else:
            paths.append((*prefix, name))
    return paths


# ---------------------------------------------------------------- help and version


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"briefgen, version {__version__}\n"


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "briefgen")
def test_help_on_every_command(path):
    result = run(*path, "--help")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Usage: briefgen {' '.join(path)}".rstrip())
    command = cli
    for name in path:
        command = command.commands[name]
    first_line = (command.help or "").strip().splitlines()[0]
    assert first_line.split(":")[0] in " ".join(result.stdout.split())
    assert run(*path, "-h").stdout == result.stdout


def test_all_expected_commands_exist():
    names = {" ".join(p) for p in command_paths()}
    assert {"build", "validate", "init", "audiences", "templates list", "templates eject"} <= names


# ---------------------------------------------------------------- build


def test_build_writes_the_requested_files_and_ends_with_a_table(project, monkeypatch):
    monkeypatch.chdir(project)
    result = run("build", "-f", "html")
    assert result.exit_code == 0, result.output
    assert [p.name for p in files_under(project / OUT)] == sorted(f"{a}.html" for a in AUDIENCES)
    assert "file" in result.stdout and "size" in result.stdout
    assert f"{len(AUDIENCES)} file(s) written" in result.stdout
    for audience in AUDIENCES:
        assert f"{audience}.html" in result.stdout


def test_build_one_brief_one_audience_one_format_into_a_folder(project, monkeypatch):
    monkeypatch.chdir(project)
    result = run("build", "content/us-azerbaijan.yaml", "-a", "press", "-f", "pdf", "-o", "out")
    assert result.exit_code == 0, result.output
    assert files_under(project / "out" / "us-azerbaijan") == [
        project / "out" / "us-azerbaijan" / "press.pdf"
    ]
    assert (project / "out/us-azerbaijan/press.pdf").read_bytes().startswith(b"%PDF-")
    assert not (project / "output").exists()


def test_build_json_reports_what_was_written(project):
    result = run("-C", str(project), "build", "-a", "press", "-f", "html", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    (out,) = report["outputs"]
    assert (out["audience"], out["format"], out["status"]) == ("press", "html", "written")
    assert out["size"] == (project / OUT / "press.html").stat().st_size


def single_problem_scenarios() -> list[Path]:
    return [
        f
        for f in scenario_files(errors=True)
        if len([e for e in expectations(f) if not e.warning]) == 1
    ]


@pytest.mark.parametrize("name", [f.name for f in single_problem_scenarios()])
def test_bad_input_is_one_located_line_exit_2_no_traceback_no_output(
    name, scenario_project, monkeypatch
):
    root = scenario_project(name)
    monkeypatch.chdir(root)
    (expected,) = expectations(root / "content" / name)
    result = run("build", f"content/{name}", "-o", "out")
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"content/{name}:{expected.line}:{expected.col}: ")
    assert expected.text in lines[0]
    assert "Traceback" not in result.output
    assert not (root / "out").exists()
    assert not (root / "output").exists()


def test_every_problem_of_a_file_is_printed_one_per_line(scenario_project, monkeypatch):
    root = scenario_project("many-problems.yaml")
    monkeypatch.chdir(root)
    result = run("validate")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    expected = expectations(root / "content" / "many-problems.yaml")
    assert [line.split(": ", 1)[0] for line in lines] == [
        f"content/many-problems.yaml:{e.line}:{e.col}" for e in expected
    ]


def test_warnings_do_not_fail_the_build(scenario_project, monkeypatch):
    root = scenario_project("control-chars.yaml")
    monkeypatch.chdir(root)
    result = run("build", "-f", "html", "-a", "press")
    assert result.exit_code == 0, result.output
    assert "content/control-chars.yaml:4:15: warning: removed control character U+0007" in (
        result.stderr.splitlines()
    )
    assert (root / "output/control-chars/press.html").is_file()


def test_unknown_audience_lists_the_known_ones(project, monkeypatch):
    monkeypatch.chdir(project)
    result = run("build", "-a", "nosuch")
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: unknown audience 'nosuch'; known audiences: {', '.join(AUDIENCES)}\n"
    )
    assert "Traceback" not in result.output
    assert not (project / "output").exists()


def test_unknown_format_is_a_usage_error(project):
    result = run("-C", str(project), "build", "-f", "odt")
    assert result.exit_code == 2
    assert "'odt' is not one of 'pdf', 'pptx', 'html', 'docx'" in result.stderr


def test_no_project_is_a_clear_error(tmp_path):
    result = run("-C", str(tmp_path), "build")
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {tmp_path}: no briefgen.yaml here; create a project with 'briefgen init'\n"
    )


def test_bad_config_is_located(project, monkeypatch):
    monkeypatch.chdir(project)
    config = project / "briefgen.yaml"
    config.write_text(config.read_text().replace("max_points: 3", "max_pionts: 3"))
    result = run("validate")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert re.fullmatch(
        r"briefgen\.yaml:\d+:5: audiences\.executive\.max_pionts: unknown key 'max_pionts' "
        r"\(did you mean 'max_points'\?\)",
        line,
    ), line


def test_a_template_error_is_exit_2_with_template_and_line_and_writes_nothing(project, monkeypatch):
    monkeypatch.chdir(project)
    override = project / "templates" / "default" / "brief.html.j2"
    override.parent.mkdir(parents=True)
    override.write_text(
        '{% extends "!default/brief.html.j2" %}\n{% block summary %}\n{{ nope }}\n{% endblock %}\n'
    )
    result = run("build", "-a", "press", "-f", "html")
    assert result.exit_code == 2
    assert re.search(
        r"^templates/default/brief\.html\.j2:3: undefined: .*'nope'", result.stderr, re.M
    )
    assert "Traceback" not in result.output
    assert not (project / OUT / "press.html").exists()


def test_a_render_that_fails_is_exit_1_and_the_others_are_still_written(project, monkeypatch):
    import briefgen.render

    real = briefgen.render.run

    def flaky(job):
        if job.view.audience.name == "press":
            raise RuntimeError("renderer exploded")
        return real(job)

    monkeypatch.setattr(briefgen.render, "run", flaky)
    monkeypatch.chdir(project)
    result = run("build", "-f", "html", "--jobs", "0")  # render in this (patched) process
    assert result.exit_code == 1
    assert "error: us-azerbaijan/press.html: RuntimeError: renderer exploded" in result.stderr
    assert "Traceback" not in result.output
    assert sorted(p.name for p in files_under(project / OUT)) == sorted(
        f"{a}.html" for a in AUDIENCES if a != "press"
    )


def test_files_briefgen_did_not_write_are_not_overwritten_without_force(project, monkeypatch):
    monkeypatch.chdir(project)
    foreign = project / OUT / "press.html"
    foreign.parent.mkdir(parents=True)
    foreign.write_text("somebody's notes")
    result = run("build", "-f", "html")
    assert result.exit_code == 2
    assert "exists and was not written by briefgen" in result.stderr
    assert foreign.read_text() == "somebody's notes"
    assert files_under(project / OUT) == [foreign]  # refused before rendering anything
    forced = run("build", "-f", "html", "--force")
    assert forced.exit_code == 0, forced.output
    assert foreign.read_text().startswith("<!DOCTYPE html>")


# ---------------------------------------------------------------- validate, audiences


def test_validate_the_sample_prints_ok(project, monkeypatch):
    monkeypatch.chdir(project)
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok: no problems found")


def test_audiences_lists_the_three_audiences_in_a_wide_terminal(project):
    result = run("-C", str(project), "audiences", env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    rows = [line.split()[0] for line in result.stdout.splitlines()[1:] if line.strip()]
    assert rows == list(AUDIENCES)
    assert "UNCLASSIFIED // PUBLIC" in result.stdout


def test_audiences_names_are_never_truncated(project):
    result = run("-C", str(project), "audiences", env={"COLUMNS": "80"})
    assert result.exit_code == 0
    for audience in AUDIENCES:
        assert re.search(rf"^{audience}\b", result.stdout, re.M), result.stdout


# ---------------------------------------------------------------- init


def test_init_creates_a_working_project(tmp_path):
    folder = tmp_path / "my-briefs"
    result = run("init", str(folder))
    assert result.exit_code == 0, result.output
    assert (folder / "briefgen.yaml").is_file()
    assert (folder / "content" / "us-azerbaijan.yaml").is_file()
    assert (folder / "schema" / "brief.schema.json").is_file()
    assert f"next: cd {folder} && briefgen build" in result.stdout
    assert run("-C", str(folder), "validate").exit_code == 0
    # TODO(formal): drop the audience filter once the formal set is always complete
    audiences = [] if FORMAL_READY else ["-a", "executive", "-a", "press"]
    # `init` writes its own briefgen.yaml (briefgen/project.yaml): three audiences
    init_audiences = ("executive", "press", "desk") if FORMAL_READY else ("executive", "press")
    built = run("-C", str(folder), "build", "-f", "html", *audiences)
    assert built.exit_code == 0, built.output
    expected = init_audiences
    assert sorted(p.name for p in files_under(folder / OUT)) == sorted(
        f"{a}.html" for a in expected
    )


def test_init_refuses_an_existing_project(project):
    before = (project / "briefgen.yaml").read_text()
    result = run("init", str(project))
    assert result.exit_code == 2
    assert "briefgen.yaml already exists; not overwriting it" in result.stderr
    assert (project / "briefgen.yaml").read_text() == before


# ---------------------------------------------------------------- templates


def test_templates_list_shows_the_builtin_sets(project):
    result = run("-C", str(project), "templates", "list")
    assert result.exit_code == 0, result.output
    names = {line.split()[0]: line.split()[1] for line in result.stdout.splitlines()}
    assert names["default"] == "built-in"
    if FORMAL_READY:  # TODO(formal): always, once the set is complete
        assert names["formal"] == "built-in"


def test_templates_eject_copies_the_set_into_the_project(project):
    result = run("-C", str(project), "templates", "eject", "default")
    assert result.exit_code == 0, result.output
    target = project / "templates" / "default"
    builtin = builtin_dir() / "default"
    copied = sorted(p.relative_to(target) for p in files_under(target))
    assert Path("brief.html.j2") in copied and Path("deck.yaml.j2") in copied
    assert copied == sorted(p.relative_to(builtin) for p in files_under(builtin))
    for rel in copied:
        assert (target / rel).read_bytes() == (builtin / rel).read_bytes()
    assert f"copied {len(copied)} files into " in result.stdout
    listed = run("-C", str(project), "templates", "list").stdout
    assert re.search(r"^default\s+project override", listed, re.M)
    again = run("-C", str(project), "templates", "eject", "default")
    assert again.exit_code == 2
    assert "already exists; pass --force to overwrite it" in again.stderr


def test_templates_eject_unknown_set(project):
    result = run("-C", str(project), "templates", "eject", "nosuch")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no built-in template set 'nosuch'; built-in sets: ")


# ---------------------------------------------------------------- real processes


def test_subprocess_version_and_success(project):
    version = subprocess_run("--version", cwd=project)
    assert (version.returncode, version.stdout) == (0, f"briefgen, version {__version__}\n")
    validate = subprocess_run("validate", cwd=project)
    assert validate.returncode == 0, validate.stderr
    assert validate.stdout.startswith("ok: no problems found")


def test_subprocess_bad_input(scenario_project):
    root = scenario_project("typo-key.yaml")
    proc = subprocess_run("build", "content/typo-key.yaml", "-o", "out", cwd=root)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == (
        "content/typo-key.yaml:3:1: titel: unknown key 'titel' (did you mean 'title'?)\n"
    )
    assert not (root / "out").exists()


def test_help_and_validate_do_not_import_the_renderers(project):
    """``--help`` and ``validate`` stay fast: weasyprint and python-pptx are not imported."""
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from briefgen.cli import cli\n"
        "runner = CliRunner()\n"
        "for args in (['--help'], ['build', '--help'], ['-C', sys.argv[1], 'validate']):\n"
        "    result = runner.invoke(cli, args)\n"
        "    assert result.exit_code == 0, (args, result.output)\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('weasyprint', 'pptx')]\n"
        "print(','.join(sorted(heavy)) or 'none')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(project)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "none"


def test_the_deck_renderer_does_not_import_the_pdf_stack():
    """A PPTX-only worker loads python-pptx, not WeasyPrint or pygal (the brief's SVG
    charts): each is a noticeable part of a cold one-deck build."""
    code = (
        "import sys\n"
        "import briefgen.render.deck.builder, briefgen.render.deck.layouts\n"
        "print(','.join(sorted(m for m in ('weasyprint', 'pygal') if m in sys.modules)))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stdout.strip()) == (0, ""), proc.stderr


# ---------------------------------------------------------------- the script's exit


@pytest.fixture()
def exits(monkeypatch):
    """What the script's quick exit would do, recorded instead of done (this is pytest's
    own process: its exit handlers must not run here)."""
    import atexit

    import briefgen.cli as cli_module

    calls: list[object] = []
    monkeypatch.setattr(atexit, "_run_exitfuncs", lambda: calls.append("atexit"))
    monkeypatch.setattr(cli_module.os, "_exit", lambda code: calls.append(code))
    return cli_module, calls


@pytest.mark.parametrize(("raised", "code"), [(None, 0), (0, 0), (2, 2), ("bad thing", 1)])
def test_the_script_exits_at_once_with_the_commands_code(exits, monkeypatch, capsys, raised, code):
    cli_module, calls = exits
    monkeypatch.setattr(cli_module, "main", lambda: sys.exit(raised))
    cli_module.run()
    assert calls == ["atexit", code]  # exit handlers first, then out
    assert ("bad thing" in capsys.readouterr().err) == (raised == "bad thing")


def test_the_script_waits_for_threads_a_command_left_running(exits, monkeypatch):
    import threading

    cli_module, calls = exits
    release = threading.Event()
    worker = threading.Thread(target=release.wait)
    worker.start()
    monkeypatch.setattr(cli_module, "main", lambda: sys.exit(3))
    try:
        with pytest.raises(SystemExit) as exc:
            cli_module.run()
    finally:
        release.set()
        worker.join()
    assert exc.value.code == 3 and calls == []  # the usual exit, which joins the thread


def test_the_script_prints_all_of_a_long_output_through_a_pipe(project):
    """Streams are flushed before the quick exit: the whole JSON report arrives."""
    proc = subprocess_run("build", "-f", "html", "--json", "--force", cwd=project)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert len(report["outputs"]) == len(AUDIENCES)


def test_the_quick_exit_flushes_what_was_printed_but_not_yet_written(tmp_path):
    code = (
        "import briefgen.cli as c\n"
        "c.main = lambda: print('x' * 1000, end='')\n"  # print() to a pipe is buffered
        "c.run()\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=env,
    )
    assert (proc.returncode, len(proc.stdout)) == (0, 1000)


def test_a_build_warning_about_an_audience_says_warning_not_error(tmp_path):
    """A finding located at brief/audience (not file:line) keeps its severity when printed."""
    import shutil

    root = tmp_path / "p"
    shutil.copytree(
        Path(__file__).parent / "fixtures" / "scenario",
        root,
        ignore=shutil.ignore_patterns("output"),
    )
    result = CliRunner().invoke(cli, ["-C", str(root), "build", "-f", "html"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if "2.4:1" in line]
    assert lines and all(line.startswith("caspian-energy/ministers: warning: ") for line in lines)


@pytest.mark.parametrize("name", ["default", "formal"])
def test_an_ejected_copy_under_another_name_builds_what_the_original_does(project, name):
    """``eject NAME --as mine`` is complete: the desk version built on the copy has the
    same slides, words and Word text as on the built-in set (a set that extends another
    still does, so nothing the copy lacks goes missing)."""
    from docx import Document
    from pptx import Presentation

    assert run("-C", str(project), "templates", "eject", name, "--as", "mine").exit_code == 0
    config = project / "briefgen.yaml"
    text = config.read_text("utf-8")
    desk = re.search(r"^  desk:\n(?:    .*\n)+", text, re.M)
    assert desk and "    template: " in desk[0]
    outputs = {}
    for template in (name, "mine"):
        block = re.sub(r"    template: .*", f"    template: {template}", desk[0])
        config.write_text(text.replace(desk[0], block), "utf-8")
        out = project / f"out-{template}"
        args = ("build", "-a", "desk", "-f", "pptx", "-f", "docx", "-o", str(out))
        result = run("-C", str(project), *args)
        assert result.exit_code == 0, result.output
        deck = Presentation(str(out / "us-azerbaijan" / "desk.pptx"))
        slides = [[s.text_frame.text for s in sl.shapes if s.has_text_frame] for sl in deck.slides]
        words = [p.text for p in Document(str(out / "us-azerbaijan" / "desk.docx")).paragraphs]
        outputs[template] = (slides, words)
    assert outputs[name] == outputs["mine"]
