"""What a build did, per output: :class:`Output`, :class:`BuildResult` and their JSON.

Kept apart from :mod:`briefgen.pipeline` (which re-exports them) so the command line can
report a build that had nothing to do without importing the pipeline (see
:mod:`briefgen.stamps`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Output:
    """What happened to one target."""

    path: Path
    format: str
    brief: str
    audience: str
    size: int = 0
    pages: int | None = None
    slides: int | None = None
    seconds: float = 0.0
    status: str = "written"  # written | unchanged | failed
    error: str | None = None
    exit_code: int = 0
    detail: str | None = None  # a failure's traceback, shown with --debug
    slide_words: list[int] | None = None  # words on each slide of a deck, for budgets


@dataclass
class BuildResult:
    outputs: list[Output]
    warnings: list[str]
    seconds: float

    @property
    def failed(self) -> list[Output]:
        return [o for o in self.outputs if o.status == "failed"]

    @property
    def exit_code(self) -> int:
        """0 if everything was written; 2 if an input (a template, an image) was at fault; 1
        if a renderer failed on good input."""
        codes = [o.exit_code for o in self.failed]
        return max(codes) if codes else 0


def summary_json(result: BuildResult) -> str:
    """The build result for scripts (``build --json``)."""
    return json.dumps(
        {
            "outputs": [
                {
                    "path": str(o.path),
                    "format": o.format,
                    "brief": o.brief,
                    "audience": o.audience,
                    "status": o.status,
                    "size": o.size,
                    "pages": o.pages,
                    "slides": o.slides,
                    "seconds": round(o.seconds, 3),
                    "error": o.error,
                }
                for o in result.outputs
            ],
            "warnings": result.warnings,
            "seconds": round(result.seconds, 3),
        },
        indent=2,
    )
