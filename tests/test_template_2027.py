"""A 2027 template carries the Hướng dẫn 42 session columns, the 2025 cells columns and a
``Miễn trừ`` sheet, each explained and validated like the older columns, and once filled
in (as a cell and its board would) it audits with no rejected row and no note."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from auditor.audit import run_audit
from auditor.ingest.headers import FIELDS
from auditor.template import TemplateCell, cells_from_frame, write_templates

YEAR = 2027
CELL = TemplateCell("CB-101", "Chi bộ thôn Một", "Đảng bộ xã Mẫu", "nông thôn", 20, "Nguyễn An")
HD42 = {
    "start_time": "Giờ bắt đầu",
    "end_time": "Giờ kết thúc",
    "minutes_long": "Thời lượng (phút)",
    "prep_meeting": "Ngày họp chi ủy",
    "notice_sent": "Ngày thông báo",
    "posted": "Ngày đăng Sổ tay",
    "quality": "Xếp loại buổi sinh hoạt",
}
CELLS_2025 = [
    "Số đảng viên bị kỷ luật",
    "Sáp nhập từ",
    "Sáp nhập vào",
    "Đảng bộ cũ",
    "Trực thuộc từ ngày",
    "Tên cũ",
]
TOPICS = ["Học tập tư tưởng Hồ Chí Minh", "Phát triển kinh tế", "An ninh trật tự", "Xây dựng Đảng"]


def _columns(sheet: Worksheet) -> dict[str, int]:
    return {str(c.value): c.column for c in sheet[1] if c.value}


def _validations(sheet: Worksheet) -> dict[str, Any]:
    """Each validated cell (``B2``...) of a sheet and its validation."""
    found: dict[str, Any] = {}
    for validation in sheet.data_validations.dataValidation:
        for cells in validation.sqref.ranges:
            for row in sheet[cells.coord] if ":" in cells.coord else [[sheet[cells.coord]]]:
                for cell in row:
                    found[cell.coordinate] = validation
    return found


def _templates(tmp_path: Path) -> list[Path]:
    return write_templates([CELL], year=YEAR, out_dir=tmp_path / "tpl")


def test_the_2027_template_has_the_new_columns_with_dropdowns_and_explanations(
    tmp_path: Path,
) -> None:
    cell_book, consolidated = _templates(tmp_path)
    for path in (cell_book, consolidated):
        book = openpyxl.load_workbook(path)
        assert "Miễn trừ" in book.sheetnames, path.name
        sessions = book["Sinh hoạt"]
        columns, checks = _columns(sessions), _validations(sessions)
        for field, header in HD42.items():
            assert FIELDS["sessions"][field][0] == header
            check = checks[f"{sessions.cell(2, columns[header]).column_letter}2"]
            assert check.prompt and check.promptTitle, header  # explained when selected
        letter = {h: sessions.cell(2, columns[h]).column_letter for h in HD42.values()}
        assert checks[f"{letter['Giờ bắt đầu']}2"].type == "time"
        assert checks[f"{letter['Ngày đăng Sổ tay']}2"].type == "date"
        assert checks[f"{letter['Thời lượng (phút)']}2"].type == "whole"
        quality = checks[f"{letter['Xếp loại buổi sinh hoạt']}2"]
        assert quality.type == "list" and quality.errorStyle == "warning"  # 0-100 allowed too
        lists = book["_danh_muc"]
        listed = {c.value for row in lists.iter_rows() for c in row if c.value}
        assert {"Tốt", "Khá", "Trung bình", "Kém", "TG01" if "TG01" in listed else "CD01"} <= listed
        waivers = book["Miễn trừ"]
        waiver_checks = _validations(waivers)
        rule_col = waivers.cell(2, _columns(waivers)["Quy tắc"]).column_letter
        assert waiver_checks[f"{rule_col}2"].type == "list"
    info = openpyxl.load_workbook(cell_book)["Thông tin"]
    labels = [info.cell(r, 1).value for r in range(1, info.max_row + 1)]
    assert set(CELLS_2025) <= set(labels)
    row = labels.index("Số đảng viên bị kỷ luật") + 1
    assert _validations(info)[f"B{row}"].type == "whole"
    listed_cells = openpyxl.load_workbook(consolidated)["Danh sách chi bộ"]
    assert set(CELLS_2025) <= set(_columns(listed_cells))
    into = listed_cells.cell(2, _columns(listed_cells)["Sáp nhập vào"]).coordinate
    assert _validations(listed_cells)[into].type == "list"


def _fill(path: Path) -> None:
    """What a compliant cell writes over 2027 under Hướng dẫn 42, a rename and a move in
    "Thông tin", and the board's waiver for July, when a flood stopped the meeting."""
    book = openpyxl.load_workbook(path)
    info = book["Thông tin"]
    labels = {info.cell(r, 1).value: r for r in range(1, info.max_row + 1)}
    for label, value in (
        ("Số đảng viên bị kỷ luật", 0),
        ("Đảng bộ cũ", "Đảng bộ xã Cũ"),
        ("Trực thuộc từ ngày", dt.datetime(2025, 7, 1)),
        ("Tên cũ", "Chi bộ ấp Một"),
    ):
        info.cell(labels[label], 2, value)
    plan = book["Kế hoạch"]
    at = _columns(plan)
    for q in range(4):
        row = 2 + q
        plan.cell(row, at["Chủ đề dự kiến"], TOPICS[q])
        plan.cell(row, at["Quý"], ["I", "II", "III", "IV"][q])
        plan.cell(row, at["Ngày ban hành kế hoạch"], dt.datetime(YEAR, 1, 6))
        plan.cell(row, at["Ngày báo cáo cấp trên"], dt.datetime(YEAR, 1, 9))
    sessions = book["Sinh hoạt"]
    at = _columns(sessions)
    for month in range(1, 13):
        if month == 7:
            continue  # the flood
        row = 1 + month
        day = dt.datetime(YEAR, month, 10)
        thematic = month % 3 == 2
        values: dict[str, Any] = {
            "Ngày sinh hoạt": day,
            "Loại sinh hoạt": "Thường kỳ + chuyên đề" if thematic else "Thường kỳ",
            "Tổng số đảng viên": 20,
            "Số đảng viên miễn sinh hoạt": 1,
            "Số có mặt": 17,
            "Kết luận": "Có",
            "Biên bản": "Có",
            "Giờ bắt đầu": dt.time(14, 0),
            "Giờ kết thúc": dt.time(16, 30) if thematic else dt.time(15, 45),
            "Ngày họp chi ủy": day - dt.timedelta(days=7),
            "Ngày thông báo": day - dt.timedelta(days=5),
            "Ngày đăng Sổ tay": day - dt.timedelta(days=3),
            "Xếp loại buổi sinh hoạt": "Tốt",
        }
        if thematic:
            values |= {
                "Chủ đề": TOPICS[(month - 1) // 3],
                "Ngày duyệt dự thảo": day - dt.timedelta(days=9),
                "Ngày gửi dự thảo": day - dt.timedelta(days=5),
                "Ngày ban hành kết luận": day + dt.timedelta(days=3),
                "Ngày báo cáo cấp trên": day + dt.timedelta(days=10),
            }
        for header, value in values.items():
            sessions.cell(row, at[header], value)
    waivers = book["Miễn trừ"]
    at = _columns(waivers)
    for header, value in (
        ("Quy tắc", "TK01"),
        ("Kỳ", "Tháng 7"),
        ("Lý do", "Lũ lụt, không họp được"),
        ("Người duyệt", "Ban Thường vụ Đảng ủy xã"),
        ("Ngày duyệt", dt.datetime(YEAR, 9, 5)),
    ):
        waivers.cell(2, at[header], value)
    book.save(path)


def test_a_filled_2027_template_audits_cleanly_with_its_waiver(tmp_path: Path) -> None:
    cell_book, _ = _templates(tmp_path)
    _fill(cell_book)
    report = run_audit([cell_book], year=YEAR, out=None, workers=0).report
    assert report.rejected_rows == []
    assert report.notes == []
    assert [i.status for i in report.inputs] == ["ok"]
    (cell,) = report.cells
    assert cell.previous_name == "Chi bộ ấp Một" and cell.previous_parent == "Đảng bộ xã Cũ"
    assert [(v.rule, v.period, v.waived) for v in cell.violations] == [("TK01", "M07", True)]
    waiver = cell.violations[0].waiver
    assert waiver is not None and waiver.approved_by == "Ban Thường vụ Đảng ủy xã"
    # the waived month costs nothing (the quota alone moves a lone cell down a band)
    assert cell.score == 100 and cell.band_before_quota == "HTXSNV"


def test_cells_dissolved_or_merged_into_another_get_no_template_next_year() -> None:
    table = pd.DataFrame(
        {
            "cell_id": ["A", "B", "C", "D"],
            "cell_name": ["Một", "Hai", "Ba", "Bốn"],
            "active_to": [dt.date(2026, 7, 1), None, None, None],
            "merged_into": [None, "C", None, None],
            "merged_from": [None, None, "A, B", None],
        }
    )
    assert [c.cell_id for c in cells_from_frame(table)] == ["C", "D"]


def test_a_template_lists_the_rules_in_force_at_the_end_of_its_year(tmp_path: Path) -> None:
    """What a cell reads in 'Hướng dẫn' is what it will be judged by: a 2027 template lists
    Hướng dẫn 42's rules (TG01 …), a 2024 one only Hướng dẫn 12's."""

    def instructions(year: int) -> str:
        path = write_templates([CELL], year=year, out_dir=tmp_path / str(year))[0]
        sheet = openpyxl.load_workbook(path, read_only=True)["Hướng dẫn"]
        return " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)

    later, earlier = instructions(2027), instructions(2024)
    assert "hd42" in later and all(rule in later for rule in ("TG01", "CU01", "ST01"))
    assert "hd12" in earlier and "TG01" not in earlier
