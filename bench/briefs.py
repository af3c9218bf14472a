"""Briefs and projects made for benchmarks: the sample scaled up, and large batches.

Everything is derived from the sample brief, so the text, tags, figures and sources are real
content shapes; only ids and titles are varied to keep every brief and section distinct.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "content" / "us-azerbaijan.yaml"
CONFIG = ROOT / "briefgen.yaml"


def sample_data() -> dict[str, Any]:
    return yaml.safe_load(SAMPLE.read_text("utf-8"))


def scaled(factor: int, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """The sample with its sections repeated ``factor`` times (ids and titles numbered)."""
    base = data or sample_data()
    out = copy.deepcopy(base)
    out["sections"] = []
    for n in range(1, factor + 1):
        for section in base["sections"]:
            s = copy.deepcopy(section)
            if n > 1:
                s["id"] = f"{s['id']}-{n}"
                s["title"] = f"{s['title']} ({n})"
                for figure in s.get("figures", []):
                    figure["id"] = f"{figure['id']}-{n}"
            out["sections"].append(s)
    return out


def variant(n: int, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """The sample as brief number ``n`` of a batch: its own title and summary line."""
    out = copy.deepcopy(data or sample_data())
    out["title"] = f"{out['title']} — brief {n}"
    out["summary"] = f"Brief {n} of the batch. {out['summary']}"
    return out


def write_brief(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    return path


def project(root: Path, briefs: dict[str, dict[str, Any]], config: str | None = None) -> Path:
    """A project at ``root`` with ``briefs`` (file stem -> data) and the sample config."""
    if root.exists():
        shutil.rmtree(root)
    (root / "content").mkdir(parents=True)
    (root / "briefgen.yaml").write_text(config or CONFIG.read_text("utf-8"), "utf-8")
    for stem, data in briefs.items():
        write_brief(root / "content" / f"{stem}.yaml", data)
    return root


def batch(root: Path, count: int) -> Path:
    """A project of ``count`` distinct briefs (each built for every audience and format)."""
    base = sample_data()
    return project(root, {f"brief-{n:03d}": variant(n, base) for n in range(1, count + 1)})
