"""Waivers (rulebook-2025.md, section 6): a waived violation is marked and costs nothing;
a waiver without reason or approver is refused; an expired or unused one is a note."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from auditor.scoring import score_cells
from auditor.scoring_params import Quota, scoring_for_year
from auditor.waivers import apply_waivers, load_waiver_file
from tests.report_factories import violation

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
