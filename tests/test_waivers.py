"""Waivers (rulebook-2025.md, section 6): a waived violation is marked and costs nothing;
a waiver without reason or approver is refused; an expired or unused one is a note."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.audit import AuditResult, run_audit
from auditor.ingest import load
from auditor.ingest.waivers import normalise_period
from auditor.scoring import score_cells
from auditor.scoring_params import Quota, scoring_for_year
from auditor.waivers import apply_waivers, load_waiver_file
from tests.conftest import SESSION_HEADER, info_sheet, session_row
from tests.report_factories import violation

Make = Callable[..., Path]

YAML = """
waivers:
  - {cell_id: cb01, rule: TK01, period: Q3, reason: Lũ lụt, approved_by: Ban Tổ chức,
     approved_on: 2026-10-01, expires: 2026-12-31}
  - {cell_id: CB01, rule: CD02, period: M08, reason: Lũ lụt}
  - {cell_id: CB02, rule: TK01, period: "2026", reason: Sáp nhập, approved_by: BTC,
     expires: 2025-12-31}
  - {cell_id: CB03, rule: KH01, period: "2026", reason: x, approved_by: BTC}
  - {cell_id: CB01, rule: CD04, date: 2026-09-10, reason: Bão, approved_by: BTC}
"""


def test_waivers_mark_violations_refuse_bad_rows_and_note_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "mien_tru.yaml"
    path.write_text(YAML, encoding="utf-8")
    waivers, refused = load_waiver_file(path)
    assert [(r.row, r.column) for r in refused] == [(2, "approved_by")]
    assert refused[0].file == "mien_tru.yaml" and "người duyệt" in refused[0].reason_vi
    found = {
        "CB01": [
            violation("TK01", 2, period="M08"),
            violation("TK01", 2, period="M11"),
            violation("CD04", 5, date=dt.date(2026, 9, 10)),
        ],
        "CB02": [violation("TK01", 2, period="M02")],
    }
    marked, notes = apply_waivers(found, waivers, year=2026)
    assert [v.waived for v in marked["CB01"]] == [True, False, True]
    assert marked["CB01"][0].waiver is not None
    assert marked["CB01"][0].waiver.reason == "Lũ lụt"
    assert not marked["CB02"][0].waived
    assert sorted(n.code for n in notes) == ["waiver_expired", "waiver_unused"]
    assert all(n.file == "mien_tru.yaml" and n.row for n in notes)
    results, _ = score_cells(
        [("CB01", "A", None), ("CB02", "B", None)],
        marked,
        scoring_for_year(2026).model_copy(update={"quota": Quota(level="none")}),
    )
    by_id = {r.cell_id: r for r in results}
    assert by_id["CB01"].score == 98 and len(by_id["CB01"].violations) == 3
    assert by_id["CB02"].score == 98


# --------------------------------------------------------------------------- "Miễn trừ"
# Waivers written in a sheet of a real workbook, alone or beside a YAML file.

WAIVER_HEADER = [
    "STT",
    "Mã chi bộ",
    "Quy tắc",
    "Kỳ",
    "Ngày",
    "Lý do",
    "Người duyệt",
    "Ngày duyệt",
    "Hết hạn",
]


def _cell_book(workbook: Make, cell_id: str, months: list[int], suffix: str = ".xlsx") -> Path:
    """A cell's log of 2024 with a regular meeting in each of ``months`` only."""
    rows = [session_row(n, dt.date(2024, m, 12)) for n, m in enumerate(months, start=1)]
    return workbook(
        f"{cell_id}{suffix}",
        [info_sheet(cell_id, f"Chi bộ {cell_id}"), ("Sinh hoạt", [SESSION_HEADER, *rows])],
    )


def _tk01(result: AuditResult, cell_id: str) -> list[tuple[str | None, bool]]:
    cell = next(c for c in result.report.cells if c.cell_id == cell_id)
    return [(v.period, v.waived) for v in cell.violations if v.rule == "TK01"]


def _score(result: AuditResult, cell_id: str) -> float:
    return next(c.score for c in result.report.cells if c.cell_id == cell_id)


@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".ods"])
def test_a_waiver_sheet_in_a_board_workbook_waives_refuses_and_notes(
    workbook: Make, tmp_path: Path, suffix: str
) -> None:
    _cell_book(workbook, "CB-001", [1, 2, 3, 4, 5, 6, 10, 11, 12])
    _cell_book(workbook, "CB-002", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    plain = run_audit([tmp_path], year=2024, out=None, workers=0)
    board = f"mien_tru{suffix}"
    workbook(
        board,
        [
            (
                "Miễn trừ",
                [
                    ["DANH SÁCH MIỄN TRỪ NĂM 2024"],
                    [],
                    WAIVER_HEADER,
                    [1, "cb-001", "TK01", "Quý III", None, "Lũ lụt", "Ban Tổ chức", "01/10/2024"],
                    [2, "CB-002", "TK01", "Tháng 12", None, "Sáp nhập thôn", None],
                    [3, "CB-002", "TK01", "M12", None, "Sáp nhập thôn", "BTC", None, "30/11/2024"],
                    [4, "CB-002", "CD04", "2024", None, "Bão", "BTC"],
                    [5, "CB-002", "TK01", "Quý 5", None, "Bão", "BTC"],
                    [6],  # a numbered line of the form, never filled in
                    [None, None, None, None, None, "Người lập biểu"],
                    [None, None, None, None, None, "Nguyễn Văn A"],
                ],
            )
        ],
    )
    result = run_audit([tmp_path], year=2024, out=None, workers=0)

    assert _tk01(plain, "CB-001") == [("M07", False), ("M08", False), ("M09", False)]
    assert _tk01(result, "CB-001") == [("M07", True), ("M08", True), ("M09", True)]
    cell = next(c for c in result.report.cells if c.cell_id == "CB-001")
    waived = next(v for v in cell.violations if v.rule == "TK01")
    assert waived.waiver is not None
    assert (waived.waiver.reason, waived.waiver.approved_by) == ("Lũ lụt", "Ban Tổ chức")
    assert waived.waiver.approved_on == dt.date(2024, 10, 1)
    assert (waived.waiver.file, waived.waiver.sheet, waived.waiver.row) == (board, "Miễn trừ", 4)
    assert _score(result, "CB-001") == _score(plain, "CB-001") + 3 * 2
    # CB-002's December: the only waiver with an approver expired before December
    assert _tk01(result, "CB-002") == [("M12", False)]
    assert _score(result, "CB-002") == _score(plain, "CB-002")

    refused = [r for r in result.report.rejected_rows if r.table == "waivers"]
    assert [(r.file, r.sheet, r.row, r.column) for r in refused] == [
        (board, "Miễn trừ", 5, "Người duyệt"),
        (board, "Miễn trừ", 8, "Kỳ"),
    ]
    assert "Người duyệt" in refused[0].reason_vi and "approver" in refused[0].reason_en
    assert refused[1].value == "Quý 5"
    notes = {(n.code, n.row) for n in result.report.notes if n.code.startswith("waiver")}
    assert notes == {("waiver_expired", 6), ("waiver_unused", 7)}
    status = next(i for i in result.report.inputs if i.file == board)
    assert status.status == "ok"
    assert status.rows is not None
    assert status.rows.model_dump() == {"read": 5, "accepted": 3, "rejected": 2}


def test_sheet_and_yaml_waivers_combine(workbook: Make, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    made = _cell_book(workbook, "CB-001", [1, 2, 3, 4, 5, 6, 10, 11, 12])
    made.rename(data / made.name)
    board = workbook(
        "data/mien_tru.xlsx",
        [("Miễn trừ", [WAIVER_HEADER, [1, "CB-001", "TK01", "M07", None, "Lũ", "BTC"]])],
    )
    yaml_file = tmp_path / "mien_tru.yaml"
    yaml_file.write_text(
        "- {cell_id: CB-001, rule: TK01, period: M08, reason: Lũ, approved_by: BTC}\n",
        encoding="utf-8",
    )
    result = run_audit([data], year=2024, out=None, workers=0, waivers=yaml_file)
    cell = next(c for c in result.report.cells if c.cell_id == "CB-001")
    by_period = {v.period: v.waiver for v in cell.violations if v.rule == "TK01"}
    assert by_period["M07"] is not None and by_period["M07"].file == board.name
    assert by_period["M08"] is not None and by_period["M08"].file == "mien_tru.yaml"
    assert by_period["M09"] is None
    assert not [n for n in result.report.notes if n.code.startswith("waiver")]


def test_a_cells_own_waiver_sheet_and_an_unnamed_one_found_by_its_headers(
    workbook: Make, tmp_path: Path
) -> None:
    rows = [session_row(n, dt.date(2024, m, 12)) for n, m in enumerate([1, 2, 3], start=1)]
    workbook(
        "CB-007.xlsx",
        [
            info_sheet("CB-007", "Chi bộ 7"),
            ("Sinh hoạt", [SESSION_HEADER, *rows]),
            # no cell column: the workbook's own cell, like its plan and session rows
            (
                "Miễn trừ",
                [["Quy tắc", "Kỳ", "Lý do", "Người duyệt"], ["TK01", "Q2", "Dịch", "BTC"]],
            ),
        ],
    )
    workbook(
        "bang_tinh.xlsx",
        [("Sheet1", [WAIVER_HEADER, [1, "CB-007", "TK01", "M07", None, "Lũ", "BTC"]])],
    )
    result = run_audit([tmp_path], year=2024, out=None, workers=0)
    assert not [r for r in result.report.rejected_rows if r.table == "sessions"]
    waived = {
        v.period: v.waiver.sheet
        for c in result.report.cells
        for v in c.violations
        if v.rule == "TK01" and v.waiver is not None
    }
    assert waived == {"M04": "Miễn trừ", "M05": "Miễn trừ", "M06": "Miễn trừ", "M07": "Sheet1"}


def test_a_waiver_sheet_without_a_rule_column_is_not_read_as_sessions(workbook: Make) -> None:
    path = workbook(
        "mien_tru.xlsx",
        [
            (
                "Miễn trừ",
                [
                    ["Mã chi bộ", "Ngày", "Lý do", "Người duyệt"],
                    ["CB-1", "01/02/2024", "Lũ", "BTC"],
                ],
            )
        ],
    )
    data = load([path])
    assert data.sessions.empty and not data.rejected and not data.waivers
    assert [n.code for n in data.notes] == ["sheet_ignored"]


@given(
    q=st.integers(1, 4),
    m=st.integers(1, 12),
    spelling=st.sampled_from(["Q{q}", "q{q}", "Quý {q}", "quý {roman}", "QUY {q}"]),
    month=st.sampled_from(["M{m:02d}", "M{m}", "Tháng {m}", "T{m}", "tháng {m:02d}"]),
)
def test_every_way_of_writing_a_quarter_or_a_month_reads_the_same(
    q: int, m: int, spelling: str, month: str
) -> None:
    roman = ["I", "II", "III", "IV"][q - 1]
    assert normalise_period(spelling.format(q=q, roman=roman)) == f"Q{q}"
    assert normalise_period(month.format(m=m)) == f"M{m:02d}"
