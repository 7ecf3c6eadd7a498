"""The whole audit of the committed 2026 sample year (Hướng dẫn 42, Quy định 366, merged,
moved and renamed cells, waivers), compared with what its generator injected; and a
messier generated 2026 year held to the issue's fidelity bars."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from auditor.audit import AuditResult, run_audit
from benchmarks.sample import REAL_DEFECT_COUNTS, generate
from benchmarks.sample_hd42 import ALL_DEFECTS_2026, WAIVER_APPROVER, WAIVER_REASON

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
TRUTH = json.loads((Path(__file__).parent / "data" / "sample_truth_2026.json").read_text("utf-8"))

Key = tuple[str, str, str | None, str | None]


@pytest.fixture(scope="module")
def audited() -> AuditResult:
    return run_audit([SAMPLE], year=2026, out=None)


def _found(result: AuditResult) -> set[Key]:
    return {
        (c.cell_id, v.rule, v.period, v.date.isoformat() if v.date else None)
        for c in result.report.cells
        for v in c.violations
    }


def _expected(truth: dict) -> set[Key]:  # type: ignore[type-arg]
    return {
        (c["cell_id"], v["rule"], v["period"], v["date"])
        for c in truth["cells"]
        for v in c["violations"]
    }


def _scores(found: set[Key], expected: set[Key]) -> tuple[float, dict[str, float]]:
    """F1 over all violations, and F1 per rule."""

    def f1(got: set[Key], want: set[Key]) -> float:
        if not got and not want:
            return 1.0
        hits = len(got & want)
        return 2 * hits / (len(got) + len(want))

    rules = {k[1] for k in found | expected}
    return f1(found, expected), {
        r: f1({k for k in found if k[1] == r}, {k for k in expected if k[1] == r}) for r in rules
    }


def test_every_injected_violation_is_found_and_nothing_else(audited: AuditResult) -> None:
    assert _found(audited) == _expected(TRUTH)
    assert {k[1] for k in _expected(TRUTH)} == set(ALL_DEFECTS_2026)
    assert {v.pack for c in audited.report.cells for v in c.violations} == {"hd42"}
    assert audited.report.rules.scoring.name == "qd366"


def test_member_findings_and_quiz_winners_are_exactly_the_truth(audited: AuditResult) -> None:
    """hd42 judges members by the same member rules: three cells of the 2026 sample keep
    member tables (members.md), their findings and each month's winners as the truth
    says."""
    members = TRUTH["members"]
    found = {
        (m.member_id, v.rule, v.date.isoformat() if v.date else v.period)
        for m in audited.report.members
        for v in m.violations
    }
    assert found == {(f["member_id"], f["rule"], f["key"]) for f in members["findings"]}
    assert {v.pack for m in audited.report.members for v in m.violations} == {"hd42"}
    assert len(audited.report.members) == members["members"]
    assert len({m.cell_id for m in audited.report.members}) == 3
    quiz = {(q.cell_id, q.month): (q.winners, q.attempts) for q in audited.report.quiz}
    assert quiz == {
        (q["cell_id"], q["month"]): (q["winners"], q["attempts"]) for q in members["quiz"]
    }
    six_good = {m.member_id: m.six_good_months for m in audited.report.members if m.six_good_months}
    assert six_good == members["six_good"]


def test_rejected_rows_are_found_at_their_exact_place(audited: AuditResult) -> None:
    found = {(r.file, r.sheet, r.row, r.column) for r in audited.report.rejected_rows}
    rejected = TRUTH["rejected"] + TRUTH["members"]["rejected"]
    expected = {(r["file"], r["sheet"], r["row"], r["column"]) for r in rejected}
    assert found == expected
    assert {"Giờ kết thúc", "Người duyệt"} <= {r.column for r in audited.report.rejected_rows}
    assert all(r.reason_vi and r.reason_en for r in audited.report.rejected_rows)


def test_the_2024_files_beside_it_are_skipped_and_every_row_adds_up(audited: AuditResult) -> None:
    files = sorted(p.relative_to(SAMPLE).as_posix() for p in SAMPLE.rglob("*") if p.is_file())
    assert [i.file for i in audited.report.inputs] == files
    for entry in audited.report.inputs:
        if "_2024." in entry.file:
            assert entry.status == "skipped", entry.file
            assert entry.error == "Tệp của năm 2024, không thuộc năm kiểm tra 2026; bỏ qua"
            assert entry.error_en == "File holds year 2024, not the audited year 2026; skipped"
        else:
            assert entry.status == "ok", entry.file
        assert entry.rows.read == entry.rows.accepted + entry.rows.rejected
    written = TRUTH["rows_written"] + TRUTH["members"]["rows_written"]
    assert sum(i.rows.read for i in audited.report.inputs) == written
    assert not [r for r in audited.report.rejected_rows if "_2024." in r.file]


def test_scores_and_bands_are_the_expected_ones(audited: AuditResult) -> None:
    found = {c.cell_id: (c.score, c.band_before_quota, c.band) for c in audited.report.cells}
    expected = {
        c["cell_id"]: (c["score"], c["band_before_quota"], c["band"])
        for c in TRUTH["cells"]
        if not c.get("merged_into")
    }
    assert found == expected
    assert {c.band for c in audited.report.cells} == {"HTXSNV", "HTTNV", "HTNV", "KHTNV"}


def test_merged_predecessors_are_listed_without_score_band_or_rank(audited: AuditResult) -> None:
    predecessors = {c["cell_id"]: c["merged_into"] for c in TRUTH["cells"] if c.get("merged_into")}
    assert len(predecessors) == 2
    assert {m.cell_id: m.merged_into for m in audited.report.merged_cells} == predecessors
    assert not predecessors.keys() & {c.cell_id for c in audited.report.cells}
    (successor_id,) = set(predecessors.values())
    successor = next(c for c in audited.report.cells if c.cell_id == successor_id)
    assert sorted(i.cell_id for i in successor.merged_from) == sorted(predecessors)
    assert successor.rank is not None


def test_the_waived_violation_is_shown_waived_with_its_waiver_and_costs_nothing(
    audited: AuditResult,
) -> None:
    waived = [(c, v) for c in audited.report.cells for v in c.violations if v.waived]
    expected = [
        (c["cell_id"], v["rule"], v["period"])
        for c in TRUTH["cells"]
        for v in c["violations"]
        if v.get("waived")
    ]
    assert (
        [(c.cell_id, v.rule, v.period) for c, v in waived]
        == expected
        == [("CB-009", "TK01", "M07")]
    )
    cell, violation = waived[0]
    assert violation.waiver is not None
    assert violation.waiver.reason == WAIVER_REASON
    assert violation.waiver.approved_by == WAIVER_APPROVER
    assert cell.points_lost == sum(v.points for v in cell.violations if not v.waived)
    assert cell.score == 100 - cell.points_lost


def test_the_disciplined_cell_is_capped_and_the_moved_and_renamed_show_their_past(
    audited: AuditResult,
) -> None:
    by_id = {c.cell_id: c for c in audited.report.cells}
    truth = {c["cell_id"]: c for c in TRUTH["cells"]}
    (disciplined,) = [i for i, c in truth.items() if c.get("disciplined")]
    cell = by_id[disciplined]
    assert cell.score == 100 and cell.band_before_quota == "HTTNV" and cell.disciplined == 1
    assert any(change.rule == "disciplined" for change in cell.band_changes)
    (moved,) = [i for i, c in truth.items() if c.get("previous_parent")]
    assert by_id[moved].previous_parent == truth[moved]["previous_parent"]
    assert by_id[moved].parent == truth[moved]["parent"] != truth[moved]["previous_parent"]
    assert by_id[moved].parent_since is not None
    assert by_id[moved].parent_since.isoformat() == truth[moved]["parent_since"]
    (renamed,) = [i for i, c in truth.items() if c.get("previous_name")]
    assert by_id[renamed].previous_name == truth[renamed]["previous_name"]
    assert by_id[renamed].cell_name == truth[renamed]["cell_name"]


def test_short_sessions_include_a_combined_sitting_under_120_minutes(audited: AuditResult) -> None:
    short = [v for c in audited.report.cells for v in c.violations if v.rule == "TG01"]
    minutes = sorted(int(v.details["minutes"]) for v in short)
    assert any(m < 90 for m in minutes) and any(90 <= m < 120 for m in minutes)


def test_a_messier_seeded_2026_year_meets_the_fidelity_bars(tmp_path: Path) -> None:
    truth = json.loads(
        generate(
            tmp_path, year=2026, n_cells=60, seed=11, defect_counts=REAL_DEFECT_COUNTS
        ).to_json()
    )
    result = run_audit([tmp_path], year=2026, out=None)
    overall, per_rule = _scores(_found(result), _expected(truth))
    assert overall >= 0.97
    assert min(per_rule.values()) >= 0.9, per_rule
    assert set(per_rule) == set(ALL_DEFECTS_2026)
    bands = {c.cell_id: c.band for c in result.report.cells}
    expected = {c["cell_id"]: c["band"] for c in truth["cells"] if not c.get("merged_into")}
    right = Counter(bands.get(i) == band for i, band in expected.items())
    assert right[True] >= 0.95 * len(expected)
    assert {m.cell_id for m in result.report.merged_cells} == {
        c["cell_id"] for c in truth["cells"] if c.get("merged_into")
    }
    found = {(r.file, r.sheet, r.row) for r in result.report.rejected_rows}
    assert found == {(r["file"], r["sheet"], r["row"]) for r in truth["rejected"]}
