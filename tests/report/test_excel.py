"""report.xlsx: the sheets, their rows, and no text ever becoming a formula."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils.escape import unescape

from auditor.models import InputFile, Note, QuotaMove, Report
from auditor.report import write_excel
from tests import report_factories as f

SHEETS = [
    "Tổng hợp",
    "Vi phạm",
    "Chỉ tiêu 124",
    "Dòng bị loại",
    "Tệp đầu vào",
    "Ghi chú",
    "Quy tắc",
    "Thông tin",
]


def rows(sheet: Any) -> list[list[Any]]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def assert_no_formula(path: Path) -> None:
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


@pytest.fixture
def report() -> Report:
    cells, moves = f.scored_run()
    return f.report(cells, quota_moves=moves, rejected=[f.rejected_row("A/CB002.xlsx")])


def test_sheets_and_summary(report: Report, tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    write_excel(report, f.rules(), path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == SHEETS
    summary = book["Tổng hợp"]
    table = rows(summary)
    header = table[0]
    assert header[:7] == [
        "Đảng bộ",
        "Mã chi bộ",
        "Tên chi bộ",
        "Điểm",
        "Xếp loại",
        "Xếp loại trước chỉ tiêu",
        "Thứ hạng",
    ]
    assert header[-4:] == ["KH01", "CD01", "CD02", "TK01"]
    assert [r[1] for r in table[1:]] == [c.cell_id for c in report.cells]
    cb003 = next(r for r in table if r[1] == "CB003")
    assert cb003[3] == 70 and cb003[4] == "HTNV"
    assert cb003[header.index("CD01")] == 20 and cb003[header.index("KH01")] == 10
    assert cb003[header.index("CD02")] is None
    assert summary.freeze_panes == "A2"
    assert summary.auto_filter.ref == f"A1:{summary.cell(1, len(header)).column_letter}6"
    assert summary["E2"].fill.fgColor.rgb.endswith("DDEBF7")  # HTTNV colour


def test_violation_rows_one_per_evidence(tmp_path: Path) -> None:
    v = f.violation(
        "CD02",
        3,
        date=dt.date(2024, 5, 14),
        evidence=[("a.xlsx", "Sinh hoạt", 12), ("a.xlsx", "Sinh hoạt", 13)],
        details={"planned": "Chuyên đề A", "actual": "Chuyên đề B"},
    )
    bare = f.violation("CD01", 10, period="Q2")
    report = f.report([f.cell(violations=[v, bare], score=87, band="HTTNV")])
    path = tmp_path / "r.xlsx"
    write_excel(report, f.rules(), path)
    table = rows(openpyxl.load_workbook(path)["Vi phạm"])
    header, body = table[0], table[1:]
    assert len(body) == 3
    assert [r[header.index("Dòng")] for r in body] == [12, 13, None]
    first = body[0]
    assert first[header.index("Quy tắc")] == "CD02"
    assert first[header.index("Nội dung quy tắc")] == "Dự thảo gửi muộn"
    assert first[header.index("Ngày sinh hoạt")] == dt.datetime(2024, 5, 14)
    assert first[header.index("Biện pháp khắc phục")] == "Khắc phục CD02"
    assert first[header.index("Chi tiết")] == (
        "Chủ đề thực tế: Chuyên đề B; Chủ đề kế hoạch: Chuyên đề A"
    )
    assert body[2][header.index("Kỳ")] == "Quý 2/2024"


def test_other_sheets(report: Report, tmp_path: Path) -> None:
    report = report.model_copy(
        update={
            "inputs": [
                *report.inputs,
                InputFile(file="broken.xlsx", sha256=None, status="error", error="Tệp hỏng"),
            ],
            "notes": [
                Note(code="no_sessions", message_vi="Chi bộ không có buổi nào", message_en="x")
            ],
        }
    )
    path = tmp_path / "r.xlsx"
    write_excel(report, f.rules(), path)
    book = openpyxl.load_workbook(path)
    rejected = rows(book["Dòng bị loại"])
    assert rejected[1][:3] == ["A/CB002.xlsx", "Sinh hoạt", 14]
    inputs = rows(book["Tệp đầu vào"])
    assert inputs[-1][:2] == ["broken.xlsx", "Lỗi"]
    assert rows(book["Ghi chú"])[1][4] == "Chi bộ không có buổi nào"
    rules = rows(book["Quy tắc"])
    assert rules[1][:3] == ["KH01", "Không có kế hoạch", 10]
    assert rules[3][5] == "draft_min_days = 3"
    moves = rows(book["Chỉ tiêu 124"])
    assert len(moves) == 1 + len(report.quota_moves)
    assert moves[1][6].startswith("Vượt chỉ tiêu 20%")


@pytest.mark.parametrize("text", f.FORMULA_TEXTS)
def test_workbook_text_never_becomes_a_formula(text: str, tmp_path: Path) -> None:
    v = f.violation(
        message_vi=text,
        evidence=[(text, text, 3)],
        details={"topic": text},
    )
    report = f.report(
        [f.cell(text, name=text, parent=text, violations=[v], score=97)],
        quota_moves=[
            QuotaMove(parent=text, cell_id=text, score=97, message_vi=text, message_en=text)
        ],
        rejected=[f.rejected_row(text, value=text)],
        notes=[Note(file=text, sheet=text, code="x", message_vi=text, message_en=text)],
        inputs=[InputFile(file=text, sha256=None, status="error", error=text)],
    )
    path = tmp_path / "r.xlsx"
    write_excel(report, f.rules(), path)
    assert_no_formula(path)
    book = openpyxl.load_workbook(path)
    summary = book["Tổng hợp"]
    for coordinate in ("A2", "B2", "C2"):
        cell = summary[coordinate]
        # openpyxl leaves OOXML's _x000D_ escape of inline strings as it is; Excel does not.
        assert unescape(cell.value) == text and cell.data_type == "s"
        assert cell.quotePrefix  # Excel keeps it text even when edited
    assert unescape(book["Vi phạm"]["L2"].value) == text
    assert unescape(book["Dòng bị loại"]["F2"].value) == text


def test_xss_and_control_characters_are_plain_text(tmp_path: Path) -> None:
    name = f.XSS_NAME + "\x01tab\there"
    report = f.report([f.cell(name=name)])
    path = tmp_path / "r.xlsx"
    write_excel(report, f.rules(), path)
    assert_no_formula(path)
    assert unescape(openpyxl.load_workbook(path)["Tổng hợp"]["C2"].value) == name


def test_empty_run(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    write_excel(f.report([], inputs=[]), [], path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == SHEETS
    assert rows(book["Tổng hợp"])[1:] == []


#: XlsxWriter writes text shaped like "<r>…</r>" into the sheet XML as it is (it takes it
#: for rich-text markup): this one would close the cell's text and give it a formula.
MARKUP = '<r><t>a</t></r></is><f>HYPERLINK("http://x.invalid","y")</f><is><r><t>b</t></r>'


@pytest.mark.parametrize("text", [MARKUP, "<r>broken</r>", "<r></r>"])
def test_text_shaped_like_rich_text_markup_stays_plain_text(text: str, tmp_path: Path) -> None:
    v = f.violation(message_vi=text, evidence=[("a.xlsx", "Sinh hoạt", 3)])
    report = f.report([f.cell("CB-1", name=text, parent=text, violations=[v], score=97)])
    path = tmp_path / "r.xlsx"
    write_excel(report, f.rules(), path)
    assert_no_formula(path)  # and the workbook's XML is well formed: openpyxl opened it
    book = openpyxl.load_workbook(path)
    assert book["Tổng hợp"]["A2"].value == text
    assert book["Tổng hợp"]["C2"].value == text
    assert book["Vi phạm"]["I2"].value == text
