"""Score, band, caps, the 124-QĐ/TW quota and rank (rules.md, "Scoring").

Choices the contract leaves open, made here once:

- **Quota groups.** Cells are grouped by ``parent``; every cell without a parent falls in
  one group of its own ("the whole run" for a run where no parent is given, otherwise the
  group of the cells whose parent is unknown).
- **Quota arithmetic** is exact: the share is read as a decimal fraction
  (``Fraction(str(0.2)) == 1/5``) and the test is ``excellent <= share * good`` on
  rationals, never floats. It is re-evaluated after every move, because a moved cell
  raises the count of ``of_band``. Each move lowers the excellent count, so the loop ends
  (at the latest when no excellent cell is left: ``0 <= share * good`` always holds).
- **Who moves first.** Excellent cells are ordered by merit: score descending, then points
  lost to rules whose id starts with ``tiebreak_prefix`` (``CD``) ascending, then cell id
  ascending. The *last* cell in that order moves first: the lowest score; among equal
  scores the one that lost more CD points; among those the greater cell id.
- **Rank** is competition ranking over the whole run (1, 2, 2, 4) by score.
- **Order.** Cells come back sorted by (rank, cell id); violations of a cell by
  (rule, date, period) keeping the engine's order otherwise; quota moves in the order
  they were made, groups by parent name (cells without parent last).
- A violation whose cell is not in ``cells`` is never dropped: the cell is scored with no
  name and no parent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from auditor.models import BANDS, Band, CellResult, QuotaMove, Violation
from auditor.scoring_params import ScoringParams

__all__ = ["band_for_score", "rank_scores", "score_cells", "share_fraction"]


def band_for_score(score: int, params: ScoringParams) -> Band:
    """The band the thresholds give ``score`` (the worst band when no threshold is met)."""
    for threshold in sorted(params.bands, key=lambda b: b.min_score, reverse=True):
        if score >= threshold.min_score:
            return threshold.band
    return "KHTNV"


def _worse(a: Band, b: Band) -> Band:
    return a if BANDS.index(a) >= BANDS.index(b) else b


def share_fraction(share: float) -> Fraction:
    """``share`` as the decimal fraction it was written as (0.2 -> 1/5, not 0.2000000001)."""
    return Fraction(str(share)).limit_denominator(10**9)


def rank_scores(scores: Iterable[int]) -> dict[int, int]:
    """Competition ranks by score descending: ``{score: rank}`` (1, 2, 2, 4)."""
    ordered = sorted(scores, reverse=True)
    ranks: dict[int, int] = {}
    for position, score in enumerate(ordered, start=1):
        ranks.setdefault(score, position)
    return ranks


@dataclass
class _Cell:
    cell_id: str
    cell_name: str | None
    parent: str | None
    violations: list[Violation]
    points_lost: int
    tiebreak_lost: int
    score: int
    band_before_quota: Band
    band: Band
    moved: bool = False


def _violation_key(v: Violation) -> tuple[str, dt.date, str]:
    return (v.rule, v.date or dt.date.min, v.period or "")


def _percent(share: Fraction) -> str:
    value = share * 100
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):g}"


def _group_label_vi(parent: str | None) -> str:
    return parent if parent is not None else "nhóm các chi bộ không ghi đảng bộ cấp trên"


def _group_label_en(parent: str | None) -> str:
    return parent if parent is not None else "the group of cells with no parent organisation"


def _apply_quota(group: list[_Cell], params: ScoringParams) -> list[QuotaMove]:
    quota = params.quota
    share = share_fraction(quota.share)
    moves: list[QuotaMove] = []
    excellent = [c for c in group if c.band == quota.band]
    good = sum(1 for c in group if c.band == quota.of_band)
    # Best first; the last one is the next to move.
    excellent.sort(key=lambda c: (-c.score, c.tiebreak_lost, c.cell_id))
    pct = _percent(share)
    top, bottom = share.numerator, share.denominator
    # len(excellent) > share * good, in whole numbers
    while excellent and len(excellent) * bottom > top * good:
        cell = excellent.pop()
        moves.append(_move(cell, params, pct, len(excellent) + 1, good, top * good // bottom))
        cell.band = quota.of_band
        cell.moved = True
        good += 1
    return moves


def _move(
    cell: _Cell, params: ScoringParams, pct: str, excellent: int, good: int, allowed: int
) -> QuotaMove:
    """The record of moving ``cell``; the counts are those just before the move."""
    quota = params.quota
    top, low = quota.band, quota.of_band
    return QuotaMove(
        parent=cell.parent,
        cell_id=cell.cell_id,
        score=cell.score,
        message_vi=(
            f"Vượt chỉ tiêu {pct}% {top} so với {low} trong {_group_label_vi(cell.parent)}: "
            f"{excellent} {top} so với {good} {low} (tối đa {allowed}); chi bộ {top} có điểm "
            f"thấp nhất ({cell.score} điểm) chuyển xuống {low}"
        ),
        message_en=(
            f"Exceeds the {pct}% quota of {top} relative to {low} in "
            f"{_group_label_en(cell.parent)}: {excellent} {top} against {good} {low} "
            f"(at most {allowed}); the lowest-scoring {top} cell ({cell.score} points) moves "
            f"down to {low}"
        ),
    )


def score_cells(
    cells: Sequence[tuple[str, str | None, str | None]],
    violations: dict[str, list[Violation]],
    params: ScoringParams,
) -> tuple[list[CellResult], list[QuotaMove]]:
    """Score every audited cell ``(cell_id, cell_name, parent)`` from its violations.

    Returns the cells sorted by (rank, cell id) and the quota moves made.
    """
    listed: dict[str, tuple[str | None, str | None]] = {}
    for cell_id, name, parent in cells:
        listed.setdefault(cell_id, (name, parent))
    for cell_id in sorted(violations):
        if violations[cell_id]:
            listed.setdefault(cell_id, (None, None))

    prefix = params.quota.tiebreak_prefix
    scored: list[_Cell] = []
    for cell_id, (name, parent) in listed.items():
        found = sorted(violations.get(cell_id, []), key=_violation_key)
        lost = sum(v.points for v in found)
        score = max(0, params.start - lost)
        band = band_for_score(score, params)
        for cap in params.caps:
            if sum(1 for v in found if v.rule == cap.rule) >= cap.count:
                band = _worse(band, cap.max_band)
        scored.append(
            _Cell(
                cell_id=cell_id,
                cell_name=name,
                parent=parent,
                violations=found,
                points_lost=lost,
                tiebreak_lost=sum(v.points for v in found if prefix and v.rule.startswith(prefix)),
                score=score,
                band_before_quota=band,
                band=band,
            )
        )

    moves: list[QuotaMove] = []
    if params.quota.enabled:
        groups: dict[str | None, list[_Cell]] = {}
        for cell in scored:
            groups.setdefault(cell.parent, []).append(cell)
        for parent in sorted(groups, key=lambda p: (p is None, p or "")):
            moves += _apply_quota(groups[parent], params)

    ranks = rank_scores(c.score for c in scored)
    results = [
        CellResult(
            cell_id=c.cell_id,
            cell_name=c.cell_name,
            parent=c.parent,
            score=c.score,
            band=c.band,
            band_before_quota=c.band_before_quota,
            rank=ranks[c.score],
            points_lost=c.points_lost,
            moved_by_quota=c.moved,
            violations=c.violations,
        )
        for c in scored
    ]
    results.sort(key=lambda r: (r.rank, r.cell_id))
    return results, moves
