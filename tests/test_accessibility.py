"""Accessible outputs (issue 12, the PDF and deck part): every sample PDF is tagged PDF/UA-1
that the ``pdfua`` checker passes without a finding, figures carry their alt text into the
PDF's structure tree and into the deck's ``descr``; and each check fails when the tags or
the alt text are taken away."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support import AUDIENCES

pytestmark = pytest.mark.e2e


def pdfua(path: Path) -> list[dict]:
    """The findings of the ``pdfua`` checker (PyPI) on ``path``, at any severity."""
    done = subprocess.run(
        [sys.executable, "-m", "pdfua", "check", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 4, done.stderr  # 4: not readable as a PDF
    report = json.loads(done.stdout)
    files = report if isinstance(report, list) else report.get("files", [report])
    return [f for entry in files for f in entry.get("findings", [])]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_sample_pdf_passes_pdfua_with_no_finding(sample_build, audience: str):
    findings = pdfua(sample_build.path(audience, "pdf"))
    assert findings == [], [f.get("rule_id") or f for f in findings]


def test_the_check_fails_on_an_untagged_pdf(sample_build, tmp_path: Path, monkeypatch):
    """Without the tags (the old output) the same checker reports findings: the test above
    can fail."""
    import briefgen.render.pdf as pdf_module
    from briefgen.pipeline import prepare
    from briefgen.project import open_workspace
    from briefgen.render import run

    monkeypatch.setattr(pdf_module, "PDF_VARIANT", None)
    plan = prepare(open_workspace(sample_build.root), None, ["press"], ["pdf"])
    untagged = tmp_path / "untagged.pdf"
    untagged.write_bytes(run(plan.targets[0].job).data)
    assert pdfua(untagged)


def _figure_alts(path: Path) -> list[str]:
    """The /Alt of every /Figure in the PDF's structure tree."""
    import pikepdf

    found: list[str] = []

    def walk(node: pikepdf.Object) -> None:
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)
            return
        if not isinstance(node, pikepdf.Dictionary):
            return
        if node.get("/S") == "/Figure":
            found.append(str(node.get("/Alt", "")))
        if "/K" in node:
            walk(node["/K"])

    with pikepdf.open(path) as pdf:
        walk(pdf.Root.StructTreeRoot)
    return found


def test_the_chart_in_the_pdf_carries_its_alt_text(sample_build):
    chart = next(f for s in sample_build.brief.sections for f in s.figures if f.kind == "chart")
    alts = _figure_alts(sample_build.path("press", "pdf"))
    assert chart.alt in alts


def test_a_chart_without_alt_text_falls_back_to_its_title_never_to_nothing(tmp_path: Path):
    from support import init_without_alt

    from briefgen.api import build

    root = init_without_alt(tmp_path / "noalt")
    build(root, audiences=["press"], formats=["pdf"])
    alts = _figure_alts(root / "output" / "us-azerbaijan" / "press.pdf")
    assert alts and all(alts)
    assert "Milestones by decade" in alts


def _graphic_frames(prs):
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            if shape.shape_type is not None and shape._element.tag.endswith("graphicFrame"):
                yield number, shape


# The executive deck is points only (its deck config): no charts or tables to check.
@pytest.mark.parametrize("audience", ["press", "desk"])
def test_every_chart_and_table_in_the_deck_has_alt_text_and_a_name(sample_build, audience):
    frames = list(_graphic_frames(sample_build.deck(audience)))
    assert frames
    for number, shape in frames:
        descr = shape._element.xpath("./*[1]/p:cNvPr")[0].get("descr")
        assert descr, f"slide {number}: {shape.name} has no alt text"
        assert shape.name.startswith(("Chart ", "Table "))


def test_the_deck_chart_alt_text_is_the_figures(sample_build):
    chart = next(f for s in sample_build.brief.sections for f in s.figures if f.kind == "chart")
    descrs = [
        shape._element.xpath("./*[1]/p:cNvPr")[0].get("descr")
        for _, shape in _graphic_frames(sample_build.deck("press"))
        if shape.has_chart
    ]
    assert descrs == [chart.alt]


def test_a_theme_logo_carries_its_alt_text_and_the_pdf_still_passes(tmp_path: Path):
    from PIL import Image

    from briefgen.api import build

    root = tmp_path / "logo"
    (root / "content").mkdir(parents=True)
    sample = Path(__file__).resolve().parents[1] / "content" / "us-azerbaijan.yaml"
    (root / "content" / "us-azerbaijan.yaml").write_bytes(sample.read_bytes())
    (root / "briefgen.yaml").write_text(
        "audiences:\n"
        "  desk: {title: Desk, theme: {logo: seal.png, logo_alt: Department of State}}\n"
    )
    Image.new("RGB", (600, 200), (20, 60, 120)).save(root / "seal.png")
    build(root, formats=["pdf"])
    pdf = root / "output" / "us-azerbaijan" / "desk.pdf"
    assert "Department of State" in _figure_alts(pdf)
    assert pdfua(pdf) == []


# ---------------------------------------------------------------- HTML: axe-core in Chromium

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(html_file: Path) -> list[dict]:
    """axe-core's violations on ``html_file`` opened from disk in Debian's Chromium.

    The brief's own Content-Security-Policy forbids script, axe's included: the page is
    opened with the policy bypassed for the test only."""
    from playwright.sync_api import sync_playwright
    from test_serve import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (.ci/run installs it)")
    assert AXE.exists(), "axe-core is missing: run `npm ci --prefix tests/axe` (README, .ci/run)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_context(bypass_csp=True).new_page()
        page.goto(html_file.resolve().as_uri())
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        browser.close()
    return result["violations"]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_sample_html_has_no_axe_violation(sample_build, audience: str):
    violations = axe_violations(sample_build.path(audience, "html"))
    assert violations == [], [(v["id"], len(v["nodes"])) for v in violations]


def test_axe_finds_what_a_template_breaks(sample_build, tmp_path: Path):
    """The check above can fail: the same HTML without its language and with an image
    without alt text has violations."""
    html = sample_build.path("press", "html").read_text("utf-8")
    broken = html.replace('<html lang="en">', "<html>", 1).replace(
        "<main>", '<main><img src="data:image/png;base64,iVBORw0KGgo=">', 1
    )
    path = tmp_path / "broken.html"
    path.write_text(broken, "utf-8")
    ids = {v["id"] for v in axe_violations(path)}
    assert {"html-has-lang", "image-alt"} <= ids


@pytest.mark.parametrize("audience", AUDIENCES)
def test_deck_reading_order_puts_the_title_first_and_the_banners_last(sample_build, audience):
    for number, slide in enumerate(sample_build.deck(audience).slides, start=1):
        names = [shape.name for shape in slide.shapes]
        assert names[-2:] == ["Classification (top)", "Classification (bottom)"], number
        if slide.shapes.title is not None:
            assert names[0] == slide.shapes.title.name, (number, names)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_slide_has_its_own_title_in_the_title_placeholder(sample_build, audience):
    """A screen reader lists a deck by its slide titles: each slide has one, and no two are
    the same (a divider, its bullets and its quotes used to share the section's title)."""
    titles = []
    for number, slide in enumerate(sample_build.deck(audience).slides, start=1):
        title = slide.shapes.title
        assert title is not None and title.text_frame.text.strip(), f"slide {number}: no title"
        titles.append(title.text_frame.text.strip())
    repeated = sorted({t for t in titles if [u.casefold() for u in titles].count(t.casefold()) > 1})
    assert not repeated


def _deck_of(brief, **project):
    import io

    from pptx import Presentation
    from support import make_project

    from briefgen.audience import select
    from briefgen.files import FileTree
    from briefgen.render import RenderJob
    from briefgen.render.deck import render_deck
    from briefgen.templates import load_set

    view = select(brief, "b", "all", make_project(all=project))
    job = RenderJob(view, load_set("default", None), FileTree("project", None, {}), "pptx")
    rendered = render_deck(job)
    return Presentation(io.BytesIO(rendered.data)), rendered


def test_continuations_say_which_part_they_are_and_repeated_titles_are_numbered():
    from support import make_brief

    long = {
        "id": "long",
        "title": "Same",
        "points": [f"Point {i} of a long list." for i in range(40)],
    }
    short = {"id": "short", "title": "Same", "points": ["Only one point."]}
    prs, rendered = _deck_of(make_brief(sections=[long, short]))
    titles = [slide.shapes.title.text_frame.text for slide in prs.slides]
    first, last = next(
        span
        for spec, span in zip(rendered.slide_plan.slides, rendered.slide_spans, strict=True)
        if spec.kind == "bullets"
    )
    parts = last - first + 1
    assert parts >= 3
    assert titles[first - 1 : last] == ["Same"] + [
        f"Same (cont. {i}/{parts})" for i in range(2, parts + 1)
    ]
    assert "Same (2)" in titles  # the second section's bullets
    assert len(set(titles)) == len(titles)
    # the spans cover the deck, in order, one per plan slide
    spans = rendered.slide_spans
    assert len(spans) == len(rendered.slide_plan.slides)
    assert [a for a, _ in spans] == [1] + [b + 1 for _, b in spans[:-1]]
    assert spans[-1][1] == len(prs.slides)


def test_every_text_run_of_the_deck_carries_the_briefs_language():
    from support import make_brief

    prs, _ = _deck_of(make_brief(lang="en-GB"))
    assert prs.core_properties.language == "en-GB"
    for number, slide in enumerate(prs.slides, start=1):
        parts = [slide.part]
        if slide.has_notes_slide:
            parts.append(slide.notes_slide.part)
        for part in parts:
            runs = part._element.xpath(".//a:r")
            assert runs, number
            assert {
                r.xpath("./a:rPr/@lang")[0] if r.xpath("./a:rPr/@lang") else None for r in runs
            } == {"en-GB"}, number


def test_the_audiences_language_reaches_the_html_and_the_pdf_tags(tmp_path: Path):
    import pypdf

    from briefgen.api import build

    root = tmp_path / "lang"
    (root / "content").mkdir(parents=True)
    sample = Path(__file__).resolve().parents[1] / "content" / "us-azerbaijan.yaml"
    (root / "content" / "us-azerbaijan.yaml").write_bytes(sample.read_bytes())
    (root / "briefgen.yaml").write_text("audiences:\n  desk: {title: Desk, lang: en-GB}\n")
    build(root, formats=["pdf", "html"])
    out = root / "output" / "us-azerbaijan"
    assert '<html lang="en-GB">' in (out / "desk.html").read_text()
    assert pypdf.PdfReader(out / "desk.pdf").trailer["/Root"]["/Lang"] == "en-GB"
    assert pdfua(out / "desk.pdf") == []


@pytest.mark.parametrize("lang", ["english", "e", "en_GB", "en-"])
def test_a_malformed_language_tag_is_refused(lang: str):
    from pydantic import ValidationError
    from support import make_brief

    with pytest.raises(ValidationError):
        make_brief(lang=lang)
