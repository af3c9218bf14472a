"""The Word (DOCX) brief: document plan from the template, content from the plan, bytes.

``plan.py`` knows nothing of python-docx; ``builder.py``, ``charts.py``, ``styles.py`` and
``xml.py`` are the modules that import it (``charts.py`` also borrows python-pptx's chart XML
writer: Word and PowerPoint charts are the same DrawingML). The look is the set's
``reference.docx``: its styles, page size, margins, headers and footers.
"""

from __future__ import annotations

import contextlib
import io
import re
from typing import Any

from briefgen.errors import InputError
from briefgen.render import Note, Rendered, RenderJob
from briefgen.render.docx.plan import DocumentPlan, document_plan
from briefgen.render.html import chart_colors
from briefgen.render.ooxml import normalize_package, recolored_theme, set_core_properties
from briefgen.templates import TemplateSet, builtin_dir

_TEMPLATE_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCUMENT_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def render_docx(job: RenderJob) -> Rendered:
    """Build the Word brief of ``job``: its bytes, and notes for what the reference lacked."""
    plan = document_plan(job)
    data, notes = build_document(job, plan)
    return Rendered(
        data,
        warnings=notes,
        notes=[Note("docx.style", n) for n in notes],
    )


def build_document(job: RenderJob, plan: DocumentPlan) -> tuple[bytes, list[str]]:
    from briefgen.messages import catalogue
    from briefgen.render.docx.builder import (
        DocxBuilder,
        banner_paragraph,
        new_paragraph,
        page_field,
    )
    from briefgen.render.docx.styles import resolve

    settings = job.tset.settings.docx
    name, document = open_reference(job.tset)
    _recolor(document, job)
    _set_language(document, job.view.lang)
    styles = resolve(document, settings.styles, name)
    labels = catalogue(job.tset, job.view.lang)
    builder = DocxBuilder(
        document,
        styles,
        labels,
        lang=job.view.lang,
        colors=chart_colors(job),
        chart_height_mm=settings.chart_height,
        logo=_logo(job),
    )
    for block in plan.blocks:
        builder.add(block)
    page_label = labels.get("page_of", "Page {page} of {pages}")
    for header, footer in _headers_and_footers(document):
        banner_paragraph(header, styles["banner"], job.view.classification)
        numbers = new_paragraph(footer, styles["footer"])
        numbers.alignment = 1  # centred
        page_field(numbers, page_label)
        new_paragraph(footer, styles["banner"]).add_run(job.view.classification)
    set_core_properties(document.core_properties, job.view)
    out = io.BytesIO()
    try:
        document.save(out)
    except ValueError as exc:  # text lxml refuses; content is cleaned earlier
        raise InputError(f"{job.label}: cannot save the document: {exc}") from None
    return normalize_package(out.getvalue(), job.view.date), builder.notes


def open_reference(tset: TemplateSet) -> tuple[str, Any]:
    """The set's reference document, with its sample content removed and anything that
    points outside it refused, opened by python-docx; and the name to report it by.

    A Word template (``.dotx``) saved under a ``.docx`` name is accepted as the document it
    describes; a macro-enabled file is refused (briefgen never copies macros into a brief).
    """
    from docx import Document

    ref = tset.settings.docx.reference
    if ref:
        data = tset.read(ref)
    else:  # no reference: the default set's, so a set of HTML and deck files still builds
        ref, data = "reference.docx", (builtin_dir() / "default" / "reference.docx").read_bytes()
    data = _as_document(ref, data)
    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types for a bad package
        raise InputError(f"{ref}: not a readable Word document ({type(exc).__name__})") from None
    _check_self_contained(ref, document)
    _drop_content(document)
    return ref, document


def _as_document(ref: str, data: bytes) -> bytes:
    """The reference's bytes with a template's main part typed as a document's."""
    from briefgen.render.ooxml import as_main_type

    return as_main_type(
        ref,
        data,
        _DOCUMENT_MAIN,
        (_TEMPLATE_MAIN,),
        "Word document (.docx) or template (.dotx)",
        "a macro-enabled Word file (.docm/.dotm); save it as a Word document (.docx) "
        "without macros and use that as the reference",
    )


def _check_self_contained(ref: str, document: Any) -> None:
    """What the reference keeps (headers, footers, styles, settings) goes into every brief,
    external relationships included: a picture linked to a web address or a share would be
    fetched when the brief is opened. Web and mail hyperlinks may point outside; the link to
    the template a document was made from (``attachedTemplate``, often a path on a share)
    is dropped."""
    from briefgen.render.ooxml import linked_outside

    parts = document.part.package.iter_parts()
    for part, rid in linked_outside(ref, parts, "document", ("/attachedTemplate",)):
        del part.rels[rid]
        for el in part.element.iter(f"{_W}attachedTemplate"):
            el.getparent().remove(el)


def _drop_content(document: Any) -> None:
    """Remove the reference's body (its sample text); keep the last section's page setup."""
    body = document.element.body
    for child in list(body):
        if child.tag != f"{_W}sectPr":
            body.remove(child)


def _headers_and_footers(document: Any) -> list[tuple[Any, Any]]:
    """Every header and footer a page of the document can show: the default ones, the first
    page's when the reference has a different first page, even pages' when it has those."""
    out = []
    even = document.settings.odd_and_even_pages_header_footer
    for section in document.sections:
        pairs = [(section.header, section.footer)]
        if section.different_first_page_header_footer:
            pairs.append((section.first_page_header, section.first_page_footer))
        if even:
            pairs.append((section.even_page_header, section.even_page_footer))
        for header, footer in pairs:
            header.is_linked_to_previous = False
            footer.is_linked_to_previous = False
            out.append((header, footer))
    return out


def _set_language(document: Any, lang: str) -> None:
    """The brief's language on all text: the document defaults and every style that names a
    language (a corporate reference's Normal may say en-GB), and the settings' theme fonts."""
    from docx.oxml.ns import qn

    from briefgen.render.docx.xml import put_property

    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        rpr = rpr_default.find(qn("w:rPr")) if rpr_default is not None else None
        if rpr is not None and rpr.find(qn("w:lang")) is None:
            put_property(rpr, "w:lang", f'<w:lang w:val="{_attr(lang)}"/>')
    for el in (*styles.iter(qn("w:lang")), *document.settings.element.iter(qn("w:themeFontLang"))):
        el.set(qn("w:val"), lang)


def _attr(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]", "", value)


def _recolor(document: Any, job: RenderJob) -> None:
    """The audience's theme colours in place of the set's: in the styles and numbering (where
    the reference uses the set's ``primary``/``accent``) and in the theme's colour scheme."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn

    theme, settings = job.view.theme, job.tset.settings
    swaps = {
        old.lstrip("#").upper(): new.lstrip("#").upper()
        for old, new in ((settings.primary, theme.primary), (settings.accent, theme.accent))
        if new
    }
    if not swaps:
        return
    roots = [document.styles.element]
    with contextlib.suppress(NotImplementedError):
        roots.append(document.part.numbering_part.element)
    keys = (qn("w:val"), qn("w:fill"), qn("w:color"))
    for root in roots:
        for el in root.iter():
            for key in keys:
                value = el.get(key)
                if value and value.upper() in swaps:
                    el.set(key, swaps[value.upper()])
    try:
        part = document.part.part_related_by(RT.THEME)
    except KeyError:
        return
    blob = recolored_theme(part.blob, theme.primary, theme.accent)
    if blob is not None:  # the theme is a plain part to python-docx (bytes, not XML)
        part._blob = blob


def _logo(job: RenderJob):
    """The theme's logo for the document, or None: a raster image from the project, checked
    as the PDF's is, as PNG or JPEG (what every Word reads). SVG logos are left out: Word
    needs a raster fallback beside an SVG, and briefgen has no rasterizer."""
    from briefgen.render.docx.builder import Logo
    from briefgen.render.images import theme_logo

    logo = theme_logo(job)
    if logo is None:
        return None
    data, fmt = logo
    if fmt == "SVG":
        return None
    if fmt not in ("PNG", "JPEG"):
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            out = io.BytesIO()
            image.save(out, "PNG")
            data = out.getvalue()
    return Logo(data, job.view.theme.logo_alt or "Logo")
