"""What a board sees for ``--as-of`` and for the data-quality notes no sample produces:
audited from real workbooks, as ``auditor audit`` does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from auditor.audit import run_audit
from auditor.codes import FileCode
from auditor.models import Report
from auditor.rulepack import load_pack
from tests.conftest import SESSION_HEADER, info_sheet, session_row

Make = Callable[..., Path]
PLAN_HEADER = ["Quý", "Chủ đề dự kiến", "Ngày ban hành kế hoạch", "Ngày báo cáo cấp trên"]


def _plan(issued: dt.date | None) -> list[list[Any]]:
    reported = dt.date(2024, 2, 15)
    return [PLAN_HEADER] + [[q, f"Chuyên đề quý {q}", issued, reported] for q in range(1, 5)]


def _thematic(n: int, day: dt.date, q: int) -> list[Any]:
    return session_row(n, day, "CĐ", f"Chuyên đề quý {q}")


def _full_year(year: int = 2024) -> list[list[Any]]:
    """A cell that met every month and held each quarter's planned thematic session."""
    rows: list[list[Any]] = [SESSION_HEADER]
    rows += [session_row(m, dt.date(year, m, 10)) for m in range(1, 13)]
    rows += [_thematic(12 + q, dt.date(year, 3 * q - 1, 20), q) for q in range(1, 5)]
    return rows


def _audit(paths: Sequence[Path], year: int = 2024, **kwargs: Any) -> Report:
    return run_audit(paths, year=year, out=None, workers=0, **kwargs).report


def _rules(report: Report, cell_id: str = "CB-001") -> list[tuple[str, str | None]]:
    cell = next(c for c in report.cells if c.cell_id == cell_id)
    return sorted(
        (v.rule, v.period or (v.date.isoformat() if v.date else None)) for v in cell.violations
    )


def test_a_clean_year_has_no_violation_and_no_note(workbook: Make) -> None:
    path = workbook(
        "CB-001.xlsx",
        [info_sheet(), ("Kế hoạch", _plan(dt.date(2024, 1, 10))), ("Sinh hoạt", _full_year())],
    )
    report = _audit([path])
    assert _rules(report) == [] and report.notes == []


# ------------------------------------------------------------------ data-quality notes


def test_a_cell_in_no_cells_table_is_a_note_on_its_first_row_and_still_audited(
    workbook: Make,
) -> None:
    cells = ("Danh sách chi bộ", [["Mã chi bộ", "Tên chi bộ"], ["CB-001", "Chi bộ thôn 1"]])
    sessions = [["Mã chi bộ", *SESSION_HEADER]]
    sessions += [["CB-001", *session_row(m, dt.date(2024, m, 10))] for m in range(1, 13)]
    sessions += [["CB-002", *session_row(m, dt.date(2024, m, 12))] for m in range(1, 13)]
    path = workbook("tong_hop.xlsx", [cells, ("Sinh hoạt", sessions)])
    report = _audit([path])
    notes = [n for n in report.notes if n.code == "cell_not_listed"]
    assert [(n.file, n.sheet, n.row) for n in notes] == [("tong_hop.xlsx", "Sinh hoạt", 14)]
    assert "CB-002" in notes[0].message_vi and "CB-002" in notes[0].message_en
    assert [c.cell_id for c in report.cells] == ["CB-001", "CB-002"]
    assert ("TK01", None) not in _rules(report, "CB-002")


def test_plan_rows_issued_in_another_year_are_notes_and_do_not_count(workbook: Make) -> None:
    reported = dt.date(2024, 1, 5)
    plan = [PLAN_HEADER, [1, "Chuyên đề cũ", dt.date(2022, 1, 5), reported]]
    plan += [[q, f"Chuyên đề quý {q}", dt.date(2023, 11, 20), reported] for q in range(2, 5)]
    path = workbook("CB-001.xlsx", [info_sheet(), ("Kế hoạch", plan), ("Sinh hoạt", _full_year())])
    report = _audit([path])
    notes = [n for n in report.notes if n.code == "plan_other_year"]
    # the 2022 row only: a plan issued in the last quarter of 2023 is the plan for 2024
    assert [(n.sheet, n.row) for n in notes] == [("Kế hoạch", 2)]
    assert "05/01/2022" in notes[0].message_vi
    assert ("KH03", "Q1") in _rules(report)  # quarter 1 has no plan row of the year left
    assert not [r for r, _ in _rules(report) if r in ("KH01", "KH02")]


def test_dates_out_of_order_in_a_thematic_session_are_notes_on_its_row(workbook: Make) -> None:
    rows = _full_year()
    late = rows[13]  # quarter 1's thematic session, 2024-02-20
    assert late[1] == dt.date(2024, 2, 20)
    late[5] = dt.date(2024, 2, 25)  # draft sent after the meeting
    late[9] = dt.date(2024, 2, 18)  # conclusion dated before it
    path = workbook(
        "CB-001.xlsx",
        [info_sheet(), ("Kế hoạch", _plan(dt.date(2024, 1, 10))), ("Sinh hoạt", rows)],
    )
    report = _audit([path])
    notes = sorted(n.message_en for n in report.notes if n.code == "date_order")
    assert notes == [
        "Conclusion dated (2024-02-18) before the meeting (2024-02-20)",
        "Draft sent (2024-02-25) after the meeting (2024-02-20)",
    ]
    assert {(n.sheet, n.row) for n in report.notes if n.code == "date_order"} == {("Sinh hoạt", 14)}
    # the draft reached members after the meeting: CD02 too
    assert ("CD02", "2024-02-20") in _rules(report)


# ------------------------------------------------------------------ --as-of


def test_as_of_judges_only_months_and_quarters_ended_by_then(workbook: Make) -> None:
    rows = [SESSION_HEADER] + [session_row(m, dt.date(2024, m, 10)) for m in range(1, 6)]
    rows += [_thematic(6, dt.date(2024, 2, 20), 1)]
    bad = _thematic(7, dt.date(2024, 7, 20), 3)
    bad[5] = None  # no draft sent: CD02, had quarter 3 ended
    rows.append(bad)
    path = workbook(
        "CB-001.xlsx",
        [info_sheet(), ("Kế hoạch", _plan(dt.date(2024, 1, 10))), ("Sinh hoạt", rows)],
    )
    found = _rules(_audit([path], as_of=dt.date(2024, 8, 15)))
    # June and July ended by 15/08 without a regular meeting; August has not ended
    assert [p for r, p in found if r == "TK01"] == ["M06", "M07"]
    # quarter 2 ended without a thematic session; quarter 3 ends after 15/08
    assert [p for r, p in found if r == "CD01"] == ["Q2"]
    assert not [r for r, _ in found if r == "CD02"]  # the July session's quarter is open
    year_end = _rules(_audit([path]))
    assert ("CD02", "2024-07-20") in year_end
    assert [p for r, p in year_end if r == "CD01"] == ["Q2", "Q4"]


@pytest.mark.parametrize(
    ("as_of", "judged"),
    [(dt.date(2024, 1, 20), False), (dt.date(2024, 1, 31), True), (dt.date(2024, 3, 1), True)],
)
def test_the_plan_deadline_is_judged_once_as_of_reaches_it(
    workbook: Make, as_of: dt.date, judged: bool
) -> None:
    path = workbook(
        "CB-001.xlsx",
        [info_sheet(), ("Kế hoạch", _plan(dt.date(2024, 2, 10))), ("Sinh hoạt", _full_year())],
    )
    found = _rules(_audit([path], as_of=as_of))
    assert (("KH02", None) in found) is judged


def test_a_later_plan_deadline_waits_for_as_of(workbook: Make) -> None:
    path = workbook(
        "CB-001.xlsx", [info_sheet(), ("Kế hoạch", _plan(None)), ("Sinh hoạt", _full_year())]
    )
    pack = load_pack(sets=["KH02.plan_deadline=03-31"])
    before = _rules(_audit([path], as_of=dt.date(2024, 2, 29), pack=pack))
    after = _rules(_audit([path], as_of=dt.date(2024, 3, 31), pack=pack))
    assert ("KH02", None) not in before and ("KH02", None) in after


# ------------------------------------------------------------------ merges


def _cells_table(*rows: list[Any]) -> tuple[str, list[list[Any]]]:
    header = ["Mã chi bộ", "Tên chi bộ", "Đảng bộ", "Ngày thành lập", "Ngày giải thể"]
    return ("Danh sách chi bộ", [[*header, "Sáp nhập từ", "Sáp nhập vào"], *rows])


def _cell_book(workbook: Make, cell_id: str, months: range, year: int = 2026) -> Path:
    rows = [SESSION_HEADER] + [session_row(m, dt.date(year, m, 10)) for m in months]
    return workbook(
        f"in/{cell_id}.xlsx", [info_sheet(cell_id, f"Chi bộ {cell_id}"), ("Sinh hoạt", rows)]
    )


def test_a_merge_cycle_is_an_error_of_the_cells_file_and_its_cells_are_audited_alone(
    workbook: Make,
) -> None:
    table = workbook(
        "in/danh_sach.xlsx",
        [
            _cells_table(
                ["P", "Chi bộ P", "Xã M", None, None, None, "Q"],
                ["Q", "Chi bộ Q", "Xã M", None, None, None, None],
                ["R", "Chi bộ R", "Xã M", None, None, "Q", "P"],  # Q into R, R into P
            )
        ],
    )
    for cell_id in ("P", "Q", "R"):
        _cell_book(workbook, cell_id, range(1, 13))
    report = _audit([table.parent], year=2026)
    status = {i.file: (i.status, i.error_en) for i in report.inputs}
    assert status["P.xlsx"] == ("ok", None)
    state, why = status["danh_sach.xlsx"]
    assert state == "error" and why is not None
    assert "P → Q → R → P" in why and "Danh sách chi bộ!2" in why and "Danh sách chi bộ!4" in why
    entry = next(i for i in report.inputs if i.file == "danh_sach.xlsx")
    assert entry.error is not None and "vòng tròn" in entry.error
    assert entry.code == FileCode.merge_cycle and FileCode.merge_cycle.matches(entry.error, why)
    assert [c.cell_id for c in report.cells] == ["P", "Q", "R"]
    assert report.merged_cells == []
    cycle = [n for n in report.notes if n.code == "merge_cycle"]
    assert [(n.file, n.row) for n in cycle] == [("danh_sach.xlsx", 2)]
    assert next(i for i in report.inputs if i.file == "danh_sach.xlsx").rows.accepted == 3


def test_every_row_a_merged_cell_inherits_carries_a_note_naming_its_predecessor(
    workbook: Make,
) -> None:
    merged_on = dt.date(2026, 7, 1)
    table = workbook(
        "in/danh_sach.xlsx",
        [
            _cells_table(
                ["A", "Chi bộ A", "Xã M", None, merged_on, None, "C"],
                ["C", "Chi bộ C", "Xã M", merged_on, None, None, None],
            )
        ],
    )
    _cell_book(workbook, "A", range(1, 7))
    _cell_book(workbook, "C", range(7, 13))
    report = _audit([table.parent], year=2026)
    inherited = [n for n in report.notes if n.code == "inherited_row"]
    assert [(n.file, n.row) for n in inherited] == [("A.xlsx", r) for r in range(2, 8)]
    assert all("A" in n.message_vi and "C" in n.message_vi for n in inherited)
    assert inherited[0].message_en == "Meeting of cell A (merged into C on 2026-07-01) counts for C"
    assert not [n for n in report.notes if n.code == "inherited_row" and n.file == "C.xlsx"]
    assert [c.cell_id for c in report.cells] == ["C"]
    assert [(m.cell_id, m.merged_into) for m in report.merged_cells] == [("A", "C")]
