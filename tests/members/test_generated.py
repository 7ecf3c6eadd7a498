"""A generated year of member tables through the whole audit (issue 17, Done when):
40 cells of 20 members in the layouts people use (grids and long lists, names instead of
codes, exempt and transferred members, .xlsx, .xls, .ods and a consolidated workbook),
compared with the truth ``benchmarks/members_sample.py`` works out from members.md."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.audit import AuditResult, run_audit
from auditor.ingest.dataset import Dataset, frame_from_rows
from auditor.members.judge import evaluate_members
from auditor.rulepack import load_pack
from benchmarks.members_sample import MembersTruth, generate_with_members

YEAR = 2024


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[MembersTruth, AuditResult]:
    folder = tmp_path_factory.mktemp("generated_members")
    _, truth = generate_with_members(folder / "in", year=YEAR, n_cells=40, seed=11, per_cell=20)
    result = run_audit([folder / "in"], year=YEAR, out=folder / "out", per_cell=True)
    return truth, result


def test_the_generated_year_holds_what_it_is_meant_to(
    generated: tuple[MembersTruth, AuditResult],
) -> None:
    truth, _ = generated
    rules = {f.rule for f in truth.findings}
    assert truth.members == 800 and rules == {"DV01", "DV02", "DV03", "DV04"}
    assert any(len(q.winners) > 1 for q in truth.quiz)  # ties shared
    columns = {r.column for r in truth.rejected}
    assert {"Họ và tên", "Mã đảng viên", "Điểm"} <= columns
    assert truth.personal_files and truth.six_good


def test_member_findings_f1_at_least_097(generated: tuple[MembersTruth, AuditResult]) -> None:
    truth, result = generated
    expected = {(f.member_id, f.rule, f.key) for f in truth.findings}
    found = {
        (m.member_id, v.rule, v.date.isoformat() if v.date else str(v.period))
        for m in result.report.members
        for v in m.violations
    }
    hits = len(expected & found)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(expected)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    missed, extra = sorted(expected - found), sorted(found - expected)
    assert f1 >= 0.97, f"F1 {f1:.4f}; missed {missed[:30]}; extra {extra[:30]}"


def test_every_finding_shows_where_it_comes_from(
    generated: tuple[MembersTruth, AuditResult],
) -> None:
    _, result = generated
    violations = [v for m in result.report.members for v in m.violations]
    assert violations and all(v.evidence for v in violations)
    assert all(v.message_vi and v.message_en for v in violations)


def test_quiz_winners_exactly_right_for_every_cell_and_month(
    generated: tuple[MembersTruth, AuditResult],
) -> None:
    truth, result = generated
    expected = {(q.cell_id, q.month): (q.winners, q.attempts) for q in truth.quiz}
    found = {(q.cell_id, q.month): (q.winners, q.attempts) for q in result.report.quiz}
    wrong = {k: (found.get(k), expected.get(k)) for k in expected.keys() | found.keys()}
    wrong = {k: v for k, v in wrong.items() if v[0] != v[1]}
    assert not wrong, f"(found, expected) per cell and month: {sorted(wrong.items())[:20]}"


def test_every_refused_member_row_is_found_at_its_place(
    generated: tuple[MembersTruth, AuditResult],
) -> None:
    truth, result = generated
    member_tables = {"members", "attendance", "attendance_grid", "study", "quiz", "six_good"}
    found = {
        (r.file, r.sheet, r.row): r.column
        for r in result.report.rejected_rows
        if r.table in member_tables
    }
    expected = {(r.file, r.sheet, r.row): r.column for r in truth.rejected}
    assert found == expected
    refused = [r for r in result.report.rejected_rows if r.table in member_tables]
    assert all(r.reason_vi and r.reason_en and r.reason_vi != r.reason_en for r in refused)


def test_every_member_is_reported_with_the_months_of_6_tot(
    generated: tuple[MembersTruth, AuditResult],
) -> None:
    truth, result = generated
    assert len(result.report.members) == truth.members
    six_good = {m.member_id: m.six_good_months for m in result.report.members if m.six_good_months}
    assert six_good == truth.six_good


def _output_text(path: Path) -> str:
    if path.suffix in (".xlsx", ".docx"):
        with zipfile.ZipFile(path) as archive:
            return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    if path.suffix in (".json", ".html", ".csv", ".md", ".txt"):
        return path.read_text(encoding="utf-8")
    return path.read_bytes().decode("latin-1")


def test_personal_columns_never_reach_an_output(
    generated: tuple[MembersTruth, AuditResult],
) -> None:
    truth, result = generated
    outputs = [p for p in result.written if p.is_file()]
    outputs += [p for d in result.written if d.is_dir() for p in d.rglob("*") if p.is_file()]
    assert any(p.name == "report.json" for p in outputs) and len(outputs) > 3
    for path in outputs:
        text = _output_text(path)
        leaked = [value for value in truth.personal_values if value in text]
        assert not leaked, f"{path.name} holds {leaked[:5]}"
    noted = {n.file for n in result.report.notes if n.code == "personal_columns_dropped"}
    assert noted == set(truth.personal_files)


# --------------------------------------------------------------------------- properties

_MARK = st.sampled_from(["present", "excused", "unexcused", None])


def _dv01(marks: list[str | None], exempt_from: dt.date | None = None) -> bool:
    dataset = Dataset(
        members=frame_from_rows(
            "members",
            [
                {
                    "member_id": "DV-1",
                    "member_name": "Nguyễn Văn An",
                    "cell_id": "CB-1",
                    "exempt_from": exempt_from,
                    "file": "a.xlsx",
                    "sheet": "Đảng viên",
                    "row": 2,
                }
            ],
        ),
        attendance_grid=frame_from_rows(
            "attendance_grid",
            [
                {
                    "member_id": "DV-1",
                    "cell_id": "CB-1",
                    **{f"m{m:02d}": mark for m, mark in enumerate(marks, start=1)},
                    "file": "a.xlsx",
                    "sheet": "Điểm danh",
                    "row": 2,
                }
            ],
        ),
    )
    outcome = evaluate_members(
        dataset, load_pack("hd12"), {"CB-1"}, year=YEAR, as_of=dt.date(YEAR, 12, 31)
    )
    return any(v.rule == "DV01" for m in outcome.members for v in m.violations)


@settings(max_examples=20, deadline=None)
@given(
    st.lists(_MARK, min_size=12, max_size=12),
    st.sets(st.integers(1, 12)),
    st.one_of(st.none(), st.integers(1, 12)),
)
def test_an_exempt_month_never_adds_a_dv01_finding(
    marks: list[str | None], exempt_months: set[int], exempt_from: int | None
) -> None:
    before = _dv01(marks)
    with_marks = [("exempt" if m in exempt_months else mark) for m, mark in enumerate(marks, 1)]
    assert _dv01(with_marks) <= before
    if exempt_from is not None:
        assert _dv01(marks, dt.date(YEAR, exempt_from, 1)) <= before
    # and the rule itself: three unexcused months of the twelve judged, or more
    judged = [mark for m, mark in enumerate(marks, 1) if m not in exempt_months]
    assert _dv01(with_marks) == (judged.count("unexcused") >= 3)
