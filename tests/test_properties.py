"""Property-based tests (issue 4): whatever the content, briefgen builds or gives a one-line
error; every deck it builds reopens with python-pptx; no traceback escapes; and an audience
never shows what it excludes.

Hypothesis makes the briefs: arbitrary Unicode (control characters, non-characters, lone
surrogates, line and paragraph separators included), Markdown made of its own punctuation,
numbers from NaN to 1e308, and structures that are only roughly a brief. Example counts are
kept modest so the whole file runs in well under a minute; PDF, the slowest renderer, gets
the fewest.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hostile.harness import ONE_LINE
from hypothesis import HealthCheck, event, example, find, given, settings
from hypothesis import strategies as st

from briefgen.audience import select
from briefgen.content.validate import validate
from briefgen.content.yamlsource import load_bytes
from briefgen.errors import BriefgenError, ValidationFailed
from briefgen.files import FileTree
from briefgen.model import Brief, Project
from briefgen.render import RenderJob, run
from briefgen.templates import load_set

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = (ROOT / "content" / "us-azerbaijan.yaml").read_bytes()
PROJECT = Project.model_validate(
    {
        "audiences": {
            "desk": {"title": "Desk officer"},
            "press": {"title": "Press", "exclude_tags": ["internal"], "details": False},
        }
    }
)
MARKER = "ZQXINTERNALMARKER"
FAST = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ---------------------------------------------------------------- strategies

ANY_CHAR = st.characters(exclude_categories=())  # surrogates and controls too
PLAIN_CHAR = st.characters(codec="utf-8", exclude_categories=("Cs",))
MARKDOWN_BITS = st.sampled_from(
    [
        "*", "**", "_", "__", "[", "]", "(", ")", "![", "](", "`", "``", "<", ">", "&", "&#0;",
        "&#x110000;", "\\", "\n", "\n\n", "- ", "1. ", "> ", "# ", "---", "|", "\t", "\r",
        "\u2028", "\u2029", "\x07", "\x1b[31m", "\ufffe", "\ud800", "javascript:alert(1)",
        "https://example.org/", "mailto:a@b", "<script>", "{{ x }}", "{% x %}", ": ", "- kind: x",
    ]
)  # fmt: skip


def texts(alphabet: st.SearchStrategy[str] = ANY_CHAR, max_size: int = 40):
    return st.text(alphabet, max_size=max_size)


def markdown(alphabet: st.SearchStrategy[str] = ANY_CHAR):
    return st.lists(st.one_of(MARKDOWN_BITS, texts(alphabet, 12)), max_size=12).map("".join)


NUMBERS = st.one_of(
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
)
TAGS = st.lists(st.sampled_from(["internal", "sensitive", "detail", "public"]), max_size=2)


def rarely(odd: st.SearchStrategy[Any], usual: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``odd`` about one time in 40, else ``usual`` (Hypothesis favours boundary integers,
    so the rare branch is a value from the middle of the range)."""
    return st.integers(0, 39).flatmap(lambda k: odd if k == 17 else usual)


@st.composite
def briefs(draw: st.DrawFn, alphabet: st.SearchStrategy[str] = ANY_CHAR) -> dict[str, Any]:
    """A brief-shaped dict: valid structure, hostile text; items tagged ``internal`` carry
    the marker that audience ``press`` must never show."""
    # Mostly text with a word in it, so about half the briefs get as far as the renderers;
    # now and then anything at all, the empty string included.
    text = rarely(texts(alphabet), texts(alphabet).map(lambda t: f"{t} word"))
    md = rarely(markdown(alphabet), markdown(alphabet).map(lambda t: f"{t} word"))

    def point() -> Any:
        tags = draw(TAGS)
        body = draw(md) + (f" {MARKER}" if "internal" in tags else "")
        if not tags and draw(st.booleans()):
            return body
        return {"text": body, "detail": draw(st.one_of(st.none(), md)), "tags": tags}

    def figure(i: int) -> dict[str, Any]:
        tags = draw(TAGS)
        title = draw(text) + (f" {MARKER}" if "internal" in tags else "")
        if draw(st.booleans()):
            n = draw(st.integers(1, 4))
            cell = st.one_of(text, NUMBERS)
            rows = draw(st.lists(st.lists(cell, min_size=n, max_size=n), min_size=1, max_size=4))
            columns = draw(st.lists(text, min_size=n, max_size=n))
            return {
                **{"id": f"f{i}", "kind": "table", "title": title, "tags": tags},
                **{"columns": columns, "rows": rows},
            }
        n = draw(st.integers(1, 5))
        series = draw(
            st.lists(
                st.fixed_dictionaries(
                    {"name": text, "values": st.lists(NUMBERS, min_size=n, max_size=n)}
                ),
                min_size=1,
                max_size=1 if draw(st.booleans()) else 3,
            )
        )
        kind = draw(st.sampled_from(["bar", "column", "line", "pie"]))
        if kind == "pie":
            series = series[:1]
        return {
            **{"id": f"f{i}", "kind": "chart", "chart": kind, "title": title, "tags": tags},
            "categories": draw(st.lists(text, min_size=n, max_size=n)),
            "series": series,
            "unit": draw(st.one_of(st.none(), text)),
        }

    sections = []
    for i in range(draw(st.integers(1, 3))):
        sections.append(
            {
                "id": f"s{i}",
                "title": draw(text),
                "lead": draw(st.one_of(st.none(), md)),
                "points": [point() for _ in range(draw(st.integers(0, 4)))],
                "quotes": [
                    {"text": draw(text), "speaker": draw(text), "tags": draw(TAGS)}
                    for _ in range(draw(st.integers(0, 1)))
                ],
                "figures": [figure(i * 10 + k) for k in range(draw(st.integers(0, 2)))],
            }
        )
    return {
        "title": draw(text),
        "subtitle": draw(st.one_of(st.none(), text)),
        "date": "2026-01-15",
        "classification": draw(st.one_of(st.none(), text)),
        "authors": draw(st.lists(text, max_size=2)),
        "summary": draw(md),
        "key_messages": [point() for _ in range(draw(st.integers(0, 3)))],
        "sections": sections,
        "timeline": [
            {
                "date": draw(st.one_of(text, st.integers(1, 9999))),
                "event": draw(md),
                "tags": draw(TAGS),
            }
            for _ in range(draw(st.integers(0, 2)))
        ],
    }


# ---------------------------------------------------------------- checks


def one_line_error(exc: BriefgenError) -> None:
    """What the CLI would print: one line per problem, each naming where it is."""
    lines = str(exc).splitlines()
    assert lines and all(line.strip() for line in lines)
    if isinstance(exc, ValidationFailed):
        assert len(lines) == len(exc.problems)
        assert all(re.match(r"^[^\n]+?(:\d+){0,2}: \S", line) for line in lines)


def render_all(brief: Brief, audience: str, formats: tuple[str, ...]) -> dict[str, bytes]:
    """Select and render; a BriefgenError is a fine answer (one line), anything else is not."""
    view = select(brief, "brief", audience, PROJECT)
    tset = load_set("default", None)
    out: dict[str, bytes] = {}
    for fmt in formats:
        job = RenderJob(view, tset, FileTree("project", ROOT / "tests"), fmt)  # type: ignore[arg-type]
        out[fmt] = run(job).data
    return out


def reopen_deck(data: bytes) -> str:
    """The deck reopened with python-pptx; returns all its slide and notes text."""
    from pptx import Presentation

    prs = Presentation(io.BytesIO(data))
    parts = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
        if slide.has_notes_slide:
            parts.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(parts)


def build_or_one_line_error(data: dict[str, Any], formats: tuple[str, ...]) -> None:
    """Through the real loader: YAML text -> load -> validate -> select -> render."""
    source = yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8", "replace")
    try:
        brief = validate(load_bytes(source, "brief.yaml"), Brief)
        for audience in ("desk", "press"):
            out = render_all(brief, audience, formats)
            check_outputs(out, audience)
            event(f"built for {audience}")
    except BriefgenError as exc:
        event(type(exc).__name__)
        one_line_error(exc)


def check_outputs(out: dict[str, bytes], audience: str) -> None:
    if "pptx" in out:
        deck = reopen_deck(out["pptx"])
        if audience == "press":
            assert MARKER not in deck
    if "html" in out:
        html = out["html"].decode("utf-8")  # strict: no lone surrogates made it through
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", html)
        if audience == "press":
            assert MARKER not in html
    if "pdf" in out:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(out["pdf"]))
        text = "".join(page.extract_text() or "" for page in reader.pages)
        if audience == "press":
            assert MARKER not in text.replace("\n", "")


# ---------------------------------------------------------------- properties


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # lone surrogates as the bytes they would be


# Found by this test on a fresh install: a character reference decoded to a carriage return
# after the loader's cleaning, and raqm failed measuring it for the deck.
CR_REFERENCE = {
    "title": " word",
    "date": "2026-01-15",
    "summary": " word",
    "key_messages": [{"text": "&#13; word"}, {"text": "x&#x0D;&#10;y"}],
    "sections": [{"id": "s0", "title": " word", "points": [{"text": " word"}]}],
}


@FAST
@example(data=CR_REFERENCE)
@given(briefs(PLAIN_CHAR))
def test_any_brief_through_the_loader_builds_html_and_deck_or_says_why_in_one_line(data):
    build_or_one_line_error(data, ("html", "pptx"))


@FAST
@given(briefs(ANY_CHAR))
def test_any_text_given_in_python_builds_html_and_deck_or_says_why(data):
    """Briefs built in Python skip the loader: the model still cleans every text, so lone
    surrogates and control characters never reach lxml or python-pptx."""
    from pydantic import ValidationError

    try:
        brief = Brief.model_validate(data)
    except ValidationError:
        return  # pydantic's own answer to a Python caller
    for audience in ("desk", "press"):
        try:
            check_outputs(render_all(brief, audience, ("html", "pptx")), audience)
        except BriefgenError as exc:
            one_line_error(exc)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(briefs(PLAIN_CHAR))
def test_any_brief_builds_a_pdf_or_says_why_in_one_line(data):
    build_or_one_line_error(data, ("pdf",))


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=2000), texts(max_size=400).map(_encode)))
def test_any_bytes_load_as_yaml_or_give_one_line_errors(raw: bytes):
    try:
        validate(load_bytes(raw, "brief.yaml"), Brief)
    except ValidationFailed as exc:
        one_line_error(exc)


DAMAGE = [b"\t", b": ", b"- ", b"&a ", b"*a", b"!!python/object ", b"\n---\n", b"  ", b"\x00"]
DAMAGE += [b"\xff", b"{", b"[", b"'", b'"', b"<<: ", b"? ", b"%TAG ! x\n", b"\r", b"\xef\xbb\xbf"]


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_the_sample_with_random_damage_loads_or_gives_one_line_errors(data: st.DataObject):
    raw = bytearray(SAMPLE)
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, len(raw) - 1))
        action = data.draw(st.sampled_from(["flip", "cut", "insert", "duplicate"]))
        if action == "flip":
            raw[at] = data.draw(st.integers(0, 255))
        elif action == "cut":
            del raw[at : at + data.draw(st.integers(1, 200))]
        elif action == "insert":
            raw[at:at] = data.draw(st.sampled_from(DAMAGE))
        else:
            end = min(len(raw), at + data.draw(st.integers(1, 400)))
            raw[at:at] = raw[at:end]
        if not raw:
            raw = bytearray(b"x")
    try:
        validate(load_bytes(bytes(raw), "brief.yaml"), Brief)
    except ValidationFailed as exc:
        one_line_error(exc)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=briefs(PLAIN_CHAR))
def test_the_command_line_never_shows_a_traceback(
    data: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
):
    """The real CLI (in this process, renders included): exit 0, or 2 with one-line errors."""
    from click.testing import CliRunner

    from briefgen.cli import cli

    root = tmp_path_factory.mktemp("cli")
    (root / "content").mkdir()
    (root / "briefgen.yaml").write_text(json.dumps(PROJECT.model_dump(mode="json")), "utf-8")
    (root / "content" / "brief.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    result = CliRunner().invoke(
        cli, ["-C", str(root), "build", "-f", "html", "-f", "pptx", "-j", "0", "-q"]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output + result.stderr
    assert result.exit_code in (0, 2), result.stderr
    for line in result.stderr.splitlines():
        assert ONE_LINE.match(line), line
    if result.exit_code == 0:
        for audience in ("desk", "press"):
            deck = (root / "output" / "brief" / f"{audience}.pptx").read_bytes()
            check_outputs({"pptx": deck}, audience)


def _strings(value: Any) -> str:
    if isinstance(value, dict):
        return "\n".join(_strings(v) for v in value.values())
    if isinstance(value, list):
        return "\n".join(_strings(v) for v in value)
    return value if isinstance(value, str) else ""


def test_the_strategies_reach_the_hard_cases():
    """The properties are only as good as their inputs: the briefs carry lone surrogates,
    control characters, NaN and the marker of excluded items."""
    hard = {
        "a lone surrogate": lambda d: bool(re.search("[\ud800-\udfff]", _strings(d))),
        "a control character": lambda d: bool(re.search("[\x00-\x08\x1b]", _strings(d))),
        "a paragraph separator": lambda d: "\u2029" in _strings(d),
        "NaN or infinity": lambda d: bool(re.search(r"\b(nan|inf)\b", repr(d))),
        "an excluded item": lambda d: MARKER in _strings(d),
    }
    for what, condition in hard.items():
        assert find(briefs(ANY_CHAR), condition, settings=settings(max_examples=2000)), what
