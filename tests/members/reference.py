"""The member facts as first written (commit 09d29d6), kept verbatim as the reference
that the faster :mod:`auditor.members.facts` must agree with, value for value
(``test_same_as_reference.py``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from auditor.facts import Fact, FactInfo
from auditor.ingest.dataset import Dataset
from auditor.vocabulary import check_facts

_MONTHS = tuple(f"m{month:02d}" for month in range(1, 13))


@dataclass
class MemberSummary:
    """What the report shows of one member besides findings (members.md, Output)."""

    member_id: str
    member_name: str
    cell_id: str
    months: dict[str, int] = field(
        default_factory=lambda: {"present": 0, "excused": 0, "unexcused": 0, "exempt": 0}
    )
    studies: dict[str, int] = field(
        default_factory=lambda: {"attended": 0, "made_up": 0, "reflections": 0}
    )
    six_good_months: int = 0
    #: Months classified at all in the 6 tốt table.
    six_good_classified: int = 0


@dataclass
class CellMembers:
    """One cell's member facts, each with its member and what a violation shows."""

    cell_id: str
    facts: list[Fact] = field(default_factory=list)
    infos: list[FactInfo] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)


def _day(value: Any) -> dt.date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)


def _status(marks: list[tuple[str | None, str | None]]) -> str | None:
    """A month's standing from its marks (mark, reason)."""
    kinds = set()
    for mark, reason in marks:
        if mark == "absent":
            mark = "excused" if reason else "unexcused"
        if mark:
            kinds.add(mark)
    for kind in ("exempt", "unexcused", "excused", "present"):
        if kind in kinds:
            return kind
    return None


def _rows(frame: pd.DataFrame, columns: tuple[str, ...]) -> list[tuple[Any, ...]]:
    if not len(frame):
        return []
    values = [frame[c].astype(object).where(frame[c].notna(), None).tolist() for c in columns]
    return list(zip(*values, strict=True))


def member_facts(
    dataset: Dataset, cells: set[str], *, year: int, as_of: dt.date
) -> tuple[dict[str, CellMembers], list[MemberSummary]]:
    """Every audited cell's member facts, and every member's summary, by member code."""
    as_of = min(as_of, dt.date(year, 12, 31))
    closed = int(as_of >= dt.date(year, 12, 31))
    members = _rows(
        dataset.members,
        ("member_id", "member_name", "cell_id", "exempt_from", "joined", "left"),
    )
    marks: dict[str, dict[int, list[tuple[str | None, str | None]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    evidence: dict[tuple[str, int], list[tuple[str, str, int]]] = defaultdict(list)
    grid = _rows(dataset.attendance_grid, ("member_id", "file", "sheet", "row", *_MONTHS))
    for member_id, file, sheet, row, *months in grid:
        for month, mark in enumerate(months, start=1):
            if mark is not None:
                marks[member_id][month].append((mark, None))
                evidence[(member_id, month)].append((file, sheet, int(row)))
    long = _rows(
        dataset.attendance, ("member_id", "date", "mark", "reason", "file", "sheet", "row")
    )
    for member_id, day, mark, reason, file, sheet, row in long:
        date = _day(day)
        if date is None or date.year != year or mark is None:
            continue
        marks[member_id][date.month].append((mark, reason))
        evidence[(member_id, date.month)].append((file, sheet, int(row)))
    studies: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    study_columns = (
        "member_id",
        "date",
        "resolution",
        "mark",
        "reason",
        "makeup",
        "reflection",
        "reflection_passed",
        "file",
        "sheet",
        "row",
    )
    for item in _rows(dataset.study, study_columns):
        studies[item[0]].append(item)
    six_good = _six_good(dataset)
    windows = _cell_windows(dataset)

    by_cell: dict[str, CellMembers] = {}
    summaries: list[MemberSummary] = []
    for member_id, name, cell_id, exempt_from, joined_at, left_at in members:
        summary = MemberSummary(member_id, name, cell_id)
        summary.six_good_classified, summary.six_good_months = six_good.get(member_id, (0, 0))
        summaries.append(summary)
        if cell_id not in cells:
            continue
        opened, closed_on = windows.get(str(cell_id), (None, None))
        span = _Span(
            _bound(_day(joined_at), opened, max), _bound(_day(left_at), closed_on, min), exempt_from
        )
        holder = by_cell.setdefault(cell_id, CellMembers(cell_id))
        belongs, exempt_on = span.belongs, span.exempt_on

        def add(
            fact: Fact, info: FactInfo, holder: CellMembers = holder, who: str = member_id
        ) -> None:
            fact["id"] = len(holder.facts) + 1
            holder.facts.append(fact)
            holder.infos.append(info)
            holder.owners.append(who)

        counts = {"present": 0, "excused": 0, "unexcused": 0, "exempt": 0}
        judged = 0
        unexcused: list[int] = []
        for month in range(1, 13):
            start, end = dt.date(year, month, 1), _month_end(year, month)
            if end > as_of or not belongs(start, end):
                continue
            status = _status(marks[member_id].get(month, [])) if member_id in marks else None
            if exempt_on(end) or status == "exempt":
                counts["exempt"] += 1
                continue
            judged += 1
            if status:
                counts[status] += 1
            if status == "unexcused":
                unexcused.append(month)
        summary.months = counts
        context = {"member_id": member_id, "member_name": name}
        add(
            {
                "type": "member",
                "months_judged": judged,
                "unexcused_months": counts["unexcused"],
                "excused_months": counts["excused"],
                "present_months": counts["present"],
            },
            FactInfo(
                period=str(year),
                evidence=[e for m in unexcused for e in evidence[(member_id, m)]],
                context={**context, "months": ", ".join(f"T{m}" for m in unexcused)},
            ),
        )
        for item in sorted(studies.get(member_id, []), key=_study_order):
            _, day, resolution, mark, reason, makeup, reflection, passed, *where = item
            date = _day(day)
            if date is None or date.year != year or date > as_of:
                continue
            if mark == "absent":
                mark = "excused" if reason else "unexcused"
            if mark not in ("present", "excused", "unexcused"):
                continue  # exempt, or no mark: nothing to judge
            if not belongs(date, date) or exempt_on(date):
                continue
            made_up = makeup is not None and makeup is not False
            makeup_day = _day(makeup)
            attended = mark == "present"
            fact: Fact = {
                "type": "member_study",
                "attended": int(attended),
                "excused": int(mark == "excused"),
                "unexcused": int(mark == "unexcused"),
                "made_up": int(made_up and not attended),
                "days_open": (as_of - date).days,
                "period_closed": closed,
            }
            if makeup_day is not None and not attended:
                fact["makeup_days"] = (makeup_day - date).days
            if attended or made_up:
                base = date if attended or makeup_day is None else makeup_day
                submitted = (reflection is not None and reflection is not False) or (
                    passed is not None
                )
                reflection_day = _day(reflection)
                fact["reflection_submitted"] = int(submitted)
                fact["reflection_open_days"] = (as_of - base).days
                fact["reflection_failed"] = int(passed is False)
                if reflection_day is not None:
                    fact["reflection_days"] = (reflection_day - base).days
                summary.studies["reflections"] += int(submitted)
            summary.studies["attended"] += int(attended)
            summary.studies["made_up"] += int(made_up and not attended)
            add(
                fact,
                FactInfo(
                    date=date,
                    evidence=[(str(where[0]), str(where[1]), int(where[2]))],
                    context={
                        **context,
                        "date": date,
                        "resolution": resolution or "—",
                        "makeup": makeup_day,
                        "reflection": _day(reflection),
                    },
                ),
            )
    for holder in by_cell.values():
        check_facts(holder.facts)
    return by_cell, summaries


@dataclass(frozen=True)
class _Span:
    """When a member belonged to the cell, and from when he was exempt."""

    joined: dt.date | None
    left: dt.date | None
    exempt_from: Any

    def belongs(self, start: dt.date, end: dt.date) -> bool:
        return (self.joined is None or self.joined <= end) and (
            self.left is None or self.left >= start
        )

    def exempt_on(self, day: dt.date) -> bool:
        if self.exempt_from is True:
            return True
        since = _day(self.exempt_from)
        return since is not None and since <= day


def _cell_windows(dataset: Dataset) -> dict[str, tuple[dt.date | None, dt.date | None]]:
    """When each cell held its members: from its founding, unless cells merged into it
    (its members may have come from them, with their marks), to its dissolution or its
    merger into another. A member is in no cell before it existed nor after it ended."""
    windows: dict[str, tuple[dt.date | None, dt.date | None]] = {}
    columns = ("cell_id", "active_from", "active_to", "merged_from")
    for cell_id, start, end, merged_from in _rows(dataset.cells, columns):
        opened, closed = windows.get(str(cell_id), (None, None))
        opened = opened or (None if merged_from else _day(start))
        windows[str(cell_id)] = (opened, closed or _day(end))
    return windows


def _bound(
    day: dt.date | None, limit: dt.date | None, pick: Callable[[dt.date, dt.date], dt.date]
) -> dt.date | None:
    if day is None or limit is None:
        return day or limit
    return pick(day, limit)


def _study_order(item: tuple[Any, ...]) -> tuple[Any, ...]:
    return (_day(item[1]) or dt.date.min, str(item[8]), str(item[9]), int(item[10]))


def _six_good(dataset: Dataset) -> dict[str, tuple[int, int]]:
    """Per member: months classified, and months with all six criteria (members.md)."""
    months: dict[str, dict[int, bool]] = defaultdict(dict)
    columns: tuple[str, ...] = ("member_id", "month", "criteria_met", "classification")
    columns += ("c1", "c2", "c3", "c4", "c5", "c6")
    for member_id, month, met, label, *ticks in _rows(dataset.six_good, columns):
        if met is not None:
            good = int(met) >= 6
        elif label is not None:
            key = " ".join(str(label).casefold().split())
            good = key in ("6 tốt", "sáu tốt", "6 tot", "đạt 6 tốt", "dat 6 tot")
        else:
            good = all(tick is True for tick in ticks)
        month = int(month)
        months[member_id][month] = months[member_id].get(month, False) or good
    return {m: (len(v), sum(v.values())) for m, v in months.items()}
