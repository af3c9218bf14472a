"""Make the pictures in docs/tutorial.md, docs/customizing.md and docs/config.md from real
builds: a fresh project from `briefgen init`, the steps the documents describe, the PDFs
rendered with pdftoppm, the decks with LibreOffice, and the preview server photographed in
headless Chromium. Run it from the repository after a change that shows in the output:

    python docs/images/make_images.py

Needs pdftoppm (poppler-utils), soffice (LibreOffice) and /usr/bin/chromium with the
`playwright` package (the test extra). Pages are rendered at 40-60 dpi and the PNGs are
reduced to a palette so that all pictures together stay a few hundred KB.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from briefgen import api

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
FONT = REPO / "templates" / "default" / "fonts" / "Inter-Bold.otf"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

BOARD = """\
  board:
    title: Board
    template: formal
    sections: [energy, conflict-resolution, trade-investment]
    exclude_tags: [internal, detail]
    max_points: 3
    details: false
    classification: "UNCLASSIFIED // BOARD USE"
    theme: {primary: "#0B5563", accent: "#D97706", logo: logo.png}
    budget: {pages: 3, slides: 16, words_per_slide: 90}
    require_sources: true
    formats: [pdf, pptx]
"""


# ---------------------------------------------------------------- rendering helpers


def pdf_pages(pdf: Path, dpi: int, pages: list[int]) -> list[Image.Image]:
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in pages:
            prefix = Path(tmp) / f"p{n}"
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    str(dpi),
                    "-f",
                    str(n),
                    "-l",
                    str(n),
                    "-singlefile",
                    str(pdf),
                    str(prefix),
                ],
                check=True,
            )
            out.append(Image.open(f"{prefix}.png").convert("RGB"))
    return out


def deck_slides(pptx: Path, dpi: int, slides: list[int]) -> list[Image.Image]:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp, str(pptx)],
            check=True,
            capture_output=True,
        )
        return pdf_pages(Path(tmp) / (pptx.stem + ".pdf"), dpi, slides)


def row(images: list[Image.Image], gap: int = 12, border: bool = True) -> Image.Image:
    height = max(i.height for i in images)
    width = sum(i.width for i in images) + gap * (len(images) + 1)
    canvas = Image.new("RGB", (width, height + 2 * gap), "#e9edf2")
    x = gap
    for image in images:
        canvas.paste(image, (x, gap))
        if border:
            ImageDraw.Draw(canvas).rectangle(
                (x - 1, gap - 1, x + image.width, gap + image.height), outline="#b8c0cc"
            )
        x += image.width + gap
    return canvas


def save(image: Image.Image, name: str, colors: int = 96) -> None:
    path = HERE / name
    image.quantize(colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        path, optimize=True
    )
    print(
        f"{path.relative_to(REPO)}: {image.width}x{image.height}, {path.stat().st_size // 1024} KB"
    )


def make_logo(path: Path) -> None:
    """A made-up ministry logo, 640x200 px: sharp enough at the 40 mm the cover prints it."""
    image = Image.new("RGBA", (640, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 20, 160, 180), radius=24, fill="#0B5563")
    draw.text((38, 40), "M", font=ImageFont.truetype(str(FONT), 84), fill="white")
    font = ImageFont.truetype(str(FONT), 52)
    draw.text((190, 30), "Ministry of", font=font, fill="#0B5563")
    draw.text((190, 100), "Examples", font=font, fill="#D97706")
    image.save(path)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


# ---------------------------------------------------------------- the preview server


def screenshot_serve(root: Path, path: str, tab: str | None, size: tuple[int, int]) -> Image.Image:
    from playwright.sync_api import sync_playwright

    from briefgen.serve import make_server

    server, sock = make_server(root, port=0, watch=False)
    port = sock.getsockname()[1]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]})
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": size[0], "height": size[1]})
            page.goto(f"http://127.0.0.1:{port}{path}")
            page.locator("body[data-check-generation]").wait_for(state="attached", timeout=60_000)
            if tab:
                page.click(f"[data-tab={tab}]")
            time.sleep(1.0)
            shot = Path(tmp) / "shot.png"
            page.screenshot(path=str(shot))
            browser.close()
            return Image.open(shot).convert("RGB")
    finally:
        server.should_exit = True
        thread.join()


def scaled(image: Image.Image, width: int) -> Image.Image:
    return image.resize(
        (width, round(image.height * width / image.width)), Image.Resampling.LANCZOS
    )


# ---------------------------------------------------------------- the pictures


def tutorial(root: Path) -> None:
    api.build(root)
    out = root / "output" / "us-azerbaijan"
    pages = [pdf_pages(out / f"{a}.pdf", 40, [1])[0] for a in ("executive", "press", "desk")]
    save(row(pages), "tutorial-audiences.png")
    slides = deck_slides(out / "executive.pptx", 30, [1, 5, 6])
    save(row(slides), "tutorial-slides.png")

    make_logo(root / "logo.png")
    (root / "briefgen.yaml").write_text((root / "briefgen.yaml").read_text() + BOARD, "utf-8")
    shot = screenshot_serve(root, "/b/us-azerbaijan/board", None, (1400, 860))
    save(scaled(shot, 1000), "tutorial-serve.png", colors=128)
    sidebar = shot.crop((1070, 38, 1400, 540))
    save(sidebar, "config-budget.png", colors=64)

    # The fixes the tutorial makes: fewer sections and points, and alt text for the chart.
    config = root / "briefgen.yaml"
    edit(
        config,
        "sections: [energy, conflict-resolution, trade-investment]",
        "sections: [energy, conflict-resolution]",
    )
    edit(
        config,
        '    max_points: 3\n    details: false\n    classification: "UNCLASSIFIED // BOARD',
        '    max_points: 2\n    details: false\n    classification: "UNCLASSIFIED // BOARD',
    )
    edit(
        root / "content" / "us-azerbaijan.yaml",
        "        unit: milestones\n",
        '        unit: milestones\n        alt: "Milestones per decade: three in the 1990s, '
        'three in the 2000s, none in the 2010s, two in the 2020s."\n',
    )
    report = api.check(root, audiences=["board"])
    assert not report.findings, [str(f) for f in report.findings]
    api.build(root, audiences=["board"])
    page = pdf_pages(out / "board.pdf", 45, [1])[0]
    slides = deck_slides(out / "board.pptx", 30, [1, 5])
    save(row([page, *slides]), "tutorial-board.png")


CUSTOM_BRIEF = """\
{% extends "!default/brief.html.j2" %}
{% block style %}{{ super() }}
.section-title { color: #0B5563; border-bottom: 2px solid #D97706; padding-bottom: 1mm; }
.colophon { border-top: 1px solid #D97706; color: #0B5563; font-style: italic; }
{% endblock %}
{% block colophon %}
<p class="colophon">Prepared by the Caucasus Desk for {{ audience.title }} readers.
Not for onward distribution.</p>
{% endblock %}
"""

CUSTOM_DECK = """\
{% extends "!default/deck.yaml.j2" %}
{% block agenda %}{% endblock %}
{% block closing %}
- kind: closing
  title: Questions?
  text: {{ "Caucasus Desk · " ~ (brief.date | long_date) }}
  notes: Leave five minutes for questions.
{% endblock %}
"""

CORPORATE_SETTINGS = """\
description: The default look on our corporate slide master
extends: default
primary: "#1F3A5F"
accent: "#C8102E"
font: Inter
deck:
  reference: reference.pptx
  font: Calibri
  metrics: {regular: fonts/Carlito-Regular.ttf, bold: fonts/Carlito-Bold.ttf}
  layouts:
    title: Cover
    section: Divider
    agenda: Text
    messages: Text
    bullets: Text
    sources: Text
    quote: Plain
    chart: Plain
    table: Plain
    timeline: Plain
    closing: Plain
  title_size: 28
  body_size: 24
  min_body_size: 16
chart:
  colors: ["#1F3A5F", "#C8102E", "#5B8DB8", "#E8A33D", "#6A8F3C"]
  font: Inter
"""


def corporate_reference(target: Path) -> None:
    """A stand-in for a company's deck: the default reference with renamed layouts and a
    band and company name on the slide master (as a real corporate template has)."""
    import copy

    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.util import Inches, Pt

    prs = Presentation(str(REPO / "templates" / "default" / "reference.pptx"))
    names = {
        "Title Slide": "Cover",
        "Section Header": "Divider",
        "Title and Content": "Text",
        "Title Only": "Plain",
    }
    for layout in prs.slide_layouts:
        layout.name = names.get(layout.name, layout.name)
    scratch = prs.slides.add_slide(prs.slide_layouts[6])
    band = scratch.shapes.add_shape(
        MSO_SHAPE.RECTANGLE, 0, prs.slide_height - Inches(0.12), prs.slide_width, Inches(0.12)
    )
    band.fill.solid()
    band.fill.fore_color.rgb = RGBColor(0x0B, 0x55, 0x63)
    band.line.fill.background()
    name = scratch.shapes.add_textbox(
        Inches(0.4), prs.slide_height - Inches(0.5), Inches(3), Inches(0.3)
    )
    name.text_frame.text = "Example Corp."
    name.text_frame.paragraphs[0].runs[0].font.size = Pt(11)
    name.text_frame.paragraphs[0].runs[0].font.color.rgb = RGBColor(0x0B, 0x55, 0x63)
    tree = prs.slide_master.shapes._spTree
    for shape in (band, name):
        tree.append(copy.deepcopy(shape._element))
    slide_ids = prs.slides._sldIdLst
    rel = slide_ids[-1].rId
    prs.part.drop_rel(rel)
    slide_ids.remove(slide_ids[-1])
    prs.save(str(target))


def customizing(root: Path) -> None:
    templates = root / "templates" / "default"
    templates.mkdir(parents=True, exist_ok=True)
    (templates / "brief.html.j2").write_text(CUSTOM_BRIEF, "utf-8")
    (templates / "deck.yaml.j2").write_text(CUSTOM_DECK, "utf-8")
    result = api.build(root, audiences=["press"])
    count = {o.format: o.pages or o.slides for o in result.outputs}
    out = root / "output" / "us-azerbaijan"
    pages = pdf_pages(out / "press.pdf", 45, [2, count["pdf"]])
    save(row(pages), "customizing-brief.png")
    slides = deck_slides(out / "press.pptx", 30, [2, count["pptx"]])
    save(row(slides), "customizing-deck.png")

    corporate = root / "templates" / "corporate"
    corporate.mkdir()
    (corporate / "template.yaml").write_text(CORPORATE_SETTINGS, "utf-8")
    corporate_reference(corporate / "reference.pptx")
    shutil.rmtree(templates)
    config = root / "briefgen.yaml"
    edit(config, "    title: Press\n", "    title: Press\n    template: corporate\n")
    api.build(root, audiences=["press"], formats=["pptx"])
    save(row(deck_slides(out / "press.pptx", 30, [1, 4, 5])), "customizing-reference.png")


IMPRESS_TEMPLATES = Path("/usr/lib/libreoffice/share/template/common/presnt")


def bring_your_own(root: Path) -> None:
    """docs/customizing.md's walkthrough on a template briefgen's authors did not make:
    LibreOffice's "Vivid", saved as .pptx, drafted with `templates inspect --write`."""
    vivid = IMPRESS_TEMPLATES / "Vivid.otp"
    if not vivid.is_file():
        print(f"skipped customizing-vivid.png: no {vivid}")
        return
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pptx", "--outdir", str(root), str(vivid)],
        check=True,
        capture_output=True,
    )
    briefgen = [sys.executable, "-m", "briefgen", "-C", str(root)]
    subprocess.run(
        [*briefgen, "templates", "inspect", str(root / "Vivid.pptx"), "--write", "vivid"],
        check=True,
        capture_output=True,
    )
    config = root / "briefgen.yaml"
    text = config.read_text("utf-8")
    edit(config, "    title: Press\n", "    title: Press\n    template: vivid\n")
    api.build(root, audiences=["press"], formats=["pptx"])
    out = root / "output" / "us-azerbaijan"
    save(row(deck_slides(out / "press.pptx", 30, [1, 5, 6])), "customizing-vivid.png")
    config.write_text(text, "utf-8")


def main() -> None:
    for tool in ("pdftoppm", "soffice"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is needed to make the pictures")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "my-briefs"
        api.init_project(root)
        tutorial(root)
        customizing(root)
        bring_your_own(root)


if __name__ == "__main__":
    main()
