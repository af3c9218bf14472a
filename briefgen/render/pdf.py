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
from briefgen.links import allowed_link
from briefgen.render import Note, Rendered, RenderJob
from briefgen.render.html import PROJECT_BASE, TEMPLATE_BASE, render_html
from briefgen.render.images import MIN_DPI, check_fetched, check_image, placed_images

MAX_DATA_URI = 10 * 1024 * 1024
# Tagged PDF/UA-1: a structure tree (headings, lists, tables, figures with /Alt), the
# document language and title, and the XMP identification. What it costs is measured in
# bench/ (tagged against untagged); see docs/accessibility.md.
PDF_VARIANT = "pdf/ua-1"
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")


class FetchRefused(Exception):
    """A URL the rendering policy does not allow; its message is shown to the user."""


class ConfinedFetcher(URLFetcher):
    """WeasyPrint's fetcher, limited to the job's files and the allowed hosts."""

    def __init__(self, job: RenderJob):
        super().__init__(timeout=10, allow_redirects=False, fail_on_errors=True)
        self.job = job
        self.fetched: list[str] = []
        self.failed: list[tuple[str, Exception]] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        self.fetched.append(url)
        try:
            return self._fetch(url, headers)
        except Exception as exc:
            # WeasyPrint turns this into FatalURLFetchingError, but it draws SVG images
            # inside ``except BaseException`` and only logs what goes wrong there: a refused
            # ``<image href>`` or ``<use href>`` would leave a quietly incomplete PDF.
            # Remembering every failure lets lay_out() stop the render whatever WeasyPrint did.
            self.failed.append((url, exc))
            raise

    def failure(self) -> BriefgenError | None:
        """The first failed fetch as the error to report, or None if every fetch succeeded."""
        if not self.failed:
            return None
        url, exc = self.failed[0]
        if isinstance(exc, BriefgenError):
            return exc
        if isinstance(exc, FetchRefused):
            return InputError(f"{self.job.label}: {exc}")
        return InputError(f"{self.job.label}: {url}: cannot fetch ({exc})")

    def _fetch(self, url: str, headers: dict[str, str] | None) -> URLFetcherResponse:
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
            return self._checked(super().fetch(url, headers), "a data: URI")
        if scheme in ("http", "https"):
            host = (urlsplit(url).hostname or "").lower()
            if host in self.job.options.allow_hosts:
                return self._checked(super().fetch(url, headers), url)
            raise FetchRefused(
                f"{url}: network access is off (allow it with --allow-host {host or 'HOST'})"
            )
        raise FetchRefused(f"{url}: only files inside the project and template folders can be used")

    def _file(self, url: str, rel: str, data: bytes | None, where: str) -> URLFetcherResponse:
        if data is None:
            raise FetchRefused(f"{rel}: no such file inside the {where}")
        if rel.lower().endswith(_IMAGE_SUFFIXES):
            check_image(rel, data)
        else:
            check_fetched(rel, data)
        mime = mimetypes.guess_type(rel)[0] or "application/octet-stream"
        return URLFetcherResponse(url, data, {"Content-Type": mime})

    def _checked(self, response: URLFetcherResponse, name: str) -> URLFetcherResponse:
        """``response`` read whole (at most the data: URI cap) and image-checked."""
        try:
            data = response.read(MAX_DATA_URI + 1)
        finally:
            response.close()
        if len(data) > MAX_DATA_URI:
            raise FetchRefused(f"{name}: more than {MAX_DATA_URI:,} bytes")
        check_fetched(name, data)
        return URLFetcherResponse(response.url, data, response.headers, response.status)


def _relpath(url: str, base: str) -> str:
    return unquote(url[len(base) :].split("?", 1)[0].split("#", 1)[0])


class _Warnings(logging.Handler):
    """Collects WeasyPrint's warnings (unsupported CSS and the like) for the build report."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


MAX_PAGE_INCHES = 200  # the largest page PDF readers open (Acrobat: 14,400 pt a side)


def _check_pages(job: RenderJob, document: Document) -> None:
    """Refuse pages no reader can show: ``@page { size: 100000cm }`` lays out quickly, but
    as a PDF nobody can open."""
    limit = MAX_PAGE_INCHES * 96  # CSS px
    for number, page in enumerate(document.pages, start=1):
        if page.width > limit or page.height > limit:
            cm = f"{page.width / 96 * 2.54:,.0f} × {page.height / 96 * 2.54:,.0f} cm"
            raise InputError(
                f"{job.label}: page {number} is {cm}; pages can be at most "
                f"{MAX_PAGE_INCHES} inches ({MAX_PAGE_INCHES * 2.54:.0f} cm) a side "
                "(see @page size in the template's CSS)"
            )


def _refuse_attachments(job: RenderJob, document: Document) -> None:
    """A PDF attachment embeds a file's raw bytes: through ``<link rel=attachment>`` a template
    could put any project file into any audience's PDF, the brief's own YAML with the items
    that audience excludes among them. A brief has no use for attachments, so none are made."""
    urls = [t for page in document.pages for kind, t, *_ in page.links if kind == "attachment"]
    if urls or getattr(document.metadata, "attachments", None):
        what = urls[0].removeprefix(PROJECT_BASE).removeprefix(TEMPLATE_BASE) if urls else "a file"
        raise InputError(
            f"{job.label}: the template attaches {what} to the PDF; "
            "briefgen does not embed files in PDFs (remove rel=attachment)"
        )


def _drop_links(document: Document) -> list[str]:
    """Remove every link annotation whose target :func:`allowed_link` refuses; return them.

    Content links are allowlisted when the Markdown is parsed, but a template can write any
    ``href``, and CSS can make links too; all of them end up in the pages' link lists, so
    that is where the allowlist is applied. WeasyPrint resolves relative targets against the
    virtual template URL, so a relative link arrives here as ``file:`` and is dropped too.
    """
    dropped: list[str] = []
    for page in document.pages:
        kept = []
        for link in page.links:
            kind, target = link[0], link[1]
            if kind == "external" and not allowed_link(str(target)):
                dropped.append(str(target).removeprefix(TEMPLATE_BASE))
            else:
                kept.append(link)
        page.links[:] = kept
    return list(dict.fromkeys(dropped))


def _scope_header_cells(_document: Document, pdf) -> None:
    """Give every table header cell of the structure tree its ``/Scope``.

    WeasyPrint tags ``th`` as /TH and links data cells to them with ``/Headers``, but writes
    no ``/Scope``, which PDF/UA checkers (and some screen readers) look for. A header in a
    row of headers (``thead``) heads its column; one in a row with data cells (``scope=
    "row"``, the formal set's memo block and timeline) heads its row.
    """
    import pydyf

    by_reference = {obj.reference: obj for obj in pdf.objects if isinstance(obj, pydyf.Dictionary)}
    for obj in by_reference.values():
        if obj.get("Type") != "/StructElem" or obj.get("S") != "/TR":
            continue
        cells = [by_reference.get(kid) for kid in obj.get("K", ())]
        cells = [c for c in cells if c is not None and c.get("S") in ("/TH", "/TD")]
        scope = "/Column" if all(c["S"] == "/TH" for c in cells) else "/Row"
        for cell in cells:
            if cell["S"] == "/TH":
                attributes = cell.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
                attributes["Scope"] = scope


_glib_handler: object = None


def _route_glib_messages() -> None:
    """Send Pango's and GLib's warnings to the ``weasyprint`` logger, once per process.

    Pango reports what it cannot do (``font-size: 1e7px`` overflows its units) by printing
    "Pango-CRITICAL" lines straight to the terminal, around briefgen's one-line error. With
    a GLib log handler they join WeasyPrint's own warnings in the build report instead.
    Where GLib cannot be found this does nothing (the messages then stay on stderr).
    """
    global _glib_handler
    if _glib_handler is not None:
        return
    _glib_handler = False
    try:
        import ctypes.util

        from cffi import FFI

        ffi = FFI()
        ffi.cdef(
            "typedef void (*GLogFunc)(const char *, int, const char *, void *);"
            "unsigned int g_log_set_handler(const char *, int, GLogFunc, void *);"
        )
        glib = ffi.dlopen(ctypes.util.find_library("glib-2.0") or "libglib-2.0.so.0")
    except (ImportError, OSError):
        return
    logger = logging.getLogger("weasyprint")

    def handler(domain: object, level: int, message: object, _data: object) -> None:
        try:
            name = ffi.string(domain).decode("utf-8", "replace") if domain else "GLib"
            text = ffi.string(message).decode("utf-8", "replace") if message else ""
            logger.warning("%s: %s", name, text)
        except Exception:  # never raise into C
            pass

    callback = ffi.callback("void(const char *, int, const char *, void *)", handler)
    levels = 8 | 16 | 32  # G_LOG_LEVEL_CRITICAL | WARNING | MESSAGE
    for domain in (b"Pango", b"GLib", b"GLib-GObject", b"HarfBuzz"):
        glib.g_log_set_handler(domain, levels, callback, ffi.NULL)
    _glib_handler = (ffi, glib, callback)  # keep the callback alive


def render_pdf(job: RenderJob) -> Rendered:
    """Lay out and write the PDF of ``job``; returns its bytes, page count and notes."""
    out = io.BytesIO()
    document, warnings = lay_out(job, out)
    notes = [Note("render.warning", f"pdf: {w}") for w in warnings]
    for image in placed_images(document, (PROJECT_BASE, TEMPLATE_BASE)):
        if image.dpi < MIN_DPI:
            warnings.append(image.message())
            notes.append(
                Note("image.resolution", image.message(), measured=round(image.dpi), limit=MIN_DPI)
            )
    return Rendered(out.getvalue(), pages=len(document.pages), warnings=warnings, notes=notes)


def lay_out(job: RenderJob, out: BinaryIO | None = None) -> tuple[Document, list[str]]:
    """Lay out the PDF of ``job``, and write it to ``out`` if given: the WeasyPrint document
    (for measuring: pages, placed images) and WeasyPrint's warnings."""
    html = render_html(job, target="pdf")
    fetcher = ConfinedFetcher(job)
    collector = _Warnings()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    _route_glib_messages()
    try:
        document = HTML(string=html, base_url=TEMPLATE_BASE, url_fetcher=fetcher).render()
        _check_pages(job, document)
        _refuse_attachments(job, document)
        dropped = _drop_links(document)
        if out is not None:
            document.write_pdf(
                out,
                pdf_identifier=b"briefgen",
                uncompressed_pdf=False,
                pdf_variant=PDF_VARIANT,
                finisher=_scope_header_cells,
            )
    except FatalURLFetchingError as exc:
        raise (fetcher.failure() or InputError(f"{job.label}: {exc.__cause__ or exc}")) from None
    except BriefgenError:
        raise
    except (RecursionError, MemoryError) as exc:
        raise RenderError(f"{job.label}: layout failed ({type(exc).__name__})") from None
    except Exception as exc:  # WeasyPrint gave up, e.g. on font sizes Pango cannot hold
        raise RenderError(
            f"{job.label}: WeasyPrint could not lay out the brief ({type(exc).__name__}: "
            f"{exc}); look for extreme sizes in the template's CSS"
        ) from exc
    finally:
        logger.removeHandler(collector)
    refused = fetcher.failure()  # a failure WeasyPrint logged and went past (SVG parts)
    if refused is not None:
        raise refused
    warnings = [w for w in collector.messages if "Ignored" not in w]
    if dropped:
        warnings.append(
            f"{job.label}: links removed (only http, https, mailto and in-document links are "
            f"kept): {', '.join(dropped[:3])}" + (" …" if len(dropped) > 3 else "")
        )
    return document, warnings
