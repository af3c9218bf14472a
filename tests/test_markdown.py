"""Markdown in content fields: escaped, links allowlisted, lists nested, typography."""

from __future__ import annotations

import pytest
from jinja2 import Environment

from briefgen.content.markdown import ListBlock, Markdown, Para, Span, parse


def html(text: str) -> str:
    return Markdown(text).html


def test_raw_html_is_escaped_not_passed_through():
    out = html('<script>alert("x")</script> and <b onclick="x()">bold</b>')
    assert "<script" not in out and "<b" not in out
    assert out == (
        "&lt;script&gt;alert(“x”)&lt;/script&gt; and &lt;b onclick=“x()”&gt;bold&lt;/b&gt;"
    )


def test_html_block_is_escaped_too():
    out = Markdown("<div>\n<img src=x onerror=alert(1)>\n</div>").html
    assert "<div" not in out and "<img" not in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out


def test_entities_stay_text():
    assert html("&lt;b&gt; &amp; &copy;") == "&lt;b&gt; &amp; ©"
    assert Markdown("&lt;b&gt;").plain == "<b>"


@pytest.mark.parametrize(
    "link",
    [
        "[click](javascript:alert(1))",
        "[click](JavaScript:alert(1))",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html,<script>x</script>)",
        "[click](file:///etc/passwd)",
        "[click](/etc/passwd)",
        "<javascript:alert(1)>",
    ],
)
def test_disallowed_links_stay_plain_text(link):
    out = html(link)
    assert "<a" not in out
    assert "href" not in out
    blocks = parse(link)
    assert all(s.href is None for b in blocks if isinstance(b, Para) for s in b.spans)


@pytest.mark.parametrize(
    "source, href",
    [
        ("[site](https://example.org/a?b=1&c=2)", "https://example.org/a?b=1&amp;c=2"),
        ("[plain](http://example.org)", "http://example.org"),
        ("[mail](mailto:desk@example.org)", "mailto:desk@example.org"),
        ("[below](#sources)", "#sources"),
        ("<https://example.org/auto>", "https://example.org/auto"),
    ],
)
def test_allowed_links_are_kept(source, href):
    assert f'<a href="{href}">' in html(source)


def test_link_text_is_escaped_and_href_quotes_cannot_break_out():
    out = html('[<b>x</b>](https://example.org/"onmouseover="alert(1))')
    assert out.count('"') == 2  # only the href's own quotes
    assert "&lt;b&gt;x&lt;/b&gt;" in out


def test_lists_nest():
    blocks = parse("- energy\n  - BTC\n    - Ceyhan\n- security\n\n1. first\n2. second")
    outer, ordered = blocks
    assert isinstance(outer, ListBlock) and not outer.ordered
    assert len(outer.items) == 2
    first_item = outer.items[0]
    assert first_item[0] == Para((Span("energy"),))
    inner = first_item[1]
    assert isinstance(inner, ListBlock)
    assert isinstance(inner.items[0][1], ListBlock)
    assert inner.items[0][1].items[0] == (Para((Span("Ceyhan"),)),)
    assert isinstance(ordered, ListBlock) and ordered.ordered
    assert Markdown("- a\n  - b\n- c").html == (
        "<ul><li><p>a</p><ul><li>b</li></ul></li><li>c</li></ul>"
    )
    assert Markdown("- a\n  - b\n- c").plain == "• a\n  • b\n• c"


def test_smart_quotes_and_typography():
    assert Markdown("\"Shah Deniz\" is Baku's -- not 'ours'...").plain == (
        "“Shah Deniz” is Baku’s – not ‘ours’…"
    )


def test_emphasis_becomes_styled_spans():
    (para,) = parse("**bold** and *italic* and `code`")
    assert para.spans == (
        Span("bold", bold=True),
        Span(" and "),
        Span("italic", italic=True),
        Span(" and "),
        Span("code", code=True),
    )
    assert html("**a** *b* `c`") == "<strong>a</strong> <em>b</em> <code>c</code>"


def test_headings_code_blocks_and_images_do_not_become_markup():
    assert html("# Not a heading") == "# Not a heading"
    assert "<pre" not in html("    indented code")
    assert html("![a map](https://example.org/map.png)") == "a map"  # never fetched


def test_hard_break_and_paragraphs():
    assert html("one  \ntwo") == "one<br>two"
    assert html("one\n\ntwo") == "<p>one</p><p>two</p>"


def test_markdown_is_still_the_source_string():
    m = Markdown("**Energy** first")
    assert m == "**Energy** first"
    assert isinstance(m, str)
    assert m.plain == "Energy first"


def test_jinja_autoescape_uses_the_sanitized_html():
    env = Environment(autoescape=True)
    out = env.from_string("<p>{{ text }}</p>").render(text=Markdown("**a** <i>b</i>"))
    assert out == "<p><strong>a</strong> &lt;i&gt;b&lt;/i&gt;</p>"


def test_azerbaijani_letters_pass_through():
    assert Markdown("Şahdəniz, Ağdam, İlham, Gürcüstan").plain == (
        "Şahdəniz, Ağdam, İlham, Gürcüstan"
    )


@pytest.mark.parametrize("source", ["&#13; word", "a&#10;b", "bell&#7;here", "x&#x0D;y"])
def test_character_references_cannot_put_control_characters_into_text(source: str):
    """Found by test_properties: ``&#13;`` decoded to a carriage return after the loader had
    cleaned the field, and the deck's text measurer (raqm) failed on it."""
    text = "".join(s.text for block in parse(source) for s in block.spans)
    assert not any(ch in text for ch in "\r\n\x07")
