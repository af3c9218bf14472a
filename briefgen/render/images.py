"""Images are checked before any renderer uses them.

A logo named ``.png`` that is really an HTML page, a 50 000 × 50 000 pixel "decompression
bomb", an SVG that pulls in other files: each is an error naming the file, found here
rather than deep inside WeasyPrint or PowerPoint.
"""

from __future__ import annotations

import io
import re

from briefgen.errors import InputError

MAX_PIXELS = 40_000_000
_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}


def check_image(name: str, data: bytes) -> str:
    """The image's format (``PNG``, ``SVG``…) if ``data`` is a sane image matching ``name``."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix == ".svg":
        return _check_svg(name, data)
    expected = _FORMATS.get(suffix)
    if expected is None:
        raise InputError(f"{name}: images must be PNG, JPEG, GIF, WebP or SVG")
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt, (width, height) = image.format, image.size
            if width * height > MAX_PIXELS:
                raise InputError(
                    f"{name}: {width}×{height} pixels is over the limit of {MAX_PIXELS:,} pixels"
                )
            image.verify()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise InputError(
            f"{name}: not a readable {expected} image{_looks_like(data)} ({type(exc).__name__})"
        ) from None
    if fmt != expected:
        raise InputError(f"{name}: the file is a {fmt} image, not {expected}; fix its name")
    return expected


def _looks_like(data: bytes) -> str:
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return " (it is an HTML page)"
    if head.startswith(b"<"):
        return " (it is XML or HTML text)"
    return ""


def _check_svg(name: str, data: bytes) -> str:
    text = data[:200_000].decode("utf-8", "replace")
    if "<svg" not in text:
        raise InputError(f"{name}: not an SVG image{_looks_like(data)}")
    if re.search(r"<!ENTITY|<!DOCTYPE[^>]*\[", text, re.IGNORECASE):
        raise InputError(f"{name}: SVG with DOCTYPE entities is not accepted")
    return "SVG"
