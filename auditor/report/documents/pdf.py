"""PDF with ReportLab: A4, Liberation Serif embedded (subset), the layout of Hướng dẫn
36-HD/VPTW.

Chosen by measurement (``benchmarks/documents.py``, ``docs/documents.md``): ReportLab
lays out a notice in a few milliseconds in this process, where converting the ``.docx``
with LibreOffice headless costs a second or more per file.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Image as PdfImage
from reportlab.platypus import Table as PdfTable

from auditor.report.documents.fonts import serif_files
from auditor.report.documents.model import Document, Image, Para, Run, Table

__all__ = ["MARGINS_MM", "pdf_bytes", "write_pdf"]

FONT = "LiberationSerif"
#: top, right, bottom, left (Hướng dẫn 36: top and bottom 20-25 mm, left 30-35, right 15-20).
MARGINS_MM = (20.0, 15.0, 20.0, 30.0)
_TEXT_WIDTH = A4[0] - (MARGINS_MM[1] + MARGINS_MM[3]) * mm


@cache
def _register() -> None:
    files = serif_files()
    faces = {
        FONT: files.regular,
        FONT + "-Bold": files.bold,
        FONT + "-Italic": files.italic,
        FONT + "-BoldItalic": files.bold_italic,
    }
    for name, path in faces.items():
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(
        FONT,
        normal=FONT,
        bold=FONT + "-Bold",
        italic=FONT + "-Italic",
        boldItalic=FONT + "-BoldItalic",
    )


#: Body text size (Hướng dẫn 36: 13-14 pt).
BODY_PT = 13.0


def _style(name: str, size: float = BODY_PT, **kw: object) -> ParagraphStyle:
    base: dict[str, object] = {"fontName": FONT, "fontSize": size, "leading": size * 1.15}
    base.update(kw)
    return ParagraphStyle(name, **base)


@cache
def _styles() -> dict[str, ParagraphStyle]:
    return {
        "body": _style("body", alignment=TA_JUSTIFY, firstLineIndent=10 * mm, spaceBefore=2),
        "item": _style("item", alignment=TA_JUSTIFY, leftIndent=5 * mm, spaceBefore=1),
        "section": _style("section", fontName=FONT + "-Bold", spaceBefore=4, spaceAfter=1),
        "center": _style("center", alignment=TA_CENTER, fontName=FONT + "-Italic"),
        "head": _style("head", 13, alignment=TA_CENTER, leading=15),
        "head_bold": _style("head_bold", 14, alignment=TA_CENTER, fontName=FONT + "-Bold"),
        "party": _style("party", 14, alignment=TA_CENTER, fontName=FONT + "-Bold"),
        "date": _style("date", 13, alignment=TA_CENTER, fontName=FONT + "-Italic"),
        "title": _style("title", 15, alignment=TA_CENTER, fontName=FONT + "-Bold", leading=18),
        "subtitle": _style("subtitle", 14, alignment=TA_CENTER, fontName=FONT + "-Bold"),
        "recipients_head": _style("recipients_head", 12, fontName=FONT + "-BoldItalic"),
        "recipients": _style("recipients", 11, leading=13),
        "sign": _style("sign", 14, alignment=TA_CENTER, fontName=FONT + "-Bold"),
        "sign_name": _style("sign_name", 14, alignment=TA_CENTER, fontName=FONT + "-Bold"),
        "caption": _style("caption", 11, alignment=TA_CENTER, fontName=FONT + "-Italic"),
    }


def _markup(runs: tuple[Run, ...]) -> str:
    parts = []
    for run in runs:
        text = escape(run.text)
        if "b" in run.emphasis:
            text = f"<b>{text}</b>"
        if "i" in run.emphasis:
            text = f"<i>{text}</i>"
        parts.append(text)
    return "".join(parts)


def _p(text: str, style: str) -> Paragraph:
    return Paragraph(escape(text), _styles()[style])


def _heading(doc: Document) -> list[Flowable]:
    h = doc.heading
    left = [
        _p(h.superior, "head"),
        _p(h.committee, "head_bold"),
        _p("*", "head"),
        _p(h.number, "head"),
    ]
    right = [
        Paragraph(f"<u>{escape('ĐẢNG CỘNG SẢN VIỆT NAM')}</u>", _styles()["party"]),
        Spacer(1, 8 * mm),
        _p(h.place_date, "date"),
    ]
    table = _side_by_side(left, right, (0.42, 0.58))
    return [
        table,
        Spacer(1, 6 * mm),
        _p(doc.title, "title"),
        _p(doc.subtitle, "subtitle"),
        _p("-----", "head"),
        Spacer(1, 2 * mm),
    ]


_ALIGN = {"l": TA_LEFT, "c": TA_CENTER, "r": TA_RIGHT}


def _table(block: Table) -> PdfTable:
    size = block.font_size
    cell_styles = {
        a: _style(f"cell{a}{size}", size, leading=size * 1.15, alignment=_ALIGN[a]) for a in "lcr"
    }
    header_style = _style(
        f"th{size}", size, leading=size * 1.15, alignment=TA_CENTER, fontName=FONT + "-Bold"
    )

    def align(col: int) -> str:
        return block.align[col] if col < len(block.align) else "l"

    data = [[Paragraph(escape(h), header_style) for h in block.headers]]
    data += [
        [Paragraph(escape(v), cell_styles[align(i)]) for i, v in enumerate(row)]
        for row in block.rows
    ]
    table = PdfTable(
        data, colWidths=[w * _TEXT_WIDTH for w in block.widths], repeatRows=1, hAlign="CENTER"
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E7E6E6")),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _image(block: Image) -> list[Flowable]:
    from PIL import Image as PilImage

    with PilImage.open(io.BytesIO(block.png)) as picture:
        w, h = picture.size
    width = block.width_mm * mm
    flow: list[Flowable] = [
        Spacer(1, 2 * mm),
        PdfImage(io.BytesIO(block.png), width=width, height=width * h / w),
    ]
    if block.caption:
        flow.append(_p(block.caption, "caption"))
    return flow


def _closing(doc: Document) -> Flowable:
    left: list[Flowable] = [Paragraph("<u>Nơi nhận:</u>", _styles()["recipients_head"])]
    left += [_p(f"- {r},", "recipients") for r in doc.recipients[:-1]]
    if doc.recipients:
        left.append(_p(f"- {doc.recipients[-1]}.", "recipients"))
    right: list[Flowable] = []
    if doc.signature is not None:
        s = doc.signature
        right = [_p(s.on_behalf, "sign"), _p(s.title, "sign"), Spacer(1, 20 * mm)]
        right.append(_p(s.name or " ", "sign_name"))
    table = _side_by_side(left, right, (0.45, 0.55))
    return KeepTogether([Spacer(1, 3 * mm), table])


def _page_number(canvas: object, doc: SimpleDocTemplate) -> None:
    page = doc.page
    if page > 1:  # Hướng dẫn 36: page numbers from the second page, centred at the top
        canvas.setFont(FONT, 13)  # type: ignore[attr-defined]
        canvas.drawCentredString(A4[0] / 2, A4[1] - 12 * mm, str(page))  # type: ignore[attr-defined]


def pdf_bytes(doc: Document) -> bytes:
    """The document as PDF bytes; the same document gives the same bytes."""
    _register()
    story: list[Flowable] = _heading(doc)
    for block in doc.blocks:
        if isinstance(block, Para):
            story.append(Paragraph(_markup(block.runs), _styles()[block.kind]))
        elif isinstance(block, Table):
            story += [Spacer(1, 1.5 * mm), _table(block), Spacer(1, 1.5 * mm)]
        else:
            story += _image(block)
    story.append(_closing(doc))
    out = io.BytesIO()
    top, right, bottom, left = (m * mm for m in MARGINS_MM)
    template = SimpleDocTemplate(
        out,
        pagesize=A4,
        topMargin=top,
        rightMargin=right,
        bottomMargin=bottom,
        leftMargin=left,
        title=doc.subject,
        author=doc.heading.committee,
        subject=doc.subject,
        creator="chibo-auditor",
        invariant=1,
        initialFontName=FONT,
        initialFontSize=BODY_PT,
        lang="vi",
    )
    template.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return out.getvalue()


def write_pdf(doc: Document, path: Path) -> Path:
    Path(path).write_bytes(pdf_bytes(doc))
    return Path(path)


def _side_by_side(
    left: list[Flowable], right: list[Flowable], shares: tuple[float, float]
) -> PdfTable:
    """Two blocks side by side without borders or padding, as the letterhead and the
    signature stand on a Party document."""
    table = PdfTable([[left, right]], colWidths=[share * _TEXT_WIDTH for share in shares])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table
