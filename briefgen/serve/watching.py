"""Which saved files should refresh the preview: a small seam over ``watchfiles``.

The preview server needs only "these files changed" as soon as an editor has saved them.
:func:`changes` gives that for a project folder (content, ``briefgen.yaml``, the project's
template sets, anything else in the project but its output) and the built-in template
folder. It is the one place that knows the file watcher, so a project-wide watch API can
replace it without touching the server.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import anyio
from watchfiles import Change, awatch

# Editor litter and folders that never hold an input.
_IGNORED_NAMES = re.compile(r"(^\.#|^#.*#$|~$|\.sw[a-p]$|\.tmp$|^\.DS_Store$|\.py[cod]$|^4913$)")
_IGNORED_DIRS = {".git", ".hg", ".svn", "__pycache__", ".venv", "node_modules", ".briefgen-cache"}
DEBOUNCE_MS = 60  # editors write a file in several steps; this groups them into one change


def input_filter(outputs: Callable[[], Path | None]) -> Callable[[Change, str], bool]:
    """A watch filter passing changes to inputs: not the output folder (``outputs()`` is
    asked each time, since the config can move it), not editor swap and backup files."""

    def accept(_change: Change, path: str) -> bool:
        p = Path(path)
        if _IGNORED_NAMES.search(p.name) or _IGNORED_DIRS.intersection(p.parts):
            return False
        out = outputs()
        return not (out is not None and p.is_relative_to(out))

    return accept


async def changes(
    paths: list[Path],
    outputs: Callable[[], Path | None],
    stop: anyio.Event | None = None,
) -> AsyncIterator[set[Path]]:
    """Yield the set of changed input files each time some are saved, until ``stop``."""
    existing = [p for p in paths if p.exists()]
    async for batch in awatch(
        *existing,
        watch_filter=input_filter(outputs),
        debounce=DEBOUNCE_MS,
        step=20,
        stop_event=stop,
    ):
        yield {Path(path) for _change, path in batch}
