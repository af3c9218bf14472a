"""What an output may link to and load: the link allowlist and the standalone HTML's policy,
enforced on the parsed document (``briefgen.links``, ``briefgen.render.policy``)."""

from __future__ import annotations

import re

import pytest
from selectolax.lexbor import LexborHTMLParser

from briefgen.links import allowed_link
from briefgen.render.policy import clean_css, content_policy, enforce

SERVER = "http://127.0.0.1:9"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/x",
        "http://example.org",
        "mailto:desk@example.org",
        "#source-1",
        "  HTTPS://EXAMPLE.ORG",
        "\thttps://example.org",
    ],
)
def test_allowed_links(url: str):
    assert allowed_link(url)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "vbscript:x",
        "file:///etc/passwd",
        "smb://host/share",
        "\\\\host\\share\\x.docx",
        "//host/x",
        "data:text/html,<script>1</script>",
        "ms-msdt:/id x",
        "brief.css",
        "../content/b.yaml",
        "",
    ],
)
def test_refused_links(url: str):
    assert not allowed_link(url)


def _tree(html: str):
    return LexborHTMLParser(html)


def test_policy_is_the_first_element_of_head_whatever_the_template_wrote():
    html, removed = enforce(
        "<!-- <head> --><script>1</script><p title='<head>'>x</p><head><title>t</title></head>"
    )
    head = _tree(html).head
    first = head.child
    assert first.tag == "meta" and first.attributes["http-equiv"] == "Content-Security-Policy"
    assert first.attributes["content"] == content_policy()
    assert "<script" not in html and "<script>" in removed


def test_nothing_that_runs_or_fetches_is_left():
    source = f"""<html><head><meta http-equiv="refresh" content="0;url={SERVER}/">
    <link rel="prefetch" href="{SERVER}/p"><link rel="stylesheet" href="{SERVER}/s.css">
    <base href="{SERVER}/"></head><body onload="alert(1)">
    <img src="{SERVER}/i.png" srcset="{SERVER}/2x.png 2x">
    <a href="javascript:1" ping="{SERVER}">a</a>
    <svg><image href="{SERVER}/i.png"/><a xlink:href="javascript:2"><text>t</text></a>
    <rect fill="url({SERVER}/f.svg#p)"/><animate attributeName="href" to="javascript:3"/></svg>
    <iframe srcdoc="<script>4</script>"></iframe><object data="{SERVER}/o"></object>
    <form action="{SERVER}/f"><button formaction="{SERVER}/g">go</button></form>
    <template><script>5</script></template><math href="javascript:6"><mi>m</mi></math>
    <div style="background: url('{SERVER}/d.png')">d</div></body></html>"""
    html, removed = enforce(source)
    assert "127.0.0.1" not in html
    assert not re.search(r"(?i)<(script|iframe|object|form|base|template|animate)\b", html)
    assert not re.search(r"(?i)\son\w+=|javascript:|http-equiv=\"?refresh", html)
    assert len(removed) >= 15


def test_allowed_hosts_may_be_loaded_and_inline_data_always():
    source = (
        '<img alt="" src="https://cdn.example.org/a.png">'
        '<img alt="" src="data:image/png;base64,AA==">'
        '<img alt="" src="https://other.example.org/b.png"><a href="#top">top</a>'
    )
    html, _ = enforce(source, ("cdn.example.org",))
    assert "https://cdn.example.org/a.png" in html and "data:image/png" in html
    assert "other.example.org" not in html and 'href="#top"' in html
    assert "https://cdn.example.org" in _tree(html).head.child.attributes["content"]


def test_clean_html_is_kept_as_the_template_wrote_it():
    source = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title>'
        '<style>@font-face{src:url(data:font/woff2;base64,AAAA)} p::before{content:"\\2013"}'
        "</style></head><body><p>text</p></body></html>"
    )
    html, removed = enforce(source)
    assert removed == []
    assert 'content:"\\2013"' in html  # the stylesheet untouched: no needless re-serializing


@pytest.mark.parametrize(
    "css",
    [
        f"body{{background:url({SERVER}/a.png)}}",
        f'body{{background:url("{SERVER}/a.png")}}',
        f"body{{background:u\\72l({SERVER}/a.png)}}",
        f'@import "{SERVER}/x.css"; p{{}}',
        f"@\\69mport url({SERVER}/x.css);",
        f'p{{background-image:image-set("{SERVER}/a.png" 1x)}}',
        f'/* " */ p{{background:url({SERVER}/a.png)}} /* " */',
    ],
)
def test_css_urls_that_would_fetch_are_replaced(css: str):
    cleaned = clean_css(css, (), stylesheet=True)
    assert cleaned is not None and "127.0.0.1" not in cleaned


def test_css_that_fetches_nothing_is_left_alone():
    css = 'p::before{content:"\\201C url(http://x)"} q{background:url("data:image/png;base64,A")}'
    assert clean_css(css, (), stylesheet=True) is None
