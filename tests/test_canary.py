"""The canary itself (issue 4): proof that the secret and the server would show a leak, and
hostile content through every built-in template set, audience and format without one."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile.harness import (
    FILES,
    Canary,
    assert_safe_outputs,
    briefgen,
    fixture_bytes,
    make_project,
    outputs,
    place,
    read_output,
    start_canary,
)


@pytest.fixture(scope="module")
def canary(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Canary]:
    yield from start_canary(tmp_path_factory)


def test_with_allow_host_the_server_is_asked_and_the_image_is_used(canary: Canary, tmp_path: Path):
    """The positive control: the server counts, and --allow-host really reaches it."""
    root = make_project(tmp_path / "project", canary)
    place(
        root,
        "templates/default/brief.html.j2",
        fixture_bytes("templates/img-http-allowed.html.j2", canary),
    )
    before = len(canary.requests)
    run = briefgen(root, ["build", "-a", "desk", "-f", "pdf", "--allow-host", "127.0.0.1"])
    assert run.code == 0, run.stderr
    assert canary.requests[before:] == ["/img.png"]
    from pypdf import PdfReader

    reader = PdfReader(root / "output" / "brief" / "desk.pdf")
    assert any("/XObject" in (page["/Resources"] or {}) for page in reader.pages)
    # Without the option the same template is refused and the server is not asked.
    run = briefgen(root, ["build", "-a", "desk", "-f", "pdf", "--force"])
    assert run.code == 2 and "network access is off" in run.stderr
    assert canary.requests[before:] == ["/img.png"]


def _weasyprint_unconfined(html: str, target: Path, base: Path) -> None:
    from weasyprint import HTML

    HTML(string=html, base_url=f"{base}/").write_pdf(target)


def test_the_leak_detector_finds_the_secret_in_every_form_a_leak_could_take(
    canary: Canary, tmp_path: Path
):
    """Made with WeasyPrint's and python-pptx's own, unconfined defaults: had briefgen let
    any of these through, the checks on every hostile case would have failed."""
    outside = canary.outside
    leaks = {
        "attachment.pdf": f'<link rel="attachment" href="{outside}/secret.txt"><p>x</p>',
        "stylesheet.pdf": f'<link rel="stylesheet" href="{outside}/secret.css"><p>x</p>',
        "svg.pdf": f'<img src="{outside}/secret.svg">',
        "network.pdf": f'<link rel="stylesheet" href="{canary.url}/style.css"><p>x</p>',
    }
    for name, html in leaks.items():
        _weasyprint_unconfined(html, tmp_path / name, outside)
        assert canary.marker in read_output(tmp_path / name).everything, name
    assert "/style.css" in canary.requests

    from pptx import Presentation

    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    slide.notes_slide.notes_text_frame.text = (outside / "secret.txt").read_text("utf-8")
    buffer = io.BytesIO()
    deck.save(buffer)
    (tmp_path / "notes.pptx").write_bytes(buffer.getvalue())
    assert canary.marker in read_output(tmp_path / "notes.pptx").text

    import base64

    inline = base64.b64encode((outside / "secret.txt").read_bytes()).decode()
    (tmp_path / "inline.html").write_text(f'<img src="data:text/plain;base64,{inline}">')
    assert canary.marker in read_output(tmp_path / "inline.html").everything


HOSTILE_BRIEFS = ["raw-html.yaml", "link-schemes.yaml", "markdown-images.yaml"]


@pytest.mark.parametrize("template", ["default", "formal"])
@pytest.mark.parametrize("brief", HOSTILE_BRIEFS)
def test_hostile_content_through_every_set_audience_and_format(
    canary: Canary, tmp_path: Path, template: str, brief: str
):
    root = make_project(tmp_path / "project", canary)
    config = (root / "briefgen.yaml").read_text("utf-8")
    (root / "briefgen.yaml").write_text(f"template: {template}\n{config}", "utf-8")
    place(root, "content/brief.yaml", fixture_bytes(f"briefs/{brief}", canary))
    assert (FILES / "briefs" / brief).is_file()
    before = len(canary.requests)
    run = briefgen(root, ["build"])
    assert run.code == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert len(outputs(root)) == 8  # two audiences, four formats
    assert canary.requests[before:] == []
    assert_safe_outputs(root, canary)
