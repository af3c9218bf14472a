"""WordprocessingML details python-docx has no API for, in one place: properties in schema
order, and the namespaces of the parts briefgen writes itself (charts, fields, hyperlinks)."""

from __future__ import annotations

from typing import Any

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

# The schema's order of the children of w:pPr and w:rPr: Word refuses a file whose
# properties are out of order, so an element briefgen adds goes where the schema puts it.
_PPR = """pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr
    suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct
    topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind
    contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment
    textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"""
_RPR = """rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint
    noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u
    effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"""
ORDER = {"pPr": _PPR.split(), "rPr": _RPR.split()}


def element(xml: str) -> Any:
    """One WordprocessingML element from its XML (``w:`` prefix declared)."""
    return parse_xml(f"<root {nsdecls('w')}>{xml}</root>")[0]


def put_property(parent: Any, tag: str, xml: str | None) -> Any:
    """Put ``xml`` (one element, or None to remove it) in place of ``parent``'s (a ``w:pPr``
    or ``w:rPr``) child ``tag`` (``"w:lang"``), in schema order; returns the new element."""
    old = parent.find(qn(tag))
    if old is not None:
        parent.remove(old)
    if xml is None:
        return None
    new = element(xml)
    order = ORDER[parent.tag.rsplit("}", 1)[1]]
    rank = order.index(tag.split(":", 1)[1])
    for child in parent:
        name = child.tag.rsplit("}", 1)[1]
        if name in order and order.index(name) > rank:
            child.addprevious(new)
            return new
    parent.append(new)
    return new
