"""The member facts are the same, value for value and type for type, as
those of the first implementation (``tests/members/reference.py``), which the faster
code replaced: on generated years (clean and messy) and on random member tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.ingest import load
from auditor.ingest.dataset import Dataset, frame_from_rows
from auditor.members.facts import member_facts
from benchmarks.members_sample import generate_with_members
from tests.members import reference

YEAR = 2024


def _facts_as_text(dataset: Dataset, cells: set[str], as_of: dt.date, module: Any) -> str:
    by_cell, summaries = module.member_facts(dataset, cells, year=YEAR, as_of=as_of)
    cells_text = [
        repr((cell_id, h.cell_id, h.facts, h.infos, h.owners))
        for cell_id, h in sorted(by_cell.items())
    ]
    return "\n".join([*cells_text, *(repr(s) for s in summaries)])


class _Now:
    member_facts = staticmethod(member_facts)


def _assert_same(dataset: Dataset, cells: set[str], as_of: dt.date) -> None:
    now = _facts_as_text(dataset, cells, as_of, _Now)
    before = _facts_as_text(dataset, cells, as_of, reference)
    assert now == before


@pytest.mark.parametrize("messy", [False, True])
def test_a_generated_year_gives_the_facts_it_gave_before(tmp_path: Path, messy: bool) -> None:
    generate_with_members(
        tmp_path, year=YEAR, n_cells=12, seed=5, messy=messy, formats=("xlsx",), consolidated=1
    )
    dataset = load([tmp_path])
    assert len(dataset.members) > 200 and len(dataset.study) and len(dataset.quiz)
    cells = set(dataset.cells["cell_id"])
    for as_of in (dt.date(YEAR, 12, 31), dt.date(YEAR, 7, 15)):
        _assert_same(dataset, cells, as_of)
    _assert_same(dataset, set(sorted(cells)[::2]), dt.date(YEAR, 12, 31))


_DAY = st.one_of(st.none(), st.dates(dt.date(YEAR - 1, 11, 1), dt.date(YEAR + 1, 2, 1)))
_MARK = st.sampled_from(["present", "excused", "unexcused", "absent", "exempt", None])
_MEMBER = st.sampled_from(["DV-1", "DV-2", "DV-3", "DV-4"])
_CELL = {"DV-1": "CB-1", "DV-2": "CB-1", "DV-3": "CB-2", "DV-4": "CB-3"}
_WHERE = {"file": "a.xlsx", "sheet": "Bảng"}


def _numbered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, **_WHERE, "row": n} for n, row in enumerate(rows, start=2)]


@st.composite
def _datasets(draw: st.DrawFn) -> Dataset:
    members = [
        {
            "member_id": member_id,
            "member_name": f"Tên {member_id}",
            "cell_id": cell_id,
            "exempt_from": draw(st.one_of(st.none(), st.just(True), _DAY)),
            "joined": draw(_DAY),
            "left": draw(_DAY),
        }
        for member_id, cell_id in _CELL.items()
    ]
    grid = [
        {"member_id": m, "cell_id": _CELL[m], **{f"m{k:02d}": draw(_MARK) for k in range(1, 13)}}
        for m in draw(st.lists(_MEMBER, max_size=4))
    ]
    long = [
        {
            "member_id": m,
            "cell_id": _CELL[m],
            "date": draw(_DAY),
            "mark": draw(_MARK),
            "reason": draw(st.sampled_from([None, "Ốm"])),
        }
        for m in draw(st.lists(_MEMBER, max_size=12))
    ]
    study = [
        {
            "member_id": m,
            "cell_id": _CELL[m],
            "resolution": draw(st.sampled_from([None, "Nghị quyết 57"])),
            "date": draw(_DAY),
            "mark": draw(_MARK),
            "reason": draw(st.sampled_from([None, "Ốm"])),
            "makeup": draw(st.one_of(st.just(True), _DAY)),
            "reflection": draw(st.one_of(st.just(True), _DAY)),
            "reflection_passed": draw(st.sampled_from([None, True, False])),
        }
        for m in draw(st.lists(_MEMBER, max_size=10))
    ]
    quiz = [
        {
            "member_id": m,
            "cell_id": _CELL[m],
            "month": draw(st.one_of(st.none(), st.integers(1, 12))),
            "quiz_date": draw(_DAY),
            "score": draw(st.sampled_from([5.0, 8.0, 10.0])),
            "questions": draw(st.one_of(st.none(), st.sampled_from([5, 10]))),
            "seconds": draw(st.one_of(st.none(), st.integers(10, 400))),
            "submitted": draw(st.one_of(st.none(), st.integers(0, 100))),
        }
        for m in draw(st.lists(_MEMBER, max_size=12))
    ]
    six_good = [
        {
            "member_id": m,
            "cell_id": _CELL[m],
            "month": draw(st.integers(1, 12)),
            "criteria_met": draw(st.one_of(st.none(), st.integers(0, 6))),
            "classification": draw(st.sampled_from([None, "6 tốt", "Khá"])),
            **{f"c{k}": draw(st.sampled_from([None, True, False])) for k in range(1, 7)},
        }
        for m in draw(st.lists(_MEMBER, max_size=8))
    ]
    cells = [
        {
            "cell_id": cell_id,
            "cell_name": cell_id,
            "active_from": draw(_DAY),
            "active_to": draw(_DAY),
            "merged_from": draw(st.sampled_from([None, "CB-9"])),
        }
        for cell_id in ("CB-1", "CB-2")
    ]
    return Dataset(
        cells=frame_from_rows("cells", _numbered(cells)),
        members=frame_from_rows("members", _numbered(members)),
        attendance_grid=frame_from_rows("attendance_grid", _numbered(grid)),
        attendance=frame_from_rows("attendance", _numbered(long)),
        study=frame_from_rows("study", _numbered(study)),
        quiz=frame_from_rows("quiz", _numbered(quiz)),
        six_good=frame_from_rows("six_good", _numbered(six_good)),
    )


@settings(max_examples=150, deadline=None)
@given(_datasets(), st.sampled_from([dt.date(YEAR, 12, 31), dt.date(YEAR, 6, 30)]))
def test_random_member_tables_give_the_facts_they_gave_before(
    dataset: Dataset, as_of: dt.date
) -> None:
    _assert_same(dataset, {"CB-1", "CB-2"}, as_of)
