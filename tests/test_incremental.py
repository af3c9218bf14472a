"""Incremental builds: an output is rendered again only when something that makes it changed
(its brief, the config, a file of its template set, a project file it read, briefgen's
version) or the file itself was changed or removed; ``--force`` renders everything."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import AUDIENCES, SAMPLE_BRIEF

from briefgen import api, pipeline
from briefgen.cli import cli
from briefgen.errors import TemplateError
from briefgen.output import MANIFEST_NAME
from briefgen.project import open_workspace

FORMATS = ["html", "pptx"]  # fast to render; the PDF path is the same code


def build(root: Path, **kwargs):
    kwargs.setdefault("formats", FORMATS)
    result = api.build(root, **kwargs)
    assert result.exit_code == 0, [o.error for o in result.failed]
    return {f"{o.brief}/{o.audience}.{o.format}": o.status for o in result.outputs}


def written(statuses: dict[str, str]) -> set[str]:
    return {k for k, v in statuses.items() if v == "written"}


@pytest.fixture
def two_briefs(project: Path) -> Path:
    """The sample project with a second brief, a copy of the first."""
    shutil.copy(SAMPLE_BRIEF, project / "content" / "second.yaml")
    return project


def test_nothing_changed_renders_nothing(two_briefs):
    first = build(two_briefs)
    assert set(first.values()) == {"written"} and len(first) == 2 * len(AUDIENCES) * len(FORMATS)
    files = sorted((two_briefs / "output").rglob("*.*"))
    stamps = {p: p.stat().st_mtime_ns for p in files}
    again = build(two_briefs)
    assert set(again.values()) == {"unchanged"}
    assert {p: p.stat().st_mtime_ns for p in files} == stamps  # not even rewritten


def test_changing_one_brief_renders_only_its_outputs(two_briefs):
    build(two_briefs)
    second = two_briefs / "content" / "second.yaml"
    second.write_text(second.read_text("utf-8").replace("Energy", "Energy and Power", 1))
    assert written(build(two_briefs)) == {f"second/{a}.{f}" for a in AUDIENCES for f in FORMATS}


def test_editing_one_audience_in_the_config_renders_only_that_audience(two_briefs):
    build(two_briefs)
    config = two_briefs / "briefgen.yaml"
    text = config.read_text("utf-8")
    assert "exclude_tags: [internal, sensitive]" in text
    config.write_text(
        text.replace("exclude_tags: [internal, sensitive]", "exclude_tags: [internal]", 1)
    )
    assert written(build(two_briefs)) == {
        f"{b}/press.{f}" for b in ("us-azerbaijan", "second") for f in FORMATS
    }
    # A project-wide setting concerns every audience.
    config.write_text(
        config.read_text("utf-8").replace(
            "classification: UNCLASSIFIED", "classification: RESTRICTED", 1
        )
    )
    assert len(written(build(two_briefs))) == 2 * len(AUDIENCES) * len(FORMATS)


def test_changing_a_template_renders_only_outputs_that_use_its_set(two_briefs):
    config = open_workspace(two_briefs).config
    on_default = {a for a, spec in config.audiences.items() if spec.template in (None, "default")}
    assert on_default and on_default != set(config.audiences)  # desk uses 'formal'
    build(two_briefs)
    # Any file of the set counts, not only the templates (fonts, the reference deck...).
    override = two_briefs / "templates" / "default"
    override.mkdir(parents=True)
    (override / "notes.txt").write_text("a file of the set\n")
    assert written(build(two_briefs)) == {
        f"{b}/{a}.{f}" for b in ("us-azerbaijan", "second") for a in on_default for f in FORMATS
    }
    assert written(build(two_briefs)) == set()


def test_a_broken_template_is_still_found_after_a_build(project):
    build(project)
    override = project / "templates" / "default"
    override.mkdir(parents=True)
    (override / "deck.yaml.j2").write_text("{% for %}\n")
    with pytest.raises(TemplateError, match=r"deck\.yaml\.j2:1"):
        api.build(project, formats=FORMATS)


def test_a_changed_or_removed_output_is_rendered_again(project):
    build(project)
    out = project / "output" / "us-azerbaijan"
    (out / "press.html").write_bytes(b"edited by hand")
    (out / "desk.pptx").unlink()
    assert written(build(project)) == {"us-azerbaijan/press.html", "us-azerbaijan/desk.pptx"}
    # Touched but identical: compared by content, still unchanged.
    os.utime(out / "executive.html", ns=(1, 1))
    assert written(build(project)) == set()


def test_force_renders_everything(project):
    build(project)
    assert set(build(project, force=True).values()) == {"written"}


def test_a_new_briefgen_version_renders_everything(project, monkeypatch):
    build(project)
    monkeypatch.setattr(pipeline, "__version__", "999.0")
    pipeline.renderer_versions.cache_clear()
    try:
        assert set(build(project).values()) == {"written"}
    finally:
        monkeypatch.undo()
        pipeline.renderer_versions.cache_clear()


def png(color: tuple[int, int, int]) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (300, 120), color).save(buf, "PNG")
    return buf.getvalue()


def test_a_changed_logo_renders_the_outputs_that_show_it(project):
    (project / "logo.png").write_bytes(png((200, 0, 0)))
    config = project / "briefgen.yaml"
    text = config.read_text("utf-8")
    text = text.replace("    title: Press\n", "    title: Press\n    theme: {logo: logo.png}\n", 1)
    config.write_text(text)
    first = build(project)
    assert set(first.values()) == {"written"}
    manifest = json.loads((project / "output" / MANIFEST_NAME).read_text())
    assert list(manifest["files"]["us-azerbaijan/press.html"]["reads"]) == ["logo.png"]
    assert list(manifest["files"]["us-azerbaijan/press.pptx"]["reads"]) == ["logo.png"]
    (project / "logo.png").write_bytes(png((0, 0, 200)))  # the config did not change
    # the press outputs show the logo (the fixture builds HTML and decks); the others do not
    assert written(build(project)) == {"us-azerbaijan/press.html", "us-azerbaijan/press.pptx"}


def test_cli_shows_unchanged_in_the_table_and_in_json(project):
    def invoke(*args: str):
        result = CliRunner().invoke(
            cli, ["-C", str(project), "build", "-j", "1", "-f", "html", *args]
        )
        assert result.exit_code == 0, result.output
        return result.stdout

    assert f"{len(AUDIENCES)} file(s) written in" in invoke()
    table = invoke()
    assert f"0 file(s) written, {len(AUDIENCES)} unchanged in" in table
    assert sum(line.endswith(" unchanged") for line in table.splitlines()) == len(AUDIENCES)
    data = json.loads(invoke("--json"))
    assert [o["status"] for o in data["outputs"]] == ["unchanged"] * len(AUDIENCES)
    forced = json.loads(invoke("--json", "--force"))
    assert [o["status"] for o in forced["outputs"]] == ["written"] * len(AUDIENCES)


# ---------------------------------------------------------------- stamps: the fast answer


def test_a_stamp_answers_a_build_with_nothing_to_do(project):
    from briefgen import stamps

    first = api.build(project, formats=FORMATS)
    assert stamps.lookup(project, formats=FORMATS) is not None
    again = stamps.lookup(project, formats=FORMATS)
    assert [(o.path, o.status, o.pages, o.slides, o.size) for o in again.outputs] == [
        (o.path, "unchanged", o.pages, o.slides, o.size) for o in first.outputs
    ]
    assert again.warnings == first.warnings
    # Another way of calling build has no stamp yet.
    assert stamps.lookup(project, formats=["html"]) is None
    assert stamps.lookup(project, audiences=["press"], formats=FORMATS) is None


@pytest.mark.parametrize(
    "change",
    [
        "touch the brief",
        "a new brief",
        "edit the config",
        "a project template",
        "a file of a template set",
        "the logo",
        "an output removed",
        "an output edited",
        "the manifest removed",
    ],
)
def test_any_change_to_an_input_voids_the_stamp(project, change):
    from briefgen import stamps

    (project / "logo.png").write_bytes(png((200, 0, 0)))
    config = project / "briefgen.yaml"
    config.write_text(
        config.read_text("utf-8").replace(
            "    title: Press\n", "    title: Press\n    theme: {logo: logo.png}\n", 1
        )
    )
    (project / "templates" / "default").mkdir(parents=True)
    api.build(project, formats=FORMATS)
    assert stamps.lookup(project, formats=FORMATS) is not None
    brief = project / "content" / "us-azerbaijan.yaml"
    out = project / "output" / "us-azerbaijan"
    if change == "touch the brief":
        os.utime(brief, ns=(1, 10**18))
    elif change == "a new brief":
        shutil.copy(SAMPLE_BRIEF, project / "content" / "another.yaml")
    elif change == "edit the config":
        config.write_text(config.read_text("utf-8") + "\n")
    elif change == "a project template":
        (project / "templates" / "default" / "brief.css.j2").write_text("/* mine */\n")
    elif change == "a file of a template set":
        (project / "templates" / "default" / "notes.txt").write_text("x")
    elif change == "the logo":
        (project / "logo.png").write_bytes(png((0, 0, 200)))
    elif change == "an output removed":
        (out / "press.pptx").unlink()
    elif change == "an output edited":
        (out / "desk.html").write_text("edited")
    elif change == "the manifest removed":
        (project / "output" / MANIFEST_NAME).unlink()
    assert stamps.lookup(project, formats=FORMATS) is None


def test_a_failed_build_leaves_no_stamp(project):
    from briefgen import stamps

    api.build(project, formats=FORMATS)
    override = project / "templates" / "default"
    override.mkdir(parents=True)
    (override / "brief.html.j2").write_text("{{ brief.no_such_field }}\n")
    failed = api.build(project, formats=FORMATS)
    assert failed.exit_code == 2
    (override / "brief.html.j2").unlink()  # back to the inputs of the stamped build
    assert stamps.lookup(project, formats=FORMATS) is None


def test_the_cli_answers_a_no_change_build_without_loading_the_pipeline(project):
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from briefgen.cli import main\n"
        "sys.argv = ['briefgen', 'build', '-f', 'html', '-f', 'pptx', '--json']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "loaded = [m for m in ('pydantic', 'jinja2', 'weasyprint', 'pptx') if m in sys.modules]\n"
        "print('loaded:', ','.join(loaded) or 'none')\n"
    )

    def run() -> tuple[dict, str]:
        proc = subprocess.run(
            [sys.executable, "-c", code], cwd=project, capture_output=True, text=True, timeout=120
        )
        assert proc.returncode == 0, proc.stderr
        text, loaded = proc.stdout.rsplit("loaded: ", 1)
        return json.loads(text), loaded.strip()

    first, loaded = run()
    assert {o["status"] for o in first["outputs"]} == {"written"} and loaded != "none"
    second, loaded = run()
    assert {o["status"] for o in second["outputs"]} == {"unchanged"}
    assert loaded == "none"
