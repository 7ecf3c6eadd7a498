"""Wrapped text gets a row tall enough to show it (XlsxWriter cannot autofit), in
report.xlsx, the per-cell workbooks and the templates; a per-cell workbook opens on a
titled summary saying what it is, for whom, from whom and when."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import openpyxl
from hypothesis import given
from hypothesis import strategies as st

from auditor.report import write_excel, write_per_cell
from auditor.report.xlsx import LINE_POINTS, wrapped_height
from auditor.rulepack import load_pack
from auditor.template import TemplateCell, write_templates
from tests import report_factories as f

LONG = (
    "Buổi sinh hoạt chuyên đề ngày 20/02/2024 không ghi ngày gửi dự thảo đến đảng viên, "
    "nên không chứng minh được dự thảo đã gửi trước ít nhất ba ngày theo quy định; chi bộ "
    "cần bổ sung ngày gửi vào sổ và gửi dự thảo sớm hơn ở các buổi sau."
)


def _report() -> object:
    long_one = f.violation("CD02", message_vi=LONG, evidence=[("A/CB001.xlsx", "Sinh hoạt", 9)])
    short_one = f.violation("TK01", 2, period="M03", message_vi="Tháng 3 không họp")
    return f.report([f.cell("CB001", score=95, band="HTXSNV", violations=[long_one, short_one])])


def _row_of(sheet: openpyxl.worksheet.worksheet.Worksheet, text: str) -> int:
    for row in sheet.iter_rows():
        if any(c.value == text for c in row):
            return row[0].row
    raise AssertionError(text)


def _fits(sheet: openpyxl.worksheet.worksheet.Worksheet, row: int, text: str) -> None:
    """The row is at least as tall as the lines ``text`` takes in its column."""
    cell = next(c for c in sheet[row] if c.value == text)
    width = sheet.column_dimensions[cell.column_letter].width
    lines = math.ceil(len(text) / width)
    assert lines >= 2
    height = sheet.row_dimensions[row].height
    assert height is not None and height >= lines * LINE_POINTS, (row, height, lines)


def test_report_xlsx_rows_are_as_tall_as_their_wrapped_text(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    write_excel(_report(), f.rules(), path)  # type: ignore[arg-type]
    sheet = openpyxl.load_workbook(path)["Vi phạm"]
    _fits(sheet, _row_of(sheet, LONG), LONG)
    short = _row_of(sheet, "Tháng 3 không họp")
    assert sheet.row_dimensions[short].height is None  # one line: the default height


def test_a_per_cell_workbook_opens_on_a_titled_summary_and_fits_its_text(
    tmp_path: Path,
) -> None:
    (path,) = write_per_cell(
        _report(),  # type: ignore[arg-type]
        f.rules(),
        tmp_path / "chi_bo",
        sender="Ban Tổ chức Huyện ủy An Phú",
        day=dt.date(2025, 1, 15),
    )
    book = openpyxl.load_workbook(path)
    summary = book.active
    assert summary is not None and summary.title == "Kết quả"
    top = [summary.cell(r, 1).value for r in range(1, 5)]
    assert top[0] == "KẾT QUẢ KIỂM TRA SINH HOẠT CHI BỘ NĂM 2024"
    assert top[1] == "Chi bộ thôn 1 (CB001) — Đảng bộ xã A"
    assert top[2] == "Nơi gửi: Ban Tổ chức Huyện ủy An Phú"
    assert top[3] is not None and top[3].startswith("Ngày lập: 15/01/2025")
    assert summary.cell(1, 1).font.b and summary.cell(1, 1).font.sz == 14
    violations = book["Vi phạm"]
    _fits(violations, _row_of(violations, LONG), LONG)


def test_template_instructions_rows_fit_their_rules(tmp_path: Path) -> None:
    cell = TemplateCell("CB-1", "Chi bộ Một", "Đảng bộ xã Mẫu")
    written = write_templates([cell], year=2027, out_dir=tmp_path / "tpl")
    sheet = openpyxl.load_workbook(written[0])["Hướng dẫn"]
    for rule in load_pack("hd42").enabled_rules:  # the pack in force in 2027
        remedy = rule.remedy_vi.format_map(dict(rule.params))
        row = _row_of(sheet, rule.id)
        longest = max((rule.title_vi, remedy), key=len)
        if len(longest) > sheet.column_dimensions["E"].width:
            _fits(sheet, row, longest)


@given(
    st.text(min_size=0, max_size=400),
    st.integers(min_value=3, max_value=120),
)
def test_the_estimate_never_gives_fewer_lines_than_the_text_needs(text: str, width: int) -> None:
    height = wrapped_height([(text, width)])
    parts = text.replace("\r\n", "\n").split("\n")
    needed = sum(max(1, math.ceil(len(p) / width)) for p in parts)
    if height is None:
        assert needed == 1
    else:
        assert height >= needed * LINE_POINTS
