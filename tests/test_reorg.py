"""Reorganised cells (rulebook-2025.md, section 5): a merge gives the successor its
predecessors' rows and days; the predecessors are listed without a score."""

from __future__ import annotations

import datetime as dt

from auditor.engine import evaluate
from auditor.ingest.dataset import Dataset, frame_from_rows
from auditor.rulepack import load_pack
from auditor.scoring import score_cells
from auditor.scoring_params import scoring_for_year


def _cell(row: int, cell_id: str, **more: object) -> dict[str, object]:
    return {
        "cell_id": cell_id,
        "cell_name": f"Chi bộ {cell_id}",
        "parent": "Xã M",
        "file": "ds.xlsx",
        "sheet": "Chi bộ",
        "row": row,
        **more,
    }


def _monthly(cell_id: str, months: range, file: str) -> list[dict[str, object]]:
    return [
        {
            "cell_id": cell_id,
            "date": dt.date(2026, m, 10),
            "kind": "regular",
            "file": file,
            "sheet": "Sinh hoạt",
            "row": m + 1,
        }
        for m in months
    ]


def _audit(cells: list[dict[str, object]], sessions: list[dict[str, object]]):  # type: ignore[no-untyped-def]
    data = Dataset(
        cells=frame_from_rows("cells", cells), sessions=frame_from_rows("sessions", sessions)
    )
    return evaluate(data, load_pack(), year=2026, workers=1)


def test_a_merged_cell_carries_its_predecessors_months_and_they_get_no_score() -> None:
    merge_day = dt.date(2026, 7, 1)
    cells = [
        _cell(2, "A", active_to=merge_day, merged_into="C"),
        _cell(3, "B", active_to=merge_day),  # one side of the edge is enough
        _cell(4, "C", active_from=merge_day, merged_from="a; B"),
    ]
    sessions = [*_monthly("A", range(1, 7), "A.xlsx"), *_monthly("C", range(7, 13), "C.xlsx")]
    ev = _audit(cells, sessions)
    assert [c for c, _, _ in ev.audited_cells] == ["C"]
    assert [(m.cell_id, m.merged_into) for m in ev.merged] == [("A", "C"), ("B", "C")]
    assert ev.merged[0].message_vi.startswith("Đã sáp nhập vào C")
    # every month of the year existed for C's line and had a meeting: no TK01
    assert not [v for v in ev.violations["C"] if v.rule == "TK01"]
    inherited = {i.cell_id: i.sessions for i in ev.extras["C"]["merged_from"]}
    assert inherited == {"A": 6, "B": 0}
    assert any(n.code == "merged_records" and "A" in n.message_vi for n in ev.notes)
    results, _ = score_cells(ev.audited_cells, ev.violations, scoring_for_year(2026), ev.extras)
    assert [r.cell_id for r in results] == ["C"]
    assert [i.cell_id for i in results[0].merged_from] == ["A", "B"]


def test_a_month_without_a_meeting_of_the_line_is_still_a_violation() -> None:
    merge_day = dt.date(2026, 7, 1)
    cells = [
        _cell(2, "A", active_to=merge_day, merged_into="C"),
        _cell(3, "C", active_from=merge_day),
    ]
    sessions = [*_monthly("A", range(1, 6), "A.xlsx"), *_monthly("C", range(7, 13), "C.xlsx")]
    ev = _audit(cells, sessions)
    assert [v.period for v in ev.violations["C"] if v.rule == "TK01"] == ["M06"]


def test_missing_predecessor_and_cycle_are_notes_naming_the_row() -> None:
    cells = [
        _cell(2, "C", merged_from="Z9"),
        _cell(3, "P", merged_into="Q"),
        _cell(4, "Q", merged_into="P"),
    ]
    ev = _audit(cells, _monthly("C", range(1, 13), "C.xlsx"))
    codes = {n.code: n for n in ev.notes}
    assert (
        codes["merge_predecessor_missing"].row == 2
        and "Z9" in codes["merge_predecessor_missing"].message_vi
    )
    assert codes["merge_cycle"].file == "ds.xlsx"
    assert {c for c, _, _ in ev.audited_cells} == {"C", "P", "Q"}
    assert ev.merged == []


def test_a_rename_and_a_move_are_shown_on_the_cell() -> None:
    cells = [
        _cell(
            2,
            "C",
            previous_name="Chi bộ thôn cũ",
            previous_parent="Huyện X",
            parent_since=dt.date(2025, 7, 1),
            disciplined=1,
        )
    ]
    ev = _audit(cells, _monthly("C", range(1, 13), "C.xlsx"))
    assert ev.extras["C"] == {
        "previous_name": "Chi bộ thôn cũ",
        "previous_parent": "Huyện X",
        "parent_since": dt.date(2025, 7, 1),
        "disciplined": 1,
    }
    results, _ = score_cells(ev.audited_cells, ev.violations, scoring_for_year(2026), ev.extras)
    assert results[0].previous_parent == "Huyện X" and results[0].parent == "Xã M"
    assert results[0].band != "HTXSNV"  # disciplined under qd366
