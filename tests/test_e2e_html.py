"""End to end: the sample's standalone HTML pages."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from support import AUDIENCES, squash

pytestmark = pytest.mark.e2e


class Outline(HTMLParser):
    """Tags, attributes and text of a page, enough to check what it contains."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "style":
            self._skip += 1

    def handle_endtag(self, tag):
        if tag == "style":
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def outline(sample_build, audience: str) -> Outline:
    parser = Outline()
    parser.feed(sample_build.html(audience))
    return parser


@pytest.mark.parametrize("audience", AUDIENCES)
def test_no_scripts_or_event_handlers(sample_build, audience):
    page = outline(sample_build, audience)
    assert "script" not in {tag for tag, _ in page.tags}
    for tag, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("href", "src"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith("javascript:"), (tag, attrs)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_page_is_self_contained(sample_build, audience):
    source = sample_build.html(audience)
    page = outline(sample_build, audience)
    for tag, attrs in page.tags:
        src = attrs.get("src") or ""
        assert not src or src.startswith("data:"), (tag, src)
        if tag == "link":
            pytest.fail(f"external stylesheet or resource: {attrs}")
    assert not re.search(r"url\(\s*['\"]?(https?:|file:|//)", source)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_banner_with_the_audiences_classification(sample_build, audience):
    expected = sample_build.views[audience].classification
    page = outline(sample_build, audience)
    banners = [attrs for tag, attrs in page.tags if "banner" in (attrs.get("class") or "")]
    assert len(banners) >= 2  # top and bottom
    source = sample_build.html(audience)
    found = re.findall(r'<div class="banner[^"]*"[^>]*>([^<]*)</div>', source)
    assert found and all(html.unescape(b) == expected for b in found)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_section_titles_and_title_present(sample_build, audience):
    text = squash(" ".join(outline(sample_build, audience).text))
    view = sample_build.views[audience]
    assert squash(view.title) in text
    for section in view.sections:
        assert squash(section.title) in text


def test_press_page_lacks_internal_points(sample_build):
    press = squash(" ".join(outline(sample_build, "press").text))
    desk = squash(" ".join(outline(sample_build, "desk").text))
    for section in sample_build.brief.sections:
        for point in section.points:
            if {"internal", "sensitive"} & set(point.tags):
                assert squash(point.text.plain) not in press
                assert squash(point.text.plain) in desk


def test_markdown_is_rendered_not_shown(sample_build):
    source = sample_build.html("desk")
    assert "<strong>1992</strong>" in source
    assert "**" not in " ".join(outline(sample_build, "desk").text)
