"""Briefs in the brief's language (issue 15, the localization part): labels from each
template set's message catalogues, dates in the language (Babel), Azerbaijani upper case,
an unknown language refused with the known ones listed, and a project's own catalogue."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import cli
from briefgen.messages import catalogue, known_languages, long_date, upper
from briefgen.templates import load_set

SCENARIO = Path(__file__).resolve().parent / "fixtures" / "scenario"


def _project(tmp_path: Path, config: str, en_messages: str | None = None) -> Path:
    """The scenario brief in a new project with ``config``, and optionally the project's
    own English catalogue for the default set."""
    root = tmp_path / "p"
    shutil.copytree(SCENARIO, root, ignore=shutil.ignore_patterns("output"))
    (root / "briefgen.yaml").write_text(config)
    if en_messages is not None:
        own = root / "templates" / "default" / "messages"
        own.mkdir(parents=True)
        (own / "en.yaml").write_text(en_messages)
    return root


def _pdf_text(path: Path) -> str:
    import pypdf

    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def _titles(path: Path) -> list[str]:
    from pptx import Presentation

    return [s.shapes.title.text_frame.text for s in Presentation(str(path)).slides]


def test_the_built_in_sets_know_english_azerbaijani_and_russian():
    for name in ("default", "formal"):
        tset = load_set(name, None)
        assert known_languages(tset) == ["az", "en", "ru"]
        english = catalogue(tset, "en")
        for lang in ("az", "ru"):  # every label is translated
            translated = catalogue(tset, lang)
            assert set(translated) == set(english)
            assert not [k for k in english if k != "date_format" and translated[k] == english[k]]


def test_a_regional_tag_falls_back_to_its_language():
    assert catalogue(load_set("default", None), "en-GB")["sources"] == "Sources"


@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "23 November 2026"), ("az", "23 noyabr 2026"), ("ru", "23 ноября 2026 г.")],
)
def test_dates_are_written_in_the_language(lang, text):
    import datetime as dt

    pattern = catalogue(load_set("default", None), lang)["date_format"]
    assert long_date(dt.date(2026, 11, 23), lang, pattern) == text
    assert long_date("June 2021", lang, pattern) == "June 2021"  # a label stays as written


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [("az", "istiqamət", "İSTİQAMƏT"), ("az", "qısa", "QISA"), ("en", "brief", "BRIEF")],
)
def test_upper_case_follows_the_language(lang, text, expected):
    assert upper(text, lang) == expected


@pytest.mark.e2e
def test_the_sample_azerbaijani_version_is_made_by_its_config(sample_build):
    out = sample_build.root / "output" / "us-azerbaijan"
    text = _pdf_text(out / "baku.pdf")
    for label in ("ƏSAS NƏTİCƏ", "Əsas mesajlar", "Xronologiya", "Mənbələr", "23 noyabr 2026"):
        assert label in text, label
    assert "Bottom line" not in text and "Key messages" not in text
    titles = _titles(out / "baku.pptx")
    assert {"Gündəlik", "Əsas mesajlar", "Xronologiya", "Mənbələr", "Əsas nəticə"} <= set(titles)
    assert '<html lang="az">' in (out / "baku.html").read_text("utf-8")


@pytest.mark.e2e
@pytest.mark.parametrize("template", ["default", "formal"])
def test_a_russian_version_has_russian_labels_dates_and_continuations(tmp_path, template):
    from briefgen.api import build

    root = tmp_path / "ru"
    shutil.copytree(SCENARIO, root, ignore=shutil.ignore_patterns("output"))
    (root / "briefgen.yaml").write_text(
        f"audiences:\n  moscow: {{title: Москва, lang: ru, template: {template}}}\n"
    )
    result = build(root)
    assert not result.failed
    out = root / "output" / "caspian-energy"
    text = _pdf_text(out / "moscow.pdf")
    assert "30 ноября 2026 г." in text and "Источники" in text and "Хронология" in text
    titles = _titles(out / "moscow.pptx")
    assert "Источники" in titles and "Хронология" in titles
    assert any(t.endswith(": цитаты") for t in titles)
    from pptx import Presentation

    alts = [
        shape._element.xpath("./*[1]/p:cNvPr/@descr")[0]
        for slide in Presentation(str(out / "moscow.pptx")).slides
        for shape in slide.shapes
        if shape.name == "Table contracts"
    ]
    assert alts and alts[0].startswith("Таблица: ")


def test_an_unknown_language_is_refused_with_the_known_ones(tmp_path):
    root = _project(tmp_path, "audiences:\n  paris: {lang: fr}\n")
    result = CliRunner().invoke(cli, ["-C", str(root), "build"])
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert re.match(r"\S*briefgen\.yaml:2:\d+: audiences\.paris\.lang: ", line), line
    assert "'fr'" in line and "az, en, ru" in line
    assert "Traceback" not in result.output
    assert not (root / "output" / "caspian-energy").exists()


def test_a_briefs_own_unknown_language_is_refused_naming_the_brief(tmp_path):
    root = _project(tmp_path, "audiences:\n  all: {formats: [html]}\n")
    brief = root / "content" / "caspian-energy.yaml"
    brief.write_text(
        brief.read_text("utf-8").replace("date: 2026-11-30", "date: 2026-11-30\nlang: de", 1)
    )
    result = CliRunner().invoke(cli, ["-C", str(root), "build"])
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert "caspian-energy.yaml" in line and "'de'" in line and "az, en, ru" in line


def test_a_project_rewords_a_label_with_its_own_catalogue(tmp_path):
    from briefgen.api import build

    root = _project(
        tmp_path, "audiences:\n  all: {formats: [pptx]}\n", 'bottom_line: "The upshot"\n'
    )
    build(root)
    titles = _titles(root / "output" / "caspian-energy" / "all.pptx")
    assert titles[-1] == "The upshot" and "Sources" in titles  # other labels inherited


def test_a_broken_catalogue_is_a_one_line_error_naming_the_file(tmp_path):
    root = _project(
        tmp_path, "audiences:\n  all: {formats: [html]}\n", "bottom_line: [not, text]\n"
    )
    result = CliRunner().invoke(cli, ["-C", str(root), "build"])
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert "messages/en.yaml" in line and "Traceback" not in result.output
