"""The sample generator: reproducible, and a faithful oracle for the rules (properties)."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.engine import evaluate
from auditor.rulepack import load_pack
from benchmarks.members_sample import SAMPLE_CELLS, SAMPLE_CELLS_2026
from benchmarks.sample import (
    ALL_DEFECTS,
    build_cells,
    clean_year,
    dataset_of,
    generate,
    generate_sample,
    inject,
)

ROOT = Path(__file__).resolve().parent.parent
PACK = load_pack()
YEAR = 2024


def _violations(cells: list) -> set[tuple[str, str, str | None, str | None]]:
    result = evaluate(dataset_of(cells), PACK, year=YEAR)
    return {
        (cell_id, v.rule, v.period, v.date.isoformat() if v.date else None)
        for cell_id, found in result.violations.items()
        for v in found
    }


def test_the_committed_sample_is_what_the_generator_makes(tmp_path: Path) -> None:
    truth = generate_sample(tmp_path, year=YEAR)
    committed = (Path(__file__).parent / "data" / "sample_truth.json").read_text("utf-8")
    assert truth.to_json() == committed
    for path in tmp_path.rglob("*"):
        if path.suffix in (".xlsx", ".xls"):
            twin = ROOT / "sample_data" / path.relative_to(tmp_path)
            assert path.read_bytes() == twin.read_bytes(), path.name


@pytest.mark.parametrize(
    ("year", "truth_name", "cells"),
    [
        (2024, "sample_truth.json", SAMPLE_CELLS),
        (2026, "sample_truth_2026.json", SAMPLE_CELLS_2026),
    ],
)
def test_without_members_the_sample_is_the_year_as_it_was_before(
    tmp_path: Path, year: int, truth_name: str, cells: dict[str, object]
) -> None:
    """Only the member cells' workbooks differ, and only by their member sheets: the
    same year written with ``--no-members`` is the sample before it had members (its
    truth the cells' part of the committed one), so that the member tables add and
    change nothing else."""
    truth = generate_sample(tmp_path, year=year, members=False)
    committed = json.loads((Path(__file__).parent / "data" / truth_name).read_text())
    member_files = {c["file"] for c in committed["cells"] if c["cell_id"] in cells}
    assert len(member_files) == len(cells)
    del committed["members"]
    assert json.loads(truth.to_json()) == committed
    for path in tmp_path.rglob("*"):
        if path.suffix in (".xlsx", ".xls"):
            rel = path.relative_to(tmp_path).as_posix()
            same = path.read_bytes() == (ROOT / "sample_data" / rel).read_bytes()
            assert same != (rel in member_files), rel


def test_the_2024_truth_holds_the_member_cases_the_issue_asks_for() -> None:
    truth = json.loads((Path(__file__).parent / "data" / "sample_truth.json").read_text())
    members = truth["members"]
    assert 4 <= len(SAMPLE_CELLS) <= 6 and 25 <= members["members"] <= 48
    findings = {(f["member_id"], f["rule"], f["key"]) for f in members["findings"]}
    assert [m for m, rule, _ in findings if rule == "DV01"] == ["DV-00001-02"]  # 3 K months
    assert {rule for _, rule, _ in findings} == {"DV01", "DV02", "DV03", "DV04"}
    # CB-008's first study (25/2): an excused absence made up in time (DV-00008-01), one
    # never made up, one unexcused, one reflection marked Không đạt
    first = {(m, rule) for m, rule, day in findings if day == "2024-02-25"}
    assert first == {("DV-00008-03", "DV03"), ("DV-00008-04", "DV02"), ("DV-00008-05", "DV04")}
    quiz = {(q["cell_id"], q["month"]): q["winners"] for q in members["quiz"]}
    assert quiz[("CB-001", "M05")] == ["DV-00001-01", "DV-00001-02"]  # a tie
    ((file, column),) = [(r["file"], r["column"]) for r in members["rejected"]]
    assert file.endswith("CB-007_2024.xlsx") and column == "Họ và tên"  # a name nobody has
    layouts = {(c.grid, c.by_name) for c in SAMPLE_CELLS.values()}
    assert {(True, False), (False, False), (True, True)} <= layouts


def test_the_2026_truth_holds_the_same_member_cases() -> None:
    members = json.loads((Path(__file__).parent / "data" / "sample_truth_2026.json").read_text())[
        "members"
    ]
    rules = [f["rule"] for f in members["findings"]]
    assert rules.count("DV01") == 1 and set(rules) == {"DV01", "DV02", "DV03", "DV04"}
    assert any(len(q["winners"]) == 2 for q in members["quiz"])
    assert [r["column"] for r in members["rejected"]] == ["Họ và tên"]


def test_sample_truth_covers_every_rule() -> None:
    truth = json.loads((Path(__file__).parent / "data" / "sample_truth.json").read_text("utf-8"))
    rules = {v["rule"] for c in truth["cells"] for v in c["violations"]}
    assert rules == set(ALL_DEFECTS)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.booleans())
def test_a_fully_compliant_year_gives_no_violation(seed: int, forums: bool) -> None:
    rng = random.Random(seed)
    cell = clean_year(rng, "CB-1", "Chi bộ 1", "Đảng bộ A", "nông thôn", YEAR, forums=forums)
    assert _violations([cell]) == set()


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(ALL_DEFECTS))
def test_one_injected_defect_gives_exactly_that_violation(seed: int, defect: str) -> None:
    rng = random.Random(seed)
    cell = clean_year(rng, "CB-1", "Chi bộ 1", "Đảng bộ A", "nông thôn", YEAR)
    inject(rng, cell, defect, YEAR)
    expected = {("CB-1", t.rule, t.period, t.date) for t in cell.truth}
    assert _violations([cell]) == expected
    assert defect in {rule for _, rule, _, _ in expected}


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000), st.sets(st.sampled_from(ALL_DEFECTS), max_size=3), st.data())
def test_moving_a_session_out_of_its_quarter_never_removes_a_violation(
    seed: int, defects: set[str], data: st.DataObject
) -> None:
    rng = random.Random(seed)
    cell = clean_year(rng, "CB-1", "Chi bộ 1", "Đảng bộ A", "nông thôn", YEAR)
    for defect in sorted(defects):
        inject(rng, cell, defect, YEAR)
    before = {(r, p) for _, r, p, d in _violations([cell]) if d is None}
    session = data.draw(st.sampled_from(cell.sessions))
    session.date = session.date.replace(year=YEAR + 1)  # out of its quarter and the year
    after = {(r, p) for _, r, p, d in _violations([cell]) if d is None}
    assert before <= after


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000), st.dates(dt.date(YEAR, 1, 2), dt.date(YEAR, 12, 1)))
def test_a_cell_is_never_blamed_for_a_period_it_did_not_exist_in(
    seed: int, founded: dt.date
) -> None:
    rng = random.Random(seed)
    cell = clean_year(rng, "CB-1", "Chi bộ 1", "Đảng bộ A", "nông thôn", YEAR, founded=founded)
    cell.sessions = [s for s in cell.sessions if s.date.month % 2]  # plenty to blame
    for _, _rule, period, day in _violations([cell]):
        if period and period.startswith("Q"):
            first_month = 3 * int(period[1]) - 2
            assert dt.date(YEAR, first_month, 1) >= founded
        elif period and period.startswith("M"):
            assert dt.date(YEAR, int(period[1:]), 1) >= founded
        elif day:
            assert dt.date.fromisoformat(day) >= founded


def test_build_cells_spreads_scores_and_defects() -> None:
    _cells, plan = build_cells(14, YEAR, seed=0)
    assert sum(not p for p in plan) >= 3
    assert {d for p in plan for d in p} >= set(ALL_DEFECTS)


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_clean_layout_writes_every_format(tmp_path: Path, fmt: str) -> None:
    truth = generate(
        tmp_path, n_cells=2, seed=3, messy=False, formats=(fmt,), consolidated=0, defects=False
    )
    assert all(not c.violations for c in truth.cells)
    assert len(list(tmp_path.rglob(f"*.{fmt}"))) == 2


def test_a_dated_conclusion_counts_even_without_the_conclusion_column() -> None:
    rng = random.Random(1)
    cell = clean_year(rng, "CB-1", "Chi bộ 1", "Đảng bộ A", "nông thôn", YEAR)
    for session in cell.sessions:
        session.conclusion = None  # the workbook has no "Kết luận" column, only its date
    assert _violations([cell]) == set()
    for session in cell.sessions:
        session.conclusion_date = None
    assert {rule for _, rule, _, _ in _violations([cell])} == {"CD04"}


def test_the_committed_2026_sample_is_what_the_generator_makes(tmp_path: Path) -> None:
    truth = generate_sample(tmp_path, year=2026)
    committed = (Path(__file__).parent / "data" / "sample_truth_2026.json").read_text("utf-8")
    assert truth.to_json() == committed
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.*"))
    assert written == sorted(
        p.relative_to(ROOT / "sample_data").as_posix()
        for p in (ROOT / "sample_data").rglob("*_2026.*")
    )
    for path in tmp_path.rglob("*"):
        if path.suffix in (".xlsx", ".xls"):
            twin = ROOT / "sample_data" / path.relative_to(tmp_path)
            assert path.read_bytes() == twin.read_bytes(), path.name


def test_the_2026_truth_holds_what_the_issue_asks_of_the_sample_year() -> None:
    truth = json.loads((Path(__file__).parent / "data" / "sample_truth_2026.json").read_text())
    cells = truth["cells"]
    assert 14 <= len(cells) <= 18
    assert sum(bool(c.get("previous_name")) for c in cells) == 1
    (moved,) = [c for c in cells if c.get("previous_parent")]
    assert moved["parent"] != moved["previous_parent"] and moved["parent_since"] > "2026-01-01"
    (successor,) = [c for c in cells if c.get("merged_from")]
    predecessors = [c for c in cells if c.get("merged_into") == successor["cell_id"]]
    assert sorted(c["cell_id"] for c in predecessors) == successor["merged_from"]
    assert all(c.get("band") is None and not c["violations"] for c in predecessors)
    assert [v["rule"] for c in cells for v in c["violations"] if v.get("waived")] == ["TK01"]
    assert {c["band"] for c in cells if c.get("disciplined")} == {"HTTNV"}
    assert {r["sheet"] for r in truth["rejected"]} >= {"Miễn trừ"}
    folders = {c["file"].split("/")[0] for c in cells}
    assert folders == {"Dang_bo_xa_Tan_Lap", "Dang_bo_phuong_Hoa_Binh", "Tong_hop_2026.xlsx"}
