"""Reference decks that are not built like the built-in ones (issue 13): the body text
goes into the layout's body placeholder found by type and size, whatever its index, also
when two placeholders share an index or when the body placeholder is missing."""

from __future__ import annotations

import copy
import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation
from support import ROOT

from briefgen.cli import cli
from briefgen.render.deck import adapter

P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
REFERENCE = ROOT / "templates" / "default" / "reference.pptx"


def _layout(prs, name: str):
    return next(lay for m in prs.slide_masters for lay in m.slide_layouts if lay.name == name)


def _body_sp(layout):
    for sp in adapter.sp_tree(layout.shapes).iterchildren(f"{P}sp"):
        ph = sp.find(f"{P}nvSpPr/{P}nvPr/{P}ph")
        if ph is not None and ph.get("idx") == "1":
            return sp, ph
    raise AssertionError("no body placeholder")


def renumbered(prs, idx: int) -> None:
    """Content layouts' body placeholders get index ``idx`` (as many templates number them)."""
    for name in ("Title and Content",):
        _, ph = _body_sp(_layout(prs, name))
        ph.set("idx", str(idx))


def collided(prs) -> None:
    """A small placeholder with the body's index, before the body (a caption box, say)."""
    sp, _ = _body_sp(_layout(prs, "Title and Content"))
    small = copy.deepcopy(sp)
    off = small.find(f"{P}spPr/{A}xfrm/{A}off")
    ext = small.find(f"{P}spPr/{A}xfrm/{A}ext")
    if off is None or ext is None:
        pytest.skip("the body placeholder inherits its position")
    ext.set("cx", str(int(ext.get("cx")) // 6))
    ext.set("cy", str(int(ext.get("cy")) // 10))
    sp.addprevious(small)


def without_body(prs) -> None:
    sp, _ = _body_sp(_layout(prs, "Title and Content"))
    sp.getparent().remove(sp)


def _project(tmp_path: Path, change) -> Path:
    root = tmp_path / "p"
    (root / "content").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "us-azerbaijan.yaml", root / "content")
    prs = Presentation(str(REFERENCE))
    change(prs)
    own = root / "templates" / "corp"
    own.mkdir(parents=True)
    out = io.BytesIO()
    prs.save(out)
    (own / "reference.pptx").write_bytes(out.getvalue())
    settings = (ROOT / "templates" / "default" / "template.yaml").read_text()
    (own / "template.yaml").write_text("extends: default\n" + settings)
    (root / "briefgen.yaml").write_text(
        "formats: [pptx]\naudiences:\n  base: {title: Press}\n"
        "  corp: {title: Press, template: corp}\n"
    )
    result = CliRunner().invoke(cli, ["-C", str(root), "build"])
    assert result.exit_code == 0, result.output
    return root / "output" / "us-azerbaijan"


def _bodies(path: Path) -> tuple[int, int]:
    """(slides, slides with a body text box briefgen had to draw itself)."""
    prs = Presentation(str(path))
    boxes = sum(1 for s in prs.slides for sh in s.shapes if sh.name == "Body")
    return len(prs.slides), boxes


@pytest.mark.parametrize(
    "change", [lambda p: renumbered(p, 13), collided], ids=["idx-13", "idx-collision"]
)
def test_the_body_placeholder_is_found_by_type_and_size(tmp_path, change):
    out = _project(tmp_path, change)
    base_slides, base_boxes = _bodies(out / "base.pptx")
    slides, boxes = _bodies(out / "corp.pptx")
    assert (slides, boxes) == (base_slides, base_boxes)  # same paging, text in placeholders
    prs = Presentation(str(out / "corp.pptx"))
    bullets = [s for s in prs.slides if s.slide_layout.name == "Title and Content"]
    assert bullets
    for slide in bullets:
        texts = [sh for sh in slide.placeholders if sh.has_text_frame and sh.text_frame.text]
        assert len(texts) >= 2, [sh.name for sh in slide.shapes]  # title and body


def test_a_layout_without_a_body_placeholder_gets_a_text_box_below_the_title(tmp_path):
    out = _project(tmp_path, without_body)
    slides, boxes = _bodies(out / "corp.pptx")
    base_slides, _ = _bodies(out / "base.pptx")
    assert boxes > 0 and slides >= base_slides
