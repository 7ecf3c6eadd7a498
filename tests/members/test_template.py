"""The template's member sheets (members.md): drop-downs and explanations like the log's
sheets, read back clean when empty, and once filled in as a cell would, audited into the
member findings and quiz winners that were written in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from auditor.audit import run_audit
from auditor.ingest import load
from auditor.template import TemplateCell, write_templates

YEAR = 2024
CELL = TemplateCell("CB-101", "Chi bộ thôn Một", "Đảng bộ xã Mẫu", members=4)
SHEETS = ["Đảng viên", "Điểm danh", "Học tập nghị quyết", "Thi trắc nghiệm"]


def _columns(sheet: Worksheet) -> dict[str, int]:
    return {str(c.value): c.column for c in sheet[1] if c.value}


def _validation_at(sheet: Worksheet, coordinate: str) -> Any:
    for validation in sheet.data_validations.dataValidation:
        if coordinate in validation.sqref:
            return validation
    return None


def _templates(tmp_path: Path, cells: list[TemplateCell]) -> list[Path]:
    return write_templates(cells, year=YEAR, out_dir=tmp_path / "tpl")


def test_the_member_sheets_have_drop_downs_and_explanations(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(_templates(tmp_path, [CELL])[0])
    assert [n for n in book.sheetnames if n in SHEETS] == SHEETS
    members = book["Đảng viên"]
    assert list(_columns(members)) == [
        "STT",
        "Mã đảng viên",
        "Họ và tên",
        "Loại đảng viên",
        "Miễn sinh hoạt từ ngày",
        "Ngày chuyển đến",
        "Ngày chuyển đi",
    ]
    assert members.max_row == 1 + 4 + 5  # the cell's 4 members and 5 spare lines
    status = _validation_at(members, "D2")
    assert status.type == "list" and "Chính thức" in _list(book, status.formula1)
    assert _validation_at(members, "B2").prompt.startswith("Số thẻ đảng viên")
    grid = book["Điểm danh"]
    columns = _columns(grid)
    assert list(columns) == ["STT", "Họ và tên", *(f"T{m}" for m in range(1, 13))]
    mark = _validation_at(grid, "N10")  # T12 of the last line
    assert mark.type == "list" and _list(book, mark.formula1) == ["x", "P", "K", "Miễn"]
    assert "K vắng không lý do" in mark.prompt
    name = _validation_at(grid, "B2")
    assert name.type == "list" and name.formula1 == "'Đảng viên'!$C$2:$C$10"
    assert name.errorStyle == "warning"  # a member not yet listed can still be written
    study = book["Học tập nghị quyết"]
    columns = _columns(study)
    row = study.max_row
    assert row == 1 + 9 * 4
    makeup = _validation_at(study, f"{_letter(columns['Ngày học bù'])}{row}")
    assert makeup.type == "date" and "30 ngày" in makeup.prompt
    quiz = book["Thi trắc nghiệm"]
    columns = _columns(quiz)
    score = _validation_at(quiz, f"{_letter(columns['Điểm'])}2")
    assert (score.type, score.formula1, score.formula2) == ("decimal", "0", "10")
    questions = _validation_at(quiz, f"{_letter(columns['Số câu'])}2")
    assert (questions.formula1, questions.formula2) == ("5", "10")
    assert "30 giây" in questions.prompt
    guide = [c.value for row in book["Hướng dẫn"].iter_rows() for c in row if c.value]
    assert any("Điểm danh" in str(v) and "K vắng không lý do" in str(v) for v in guide)


def _letter(column: int) -> str:
    return openpyxl.utils.get_column_letter(column)


def _list(book: Any, formula: str) -> list[str]:
    """The values a list validation offers, read from the sheet it points at."""
    sheet, cells = formula.lstrip("=").split("!")
    return [c.value for row in book[sheet.strip("'")][cells.replace("$", "")] for c in row]


def test_empty_member_sheets_read_back_with_no_row_and_no_rejected_row(tmp_path: Path) -> None:
    for path in _templates(tmp_path, [CELL, TemplateCell("CB-102", "Chi bộ Hai")]):
        data = load([path])
        assert not data.rejected, path.name
        assert data.members.empty and data.attendance_grid.empty
        assert data.study.empty and data.quiz.empty


def _fill(sheet: Worksheet, rows: list[dict[str, Any]], start: int = 2) -> None:
    columns = _columns(sheet)
    for offset, values in enumerate(rows):
        for header, value in values.items():
            sheet.cell(start + offset, columns[header], value)


def _fill_members(book: Any, start: int = 2, cell: str | None = None) -> None:
    """Four members, one with three unexcused months, one exempt; a study with an
    unexcused absence and a make-up that never came; a tied quiz."""
    lead = {"Mã chi bộ": cell} if cell else {}
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"]
    _fill(
        book["Đảng viên"],
        [
            {**lead, "Mã đảng viên": f"{cell or ''}DV{n}", "Họ và tên": name}
            for n, name in enumerate(names, start=1)
        ],
        start,
    )
    book["Đảng viên"].cell(start + 1, _columns(book["Đảng viên"])["Miễn sinh hoạt từ ngày"], "Có")
    grid = []
    for name in names:
        marks = {f"T{m}": "x" for m in range(1, 13)}
        if name == names[0]:
            marks.update({"T2": "K", "T6": "K", "T9": "K"})
        if name == names[2]:
            marks.update({"T4": "P", "T5": "K"})
        grid.append({**lead, "Họ và tên": name, **marks})
    _fill(book["Điểm danh"], grid, start)
    day = dt.datetime(YEAR, 5, 10)
    study = [
        {"Họ và tên": names[0], "Có mặt": "K"},
        {"Họ và tên": names[2], "Có mặt": "P", "Lý do": "Ốm"},
        {
            "Họ và tên": names[3],
            "Có mặt": "x",
            "Ngày nộp bài thu hoạch": day + dt.timedelta(days=5),
            "Kết quả bài thu hoạch": "Đạt",
        },
    ]
    _fill(
        book["Học tập nghị quyết"],
        [{**lead, "Tên nghị quyết": "Nghị quyết 18", "Ngày học": day, **row} for row in study],
        start,
    )
    quiz = [(names[0], 9, "3:20"), (names[2], 9, 200), (names[3], 8, 100)]
    _fill(
        book["Thi trắc nghiệm"],
        [
            {**lead, "Tháng": "T3", "Họ và tên": n, "Điểm": s, "Số câu": 10, "Thời gian làm bài": t}
            for n, s, t in quiz
        ],
        start,
    )


def test_a_filled_in_template_audits_into_the_member_findings_written_in(tmp_path: Path) -> None:
    path = _templates(tmp_path, [CELL])[0]
    book = openpyxl.load_workbook(path)
    _fill_members(book)
    book.save(path)
    result = run_audit([path], year=YEAR, out=None, workers=0)
    report = result.report
    assert not report.rejected_rows
    found = {
        (m.member_name, v.rule, v.date.isoformat() if v.date else v.period)
        for m in report.members
        for v in m.violations
    }
    assert found == {
        ("Nguyễn Văn An", "DV01", "2024"),
        ("Nguyễn Văn An", "DV02", "2024-05-10"),
        ("Lê Văn Cường", "DV03", "2024-05-10"),
    }
    by_name = {m.member_name: m for m in report.members}
    assert by_name["Trần Thị Bình"].months.exempt == 12
    assert by_name["Lê Văn Cường"].months.model_dump() == {
        "present": 10,
        "excused": 1,
        "unexcused": 1,
        "exempt": 0,
    }
    (quiz,) = report.quiz
    assert (quiz.month, quiz.winners, quiz.attempts) == ("M03", ["DV1", "DV3"], 3)


def test_a_filled_in_consolidated_template_gives_each_cell_its_members(tmp_path: Path) -> None:
    cells = [CELL, TemplateCell("CB-102", "Chi bộ Hai", "Đảng bộ xã Mẫu", members=4)]
    path = _templates(tmp_path, cells)[-1]
    book = openpyxl.load_workbook(path)
    members = book["Đảng viên"]
    assert [members.cell(r, 2).value for r in (2, 11)] == ["CB-101", "CB-102"]
    _fill_members(book, 2, "CB-101")
    # the second cell's pre-filled lines start after the first's 9
    _fill(book["Đảng viên"], [{"Mã đảng viên": "E1", "Họ và tên": "Võ Văn Em"}], 11)
    absent = {"Họ và tên": "Võ Văn Em", "T1": "K", "T2": "K", "T3": "K"}
    _fill(book["Điểm danh"], [absent], 11)
    book.save(path)
    report = run_audit([path], year=YEAR, out=None, workers=0).report
    assert not report.rejected_rows
    by_cell = {(m.cell_id, m.member_name, v.rule) for m in report.members for v in m.violations}
    assert ("CB-102", "Võ Văn Em", "DV01") in by_cell
    assert ("CB-101", "Nguyễn Văn An", "DV01") in by_cell
    assert {m.cell_id for m in report.members} == {"CB-101", "CB-102"}
