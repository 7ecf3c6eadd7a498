"""The member evaluation pauses the garbage collector for its own work only: it is on
again afterwards (and stays off for a caller that had turned it off), also when the
evaluation fails."""

from __future__ import annotations

import datetime as dt
import gc

import pytest

from auditor.ingest.dataset import Dataset, frame_from_rows
from auditor.members import judge
from auditor.members.judge import evaluate_members
from auditor.rulepack import load_pack

YEAR = 2024


def _dataset() -> Dataset:
    where = {"file": "a.xlsx", "sheet": "Đảng viên", "row": 2}
    member = {"member_id": "DV-1", "member_name": "Nguyễn Văn An", "cell_id": "CB-1"}
    grid = {"member_id": "DV-1", "cell_id": "CB-1", **{f"m{m:02d}": "unexcused" for m in (1, 2, 3)}}
    return Dataset(
        members=frame_from_rows("members", [{**member, **where}]),
        attendance_grid=frame_from_rows("attendance_grid", [{**grid, **where}]),
    )


def _evaluate() -> list[str]:
    outcome = evaluate_members(
        _dataset(), load_pack("hd12"), {"CB-1"}, year=YEAR, as_of=dt.date(YEAR, 12, 31)
    )
    return [v.rule for m in outcome.members for v in m.violations]


def test_the_collector_is_on_again_after_the_member_evaluation() -> None:
    assert gc.isenabled()
    assert _evaluate() == ["DV01"]
    assert gc.isenabled()


def test_a_caller_that_turned_the_collector_off_finds_it_off() -> None:
    gc.disable()
    try:
        assert _evaluate() == ["DV01"]
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_is_on_again_when_the_evaluation_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_: object, **__: object) -> None:
        assert not gc.isenabled()  # paused while the members are evaluated
        raise RuntimeError("broken")

    monkeypatch.setattr(judge, "member_facts", broken)
    with pytest.raises(RuntimeError):
        _evaluate()
    assert gc.isenabled()
