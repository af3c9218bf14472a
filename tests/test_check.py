"""`briefgen check`: findings from real renders of small projects, the CLI's exit codes and
formats, and the same findings as warnings during `build`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from PIL import Image

from briefgen import api
from briefgen.check import count_words
from briefgen.cli import cli
from briefgen.pipeline import prepare
from briefgen.project import open_workspace
from briefgen.render import run

SAMPLE = Path(__file__).resolve().parents[1] / "content" / "us-azerbaijan.yaml"

BRIEF = {
    "title": "Check test brief",
    "date": "2026-11-23",
    "summary": "A short summary with **seven** words here.",
    "key_messages": [{"text": "A key message with a source.", "sources": ["report"]}],
    "sections": [
        {
            "id": "one",
            "title": "Section one",
            "points": [
                {"text": "Cited point.", "sources": ["report"]},
                "An uncited point in section one.",
                {"text": "Internal only, no source.", "tags": ["internal"]},
            ],
            "figures": [
                {
                    "id": "bars",
                    "kind": "chart",
                    "chart": "bar",
                    "title": "Bars",
                    "caption": "A caption.",
                    "categories": ["a", "b"],
                    "series": [{"name": "s", "values": [1, 2]}],
                },
                {
                    "id": "grid",
                    "kind": "table",
                    "title": "Grid",
                    "columns": ["x", "y"],
                    "rows": [["1", "2"]],
                },
            ],
        },
        {"id": "hidden", "title": "Hidden bits", "points": [{"text": "x", "tags": ["internal"]}]},
    ],
    "sources": [
        {"id": "report", "title": "A report"},
        {"id": "unused", "title": "Nobody cites this"},
    ],
}


def make_project(root: Path, audiences: dict, brief: dict | None = None, **config) -> Path:
    (root / "content").mkdir(parents=True, exist_ok=True)
    doc = {"classification": "UNCLASSIFIED", "audiences": audiences, **config}
    (root / "briefgen.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), "utf-8")
    text = yaml.safe_dump(brief or BRIEF, sort_keys=False, allow_unicode=True)
    (root / "content" / "brief.yaml").write_text(text, "utf-8")
    return root


def codes(report) -> list[str]:
    return [f.code for f in report.findings]


def by_code(report, code: str):
    return [f for f in report.findings if f.code == code]


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


# ---------------------------------------------------------------- the sample


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    root = tmp_path_factory.mktemp("sample")
    api.init_project(root)
    return root, api.check(root)


def test_sample_has_no_errors_and_writes_nothing(sample_report):
    root, report = sample_report
    assert report.errors == [], [str(f) for f in report.errors]
    assert report.exit_code() == 0
    assert not (root / "output").exists()
    assert {(i.brief, i.audience) for i in report.items} == {
        ("us-azerbaijan", a) for a in ("executive", "press", "desk")
    }


def test_sample_measures_match_a_real_build(sample_report):
    """Pages and slides are what the PDF and the deck of a build have."""
    root, report = sample_report
    plan = prepare(open_workspace(root), audiences=["press"], formats=["pdf", "pptx"])
    built = {t.job.format: run(t.job) for t in plan.targets}
    press = next(i for i in report.items if i.audience == "press")
    assert press.measures.pages == built["pdf"].pages
    assert press.measures.slides == built["pptx"].slides
    assert press.measures.words > 500
    assert 0 < press.measures.words_per_slide < 400


def test_sample_press_excludes_internal_words(sample_report):
    _, report = sample_report
    words = {i.audience: i.measures.words for i in report.items}
    assert words["desk"] > words["press"]  # details and internal points add words


# ---------------------------------------------------------------- findings


def test_budgets_over_and_under(tmp_path):
    root = make_project(
        tmp_path / "p",
        {
            "tight": {
                "formats": ["pdf", "pptx"],
                "budget": {"pages": 1, "slides": 2, "words_per_slide": 5, "words": 10},
            },
            "roomy": {
                "formats": ["pdf", "pptx"],
                "budget": {"pages": 50, "slides": 100, "words_per_slide": 500, "words": 5000},
            },
        },
    )
    report = api.check(root)
    tight = {f.code for f in report.findings if f.audience == "tight"}
    assert {"budget.slides", "budget.words", "budget.words_per_slide"} <= tight
    assert not [f for f in report.findings if f.audience == "roomy" and f.code.startswith("budget")]
    item = next(i for i in report.items if i.audience == "tight")
    slides = by_code(report, "budget.slides")[0]
    assert (slides.measured, slides.limit) == (item.measures.slides, 2)
    per_slide = [f for f in by_code(report, "budget.words_per_slide") if f.audience == "tight"]
    assert all(f.slide and f.measured > 5 for f in per_slide)
    assert [f.slide for f in per_slide] == [
        n for n, w in enumerate(item.measures.slide_words, 1) if w > 5
    ]
    assert report.exit_code() == 1


def test_page_budget_uses_the_layout(tmp_path):
    brief = dict(
        BRIEF,
        sections=[
            {
                "id": f"s{i}",
                "title": f"Section {i}",
                "points": [{"text": "Long point " * 60, "sources": ["report"]}] * 4,
            }
            for i in range(6)
        ],
    )
    root = make_project(tmp_path / "p", {"a": {"formats": ["pdf"], "budget": {"pages": 2}}}, brief)
    report = api.check(root)
    pages = report.items[0].measures.pages
    assert pages > 2
    [finding] = by_code(report, "budget.pages")
    assert (finding.measured, finding.limit) == (pages, 2)
    assert f"{pages} pages" in finding.message


def test_required_sources_point_at_the_line(tmp_path):
    root = make_project(
        tmp_path / "p",
        {
            "strict": {"formats": ["html"], "require_sources": True, "exclude_tags": ["internal"]},
            "lax": {"formats": ["html"]},
        },
    )
    report = api.check(root)
    [finding] = by_code(report, "source.required")
    assert finding.audience == "strict" and finding.severity == "error"
    assert finding.line == line_of(root / "content" / "brief.yaml", "An uncited point")
    assert finding.file.endswith("brief.yaml")
    assert "An uncited point" in finding.message


def test_required_sources_include_hidden_points_only_when_shown(tmp_path):
    root = make_project(tmp_path / "p", {"all": {"formats": ["html"], "require_sources": True}})
    report = api.check(root)
    texts = [f.message for f in by_code(report, "source.required")]
    assert any("Internal only" in t for t in texts)
    assert any("An uncited point" in t for t in texts)


def test_figures_and_uncited_sources(tmp_path):
    root = make_project(tmp_path / "p", {"a": {"formats": ["html"]}})
    report = api.check(root)
    brief = root / "content" / "brief.yaml"
    [alt] = by_code(report, "figure.alt")
    assert "'bars'" in alt.message and alt.line == line_of(brief, "id: bars")
    [caption] = by_code(report, "figure.caption")
    assert "'grid'" in caption.message  # the table has no caption; tables need no alt text
    [uncited] = by_code(report, "source.uncited")
    assert "'unused'" in uncited.message and uncited.line == line_of(brief, "id: unused")
    # Accessibility is required by default: a chart without alt text is an error.
    assert alt.severity == "error" and report.exit_code() == 1


def test_a_chart_without_alt_text_is_a_warning_where_accessibility_is_optional(tmp_path):
    root = make_project(tmp_path / "p", {"a": {"formats": ["html"], "accessibility": "optional"}})
    report = api.check(root)
    [alt] = by_code(report, "figure.alt.optional")
    assert alt.severity == "warning" and not by_code(report, "figure.alt")
    assert report.exit_code() == 0 and report.exit_code(strict=True) == 1


def test_theme_colours_below_wcag_aa_are_named_with_their_ratio(tmp_path):
    gold = {"formats": ["html"], "theme": {"accent": "#D4A017"}}
    brief = json.loads(json.dumps(BRIEF))
    brief["sections"][0]["figures"][0]["alt"] = "Two bars."
    root = make_project(tmp_path / "p", {"gold": gold}, brief)
    report = api.check(root)
    [low] = by_code(report, "theme.contrast")
    assert "accent on the page" in low.message and "#D4A017 on #FFFFFF is 2.4:1" in low.message
    assert low.severity == "error" and low.measured == pytest.approx(2.38, abs=0.01)
    # Text *on* the gold (the banner) is chosen to be readable, so it is not reported.
    assert not [f for f in by_code(report, "theme.contrast") if "banner" in f.message]
    html = (root / "output").exists() or api.build(root).outputs[0].path.read_text("utf-8")
    assert "--on-accent: #1A1A1A" in html


def test_a_theme_logo_without_a_text_alternative_is_reported(tmp_path):
    from PIL import Image

    brief = json.loads(json.dumps(BRIEF))
    brief["sections"][0]["figures"][0]["alt"] = "Two bars."
    audiences = {
        "bare": {"formats": ["html"], "theme": {"logo": "seal.png"}},
        "named": {"formats": ["html"], "theme": {"logo": "seal.png", "logo_alt": "Ministry"}},
        "loose": {"formats": ["html"], "theme": {"logo": "seal.png"}, "accessibility": "optional"},
    }
    root = make_project(tmp_path / "p", audiences, brief)
    Image.new("RGB", (300, 100), (20, 60, 120)).save(root / "seal.png")
    report = api.check(root)
    [error] = by_code(report, "figure.alt")
    assert error.audience == "bare" and "seal.png" in error.message and "logo_alt" in error.message
    [warning] = by_code(report, "figure.alt.optional")
    assert warning.audience == "loose"


def test_the_built_in_themes_pass_contrast(tmp_path):
    root = make_project(tmp_path / "p", {"a": {"formats": ["html"]}, "f": {"template": "formal"}})
    assert not by_code(api.check(root), "theme.contrast")


def test_chart_with_alt_text_is_fine(tmp_path):
    brief = json.loads(json.dumps(BRIEF))
    brief["sections"][0]["figures"][0]["alt"] = "Two bars, b twice a."
    root = make_project(tmp_path / "p", {"a": {"formats": ["html"]}}, brief)
    assert by_code(api.check(root), "figure.alt") == []


def test_empty_section_after_selection(tmp_path):
    root = make_project(
        tmp_path / "p", {"press": {"formats": ["html"], "exclude_tags": ["internal"]}}
    )
    report = api.check(root)
    [empty] = by_code(report, "section.empty")
    assert "'hidden'" in empty.message and empty.audience == "press"
    assert empty.line == line_of(root / "content" / "brief.yaml", "id: hidden")


def test_low_resolution_logo(tmp_path):
    root = make_project(
        tmp_path / "p",
        {
            "small": {"formats": ["pdf"], "theme": {"logo": "small.png"}},
            "big": {"formats": ["pdf"], "theme": {"logo": "big.png"}},
        },
    )
    Image.new("RGB", (120, 40), "navy").save(root / "small.png")
    Image.new("RGB", (1200, 400), "navy").save(root / "big.png")
    report = api.check(root)
    [low] = by_code(report, "image.resolution")
    assert low.audience == "small" and "small.png" in low.message
    # The default set prints the logo at most 40 mm wide and 16 mm high.
    assert 40 <= low.measured < 150 and low.limit == 150


def test_text_that_does_not_fit_names_slide_and_shape(tmp_path):
    brief = json.loads(json.dumps(BRIEF))
    brief["sections"][0]["title"] = " ".join(["Extraordinarily"] * 25)
    root = make_project(tmp_path / "p", {"a": {"formats": ["pptx"]}}, brief)
    report = api.check(root)
    fits = by_code(report, "deck.fit")
    assert fits, codes(report)
    assert all(f.slide and f.shape and f.severity == "error" for f in fits)
    assert any("title" in f.message for f in fits)
    spans = report.items[0].measures.slides
    assert all(1 <= f.slide <= spans for f in fits)


def test_validation_errors_are_findings(tmp_path):
    root = make_project(tmp_path / "p", {"a": {"formats": ["html"]}})
    path = root / "content" / "brief.yaml"
    path.write_text(path.read_text("utf-8").replace("title: Check test brief", "titel: x"))
    report = api.check(root)
    assert report.exit_code() == 1
    assert by_code(report, "validation")
    assert all(f.file.endswith("brief.yaml") and f.line for f in by_code(report, "validation"))


def test_a_broken_template_is_a_finding(tmp_path):
    root = make_project(tmp_path / "p", {"a": {"formats": ["html"]}})
    (root / "templates" / "default").mkdir(parents=True)
    (root / "templates" / "default" / "brief.html.j2").write_text("{% if %}")
    report = api.check(root)
    assert codes(report) == ["input"]
    assert "brief.html.j2" in report.findings[0].message


# ---------------------------------------------------------------- the command


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_exit_codes_and_strict(tmp_path):
    only_warnings = {"formats": ["html"], "accessibility": "optional"}
    root = make_project(tmp_path / "p", {"a": only_warnings})
    result = invoke("-C", str(root), "check")
    assert result.exit_code == 0, result.output  # only warnings
    assert "warning: chart 'bars' has no alt text" in result.output
    assert "0 error(s), 3 warning(s)" in result.output
    assert invoke("-C", str(root), "check", "--strict").exit_code == 1
    quiet = invoke("-C", str(root), "check", "-q")
    assert quiet.output == ""


def test_cli_errors_exit_1_and_usage_2(tmp_path):
    root = make_project(tmp_path / "p", {"a": {"formats": ["html"], "require_sources": True}})
    result = invoke("-C", str(root), "check", "-a", "a")
    assert result.exit_code == 1
    assert re.search(r"brief\.yaml:\d+:\d+: error: \[a\] point without a source", result.output)
    assert invoke("-C", str(root), "check", "-a", "nope").exit_code == 2
    assert invoke("-C", str(tmp_path / "nowhere"), "check").exit_code == 2


def test_cli_json(tmp_path):
    root = make_project(tmp_path / "p", {"a": {"formats": ["pptx"], "budget": {"slides": 1}}})
    result = invoke("-C", str(root), "check", "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.output)
    assert doc["ok"] is False and doc["errors"] >= 1
    [measure] = doc["measures"]
    assert measure["slides"] > 1 and measure["budget"]["slides"] == 1
    finding = next(f for f in doc["findings"] if f["code"] == "budget.slides")
    assert finding["severity"] == "error" and finding["limit"] == 1


def test_build_shows_the_same_findings_as_warnings(tmp_path):
    root = make_project(
        tmp_path / "p",
        {"a": {"formats": ["pptx"], "budget": {"slides": 1}, "require_sources": True}},
    )
    result = api.build(root)
    assert result.exit_code == 0  # a build does not fail on findings
    text = "\n".join(result.warnings)
    assert re.search(r"brief/a: warning: \d+ slides, over the budget of 1", text)
    assert "warning: [a] point without a source" in text
    assert "chart 'bars' has no alt text" in text
    checked = api.check(root)
    assert {f.text("warning") for f in checked.findings} <= set(result.warnings)


# ---------------------------------------------------------------- small parts


@pytest.mark.parametrize(
    ("text", "n"),
    [("", 0), ("one", 1), ("U.S. co-chair of 97,000 mines", 5), ("Baku’s view, in 2008.", 4)],
)
def test_count_words(text, n):
    assert count_words(text) == n
