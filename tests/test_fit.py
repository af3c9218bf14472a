"""Measuring and fitting deck text (briefgen/render/deck/fit.py): wrap, lines, paginate,
best_size. No python-pptx here: the same measurements the builder and ``check`` use."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.content.markdown import Markdown
from briefgen.render.deck import measurer_for
from briefgen.render.deck.fit import (
    Box,
    Group,
    Measurer,
    Paragraph,
    Run,
    best_size,
    fit_line,
    fits,
    height,
    paginate,
    paragraphs_from,
)
from briefgen.templates import builtin_dir, load_set

WORDS = [
    "Azerbaijan",
    "and",
    "the",
    "United",
    "States",
    "work",
    "together",
    "to",
    "promote",
    "European",
    "energy",
    "security",
    "through",
    "the",
    "Baku–Tbilisi–Ceyhan",
    "and",
    "Shah",
    "Deniz",
    "pipelines",
]


@pytest.fixture(scope="module")
def m() -> Measurer:
    """The default set's measurer: Carlito, metric-compatible with the deck's Calibri."""
    return measurer_for(load_set("default", None))


def para(text: str, **kw) -> Paragraph:
    return Paragraph((Run(text),), **kw)


def text_of(paragraphs) -> str:
    return " ".join(" ".join(p.text.split()) for p in paragraphs)


# ---------------------------------------------------------------- measuring and wrapping


def test_width_scales_with_size_and_bold_is_wider(m: Measurer):
    w10, w20 = m.width("Energy security", 10), m.width("Energy security", 20)
    assert w20 == pytest.approx(2 * w10)
    assert m.width("Energy security", 20, bold=True) > w20
    assert m.width("", 20) == 0


def test_line_height_is_single_spacing(m: Measurer):
    assert m.line_height(20) == pytest.approx(20 * m.height_ratio * 1.2)


def test_wrap_keeps_every_word_and_each_line_fits(m: Measurer):
    text = " ".join(WORDS * 3)
    lines = m.wrap([Run(text)], 20, 300)
    assert len(lines) > 3
    assert " ".join(lines).split() == text.split()
    for line in lines:
        assert m.width(line, 20) <= 300
    assert m.lines([Run(text)], 20, 300) == len(lines)


def test_wrap_breaks_a_word_longer_than_the_line(m: Measurer):
    word = "Baku–Tbilisi–Ceyhan" * 6
    lines = m.wrap([Run(word)], 20, 120)
    assert "".join(lines) == word
    assert all(m.width(line, 20) <= 120 for line in lines)
    assert len(lines) > 1


def test_wrap_honours_hard_breaks_and_mixed_runs(m: Measurer):
    runs = [Run("Bold start ", bold=True), Run("then plain"), Run("\n"), Run("next line")]
    assert m.wrap(runs, 12, 1000) == ["Bold start then plain", "next line"]


def test_narrower_box_needs_more_lines(m: Measurer):
    runs = [Run(" ".join(WORDS))]
    assert m.lines(runs, 20, 200) > m.lines(runs, 20, 400) > m.lines(runs, 20, 2000) == 1


def test_measurer_for_a_set_without_metric_fonts_uses_carlito_with_a_margin():
    fonts = builtin_dir() / "default" / "fonts"
    exact = Measurer((fonts / "Carlito-Regular.ttf").read_bytes())
    padded = Measurer((fonts / "Carlito-Regular.ttf").read_bytes(), scale=1.1)
    assert padded.width("Energy", 20) == pytest.approx(exact.width("Energy", 20) * 1.1)


# ---------------------------------------------------------------- heights and best size


def test_height_adds_lines_and_space_between_paragraphs(m: Measurer):
    box = Box(400, 1000)
    one = height(m, [para("short", bullet=False)], 20, box)
    two = height(m, [para("short", bullet=False), para("short", bullet=False)], 20, box)
    assert one == pytest.approx(m.line_height(20))
    assert two == pytest.approx(2 * m.line_height(20) + 20 * 0.55)


def test_indent_narrows_the_line(m: Measurer):
    text = " ".join(WORDS)
    box = Box(m.width(text, 20) + 1, 1000, indent=27)
    assert height(m, [para(text, bullet=False)], 20, box) == pytest.approx(m.line_height(20))
    assert height(m, [para(text, level=1)], 20, box) > m.line_height(20)


def test_best_size_is_the_largest_size_that_fits(m: Measurer):
    paragraphs = [para(" ".join(WORDS)) for _ in range(4)]
    box = Box(500, 200)
    size = best_size(m, paragraphs, box, 28, 8)
    assert size is not None and 8 <= size < 28
    assert fits(m, paragraphs, size, box)
    assert not fits(m, paragraphs, size + 1, box)


def test_best_size_is_the_largest_allowed_when_everything_fits(m: Measurer):
    assert best_size(m, [para("Short.")], Box(500, 200), 24, 12) == 24


def test_best_size_is_none_when_nothing_fits(m: Measurer):
    paragraphs = [para(" ".join(WORDS * 4)) for _ in range(10)]
    assert best_size(m, paragraphs, Box(300, 100), 20, 14) is None


def test_fit_line_respects_max_lines(m: Measurer):
    title = "Trade, Investment and Euro-Atlantic Ties in the South Caucasus"
    box = Box(300, 500)
    size, over = fit_line(m, title, box, 40, 12, bold=True, max_lines=2)
    assert not over
    assert m.lines([Run(title, bold=True)], size, 300) <= 2
    assert m.lines([Run(title, bold=True)], size + 1, 300) > 2


# ---------------------------------------------------------------- pagination


def test_short_content_stays_on_one_page_at_the_largest_size(m: Measurer):
    pages = paginate(m, [Group([para("One.")]), Group([para("Two.")])], Box(600, 300), 20, 14)
    assert len(pages) == 1
    assert pages[0].size == 20 and not pages[0].overflow


def test_long_content_splits_into_pages_that_each_fit(m: Measurer):
    box = Box(600, 300)
    groups = [Group([para(f"Point {i}: " + " ".join(WORDS))]) for i in range(14)]
    pages = paginate(m, groups, box, 20, 14)
    assert len(pages) > 1
    for page in pages:
        assert 14 <= page.size <= 20
        assert not page.overflow
        assert height(m, page.paragraphs, page.size, box) <= box.height
    assert [p.text for page in pages for p in page.paragraphs] == [
        g.paragraphs[0].text for g in groups
    ]


def test_groups_stay_together(m: Measurer):
    box = Box(600, 250)
    groups = [
        Group([para(f"Bullet {i} " + " ".join(WORDS[:8])), para("its sub-bullet", level=1)])
        for i in range(10)
    ]
    pages = paginate(m, groups, box, 20, 14)
    assert len(pages) > 1
    for page in pages:
        assert page.paragraphs[0].level == 0  # never starts with an orphaned sub-bullet
        assert page.paragraphs[-1].level == 1  # never ends before a bullet's sub-bullet


def test_a_split_is_balanced_not_a_full_page_and_a_lone_point(m: Measurer):
    """Five points just too many for one slide run 3 + 2, not 4 + 1 on a "(cont.)" slide."""
    box = Box(600, 300)
    groups = [Group([para(f"Point {i}: " + " ".join(WORDS[:14]))]) for i in range(5)]
    one_page = height(m, [p for g in groups for p in g.paragraphs], 17, box)
    box = Box(600, one_page * 0.85)  # too tall for one page even at the packing size
    pages = paginate(m, groups, box, 20, 14)
    assert [len(page.paragraphs) for page in pages] == [3, 2]
    assert all(not page.overflow for page in pages)


def test_empty_groups_do_not_upset_a_split(m: Measurer):
    """A point whose Markdown renders to nothing is an empty group (pathological input)."""
    box = Box(600, 200)
    groups = [Group([])] + [
        g for i in range(8) for g in (Group([para(f"Point {i}: " + " ".join(WORDS))]), Group([]))
    ]
    pages = paginate(m, groups, box, 20, 14)
    assert len(pages) > 1
    assert [p.text for page in pages for p in page.paragraphs] == [
        g.paragraphs[0].text for g in groups if g.paragraphs
    ]


def test_a_paragraph_too_tall_for_any_box_is_split_between_words(m: Measurer):
    box = Box(300, 120)
    text = " ".join(WORDS * 8)
    pages = paginate(m, [Group([para(text)])], box, 20, 14)
    assert len(pages) > 1
    assert text_of(p for page in pages for p in page.paragraphs) == text
    for page in pages:
        assert fits(m, page.paragraphs, page.size, box)
    continued = [page.paragraphs[0] for page in pages[1:]]
    assert all(not p.bullet for p in continued)  # continuation pieces carry no bullet


@settings(max_examples=40, deadline=None, database=None)
@given(
    counts=st.lists(st.integers(min_value=1, max_value=60), min_size=1, max_size=15),
    width=st.integers(min_value=150, max_value=800),
    box_height=st.integers(min_value=80, max_value=400),
)
def test_paginate_never_loses_text_and_every_page_fits(counts, width, box_height):
    m = measurer_for(load_set("default", None))
    box = Box(width, box_height)
    groups = [Group([para(" ".join(WORDS[i % len(WORDS)] for i in range(n)))]) for n in counts]
    pages = paginate(m, groups, box, 20, 14)
    assert text_of(p for page in pages for p in page.paragraphs) == text_of(
        g.paragraphs[0] for g in groups
    )
    for page in pages:  # words of these lengths always fit a line: nothing may overflow
        assert not page.overflow and fits(m, page.paragraphs, page.size, box)


# ---------------------------------------------------------------- Markdown to paragraphs


def test_paragraphs_from_markdown_nests_lists_and_appends_citations():
    from briefgen.render.deck.fit import cite_run

    md = Markdown("**Energy** first\n\n- sub one\n  - deeper")
    paragraphs = paragraphs_from(md.blocks, extra=cite_run([1, 2]))
    assert [(p.level, p.text) for p in paragraphs] == [
        (0, "Energy first\u00a0[1,\u00a02]"),  # no-break spaces: the citation stays put
        (1, "sub one"),
        (2, "deeper"),
    ]
    assert paragraphs[0].runs[0] == Run("Energy", bold=True)
    assert paragraphs[0].runs[-1].superscript
    assert paragraphs[2].scale == pytest.approx(0.81)
    assert cite_run([]) == ()


@pytest.mark.parametrize("text", ["\r word", "a\u2028b", "one\vtwo", "cell\r\nrow"])
def test_line_breaks_of_any_kind_are_measured_line_by_line(m: Measurer, text: str):
    """raqm fails on line-ending characters ("raqm_layout() failed"): a carriage return in a
    slide title or bullet must be measured, not crash the deck."""
    widest = max(m.width(part, 12) for part in re.split("[\r\n\v\u2028]", text))
    assert m.width(text, 12) == pytest.approx(widest)


SENTENCES = [
    "Our history of shared relationships with Azerbaijan is a long and fruitful one.",
    "The U.S. supports the BTC pipeline as one example of that cooperation.",
    "Greater interconnectivity maximizes diverse sources and routes for everyone.",
    "It ensures better market pricing and protects against supply disruptions.",
    "Mr. Burns said so in Baku, and he said it again in Washington in 2008.",
]


def test_a_long_paragraph_is_cut_between_sentences_not_mid_sentence(m: Measurer):
    text = " ".join(SENTENCES * 2)
    box = Box(330, 110)
    pages = paginate(m, [Group([para(text)])], box, 20, 16)
    assert len(pages) > 2
    pieces = [page.paragraphs[0].text.strip() for page in pages]
    assert " ".join(pieces) == text
    for piece in pieces:  # each piece is whole sentences ("U.S." and "Mr." end none)
        assert piece.endswith(".") and piece[0].isupper(), piece
        assert not piece.startswith(("S. ", "Burns"))
    for page in pages:
        assert len(page.paragraphs) == 1 and fits(m, page.paragraphs, page.size, box)


def test_a_sentence_too_long_for_a_box_is_cut_at_its_clauses(m: Measurer):
    text = (
        "the spreading dangers of weapons of mass destruction; new and more malignant forms "
        "of terrorism; unresolved regional and sectarian conflicts; failed and failing "
        "states; global economic dislocation; and transnational health, energy, and "
        "environmental concerns are not aberrations, but a new reality in the 21st century."
    )
    box = Box(250, 90)
    pages = paginate(m, [Group([para(text)])], box, 18, 16)
    pieces = [page.paragraphs[0].text.strip() for page in pages]
    assert " ".join(pieces) == text and len(pieces) > 2
    assert all(piece.endswith((";", ",", ".")) for piece in pieces), pieces


def test_an_item_that_fits_smaller_is_shrunk_on_its_own_slide_not_cut(m: Measurer):
    text = " ".join(SENTENCES[:3])
    wide = Box(420, 1000)
    low, high = height(m, [para(text)], 14, wide), height(m, [para(text)], 18, wide)
    box = Box(420, (low + high) / 2)  # fits at 14 pt, not at the middle size (18 pt)
    short = para("A short point.")
    pages = paginate(m, [Group([short]), Group([para(text)])], box, 22, 14)
    assert [[p.text for p in page.paragraphs] for page in pages] == [[short.text], [text]]
    assert pages[1].size < 18 and not pages[1].overflow


def test_an_attribution_is_never_alone_and_pieces_never_share_a_slide(m: Measurer):
    """A quote cut over slides ends with its last piece and its attribution together, and
    no slide holds two pieces of the quote (they would read as two paragraphs)."""
    quote = Paragraph((Run("“" + " ".join(SENTENCES * 3) + "”"),), bullet=False)
    credit = Paragraph(
        (Run("— William J. Burns, Under Secretary of State, 19 February 2008"),),
        scale=0.6,
        bullet=False,
    )
    for box in (Box(330, 110), Box(300, 150), Box(500, 90)):
        pages = paginate(m, [Group([quote, credit], keep_last=True)], box, 30, 16)
        assert len(pages) > 1
        assert pages[-1].paragraphs[-1] == credit and len(pages[-1].paragraphs) == 2
        assert all(len(page.paragraphs) == 1 for page in pages[:-1])
        joined = " ".join(page.paragraphs[0].text.strip() for page in pages)
        assert joined == quote.text
        for page in pages:
            assert fits(m, page.paragraphs, page.size, box)
