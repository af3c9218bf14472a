"""Audience selection: a pure function from a brief to the brief one audience sees."""

from __future__ import annotations

import pytest
from support import make_brief, make_project

from briefgen.audience import describe, resolve_audiences, select, visible
from briefgen.errors import InputError
from briefgen.model import Audience, Project


def tagged_brief():
    """Points, quotes, figures, timeline entries and key messages with and without tags."""
    return make_brief(
        key_messages=[
            "For everyone.",
            {"text": "Internal message.", "tags": ["internal"]},
        ],
        sections=[
            {
                "id": "energy",
                "title": "Energy",
                "points": [
                    "Untagged point.",
                    {"text": "Internal point.", "tags": ["internal"]},
                    {"text": "Detail point.", "tags": ["detail"]},
                    {"text": "Internal and sensitive.", "tags": ["internal", "sensitive"]},
                    {"text": "With a detail.", "detail": "The detail."},
                ],
                "quotes": [
                    {"text": "Open quote.", "speaker": "A"},
                    {"text": "Internal quote.", "speaker": "B", "tags": ["internal"]},
                ],
                "figures": [
                    {"id": "t1", "kind": "table", "title": "T1", "columns": ["a"], "rows": [[1]]},
                    {
                        "id": "t2",
                        "kind": "table",
                        "title": "T2",
                        "columns": ["a"],
                        "rows": [[2]],
                        "tags": ["sensitive"],
                    },
                ],
            },
            {"id": "security", "title": "Security", "points": ["Security point."]},
        ],
        timeline=[
            {"date": "1992", "event": "Open event."},
            {"date": "2021", "event": "Internal event.", "tags": ["internal"]},
        ],
    )


def texts(view, section: int = 0) -> list[str]:
    return [str(p.text) for p in view.sections[section].points]


# ---------------------------------------------------------------- tag rules


@pytest.mark.parametrize(
    "tags, include, exclude, shown",
    [
        ([], [], [], True),
        ([], ["press"], ["internal"], True),  # untagged: for everyone
        (["internal"], [], [], True),
        (["internal"], [], ["internal"], False),
        (["internal", "energy"], [], ["internal"], False),  # any excluded tag hides
        (["energy"], ["energy"], [], True),
        (["security"], ["energy"], [], False),  # include list: must share a tag
        (["energy", "internal"], ["energy"], ["internal"], False),  # exclude wins
    ],
)
def test_visible(tags, include, exclude, shown):
    audience = Audience(include_tags=include, exclude_tags=exclude)
    assert visible(tags, audience) is shown


def test_exclude_tags_hide_tagged_items_of_every_kind():
    project = make_project(press={"exclude_tags": ["internal", "sensitive"]})
    view = select(tagged_brief(), "b", "press", project)
    assert texts(view) == ["Untagged point.", "Detail point.", "With a detail."]
    assert [q.text for q in view.sections[0].quotes] == ["Open quote."]
    assert [f.id for f in view.sections[0].figures] == ["t1"]
    assert [str(e.event) for e in view.timeline] == ["Open event."]
    assert [str(k.text) for k in view.key_messages] == ["For everyone."]


def test_include_tags_keep_untagged_items_and_those_sharing_a_tag():
    project = make_project(insiders={"include_tags": ["internal"]})
    view = select(tagged_brief(), "b", "insiders", project)
    assert texts(view) == [
        "Untagged point.",
        "Internal point.",
        "Internal and sensitive.",
        "With a detail.",
    ]
    assert [f.id for f in view.sections[0].figures] == ["t1"]


def test_an_audience_with_no_tag_rules_sees_everything():
    view = select(tagged_brief(), "b", "all", make_project(all={}))
    assert len(view.sections[0].points) == 5
    assert len(view.timeline) == 2 and len(view.key_messages) == 2


def test_a_tagged_section_is_hidden_as_a_whole():
    brief = make_brief(
        sections=[
            {"id": "open", "title": "Open", "points": ["x"]},
            {"id": "closed", "title": "Closed", "points": ["y"], "tags": ["internal"]},
        ]
    )
    view = select(brief, "b", "press", make_project(press={"exclude_tags": ["internal"]}))
    assert [s.id for s in view.sections] == ["open"]


# ---------------------------------------------------------------- max points, details


def test_max_points_limits_each_section_after_tag_filtering():
    project = make_project(exec={"max_points": 2, "exclude_tags": ["internal"]})
    view = select(tagged_brief(), "b", "exec", project)
    assert texts(view, 0) == ["Untagged point.", "Detail point."]
    assert texts(view, 1) == ["Security point."]


def test_max_points_zero_keeps_sections_with_other_content():
    view = select(tagged_brief(), "b", "x", make_project(x={"max_points": 0}))
    assert [s.id for s in view.sections] == ["energy"]  # security had only points
    assert view.sections[0].points == []
    assert view.warnings == ["section 'security' is empty for audience 'x' and is left out"]


def test_details_false_strips_point_details_everywhere():
    brief = make_brief(
        key_messages=[{"text": "K", "detail": "K detail"}],
        sections=[{"id": "a", "title": "A", "points": [{"text": "P", "detail": "P detail"}]}],
    )
    without = select(brief, "b", "x", make_project(x={"details": False}))
    assert without.sections[0].points[0].detail is None
    assert without.key_messages[0].detail is None
    assert str(without.sections[0].points[0].text) == "P"
    with_details = select(brief, "b", "x", make_project(x={"details": True}))
    assert with_details.sections[0].points[0].detail == "P detail"


# ---------------------------------------------------------------- sections


def test_sections_list_chooses_and_orders_sections():
    brief = make_brief(
        sections=[
            {"id": "a", "title": "A", "points": ["a"]},
            {"id": "b", "title": "B", "points": ["b"]},
            {"id": "c", "title": "C", "points": ["c"]},
        ]
    )
    view = select(brief, "b", "x", make_project(x={"sections": ["c", "a"]}))
    assert [s.id for s in view.sections] == ["c", "a"]


def test_default_section_order_is_the_briefs():
    view = select(tagged_brief(), "b", "all", make_project(all={}))
    assert [s.id for s in view.sections] == ["energy", "security"]


def test_sections_the_brief_lacks_are_a_warning():
    view = select(tagged_brief(), "b", "x", make_project(x={"sections": ["security", "nope"]}))
    assert [s.id for s in view.sections] == ["security"]
    assert view.warnings == ["audience 'x' lists section(s) nope that this brief does not have"]


# ---------------------------------------------------------------- classification


@pytest.mark.parametrize(
    "project_c, brief_c, audience_c, shown",
    [
        ("UNCLASSIFIED", None, None, "UNCLASSIFIED"),
        ("UNCLASSIFIED", "SECRET", None, "SECRET"),
        ("UNCLASSIFIED", "SECRET", "UNCLASSIFIED // PUBLIC", "UNCLASSIFIED // PUBLIC"),
        ("OFFICIAL", None, "PUBLIC", "PUBLIC"),
    ],
)
def test_classification_precedence_audience_then_brief_then_project(
    project_c, brief_c, audience_c, shown
):
    project = Project.model_validate(
        {"classification": project_c, "audiences": {"x": {"classification": audience_c}}}
    )
    view = select(make_brief(classification=brief_c), "b", "x", project)
    assert view.classification == shown


# ---------------------------------------------------------------- sources


def sourced_brief():
    return make_brief(
        sections=[
            {
                "id": "a",
                "title": "A",
                "points": [
                    {"text": "Shown.", "sources": ["shown-src"]},
                    {"text": "Hidden.", "sources": ["hidden-src"], "tags": ["internal"]},
                    {"text": "Both.", "sources": ["hidden-src", "shown-src"]},
                ],
                "quotes": [{"text": "Q", "speaker": "S", "source": "quote-src"}],
            }
        ],
        sources=[
            {"id": "hidden-src", "title": "Only the hidden point cites me"},
            {"id": "general", "title": "General reading, cited by nothing"},
            {"id": "shown-src", "title": "Cited by a shown point"},
            {"id": "quote-src", "title": "Cited by a quote"},
            {"id": "tagged-src", "title": "A tagged source", "tags": ["internal"]},
        ],
    )


def test_sources_cited_only_by_hidden_items_are_hidden_and_numbering_follows_what_is_shown():
    project = make_project(press={"exclude_tags": ["internal"]}, desk={})
    press = select(sourced_brief(), "b", "press", project)
    press_points = press.sections[0].points
    assert str(press_points[1].text) == "Both."
    # "Both." still cites hidden-src, which press shows because a shown item cites it
    assert [(s.number, s.id) for s in press.sources] == [
        (1, "hidden-src"),
        (2, "general"),
        (3, "shown-src"),
        (4, "quote-src"),
    ]
    only_hidden = make_brief(
        sections=[
            {
                "id": "a",
                "title": "A",
                "points": [
                    {"text": "Shown.", "sources": ["shown-src"]},
                    {"text": "Hidden.", "sources": ["hidden-src"], "tags": ["internal"]},
                ],
            }
        ],
        sources=[
            {"id": "hidden-src", "title": "H"},
            {"id": "shown-src", "title": "S"},
        ],
    )
    press = select(only_hidden, "b", "press", project)
    assert [(s.number, s.id) for s in press.sources] == [(1, "shown-src")]
    assert press.cite(press.sections[0].points[0]) == [1]
    assert press.source("hidden-src") is None
    desk = select(only_hidden, "b", "desk", project)
    assert [(s.number, s.id) for s in desk.sources] == [(1, "hidden-src"), (2, "shown-src")]
    assert desk.cite(desk.sections[0].points[0]) == [2]


def test_tagged_sources_follow_the_tag_rules():
    project = make_project(press={"exclude_tags": ["internal"]}, desk={})
    assert "tagged-src" not in [
        s.id for s in select(sourced_brief(), "b", "press", project).sources
    ]
    assert "tagged-src" in [s.id for s in select(sourced_brief(), "b", "desk", project).sources]


def test_cite_knows_quotes_and_id_lists():
    view = select(sourced_brief(), "b", "desk", make_project(desk={}))
    quote = view.sections[0].quotes[0]
    assert view.cite(quote) == [view.source("quote-src").number]
    assert view.cite(["shown-src", "nope"]) == [view.source("shown-src").number]


# ---------------------------------------------------------------- unknown, empty, pure


def test_unknown_audience_lists_the_known_ones():
    project = make_project(executive={}, press={}, desk={})
    with pytest.raises(InputError) as info:
        select(make_brief(), "b", "nosuch", project)
    assert str(info.value) == "unknown audience 'nosuch'; known audiences: executive, press, desk"
    with pytest.raises(InputError, match=r"unknown audience 'pres' \(did you mean 'press'\?\)"):
        resolve_audiences(project, ["pres"])


def test_resolve_audiences_defaults_to_all_and_keeps_order_without_duplicates():
    project = make_project(executive={}, press={}, desk={})
    assert resolve_audiences(project, None) == ["executive", "press", "desk"]
    assert resolve_audiences(project, ["desk", "press", "desk"]) == ["desk", "press"]


def test_an_audience_with_nothing_left_is_an_error():
    brief = make_brief(
        sections=[{"id": "a", "title": "A", "points": [{"text": "x", "tags": ["internal"]}]}]
    )
    with pytest.raises(InputError) as info:
        select(brief, "my-brief", "press", make_project(press={"exclude_tags": ["internal"]}))
    assert str(info.value) == (
        "my-brief: audience 'press' has nothing to show after selection "
        "(check its sections, include_tags and exclude_tags)"
    )


def test_select_is_pure_the_brief_is_unchanged():
    brief = tagged_brief()
    before = brief.model_dump()
    project = make_project(exec={"max_points": 1, "details": False, "exclude_tags": ["internal"]})
    first = select(brief, "b", "exec", project)
    assert brief.model_dump() == before
    assert len(brief.sections[0].points) == 5
    assert brief.sections[0].points[4].detail == "The detail."
    again = select(brief, "b", "exec", project)
    assert again == first


def test_view_carries_audience_template_theme_and_formats():
    project = Project.model_validate(
        {
            "template": "default",
            "formats": ["pdf", "html"],
            "theme": {"primary": "#112233", "accent": "#445566"},
            "audiences": {
                "desk-officer": {"template": "formal", "theme": {"accent": "#AABBCC"}},
                "press": {"title": "Press", "formats": ["html"]},
            },
        }
    )
    desk = select(make_brief(), "b", "desk-officer", project)
    assert desk.template == "formal"
    assert desk.audience.title == "Desk Officer"
    assert (desk.theme.primary, desk.theme.accent) == ("#112233", "#AABBCC")
    assert desk.formats == ["pdf", "html"]
    press = select(make_brief(), "b", "press", project)
    assert (press.template, press.audience.title, press.formats) == ("default", "Press", ["html"])


def test_describe_has_a_row_per_audience():
    project = make_project(
        executive={"max_points": 3, "details": False, "exclude_tags": ["detail"]},
        press={"exclude_tags": ["internal"], "classification": "PUBLIC"},
    )
    rows = describe(project)
    assert [r["audience"] for r in rows] == ["executive", "press"]
    assert rows[0]["max points"] == "3" and rows[0]["details"] == "no"
    assert rows[1]["classification"] == "PUBLIC" and rows[1]["exclude"] == "internal"
