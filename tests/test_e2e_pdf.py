"""End to end: the sample's PDF briefs, read back with pypdf, page by page."""

from __future__ import annotations

import re

import pytest
from support import AUDIENCES, squash

pytestmark = pytest.mark.e2e


def all_text(sample_build, audience: str) -> str:
    return squash("".join(sample_build.pdf_pages(audience)))


def test_the_build_wrote_every_audience_and_format(sample_build):
    written = {(o.audience, o.format) for o in sample_build.result.outputs if o.status == "written"}
    assert written == {(a, f) for a in AUDIENCES for f in ("pdf", "pptx", "html", "docx")}
    assert sample_build.result.exit_code == 0
    for audience in AUDIENCES:
        data = sample_build.path(audience, "pdf").read_bytes()
        assert data.startswith(b"%PDF-")
        pages = next(
            o.pages
            for o in sample_build.result.outputs
            if (o.audience, o.format) == (audience, "pdf")
        )
        assert pages == len(sample_build.pdf_pages(audience)) >= 2


@pytest.mark.parametrize("audience", AUDIENCES)
def test_classification_banner_is_on_every_page_top_and_bottom(sample_build, audience):
    banner = sample_build.views[audience].classification
    reader = sample_build.pdf_reader(audience)
    for number, page in enumerate(reader.pages, start=1):
        top = float(page.mediabox.top)
        found: list[float] = []

        def visit(text, cm, tm, font, size, found=found):
            if text.strip() == banner:
                found.append(cm[3] * tm[5] + cm[5])  # y on the page, in points

        page.extract_text(visitor_text=visit)
        assert any(y > top * 0.9 for y in found), f"page {number}: no banner at the top"
        assert any(y < top * 0.1 for y in found), f"page {number}: no banner at the bottom"


def test_press_banner_says_public(sample_build):
    for text in sample_build.pdf_pages("press"):
        assert text.count("UNCLASSIFIED // PUBLIC") >= 2


@pytest.mark.parametrize("audience", AUDIENCES)
def test_pages_are_numbered_n_of_total(sample_build, audience):
    pages = sample_build.pdf_pages(audience)
    for number, text in enumerate(pages, start=1):
        assert re.search(rf"(?<!\d){number} / {len(pages)}(?!\d)", text), f"page {number}"


@pytest.mark.parametrize("audience", AUDIENCES)
def test_title_and_every_section_title_of_the_audience_are_present(sample_build, audience):
    text = all_text(sample_build, audience)
    view = sample_build.views[audience]
    assert squash(view.title) in text
    for section in view.sections:
        assert squash(section.title) in text, section.title


def test_press_lacks_the_internal_and_sensitive_points_the_desk_version_has(sample_build):
    press, desk = all_text(sample_build, "press"), all_text(sample_build, "desk")
    hidden = [
        point
        for section in sample_build.brief.sections
        for point in section.points
        if {"internal", "sensitive"} & set(point.tags)
    ]
    hidden += [
        k for k in sample_build.brief.key_messages if {"internal", "sensitive"} & set(k.tags)
    ]
    assert len(hidden) >= 8  # the sample makes the audiences differ visibly
    for point in hidden:
        text = squash(point.text.plain)
        assert text in desk, point.text
        assert text not in press, point.text


def test_press_lacks_hidden_figures_and_timeline_entries(sample_build):
    press, desk = all_text(sample_build, "press"), all_text(sample_build, "desk")
    brief = sample_build.brief
    figures = [
        f for s in brief.sections for f in s.figures if {"internal", "sensitive"} & set(f.tags)
    ]
    events = [e for e in brief.timeline if {"internal", "sensitive"} & set(e.tags)]
    assert figures and events
    for figure in figures:
        assert squash(figure.title) in desk and squash(figure.title) not in press
    for event in events:
        assert squash(event.event.plain) in desk and squash(event.event.plain) not in press


def test_executive_has_at_most_three_points_per_section_and_no_details(sample_build):
    text = all_text(sample_build, "executive")
    view = sample_build.views["executive"]
    project = sample_build.project
    audience = project.audiences["executive"]
    assert audience.max_points == 3
    from briefgen.audience import visible

    for brief_section, section in zip(sample_build.brief.sections, view.sections, strict=True):
        assert len(section.points) <= 3
        eligible = [p for p in brief_section.points if visible(p.tags, audience)]
        for point in eligible[:3]:
            assert squash(point.text.plain) in text
        for point in eligible[3:]:  # cut by max_points
            assert squash(point.text.plain) not in text, point.text
        for point in brief_section.points:
            if point.detail:
                assert squash(point.detail.plain) not in text, point.detail


def test_desk_shows_point_details(sample_build):
    text = all_text(sample_build, "desk")
    details = [p.detail for s in sample_build.brief.sections for p in s.points if p.detail]
    assert details
    for detail in details:
        assert squash(detail.plain) in text


def test_azerbaijani_letters_survive_into_the_pdf_text(sample_build):
    text = all_text(sample_build, "desk")
    for word in ("Şahdəniz", "Dağlıq", "Qarabağ", "Ağdam", "İşlər", "Gürcüstan"):
        assert squash(word) in text


def test_sources_are_numbered_as_the_audience_sees_them(sample_build):
    for audience in AUDIENCES:
        view = sample_build.views[audience]
        assert [s.number for s in view.sources] == list(range(1, len(view.sources) + 1))
        text = all_text(sample_build, audience)
        for source in view.sources:
            assert squash(source.title) in text
