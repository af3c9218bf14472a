"""Which layout of a reference deck each slide kind uses, by name: without python-pptx, so
``briefgen validate`` checks a set's mapping as fast as it checks its YAML.

The deck builder calls :func:`map_kinds` with the names of the layouts it opened; validate
calls :func:`check_reference` on the file's bytes, read with ``zipfile`` and lxml.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Sequence
from typing import TypeVar

from briefgen.errors import InputError
from briefgen.render.deck.plan import KINDS

L = TypeVar("L")
# PowerPoint's standard layout names, in order of preference, for each slide kind, then
# the names LibreOffice Impress ("Title, Content") and Google Slides ("Title and body")
# give the same layouts when they save a .pptx. Matched without regard to case.
_CONTENT = ("Title and Content", "Title, Content", "Title and body")
_TITLE_ONLY = ("Title Only", *_CONTENT)
DEFAULT_LAYOUTS: dict[str, tuple[str, ...]] = {
    "title": ("Title Slide",),
    "agenda": _CONTENT,
    "messages": _CONTENT,
    "section": ("Section Header", "Title Slide"),
    "bullets": _CONTENT,
    "quote": _TITLE_ONLY,
    "chart": _TITLE_ONLY,
    "table": _TITLE_ONLY,
    "timeline": _TITLE_ONLY,
    "sources": _CONTENT,
    "closing": _TITLE_ONLY,
}
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_R = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def map_kinds(
    masters: Sequence[tuple[str, Sequence[tuple[str, L]]]],
    settings,
    set_name: str,
    kinds: set[str],
) -> dict[str, L]:
    """``masters``: (master name, [(layout name, layout)]) in the deck's order. The layout
    for each of ``kinds``: the set's ``deck.layouts`` name, else PowerPoint's standard names,
    looked up in ``deck.master``'s layouts first. Every kind without one is named in one
    error, with the layouts there are."""
    wanted = settings.layouts
    unknown_kinds = sorted((set(wanted) | set(settings.masters)) - set(KINDS))
    if unknown_kinds:
        raise InputError(
            f"template set '{set_name}': deck.layouts or deck.masters names unknown slide "
            f"kind '{unknown_kinds[0]}'; kinds are: {', '.join(KINDS)}"
        )
    default_names = _names(_chosen_masters(masters, settings.master, settings, set_name), masters)
    chosen: dict[str, L] = {}
    missing: list[str] = []
    for kind in sorted(kinds):
        by_name, by_folded = (
            _names(
                _chosen_masters(
                    masters, settings.masters[kind], settings, set_name, f"deck.masters.{kind}"
                ),
                masters,
            )
            if kind in settings.masters
            else default_names
        )
        if kind in wanted:
            found = by_name.get(wanted[kind])
        else:
            found = next(
                (
                    by_folded[n.casefold()]
                    for n in DEFAULT_LAYOUTS[kind]
                    if n.casefold() in by_folded
                ),
                None,
            )
        if found is None:
            missing.append(f"'{wanted.get(kind, DEFAULT_LAYOUTS[kind][0])}' for '{kind}' slides")
            continue
        chosen[kind] = found
    by_name = default_names[0]
    if missing:  # all of them in one message: the user fixes the mapping once
        raise InputError(
            f"template set '{set_name}': no layout named {'; '.join(missing)} in "
            f"{settings.reference or 'the default deck'}; its layouts are: "
            f"{', '.join(repr(n) for n in by_name)}. Map the kinds to them under deck.layouts "
            f"in template.yaml (briefgen templates inspect FILE --write drafts it)"
        )
    return chosen


def _names(first: Sequence, masters: Sequence) -> tuple[dict, dict]:
    """Layouts by name, and by case-folded name, the ``first`` masters' before the rest."""
    by_name: dict = {}
    by_folded: dict = {}
    for _, layouts in (*first, *(m for m in masters if m not in first)):
        for name, layout in layouts:
            by_name.setdefault(name, layout)
            by_folded.setdefault(name.casefold(), layout)
    return by_name, by_folded


def _chosen_masters(
    masters: Sequence[tuple[str, Sequence]],
    chosen: int | str | None,
    settings,
    set_name: str,
    label: str = "deck.master",
) -> list:
    """The masters ``chosen`` (``deck.master``, or a kind's ``deck.masters``) names: by
    name, or by number (1 = the deck's first) for masters without names of their own
    (LibreOffice leaves them unnamed). All of them when it is unset."""
    if chosen is None:
        return list(masters)
    if isinstance(chosen, int):
        if 1 <= chosen <= len(masters):
            return [masters[chosen - 1]]
        raise InputError(
            f"template set '{set_name}': {label} {chosen} is not a master of "
            f"{settings.reference}; it has {len(masters)} (numbered from 1)"
        )
    named = [m for m in masters if m[0] == chosen]
    if not named:
        known = ", ".join(repr(name) for name, _ in masters)
        raise InputError(
            f"template set '{set_name}': {label} '{chosen}' is not a master of "
            f"{settings.reference}; its masters are: {known} (or give a number, 1 = the first)"
        )
    return named


def layout_names(data: bytes) -> list[tuple[str, list[tuple[str, str]]]]:
    """(master name, [(layout name, part name)]) of a .pptx's bytes, in the deck's order."""
    from lxml import etree

    archive = zipfile.ZipFile(io.BytesIO(data))

    def part(name: str):
        return etree.fromstring(archive.read(name))

    def rels(name: str) -> dict[str, str]:
        folder, base = posixpath.split(name)
        try:
            root = part(f"{folder}/_rels/{base}.rels")
        except KeyError:
            return {}
        return {
            r.get("Id"): posixpath.normpath(posixpath.join(folder, r.get("Target", "")))
            for r in root.iter(f"{_R}Relationship")
        }

    presentation = "ppt/presentation.xml"
    targets = rels(presentation)
    out = []
    ids = part(presentation).find(f"{_P}sldMasterIdLst")
    for master_id in ids if ids is not None else ():
        rid = master_id.get(
            "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
        )
        master = targets.get(rid)
        if master is None:
            continue
        master_rels = rels(master)
        layouts = []
        lst = part(master).find(f"{_P}sldLayoutIdLst")
        for layout_id in lst if lst is not None else ():
            target = master_rels.get(
                layout_id.get(
                    "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
                )
            )
            if target is not None:
                name = part(target).find(f"{_P}cSld").get("name", "")
                layouts.append((name, target))
        out.append((part(master).find(f"{_P}cSld").get("name", ""), layouts))
    return out


def check_reference(tset) -> None:
    """Raise if ``tset``'s reference deck has no layout for a slide kind (``validate``)."""
    ref = tset.settings.deck.reference
    if not ref:
        return
    data = tset.read(ref)
    try:
        masters = layout_names(data)
    except (zipfile.BadZipFile, KeyError, ValueError, SyntaxError):
        raise InputError(f"{ref}: not a PowerPoint file (.pptx) or template (.potx)") from None
    map_kinds(masters, tset.settings.deck, tset.name, set(KINDS))
