"""briefgen: policy briefs as a printed PDF and an editable PowerPoint deck, per audience.

The library API is small: :func:`build` and :func:`validate` (in :mod:`briefgen.api`).
They are loaded on first use, so ``import briefgen`` (and ``briefgen --help``) stays fast.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "build", "validate"]


def __getattr__(name: str) -> Any:
    if name in ("build", "validate"):
        from briefgen import api

        return getattr(api, name)
    raise AttributeError(f"module 'briefgen' has no attribute {name!r}")
