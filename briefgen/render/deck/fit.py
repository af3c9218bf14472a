"""Measuring text against slide boxes, and the rules for shrinking and splitting it.

PowerPoint lays text out only when a deck is opened, so the builder has to know in advance
whether text fits. It measures every word with the real font metrics (the set ships fonts
metric-compatible with the deck's fonts: Carlito for Calibri, Liberation Serif for Times
New Roman), wraps lines the way PowerPoint does, and then either picks the largest size
that fits or splits the content over continuation slides. No pptx import here: the check
command and the tests use the same measurements.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial

from PIL import ImageFont

from briefgen.content.markdown import Block, ListBlock, Para, Span

_MEASURE_PX = 200  # fonts are loaded at this pixel size; widths scale linearly
LINE_SPACING = 1.2  # PowerPoint's "single" line spacing, as a multiple of the font's height
SAFETY = 1.04  # measured widths are inflated a little: renderers differ by a few percent
SPACE_BEFORE = 0.55  # space above a paragraph, as a multiple of its font size


def space_before(size: float) -> float:
    """Points above a paragraph (not the first) at ``size``; the builder writes exactly this
    on every paragraph, so measuring does not depend on a reference deck's master styles."""
    return round(size * SPACE_BEFORE, 1)


@dataclass(frozen=True)
class Run:
    """Text in one style, as the builder will write it."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None
    superscript: bool = False


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of runs at an indent ``level``; ``scale`` multiplies the slide's size."""

    runs: tuple[Run, ...]
    level: int = 0
    scale: float = 1.0
    bullet: bool = True

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Box:
    """A text box's usable size in points (insets already taken off), and its indents."""

    width: float
    height: float
    indent: float = 27.0  # points added per level (bullet hanging indent)


@dataclass
class Page:
    """Paragraphs that fit one box at ``size`` points."""

    paragraphs: list[Paragraph]
    size: float
    overflow: bool = False


class Measurer:
    """Widths and heights of text in the deck's font (regular and bold faces)."""

    def __init__(self, regular: bytes, bold: bytes | None = None, scale: float = 1.0):
        self._regular = ImageFont.truetype(io.BytesIO(regular), _MEASURE_PX)
        self._bold = ImageFont.truetype(io.BytesIO(bold), _MEASURE_PX) if bold else None
        ascent, descent = self._regular.getmetrics()
        self.height_ratio = (ascent + descent) / _MEASURE_PX
        self.scale = scale * SAFETY

    def width(self, text: str, size: float, bold: bool = False) -> float:
        """Advance width of ``text`` at ``size`` points, in points."""
        font = self._bold if bold and self._bold else self._regular
        faux_bold = 1.03 if bold and not self._bold else 1.0  # no bold face: a little wider
        return _width(font, text) * size / _MEASURE_PX * self.scale * faux_bold

    def line_height(self, size: float) -> float:
        return size * self.height_ratio * LINE_SPACING

    def lines(self, runs: Sequence[Run], size: float, width: float) -> int:
        """How many lines ``runs`` take wrapped at ``width`` points (greedy, as PowerPoint)."""
        return len(self.wrap(runs, size, width))

    def wrap(self, runs: Sequence[Run], size: float, width: float) -> list[str]:
        """The wrapped lines of ``runs``: words break at spaces, overlong words by letters."""
        lines: list[str] = []
        line, used = "", 0.0
        for word, bold in _words(runs):
            if word == "\n":
                lines.append(line.rstrip())
                line, used = "", 0.0
                continue
            w = self.width(word.rstrip(), size, bold)
            if used + w <= width or not line.strip():
                if w > width and not line.strip():  # a word longer than the line
                    pieces = self._break_word(word, size, width, bold)
                    lines.extend(pieces[:-1])
                    line, used = pieces[-1], self.width(pieces[-1], size, bold)
                    continue
                line += word
                used += self.width(word, size, bold)
            else:
                lines.append(line.rstrip())
                line, used = word, self.width(word, size, bold)
        if line.strip() or not lines:
            lines.append(line.rstrip())
        return lines

    def remembering(self) -> Measurer:
        """This measurer, remembering line counts until dropped (one deck): paginating asks
        about the same paragraph at every size it tries and again for every page it fills."""
        return _Remembering(self)

    def _break_word(self, word: str, size: float, width: float, bold: bool) -> list[str]:
        pieces, current = [], ""
        for char in word:
            if current and self.width(current + char, size, bold) > width:
                pieces.append(current)
                current = char
            else:
                current += char
        return [*pieces, current]


class _Remembering(Measurer):
    """See :meth:`Measurer.remembering`: the same measurer, with a memory of line counts."""

    def __init__(self, measurer: Measurer) -> None:
        self.__dict__.update(measurer.__dict__)
        self._counts: dict[tuple[tuple[Run, ...], float, float], int] = {}

    def lines(self, runs: Sequence[Run], size: float, width: float) -> int:
        key = (tuple(runs), size, width)
        count = self._counts.get(key)
        if count is None:
            count = self._counts[key] = super().lines(runs, size, width)
        return count


# Characters that end a line: raqm fails on them ("raqm_layout() failed"), so text with them
# is measured line by line (a table cell of several lines is as wide as its widest line).
_LINE_BREAKS = re.compile("[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")


@lru_cache(maxsize=65536)
def _width(font: ImageFont.FreeTypeFont, text: str) -> float:
    if _LINE_BREAKS.search(text):
        return max(font.getlength(line) for line in _LINE_BREAKS.split(text))
    return font.getlength(text)


def _words(runs: Sequence[Run]) -> Iterable[tuple[str, bool]]:
    """Words with their trailing space, tagged bold or not; ``\\n`` for hard breaks."""
    for run in runs:
        if run.text == "\n":
            yield "\n", False
            continue
        word = ""
        for char in run.text:
            if char == "\n":  # a line break inside a run: a table cell of several lines
                if word:
                    yield word, run.bold
                yield "\n", False
                word = ""
                continue
            word += char
            if char == " ":
                yield word, run.bold
                word = ""
        if word:
            yield word, run.bold


# ---------------------------------------------------------------- Markdown -> paragraphs


def paragraphs_from(
    blocks: Sequence[Block], level: int = 0, scale: float = 1.0, extra: tuple[Run, ...] = ()
) -> list[Paragraph]:
    """Markdown blocks -> paragraphs; nested list items go one level deeper.

    ``extra`` runs (a citation) are appended to the first paragraph.
    """
    out: list[Paragraph] = []
    for block in blocks:
        if isinstance(block, Para):
            runs = tuple(_run(s) for s in block.spans)
            if not out and extra:
                runs += extra
            out.append(Paragraph(runs, level, scale))
        elif isinstance(block, ListBlock):
            for item in block.items:
                out += paragraphs_from(item, level + 1, scale * 0.9)
    if not out and extra:
        out.append(Paragraph(extra, level, scale))
    return out


def _run(span: Span) -> Run:
    return Run(span.text, span.bold, span.italic, span.href)


def cite_run(numbers: Sequence[int]) -> tuple[Run, ...]:
    """`` [1, 2]`` as a superscript run, or nothing. The spaces are no-break spaces: a
    citation stays on the line of the word it follows, never alone on the next."""
    if not numbers:
        return ()
    return (Run("\u00a0[" + ",\u00a0".join(str(n) for n in numbers) + "]", superscript=True),)


# ---------------------------------------------------------------- fitting


def _running_heights(
    m: Measurer, paragraphs: Sequence[Paragraph], size: float, box: Box
) -> Iterator[float]:
    """The height of the first 1, 2, ... paragraphs at ``size`` in ``box``, with
    PowerPoint-like spacing: measured one paragraph at a time, so a caller can stop early."""
    total = 0.0
    for i, p in enumerate(paragraphs):
        s = size * p.scale
        width = box.width - box.indent * (p.level + (1 if p.bullet else 0))
        total += m.lines(p.runs, s, width) * m.line_height(s)
        if i:
            total += space_before(s)
        yield total


def height(m: Measurer, paragraphs: Sequence[Paragraph], size: float, box: Box) -> float:
    """Height of ``paragraphs`` at ``size`` in ``box``, with PowerPoint-like spacing."""
    return max(_running_heights(m, paragraphs, size, box), default=0.0)  # they only grow


def fits(m: Measurer, paragraphs: Sequence[Paragraph], size: float, box: Box) -> bool:
    """Whether ``paragraphs`` fit ``box`` at ``size``: stops measuring as soon as the box is
    full, so asking about a long section costs one box of text."""
    return all(total <= box.height for total in _running_heights(m, paragraphs, size, box))


def best_size(
    m: Measurer, paragraphs: Sequence[Paragraph], box: Box, largest: float, smallest: float
) -> float | None:
    """The largest size (in whole points, down to ``smallest``) at which everything fits."""
    size = largest
    while size >= smallest:
        if fits(m, paragraphs, size, box):
            return size
        size -= 1
    return None


@dataclass
class Group:
    """Paragraphs that belong together (a bullet and its sub-bullets) and stay on one slide.
    ``keep_last``: the last paragraph (a quote's attribution) stays with the one before it
    even when the group has to be cut."""

    paragraphs: list[Paragraph] = field(default_factory=list)
    keep_last: bool = False
    # Pieces of one paragraph cut over slides share this: two never go on one slide (they
    # would read as two paragraphs).
    piece_of: tuple[int, int] | None = None


def paginate(
    m: Measurer, groups: Sequence[Group], box: Box, largest: float, smallest: float
) -> list[Page]:
    """Lay groups over as few boxes as possible: shrink first, then split between groups.

    Everything on one slide if it fits at a size down to halfway between ``largest`` and
    ``smallest`` (smaller print is harder to read than a second slide); otherwise groups are
    packed greedily at that middle size and each page then takes its own best size. A
    group too tall for a box on its own is shrunk on a slide of its own, down to
    ``smallest``; only too tall even then it is split between paragraphs, and a paragraph
    between sentences, then words (marked ``overflow`` only if even that fails).
    """
    everything = [p for g in groups for p in g.paragraphs]
    pack_size = max(smallest, min(largest, (largest + smallest) / 2))
    size = best_size(m, everything, box, largest, pack_size)
    if size is not None:
        return [Page(everything, size)]
    packed: list[list[Group]] = []
    current: list[Group] = []
    for group in _split_tall_groups(m, groups, box, pack_size, smallest):
        if current and (
            _same_paragraph(group, current)
            or not fits(m, [*_paragraphs(current), *group.paragraphs], pack_size, box)
        ):
            packed.append(current)
            current = []
        current.append(group)
    if current:
        packed.append(current)
    _balance(m, packed, box, pack_size)
    out = []
    for paras in map(_paragraphs, packed):
        size = best_size(m, paras, box, largest, pack_size)
        if size is None:  # a single item, kept whole at a size down to the smallest
            size = best_size(m, paras, box, pack_size, smallest)
        out.append(
            Page(
                paras, size or smallest, overflow=size is None and not fits(m, paras, smallest, box)
            )
        )
    return out


def _same_paragraph(group: Group, page: Sequence[Group]) -> bool:
    """Whether ``page`` holds another piece of the paragraph ``group`` is a piece of."""
    return group.piece_of is not None and any(g.piece_of == group.piece_of for g in page)


def _paragraphs(groups: Sequence[Group]) -> list[Paragraph]:
    return [p for g in groups for p in g.paragraphs]


def _balance(m: Measurer, pages: list[list[Group]], box: Box, size: float) -> None:
    """Even out what greedy packing left: move groups from the end of a page to the start
    of the next while that lowers the taller of the two and the next still fits, so a
    section of five points runs 3 + 2 over two slides, not 4 + a lone point on a
    "(cont.)" slide. The number of pages does not change.

    A page's height is the sum of its groups' heights and the spacing before every group
    but the first, so each group is measured once here."""
    own = {id(g): height(m, g.paragraphs, size, box) for page in pages for g in page}

    def tall(groups: Sequence[Group]) -> float:
        firsts = [g.paragraphs[0] for g in groups if g.paragraphs]  # a group can be empty
        gaps = sum(space_before(size * p.scale) for p in firsts[1:])
        return sum(own[id(g)] for g in groups) + gaps

    for i in range(len(pages) - 2, -1, -1):
        here, after = pages[i], pages[i + 1]
        while len(here) > 1:
            moved = [here[-1], *after]
            taller_now = max(tall(here), tall(after))
            if max(tall(here[:-1]), tall(moved)) >= taller_now:
                break
            if _same_paragraph(here[-1], after) or not fits(m, _paragraphs(moved), size, box):
                break
            after.insert(0, here.pop())


def _split_tall_groups(
    m: Measurer, groups: Sequence[Group], box: Box, size: float, smallest: float
) -> list[Group]:
    """Groups that fit a box at ``size``; one that fits only smaller is kept whole, to be
    shrunk (down to ``smallest``) on a slide of its own; one that does not fit even then
    is cut between its paragraphs,
    and a paragraph too tall on its own between sentences (see :func:`_split_paragraph`).
    A group that ends in an attribution (``keep_last``) keeps it with the last piece of
    the paragraph before it: a quote's "— who said it" never stands alone on a slide."""
    out: list[Group] = []
    for group in groups:
        if fits(m, group.paragraphs, size, box) or fits(m, group.paragraphs, smallest, box):
            out.append(group)
            continue
        paras = group.paragraphs
        last = paras[-1] if group.keep_last and len(paras) > 1 else None
        body = paras[:-1] if last is not None else paras
        for n, para in enumerate(body):
            pieces = _split_paragraph(m, para, size, box)
            credited = last is not None and n == len(body) - 1  # the attribution follows it
            if credited and not fits(m, [pieces[-1], last], size, box):
                # Cut it in a box that leaves room for the attribution under every piece.
                room = height(m, [pieces[-1], last], size, box) - height(m, [pieces[-1]], size, box)
                shorter = replace(box, height=max(box.height - room, box.height / 3))
                pieces = _split_paragraph(m, para, size, shorter)
            key = (id(group), n) if len(pieces) > 1 else None
            groups_of = [Group([p], piece_of=key) for p in pieces]
            if credited:
                groups_of[-1] = Group([pieces[-1], last], piece_of=key)
            out += groups_of
    return out


def _split_paragraph(m: Measurer, para: Paragraph, size: float, box: Box) -> list[Paragraph]:
    """A paragraph too tall for a box, cut into pieces that each fit: between sentences,
    as many whole sentences a piece as fit; a sentence too long for a box on its own
    between clauses (after ";", ":" or a dash), then phrases (after ","), and only a phrase
    too long between words, leaving at least three words for the next piece.
    A reader follows "… cooperation." / "(cont.) Greater …"; a cut in the middle of a
    sentence reads as a mistake."""
    if fits(m, [para], size, box):
        return [para]
    words = [replace(r, text=w) for r in para.runs for w in _keep_spaces(r.text)]
    ends = _sentence_ends(words)

    def fit(start: int, end: int) -> bool:
        return fits(m, [replace(para, runs=tuple(words[start:end]))], size, box)

    pieces: list[Paragraph] = []
    start = 0
    while start < len(words):
        sentences = [e for e in ends if e > start]
        end = _furthest(partial(fit, start), sentences)
        for cut in (_CLAUSE_END, _PHRASE_END):  # the sentence alone is too tall: at ; then ,
            if end is None:
                end = _furthest(partial(fit, start), _ends(words, start, sentences[0], cut))
        if end is None:  # and a phrase too tall between words, leaving no word or two alone
            end = _furthest(partial(fit, start), range(start + 1, sentences[0] + 1))
            end = end if end is not None else start + 1  # at least one word a piece
            if sentences[0] - end < _WIDOW and end - start > 2 * _WIDOW:
                end = sentences[0] - _WIDOW
        pieces.append(replace(para, runs=_merge(words[start:end])))
        start = end
    for i in range(1, len(pieces)):  # continuation pieces carry no bullet of their own
        pieces[i] = replace(pieces[i], bullet=False)
    return pieces


def _furthest(fit: Callable[[int], bool], ends: Sequence[int]) -> int | None:
    """The last of ``ends`` (ascending) for which ``fit`` holds, or None if not even the
    first does. More text never fits better, so it is found by doubling then bisecting:
    O(log n) measurements, where trying one more at a time measured O(n)."""
    if not ends or not fit(ends[0]):
        return None
    good, step = 0, 1
    while good + step < len(ends) and fit(ends[good + step]):
        good, step = good + step, step * 2
    bad = min(good + step, len(ends))  # first index known not to fit (or past the end)
    while bad - good > 1:
        middle = (good + bad) // 2
        good, bad = (middle, bad) if fit(ends[middle]) else (good, middle)
    return ends[good]


# A word ends a sentence when it ends in . ! ? or … (before closing quotes or brackets) and
# the next word begins like a sentence; "U.S." and "Mr." before a name do not.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s*$")
_ABBREVIATION = re.compile(
    r"^[(\[“\"'‘«]*(?:[A-Za-z]\.)+$|^(?:Mr|Mrs|Ms|Dr|St|No|Gen|Sen|Rep|Amb|Prof)\.$"
)


_CLAUSE_END = re.compile(r"(?:[;:]|\s[—–])[\"'”’»)\]]*\s*$")
_PHRASE_END = re.compile(r",[\"'”’»)\]]*\s*$")
_WIDOW = 3  # words a cut between words leaves at least for the next piece


def _ends(words: Sequence[Run], start: int, end: int, cut: re.Pattern[str]) -> list[int]:
    """Indices just after each word of ``words[start:end]`` that ``cut`` ends, and ``end``."""
    cuts = [i + 1 for i in range(start, end - 1) if cut.search(" " + words[i].text)]
    return [*cuts, end]


def _sentence_ends(words: Sequence[Run]) -> list[int]:
    """Indices just after each word that ends a sentence, and the end of ``words``."""
    ends = []
    for i, word in enumerate(words[:-1]):
        text, following = word.text.strip(), words[i + 1].text.lstrip()
        if not _SENTENCE_END.search(text) or _ABBREVIATION.match(text):
            continue
        first = following.lstrip("\"'“‘«([")[:1]
        if first and (first.isupper() or first.isdigit()):
            ends.append(i + 1)
    return [*ends, len(words)]


def _keep_spaces(text: str) -> list[str]:
    out, word = [], ""
    for char in text:
        word += char
        if char == " ":
            out.append(word)
            word = ""
    return [*out, word] if word else out


def _merge(runs: list[Run]) -> tuple[Run, ...]:
    merged: list[Run] = []
    for run in runs:
        if merged and replace(merged[-1], text="") == replace(run, text=""):
            merged[-1] = replace(merged[-1], text=merged[-1].text + run.text)
        else:
            merged.append(run)
    return tuple(merged)


def fit_line(
    m: Measurer,
    text: str,
    box: Box,
    largest: float,
    smallest: float,
    bold: bool = False,
    max_lines: int | None = None,
) -> tuple[float, bool]:
    """The size for a title-like text in ``box``; second value True if it still overflows."""
    para = [Paragraph((Run(text, bold),), bullet=False)]
    size = largest
    while size >= smallest:
        lines = m.lines(para[0].runs, size, box.width)
        if fits(m, para, size, box) and (max_lines is None or lines <= max_lines):
            return size, False
        size -= 1
    return smallest, True
