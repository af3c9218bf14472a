"""Loading YAML safely: positions, duplicate keys, dates, tags, caps, encodings, characters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from support import BRIEFS

from briefgen.content import yamlsource
from briefgen.content.yamlsource import format_loc, load_bytes, load_file
from briefgen.errors import ValidationFailed


def problems_of(raw: bytes | str, name: str = "t.yaml") -> list[str]:
    """The problems loading ``raw`` meets, whether raised or collected for validation."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    try:
        doc = load_bytes(raw, name)
    except ValidationFailed as exc:
        return [str(p) for p in exc.problems]
    return [str(p) for p in doc.problems]


# ---------------------------------------------------------------- positions


def test_positions_of_values_and_keys_are_one_based_line_and_column():
    doc = load_bytes(
        b"title: T\nsections:\n  - id: energy\n    title:   Energy\n", "positions.yaml"
    )
    src = doc.source
    assert src.values[("title",)] == (1, 8)
    assert src.keys[("sections", 0, "title")] == (4, 5)
    assert src.values[("sections", 0, "title")] == (4, 14)
    assert src.values[("sections", 0)] == (3, 5)
    assert doc.data == {"title": "T", "sections": [{"id": "energy", "title": "Energy"}]}


def test_position_of_a_missing_location_falls_back_to_its_nearest_ancestor():
    doc = load_bytes(b"a: 1\nsections:\n  - id: x\n", "t.yaml")
    assert doc.source.position(("sections", 0, "points", 3)) == (3, 5)
    problem = doc.source.problem(("sections", 0, "points"), "message")
    assert str(problem) == "t.yaml:3:5: sections[0].points: message"


def test_plain_scalars_remember_what_the_author_typed_and_quoted_ones_do_not():
    doc = load_bytes(b"a: NO\nb: 'NO'\nc: 010\n", "t.yaml")
    assert doc.data == {"a": False, "b": "NO", "c": 8}
    assert doc.source.plain[("a",)] == "NO"
    assert doc.source.plain[("c",)] == "010"
    assert ("b",) not in doc.source.plain


def test_format_loc_reads_like_a_path():
    assert (
        format_loc(("sections", 2, "points", 0, "sources", 1)) == "sections[2].points[0].sources[1]"
    )
    assert format_loc(()) == ""


# ---------------------------------------------------------------- duplicate keys


def test_duplicate_key_names_both_lines_and_keeps_the_first_value():
    doc = load_bytes(b"title: First\ndate: 2026-01-01\ntitle: Second\n", "dup.yaml")
    assert [str(p) for p in doc.problems] == [
        "dup.yaml:3:1: title: duplicate key 'title' (first defined on line 1); remove one of them"
    ]
    assert doc.data["title"] == "First"


def test_duplicate_key_in_a_nested_mapping_is_found_too():
    text = "sections:\n  - id: a\n    title: A\n    id: b\n"
    assert problems_of(text) == [
        "t.yaml:4:5: sections[0].id: duplicate key 'id' (first defined on line 2); "
        "remove one of them"
    ]


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize("date", ["2026-02-30", "2025-02-29", "2026-13-01", "2026-04-31"])
def test_impossible_dates_are_problems_with_their_position(date):
    (problem,) = problems_of(f"title: T\ndate: {date}\n")
    assert problem.startswith(f"t.yaml:2:7: date: '{date}' is not a valid date (")


def test_real_dates_load_as_dates_including_a_leap_day():
    doc = load_bytes(b"a: 2024-02-29\nb: 2026-11-23\n", "t.yaml")
    assert doc.data == {"a": dt.date(2024, 2, 29), "b": dt.date(2026, 11, 23)}
    assert doc.problems == []


# ---------------------------------------------------------------- tags


@pytest.mark.parametrize(
    "text, tag",
    [
        (
            "x: !!python/object/apply:os.system [ls]\n",
            "tag:yaml.org,2002:python/object/apply:os.system",
        ),
        ("x: !!python/name:os.system ''\n", "tag:yaml.org,2002:python/name:os.system"),
        ("x: !include other.yaml\n", "!include"),
        ("x: !!binary aGVsbG8=\n", "tag:yaml.org,2002:binary"),
        ("x: !!set {a, b}\n", "tag:yaml.org,2002:set"),
    ],
)
def test_tags_are_refused_and_never_constructed(text, tag):
    problems = problems_of(text)
    assert problems == [f"t.yaml:1:4: x: YAML tag {tag!r} is not allowed in briefing content"]


def test_merge_keys_are_refused():
    text = "base: &b {a: 1}\nthing:\n  <<: *b\n  c: 2\n"
    assert problems_of(text) == [
        "t.yaml:3:3: merge keys ('<<') are not supported; write the keys out"
    ]


def test_explicit_standard_tags_are_fine():
    doc = load_bytes(b"a: !!str 010\nb: !!int '7'\n", "t.yaml")
    assert doc.data == {"a": "010", "b": 7}
    assert doc.problems == []


# ---------------------------------------------------------------- caps


def test_small_aliases_are_expanded():
    doc = load_bytes(b"a: &ids [x, y]\nb: *ids\n", "t.yaml")
    assert doc.data == {"a": ["x", "y"], "b": ["x", "y"]}


def test_alias_bomb_is_refused_with_one_problem_and_nothing_else():
    with pytest.raises(ValidationFailed) as info:
        load_file(BRIEFS / "alias-bomb.yaml", "alias-bomb.yaml")
    assert [str(p) for p in info.value.problems] == [
        "alias-bomb.yaml:4:44: document has more than 200,000 values (an alias bomb?); "
        "refusing to expand it"
    ]


def test_node_cap_counts_values(monkeypatch):
    monkeypatch.setattr(yamlsource, "MAX_NODES", 10)
    load_bytes(b"a: [1, 2, 3, 4, 5, 6, 7, 8]\n", "t.yaml")  # 10 values: at the cap, fine
    with pytest.raises(ValidationFailed, match="more than 10 values"):
        load_bytes(b"a: [1, 2, 3, 4, 5, 6, 7, 8, 9]\n", "t.yaml")


def test_depth_cap():
    deep = "a: " + "[" * 60 + "]" * 60 + "\n"
    assert problems_of(deep) == ["t.yaml:1:52: nesting deeper than 48 levels"]
    ok = "a: " + "[" * 40 + "]" * 40 + "\n"
    assert problems_of(ok) == []


def test_file_size_cap(monkeypatch):
    monkeypatch.setattr(yamlsource, "MAX_BYTES", 100)
    with pytest.raises(ValidationFailed) as info:
        load_bytes(b"a: " + b"x" * 200 + b"\n", "big.yaml")
    assert str(info.value) == "big.yaml: file is 204 bytes; the limit is 100"


# ---------------------------------------------------------------- bytes and characters


def test_invalid_utf8_names_the_line_column_and_byte():
    with pytest.raises(ValidationFailed) as info:
        load_bytes(b"title: ok\nsubtitle: Caf\xe9\n", "latin1.yaml")
    assert str(info.value) == (
        "latin1.yaml:2:14: not valid UTF-8 (byte 0xe9); save the file as UTF-8"
    )


def test_utf8_byte_order_mark_is_accepted():
    doc = load_bytes("\ufefftitle: Şahdəniz\n".encode(), "bom.yaml")
    assert doc.data == {"title": "Şahdəniz"}


def test_nul_byte_is_refused_with_its_position():
    with pytest.raises(ValidationFailed) as info:
        load_bytes(b"title: a\nsummary: b\x00c\n", "nul.yaml")
    assert str(info.value) == "nul.yaml:2:11: NUL byte in file; is it a text file?"


def test_control_characters_are_removed_with_a_warning_per_line():
    raw = b"title: Bell\x07 here\x08\nsummary: fine\nsubtitle: esc\x1b[0m\n"
    doc = load_bytes(raw, "ctl.yaml")
    assert doc.data == {"title": "Bell here", "summary": "fine", "subtitle": "esc[0m"}
    assert [str(w) for w in doc.warnings] == [
        "ctl.yaml:1:12: warning: removed control character U+0007",
        "ctl.yaml:3:14: warning: removed control character U+001B",
    ]
    assert all(w.severity == "warning" for w in doc.warnings)
    assert doc.problems == []


def test_control_characters_made_by_escapes_in_quoted_strings_are_removed_too():
    doc = load_bytes(b'title: "a\\x07b\\u2028c\\uFFFEd"\n', "esc.yaml")
    assert doc.data["title"] == "ab\u2028cd"  # U+2028 is a line separator, not a control
    assert [str(w) for w in doc.warnings] == [
        "esc.yaml:1:8: warning: title: removed control or non-character code points"
    ]


def test_tabs_and_newlines_are_kept():
    doc = load_bytes(b'title: "a\\tb\\nc"\n', "t.yaml")
    assert doc.data["title"] == "a\tb\nc"
    assert doc.warnings == []


# ---------------------------------------------------------------- syntax errors


@pytest.fixture(params=["libyaml", "pure-python"])
def any_loader(request, monkeypatch):
    """Run a test with PyYAML's C loader and with its pure-Python one: their error messages
    differ, and briefgen's hints must work with both."""
    if request.param == "libyaml":
        if not hasattr(yaml, "CSafeLoader"):
            pytest.skip("PyYAML built without libyaml")
        monkeypatch.setattr(yamlsource, "_Loader", yaml.CSafeLoader)
    else:
        monkeypatch.setattr(yamlsource, "_Loader", yaml.SafeLoader)


@pytest.mark.parametrize(
    "text, line",
    [("sections:\n\t- id: a\n", 2), ("sections:\n  - id: a\n\t  title: b\n", 3)],
)
def test_tab_indentation_gets_a_hint_even_when_libyaml_does_not_name_the_tab(
    text, line, any_loader
):
    (problem,) = problems_of(text)
    assert problem.startswith(f"t.yaml:{line}:1: invalid YAML: found ")
    assert problem.endswith("(tabs are not allowed for indentation in YAML; indent with spaces)")


def test_two_documents_in_one_file(any_loader):
    (problem,) = problems_of("title: a\n---\ntitle: b\n")
    assert problem.startswith("t.yaml:2:1: invalid YAML: ")
    assert problem.endswith("(one brief per file: remove the '---' separating documents)")


def test_undefined_alias_gets_a_hint(any_loader):
    (problem,) = problems_of("a: *nothing\n")
    assert problem.startswith("t.yaml:1:4: invalid YAML: ")
    assert "an alias (*name) needs an anchor (&name) defined before it" in problem


def test_colon_in_an_unquoted_value_gets_a_hint(any_loader):
    (problem,) = problems_of("title: Energy: a plan\nsummary: x\n")
    assert problem.startswith("t.yaml:1:14: invalid YAML: ")
    assert problem.endswith("(check the indentation, or quote a value that contains ': ')")


def test_empty_file_loads_as_nothing():
    doc = load_bytes(b"# only a comment\n", "empty.yaml")
    assert doc.data is None and doc.problems == []


def test_unreadable_file_is_a_problem_not_a_traceback(tmp_path: Path):
    with pytest.raises(ValidationFailed) as info:
        load_file(tmp_path / "missing.yaml", "missing.yaml")
    assert str(info.value) == "missing.yaml: cannot read file: No such file or directory"
