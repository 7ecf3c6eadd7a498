"""Members judged in parts on two processes give the same outcome as judged in one: the
same members in the same order, the same findings (also for a member listed in two cells
that fall in different parts, and for a merged cell's members, judged in its successor),
the same quiz winners and the same paid findings per cell."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from auditor.engine import evaluate
from auditor.ingest import load
from auditor.ingest.dataset import Dataset, frame_from_rows
from auditor.members import judge
from auditor.members.judge import MemberOutcome, evaluate_members
from auditor.rulebook import load_rulebook
from auditor.rulepack import load_pack
from benchmarks.members_sample import generate_with_members

YEAR = 2024
AS_OF = dt.date(YEAR, 12, 31)


@pytest.fixture(autouse=True)
def _parts_from_one_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(judge, "PARALLEL_MIN_CELLS", 1)


def _both(dataset: Dataset, cells: set[str], **kw: object) -> tuple[MemberOutcome, MemberOutcome]:
    pack = load_pack("hd12")
    assert len(judge._parts(dataset.members, cells, 2)) == 2  # really split
    one = evaluate_members(dataset, pack, cells, year=YEAR, as_of=AS_OF, workers=1, **kw)  # type: ignore[arg-type]
    two = evaluate_members(dataset, pack, cells, year=YEAR, as_of=AS_OF, workers=2, **kw)  # type: ignore[arg-type]
    return one, two


def test_a_generated_year_is_judged_the_same_in_two_parts(tmp_path: Path) -> None:
    generate_with_members(
        tmp_path, year=YEAR, n_cells=12, seed=5, messy=True, formats=("xlsx",), consolidated=1
    )
    dataset = load([tmp_path], workers=0)
    judges = load_rulebook().judges(YEAR, AS_OF)
    evaluation = evaluate(dataset, judges, year=YEAR, as_of=AS_OF)
    cells = {cell_id for cell_id, _, _ in evaluation.audited_cells}
    merged = {m.cell_id: m.merged_into for m in evaluation.merged}
    one, two = _both(dataset, cells, merged=merged)
    assert len(one.members) > 200 and one.quiz
    assert sum(len(m.violations) for m in one.members) > 20
    assert two == one


def test_a_member_listed_in_cells_of_both_parts_keeps_every_finding() -> None:
    where = {"file": "a.xlsx", "sheet": "Đảng viên", "row": 2}
    rows = [
        {"member_id": "DV-1", "member_name": "Nguyễn Văn An", "cell_id": "CB-1", **where},
        {"member_id": "DV-1", "member_name": "Nguyễn Văn An", "cell_id": "CB-2", **where},
        {"member_id": "DV-2", "member_name": "Trần Thị Bình", "cell_id": "CB-2", **where},
    ]
    grid = [
        {"member_id": member, **{f"m{m:02d}": "unexcused" for m in months}, **where}
        for member, months in (("DV-1", (1, 2, 3)), ("DV-2", (4, 5, 6)))
    ]
    dataset = Dataset(
        members=frame_from_rows("members", rows),
        attendance_grid=frame_from_rows("attendance_grid", grid),
    )
    one, two = _both(dataset, {"CB-1", "CB-2"})
    found = {(m.cell_id, m.member_id): [v.rule for v in m.violations] for m in one.members}
    assert set(found) == {("CB-1", "DV-1"), ("CB-2", "DV-1"), ("CB-2", "DV-2")}
    assert all("DV01" in rules for rules in found.values())
    assert two == one
