"""Score, band, caps, conditions, the quota and rank (rules.md, "Scoring";
rulebook-2025.md, section 4).

The numbers come from the year's scoring (``qd124`` up to 2024, ``qd366`` from 2025,
``auditor/scorings/``). Choices the contract leaves open, made here once:

- **Quota groups.** With ``level: parent`` cells are grouped by ``parent`` (the đảng bộ
  at the end of the audited period: a moved cell counts where it is now); every cell
  without a parent falls in one group of its own ("the whole run" for a run where no
  parent is given, otherwise the group of the cells whose parent is unknown). With
  ``level: run`` the whole run is one group; ``level: none`` applies no quota.
- **Quota base.** ``base: HTTNV`` compares the excellent cells with the HTTNV ones;
  ``HTTNV_or_better`` with HTTNV and HTXSNV together (the excellent included).
- **Waived violations** are listed but cost no points and count for no cap.
- **Words.** Every cap, condition and quota move that lowered a cell's band is written
  on the cell (``band_changes``), naming the rule and the text it comes from.
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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from auditor.models import BANDS, Band, BandChange, CellResult, QuotaMove, Violation
from auditor.scoring_params import Condition, ScoringParams

__all__ = ["band_for_score", "rank_scores", "score_cells", "share_fraction"]


#: Fields of a cell's result that ``extras`` may fill.
_EXTRA_FIELDS = frozenset(
    {"previous_name", "previous_parent", "parent_since", "disciplined", "merged_from"}
)


def band_for_score(score: int, params: ScoringParams) -> Band:
    """The band the thresholds give ``score`` (the worst band when no threshold is met)."""
    return _band(score, _thresholds(params))


def _thresholds(params: ScoringParams) -> list[tuple[int, Band]]:
    """(least score, band), the highest first: sorted once per run, not once per cell."""
    ordered = sorted(params.bands, key=lambda b: b.min_score, reverse=True)
    return [(threshold.min_score, threshold.band) for threshold in ordered]


def _band(score: int, thresholds: list[tuple[int, Band]]) -> Band:
    for least, band in thresholds:
        if score >= least:
            return band
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
    changes: list[BandChange] = field(default_factory=list)
    extra: Mapping[str, Any] = field(default_factory=dict)


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


def _apply_quota(group: list[_Cell], params: ScoringParams, parent: str | None) -> list[QuotaMove]:
    """Move excellent cells of one group down until the quota holds; ``parent`` names the
    group (None: cells with no parent, or the whole run with ``level: run``)."""
    quota = params.quota
    share = share_fraction(quota.share)
    moves: list[QuotaMove] = []
    excellent = [c for c in group if c.band == quota.band]
    good = sum(1 for c in group if c.band == quota.of_band)
    # Best first; the last one is the next to move.
    excellent.sort(key=lambda c: (-c.score, c.tiebreak_lost, c.cell_id))
    pct = _percent(share)
    top, bottom = share.numerator, share.denominator
    whole_run = quota.level == "run"

    def base() -> int:
        return good + len(excellent) if quota.base == "HTTNV_or_better" else good

    # len(excellent) > share * base, in whole numbers
    while excellent and len(excellent) * bottom > top * base():
        counted = base()
        cell = excellent.pop()
        move = _move(
            cell, params, pct, len(excellent) + 1, counted, top * counted // bottom, whole_run
        )
        moves.append(move)
        cell.changes.append(
            BandChange(
                rule="quota",
                kind="quota",
                band_from=cell.band,
                band_to=quota.of_band,
                message_vi=move.message_vi,
                message_en=move.message_en,
            )
        )
        cell.band = quota.of_band
        cell.moved = True
        good += 1
    return moves


def _move(
    cell: _Cell,
    params: ScoringParams,
    pct: str,
    excellent: int,
    counted: int,
    allowed: int,
    whole_run: bool,
) -> QuotaMove:
    """The record of moving ``cell``; the counts are those just before the move."""
    quota = params.quota
    top, low = quota.band, quota.of_band
    if quota.base == "HTTNV_or_better":
        base_vi, base_en = f"số chi bộ {low} trở lên", f"the cells rated {low} or better"
    else:
        base_vi, base_en = low, low
    group_vi = "toàn bộ lượt kiểm tra" if whole_run else _group_label_vi(cell.parent)
    group_en = "the whole run" if whole_run else _group_label_en(cell.parent)
    source = f" ({quota.source})" if quota.source else ""
    return QuotaMove(
        parent=cell.parent,
        cell_id=cell.cell_id,
        score=cell.score,
        message_vi=(
            f"Vượt chỉ tiêu {pct}% {top} so với {base_vi} trong {group_vi}{source}: "
            f"{excellent} {top} so với {counted} {base_vi} (tối đa {allowed}); chi bộ {top} "
            f"có điểm thấp nhất ({cell.score} điểm) chuyển xuống {low}"
        ),
        message_en=(
            f"Exceeds the {pct}% quota of {top} relative to {base_en} in "
            f"{group_en}{source}: {excellent} {top} against {counted} {base_en} "
            f"(at most {allowed}); the lowest-scoring {top} cell ({cell.score} points) moves "
            f"down to {low}"
        ),
    )


def _cap_change(rule: str, count: int, found: int, before: Band, after: Band) -> BandChange:
    times_vi = f"{found} lần" if found > 1 else "có"
    return BandChange(
        rule=rule,
        kind="cap",
        band_from=before,
        band_to=after,
        message_vi=(
            f"Vi phạm {rule} ({times_vi}; từ {count} lần trở lên): xếp loại tối đa {after}, "
            f"hạ từ {before} xuống {after}"
        ),
        message_en=(
            f"{rule} violated {found} time(s) ({count} or more): at most {after}, "
            f"lowered from {before} to {after}"
        ),
    )


def _condition_change(condition: Condition, value: Any, band: Band) -> BandChange | None:
    """The change ``condition`` makes to ``band`` for a cell whose field holds ``value``."""
    if not isinstance(value, int) or value < condition.at_least:
        return None
    if _worse(band, condition.max_band) == band:
        return None
    source = f" ({condition.source})" if condition.source else ""
    top = condition.max_band
    return BandChange(
        rule=condition.field,
        kind="condition",
        band_from=band,
        band_to=top,
        message_vi=(
            f"Chi bộ {condition.label_vi} ({value}){source}: xếp loại tối đa {top}, "
            f"hạ từ {band} xuống {top}"
        ),
        message_en=(
            f"The cell {condition.label_en} ({value}){source}: at most {top}, "
            f"lowered from {band} to {top}"
        ),
    )


def score_cells(
    cells: Sequence[tuple[str, str | None, str | None]],
    violations: dict[str, list[Violation]],
    params: ScoringParams,
    extras: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[list[CellResult], list[QuotaMove]]:
    """Score every audited cell ``(cell_id, cell_name, parent)`` from its violations.

    ``extras`` holds, per cell id, more fields of its result taken from the cells table
    (``disciplined``, ``previous_name``, ``merged_from`` ...); the scoring's conditions
    read them. Returns the cells sorted by (rank, cell id) and the quota moves made.
    """
    extras = extras or {}
    listed: dict[str, tuple[str | None, str | None]] = {}
    for cell_id, name, parent in cells:
        listed.setdefault(cell_id, (name, parent))
    for cell_id in sorted(violations):
        if violations[cell_id]:
            listed.setdefault(cell_id, (None, None))

    prefix = params.quota.tiebreak_prefix
    thresholds = _thresholds(params)
    scored: list[_Cell] = []
    for cell_id, (name, parent) in listed.items():
        found = sorted(violations.get(cell_id, ()), key=_violation_key)
        # one pass over the cell's counted violations: points, the tie-break's points and
        # the count per rule (the caps'), instead of a pass per cap (11,631 cells a year)
        lost = tiebreak = 0
        times_of: dict[str, int] = {}
        for v in found:
            if v.waived:
                continue
            lost += v.points
            if prefix and v.rule.startswith(prefix):
                tiebreak += v.points
            times_of[v.rule] = times_of.get(v.rule, 0) + 1
        score = max(0, params.start - lost)
        band = _band(score, thresholds)
        extra = extras.get(cell_id, {})
        changes: list[BandChange] = []
        for cap in params.caps:
            times = times_of.get(cap.rule, 0)
            if times >= cap.count and _worse(band, cap.max_band) != band:
                changes.append(_cap_change(cap.rule, cap.count, times, band, cap.max_band))
                band = cap.max_band
        for condition in params.conditions:
            change = _condition_change(condition, extra.get(condition.field), band)
            if change is not None:
                changes.append(change)
                band = change.band_to
        scored.append(
            _Cell(
                cell_id=cell_id,
                cell_name=name,
                parent=parent,
                violations=found,
                points_lost=lost,
                tiebreak_lost=tiebreak,
                score=score,
                band_before_quota=band,
                band=band,
                changes=changes,
                extra=extra,
            )
        )

    moves: list[QuotaMove] = []
    if params.quota.active:
        groups: dict[str | None, list[_Cell]] = {}
        for cell in scored:
            groups.setdefault(None if params.quota.level == "run" else cell.parent, []).append(cell)
        for parent in sorted(groups, key=lambda p: (p is None, p or "")):
            moves += _apply_quota(groups[parent], params, parent)

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
            band_changes=c.changes,
            **{k: v for k, v in c.extra.items() if k in _EXTRA_FIELDS},
        )
        for c in scored
    ]
    results.sort(key=lambda r: (r.rank, r.cell_id))
    return results, moves
