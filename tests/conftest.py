"""Shared fixtures: throwaway projects, scenario projects, and the sample built once per
session for the end-to-end tests. Helpers live in support.py."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from support import AUDIENCES, BRIEFS, ROOT, SAMPLE_BRIEF, project_config_text

from briefgen.audience import BriefView, select
from briefgen.content.validate import validate
from briefgen.content.yamlsource import load_bytes
from briefgen.model import Brief, Project

# ---------------------------------------------------------------- projects on disk


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh project folder with the sample brief and config."""
    root = tmp_path / "project"
    (root / "content").mkdir(parents=True)
    shutil.copy(SAMPLE_BRIEF, root / "content" / SAMPLE_BRIEF.name)
    (root / "briefgen.yaml").write_text(project_config_text(), "utf-8")
    return root


@pytest.fixture
def scenario_project(tmp_path: Path) -> Callable[[str], Path]:
    """A project whose only brief is the named scenario file; returns the project folder."""

    def make(name: str) -> Path:
        root = tmp_path / "scenario"
        (root / "content").mkdir(parents=True, exist_ok=True)
        shutil.copy(BRIEFS / name, root / "content" / name)
        (root / "briefgen.yaml").write_text(project_config_text(), "utf-8")
        return root

    return make


# ---------------------------------------------------------------- the sample, built once


@dataclass
class SampleBuild:
    """The sample built for every audience in every format, and what went into it."""

    root: Path
    result: Any
    brief: Brief
    views: dict[str, BriefView]
    _cache: dict[str, Any] = field(default_factory=dict)

    def path(self, audience: str, fmt: str) -> Path:
        return self.root / "output" / "us-azerbaijan" / f"{audience}.{fmt}"

    def pdf_pages(self, audience: str) -> list[str]:
        """Text of each page of the audience's PDF (pypdf)."""
        key = f"pdf:{audience}"
        if key not in self._cache:
            from pypdf import PdfReader

            reader = PdfReader(self.path(audience, "pdf"))
            self._cache[key] = [page.extract_text() or "" for page in reader.pages]
        return self._cache[key]

    def pdf_reader(self, audience: str):
        from pypdf import PdfReader

        return PdfReader(self.path(audience, "pdf"))

    def deck(self, audience: str):
        """The audience's deck, opened with python-pptx."""
        key = f"pptx:{audience}"
        if key not in self._cache:
            from pptx import Presentation

            self._cache[key] = Presentation(str(self.path(audience, "pptx")))
        return self._cache[key]

    def docx(self, audience: str):
        """The audience's Word brief, opened with python-docx."""
        key = f"docx:{audience}"
        if key not in self._cache:
            import docx

            self._cache[key] = docx.Document(str(self.path(audience, "docx")))
        return self._cache[key]

    def html(self, audience: str) -> str:
        return self.path(audience, "html").read_text("utf-8")

    @cached_property
    def project(self) -> Project:
        return validate(load_bytes((self.root / "briefgen.yaml").read_bytes(), "cfg"), Project)


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> SampleBuild:
    """Copy the sample into a temporary project and build every audience and format once."""
    from briefgen.api import build

    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(ROOT / "content", root / "content")
    (root / "briefgen.yaml").write_text(project_config_text(), "utf-8")
    result = build(project=root)
    failed = [f"{o.path.name}: {o.error}" for o in result.failed]
    assert not failed, "sample build failed:\n" + "\n".join(failed)
    brief = validate(load_bytes(SAMPLE_BRIEF.read_bytes(), "sample"), Brief)
    config = validate(load_bytes((root / "briefgen.yaml").read_bytes(), "cfg"), Project)
    views = {a: select(brief, "us-azerbaijan", a, config) for a in AUDIENCES}
    return SampleBuild(root, result, brief, views)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: builds or reads the sample's real outputs")
