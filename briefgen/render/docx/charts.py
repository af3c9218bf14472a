"""Native Word charts: the deck's chart XML, embedded in the document with its data.

Word and PowerPoint share DrawingML charts, so a figure's chart is written by python-pptx's
chart XML writer and formatted by the deck's own :func:`~briefgen.render.deck.figures.style_chart`
(the same axis, labels and colours as the slide and the PDF), at document sizes. The chart
part and its workbook (what Word's "Edit Data" opens) go into the document package as
python-docx parts; the document holds an inline drawing that points at the chart, with the
figure's alt text. Nothing is rasterized: the chart stays editable, sharp and accessible.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from lxml import etree

from briefgen.model import ChartFigure

CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
CT_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EMU_PER_MM = 36_000
_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def chart_xml(
    figure: ChartFigure, colors: Sequence[str], lang: str, font: str | None
) -> tuple[bytes, bytes]:
    """The chart part's XML (its workbook related as ``rId1``) and the workbook's bytes, its
    text in the document's ``font`` and ``lang``, with no frame around it."""
    from briefgen.render.deck.adapter import chart_space
    from briefgen.render.deck.figures import CHART_TYPES, ChartText, chart_data, style_chart

    data = chart_data(figure)
    space, chart = chart_space(CHART_TYPES[figure.chart], data)
    style_chart(chart, figure, colors, ChartText(9, 8, 8, 8.5, font))
    frame = etree.SubElement(space, f"{{{_C}}}spPr")  # after c:chart, before c:txPr
    etree.SubElement(etree.SubElement(frame, f"{{{_A}}}ln"), f"{{{_A}}}noFill")
    space.chart.addnext(frame)
    for run in space.iter(f"{{{_A}}}defRPr", f"{{{_A}}}rPr"):
        run.set("lang", lang)  # chart text is read in the brief's language
    lang_el = etree.Element(f"{{{_C}}}lang", val=lang)
    space.insert(1, lang_el)  # after c:date1904, as the schema orders it
    external = space.get_or_add_externalData()
    external.rId = "rId1"
    external.get_or_add_autoUpdate().val = False
    xml = etree.tostring(space, xml_declaration=True, encoding="UTF-8", standalone=True)
    return xml, data.xlsx_blob


def add_chart_part(document_part: Any, number: int, xml: bytes, workbook: bytes) -> str:
    """Put a chart and its workbook into the document package; the chart's relationship id."""
    package = document_part.package
    chart = Part(PackURI(f"/word/charts/chart{number}.xml"), CT_CHART, xml, package)
    book_name = f"/word/embeddings/Microsoft_Excel_Worksheet{number}.xlsx"
    book = Part(PackURI(book_name), CT_XLSX, workbook, package)
    rid = chart.relate_to(book, RT.PACKAGE)
    assert rid == "rId1", rid  # what chart_xml wrote into c:externalData
    return document_part.relate_to(chart, RT.CHART)


def inline_chart(rid: str, width_mm: float, height_mm: float, shape_id: int, alt: str) -> Any:
    """The ``wp:inline`` drawing of a chart, with its alt text (``descr``) for readers."""
    from docx.oxml import parse_xml

    cx, cy = round(width_mm * EMU_PER_MM), round(height_mm * EMU_PER_MM)
    xml = (
        f'<wp:inline xmlns:wp="{_WP}" xmlns:a="{_A}" xmlns:c="{_C}" xmlns:r="{_R}" '
        f'distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{shape_id}" name="Chart {shape_id}" descr="{escape(alt)}"/>'
        f"<wp:cNvGraphicFramePr/>"
        f'<a:graphic><a:graphicData uri="{_C}"><c:chart r:id="{rid}"/></a:graphicData>'
        f"</a:graphic></wp:inline>"
    )
    return parse_xml(xml)
