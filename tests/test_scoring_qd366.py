"""The year's scoring as data: qd124 up to 2024, qd366 from 2025, quota parameters, and
the words that say which rule moved each cell (rulebook-2025.md, section 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.models import Violation
from auditor.scoring import score_cells
from auditor.scoring_params import (
    Quota,
    ScoringError,
    load_scoring,
    scoring_for_year,
    scoring_named,
)
from tests.report_factories import violation


def test_the_audit_year_picks_the_scoring() -> None:
    assert scoring_for_year(2024).name == "qd124"
    assert scoring_for_year(2018).name == "qd124"
    assert scoring_for_year(2025).name == "qd366"
    assert scoring_for_year(2026).name == "qd366"
    assert scoring_named("qd124").conditions == []


def test_qd124_is_todays_scoring_unchanged() -> None:
    qd124 = scoring_for_year(2024)
    assert [(b.band, b.min_score) for b in qd124.bands] == [
        ("HTXSNV", 90),
        ("HTTNV", 70),
        ("HTNV", 50),
        ("KHTNV", 0),
    ]
    assert [(c.rule, c.count, c.max_band) for c in qd124.caps] == [
        ("CD01", 2, "HTNV"),
        ("KH01", 1, "HTTNV"),
    ]
    assert (qd124.quota.share, qd124.quota.base, qd124.quota.level) == (0.2, "HTTNV", "parent")


def test_a_scoring_file_with_an_unknown_key_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("name: mine\ntitle_vi: x\nquota: {share: 0.25, sharee: 1}\n", "utf-8")
    with pytest.raises(ScoringError, match=r"mine\.yaml"):
        load_scoring(path)
    path.write_text("name: mine\ntitle_vi: x\nquota: {share: 0.25, level: run}\n", "utf-8")
    assert scoring_named(str(path)).quota.level == "run"


def _run(
    spec: dict[str, tuple[str | None, list[Violation]]],
    year: int = 2026,
    extras: dict[str, dict[str, object]] | None = None,
    quota: Quota | None = None,
):  # type: ignore[no-untyped-def]
    scoring = scoring_for_year(year)
    if quota is not None:
        scoring = scoring.model_copy(update={"quota": quota})
    cells = [(cid, f"Chi bộ {cid}", parent) for cid, (parent, _) in spec.items()]
    results, moves = score_cells(cells, {c: v for c, (_, v) in spec.items()}, scoring, extras)
    return {c.cell_id: c for c in results}, moves


def test_qd366_a_disciplined_cell_is_at_most_httnv_and_says_why() -> None:
    cells, _ = _run(
        {"A": (None, []), "B": (None, [])},
        extras={"A": {"disciplined": 2}, "B": {"disciplined": 0}},
        quota=Quota(level="none"),
    )
    assert cells["A"].score == 100 and cells["A"].band == "HTTNV"
    assert cells["A"].disciplined == 2
    change = cells["A"].band_changes[0]
    assert change.kind == "condition" and change.rule == "disciplined"
    assert "kỷ luật" in change.message_vi and "366" in change.message_vi
    assert cells["B"].band == "HTXSNV" and not cells["B"].band_changes


def test_qd124_ignores_discipline() -> None:
    cells, _ = _run(
        {"A": (None, [])}, year=2024, extras={"A": {"disciplined": 1}}, quota=Quota(level="none")
    )
    assert cells["A"].band == "HTXSNV"


def test_caps_stay_in_qd366_and_are_said_in_words() -> None:
    cells, _ = _run({"A": (None, [violation("KH01", 10)])}, quota=Quota(level="none"))
    assert cells["A"].score == 90 and cells["A"].band == "HTTNV"
    (change,) = cells["A"].band_changes
    assert change.kind == "cap" and change.rule == "KH01"
    assert change.message_vi.startswith("Vi phạm KH01")


def _group(parent: str, prefix: str, excellent: int, good: int) -> dict[str, tuple]:  # type: ignore[type-arg]
    spec = {
        f"{prefix}X{i:02d}": (parent, [violation("TK02", i)] if i else []) for i in range(excellent)
    }
    spec.update({f"{prefix}G{i:02d}": (parent, [violation("TK02", 20)]) for i in range(good)})
    return spec


def test_quota_base_httnv_or_better_counts_the_excellent_too() -> None:
    spec = _group("P", "A", excellent=2, good=4)
    # base HTTNV: 2 > 0.2 * 4 -> moves until 1 <= 0.2 * 5
    _, moves = _run(spec, quota=Quota(base="HTTNV"))
    assert len(moves) == 1
    # base HTTNV_or_better: 2 > 0.2 * 6 -> move one: 1 <= 0.2 * 6
    cells, moves = _run(spec, quota=Quota(base="HTTNV_or_better"))
    assert [m.cell_id for m in moves] == ["AX01"]
    assert "HTTNV trở lên" in moves[0].message_vi
    assert cells["AX01"].band_changes[-1].kind == "quota"


def test_quota_level_run_pools_all_parents_and_none_applies_none() -> None:
    spec = {**_group("P", "A", excellent=1, good=5), **_group("Q", "B", excellent=1, good=0)}
    _, by_parent = _run(spec, quota=Quota(level="parent"))
    assert [m.cell_id for m in by_parent] == ["BX00"]  # Q has no HTTNV cell
    _, whole = _run(spec, quota=Quota(level="run"))
    assert [m.cell_id for m in whole] == ["BX00"]  # 2 > 0.2 * 5 -> one moves
    assert "toàn bộ lượt kiểm tra" in whole[0].message_vi
    _, none = _run(spec, quota=Quota(level="none"))
    assert none == []


def test_a_waived_violation_costs_no_points_and_counts_for_no_cap() -> None:
    waived = violation("KH01", 10).model_copy(update={"waived": True})
    cells, _ = _run({"A": (None, [waived])}, quota=Quota(level="none"))
    assert cells["A"].score == 100 and cells["A"].band == "HTXSNV"
    assert cells["A"].points_lost == 0 and cells["A"].violations == [waived]
