"""``briefgen templates inspect FILE.pptx``: what a PowerPoint template offers the deck builder.

A team's first question is "can it use our template?". This reads the file as the builder
would: its masters, their layouts and each layout's placeholders (type, index, position and
size), and the layout it would pick for each slide kind, by the names it knows and, where a
template names its layouts otherwise, by what the layouts hold (a centred title and a
subtitle for the title slide, a title and a body for bullet slides, a title alone for
charts and tables). ``--write`` drafts the ``template.yaml`` that maps them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.errors import InputError
from briefgen.render.deck import adapter
from briefgen.render.deck.fonts import SHIPPED
from briefgen.render.deck.layouts import (
    PH,
    SP,
    body_ref,
    open_presentation,
    placeholder_font,
    rect_of,
)
from briefgen.render.deck.mapping import DEFAULT_LAYOUTS
from briefgen.render.deck.plan import KINDS

EMU_PER_INCH = 914_400
# What a kind needs of a layout, when no name matches: (needs a title, wants a body).
_SHAPE_OF_KIND = {
    "title": ("ctrTitle", True),
    "section": ("title", True),
    "agenda": ("title", True),
    "messages": ("title", True),
    "bullets": ("title", True),
    "sources": ("title", True),
    "quote": ("title", False),
    "chart": ("title", False),
    "table": ("title", False),
    "timeline": ("title", False),
    "closing": ("title", False),
}


@dataclass
class PlaceholderInfo:
    type: str
    idx: int
    left: float  # inches
    top: float
    width: float
    height: float


@dataclass
class LayoutInfo:
    master: str
    name: str
    master_no: int  # 1 = the deck's first master (masters can share a name, or have none)
    placeholders: list[PlaceholderInfo]
    body_idx: int | None  # the placeholder the builder writes body text into

    @property
    def types(self) -> set[str]:
        return {p.type for p in self.placeholders}


@dataclass
class Report:
    path: Path
    width: float  # inches
    height: float
    layouts: list[LayoutInfo]
    mapping: dict[str, LayoutInfo | None] = field(default_factory=dict)
    by_name: dict[str, str] = field(default_factory=dict)  # kind -> "name" or "shape"
    ambiguous: list[str] = field(default_factory=list)  # layout names in several masters
    fonts: tuple[str | None, str | None] = (None, None)  # of bullet slides: (titles, body)

    @property
    def missing(self) -> list[str]:
        return [k for k, v in self.mapping.items() if v is None]


def inspect(path: Path) -> Report:
    """Read ``path`` as a reference deck and decide the mapping the builder would use."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror})") from None
    prs = open_presentation(str(path), data)
    layouts = []
    for number, master in enumerate(prs.slide_masters, start=1):
        for layout in master.slide_layouts:
            layouts.append(_layout_info(master.name, number, layout))
    names = [lay.name for lay in layouts]
    report = Report(
        path,
        int(prs.slide_width) / EMU_PER_INCH,
        int(prs.slide_height) / EMU_PER_INCH,
        layouts,
        ambiguous=sorted({n for n in names if names.count(n) > 1}),
    )
    used = _used_by_samples(prs)
    content = _by_name("bullets", layouts, used, None)
    text_master = content.master_no if content is not None else None  # the text slides'
    for kind in KINDS:
        by_name = _by_name(kind, layouts, used, text_master)
        if by_name is not None:
            report.mapping[kind], report.by_name[kind] = by_name, "name"
            continue
        report.mapping[kind] = _by_shape(kind, layouts, report.height)
        report.by_name[kind] = "shape" if report.mapping[kind] else "missing"
    text = report.mapping.get("bullets")
    if text is not None:  # the fonts the deck's text slides draw in
        master = prs.slide_masters[text.master_no - 1]
        layout = next(lay for lay in master.slide_layouts if lay.name == text.name)
        report.fonts = (placeholder_font(layout, "title"), placeholder_font(layout, "body"))
    return report


def _used_by_samples(prs: Any) -> set[tuple[int, str]]:
    """(master number, layout name) of each layout the template's own sample slides use:
    which master its author meant for a cover and which for text slides."""
    numbers = {m.part.partname: n for n, m in enumerate(prs.slide_masters, start=1)}
    used = set()
    for slide in prs.slides:
        layout = slide.slide_layout
        used.add((numbers.get(layout.slide_master.part.partname, 0), layout.name))
    return used


def _by_name(
    kind: str, layouts: list[LayoutInfo], used: set[tuple[int, str]], master: int | None
) -> LayoutInfo | None:
    """The layout of the first standard name for ``kind`` the deck has: of the master a
    sample slide uses it on, else of ``master`` (the text slides' master), else the first."""
    for name in DEFAULT_LAYOUTS[kind]:
        same = [lay for lay in layouts if lay.name.casefold() == name.casefold()]
        if not same:
            continue
        return next(
            (lay for lay in same if (lay.master_no, lay.name) in used),
            next((lay for lay in same if lay.master_no == master), same[0]),
        )
    return None


def _layout_info(master: str, number: int, layout: Any) -> LayoutInfo:
    placeholders = []
    for sp in adapter.sp_tree(layout.shapes).iterchildren(SP):
        ph = sp.find(PH)
        if ph is None:
            continue
        shape = adapter.shape_of(layout.shapes, sp)
        if shape.width is None or shape.height is None:
            left = top = width = height = 0.0
        else:
            r = rect_of(shape)
            left, top = r.left / EMU_PER_INCH, r.top / EMU_PER_INCH
            width, height = r.width / EMU_PER_INCH, r.height / EMU_PER_INCH
        placeholders.append(
            PlaceholderInfo(
                ph.get("type", "obj"), int(ph.get("idx", "0")), left, top, width, height
            )
        )
    ref = body_ref(layout)
    return LayoutInfo(master, layout.name, number, placeholders, ref.idx if ref else None)


def _by_shape(kind: str, layouts: list[LayoutInfo], height: float) -> LayoutInfo | None:
    """The first layout that holds what ``kind`` needs (see :data:`_SHAPE_OF_KIND`); a
    section divider is one whose title sits low (a third of the way down or more)."""
    title, body = _SHAPE_OF_KIND[kind]
    titled = [lay for lay in layouts if title in lay.types or "title" in lay.types]
    if kind == "title":
        exact = [lay for lay in layouts if "ctrTitle" in lay.types]
        return exact[0] if exact else (titled[0] if titled else None)
    if kind == "section":
        low = [
            lay
            for lay in titled
            if any(p.type == "title" and p.top >= height / 3 for p in lay.placeholders)
        ]
        if low:
            return low[0]
    if body:
        # A content layout's body is a body or content placeholder under a plain title; a
        # centred title over a subtitle is a title slide, taken only when nothing else is.
        with_body = [lay for lay in titled if lay.body_idx is not None]
        content = [
            lay for lay in with_body if lay.types & {"body", "obj"} and "ctrTitle" not in lay.types
        ]
        found = content or with_body or titled
        return found[0] if found else None
    alone = [lay for lay in titled if lay.body_idx is None]
    return alone[0] if alone else (titled[0] if titled else None)


def render_text(report: Report) -> str:
    """The report as the command prints it."""
    lines = [f"{report.path}: {report.width:.2f} × {report.height:.2f} in"]
    masters: dict[int, list[LayoutInfo]] = {}
    for lay in report.layouts:
        masters.setdefault(lay.master_no, []).append(lay)
    for number, layouts in masters.items():
        name = f"'{layouts[0].master}'" if layouts[0].master else "(no name)"
        lines.append(f"master {number} {name}: {len(layouts)} layouts")
        for lay in layouts:
            body = f", body idx {lay.body_idx}" if lay.body_idx is not None else ", no body"
            lines.append(f"  layout '{lay.name}'{body}")
            for p in lay.placeholders:
                lines.append(
                    f"    {p.type:<9} idx {p.idx:<3} at {p.left:5.2f}, {p.top:5.2f} in, "
                    f"{p.width:5.2f} × {p.height:5.2f} in"
                )
    titles, body = report.fonts
    lines.append(f"fonts: {titles or 'unknown'} (titles), {body or 'unknown'} (body text)")
    for font in dict.fromkeys(f for f in (titles, body) if f):
        measured = "its metric-compatible font" if font.casefold() in SHIPPED else "an estimate"
        lines.append(f"  {font}: measured with {measured} unless the set names deck.metrics")
    lines.append("slide kinds:")
    for kind, lay in report.mapping.items():
        if lay is None:
            lines.append(f"  {kind:<9} MISSING: no layout with a title")
            continue
        how = "by name" if report.by_name[kind] == "name" else "by its placeholders"
        lines.append(f"  {kind:<9} -> '{lay.name}' of master {lay.master_no} ({how})")
    if report.ambiguous:
        names = ", ".join(f"'{n}'" for n in report.ambiguous)
        lines.append(
            f"note: layout names in more than one master: {names}; set deck.master "
            "(a master's name, or its number)"
        )
    if report.missing:
        lines.append(f"missing: {', '.join(report.missing)} (the deck cannot be built)")
    return "\n".join(lines)


def draft_settings(report: Report, reference: str) -> str:
    """The ``template.yaml`` a set needs to build on this reference (``--write``)."""
    lines = [
        f"# Drafted by `briefgen templates inspect {report.path.name} --write`; check it.",
        "extends: default",
        "deck:",
        f"  reference: {reference}",
    ]
    numbers = {lay.master_no for lay in report.layouts}
    content = report.mapping.get("bullets") or next(
        (lay for lay in report.mapping.values() if lay is not None), None
    )
    others: dict[str, LayoutInfo] = {}
    if report.ambiguous and len(numbers) > 1 and content is not None:
        # The master of the text slides, and of any kind its sample slides put elsewhere.
        lines.append(f"  master: {_master_ref(report, content)}")
        others = {
            kind: lay
            for kind, lay in report.mapping.items()
            if lay is not None and lay.master_no != content.master_no
        }
    if others:
        lines.append("  masters:  # the kinds its own sample slides show on another master")
        lines += [f"    {kind}: {_master_ref(report, lay)}" for kind, lay in others.items()]
    mapped = {
        k: v for k, v in report.mapping.items() if v is not None and report.by_name[k] != "name"
    }
    if mapped:
        lines.append("  layouts:")
        lines += [f"    {kind}: {_quote(lay.name)}" for kind, lay in mapped.items()]
    return "\n".join(lines) + "\n"


def _master_ref(report: Report, layout: LayoutInfo) -> str:
    """How template.yaml names ``layout``'s master: by name where the name is its own,
    else by number."""
    same_name = {lay.master_no for lay in report.layouts if lay.master == layout.master}
    unique = layout.master and len(same_name) == 1
    return _quote(layout.master) if unique else str(layout.master_no)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
