"""The sample built on every template of the corpus tools/make_template_corpus.py makes
(issue 13), each with at most the mapping ``briefgen templates inspect --write`` drafts:
every slide titled in the template's title placeholder, body text in the layout's body
placeholder where it has one, no text over its box by the measuring font's metrics, and
text sized for the slide."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation
from support import ROOT, deck_fits

from briefgen.cli import cli
from briefgen.render.deck import measurer_for
from briefgen.render.deck.layouts import body_ref, theme_font
from briefgen.templates import load_set

pytestmark = pytest.mark.e2e
_spec = importlib.util.spec_from_file_location("corpus", ROOT / "tools" / "make_template_corpus.py")
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each corpus template drafted into a set by inspect --write, and the sample built."""
    out = {}
    for name in corpus.VARIANTS:
        root = tmp_path_factory.mktemp(name)
        (root / "content").mkdir()
        shutil.copy(ROOT / "content" / "us-azerbaijan.yaml", root / "content")
        (root / "briefgen.yaml").write_text(
            "formats: [pptx]\naudiences:\n  press: {title: Press, template: corpus}\n"
        )
        deck = root / f"{name}.pptx"
        deck.write_bytes(corpus.build(name))
        runner = CliRunner()
        drafted = runner.invoke(
            cli, ["-C", str(root), "templates", "inspect", str(deck), "--write", "corpus"]
        )
        assert drafted.exit_code == 0, drafted.output
        result = runner.invoke(cli, ["-C", str(root), "build"])
        assert result.exit_code == 0, f"{name}: {result.output}"
        out[name] = root
    return out


NAMES = list(corpus.VARIANTS)


def _deck(root: Path):
    return Presentation(str(root / "output" / "us-azerbaijan" / "press.pptx"))


@pytest.mark.parametrize("name", NAMES)
def test_every_slide_is_titled_in_the_templates_title_placeholder(built, name):
    prs = _deck(built[name])
    assert len(prs.slides) >= 10
    for n, slide in enumerate(prs.slides, start=1):
        title = slide.shapes.title
        assert title is not None and title.text_frame.text.strip(), f"{name}: slide {n}"


@pytest.mark.parametrize("name", NAMES)
def test_body_text_is_in_the_layouts_body_placeholder(built, name):
    prs = _deck(built[name])
    for n, slide in enumerate(prs.slides, start=1):
        boxes = [s for s in slide.shapes if s.name == "Body"]
        if body_ref(slide.slide_layout) is not None:
            assert not boxes, f"{name}: slide {n} ({slide.slide_layout.name}) drew its own box"


@pytest.mark.parametrize("name", NAMES)
def test_no_text_runs_over_its_box(built, name):
    tset = load_set("corpus", built[name] / "templates")
    prs = _deck(built[name])
    font = theme_font(prs.slides[0].slide_layout.slide_master)  # what the text is drawn in
    over = [f for f in deck_fits(prs, measurer_for(tset, font)) if not f.fits]
    assert not over, f"{name}: {over[:3]}"


@pytest.mark.parametrize("name", NAMES)
def test_text_is_sized_for_the_slide(built, name):
    """Type grows with the slide: a 12.4-inch-high (22-inch-wide) template gets marks,
    titles and body text 1.65 times the size a 7.5-inch-high one gets."""
    prs = _deck(built[name])
    scale = prs.slide_height / 6_858_000  # 7.5 in

    def sizes(shape_name: str) -> set[float]:
        return {
            round(r.font.size.pt, 1)
            for s in prs.slides
            for sh in s.shapes
            if sh.name.startswith(shape_name)
            for p in sh.text_frame.paragraphs
            for r in p.runs
            if r.font.size
        }

    assert sizes("Classification") == {round(11 * scale, 1)}
    titles = [
        r.font.size.pt
        for s in list(prs.slides)[1:]
        for p in s.shapes.title.text_frame.paragraphs
        for r in p.runs
        if r.font.size
    ]
    largest = load_set("corpus", built[name] / "templates").settings.deck.title_size * 1.35
    assert min(titles) >= 16 * scale - 0.1 and max(titles) <= largest * scale + 0.1


def test_several_masters_are_told_apart_by_the_drafted_master(built):
    settings = (built["two-masters"] / "templates" / "corpus" / "template.yaml").read_text()
    assert "master: " in settings
    prs = _deck(built["two-masters"])
    masters = {s.slide_layout.slide_master.name for s in prs.slides}
    assert len(masters) == 1


@pytest.mark.parametrize("name", NAMES)
def test_text_briefgen_colours_is_readable_on_the_templates_background(built, name):
    """Quotes, captions and slide numbers in colours briefgen chose, and titles and body
    text in the template's placeholders, reach 4.5:1 on the layout's background (a dark
    photograph included): navy quotes do not vanish on a dark template, nor does a
    template's own black text on its dark picture."""
    from briefgen.colors import contrast
    from briefgen.render.deck.layouts import background, placeholder_ink

    prs = _deck(built[name])
    low = []
    for n, slide in enumerate(prs.slides, start=1):
        bg = background(slide.slide_layout)
        if bg is None:
            continue
        for shape in slide.shapes:
            if not shape.has_text_frame or shape.name.startswith(MARKS):  # marks: own test
                continue
            role = "title" if shape == slide.shapes.title else "body"
            under = _band_under(slide, shape) or bg  # a subtitle set in a cover's band
            inherited = placeholder_ink(slide.slide_layout, role) if shape.is_placeholder else None
            for p in shape.text_frame.paragraphs:
                for r in p.runs:
                    color = r.font.color
                    own = color.type is not None and color.rgb is not None
                    ink = f"#{color.rgb}" if own else inherited
                    if r.text.strip() and ink:
                        ratio = contrast(ink, under)
                        if ratio < 4.5:
                            low.append((n, shape.name, ink, under, round(ratio, 2)))
    assert not low, f"{name}: {low[:5]}"


def test_check_says_when_text_is_measured_without_the_templates_font(built):
    """The ministry's theme font is Trebuchet MS: measured with an estimate, and check says
    so naming it. Python-pptx's theme font is Calibri: measured with Carlito, no warning."""
    root = built["branded"]
    result = CliRunner().invoke(cli, ["-C", str(root), "check"])
    line = next((x for x in result.output.splitlines() if "Carlito ×" in x), "")
    assert line.startswith("us-azerbaijan/press: warning:") and "Trebuchet MS" in line
    json_out = CliRunner().invoke(cli, ["-C", str(root), "check", "--format", "json"]).output
    assert '"deck.metrics"' in json_out
    calibri = CliRunner().invoke(cli, ["-C", str(built["dark"]), "check", "--format", "json"])
    assert '"deck.metrics"' not in calibri.output


def test_text_is_measured_in_the_font_it_is_drawn_in():
    """Trebuchet MS is measured wider than Calibri, and the set's metric fonts are used only
    for the font they are for."""
    from briefgen.render.deck.fonts import measuring

    tset = load_set("default", None)
    calibri, trebuchet = measuring(tset, "Calibri"), measuring(tset, "Trebuchet MS")
    assert calibri.estimate is None and "Trebuchet MS" in trebuchet.estimate
    words = "Azerbaijan and the United States work together on energy security"
    ratio = trebuchet.measurer.width(words, 20) / calibri.measurer.width(words, 20)
    assert ratio == pytest.approx(1.18, rel=0.01)
    times = measuring(load_set("default", None), "Times New Roman")
    assert times.estimate is None  # Liberation Serif, shipped with the formal set
    assert measuring(tset, "Some Corporate Sans").estimate


MARKS = ("Classification", "Slide number", "Logo")


def _template_shapes(slide) -> list[tuple[str, tuple[int, int, int, int]]]:
    """What the template draws on ``slide``: its layout's and (unless hidden) its master's
    shapes that are not placeholders, without the backdrop (text-less shapes as wide or as
    tall as the slide: bands, full-slide pictures), which marks may sit on."""
    layout = slide.slide_layout
    owners = [layout]
    if layout._element.get("showMasterSp", "1") != "0":
        owners.append(layout.slide_master)
    prs_w = slide.part.package.presentation_part.presentation.slide_width
    prs_h = slide.part.package.presentation_part.presentation.slide_height
    out = []
    for owner in owners:
        for shape in owner.shapes:
            if shape.is_placeholder or shape.width is None:
                continue
            text = shape.has_text_frame and shape.text_frame.text.strip()
            if not text and (shape.width >= 0.9 * prs_w or shape.height >= 0.9 * prs_h):
                continue
            out.append((shape.name, (shape.left, shape.top, shape.width, shape.height)))
    return out


def _band_under(slide, mark) -> str | None:
    """The colour of a band of the template's master under ``mark``, if any."""
    rect = (mark.left, mark.top, mark.width, mark.height)
    for shape in reversed(list(slide.slide_layout.slide_master.shapes)):
        if (
            shape.is_placeholder
            or shape.width is None
            or (shape.has_text_frame and shape.text_frame.text)
        ):
            continue
        if _overlap(rect, (shape.left, shape.top, shape.width, shape.height)):
            fill = shape._element.xpath(
                "./p:spPr/a:solidFill/a:srgbClr/@val"
            ) or shape._element.xpath("./p:spPr/a:pattFill/*/a:srgbClr/@val")
            if fill:  # a solid colour, or the mean of a pattern's two
                rgb = [[int(v[i : i + 2], 16) for i in (0, 2, 4)] for v in fill]
                return "#" + "".join(
                    f"{round(sum(c) / len(c)):02X}" for c in zip(*rgb, strict=True)
                )
    return None


def _overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


@pytest.mark.parametrize("name", NAMES)
def test_no_mark_covers_a_shape_of_the_template(built, name):
    """The banners, the slide number and the logo keep clear of the template's own crest,
    footer text and shapes, and every slide has both banners and its number, readable on
    what is under it."""
    from pptx.enum.dml import MSO_FILL

    from briefgen.colors import contrast
    from briefgen.render.deck.layouts import background

    prs = _deck(built[name])
    total = len(prs.slides)
    for n, slide in enumerate(prs.slides, start=1):
        marks = [s for s in slide.shapes if s.name.startswith(MARKS)]
        names = sorted(s.name for s in marks)
        assert names[:3] == ["Classification (bottom)", "Classification (top)", "Slide number"]
        number = next(s for s in marks if s.name == "Slide number")
        assert number.text_frame.text == f"{n} / {total}"
        backing = number.fill.fore_color.rgb if number.fill.type == MSO_FILL.SOLID else None
        under = (
            f"#{backing}"
            if backing
            else _band_under(slide, number) or background(slide.slide_layout)
        )
        ink = f"#{number.text_frame.paragraphs[0].runs[0].font.color.rgb}"
        assert under is None or contrast(ink, under) >= 4.5, f"{name}: slide {n} number"
        for mark in marks:
            rect = (mark.left, mark.top, mark.width, mark.height)
            hit = [t for t, r in _template_shapes(slide) if _overlap(rect, r)]
            assert not hit, f"{name}: slide {n}: {mark.name} covers {hit}"


def test_the_slide_number_is_the_templates_own_placeholder_readable_on_its_band(built):
    """On the ministry template the number sits in the layouts' slide-number placeholder,
    as a slide-number field, in a colour readable on the dark band under it; the banners
    moved aside from the crest and the organisation's name."""
    from pptx.enum.shapes import PP_PLACEHOLDER

    from briefgen.colors import contrast

    prs = _deck(built["branded"])
    for slide in prs.slides:
        number = next(s for s in slide.shapes if s.name == "Slide number")
        assert number.is_placeholder
        assert number.placeholder_format.type == PP_PLACEHOLDER.SLIDE_NUMBER
        assert number._element.xpath(".//a:fld[@type='slidenum']")
        layout_number = next(
            s
            for s in slide.slide_layout.placeholders
            if s.placeholder_format.type == PP_PLACEHOLDER.SLIDE_NUMBER
        )
        assert (number.left, number.top) == (layout_number.left, layout_number.top)
        color = number.text_frame.paragraphs[0].runs[0].font.color.rgb
        assert contrast(f"#{color}", "#0B3D2E") >= 4.5
        top = next(s for s in slide.shapes if s.name == "Classification (top)")
        assert top.left != (prs.slide_width - top.width) // 2  # moved aside from the crest
    result = CliRunner().invoke(cli, ["-C", str(built["branded"]), "check"])
    assert "deck.marks" not in result.output


def test_check_reports_a_mark_that_has_no_free_place(tmp_path):
    """A template whose own text runs along the whole top edge leaves the top banner no
    free place: the deck builds, and check names the shape it covers, once per layout."""
    from lxml import etree

    prs = corpus.branded()
    tree = prs.slide_masters[0].shapes._spTree
    strip = tree.add_textbox(950, "Masthead", 0, 0, prs.slide_width, 500_000)
    para = strip.find(f"{corpus.P}txBody").find(f"{corpus.A}p")
    etree.SubElement(etree.SubElement(para, f"{corpus.A}r"), f"{corpus.A}t").text = "MINISTRY"
    (tmp_path / "content").mkdir()
    shutil.copy(ROOT / "content" / "us-azerbaijan.yaml", tmp_path / "content")
    (tmp_path / "briefgen.yaml").write_text(
        "formats: [pptx]\naudiences:\n  press: {title: Press, template: corpus}\n"
    )
    prs.save(str(tmp_path / "masthead.pptx"))
    runner = CliRunner()
    drafted = runner.invoke(
        cli,
        [
            "-C",
            str(tmp_path),
            "templates",
            "inspect",
            str(tmp_path / "masthead.pptx"),
            "--write",
            "corpus",
        ],
    )
    assert drafted.exit_code == 0, drafted.output
    result = runner.invoke(cli, ["-C", str(tmp_path), "check"])
    lines = [x for x in result.output.splitlines() if "deck.marks" in x or "'Masthead'" in x]
    assert lines and all("Classification (top)" in x and "'Masthead'" in x for x in lines)
    layouts = {x.split("layout '")[1].split("'")[0] for x in lines}
    assert len(lines) == len(layouts)  # once per layout, not once per slide


def test_a_libreoffice_template_maps_by_its_own_names_and_its_sample_slides(built):
    """Impress's names ("Title, Content") are known, its unnamed masters are told apart by
    number, and the master each kind goes on is the one the template's own sample slides
    use: text slides on master 2, the cover (and section dividers, on the same layout) on
    master 1, where the subtitle box is kept clear of the cover's band."""
    settings = (built["libreoffice"] / "templates" / "corpus" / "template.yaml").read_text()
    assert "  master: 2\n" in settings
    assert "    title: 1\n" in settings and "    section: 1\n" in settings
    assert "layouts:" not in settings  # every kind found by name
    prs = _deck(built["libreoffice"])
    first, second = (m.part.partname for m in prs.slide_masters)
    slides = list(prs.slides)
    assert slides[0].slide_layout.slide_master.part.partname == first
    text = [s for s in slides if s.slide_layout.name in ("Title, Content", "Title Only")]
    assert text and all(s.slide_layout.slide_master.part.partname == second for s in text)
    from briefgen.colors import contrast
    from briefgen.render.deck.layouts import placeholder_ink

    for slide in slides:  # the subtitle is set in the band: its text is light on it
        if slide.slide_layout.slide_master.part.partname != first:
            continue
        for shape in slide.shapes:
            if shape.is_placeholder and shape != slide.shapes.title and shape.has_text_frame:
                inherited = placeholder_ink(slide.slide_layout, "body")
                band = next(s for s in prs.slide_masters[0].shapes if s.name == "Cover band")
                assert shape.top >= band.top  # all of it in the band, none on white above
                for run in (r for p in shape.text_frame.paragraphs for r in p.runs):
                    own = run.font.color.type is not None
                    ink = f"#{run.font.color.rgb}" if own else inherited
                    assert contrast(ink, "#274A74") >= 4.5, run.text


@pytest.mark.parametrize("name", NAMES)
def test_the_title_slide_keeps_its_date_authors_and_version(built, name):
    """Where the title layout has no subtitle (no-body: title at the foot, nothing else),
    the lines go in a text box where there is room, not dropped."""
    first = _deck(built[name]).slides[0]
    text = " ".join(s.text_frame.text for s in first.shapes if s.has_text_frame)
    for line in ("23 November 2026", "Caucasus Desk, Policy Planning", "Press version"):
        assert line in text, f"{name}: {line!r} missing from the title slide"


def test_check_reports_a_template_colour_replaced_for_contrast(built):
    """The photo template's dark title and body colours on its dark picture: written in
    white, and check says so once per layout and role, naming the layout."""
    result = CliRunner().invoke(cli, ["-C", str(built["photo"]), "check", "--format", "json"])
    import json

    found = [f for f in json.loads(result.output)["findings"] if f["code"] == "deck.contrast"]
    assert found and all(f["severity"] == "warning" for f in found)
    keys = [(f["message"].split("layout '")[1].split("'")[0], f["shape"]) for f in found]
    assert len(keys) == len(set(keys)) and ("Title and Content", "body placeholder") in keys
    clean = CliRunner().invoke(cli, ["-C", str(built["dark"]), "check", "--format", "json"])
    assert '"deck.contrast"' not in clean.output
