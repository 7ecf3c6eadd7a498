"""A cell's own outputs list its members (members.md, Output): the per-cell workbook and
the printed notice, opened as the cell's secretary opens them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from openpyxl.utils.escape import unescape

from auditor.audit import AuditResult, run_audit
from auditor.models import MemberMonths, MemberResult
from auditor.report import write_per_cell
from tests import report_factories as f
from tests.conftest import SESSION_HEADER, info_sheet, write_workbook
from tests.members.year import write_member_year
from tests.office import NO_SERIF, POPPLER, SERIF, pdf_text


def _rows(sheet: Any) -> list[list[Any]]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def _table(sheet: Any) -> list[dict[str, Any]]:
    """The sheet's rows under its header row, by header."""
    rows = _rows(sheet)
    header = rows[0]
    return [dict(zip(header, r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> AuditResult:
    folder = write_member_year(tmp_path_factory.mktemp("members"))
    # the printed notices only where their font is: the per-cell workbooks need none
    return run_audit(
        [folder], year=2024, out=folder / "out", workers=0, per_cell=True, documents=SERIF
    )


def _notice(result: AuditResult, suffix: str) -> Path:
    if not SERIF:
        pytest.skip(NO_SERIF)
    (path,) = [p for p in result.written if "thong_bao" in p.parts and p.suffix == suffix]
    return path


def _docx_text(path: Path) -> tuple[list[str], list[list[str]]]:
    """The paragraphs and the table rows of a .docx, as Word shows them."""
    word = docx.Document(str(path))
    rows = [[c.text for c in r.cells] for t in word.tables for r in t.rows]
    return [p.text for p in word.paragraphs], rows


def _cell_book(result: AuditResult) -> Any:
    (path,) = [p for p in result.written if p.parent.parent.name == "chi_bo"]
    return openpyxl.load_workbook(path)


def test_the_cell_workbook_lists_each_member_with_the_years_counts(audited: AuditResult) -> None:
    book = _cell_book(audited)
    assert book.sheetnames == [
        "Kết quả",
        "Vi phạm",
        "Dòng bị loại",
        "Đảng viên",
        "Vi phạm đảng viên",
        "Thi trắc nghiệm",
    ]
    members = {r["Mã đảng viên"]: r for r in _table(book["Đảng viên"])}
    assert len(members) == 9
    an = members["DV-01"]
    assert an["Họ và tên"] == "Nguyễn Văn An"
    assert (an["Tháng có mặt"], an["Vắng không lý do"], an["Tháng miễn"]) == (9, 3, 0)
    assert an["Lần thắng"] == 1 and an["Vi phạm"] == "DV01, DV02"
    assert members["DV-02"]["Tháng miễn"] == 12
    assert members["DV-05"]["Học bù"] == 1 and members["DV-05"]["Lần thắng"] == 2
    result = {r[0]: r[1] for r in _rows(book["Kết quả"]) if r[0]}
    assert result["Số đảng viên"] == 9 and result["Vi phạm của đảng viên"] == 7


def test_each_member_finding_shows_rule_date_message_and_the_rows_it_rests_on(
    audited: AuditResult,
) -> None:
    findings = _table(_cell_book(audited)["Vi phạm đảng viên"])
    dv01 = [r for r in findings if r["Quy tắc"] == "DV01"]
    assert [(r["Mã đảng viên"], r["Ngày/kỳ"], r["Trang tính"], r["Dòng"]) for r in dv01] == [
        ("DV-01", "Năm 2024", "Điểm danh", 2)
    ] * 3
    assert "T2, T5, T11" in dv01[0]["Nội dung"]
    assert dv01[0]["Finding (English)"]
    dv03 = {
        (r["Mã đảng viên"], r["Ngày/kỳ"].date().isoformat())
        for r in findings
        if r["Quy tắc"] == "DV03"
    }
    assert dv03 == {("DV-03", "2024-07-10"), ("DV-09", "2024-05-10")}
    rows = {r["Dòng"] for r in findings if r["Mã đảng viên"] == "DV-09"}
    assert rows == {9}  # the study sheet's row of DV-09
    assert {r["Tệp"] for r in findings} == {"CB-001.xlsx"}


def test_the_cell_workbook_names_the_quiz_winners_of_each_month(audited: AuditResult) -> None:
    quiz = _table(_cell_book(audited)["Thi trắc nghiệm"])
    assert [(q["Người thắng"], q["Số lượt thi"]) for q in quiz] == [
        ("Nguyễn Văn An (DV-01), Đảng viên 5 (DV-05)", 3),
        ("Đảng viên 5 (DV-05)", 2),
    ]


def _strip_members(folder: Path) -> Path:
    """The member year's log without its member sheets."""
    session = ["1", "05/01/2024", "Thường kỳ", None, None, None, 10, 9, "Có", None, None]
    write_workbook(folder / "CB-001.xlsx", [info_sheet(), ("Sinh hoạt", [SESSION_HEADER, session])])
    return folder


def test_member_tables_only_add_to_a_cells_workbook_and_report_json(
    audited: AuditResult, tmp_path: Path
) -> None:
    """Without member tables: report.json has empty ``members`` and ``quiz`` and the
    cells' results of the year with them; the cell's workbook has its three sheets, the
    same cells as with member tables but for the member sheets and the two counts."""
    plain = run_audit(
        [_strip_members(tmp_path)], year=2024, out=tmp_path / "out", workers=0, per_cell=True
    )
    data = json.loads((tmp_path / "out" / "report.json").read_bytes())
    assert data["members"] == [] and data["quiz"] == []
    with_members = json.loads(
        next(p for p in audited.written if p.name == "report.json").read_bytes()
    )
    assert data["cells"] == with_members["cells"]
    before, after = _cell_book(plain), _cell_book(audited)
    assert before.sheetnames == ["Kết quả", "Vi phạm", "Dòng bị loại"]
    for name in before.sheetnames:
        kept = _rows(after[name])
        if name == "Kết quả":
            kept = [r for r in kept if r[0] not in ("Số đảng viên", "Vi phạm của đảng viên")]
        assert _rows(before[name]) == kept


def test_member_text_from_a_workbook_is_never_a_formula_in_the_cell_workbook(
    tmp_path: Path,
) -> None:
    hostile = f.FORMULA_TEXTS
    members = [
        MemberResult(
            member_id=f"DV{i}",
            member_name=text,
            cell_id="CB001",
            months=MemberMonths(present=11, unexcused=1),
            violations=[f.violation("DV02", 0, message_vi=text, evidence=[(text, text, 3)])],
        )
        for i, text in enumerate(hostile)
    ]
    report = f.report([f.cell("CB001")]).model_copy(update={"members": members})
    (path,) = write_per_cell(report, f.rules(), tmp_path)
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(c.data_type != "f" for c in row)
    names = [unescape(r["Họ và tên"]) for r in _table(book["Đảng viên"])]
    assert names == list(hostile)
    findings = _table(book["Vi phạm đảng viên"])
    assert [unescape(r["Nội dung"]) for r in findings] == list(hostile)
    assert [unescape(r["Tệp"]) for r in findings] == list(hostile)
    assert "Thi trắc nghiệm" not in book.sheetnames  # no quiz held: no quiz sheet


def test_the_notice_lists_the_members_and_each_member_finding(audited: AuditResult) -> None:
    paragraphs, rows = _docx_text(_notice(audited, ".docx"))
    assert "3. Đảng viên của chi bộ" in paragraphs
    assert "4. Đề nghị" in paragraphs
    assert any("(9 đảng viên), có 7 thiếu sót của đảng viên" in p for p in paragraphs)
    table = {r[0]: r[1:] for r in rows if r[0].endswith(")")}
    assert table["Nguyễn Văn An (DV-01)"] == ["9", "0", "3", "0", "0 + 0 bù", "1/2", "0"]
    assert table["Trần Thị Bình (DV-02)"][3] == "12"  # exempt all year
    findings = [p for p in paragraphs if p.startswith("- Đảng viên")]
    assert len(findings) == 7
    (dv01,) = [p for p in findings if "DV-01" in p and "T2, T5, T11" in p]
    # three months on one grid row: the row is named once
    assert dv01.count("trang “Điểm danh”, dòng 2 (tệp CB-001.xlsx)") == 1
    (dv09,) = [p for p in findings if "DV-09" in p]
    assert "trang “Học tập nghị quyết”, dòng 9" in dv09
    assert any(
        p.startswith("Vắng học tập nghị quyết có lý do") and "(DV03; 2" in p for p in paragraphs
    )
    assert sum(p.startswith("Cách khắc phục") for p in paragraphs) >= 4


@pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
def test_the_printed_notice_says_the_same_as_the_docx(audited: AuditResult) -> None:
    text = " ".join(pdf_text(_notice(audited, ".pdf"), layout=False).split())
    assert "3. Đảng viên của chi bộ" in text and "4. Đề nghị" in text
    assert "Nguyễn Văn An (DV-01)" in text
    assert "vắng sinh hoạt không có lý do 3 tháng trong năm (T2, T5, T11)" in text
    assert "Đảng viên 9 (DV-09) vắng có lý do buổi học" in text


@pytest.mark.skipif(not SERIF, reason=NO_SERIF)
def test_a_notice_without_members_has_no_member_section(tmp_path: Path) -> None:
    plain = run_audit(
        [_strip_members(tmp_path)], year=2024, out=tmp_path / "out", workers=0, documents=True
    )
    paragraphs, rows = _docx_text(_notice(plain, ".docx"))
    assert not any("Đảng viên của chi bộ" in p for p in paragraphs)
    assert "3. Đề nghị" in paragraphs
    assert not any("đảng viên" in p.lower() for r in rows for p in r)
