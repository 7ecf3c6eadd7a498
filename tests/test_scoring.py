"""Scoring as rules.md says: score, bands, caps, the 124-QĐ/TW quota, rank."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.models import BANDS, Violation
from auditor.scoring import band_for_score, rank_scores, score_cells, share_fraction
from auditor.scoring_params import Quota, ScoringParams
from tests.report_factories import violation

DEFAULT = ScoringParams()
NO_QUOTA = ScoringParams(quota=Quota(enabled=False))


def lose(points: int, rule: str = "TK02") -> list[Violation]:
    """Violations worth ``points`` in total (one per point block of 1)."""
    return [violation(rule, points)] if points else []


def run(
    spec: dict[str, tuple[str | None, list[Violation]]], params: ScoringParams = DEFAULT
) -> dict[str, object]:
    cells = [(cid, f"Chi bộ {cid}", parent) for cid, (parent, _) in spec.items()]
    found = {cid: vs for cid, (_, vs) in spec.items()}
    results, moves = score_cells(cells, found, params)
    return {"cells": {c.cell_id: c for c in results}, "order": results, "moves": moves}


# --------------------------------------------------------------------------- score, band


def test_score_is_start_minus_points_and_never_below_zero() -> None:
    out = run(
        {
            "A": (None, [violation("CD02", 3), violation("TK01", 2)]),
            "B": (None, [violation("CD01", 10)] * 12),
            "C": (None, []),
        },
        NO_QUOTA,
    )
    cells = out["cells"]
    assert cells["A"].score == 95 and cells["A"].points_lost == 5  # type: ignore[index]
    assert cells["B"].score == 0 and cells["B"].points_lost == 120  # type: ignore[index]
    assert cells["C"].score == 100 and cells["C"].violations == []  # type: ignore[index]


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (100, "HTXSNV"),
        (90, "HTXSNV"),
        (89, "HTTNV"),
        (70, "HTTNV"),
        (69, "HTNV"),
        (50, "HTNV"),
        (49, "KHTNV"),
        (0, "KHTNV"),
    ],
)
def test_band_thresholds(score: int, band: str) -> None:
    assert band_for_score(score, DEFAULT) == band


def test_custom_start_changes_the_score() -> None:
    params = ScoringParams(start=50, quota=Quota(enabled=False))
    out = run({"A": (None, lose(5))}, params)
    assert out["cells"]["A"].score == 45  # type: ignore[index]
    assert out["cells"]["A"].band == "KHTNV"  # type: ignore[index]


# --------------------------------------------------------------------------- caps


def test_two_cd01_cap_the_band_at_htnv() -> None:
    out = run({"A": (None, [violation("CD01", 10, period="Q1")] * 2)}, NO_QUOTA)
    cell = out["cells"]["A"]  # type: ignore[index]
    assert cell.score == 80
    assert cell.band == "HTNV" and cell.band_before_quota == "HTNV"


def test_one_cd01_is_not_capped() -> None:
    out = run({"A": (None, [violation("CD01", 10, period="Q1")])}, NO_QUOTA)
    assert out["cells"]["A"].band == "HTXSNV"  # type: ignore[index]


def test_kh01_caps_at_httnv() -> None:
    out = run({"A": (None, [violation("KH01", 10)])}, NO_QUOTA)
    assert out["cells"]["A"].score == 90  # type: ignore[index]
    assert out["cells"]["A"].band == "HTTNV"  # type: ignore[index]


def test_cap_never_raises_a_band() -> None:
    out = run({"A": (None, [violation("KH01", 10), *lose(45)])}, NO_QUOTA)
    assert out["cells"]["A"].band == "KHTNV"  # type: ignore[index]


def test_both_caps_take_the_lower() -> None:
    found = [violation("KH01", 1), violation("CD01", 1), violation("CD01", 1)]
    out = run({"A": (None, found)}, NO_QUOTA)
    assert out["cells"]["A"].band == "HTNV"  # type: ignore[index]


# --------------------------------------------------------------------------- quota


def group(parent: str | None, prefix: str, excellent: int, good: int) -> dict:
    spec: dict[str, tuple[str | None, list[Violation]]] = {}
    for i in range(excellent):
        spec[f"{prefix}X{i:02d}"] = (parent, lose(i % 5))  # scores 100..96
    for i in range(good):
        spec[f"{prefix}G{i:02d}"] = (parent, lose(15))
    return spec


def bands_in(out: dict, parent: str | None) -> dict[str, int]:
    counts = dict.fromkeys(BANDS, 0)
    for c in out["cells"].values():
        if c.parent == parent:
            counts[c.band] += 1
    return counts


def test_quota_allows_exactly_twenty_percent() -> None:
    out = run(group("P", "A", excellent=1, good=5))
    assert out["moves"] == []
    assert bands_in(out, "P") == {"HTXSNV": 1, "HTTNV": 5, "HTNV": 0, "KHTNV": 0}


def test_quota_moves_the_lowest_scoring_excellent_cell() -> None:
    out = run(group("P", "A", excellent=2, good=5))
    assert [m.cell_id for m in out["moves"]] == ["AX01"]  # 99 points, AX00 has 100
    moved = out["cells"]["AX01"]
    assert moved.band == "HTTNV" and moved.band_before_quota == "HTXSNV"
    assert moved.moved_by_quota
    assert not out["cells"]["AX00"].moved_by_quota
    move = out["moves"][0]
    assert move.parent == "P" and move.score == 99
    assert move.message_vi.startswith("Vượt chỉ tiêu 20% HTXSNV so với HTTNV trong P")
    assert "quota" in move.message_en


def test_moved_cells_raise_the_good_count() -> None:
    # 3 excellent, 5 good: 3 > 1 -> move; 2 > 6/5 -> move; 1 <= 7/5 -> stop.
    out = run(group("P", "A", excellent=3, good=5))
    assert len(out["moves"]) == 2
    assert bands_in(out, "P")["HTXSNV"] == 1


def test_no_good_cell_means_no_excellent_cell() -> None:
    out = run(group("P", "A", excellent=4, good=0))
    assert bands_in(out, "P") == {"HTXSNV": 0, "HTTNV": 4, "HTNV": 0, "KHTNV": 0}
    assert [m.cell_id for m in out["moves"]] == ["AX03", "AX02", "AX01", "AX00"]


def test_quota_uses_exact_arithmetic() -> None:
    # 0.7 * 10 == 7.000000000000001 in floats; exactly 7 excellent are allowed.
    params = ScoringParams(quota=Quota(share=0.7))
    out = run(group("P", "A", excellent=7, good=10), params)
    assert out["moves"] == []
    assert share_fraction(0.7) == Fraction(7, 10)
    assert share_fraction(0.2) == Fraction(1, 5)


def test_quota_is_per_parent_and_cells_without_parent_form_one_group() -> None:
    spec = {
        **group("P", "A", excellent=1, good=5),  # fine
        **group("Q", "B", excellent=1, good=0),  # must move
        **group(None, "C", excellent=2, good=5),  # one must move
    }
    out = run(spec)
    assert sorted(m.cell_id for m in out["moves"]) == ["BX00", "CX01"]
    assert {m.parent for m in out["moves"]} == {"Q", None}
    assert bands_in(out, "P")["HTXSNV"] == 1
    none_move = next(m for m in out["moves"] if m.parent is None)
    assert "không ghi đảng bộ" in none_move.message_vi


def test_quota_disabled_moves_nothing() -> None:
    out = run(group("P", "A", excellent=3, good=0), NO_QUOTA)
    assert out["moves"] == []


def test_tie_moves_the_cell_that_lost_more_cd_points_first() -> None:
    spec = {
        "A1": ("P", [violation("CD02", 3)]),  # 97, 3 CD points
        "A2": ("P", [violation("TK01", 3)]),  # 97, 0 CD points: keeps its place
        **{f"G{i}": ("P", lose(15)) for i in range(5)},
    }
    out = run(spec)
    assert [m.cell_id for m in out["moves"]] == ["A1"]


def test_full_tie_moves_the_greater_cell_id_first() -> None:
    spec = {
        "A1": ("P", [violation("CD02", 3)]),
        "A2": ("P", [violation("CD02", 3)]),
        **{f"G{i}": ("P", lose(15)) for i in range(5)},
    }
    out = run(spec)
    assert [m.cell_id for m in out["moves"]] == ["A2"]


def test_capped_cells_do_not_count_as_excellent() -> None:
    spec = {
        "A1": ("P", [violation("KH01", 5)]),  # 95 but capped to HTTNV
        "A2": ("P", []),
        **{f"G{i}": ("P", lose(15)) for i in range(4)},
    }
    out = run(spec)  # 1 excellent vs 5 good
    assert out["moves"] == []
    assert out["cells"]["A1"].band == "HTTNV"


# --------------------------------------------------------------------------- rank and order


def test_rank_is_competition_ranking() -> None:
    assert rank_scores([100, 95, 95, 80]) == {100: 1, 95: 2, 80: 4}


def test_cells_are_ordered_by_rank_then_id_and_ranked_over_the_run() -> None:
    spec = {
        "Z": ("P", lose(5)),
        "B": ("Q", lose(5)),
        "A": ("P", []),
        "C": (None, lose(30)),
    }
    out = run(spec, NO_QUOTA)
    order = [(c.cell_id, c.rank) for c in out["order"]]
    assert order == [("A", 1), ("B", 2), ("Z", 2), ("C", 4)]


def test_violations_of_unlisted_cells_are_not_dropped() -> None:
    results, _ = score_cells([("A", "x", None)], {"GHOST": [violation("CD02", 3)]}, DEFAULT)
    ghost = next(c for c in results if c.cell_id == "GHOST")
    assert ghost.score == 97 and ghost.cell_name is None and ghost.parent is None


def test_duplicate_cell_listing_is_scored_once() -> None:
    results, _ = score_cells([("A", "x", None), ("A", "y", "P")], {}, NO_QUOTA)
    assert [(c.cell_id, c.cell_name) for c in results] == [("A", "x")]


def test_violations_come_back_in_a_fixed_order() -> None:
    a = [violation("TK01", 2, period="M02"), violation("CD01", 10, period="Q1")]
    first, _ = score_cells([("A", None, None)], {"A": a}, NO_QUOTA)
    second, _ = score_cells([("A", None, None)], {"A": a[::-1]}, NO_QUOTA)
    assert first == second
    assert [v.rule for v in first[0].violations] == ["CD01", "TK01"]


# --------------------------------------------------------------------------- properties

cells_strategy = st.lists(
    st.tuples(
        st.sampled_from(["P", "Q", None]),
        st.integers(min_value=0, max_value=60),  # non-CD points
        st.integers(min_value=0, max_value=3),  # CD02 violations (3 points each)
    ),
    min_size=0,
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(cells_strategy, st.sampled_from([0.0, 0.1, 0.2, 0.25, 1 / 3, 0.5, 1.0]))
def test_quota_properties(spec: list[tuple[str | None, int, int]], share: float) -> None:
    params = ScoringParams(quota=Quota(share=share))
    cells = [(f"C{i:03d}", None, parent) for i, (parent, _, _) in enumerate(spec)]
    found = {
        f"C{i:03d}": lose(other) + [violation("CD02", 3)] * cd
        for i, (_, other, cd) in enumerate(spec)
    }
    results, moves = score_cells(cells, found, params)
    exact = share_fraction(share)
    groups: dict[str | None, list] = defaultdict(list)
    for c in results:
        groups[c.parent].append(c)
        assert c.band_before_quota == _expected_band(c.score, found[c.cell_id])
        if c.moved_by_quota:
            assert (c.band_before_quota, c.band) == ("HTXSNV", "HTTNV")
        else:
            assert c.band == c.band_before_quota
    for members in groups.values():
        excellent = [c for c in members if c.band == "HTXSNV"]
        good = [c for c in members if c.band == "HTTNV"]
        moved = [c for c in members if c.moved_by_quota]
        # The quota holds, exactly.
        assert len(excellent) <= exact * len(good)
        # Minimal: with one move fewer it would not hold.
        if moved:
            assert len(excellent) + 1 > exact * (len(good) - 1)
        # Those that moved scored no more than those that stayed.
        if moved and excellent:
            assert max(c.score for c in moved) <= min(c.score for c in excellent)
    assert sorted(m.cell_id for m in moves) == sorted(
        c.cell_id for c in results if c.moved_by_quota
    )
    # Order and ranks.
    assert [(c.rank, c.cell_id) for c in results] == sorted((c.rank, c.cell_id) for c in results)
    for c in results:
        assert c.rank == 1 + sum(1 for o in results if o.score > c.score)


def _expected_band(score: int, found: list[Violation]) -> str:
    band = band_for_score(score, DEFAULT)
    if sum(1 for v in found if v.rule == "KH01") >= 1 and BANDS.index(band) < 1:
        band = "HTTNV"
    return band
