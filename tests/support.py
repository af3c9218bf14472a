"""Helpers shared by the tests: scenario files and their expectations, small briefs built in
Python, the formal-set fallback, text normalisation, and the deck text-fit estimate."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.content.validate import validate
from briefgen.content.yamlsource import load_bytes
from briefgen.model import Brief, Project

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BRIEFS = FIXTURES / "briefs"
SAMPLE_BRIEF = ROOT / "content" / "us-azerbaijan.yaml"
SAMPLE_CONFIG = ROOT / "briefgen.yaml"
AUDIENCES = ("executive", "press", "desk", "baku")  # the sample briefgen.yaml's

# "# expect: LINE:COL: text" and "# expect-warning: ..." header lines of scenario files.
EXPECT_RE = re.compile(
    r"^# expect(?P<warning>-warning)?: (?P<line>\d+):(?P<col>\d+): (?P<text>.+)$"
)


@dataclass(frozen=True)
class Expectation:
    line: int
    col: int
    text: str
    warning: bool


def expectations(path: Path) -> list[Expectation]:
    """What a scenario file says about itself in its ``# expect:`` header lines."""
    text = path.read_bytes().decode("utf-8", "replace")
    return [
        Expectation(int(m["line"]), int(m["col"]), m["text"], bool(m["warning"]))
        for m in map(EXPECT_RE.match, text.splitlines())
        if m
    ]


def scenario_files(*, errors: bool | None = None) -> list[Path]:
    """Scenario briefs; ``errors=True`` only those expected to fail, False only valid ones."""
    files = sorted(BRIEFS.glob("*.yaml"))
    if errors is None:
        return files
    return [f for f in files if any(not e.warning for e in expectations(f)) == errors]


# ---------------------------------------------------------------- the formal template set


def formal_ready() -> bool:
    """True when the built-in ``formal`` set (being written in parallel) can render.

    The sample config puts the desk audience on ``formal``. Until the set has its main
    templates and they compile, the tests build desk with ``default`` instead.
    TODO(formal): once templates/formal is complete this is always True; drop the fallback.
    """
    from briefgen.errors import InputError
    from briefgen.templates import builtin_dir, compile_check, load_set

    folder = builtin_dir() / "formal"
    if not (folder / "brief.html.j2").is_file() or not (folder / "template.yaml").is_file():
        return False
    try:
        tset = load_set("formal", None)
        compile_check(tset, "html")
        compile_check(tset, "deck")
    except InputError:
        return False
    return True


FORMAL_READY = formal_ready()


def project_config_text() -> str:
    """The sample briefgen.yaml, with desk moved to ``default`` while ``formal`` is unfinished."""
    text = SAMPLE_CONFIG.read_text("utf-8")
    if not FORMAL_READY:  # TODO(formal): remove with the fallback above
        text = text.replace("template: formal", "template: default")
    return text


# ---------------------------------------------------------------- small briefs in Python


def brief_data(**overrides: Any) -> dict[str, Any]:
    """A minimal valid brief as plain data; keyword arguments replace top-level fields."""
    data: dict[str, Any] = {
        "title": "Test brief",
        "date": dt.date(2026, 1, 15),
        "summary": "The bottom line.",
        "sections": [{"id": "one", "title": "One", "points": ["First point."]}],
    }
    data.update(overrides)
    return data


def make_brief(**overrides: Any) -> Brief:
    return Brief.model_validate(brief_data(**overrides))


def make_project(**audiences: dict[str, Any]) -> Project:
    return Project.model_validate({"audiences": audiences or {"all": {}}})


def load_text(text: str, model: type = Brief, name: str = "test.yaml"):
    """Load and validate YAML text as ``model``; returns (document, result)."""
    doc = load_bytes(text.encode("utf-8"), name)
    return doc, validate(doc, model)


def squash(text: str) -> str:
    """Text with all whitespace removed and compatibility forms folded (ligatures, NBSP), so
    text extracted from a PDF or a deck compares with the source whatever the line breaks;
    a word hyphenated at a line end (``hyphens: auto`` puts U+2010 there) is joined again."""
    import unicodedata

    text = re.sub(r"[\u2010\u00ad][ \t]*\n", "", text)
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


# ---------------------------------------------------------------- deck text fit, measured

EMU_PER_PT = 12700


@dataclass(frozen=True)
class FrameFit:
    """The measured estimate for one text frame: what its text needs and what its box has."""

    slide: int
    shape: str
    needed: float  # points
    available: float  # points
    text: str

    @property
    def fits(self) -> bool:
        return self.needed <= self.available + 0.01


def _qn(tag: str) -> str:
    from pptx.oxml.ns import qn

    return qn(tag)


def _level_style(style, level: int, attr: str) -> float | None:
    """``marL`` (points) or ``spcBef`` (points, or ('pct', fraction)) of a list style level."""
    if style is None:
        return None
    lvl = style.find(_qn(f"a:lvl{level + 1}pPr"))
    if lvl is None:
        return None
    if attr == "marL":
        value = lvl.get("marL")
        return None if value is None else int(value) / EMU_PER_PT
    return _own_space_before(lvl)  # a level's pPr holds spcBef as a paragraph's pPr does


def _inherited(shape, slide, level: int, attr: str):
    """A paragraph property as PowerPoint resolves it when the paragraph does not set it:
    the layout placeholder's list style, then the master's title or body style. Text boxes
    inherit nothing that matters here (no margin, no space before)."""
    from pptx.enum.shapes import PP_PLACEHOLDER

    if not shape.is_placeholder:
        return 0.0
    titles = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE)
    styles = []
    idx = shape.placeholder_format.idx
    layout_ph = next(
        (p for p in slide.slide_layout.placeholders if p.placeholder_format.idx == idx), None
    )
    if layout_ph is not None:
        styles.append(layout_ph._element.find(_qn("p:txBody") + "/" + _qn("a:lstStyle")))
    tx_styles = slide.slide_layout.slide_master._element.find(_qn("p:txStyles"))
    kind = "p:titleStyle" if shape.placeholder_format.type in titles else "p:bodyStyle"
    styles.append(tx_styles.find(_qn(kind)) if tx_styles is not None else None)
    for style in styles:
        value = _level_style(style, level, attr)
        if value is not None:
            return value
    return 0.0


def _own_space_before(ppr):
    """The ``spcBef`` of a paragraph's (or a list level's) properties in points (or
    ('pct', fraction)), else None."""
    if ppr is None:
        return None
    before = ppr.find(_qn("a:spcBef"))
    if before is None:
        return None
    pts = before.find(_qn("a:spcPts"))
    if pts is not None:
        return int(pts.get("val")) / 100
    pct = before.find(_qn("a:spcPct"))
    return ("pct", int(pct.get("val")) / 100_000) if pct is not None else None


def _runs(paragraph, bold_default: bool):
    """(text, bold, size) for each run of a paragraph; a line break is ('\\n', False, None)."""
    out = []
    for child in paragraph._p:
        if child.tag == _qn("a:r"):
            rpr = child.find(_qn("a:rPr"))
            size = rpr.get("sz") if rpr is not None else None
            bold = rpr.get("b") if rpr is not None else None
            text = child.find(_qn("a:t")).text or ""
            is_bold = bold_default if bold is None else bold in ("1", "true")
            out.append((text, is_bold, None if size is None else int(size) / 100))
        elif child.tag == _qn("a:br"):
            out.append(("\n", False, None))
    return out


def frame_fit(shape, slide, slide_number: int, measurer, *, spacing=None) -> FrameFit:
    """Estimate the height ``shape``'s text needs, with ``measurer`` (the set's metric fonts):
    each paragraph wrapped at the box width less its left margin, at its runs' font size,
    plus the space before each paragraph after the first. Margins and spacing are read from
    the paragraph, else inherited from the layout and master as PowerPoint does.

    ``spacing(size)`` replaces the inherited space before (to compare with other models).
    """
    from pptx.enum.shapes import PP_PLACEHOLDER

    from briefgen.render.deck.fit import Run

    frame = shape.text_frame
    title = shape.is_placeholder and shape.placeholder_format.type in (
        PP_PLACEHOLDER.TITLE,
        PP_PLACEHOLDER.CENTER_TITLE,
    )
    width = (shape.width - frame.margin_left - frame.margin_right) / EMU_PER_PT
    available = (shape.height - frame.margin_top - frame.margin_bottom) / EMU_PER_PT
    needed = 0.0
    first = True
    for paragraph in frame.paragraphs:
        runs = _runs(paragraph, bold_default=title)  # the masters' titles are bold
        if not "".join(t for t, _, _ in runs).strip():
            continue
        sizes = [s for _, _, s in runs if s]
        assert sizes, f"slide {slide_number}, {shape.name}: a run without an explicit size"
        size = max(sizes)
        ppr = paragraph._p.pPr
        own_margin = ppr.get("marL") if ppr is not None else None
        margin = (
            int(own_margin) / EMU_PER_PT
            if own_margin is not None
            else _inherited(shape, slide, paragraph.level, "marL")
        )
        lines = measurer.lines([Run(t, bold=b) for t, b, _ in runs], size, width - margin)
        needed += lines * measurer.line_height(size)
        if not first:
            own_before = _own_space_before(ppr)
            before = (
                spacing(size)
                if spacing is not None
                else own_before
                if own_before is not None
                else _inherited(shape, slide, paragraph.level, "spcBef")
            )
            if isinstance(before, tuple):  # a percentage of the line
                before = before[1] * measurer.line_height(size)
            needed += before
        first = False
    return FrameFit(slide_number, shape.name, needed, available, frame.text[:60])


def deck_fits(prs, measurer, *, spacing=None) -> list[FrameFit]:
    """The measured estimate for every text frame with text on every slide of ``prs``."""
    out = []
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            if shape.has_text_frame and shape.text_frame.text.strip():
                out.append(frame_fit(shape, slide, number, measurer, spacing=spacing))
    return out


def table_bottom(shape, measurer) -> float:
    """Where a table ends (points from the slide top) once PowerPoint grows its rows to fit
    their text: each row is as tall as its tallest cell, and never less than it was set."""
    from briefgen.render.deck.fit import Run

    table = shape.table
    total = 0.0
    for row in table.rows:
        tallest = 0.0
        for c, cell in enumerate(row.cells):
            width = (table.columns[c].width - cell.margin_left - cell.margin_right) / EMU_PER_PT
            height = (cell.margin_top + cell.margin_bottom) / EMU_PER_PT
            for paragraph in cell.text_frame.paragraphs:
                runs = _runs(paragraph, bold_default=False)
                sizes = [s for _, _, s in runs if s]
                if sizes:
                    size = max(sizes)
                    lines = measurer.lines([Run(t, bold=b) for t, b, _ in runs], size, width)
                    height += lines * measurer.line_height(size)
            tallest = max(tallest, height)
        total += max(tallest, row.height / EMU_PER_PT)
    return shape.top / EMU_PER_PT + total


def init_without_alt(root: Path) -> Path:
    """A new project from the sample whose chart lost its alt text: the sample itself is clean,
    so tests of how findings travel (to build warnings, JSON, the preview) make one."""
    from briefgen import api

    api.init_project(root)
    brief = root / "content" / "us-azerbaijan.yaml"
    lines = brief.read_text("utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.lstrip().startswith("alt:")]
    assert len(kept) == len(lines) - 1, "the sample's chart should have exactly one alt line"
    brief.write_text("".join(kept), "utf-8")
    return root


def show_seal_in_colophon(project: Path) -> None:
    """Override the default brief so its colophon shows ``seal.png`` from the project: a
    file only a render reads (tests of what renders read: incremental builds, watch, Dask)."""
    override = project / "templates" / "default"
    override.mkdir(parents=True)
    (override / "brief.html.j2").write_text(
        '{% extends "!default/brief.html.j2" %}\n'
        '{% block colophon %}<img src="{{ project_asset(\'seal.png\') }}" alt="">'
        "{{ super() }}{% endblock %}\n"
    )
