"""Finding a project and loading all its briefs: every problem of every file at once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import BRIEFS

from briefgen import api
from briefgen.errors import InputError, ValidationFailed
from briefgen.project import brief_id, find_root, load_briefs, open_workspace


def test_find_root_walks_up_to_the_nearest_config(project: Path):
    deep = project / "content" / "sub"
    deep.mkdir()
    assert find_root(deep) == project.resolve()


def test_open_workspace_accepts_the_folder_or_its_config(project: Path):
    assert open_workspace(project).root == project.resolve()
    assert open_workspace(project / "briefgen.yaml").root == project.resolve()
    with pytest.raises(InputError, match=r"no briefgen\.yaml here"):
        open_workspace(project / "content")


def test_brief_ids_are_slugs_of_file_names():
    assert brief_id(Path("content/US Azerbaijan 2026.yaml")) == "us-azerbaijan-2026"


def test_problems_of_every_brief_are_reported_together(project: Path):
    for name in ("typo-key.yaml", "unknown-source.yaml"):
        shutil.copy(BRIEFS / name, project / "content" / name)
    ws = open_workspace(project)
    with pytest.raises(ValidationFailed) as info:
        load_briefs(ws)
    files = {Path(p.file).name for p in info.value.problems}
    assert files == {"typo-key.yaml", "unknown-source.yaml"}


def test_two_briefs_with_the_same_id_are_an_error(project: Path):
    shutil.copy(BRIEFS / "minimal.yaml", project / "content" / "Minimal.yaml")
    shutil.copy(BRIEFS / "minimal.yaml", project / "content" / "minimal.yml")
    with pytest.raises(ValidationFailed, match="brief id 'minimal' is also the id of"):
        load_briefs(open_workspace(project))


def test_a_project_without_briefs_says_so(project: Path):
    for path in (project / "content").iterdir():
        path.unlink()
    with pytest.raises(InputError, match=r"content: no briefs \(\*\.yaml\) found"):
        load_briefs(open_workspace(project))


def test_api_validate_returns_warnings_for_sections_an_audience_lists_but_lacks(project: Path):
    config = project / "briefgen.yaml"
    config.write_text(
        config.read_text().replace(
            "    title: Press\n", "    title: Press\n    sections: [energy, nosuch]\n"
        )
    )
    warnings = api.validate(project)
    assert any(
        "audience 'press' lists section(s) nosuch that this brief does not have" in w
        for w in warnings
    )
