"""What the deck and the Word document share as Office Open XML packages.

Both are zips of XML parts written by a python-* library (python-pptx, python-docx) that stamps
entries with the current time; both carry core properties, embedded chart workbooks and a
theme whose colour scheme an audience may recolour. Only lxml and the standard library here:
neither library is imported, so each renderer keeps its own one.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Deflate's fastest level: the sample deck is 6% larger than at the default level 6 and
# compresses in four fifths of the time (a tenth of a warm deck's time went to zlib).
ZIP_LEVEL = 1

_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
# Scheme slots each theme colour fills: the built-in reference files draw everything they
# colour from these (dk2/accent1 the set's primary colour, accent2 its accent).
SLOTS = {"primary": ("dk2", "accent1", "hlink"), "accent": ("accent2",)}


def as_main_type(
    name: str, data: bytes, main: bytes, aliases: tuple[bytes, ...], files: str, macros: str
) -> bytes:
    """A reference file's bytes with its main part typed ``main`` when it is one of
    ``aliases`` (a template, ``.potx``/``.dotx``, saved under the document's name), so the
    library opens it as the document it describes. Refused, naming ``name``: a file that is
    not a zip with content types ("not a ``files``"), and a macro-enabled one (``macros``,
    the sentence saying what to do): briefgen never copies macros into an output."""
    from briefgen.errors import InputError

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, KeyError, OSError):
        raise InputError(f"{name}: not a {files}") from None
    if b"macroEnabled" in types:
        raise InputError(f"{name}: {macros}")
    alias = next((a for a in aliases if a in types), None)
    if alias is None:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in archive.infolist():
            body = archive.read(info.filename)
            if info.filename == "[Content_Types].xml":
                body = body.replace(alias, main)
            target.writestr(info.filename, body)
    return out.getvalue()


def put(target: zipfile.ZipFile, name: str, body: bytes) -> None:
    """One zip member with a fixed time and mode, so two builds are byte-identical."""
    fixed = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
    fixed.compress_type = zipfile.ZIP_DEFLATED
    fixed.external_attr = 0o644 << 16
    target.writestr(fixed, body, compresslevel=ZIP_LEVEL)


def member_body(name: str, body: bytes, date: dt.date) -> bytes:
    """A package member as it is written: embedded workbooks normalized, core dates fixed."""
    if name.endswith(".xlsx"):
        return normalize_package(body, date)
    if name == "docProps/core.xml" and b"dcterms:created" in body:
        return fix_core_dates(body, date)
    return body


def normalize_package(data: bytes, date: dt.date) -> bytes:
    """Rewrite an OOXML zip with fixed entry times, and the same for embedded workbooks.

    python-pptx and python-docx stamp zip entries with the current time, and the chart
    workbooks they embed carry their creation time; fixing both makes two builds of one
    input byte-identical.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            put(target, info.filename, member_body(info.filename, source.read(info.filename), date))
    return out.getvalue()


def fix_core_dates(xml: bytes, date: dt.date) -> bytes:
    stamp = f"{date.isoformat()}T00:00:00Z".encode()
    return re.sub(
        rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>" + stamp + rb"\2", xml
    )


def set_core_properties(props: Any, view: Any) -> None:
    """Document properties from the brief (title, author, language…), dated with its date so
    rebuilds are byte-identical. ``props`` is python-pptx's or python-docx's core properties
    (the same attributes); ``view`` the audience's :class:`~briefgen.audience.BriefView`."""
    when = dt.datetime.combine(view.date, dt.time())
    props.title = view.title[:255]
    props.subject = (view.subtitle or "")[:255]
    props.author = ", ".join(view.authors)[:255]
    props.keywords = view.classification[:255]
    props.language = view.lang
    props.category = view.audience.title[:255]
    props.comments = "Made with briefgen"
    props.last_modified_by = "briefgen"
    props.revision = 1
    props.created = props.modified = when
    props.last_printed = when


def linked_outside(ref: str, parts: Any, what: str, droppable: tuple[str, ...] = ()) -> list:
    """The external relationships of a reference file's ``parts`` that may be dropped
    (``(part, rId)`` of the types ending in ``droppable``), after refusing any other that is
    not a web or mail hyperlink: a reference's masters, headers and styles go into every
    output, and a picture linked to a web address or a share would be fetched when the
    output is opened. ``what`` names the file kind ("deck", "document") in the message."""
    from briefgen.errors import InputError
    from briefgen.links import allowed_link

    drop = []
    for part in parts:
        for rid, rel in list(part.rels.items()):
            if not rel.is_external:
                continue
            target = rel.target_ref
            if rel.reltype.endswith("/hyperlink") and allowed_link(target):
                continue
            if droppable and rel.reltype.endswith(droppable):
                drop.append((part, rid))
                continue
            kind = rel.reltype.rsplit("/", 1)[-1]
            raise InputError(
                f"{ref}: {part.partname} has a linked {kind} outside the {what} ({target}); "
                f"a reference {what} must be self-contained: embed it or remove it"
            )
    return drop


def recolored_theme(blob: bytes, primary: str | None, accent: str | None) -> bytes | None:
    """A theme part with ``primary``/``accent`` (``#RRGGBB``, or None to keep the theme's) in
    its colour scheme (:data:`SLOTS`), or None when there is nothing to change."""
    from lxml import etree

    wanted = {"primary": primary, "accent": accent}
    if not any(wanted.values()):
        return None
    root = etree.fromstring(blob)
    scheme = root.find(f"{_A}themeElements/{_A}clrScheme")
    if scheme is None:
        return None
    for key, color in wanted.items():
        for slot in SLOTS[key] if color else ():
            element = scheme.find(_A + slot)
            if element is None:
                continue
            for child in list(element):
                element.remove(child)
            etree.SubElement(element, _A + "srgbClr", val=color.lstrip("#").upper())
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
