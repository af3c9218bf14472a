"""Validation: every problem at once, with file, line, column and field, and a useful hint."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from support import BRIEFS, expectations, load_text, scenario_files

from briefgen.content.validate import validate
from briefgen.content.yamlsource import load_bytes, load_file
from briefgen.errors import Problem, ValidationFailed
from briefgen.model import Brief, Project

MINIMAL = """\
title: T
date: 2026-01-15
summary: S
sections:
  - id: energy
    title: Energy
    points: [One.]
"""


def problems(text: str, model: type = Brief) -> list[str]:
    """The problems of ``text`` as printed (``file:line:col: field: message``)."""
    with pytest.raises(ValidationFailed) as info:
        load_text(text, model)
    return [str(p) for p in info.value.problems]


def one_problem(text: str, model: type = Brief) -> str:
    found = problems(text, model)
    assert len(found) == 1, found
    return found[0]


# ---------------------------------------------------------------- the scenario files


@pytest.mark.parametrize("path", scenario_files(), ids=lambda p: p.name)
def test_scenario_file_reports_exactly_what_its_header_expects(path: Path):
    """Each file in fixtures/briefs/ says in ``# expect:`` lines which problems (and
    ``# expect-warning:`` lines which warnings) it must produce: all of them, each at its
    line and column, and nothing else."""
    expected = expectations(path)
    try:
        doc = load_file(path, path.name)
        validate(doc, Brief)
    except ValidationFailed as exc:
        raised, found = True, list(exc.problems)
    else:
        raised, found = False, list(doc.warnings)
    assert raised == any(not e.warning for e in expected)
    unmatched = list(found)
    for exp in expected:
        match = next(
            (
                p
                for p in unmatched
                if (p.line, p.col) == (exp.line, exp.col)
                and exp.text in str(p).replace("warning: ", "")
                and (p.severity == "warning") == exp.warning
            ),
            None,
        )
        assert match is not None, f"expected {exp} among {[str(p) for p in found]}"
        unmatched.remove(match)
    assert unmatched == [], f"unexpected: {[str(p) for p in unmatched]}"
    for p in found:
        assert str(p).startswith(f"{path.name}:{p.line}:{p.col}: ")


def test_every_scenario_that_should_fail_does_fail():
    for path in scenario_files(errors=True):
        with pytest.raises(ValidationFailed):
            validate(load_file(path, path.name), Brief)


def test_all_problems_are_reported_at_once_in_file_order():
    with pytest.raises(ValidationFailed) as info:
        validate(load_file(BRIEFS / "many-problems.yaml", "m.yaml"), Brief)
    lines = [p.line for p in info.value.problems]
    assert len(lines) == 4
    assert lines == sorted(lines)
    assert str(info.value).count("\n") == 3  # one line per problem


# ---------------------------------------------------------------- required fields and types


def test_missing_required_fields_point_at_the_mapping_that_lacks_them():
    text = "title: T\nsections:\n  - id: energy\n    points: [x]\n"
    assert problems(text) == [
        "test.yaml:1:1: date: missing required field 'date'",
        "test.yaml:1:1: summary: missing required field 'summary'",
        "test.yaml:3:5: sections[0].title: missing required field 'title'",
    ]


def test_an_empty_file_is_not_a_brief():
    assert one_problem("# nothing\n") == (
        "test.yaml:1:1: expected a mapping of fields, got nothing (an empty value)"
    )


def test_a_list_is_not_a_brief():
    assert one_problem("- a\n- b\n") == "test.yaml:1:1: expected a mapping of fields, got a list"


@pytest.mark.parametrize(
    "replace, expected",
    [
        ("title: T", "test.yaml:1:8: title: expected text, got a list"),
        ("points: [One.]", "test.yaml:7:13: sections[0].points: expected a list, got text"),
        ("sections:", "test.yaml:4:11: sections: expected a list, got text"),
        ("title: Energy", "test.yaml:6:12: sections[0].title: expected text, got a mapping"),
    ],
)
def test_wrong_types_say_what_was_expected_and_what_was_found(replace, expected):
    bad = {
        "title: T": "title: [a, b]",
        "points: [One.]": "points: One.",
        "sections:": "sections: none here\nx_sections:",
        "title: Energy": "title: {a: 1}",
    }[replace]
    found = problems(MINIMAL.replace(replace, bad, 1))
    assert expected in found


def test_empty_values_are_called_empty():
    assert one_problem(MINIMAL.replace("summary: S", "summary:")) == (
        "test.yaml:3:9: summary: is empty; expected text"
    )
    assert one_problem(MINIMAL.replace("title: T", "title: '   '")) == (
        "test.yaml:1:8: title: must not be empty"
    )


def test_a_section_id_must_be_a_slug():
    assert one_problem(MINIMAL.replace("id: energy", "id: Energy Security")) == (
        "test.yaml:5:9: sections[0].id: 'Energy Security' is not a valid id: use lower-case "
        "letters, digits and hyphens (like 'energy-security')"
    )


# ---------------------------------------------------------------- unknown keys


def test_unknown_key_with_a_suggestion():
    assert one_problem(MINIMAL + "sumary: x\n") == (
        "test.yaml:8:1: sumary: unknown key 'sumary' (did you mean 'summary'?)"
    )


def test_unknown_key_without_a_close_match_lists_the_known_keys():
    found = one_problem(MINIMAL.replace("    points: [One.]", "    colour: red"))
    assert found == (
        "test.yaml:7:5: sections[0].colour: unknown key 'colour'; known keys: "
        "id, title, lead, points, quotes, figures, tags"
    )


def test_unknown_key_inside_a_figure_suggests_from_that_figure_kind():
    text = MINIMAL + (
        "    figures:\n"
        "      - {id: t, kind: table, title: T, colums: [a], rows: [[1]], columns: [a]}\n"
    )
    assert one_problem(text) == (
        "test.yaml:9:40: sections[0].figures[0].colums: unknown key 'colums' "
        "(did you mean 'columns'?)"
    )


# ---------------------------------------------------------------- cross-checks


def test_duplicate_section_ids_name_the_first():
    text = MINIMAL + "  - id: energy\n    title: Again\n    points: [Two.]\n"
    assert one_problem(text) == (
        "test.yaml:8:9: sections[1].id: duplicate section id 'energy' (first on line 5)"
    )


def test_duplicate_source_ids():
    text = MINIMAL + "sources:\n  - {id: a, title: A}\n  - {id: a, title: B}\n"
    assert one_problem(text) == (
        "test.yaml:10:10: sources[1].id: duplicate source id 'a' (first on line 9)"
    )


def test_unknown_source_with_a_suggestion():
    text = MINIMAL.replace("points: [One.]", "points: [{text: One., sources: [burns-2009]}]")
    text += "sources:\n  - {id: burns-2008, title: Speech}\n"
    assert one_problem(text) == (
        "test.yaml:7:37: sections[0].points[0].sources[0]: unknown source 'burns-2009' "
        "(did you mean 'burns-2008'?)"
    )


def test_unknown_source_without_a_close_match_lists_the_known_ones():
    text = MINIMAL.replace("points: [One.]", "points: [{text: One., sources: [zzz]}]")
    text += "sources:\n  - {id: alpha, title: A}\n  - {id: beta, title: B}\n"
    assert one_problem(text).endswith("unknown source 'zzz'; known: alpha, beta")


def test_citing_a_source_when_there_are_none():
    text = MINIMAL + "    quotes:\n      - {text: Hi, speaker: Me, source: nope}\n"
    assert one_problem(text) == (
        "test.yaml:9:41: sections[0].quotes[0].source: unknown source 'nope'; "
        "the brief has no sources"
    )


def test_key_messages_citations_are_checked_too():
    text = MINIMAL + "key_messages:\n  - {text: K, sources: [missing]}\nsources: []\n"
    assert one_problem(text).startswith(
        "test.yaml:9:25: key_messages[0].sources[0]: unknown source 'missing'"
    )


CHART = """\
    figures:
      - id: c
        kind: chart
        chart: {chart}
        title: C
        categories: [a, b, c]
        series:
          - {{name: one, values: {one}}}
          - {{name: two, values: {two}}}
"""


def test_series_lengths_must_match_the_categories():
    text = MINIMAL + CHART.format(chart="bar", one="[1, 2, 3]", two="[1, 2]")
    assert one_problem(text) == (
        "test.yaml:16:33: sections[0].figures[0].series[1].values: 2 values for 3 categories; "
        "give one value per category"
    )


def test_a_pie_chart_takes_one_series():
    text = MINIMAL + CHART.format(chart="pie", one="[1, 2, 3]", two="[1, 2, 3]")
    assert one_problem(text) == (
        "test.yaml:15:11: sections[0].figures[0].series: a pie chart takes one series"
    )


def test_table_rows_must_match_the_columns():
    text = MINIMAL + (
        "    figures:\n"
        "      - id: t\n"
        "        kind: table\n"
        "        title: T\n"
        "        columns: [a, b]\n"
        "        rows:\n"
        "          - [1, 2]\n"
        "          - [1, 2, 3]\n"
    )
    assert one_problem(text) == (
        "test.yaml:15:13: sections[0].figures[0].rows[1]: row has 3 cells for 2 columns"
    )


def test_duplicate_figure_ids():
    fig = "      - {id: f, kind: table, title: T, columns: [a], rows: [[1]]}\n"
    found = one_problem(MINIMAL + "    figures:\n" + fig + fig)
    assert found.startswith("test.yaml:10:14: sections[0].figures[1].id: duplicate figure id 'f'")


@pytest.mark.parametrize(
    "kind, expected",
    [
        (
            ", kind: graph",
            "test.yaml:9:33: sections[0].figures[0].kind: kind must be 'chart' or 'table', "
            "got 'graph'",
        ),
        (
            "",
            "test.yaml:9:9: sections[0].figures[0]: missing required field 'kind' (chart or table)",
        ),
    ],
)
def test_figure_kind(kind, expected):
    text = MINIMAL + f"    figures:\n      - {{id: f, title: T{kind}}}\n"
    assert one_problem(text) == expected


def test_cross_checks_run_even_when_the_schema_fails():
    text = MINIMAL.replace("title: T", "title: [wrong]") + (
        "  - id: energy\n    title: Again\n    points: [Two.]\n"
    )
    found = problems(text)
    assert any("title: expected text" in p for p in found)
    assert any("duplicate section id 'energy'" in p for p in found)


# ---------------------------------------------------------------- YAML 1.1 surprises


@pytest.mark.parametrize(
    "typed, reading",
    [
        ("NO", "the boolean false"),
        ("yes", "the boolean true"),
        ("on", "the boolean true"),
        ("Off", "the boolean false"),
        ("010", "an octal number (8)"),
        ("1.10", "the number 1.1"),
        ("12:30", "a base-60 number (750)"),
        ("2026-01-15", "a date"),
    ],
)
def test_yaml11_readings_are_explained_with_the_text_the_author_typed(typed, reading):
    found = one_problem(MINIMAL.replace("title: Energy", f"title: {typed}"))
    assert found.startswith("test.yaml:6:12: sections[0].title: expected text, got ")
    assert found.endswith(
        f'(YAML reads unquoted {typed} as {reading}; put it in quotes: "{typed}")'
    )


def test_quoting_fixes_a_yaml11_reading():
    _, brief = load_text(MINIMAL.replace("title: Energy", 'title: "NO"'))
    assert brief.sections[0].title == "NO"


def test_yaml11_numbers_accepted_where_numbers_are_allowed_get_a_warning():
    doc, brief = load_text(
        MINIMAL
        + "    figures:\n"
        + "      - {id: t, kind: table, title: T, columns: [a, b], rows: [[12:30, 010]]}\n"
        + "timeline:\n  - {date: 12:30, event: E}\n  - {date: 1992, event: F}\n"
    )
    assert brief.sections[0].figures[0].rows == [[750, 8]]
    assert [str(w) for w in doc.warnings] == [
        "test.yaml:9:65: warning: sections[0].figures[0].rows[0][0]: YAML reads unquoted 12:30 "
        'as the number 750; put it in quotes if you meant "12:30"',
        "test.yaml:9:72: warning: sections[0].figures[0].rows[0][1]: YAML reads unquoted 010 "
        'as the number 8; put it in quotes if you meant "010"',
        "test.yaml:11:12: warning: timeline[0].date: YAML reads unquoted 12:30 "
        'as the number 750; put it in quotes if you meant "12:30"',
    ]


def test_ordinary_numbers_get_no_warning():
    doc, _ = load_text(
        MINIMAL + "    figures:\n"
        "      - {id: t, kind: table, title: T, columns: [a, b], rows: [[0, 1.5], [10, -3]]}\n"
    )
    assert doc.warnings == []


# ---------------------------------------------------------------- dates are dates


def test_dates_load_as_dates():
    _, brief = load_text(MINIMAL + "sources: [{id: s, title: S, date: 2008-02-19}]\n")
    assert brief.date == dt.date(2026, 1, 15)
    assert brief.sources[0].date == dt.date(2008, 2, 19)


def test_a_number_is_not_a_date():
    # no "put it in quotes" here: a quoted 20260115 would not be a date either
    assert one_problem(MINIMAL.replace("date: 2026-01-15", "date: 20260115")) == (
        "test.yaml:2:7: date: expected a date (YYYY-MM-DD), got a number"
    )


def test_a_quoted_iso_date_is_a_date_and_a_quoted_impossible_one_is_not():
    _, brief = load_text(MINIMAL.replace("date: 2026-01-15", 'date: "2026-01-15"'))
    assert brief.date == dt.date(2026, 1, 15)
    assert one_problem(MINIMAL.replace("date: 2026-01-15", 'date: "2026-02-30"')) == (
        "test.yaml:2:7: date: impossible date '2026-02-30'"
    )


def test_a_date_with_a_time_is_refused_without_a_misleading_hint():
    assert one_problem(MINIMAL.replace("date: 2026-01-15", "date: 2026-01-15 10:30:00")) == (
        "test.yaml:2:7: date: expected a date without a time"
    )


def test_timeline_dates_are_labels_and_years_may_be_unquoted():
    _, brief = load_text(
        MINIMAL + "timeline:\n  - {date: 1992, event: A}\n  - {date: 2008-02-19, event: B}\n"
        "  - {date: June 2021, event: C}\n"
    )
    assert [e.date for e in brief.timeline] == ["1992", "2008-02-19", "June 2021"]


# ---------------------------------------------------------------- the project config


def test_project_config_typo_suggests_the_key():
    text = "audiences:\n  press:\n    exclude_tag: [internal]\n"
    assert one_problem(text, Project) == (
        "test.yaml:3:5: audiences.press.exclude_tag: unknown key 'exclude_tag' "
        "(did you mean 'exclude_tags'?)"
    )


def test_project_config_types_are_strict():
    text = "audiences:\n  exec: {max_points: '3', details: 1}\n"
    assert problems(text, Project) == [
        "test.yaml:2:22: audiences.exec.max_points: expected a whole number, got text",
        "test.yaml:2:36: audiences.exec.details: expected true or false, got a number",
    ]


def test_project_config_needs_audiences_and_checks_colours():
    assert one_problem("template: default\n", Project) == (
        "test.yaml:1:1: audiences: missing required field 'audiences'"
    )
    text = "audiences:\n  a: {theme: {primary: navy}}\n"
    assert one_problem(text, Project) == (
        "test.yaml:2:24: audiences.a.theme.primary: 'navy' is not a colour; write it as #RRGGBB"
    )


def test_problems_print_as_one_line_each():
    p = Problem("f.yaml", 3, 7, "bad thing", "sections[0].title")
    assert str(p) == "f.yaml:3:7: sections[0].title: bad thing"
    assert str(Problem("f.yaml", 0, 0, "whole file")) == "f.yaml: whole file"
    w = Problem("f.yaml", 2, 1, "hmm", severity="warning")
    assert str(w) == "f.yaml:2:1: warning: hmm"


def test_validation_failed_is_sorted_by_position():
    err = ValidationFailed([Problem("b.yaml", 1), Problem("a.yaml", 9), Problem("a.yaml", 2)])
    assert [(p.file, p.line) for p in err.problems] == [("a.yaml", 2), ("a.yaml", 9), ("b.yaml", 1)]


def test_load_bytes_display_name_is_used_in_messages():
    with pytest.raises(ValidationFailed) as info:
        validate(load_bytes(b"title: T\n", "content/brief.yaml"), Brief)
    assert all(str(p).startswith("content/brief.yaml:1:1: ") for p in info.value.problems)
