"""The deck builder's use of python-pptx internals (issue 13): all of it in
``render/deck/adapter.py``, for versions it was checked against, with nothing patched
process-wide outside a build, and the public-API fallback building the same deck."""

from __future__ import annotations

import re
from pathlib import Path

import pptx
import pytest
from pptx import Presentation
from pptx.opc.package import _Relationships
from pptx.oxml import xmlchemy
from support import make_brief, make_project

from briefgen.audience import select
from briefgen.files import FileTree
from briefgen.render import RenderJob
from briefgen.render.deck import _shared, adapter, render_deck
from briefgen.templates import load_set

RENDER = Path(__file__).resolve().parents[1] / "briefgen" / "render"
PRIVATE = re.compile(
    r"\._(element|spTree|txBody|sldIdLst|rels|blob|add_relationship|next_slide_partname"
    r"|shape_factory|add_sldId|open_worksheet|workbook_writer|get_matching|nsmap)\b"
    r"|pptx\.(opc\.package|opc\.serialized|opc\.oxml|parts|oxml\.xmlchemy)\b"
    r"|from pptx\.oxml import xmlchemy"
)


def test_the_installed_python_pptx_is_one_the_adapter_was_checked_against():
    """A new python-pptx release fails here first: check the adapter's shortcuts against it
    (tests/test_deck_package.py compares them with python-pptx's own output), then add it."""
    assert pptx.__version__ in adapter.SUPPORTED, (
        f"python-pptx {pptx.__version__} is not in adapter.SUPPORTED {adapter.SUPPORTED}"
    )
    assert adapter.FAST


def test_no_module_but_the_adapter_touches_python_pptx_internals():
    own = (RENDER / "deck" / "adapter.py").read_text("utf-8")
    assert len(PRIVATE.findall(own)) >= 10  # the pattern finds what the adapter does
    offenders = []
    for path in sorted(RENDER.rglob("*.py")):
        if path.name == "adapter.py":
            continue
        for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if PRIVATE.search(line) and "python-docx" not in line:
                offenders.append(f"{path.relative_to(RENDER)}:{n}: {line.strip()}")
    docx_objects = re.compile(r"\._(p|r|tbl|tr)\b|\._element\b.*docx|document\.|part\._blob")
    offenders = [o for o in offenders if not (o.startswith("docx/") and docx_objects.search(o))]
    assert not offenders, "\n".join(offenders)


def _job() -> RenderJob:
    project = make_project(press={"title": "Press"})
    view = select(make_brief(), "b", "press", project)
    return RenderJob(view, load_set("default", None), FileTree("project", Path(".")), "pptx")


def _stock() -> tuple:
    return (xmlchemy.BaseOxmlElement.xpath, xmlchemy.qn, _Relationships._get_matching)


def test_python_pptx_is_stock_before_and_after_a_build():
    before = _stock()
    render_deck(_job())
    assert _stock() == before
    assert "_get_matching" not in vars(Presentation().part.rels)  # other decks untouched


def test_the_lookup_shortcuts_hold_only_inside_a_build_and_nest():
    stock = _stock()
    with adapter.faster():
        inside = _stock()
        assert inside[0] is not stock[0] and inside[1] is not stock[1]
        with adapter.faster():
            assert _stock() == inside
        assert _stock() == inside  # the inner exit keeps the outer build's shortcuts
    assert _stock() == stock


def test_the_public_api_fallback_builds_the_same_deck(monkeypatch: pytest.MonkeyPatch):
    """On a python-pptx the adapter does not know, every shortcut falls back to the public
    API: slower, and byte for byte the same deck."""
    job = _job()
    _shared.cache_clear()
    fast = render_deck(job).data
    monkeypatch.setattr(adapter, "FAST", False)
    _shared.cache_clear()
    stock = _stock()
    slow = render_deck(job).data
    assert _stock() == stock
    assert slow == fast
