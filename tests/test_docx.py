"""The Word brief (issue 15): the sample's DOCX files read back with python-docx (headings,
banner and page fields in every header and footer, table header rows, alt text, numbered
sources equal to the PDF's, properties and language), localized labels and dates, byte-
identical rebuilds, audience colours, and corporate reference documents, good and bad."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn
from support import AUDIENCES, ROOT

from briefgen.cli import cli

pytestmark = pytest.mark.e2e
SCENARIO = Path(__file__).resolve().parent / "fixtures" / "scenario"
W_TBL_HEADER = qn("w:tblHeader")


def _headings(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def _fields(part_element) -> list[str]:
    return [t.text.strip() for t in part_element.iter(qn("w:instrText"))]


# ---------------------------------------------------------------- the sample's structure


@pytest.mark.parametrize("audience", AUDIENCES)
def test_sections_are_word_headings_numbered_as_in_the_brief(sample_build, audience):
    view = sample_build.views[audience]
    document = sample_build.docx(audience)
    headings = _headings(document, 1)
    numbered = [h for h in headings if re.match(r"\d+\.? ", h)]
    titles = [re.sub(r"^\d+\.? ", "", h) for h in numbered]
    assert titles == [s.title for s in view.sections]
    assert [document.paragraphs[0].style.name] != ["Normal"]
    title_styles = {p.style.name for p in document.paragraphs if p.text.endswith(view.title)}
    assert title_styles & {"Title", "Memo Subject"}


@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_header_and_footer_carries_the_banner_and_page_fields(sample_build, audience):
    view = sample_build.views[audience]
    document = sample_build.docx(audience)
    for section in document.sections:
        header = [p.text for p in section.header.paragraphs]
        footer = [p.text for p in section.footer.paragraphs]
        assert header[0] == view.classification
        assert footer[-1] == view.classification
        assert _fields(section.footer._element) == ["PAGE", "NUMPAGES"]
        banner = section.header.paragraphs[0]
        assert banner.style.name == "Banner"


@pytest.mark.parametrize("audience", AUDIENCES)
def test_tables_are_word_tables_with_repeating_headers_and_alt_text(sample_build, audience):
    view = sample_build.views[audience]
    document = sample_build.docx(audience)
    figures = [f for s in view.sections for f in s.figures if f.kind == "table"]
    tables = document.tables
    expected = len(figures) + (1 if view.timeline else 0)
    assert len(tables) == expected
    for table in tables:
        first, *rest = table.rows
        assert first._tr.trPr.find(W_TBL_HEADER) is not None  # repeats on every page
        assert all(r._tr.trPr is None or r._tr.trPr.find(W_TBL_HEADER) is None for r in rest)
        description = table._tbl.tblPr.find(qn("w:tblDescription"))
        assert description is not None and description.get(qn("w:val"))
    for figure, table in zip(figures, tables, strict=False):
        assert [c.text for c in table.rows[0].cells] == [str(c) for c in figure.columns]
        assert len(table.rows) == len(figure.rows) + 1


@pytest.mark.parametrize("audience", AUDIENCES)
def test_charts_are_native_charts_with_their_data_and_alt_text(sample_build, audience):
    view = sample_build.views[audience]
    charts = [f for s in view.sections for f in s.figures if f.kind == "chart"]
    path = sample_build.path(audience, "docx")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        chart_parts = sorted(n for n in names if re.fullmatch(r"word/charts/chart\d+\.xml", n))
        assert len(chart_parts) == len(charts)
        assert len([n for n in names if n.startswith("word/embeddings/")]) == len(charts)
        for name, figure in zip(chart_parts, charts, strict=True):
            xml = archive.read(name).decode()
            for category in figure.categories:
                assert f"<c:v>{category}</c:v>" in xml
            assert f'<c:lang val="{view.lang}"/>' in xml
    document = sample_build.docx(audience)
    alts = [d.get("descr") for d in document.element.body.iter(qn("wp:docPr"))]
    assert alts == [f.alt or f.title for f in charts]


def _html_sources(html: str) -> dict[int, str]:
    found = re.findall(
        r'<li id="source-(\d+)">(?:<span class="note-no">\d+\.</span>)?'
        r'<span class="source-title">([^<]+)</span>',
        html,
    )
    return {int(n): title for n, title in found}


@pytest.mark.parametrize("audience", AUDIENCES)
def test_sources_have_the_numbers_of_the_pdf(sample_build, audience):
    document = sample_build.docx(audience)
    entries = {}
    for p in document.paragraphs:
        if p.style.name == "Source":
            number, _, rest = p.text.partition(".\t")
            entries[int(number)] = rest
    reader = sample_build.pdf_reader(audience)
    pdf_numbers = {
        int(k.split("-")[1]) for k in reader.named_destinations if k.startswith("source-")
    }
    assert set(entries) == pdf_numbers and entries
    for number, title in _html_sources(sample_build.html(audience)).items():
        assert entries[number].startswith(title)  # same number, same source
    cited = {int(n) for p in document.paragraphs for n in re.findall(r"\d+", _cites(p))}
    assert cited <= set(entries)


def _cites(paragraph) -> str:
    return "".join(r.text for r in paragraph.runs if r.font.superscript)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_properties_and_language_are_the_briefs(sample_build, audience):
    view = sample_build.views[audience]
    document = sample_build.docx(audience)
    props = document.core_properties
    assert props.title == view.title
    assert props.author == ", ".join(view.authors)
    assert props.language == view.lang
    assert props.keywords == view.classification
    assert props.created.date() == view.date
    langs = {el.get(qn("w:val")) for el in document.styles.element.iter(qn("w:lang"))}
    assert langs == {view.lang}


def test_the_azerbaijani_version_has_azerbaijani_labels_and_dates(sample_build):
    document = sample_build.docx("baku")
    text = "\n".join(p.text for p in document.paragraphs)
    assert "ƏSAS NƏTİCƏ" in text  # "Bottom line", capitalised with a dotted İ
    assert "Əsas mesajlar" in text or "Əsas fikirlər" in text
    assert "23 noyabr 2026" in text
    footer = "".join(p.text for p in document.sections[0].footer.paragraphs)
    assert footer.startswith("Səhifə")
    english = "\n".join(p.text for p in sample_build.docx("press").paragraphs)
    assert "BOTTOM LINE" in english and "Page" in "".join(
        p.text for p in sample_build.docx("press").sections[0].footer.paragraphs
    )


def test_a_russian_version_has_russian_labels_and_dates(tmp_path):
    root = tmp_path / "p"
    shutil.copytree(SCENARIO, root, ignore=shutil.ignore_patterns("output"))
    config = (root / "briefgen.yaml").read_text()
    (root / "briefgen.yaml").write_text(config.replace("audiences:", "lang: ru\naudiences:", 1))
    result = CliRunner().invoke(cli, ["-C", str(root), "build", "-f", "docx"])
    assert result.exit_code == 0, result.output
    for path in (root / "output").rglob("*.docx"):
        document = docx.Document(str(path))
        text = "\n".join(p.text for p in document.paragraphs)
        assert "ноября" in text or "октября" in text or re.search(r"\d+ [а-я]+ \d{4}", text)
        assert "Источники" in text
        footer = "".join(p.text for p in document.sections[0].footer.paragraphs)
        assert footer.startswith("Страница")
        assert document.core_properties.language == "ru"


# ---------------------------------------------------------------- builds


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    (root / "content").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "us-azerbaijan.yaml", root / "content")
    (root / "briefgen.yaml").write_text(
        "formats: [docx]\naudiences:\n  press: {title: Press}\n"
        "  desk: {title: Desk, template: formal}\n"
    )
    return root


def test_rebuilds_are_byte_identical_and_incremental(tmp_path):
    root = _project(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["-C", str(root), "build"]).exit_code == 0
    paths = sorted((root / "output").rglob("*.docx"))
    assert [p.name for p in paths] == ["desk.docx", "press.docx"]
    first = [p.read_bytes() for p in paths]
    again = runner.invoke(cli, ["-C", str(root), "build"])
    assert "unchanged" in again.output
    assert runner.invoke(cli, ["-C", str(root), "build", "--force"]).exit_code == 0
    assert [p.read_bytes() for p in paths] == first


def test_format_option_builds_only_word_files(project):
    result = CliRunner().invoke(cli, ["-C", str(project), "build", "-f", "docx", "-a", "press"])
    assert result.exit_code == 0, result.output
    built = sorted(p.name for p in (project / "output").rglob("*.*") if p.suffix != ".json")
    assert built == ["press.docx"]


def test_audience_colours_replace_the_sets_in_the_styles(tmp_path):
    root = _project(tmp_path)
    (root / "briefgen.yaml").write_text(
        "formats: [docx]\naudiences:\n  green:\n"
        "    theme: {primary: '#1F5F3A', accent: '#7A4B00'}\n"
    )
    assert CliRunner().invoke(cli, ["-C", str(root), "build"]).exit_code == 0
    document = docx.Document(str(root / "output" / "us-azerbaijan" / "green.docx"))
    assert str(document.styles["Heading 1"].font.color.rgb) == "1F5F3A"
    assert str(document.styles["Banner"].font.color.rgb) == "7A4B00"
    styles_xml = document.styles.element.xml
    assert "1F3A5F" not in styles_xml and "C8102E" not in styles_xml  # the set's own


# ---------------------------------------------------------------- corporate references


def _corporate(root: Path, reference: bytes, styles: str = "") -> None:
    own = root / "templates" / "corporate"
    own.mkdir(parents=True)
    (own / "reference.docx").write_bytes(reference)
    (own / "template.yaml").write_text(
        f"extends: default\ndocx:\n  reference: reference.docx\n{styles}"
    )
    config = (root / "briefgen.yaml").read_text()
    (root / "briefgen.yaml").write_text(
        config.replace("formats: [docx]", "formats: [docx]\ntemplate: corporate")
    )


def _plain_reference(header: str = "ACME Ministry") -> docx.document.Document:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = header
    document.add_paragraph("Sample text that must not reach the brief.")
    return document


def _bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_corporate_reference_keeps_its_header_and_drops_its_sample_text(tmp_path):
    root = _project(tmp_path)
    _corporate(root, _bytes(_plain_reference()), "  styles: {body: Body Text 2}\n")
    result = CliRunner().invoke(cli, ["-C", str(root), "build", "-a", "press"])
    assert result.exit_code == 0, result.output
    document = docx.Document(str(root / "output" / "us-azerbaijan" / "press.docx"))
    header = [p.text for p in document.sections[0].header.paragraphs]
    assert header == ["UNCLASSIFIED", "ACME Ministry"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Sample text" not in text
    assert _headings(document, 1)  # Word's own heading styles
    assert any(p.style.name == "List Bullet" for p in document.paragraphs)


def test_a_word_template_saved_as_docx_is_accepted(tmp_path):
    data = _bytes(_plain_reference())
    template_type = (
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
    )
    document_type = (
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                body = body.replace(document_type, template_type)
            target.writestr(info.filename, body)
    root = _project(tmp_path)
    _corporate(root, out.getvalue())
    result = CliRunner().invoke(cli, ["-C", str(root), "build", "-a", "press"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda d: d.replace(b"document.main+xml", b"document.macroEnabled.main+xml"), "macro"),
        (lambda d: b"not a zip at all", "not a Word document"),
    ],
)
def test_bad_references_stop_the_build_with_one_line(tmp_path, make, expected):
    data = _bytes(_plain_reference())
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
    reference = out.getvalue()
    if expected == "macro":
        with zipfile.ZipFile(io.BytesIO(reference)) as source:
            types = make(source.read("[Content_Types].xml"))
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(reference)) as source, zipfile.ZipFile(out, "w") as t:
            for info in source.infolist():
                body = (
                    types if info.filename == "[Content_Types].xml" else source.read(info.filename)
                )
                t.writestr(info.filename, body)
        reference = out.getvalue()
    else:
        reference = make(reference)
    root = _project(tmp_path)
    _corporate(root, reference)
    result = CliRunner().invoke(cli, ["-C", str(root), "build", "-a", "press"])
    assert result.exit_code == 2, result.output
    assert "reference.docx" in result.output and expected in result.output
    assert "Traceback" not in result.output
    assert not list((root / "output").rglob("*.docx"))


def test_a_reference_that_links_outside_is_refused(tmp_path):
    document = _plain_reference()
    part = document.sections[0].header.part
    part.relate_to(
        "file://server/share/logo.png", docx.opc.constants.RELATIONSHIP_TYPE.IMAGE, is_external=True
    )
    root = _project(tmp_path)
    _corporate(root, _bytes(document))
    result = CliRunner().invoke(cli, ["-C", str(root), "build", "-a", "press"])
    assert result.exit_code == 2, result.output
    assert "self-contained" in result.output and "file://server/share/logo.png" in result.output


def test_a_style_mapping_to_a_missing_style_names_the_styles_there_are(tmp_path):
    root = _project(tmp_path)
    _corporate(root, _bytes(_plain_reference()), "  styles: {summary: Box Text}\n")
    result = CliRunner().invoke(cli, ["-C", str(root), "build", "-a", "press"])
    assert result.exit_code == 2, result.output
    line = next(x for x in result.output.splitlines() if "Box Text" in x)
    assert "docx.styles.summary" in line and "Heading 1" in line


# ---------------------------------------------------------------- LibreOffice


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) not installed")
def test_libreoffice_converts_every_sample_docx(sample_build, tmp_path):
    import subprocess

    sources = [sample_build.path(a, "docx") for a in AUDIENCES]
    run = subprocess.run(
        [
            "soffice",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *map(str, sources),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stderr
    from pypdf import PdfReader

    for audience in AUDIENCES:
        reader = PdfReader(tmp_path / f"{audience}.pdf")
        text = "\n".join(p.extract_text() for p in reader.pages)
        view = sample_build.views[audience]
        assert view.title in text.replace("\n", " ")
        n = len(reader.pages)
        assert re.search(rf"\b{n}\b", reader.pages[-1].extract_text())  # the NUMPAGES field


def test_the_template_a_reference_was_made_from_is_not_linked_into_briefs(tmp_path):
    """Corporate documents often name their template on a share (attachedTemplate): Word
    would look it up when the brief is opened, so briefgen drops the link."""
    document = _plain_reference()
    settings = document.settings
    reltype = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
    rid = document.part._settings_part.relate_to(
        "file:///S:/Templates/Ministry.dotm", reltype, is_external=True
    )
    element = settings.element.makeelement(qn("w:attachedTemplate"), {qn("r:id"): rid})
    settings.element.insert(0, element)
    root = _project(tmp_path)
    _corporate(root, _bytes(document))
    result = CliRunner().invoke(cli, ["-C", str(root), "build", "-a", "press"])
    assert result.exit_code == 0, result.output
    data = (root / "output" / "us-azerbaijan" / "press.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        everything = b"".join(archive.read(n) for n in archive.namelist())
    assert b"Ministry.dotm" not in everything and b"attachedTemplate" not in everything


def test_a_reference_without_a_standard_style_builds_and_check_says_so(tmp_path):
    document = _plain_reference()
    title = document.styles["Title"].element
    title.getparent().remove(title)
    root = _project(tmp_path)
    _corporate(root, _bytes(document))
    built = CliRunner().invoke(cli, ["-C", str(root), "build", "-a", "press"])
    assert built.exit_code == 0, built.output
    checked = CliRunner().invoke(cli, ["-C", str(root), "check", "-a", "press"])
    line = next(x for x in checked.output.splitlines() if "docx.style" in x or "'Title'" in x)
    assert "warning" in line and "Title" in line
