"""Reference decks that are not built like the built-in ones (issue 13): the body text
goes into the layout's body placeholder found by type and size, whatever its index, also
when two placeholders share an index or when the body placeholder is missing."""

from __future__ import annotations

import copy
import io
import re
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


GERMAN = {
    "Title Slide": "Titelfolie",
    "Title and Content": "Titel und Inhalt",
    "Section Header": "Abschnittsüberschrift",
    "Title Only": "Nur Titel",
}


def _german(path: Path) -> None:
    prs = Presentation(str(REFERENCE))
    for master in prs.slide_masters:
        for layout in master.slide_layouts:
            if layout.name in GERMAN:
                adapter.element(layout).cSld.set("name", GERMAN[layout.name])
    prs.save(str(path))


def test_inspect_lists_layouts_and_drafts_a_mapping_that_builds(tmp_path):
    root = tmp_path / "p"
    (root / "content").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "us-azerbaijan.yaml", root / "content")
    (root / "briefgen.yaml").write_text(
        "formats: [pptx]\naudiences:\n  press: {title: Press, template: ministerium}\n"
    )
    deck = tmp_path / "Ministerium.pptx"
    _german(deck)
    runner = CliRunner()
    shown = runner.invoke(cli, ["-C", str(root), "templates", "inspect", str(deck)])
    assert shown.exit_code == 0, shown.output
    assert "layout 'Titel und Inhalt', body idx 1" in shown.output
    assert re.search(r"title\s+idx 0\s+at\s+[\d.]+,\s+[\d.]+ in", shown.output)
    assert re.search(
        r"bullets\s+-> 'Titel und Inhalt' of master 1 \(by its placeholders\)", shown.output
    )
    assert re.search(r"title\s+-> 'Titelfolie'", shown.output)
    assert re.search(r"chart\s+-> 'Nur Titel'", shown.output)
    assert re.search(r"section\s+-> 'Abschnittsüberschrift'", shown.output)
    assert "MISSING" not in shown.output
    # Without a mapping the build names the missing layout; with the draft it builds.
    written = runner.invoke(
        cli, ["-C", str(root), "templates", "inspect", str(deck), "--write", "ministerium"]
    )
    assert written.exit_code == 0, written.output
    settings = (root / "templates" / "ministerium" / "template.yaml").read_text()
    assert 'bullets: "Titel und Inhalt"' in settings and "metrics" not in settings
    built = runner.invoke(cli, ["-C", str(root), "build"])
    assert built.exit_code == 0, built.output
    prs = Presentation(str(root / "output" / "us-azerbaijan" / "press.pptx"))
    used = {s.slide_layout.name for s in prs.slides}
    assert used <= set(GERMAN.values()) and "Titel und Inhalt" in used
    again = runner.invoke(
        cli, ["-C", str(root), "templates", "inspect", str(deck), "--write", "ministerium"]
    )
    assert again.exit_code == 2 and "not overwritten" in again.output


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        (b"presentationml.template.main+xml", 0),
        (b"presentationml.presentation.macroEnabled.main+xml", 2),
    ],
)
def test_templates_and_macro_files_under_a_pptx_name(tmp_path, content_type, expected):
    import zipfile

    data = REFERENCE.read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                body = body.replace(b"presentationml.presentation.main+xml", content_type)
            target.writestr(info.filename, body)
    deck = tmp_path / "corporate.pptx"
    deck.write_bytes(out.getvalue())
    result = CliRunner().invoke(cli, ["templates", "inspect", str(deck)])
    assert result.exit_code == expected, result.output
    if expected:
        assert "macro-enabled" in result.output and "Traceback" not in result.output


def test_validate_names_every_kind_without_a_layout_in_one_line(tmp_path):
    root = tmp_path / "p"
    (root / "content").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "us-azerbaijan.yaml", root / "content")
    own = root / "templates" / "corp"
    own.mkdir(parents=True)
    _german(own / "reference.pptx")
    settings = (ROOT / "templates" / "default" / "template.yaml").read_text()
    (own / "template.yaml").write_text("extends: default\n" + settings)
    (root / "briefgen.yaml").write_text("template: corp\naudiences:\n  press: {title: Press}\n")
    result = CliRunner().invoke(cli, ["-C", str(root), "validate"])
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if "no layout named" in line]
    assert len(errors) == 1
    for kind in ("title", "bullets", "section", "chart"):
        assert f"for '{kind}' slides" in errors[0]
    assert "'Titel und Inhalt'" in errors[0] and "templates inspect" in errors[0]
