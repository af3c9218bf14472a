"""The PDF brief: the brief's HTML laid out by WeasyPrint. The only module importing weasyprint.

Every URL WeasyPrint asks for (stylesheets, fonts, images, SVG parts, attachments) goes
through :class:`ConfinedFetcher`: template-set and project files by virtual URL, small
``data:`` URIs, and the network only for hosts the user allowed. Anything else stops the
render with an error naming the URL, rather than a PDF quietly missing a part or quietly
containing a file it should not.
"""

from __future__ import annotations

import io
import logging
import mimetypes
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from briefgen.errors import BriefgenError, InputError, RenderError
from briefgen.render import Rendered, RenderJob
from briefgen.render.html import PROJECT_BASE, TEMPLATE_BASE, render_html
from briefgen.render.images import MIN_DPI, check_image, placed_images

MAX_DATA_URI = 10 * 1024 * 1024
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")


class FetchRefused(Exception):
    """A URL the rendering policy does not allow; its message is shown to the user."""


class ConfinedFetcher(URLFetcher):
    """WeasyPrint's fetcher, limited to the job's files and the allowed hosts."""

    def __init__(self, job: RenderJob):
        super().__init__(timeout=10, allow_redirects=False, fail_on_errors=True)
        self.job = job
        self.fetched: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        self.fetched.append(url)
        if url.startswith(TEMPLATE_BASE):
            rel = _relpath(url, TEMPLATE_BASE)
            tree = self.job.tset.find(rel)
            return self._file(url, rel, tree.read(rel) if tree else None, "template folders")
        if url.startswith(PROJECT_BASE):
            rel = _relpath(url, PROJECT_BASE)
            return self._file(url, rel, self.job.project.read(rel), "project folder")
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            if len(url) > MAX_DATA_URI:
                raise FetchRefused(
                    f"data: URI of {len(url):,} bytes is over the {MAX_DATA_URI:,}-byte limit"
                )
            return super().fetch(url, headers)
        if scheme in ("http", "https"):
            host = (urlsplit(url).hostname or "").lower()
            if host in self.job.options.allow_hosts:
                return super().fetch(url, headers)
            raise FetchRefused(
                f"{url}: network access is off (allow it with --allow-host {host or 'HOST'})"
            )
        raise FetchRefused(f"{url}: only files inside the project and template folders can be used")

    def _file(self, url: str, rel: str, data: bytes | None, where: str) -> URLFetcherResponse:
        if data is None:
            raise FetchRefused(f"{rel}: no such file inside the {where}")
        if rel.lower().endswith(_IMAGE_SUFFIXES):
            check_image(rel, data)
        mime = mimetypes.guess_type(rel)[0] or "application/octet-stream"
        return URLFetcherResponse(url, data, {"Content-Type": mime})


def _relpath(url: str, base: str) -> str:
    return unquote(url[len(base) :].split("?", 1)[0].split("#", 1)[0])


class _Warnings(logging.Handler):
    """Collects WeasyPrint's warnings (unsupported CSS and the like) for the build report."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render_pdf(job: RenderJob) -> Rendered:
    """Lay out and write the PDF of ``job``; returns its bytes and page count."""
    out = io.BytesIO()
    document, warnings = lay_out(job, out)
    bases = (PROJECT_BASE, TEMPLATE_BASE)
    warnings += [i.message() for i in placed_images(document, bases) if i.dpi < MIN_DPI]
    return Rendered(out.getvalue(), pages=len(document.pages), warnings=warnings)


def lay_out(job: RenderJob, out: BinaryIO | None = None) -> tuple[Document, list[str]]:
    """Lay out the PDF of ``job``, and write it to ``out`` if given: the WeasyPrint document
    (``briefgen check`` measures it without writing) and WeasyPrint's warnings."""
    html = render_html(job, target="pdf")
    fetcher = ConfinedFetcher(job)
    collector = _Warnings()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        document = HTML(string=html, base_url=TEMPLATE_BASE, url_fetcher=fetcher).render()
        if out is not None:
            document.write_pdf(out, pdf_identifier=b"briefgen", uncompressed_pdf=False)
    except FatalURLFetchingError as exc:
        cause = exc.__cause__
        if isinstance(cause, BriefgenError):
            raise cause from None
        raise InputError(f"{job.label}: {cause or exc}") from None
    except BriefgenError:
        raise
    except (RecursionError, MemoryError) as exc:
        raise RenderError(f"{job.label}: layout failed ({type(exc).__name__})") from None
    finally:
        logger.removeHandler(collector)
    return document, [w for w in collector.messages if "Ignored" not in w]
