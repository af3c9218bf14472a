"""Images are checked before any renderer uses them.

A logo named ``.png`` that is really an HTML page, a 50 000 × 50 000 pixel "decompression
bomb", an SVG that pulls in other files: each is an error naming the file, found here
rather than deep inside WeasyPrint or PowerPoint.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from briefgen.errors import InputError

MAX_PIXELS = 40_000_000
_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}


def theme_logo(job) -> tuple[bytes, str] | None:
    """The audience theme's logo from the project, checked as any image is: its bytes and
    format (``PNG``, ``SVG``…), or None when the theme has none."""
    name = job.view.theme.logo
    if not name:
        return None
    data = job.project.read(name)
    if data is None:
        raise InputError(f"{name}: not found inside the project folder")
    return data, check_image(name, data)


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
        article = "an" if str(fmt)[:1] in "AEIOU" else "a"
        raise InputError(f"{name}: the file is {article} {fmt} image, not {expected}; fix its name")
    return expected


def _looks_like(data: bytes) -> str:
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return " (it is an HTML page)"
    if head.startswith(b"<"):
        return " (it is XML or HTML text)"
    return ""


def _check_svg(name: str, data: bytes) -> str:
    text = data.decode("utf-8", "replace")
    if "<svg" not in text:
        raise InputError(f"{name}: not an SVG image{_looks_like(data)}")
    _check_entities(name, text)
    return "SVG"


def _check_entities(name: str, text: str) -> None:
    # The whole text: a comment may put the DOCTYPE far from the start.
    if re.search(r"<!ENTITY|<!DOCTYPE[^>]*\[", text, re.IGNORECASE):
        raise InputError(f"{name}: SVG with DOCTYPE entities is not accepted")


def check_fetched(name: str, data: bytes) -> None:
    """The image checks for any file a renderer reads, whatever its name or MIME type says.

    WeasyPrint does not trust names either: it hands whatever an ``<img>`` or ``url()``
    points at to Pillow, and failing that parses it as SVG. So ``fonts/x.ttf`` or a
    ``data:text/plain`` URI can be a decompression bomb or an entity bomb; this finds both
    (the pixel cap for anything Pillow recognises, the entity rule for anything that looks
    like XML) and lets everything else through.
    """
    if data[:1024].lstrip().startswith(b"<"):
        _check_entities(name, data.decode("utf-8", "replace"))
        return
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt, (width, height) = image.format, image.size
    except Image.DecompressionBombError:
        raise InputError(f"{name}: image is over the limit of {MAX_PIXELS:,} pixels") from None
    except Exception:  # Pillow cannot read it, so WeasyPrint cannot use it as a raster image
        return
    if fmt not in _FORMATS.values():  # EPS would run Ghostscript; TIFF, PSD… are not web images
        raise InputError(f"{name}: {fmt} images are not used; only PNG, JPEG, GIF, WebP and SVG")
    if width * height > MAX_PIXELS:
        raise InputError(
            f"{name}: {width}×{height} pixels is over the limit of {MAX_PIXELS:,} pixels"
        )


MIN_DPI = 150  # below this, a printed image looks soft


@dataclass(frozen=True)
class PlacedImage:
    """A raster image as laid out on a PDF page: its pixels and the size it is printed at."""

    name: str  # the file as the template named it (``logo.png``), or "an inline image"
    page: int  # 1-based
    pixels: tuple[int, int]
    inches: tuple[float, float]  # printed width and height

    @property
    def dpi(self) -> float:
        """Pixels per printed inch, on the worse of the two axes."""
        (pw, ph), (w, h) = self.pixels, self.inches
        return min(pw / w if w > 0 else float("inf"), ph / h if h > 0 else float("inf"))

    def message(self, minimum: int = MIN_DPI) -> str:
        (pw, ph), (w, h) = self.pixels, self.inches
        need = (round(w * minimum), round(h * minimum))
        return (
            f"{self.name}: {self.dpi:.0f} dpi at its printed size on page {self.page} "
            f"({pw}×{ph} px printed at {w * 25.4:.0f}×{h * 25.4:.0f} mm); "
            f"use at least {need[0]}×{need[1]} px for {minimum} dpi"
        )


def placed_images(document: Any, bases: tuple[str, ...] = ()) -> list[PlacedImage]:
    """Every raster ``<img>`` of a laid-out WeasyPrint document with its printed size.

    The printed size is the image box's content size after layout (CSS px, 96 to the
    inch), so it accounts for whatever CSS the template set uses. CSS background images and
    vector images (SVG) are not included. ``bases`` are URL prefixes to strip from names.
    """
    from weasyprint.formatting_structure.boxes import ReplacedBox
    from weasyprint.images import RasterImage

    out = []
    for number, page in enumerate(document.pages, start=1):
        # _page_box is WeasyPrint's laid-out box tree; placeholders=True also walks into
        # absolutely positioned boxes (a cover logo usually is one).
        for box in page._page_box.descendants(placeholders=True):
            if not isinstance(box, ReplacedBox) or not isinstance(box.replacement, RasterImage):
                continue
            src = (box.element.get("src") or "") if box.element is not None else ""
            name = next((unquote(src[len(b) :]) for b in bases if src.startswith(b)), None)
            if name is None:
                name = "an inline image" if src.startswith("data:") or not src else src
            out.append(
                PlacedImage(
                    name,
                    number,
                    (box.replacement.width, box.replacement.height),
                    (box.width / 96, box.height / 96),
                )
            )
    return out
