"""mapping.py: which layout each slide kind uses, by name and master (no python-pptx)."""

from __future__ import annotations

import pytest

from briefgen.errors import InputError
from briefgen.render.deck.mapping import map_kinds
from briefgen.templates import DeckSettings

LIGHT = [("Title Slide", "light title"), ("Title and Content", "light content")]
DARK = [("Title Slide", "dark title"), ("title and content", "dark content")]


def _map(masters, **settings):
    return map_kinds(masters, DeckSettings(**settings), "corp", {"title", "bullets"})


def test_standard_names_are_matched_without_regard_to_case_in_the_chosen_master():
    assert _map([("", LIGHT), ("", DARK)], master=2) == {
        "title": "dark title",
        "bullets": "dark content",
    }
    assert _map([("A", LIGHT), ("B", DARK)], master="A")["bullets"] == "light content"
    assert _map([("A", LIGHT), ("B", DARK)])["bullets"] == "light content"  # the first


def test_impress_and_google_slides_names_are_known():
    impress = [("Title Slide", "t"), ("Title, Content", "impress")]
    google = [("Title slide", "t"), ("Title and body", "google")]
    assert _map([("", impress)])["bullets"] == "impress"
    assert _map([("", google)])["bullets"] == "google"


def test_a_master_number_or_name_that_is_not_there_is_one_clear_error():
    with pytest.raises(InputError, match=r"deck.master 3 is not a master .* it has 2"):
        _map([("", LIGHT), ("", DARK)], master=3)
    with pytest.raises(InputError, match=r"deck.master 'C' .* masters are: 'A', 'B'"):
        _map([("A", LIGHT), ("B", DARK)], master="C")
    with pytest.raises(ValueError):
        DeckSettings(master=0)


def test_a_users_own_layout_name_is_matched_exactly():
    with pytest.raises(InputError, match="no layout named 'title slide' for 'title' slides"):
        _map([("", LIGHT)], layouts={"title": "title slide"})
