"""Writing results: safe names, atomic replacement, and a manifest of what briefgen wrote.

A build never leaves a half-written PDF: each file goes to a temporary name beside its
target and is renamed into place, which replaces (never writes through) a symlink. A file
that briefgen did not write is not overwritten without ``--force``: the manifest in the
output folder remembers what briefgen wrote and from which inputs, which is also what
makes an unchanged rebuild free.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.errors import InputError

MANIFEST_NAME = ".briefgen-manifest.json"
# Letters Unicode does not decompose into an ASCII base letter (Azerbaijani ə, Turkish ı…).
_LETTERS = str.maketrans(
    {
        "ə": "e",
        "Ə": "E",
        "ı": "i",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ß": "ss",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "þ": "th",
        "Þ": "Th",
    }
)


def slugify(text: str, max_length: int = 64) -> str:
    """A file-name-safe id: ASCII lower case, digits and single hyphens; never empty."""
    folded = text.translate(_LETTERS)
    ascii_text = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:max_length].strip("-")
    if not slug:
        raise InputError(f"cannot make a file name from {text!r}; use letters or digits")
    return slug


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def confined(root: Path, *parts: str) -> Path:
    """``root/parts`` after checking every part is a plain name and the result stays inside."""
    for part in parts:
        if not part or part in (".", "..") or "/" in part or "\\" in part or "\0" in part:
            raise InputError(f"unsafe output name {part!r}")
    target = root.joinpath(*parts)
    real_root = root.resolve()
    if not target.parent.resolve().is_relative_to(real_root):
        raise InputError(f"{target}: output folder leads outside {root} (a symlink?)")
    return target


def atomic_write(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` so readers see the old file or the new one, never half."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@dataclass
class Manifest:
    """What briefgen wrote in an output folder: per file, its digest and its inputs' digest."""

    path: Path
    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, output_dir: Path) -> Manifest:
        path = output_dir / MANIFEST_NAME
        try:
            data = json.loads(path.read_text("utf-8"))
            files = data.get("files", {}) if isinstance(data, dict) else {}
        except (OSError, ValueError):
            files = {}
        return cls(path, files if isinstance(files, dict) else {})

    def key(self, target: Path) -> str:
        return target.relative_to(self.path.parent).as_posix()

    def owns(self, target: Path) -> bool:
        """True when briefgen wrote ``target``, or it does not exist (nothing to lose)."""
        return (not target.exists() and not target.is_symlink()) or self.key(target) in self.files

    def check_writable(self, target: Path, force: bool) -> None:
        if not force and not self.owns(target):
            raise InputError(
                f"{target}: exists and was not written by briefgen; "
                "move it away or pass --force to overwrite it"
            )

    def record(self, target: Path, data: bytes, inputs: str, **info: Any) -> None:
        self.files[self.key(target)] = {
            "sha256": sha256(data),
            "inputs": inputs,
            "size": len(data),
            **info,
        }

    def entry(self, target: Path) -> dict[str, Any] | None:
        return self.files.get(self.key(target))

    def save(self) -> None:
        body = json.dumps({"version": 1, "files": dict(sorted(self.files.items()))}, indent=1)
        atomic_write(self.path, body.encode("utf-8"))
