"""Member rules DV01–DV04 and the monthly quiz, through the whole audit (members.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.audit import AuditResult, run_audit
from auditor.models import MemberResult
from tests.conftest import SESSION_HEADER, info_sheet, write_workbook
from tests.members.year import write_member_year


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> AuditResult:
    folder = write_member_year(tmp_path_factory.mktemp("members"))
    return run_audit([folder], year=2024, out=folder / "out", workers=0)


def _members(result: AuditResult) -> dict[str, MemberResult]:
    return {m.member_id: m for m in result.report.members}


def test_each_member_rule_finds_what_it_should_and_nothing_else(audited: AuditResult) -> None:
    found = {
        (m.member_id, v.rule, v.date.isoformat() if v.date else v.period)
        for m in audited.report.members
        for v in m.violations
    }
    assert found == {
        ("DV-01", "DV01", "2024"),
        ("DV-01", "DV02", "2024-05-10"),
        ("DV-03", "DV03", "2024-07-10"),
        ("DV-06", "DV04", "2024-05-10"),
        ("DV-07", "DV04", "2024-05-10"),
        ("DV-08", "DV04", "2024-05-10"),
        ("DV-09", "DV03", "2024-05-10"),
    }


def test_months_outside_the_cell_or_exempt_are_not_judged(audited: AuditResult) -> None:
    members = _members(audited)
    assert members["DV-02"].months.exempt == 12 and members["DV-02"].months.unexcused == 0
    # joined mid-June: June to December judged, one unexcused month (July)
    assert members["DV-03"].months.unexcused == 1 and members["DV-03"].months.present == 6
    # left at the end of March: January to March judged
    assert members["DV-04"].months.unexcused == 2
    assert members["DV-01"].months.model_dump() == {
        "present": 9,
        "excused": 0,
        "unexcused": 3,
        "exempt": 0,
    }


def test_a_member_finding_shows_its_evidence_and_costs_the_cell_nothing(
    audited: AuditResult,
) -> None:
    (dv01,) = [v for v in _members(audited)["DV-01"].violations if v.rule == "DV01"]
    assert [e.row for e in dv01.evidence] == [2, 2, 2]
    assert "T2, T5, T11" in dv01.message_vi and "Nguyễn Văn An" in dv01.message_vi
    (cell,) = audited.report.cells
    assert not any(v.rule.startswith("DV") for v in cell.violations)


def test_quiz_winners_by_score_then_time_ties_shared(audited: AuditResult) -> None:
    months = {(q.cell_id, q.month): (q.winners, q.attempts) for q in audited.report.quiz}
    assert months == {
        ("CB-001", "M03"): (["DV-01", "DV-05"], 3),
        ("CB-001", "M04"): (["DV-05"], 2),
    }
    members = _members(audited)
    assert members["DV-05"].quiz.model_dump() == {"months": 2, "wins": 2, "average": 8.5}
    assert members["DV-06"].quiz.wins == 0 and members["DV-06"].quiz.months == 1


def test_member_points_from_a_pack_count_for_the_cell(tmp_path: Path) -> None:
    from auditor.rulepack import load_pack

    pack = load_pack("hd12", sets=["DV01.points=5"])
    session = ["1", "05/01/2024", "Thường kỳ", None, None, None, 10, 9, "Có", None, None]
    write_workbook(
        tmp_path / "CB-001.xlsx",
        [
            info_sheet(),
            ("Sinh hoạt", [SESSION_HEADER, session]),
            ("Đảng viên", [["Mã đảng viên", "Họ và tên"], ["DV-01", "An"]]),
            ("Điểm danh", [["Mã đảng viên", "T1", "T2", "T3"], ["DV-01", "K", "K", "K"]]),
        ],
    )
    before = run_audit([tmp_path], year=2024, out=None, workers=0).report.cells[0]
    after = run_audit([tmp_path], year=2024, out=None, workers=0, pack=pack).report.cells[0]
    assert after.score == before.score - 5
    assert [v.rule for v in after.violations if v.rule.startswith("DV")] == ["DV01"]


def test_report_xlsx_has_the_members_their_findings_and_the_quiz(audited: AuditResult) -> None:
    import openpyxl

    path = next(p for p in audited.written if p.name == "report.xlsx")
    book = openpyxl.load_workbook(path, read_only=True)
    assert {"Đảng viên", "Vi phạm đảng viên", "Thi trắc nghiệm"} <= set(book.sheetnames)
    rows = [list(r) for r in book["Đảng viên"].iter_rows(values_only=True)]
    header = next(r for r in rows if r and r[0] == "Mã chi bộ")
    by_id = {r[1]: dict(zip(header, r, strict=False)) for r in rows if r and r[0] == "CB-001"}
    assert by_id["DV-01"]["Vắng không lý do"] == 3 and by_id["DV-01"]["Vi phạm"] == "DV01, DV02"
    quiz = [r for r in book["Thi trắc nghiệm"].iter_rows(values_only=True) if r[0] == "CB-001"]
    assert quiz[0][2] == "Nguyễn Văn An (DV-01), Đảng viên 5 (DV-05)"
    summary = [list(r) for r in book["Tổng hợp"].iter_rows(values_only=True)]
    top = next(r for r in summary if r and r[0] == "Đảng bộ")
    cell = next(r for r in summary if r and r[1] == "CB-001")
    assert cell[top.index("Số đảng viên")] == 9 and cell[top.index("Vi phạm của đảng viên")] == 7


def test_each_cell_part_of_report_html_lists_its_members_findings(audited: AuditResult) -> None:
    path = next(p for p in audited.written if p.name == "report.html")
    html = path.read_text(encoding="utf-8")
    assert "Đảng viên (9)" in html
    assert "vắng sinh hoạt không có lý do 3 tháng trong năm (T2, T5, T11)" in html


def test_a_merged_cells_members_move_to_its_successor(tmp_path: Path) -> None:
    """rulebook-2025.md, 5: CB-A merged into CB-C on 1 July; its member is judged in CB-C
    (three unexcused months, two of them before the merge), its quiz stays under CB-A."""
    name, cell, parent = info_sheet("CB-A", "Chi bộ A")[0], "CB-A", "Đảng bộ xã A"
    rows = [*info_sheet(cell, "Chi bộ A", parent)[1], ["Ngày giải thể", "01/07/2024"]]
    rows.append(["Sáp nhập vào", "CB-C"])
    session = ["1", "05/01/2024", "Thường kỳ", None, None, None, 10, 9, "Có", None, None]
    write_workbook(
        tmp_path / "CB-A.xlsx",
        [
            (name, rows),
            ("Sinh hoạt", [SESSION_HEADER, session]),
            ("Đảng viên", [["Mã đảng viên", "Họ và tên"], ["DV-A1", "Hà Văn Một"]]),
            ("Điểm danh", [["Mã đảng viên", "T1", "T2", "T3"], ["DV-A1", "K", "K", "x"]]),
            ("Thi trắc nghiệm", [["Tháng", "Mã đảng viên", "Điểm"], ["T3", "DV-A1", 9]]),
        ],
    )
    write_workbook(
        tmp_path / "CB-C.xlsx",
        [
            info_sheet("CB-C", "Chi bộ C", parent),
            ("Sinh hoạt", [SESSION_HEADER, session]),
            ("Đảng viên", [["Mã đảng viên", "Họ và tên"], ["DV-C1", "Lò Thị Hai"]]),
        ],
    )
    report = run_audit([tmp_path], year=2024, out=None, workers=0).report
    assert [m.cell_id for m in report.merged_cells] == ["CB-A"]
    members = {m.member_id: m for m in report.members}
    assert {m: members[m].cell_id for m in members} == {"DV-A1": "CB-C", "DV-C1": "CB-C"}
    assert members["DV-A1"].months.unexcused == 2 and not members["DV-A1"].violations
    assert [(q.cell_id, q.month, q.winners) for q in report.quiz] == [("CB-A", "M03", ["DV-A1"])]


def test_successors_follow_a_line_of_merges_and_stop_on_a_cycle() -> None:
    from auditor.members.judge import successors

    assert successors({"A": "B", "B": "C", "D": "C"}) == {"A": "C", "B": "C", "D": "C"}
    # merges refuse cycles; were one to reach here, each cell goes one step and no further
    assert successors({"A": "B", "B": "A"}) == {"A": "B", "B": "A"}


def test_the_quiz_time_per_question_is_the_packs(tmp_path: Path) -> None:
    """members.md ``seconds_per_question``: 30 s by the shipped packs; a board's pack that
    includes them and says 10 s takes the win from a 10-question attempt of 200 s."""
    from auditor.rulepack import load_pack

    assert load_pack("hd12").seconds_per_question == 30
    assert load_pack("hd42").seconds_per_question == 30
    own = tmp_path / "rules" / "nhanh"
    own.mkdir(parents=True)
    hd12 = Path(load_pack("hd12").path)
    (own / "pack.yaml").write_text(
        f"name: nhanh\nversion: '1'\ntitle_vi: Thi nhanh\ninclude: {hd12}\n"
        "seconds_per_question: 10\n",
        encoding="utf-8",
    )
    pack = load_pack(own)
    assert pack.seconds_per_question == 10
    session = ["1", "05/01/2024", "Thường kỳ", None, None, None, 10, 9, "Có", None, None]
    quiz = [
        ["Tháng", "Mã đảng viên", "Điểm", "Số câu", "Thời gian làm bài"],
        ["T3", "DV-01", 10, 10, 200],  # the best score, 20 s a question
        ["T3", "DV-02", 9, 10, 90],
    ]
    folder = tmp_path / "log"
    folder.mkdir()
    write_workbook(
        folder / "CB-001.xlsx",
        [
            info_sheet(),
            ("Sinh hoạt", [SESSION_HEADER, session]),
            ("Đảng viên", [["Mã đảng viên", "Họ và tên"], ["DV-01", "An"], ["DV-02", "Bình"]]),
            ("Thi trắc nghiệm", quiz),
        ],
    )
    shipped = run_audit([folder], year=2024, out=None, workers=0).report.quiz
    quick = run_audit([folder], year=2024, out=None, workers=0, pack=pack).report.quiz
    assert [q.winners for q in shipped] == [["DV-01"]]
    assert [q.winners for q in quick] == [["DV-02"]]
    # the same from the command line, without a pack of one's own
    set_quick = load_pack("hd12", sets=["seconds_per_question=10"])
    assert set_quick.seconds_per_question == 10 and set_quick.sha256 != load_pack("hd12").sha256
    by_set = run_audit([folder], year=2024, out=None, workers=0, pack=set_quick).report.quiz
    assert [q.winners for q in by_set] == [["DV-02"]]


@pytest.mark.parametrize(
    ("label", "day", "marks", "found"),
    [
        ("Ngày thành lập", "15/04/2024", {1: "K", 2: "K", 3: "K"}, []),
        ("Ngày thành lập", "15/04/2024", {5: "K", 6: "K", 7: "K"}, ["DV01"]),
        ("Ngày giải thể", "20/09/2024", {10: "K", 11: "K", 12: "K"}, []),
        ("Ngày giải thể", "20/09/2024", {2: "K", 4: "K", 9: "K"}, ["DV01"]),
    ],
)
def test_a_member_is_judged_only_while_his_cell_existed(
    tmp_path: Path, label: str, day: str, marks: dict[int, str], found: list[str]
) -> None:
    name, sheet = info_sheet()
    session = ["1", "05/10/2024", "Thường kỳ", None, None, None, 10, 9, "Có", None, None]
    grid = [marks.get(month, "x") for month in range(1, 13)]
    write_workbook(
        tmp_path / "CB-001.xlsx",
        [
            (name, [*sheet, [label, day]]),
            ("Sinh hoạt", [SESSION_HEADER, session]),
            ("Đảng viên", [["Mã đảng viên", "Họ và tên"], ["DV-01", "An"]]),
            ("Điểm danh", [["Mã đảng viên", *[f"T{m}" for m in range(1, 13)]], ["DV-01", *grid]]),
        ],
    )
    report = run_audit([tmp_path], year=2024, out=None, workers=0).report
    (member,) = report.members
    assert [v.rule for v in member.violations] == found
