"""Which style of the reference document each thing the builder writes gets.

The builder names roles ("summary", "bullet", "figure_title"), never style names. Each role
has a chain of style names to try in the reference document: briefgen's own style first (the
built-in references have them all), then Word's standard styles that every document has. A
set's ``template.yaml`` may map a role onto any style of its reference (``docx.styles``), so a
corporate reference with its own style names works without editing it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from docx.enum.style import WD_STYLE_TYPE

from briefgen.errors import InputError

PARAGRAPH, CHARACTER, TABLE = WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER, WD_STYLE_TYPE.TABLE

# role -> (style type, names to try in order). The last name of a paragraph chain is one
# every Word document has, so only a set's own mapping can name a style that is not there.
ROLES: dict[str, tuple[Any, tuple[str, ...]]] = {
    "title": (PARAGRAPH, ("Title",)),
    "subtitle": (PARAGRAPH, ("Subtitle", "Normal")),
    "kicker": (PARAGRAPH, ("Kicker", "Normal")),
    "meta": (PARAGRAPH, ("Meta", "Normal")),
    "heading1": (PARAGRAPH, ("Heading 1",)),
    "heading2": (PARAGRAPH, ("Heading 2",)),
    "heading3": (PARAGRAPH, ("Heading 3",)),
    "body": (PARAGRAPH, ("Body Text", "Normal")),
    "lead": (PARAGRAPH, ("Lead", "Body Text", "Normal")),
    "note": (PARAGRAPH, ("Note", "Body Text", "Normal")),
    "bullet": (PARAGRAPH, ("List Bullet", "List Paragraph", "Normal")),
    "bullet2": (PARAGRAPH, ("List Bullet 2", "List Bullet", "Normal")),
    "number": (PARAGRAPH, ("List Number", "List Paragraph", "Normal")),
    "number2": (PARAGRAPH, ("List Number 2", "List Number", "Normal")),
    "labelled": (PARAGRAPH, ("Numbered Paragraph", "Body Text", "Normal")),
    "detail": (PARAGRAPH, ("Detail", "List Continue", "Normal")),
    "quote": (PARAGRAPH, ("Quote", "Normal")),
    "attribution": (PARAGRAPH, ("Quote Attribution", "Caption", "Normal")),
    "figure_title": (PARAGRAPH, ("Figure Title", "Caption", "Normal")),
    "figure": (PARAGRAPH, ("Figure", "Normal")),
    "caption": (PARAGRAPH, ("Caption", "Normal")),
    "summary_title": (PARAGRAPH, ("Summary Title", "Heading 2")),
    "summary": (PARAGRAPH, ("Summary", "Intense Quote", "Normal")),
    "memo_heading": (PARAGRAPH, ("Memo Heading", "Title")),
    "memo": (PARAGRAPH, ("Memo Field", "Normal")),
    "memo_title": (PARAGRAPH, ("Memo Subject", "Title")),
    "source": (PARAGRAPH, ("Source", "Normal")),
    "colophon": (PARAGRAPH, ("Colophon", "Normal")),
    "banner": (PARAGRAPH, ("Banner", "Header", "Normal")),
    "header": (PARAGRAPH, ("Header", "Normal")),
    "footer": (PARAGRAPH, ("Footer", "Normal")),
    "cell": (PARAGRAPH, ("Table Text", "Normal")),
    "cell_header": (PARAGRAPH, ("Table Heading", "Table Text", "Normal")),
    "table": (TABLE, ("Brief Table", "Table Grid")),
    "hyperlink": (CHARACTER, ("Hyperlink",)),
    "heading_number": (CHARACTER, ("Heading Number",)),
}
# Roles whose absence is worth a note: the built-in styles a corporate reference should have.
_EXPECTED = ("title", "heading1", "heading2", "bullet", "number", "quote", "caption", "table")


@dataclass
class StyleMap:
    """Role -> the reference document's style object (None: write without a style)."""

    styles: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    def __getitem__(self, role: str) -> Any:
        return self.styles.get(role)


def resolve(document: Any, mapping: dict[str, str], reference: str) -> StyleMap:
    """Each role's style in ``document``: the set's own ``mapping`` first (a style it names
    must exist), else the role's chain. A missing standard style is noted, not an error."""
    unknown = sorted(set(mapping) - set(ROLES))
    if unknown:
        raise InputError(
            f"docx.styles: no role '{unknown[0]}'; the roles are: {', '.join(sorted(ROLES))}"
        )
    by_name: dict[tuple[Any, str], Any] = {}
    for style in document.styles:
        if style.name:
            by_name[(style.type, style.name.lower())] = style
    found: dict[str, Any] = {}
    notes: list[str] = []
    for role, (kind, chain) in ROLES.items():
        if role in mapping:
            style = by_name.get((kind, mapping[role].lower()))
            if style is None:
                names = sorted(s.name for (t, _), s in by_name.items() if t == kind)
                raise InputError(
                    f"docx.styles.{role}: {reference} has no {_kind(kind)} style "
                    f"'{mapping[role]}'; its {_kind(kind)} styles are: {', '.join(names)}"
                )
            found[role] = style
            continue
        style = next(
            (by_name[(kind, n.lower())] for n in chain if (kind, n.lower()) in by_name), None
        )
        if style is None and role in _EXPECTED:
            notes.append(f"{reference} has no style '{chain[0]}' ({role}); text is unstyled")
        found[role] = style
    return StyleMap(found, notes)


def _kind(kind: Any) -> str:
    return {PARAGRAPH: "paragraph", CHARACTER: "character", TABLE: "table"}.get(kind, "")
