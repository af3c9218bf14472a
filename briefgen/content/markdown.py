"""Markdown in content fields: parsed once into a small rich-text model both renderers share.

markdown-it-py does the parsing, with raw HTML off and a link-scheme allowlist, so nothing a
colleague types can become markup. The result is a tree of paragraphs, lists and styled
spans; the HTML renderer and the deck builder both read that tree, so the PDF and the slides
always say the same thing in the same emphasis.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from html import escape

from markdown_it import MarkdownIt
from markdown_it.token import Token

from briefgen.content.yamlsource import clean_text
from briefgen.links import allowed_link

MAX_NESTING = 12


@dataclass(frozen=True)
class Span:
    """A run of text with one set of styles; ``href`` is an allowed link target or None."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str | None = None


@dataclass(frozen=True)
class Para:
    """A paragraph: spans, where a span of text ``"\\n"`` is a hard line break."""

    spans: tuple[Span, ...]

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True)
class ListBlock:
    """A bulleted or numbered list; each item is a tuple of blocks."""

    ordered: bool
    items: tuple[tuple[Para | ListBlock, ...], ...]


Block = Para | ListBlock


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": True, "maxNesting": MAX_NESTING})
    md.enable(["replacements", "smartquotes"])
    # Briefs have structure in YAML, not in Markdown: headings, code blocks, rules and
    # block quotes inside a field would fight the templates, so they read as paragraphs.
    md.disable(
        [
            "heading",
            "lheading",
            "code",
            "fence",
            "hr",
            "blockquote",
            "html_block",
            "html_inline",
            "reference",
        ]
    )
    md.validateLink = allowed_link  # anything else stays literal text
    return md


_MD = _parser()


_SEPARATORS = str.maketrans({"\u2028": "\n", "\u2029": "\n\n"})


@lru_cache(maxsize=8192)
def parse(source: str) -> tuple[Block, ...]:
    """Markdown source -> blocks. Cached: the same text is parsed once per process.

    Unicode's line and paragraph separators are read as a line break and a blank line:
    left in the text, PowerPoint and the deck's text measurer (Pillow with raqm, which
    fails on them) would each read them their own way.
    """
    return _Builder(_MD.parse(source.translate(_SEPARATORS))).blocks()


class _Builder:
    """Walks markdown-it's flat token stream and nests it into blocks."""

    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.pos = 0

    def blocks(self, until: str | None = None) -> tuple[Block, ...]:
        out: list[Block] = []
        while self.pos < len(self.tokens):
            tok = self.tokens[self.pos]
            self.pos += 1
            if tok.type == until:
                break
            if tok.type == "inline":
                spans = _spans(tok.children or [])
                if spans:
                    out.append(Para(spans))
            elif tok.type in ("bullet_list_open", "ordered_list_open"):
                out.append(self._list(tok.type.replace("_open", "_close")))
        return tuple(out)

    def _list(self, close: str) -> ListBlock:
        items: list[tuple[Block, ...]] = []
        while self.pos < len(self.tokens):
            tok = self.tokens[self.pos]
            self.pos += 1
            if tok.type == close:
                break
            if tok.type == "list_item_open":
                items.append(self.blocks(until="list_item_close"))
        return ListBlock(close.startswith("ordered"), tuple(items))


def _spans(children: list[Token]) -> tuple[Span, ...]:
    """Inline tokens -> spans, merging neighbours with the same style."""
    out: list[Span] = []
    style = Span("")
    for tok in children:
        kind = tok.type
        if kind == "strong_open":
            style = replace(style, bold=True)
        elif kind == "strong_close":
            style = replace(style, bold=False)
        elif kind == "em_open":
            style = replace(style, italic=True)
        elif kind == "em_close":
            style = replace(style, italic=False)
        elif kind == "link_open":
            style = replace(style, href=str(tok.attrs.get("href", "")) or None)
        elif kind == "link_close":
            style = replace(style, href=None)
        elif kind in ("text", "code_inline", "image"):
            text = tok.content if kind != "image" else _image_alt(tok)
            _append(out, replace(style, text=_decoded(text), code=kind == "code_inline"))
        elif kind == "softbreak":
            _append(out, replace(style, text=" "))
        elif kind == "hardbreak":
            _append(out, replace(style, text="\n"))
    return tuple(s for s in out if s.text)


# What a character reference (``&#13;``, ``&#7;``) can put into text after the loader cleaned
# it: line ends become spaces (breaks are their own tokens), other controls go.
_LINE_ENDS = str.maketrans({"\r": " ", "\n": " "})


def _decoded(text: str) -> str:
    """Text of a span as the renderers may take it: markdown-it decodes numeric character
    references, so ``&#13;`` in a field arrives here as a carriage return, which the
    loader's control-character cleaning never saw (and raqm, measuring deck text, fails on)."""
    return clean_text(text.translate(_LINE_ENDS))


def _image_alt(tok: Token) -> str:
    """Images in text fields are not fetched: they read as their alt text."""
    return "".join(child.content for child in tok.children or []) or ""


def _append(out: list[Span], span: Span) -> None:
    if (
        out
        and replace(out[-1], text="") == replace(span, text="")
        and span.text != "\n"
        and out[-1].text != "\n"
    ):
        out[-1] = replace(out[-1], text=out[-1].text + span.text)
    else:
        out.append(span)


def spans_html(spans: tuple[Span, ...]) -> str:
    """Spans -> escaped HTML."""
    parts = []
    for s in spans:
        if s.text == "\n":
            parts.append("<br>")
            continue
        html = escape(s.text, quote=False)
        if s.code:
            html = f"<code>{html}</code>"
        if s.italic:
            html = f"<em>{html}</em>"
        if s.bold:
            html = f"<strong>{html}</strong>"
        if s.href:
            html = f'<a href="{escape(s.href)}">{html}</a>'
        parts.append(html)
    return "".join(parts)


def blocks_html(blocks: tuple[Block, ...], *, tight: bool = True) -> str:
    """Blocks -> HTML. ``tight``: a lone paragraph is emitted without ``<p>``, to sit inline."""
    if tight and len(blocks) == 1 and isinstance(blocks[0], Para):
        return spans_html(blocks[0].spans)
    out = []
    for block in blocks:
        if isinstance(block, Para):
            out.append(f"<p>{spans_html(block.spans)}</p>")
        else:
            tag = "ol" if block.ordered else "ul"
            items = "".join(f"<li>{blocks_html(item)}</li>" for item in block.items)
            out.append(f"<{tag}>{items}</{tag}>")
    return "".join(out)


def blocks_text(blocks: tuple[Block, ...]) -> str:
    """Blocks -> plain text (list items on their own lines), for word counts and notes."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Para):
            lines.append(block.text)
        else:
            for item in block.items:
                lines.append("• " + blocks_text(item).replace("\n", "\n  "))
    return "\n".join(lines)


class Markdown(str):
    """A content string that is Markdown. Jinja renders it as sanitized HTML via ``__html__``.

    It stays a ``str`` (the source text), so YAML output, comparisons and hashing see what the
    author wrote; ``blocks``, ``html`` and ``plain`` give the parsed forms.
    """

    __slots__ = ()

    @property
    def blocks(self) -> tuple[Block, ...]:
        return parse(str(self))

    def __html__(self) -> str:
        return blocks_html(self.blocks)

    @property
    def html(self) -> str:
        return self.__html__()

    @property
    def plain(self) -> str:
        return blocks_text(self.blocks)
