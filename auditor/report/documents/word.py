"""``.docx`` with python-docx: the same document as the PDF, editable, so staff can adjust
the wording before it is signed. Set in Times New Roman (LibreOffice shows Liberation
Serif, its metric twin), A4, the margins and blocks of Hướng dẫn 36-HD/VPTW.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from auditor.report.documents.model import Document, Image, Para, Run, Table
from auditor.report.documents.pdf import BODY_PT, MARGINS_MM

__all__ = ["docx_bytes", "write_docx"]

FONT = "Times New Roman"
_ALIGN = {
    "l": WD_ALIGN_PARAGRAPH.LEFT,
    "c": WD_ALIGN_PARAGRAPH.CENTER,
    "r": WD_ALIGN_PARAGRAPH.RIGHT,
}
_TEXT_WIDTH_MM = 210 - MARGINS_MM[1] - MARGINS_MM[3]


@cache
def _template() -> bytes:
    """python-docx's blank document, read once (parsing it per notice costs more than
    filling it in)."""
    out = io.BytesIO()
    docx.Document().save(out)
    return out.getvalue()


def _font(run: Any, size: float, bold: bool = False, italic: bool = False) -> None:
    """Size and emphasis of a run; the face comes from the Normal style (set once per
    document: naming it on every run took a third of the document's time)."""
    if size != BODY_PT:
        run.font.size = Pt(size)
    if bold:
        run.font.bold = True
    if italic:
        run.font.italic = True


def _normal_font(doc: Any) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    # python-docx's blank document defaults to 10 pt after each paragraph and 1.15 lines:
    # LibreOffice then set a notice the PDF fits on 2 pages on 3. Single spacing of the
    # serif is the PDF's leading (1.15 x size); paragraphs set their own space before.
    normal.paragraph_format.line_spacing = 1.0
    normal.paragraph_format.space_after = Pt(0)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:cs", "w:hAnsi", "w:ascii"):
        fonts.set(qn(attr), FONT)
    # the theme's fonts would otherwise win where a style names one (w:asciiTheme)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)


def _para(
    container: Any,
    text: str = "",
    *,
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
    align: Any = WD_ALIGN_PARAGRAPH.CENTER,
    underline: bool = False,
    space_before: float = 0,
) -> Any:
    p = container.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.space_before = Pt(space_before)
    if text:
        run = p.add_run(text)
        _font(run, size, bold, italic)
        run.font.underline = underline
    return p


def _runs(p: Any, runs: tuple[Run, ...], size: float = BODY_PT) -> None:
    for r in runs:
        _font(p.add_run(r.text), size, "b" in r.emphasis, "i" in r.emphasis)


#: What follows w:tblBorders inside w:tblPr (ECMA-376 order; Word refuses a file whose
#: table properties come out of order).
_AFTER_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption")


def _set_borders(table: Any, borders: Any) -> None:
    table._tbl.tblPr.insert_element_before(borders, *_AFTER_BORDERS)


def _no_borders(table: Any) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    _set_borders(table, borders)


def _grid(table: Any) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "4")
        element.set(qn("w:color"), "000000")
        borders.append(element)
    _set_borders(table, borders)


def _shade(cell: Any, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row: Any) -> None:
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _cell_text(cell: Any, text: str, size: float, **kw: Any) -> None:
    p = cell.paragraphs[0]
    p.alignment = kw.pop("align", WD_ALIGN_PARAGRAPH.LEFT)
    p.paragraph_format.space_after = Pt(0)
    _font(p.add_run(text), size, **kw)


def _two_columns(doc: Any, widths_mm: tuple[float, float]) -> tuple[Any, Any]:
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    _no_borders(table)
    _column_widths(table, [Mm(w) for w in widths_mm])
    left, right = table.rows[0].cells
    for cell, width in zip((left, right), widths_mm, strict=True):
        cell.width = Mm(width)
    return left, right


def _column_widths(table: Any, widths: list[Any]) -> None:
    """The table's grid in the given widths, laid out fixed.

    Word reads each cell's width, LibreOffice the grid (``w:gridCol``), which python-docx
    leaves at equal columns: names then wrapped on three lines and the ranking list of the
    sample year took 2 pages in LibreOffice where the PDF takes 1.
    """
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    table.autofit = False  # w:tblLayout fixed


def _heading(doc: Any, d: Document) -> None:
    left, right = _two_columns(doc, (0.42 * _TEXT_WIDTH_MM, 0.58 * _TEXT_WIDTH_MM))
    h = d.heading
    _cell_text(left, h.superior, 13, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(left, h.committee, bold=True)
    _para(left, "*", size=13)
    _para(left, h.number, size=13)
    _cell_text(right, "ĐẢNG CỘNG SẢN VIỆT NAM", 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    right.paragraphs[0].runs[0].font.underline = True
    _para(right, h.place_date, size=13, italic=True, space_before=20)
    _para(doc, d.title, size=15, bold=True, space_before=16)
    _para(doc, d.subtitle, bold=True)
    _para(doc, "-----", size=13)


def _table(doc: Any, block: Table) -> None:
    table = doc.add_table(rows=1, cols=len(block.headers))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _grid(table)
    widths = [Mm(w * _TEXT_WIDTH_MM) for w in block.widths]
    _column_widths(table, widths)
    header = table.rows[0]
    _repeat_header(header)
    for cell, title, width in zip(header.cells, block.headers, widths, strict=True):
        cell.width = width
        _shade(cell, "E7E6E6")
        _cell_text(cell, title, block.font_size, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for values in block.rows:
        cells = table.add_row().cells
        for i, (cell, value, width) in enumerate(zip(cells, values, widths, strict=True)):
            cell.width = width
            a = block.align[i] if i < len(block.align) else "l"
            _cell_text(cell, value, block.font_size, align=_ALIGN[a])


def _closing(doc: Any, d: Document) -> None:
    left, right = _two_columns(doc, (0.45 * _TEXT_WIDTH_MM, 0.55 * _TEXT_WIDTH_MM))
    _cell_text(left, "Nơi nhận:", 12, bold=True, italic=True)
    left.paragraphs[0].runs[0].font.underline = True
    for i, r in enumerate(d.recipients):
        end = "." if i == len(d.recipients) - 1 else ","
        _para(left, f"- {r}{end}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    if d.signature is not None:
        s = d.signature
        _cell_text(right, s.on_behalf, 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _para(right, s.title, bold=True)
        for _ in range(4):
            _para(right, "")
        _para(right, s.name, bold=True)


def _page_numbers(section: Any) -> None:
    """A PAGE field centred at the top from the second page on (Hướng dẫn 36)."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        run = p.add_run()
        _font(run, BODY_PT)
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def docx_bytes(d: Document) -> bytes:
    """The document as ``.docx`` bytes (dated by the document, so reruns give the same
    properties)."""
    doc = docx.Document(io.BytesIO(_template()))
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    top, right, bottom, left = MARGINS_MM
    section.top_margin, section.right_margin = Mm(top), Mm(right)
    section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
    _normal_font(doc)
    _page_numbers(section)
    props = doc.core_properties
    props.title = d.subject
    props.subject = d.subject
    props.author = d.heading.committee
    props.last_modified_by = d.heading.committee
    props.language = "vi-VN"
    props.revision = 1
    if d.date:
        stamp = dt.datetime.combine(dt.date.fromisoformat(d.date), dt.time())
        props.created = props.modified = stamp
    _heading(doc, d)
    for block in d.blocks:
        if isinstance(block, Para):
            kind = block.kind
            p = doc.add_paragraph()
            fmt = p.paragraph_format
            fmt.space_after = Pt(0)
            fmt.space_before = Pt(6 if kind == "section" else 3)
            if kind == "body":
                p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                fmt.first_line_indent = Mm(10)
            elif kind == "item":
                p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                fmt.left_indent = Mm(5)
            elif kind == "center":
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            runs = block.runs
            if kind == "section":
                runs = tuple(Run(r.text, "b") for r in runs)
            elif kind == "center":
                runs = tuple(Run(r.text, "i") for r in runs)
            _runs(p, runs)
        elif isinstance(block, Table):
            _table(doc, block)
        elif isinstance(block, Image):
            p = _para(doc)
            p.add_run().add_picture(io.BytesIO(block.png), width=Mm(block.width_mm))
            if block.caption:
                _para(doc, block.caption, size=11, italic=True)
    _para(doc, "")
    _closing(doc, d)
    out = io.BytesIO()
    doc.save(out)
    return _dated_once(out.getvalue())


def _dated_once(data: bytes) -> bytes:
    """The same package with every member dated 1 Jan 1980.

    python-docx stamps each zip member with the clock, so a rerun a second later gave
    other bytes; the report's promise (same inputs, same files) covers the documents too.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, src.read(info))
    return out.getvalue()


def write_docx(d: Document, path: Path) -> Path:
    Path(path).write_bytes(docx_bytes(d))
    return Path(path)
