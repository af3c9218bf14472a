"""Editors and pipelines: the JSON Schemas `init` links, shell completion, -q/-v after the
command, NO_COLOR, and `build --json`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from support import init_without_alt

from briefgen import api
from briefgen.cli import cli
from briefgen.content.validate import validate
from briefgen.content.yamlsource import load_bytes
from briefgen.model import Brief

MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$", re.M)


class _Yaml12(yaml.SafeLoader):
    """YAML as an editor's language server reads it (YAML 1.2: dates stay strings)."""


_Yaml12.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def schema_errors(path: Path, text: str | None = None) -> list[str]:
    """Validate a YAML file against the schema its modeline names, as an editor would."""
    text = path.read_text("utf-8") if text is None else text
    match = MODELINE.search(text)
    assert match, f"{path} has no yaml-language-server line"
    schema_file = (path.parent / match.group(1)).resolve()
    assert schema_file.is_file(), f"{path}: the schema it names, {schema_file}, is not there"
    schema = json.loads(schema_file.read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    data = yaml.load(text, Loader=_Yaml12)
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(data)]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("editor") / "briefs"
    api.init_project(root)
    return root


def test_init_links_schemas_that_accept_its_own_files(project: Path):
    for path in (project / "briefgen.yaml", project / "content" / "us-azerbaijan.yaml"):
        assert schema_errors(path) == [], path


def test_schema_flags_what_the_loader_refuses(project: Path):
    brief = project / "content" / "us-azerbaijan.yaml"
    text = brief.read_text("utf-8").replace("\ntitle: ", "\ntitel: ", 1)
    errors = schema_errors(brief, text)
    assert any("titel" in e for e in errors)
    config = project / "briefgen.yaml"
    bad = config.read_text("utf-8").replace("max_points: 3", "max_points: lots")
    assert schema_errors(config, bad)
    budget = config.read_text("utf-8").replace(
        "    max_points: 3", "    max_points: 3\n    budget: {pages: 2, slides: 10}"
    )
    assert schema_errors(config, budget) == []
    assert schema_errors(config, budget.replace("slides: 10", "slide: 10"))


def test_schema_accepts_what_the_loader_accepts(project: Path):
    """Bare years in a timeline and numbers as chart categories load fine: no editor error."""
    brief = project / "content" / "us-azerbaijan.yaml"
    text = brief.read_text("utf-8")
    text = text.replace('- date: "1992"', "- date: 1992", 1)
    text = text.replace(
        "categories: [1990s, 2000s, 2010s, 2020s]", "categories: [1990, 2000, 2010, 2020]"
    )
    assert "date: 1992" in text and "categories: [1990," in text
    validate(load_bytes(text.encode(), "brief.yaml"), Brief)
    assert schema_errors(brief, text) == []


# ---------------------------------------------------------------- the command line


def complete(words: str, env_extra: dict[str, str] | None = None) -> list[str]:
    """What Click's bash completion offers for ``words`` (the last word is being typed)."""
    parts = words.split(" ")
    env = {
        "_BRIEFGEN_COMPLETE": "bash_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(parts) - 1),
        **(env_extra or {}),
    }
    result = CliRunner().invoke(cli, [], prog_name="briefgen", env=env)
    return [line.split(",", 1)[1] for line in result.output.splitlines() if "," in line]


def test_completion_script_and_candidates(project: Path, monkeypatch):
    source = CliRunner().invoke(
        cli, [], prog_name="briefgen", env={"_BRIEFGEN_COMPLETE": "bash_source"}
    )
    assert "_briefgen_completion" in source.output and "complete " in source.output
    assert "check" in complete("briefgen ch")
    assert set(complete("briefgen build -f ")) == {"pdf", "pptx", "html", "docx"}
    assert complete("briefgen templates eject f") == ["formal"]
    monkeypatch.chdir(project)
    assert complete("briefgen check -a ") == ["executive", "press", "desk"]
    assert complete("briefgen build -a p") == ["press"]


def test_quiet_and_verbose_after_the_command(project: Path):
    runner = CliRunner()
    before = runner.invoke(cli, ["-q", "-C", str(project), "validate"])
    after = runner.invoke(cli, ["-C", str(project), "validate", "-q"])
    assert before.exit_code == after.exit_code == 0
    assert before.output == after.output == ""
    loud = runner.invoke(cli, ["-C", str(project), "validate"])
    assert "ok: no problems found" in loud.output


def test_no_color_is_honoured(tmp_path: Path):
    root = init_without_alt(tmp_path / "p")
    runner = CliRunner()
    args = ["-C", str(root), "check", "-a", "press"]
    colored = runner.invoke(cli, args, color=True)
    plain = runner.invoke(cli, args, color=True, env={"NO_COLOR": "1"})
    assert "\x1b[" in colored.output
    assert "\x1b[" not in plain.output
    assert "error: chart 'milestones-by-decade'" in plain.output  # alt text is required


def test_build_json_reports_paths_pages_slides_sizes_times(tmp_path: Path):
    root = init_without_alt(tmp_path / "p")
    result = CliRunner().invoke(
        cli, ["-C", str(root), "build", "-a", "press", "-f", "pdf", "-f", "pptx", "--json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)  # warnings go to stderr
    by_format = {o["format"]: o for o in doc["outputs"]}
    pdf, deck = by_format["pdf"], by_format["pptx"]
    assert Path(pdf["path"]).is_file() and pdf["size"] == Path(pdf["path"]).stat().st_size
    assert pdf["pages"] >= 2 and deck["slides"] >= 10
    assert all(o["seconds"] > 0 and o["status"] == "written" for o in doc["outputs"])
    assert doc["seconds"] > 0
    assert any("milestones-by-decade" in w for w in doc["warnings"])  # check's findings too
