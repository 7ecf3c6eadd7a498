"""Facts per member (members.md): a member is a fact holder like a cell.

One ``member`` fact per member of an audited cell (the year's months counted), one
``member_study`` fact per member and resolution study of the year. A month counts only
while the member belonged to the cell (from ``Ngày chuyển đến`` to ``Ngày chuyển đi``,
any day of the month) and the cell existed (from its ``Ngày thành lập`` unless
predecessors merged into it, to its ``Ngày giải thể``), was not exempt (``Miễn sinh
hoạt`` from a day on, or the whole year, or a ``Miễn`` mark) and ended by the as-of
date. Choices: a month whose marks (grid and long lists together) hold an unexcused
absence is an unexcused month, even if the member came to another meeting that month; a
bare ``Vắng`` with a ``Lý do`` is excused, without one unexcused. A study's make-up is
due ``makeup_max_days`` after it, and an audit of the whole year (as of 31 December)
closes the year: a make-up still missing then is late.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
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
    """One cell's member facts, each with its member and what a violation shows.

    What a violation shows is built only for the facts found to break a rule (about one
    in four), as the cells' facts do (:class:`auditor.facts.CellFacts`)."""

    cell_id: str
    facts: list[Fact] = field(default_factory=list)
    #: Per fact, in ``id`` order: a function and the arguments that build its FactInfo.
    sources: list[tuple[Callable[..., FactInfo], tuple[Any, ...]]] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)

    def info(self, index: int) -> FactInfo:
        """What a violation of the fact at ``index`` (its ``id`` - 1) shows."""
        build, args = self.sources[index]
        return build(*args)

    @property
    def infos(self) -> list[FactInfo]:
        return [self.info(index) for index in range(len(self.sources))]


#: Where a member's marks are: (months as bits, (file, sheet, row)) per row, in the
#: order read (a grid row gives its marked months, a long row its month).
_Refs = list[tuple[int, tuple[str, str, int]]]


def _year_info(year: int, unexcused: list[int], refs: _Refs, context: dict[str, Any]) -> FactInfo:
    """A member's year: evidence is every row marking one of his unexcused months."""
    return FactInfo(
        period=str(year),
        evidence=[where for m in unexcused for bits, where in refs if bits >> m & 1],
        context={**context, "months": ", ".join(f"T{m}" for m in unexcused)},
    )


def _study_info(
    date: dt.date,
    where: list[Any],
    context: dict[str, Any],
    resolution: Any,
    makeup_day: dt.date | None,
    reflection_day: dt.date | None,
) -> FactInfo:
    return FactInfo(
        date=date,
        evidence=[(str(where[0]), str(where[1]), int(where[2]))],
        context={
            **context,
            "date": date,
            "resolution": resolution or "—",
            "makeup": makeup_day,
            "reflection": reflection_day,
        },
    )


def _day(value: Any) -> dt.date | None:
    kind = type(value)
    if kind is dt.date:  # what :func:`_rows` gives of a date column
        return value
    if value is None or value is pd.NaT or (kind is float and value != value):
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


#: A month's marks as bits (absent resolved by its reason): the highest bit decides
#: (exempt, then unexcused, excused, present).
_PRESENT, _EXCUSED, _UNEXCUSED, _EXEMPT = 1, 2, 4, 8
_BITS = {"present": _PRESENT, "excused": _EXCUSED, "unexcused": _UNEXCUSED, "exempt": _EXEMPT}
#: A grid's marks give no reason: a bare absence there is unexcused.
_GRID_BITS = {**_BITS, "absent": _UNEXCUSED}


def _mark_bit(mark: Any, reason: Any) -> int:
    """The bit of one mark: a bare absence is excused with a reason, unexcused without."""
    if mark == "absent":
        return _EXCUSED if reason else _UNEXCUSED
    return _BITS.get(mark, 0) if type(mark) is str else 0


def _rows(frame: pd.DataFrame, columns: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """The rows of ``columns``, blanks as None; a date column's values as ``dt.date``
    (converted by numpy in one pass: a Timestamp per value, then its ``date()``, was a
    quarter of the member facts' time)."""
    if not len(frame):
        return []
    values = []
    for c in columns:
        series = frame[c]
        if isinstance(series.dtype, np.dtype) and series.dtype.kind == "M":
            values.append(series.to_numpy().astype("datetime64[D]").astype(object).tolist())
        else:
            values.append(series.astype(object).where(series.notna(), None).tolist())
    return list(zip(*values, strict=True))


def member_facts(
    dataset: Dataset, cells: set[str], *, year: int, as_of: dt.date
) -> tuple[dict[str, CellMembers], list[MemberSummary]]:
    """Every audited cell's member facts, and every member's summary, by member code.

    One pass over each table, a month's marks kept as bits (:data:`_BITS`), the months
    of the year worked out once: the per-member work is a few comparisons a month."""
    as_of = min(as_of, dt.date(year, 12, 31))
    closed = int(as_of >= dt.date(year, 12, 31))
    members = _rows(
        dataset.members,
        ("member_id", "member_name", "cell_id", "exempt_from", "joined", "left"),
    )
    marks: dict[str, list[int]] = {}
    refs: dict[str, _Refs] = defaultdict(list)
    grid = _rows(dataset.attendance_grid, ("member_id", "file", "sheet", "row", *_MONTHS))
    for member_id, file, sheet, row, *months in grid:
        bits = marks.get(member_id)
        if bits is None:
            bits = marks[member_id] = [0] * 13
        marked = 0
        for month, mark in enumerate(months, start=1):
            if mark is not None:
                bits[month] |= _GRID_BITS.get(mark, 0) if type(mark) is str else 0
                marked |= 1 << month
        if marked:
            refs[member_id].append((marked, (file, sheet, int(row))))
    long = _rows(
        dataset.attendance, ("member_id", "date", "mark", "reason", "file", "sheet", "row")
    )
    for member_id, day, mark, reason, file, sheet, row in long:
        date = day if type(day) is dt.date else _day(day)
        if date is None or date.year != year or mark is None:
            continue
        bits = marks.get(member_id)
        if bits is None:
            bits = marks[member_id] = [0] * 13
        bits[date.month] |= _mark_bit(mark, reason) if mark == "absent" else _BITS.get(mark, 0)
        refs[member_id].append((1 << date.month, (file, sheet, int(row))))
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
    #: The months ended by the as-of date are 1 to ``ended``.
    ended = sum(1 for month in range(1, 13) if _month_end(year, month) <= as_of)
    no_marks = [0] * 13

    by_cell: dict[str, CellMembers] = {}
    summaries: list[MemberSummary] = []
    layouts: dict[Any, Fact] = {}
    for member_id, name, cell_id, exempt_from, joined_at, left_at in members:
        summary = MemberSummary(member_id, name, cell_id)
        summary.six_good_classified, summary.six_good_months = six_good.get(member_id, (0, 0))
        summaries.append(summary)
        if cell_id not in cells:
            continue
        opened, closed_on = windows.get(str(cell_id), (None, None))
        joined = _bound(_day(joined_at), opened, max)
        left = _bound(_day(left_at), closed_on, min)
        # exempt on a day: always (True), from a day on, or never
        always = exempt_from is True
        since = None if always else _day(exempt_from)
        holder = by_cell.get(cell_id)
        if holder is None:
            holder = by_cell[cell_id] = CellMembers(cell_id)
        facts, sources, owners = holder.facts, holder.sources, holder.owners

        # the months he belonged to the cell, first to last; exempt from ``exempt_on`` on
        first = _first_month(joined, year)
        last = min(ended, _last_month(left, year))
        exempt_on = 1 if always else _first_month(since, year) if since is not None else 13
        present = excused = unexcused_count = exempt = 0
        unexcused: list[int] = []
        bits = marks.get(member_id, no_marks)
        for month in range(first, min(last, exempt_on - 1) + 1):
            mark = bits[month]
            if mark & _EXEMPT:
                exempt += 1
            elif mark & _UNEXCUSED:
                unexcused_count += 1
                unexcused.append(month)
            elif mark & _EXCUSED:
                excused += 1
            elif mark & _PRESENT:
                present += 1
        exempt += max(0, last - max(first, exempt_on) + 1)
        judged = max(0, last - first + 1) - exempt
        counts = {
            "present": present,
            "excused": excused,
            "unexcused": unexcused_count,
            "exempt": exempt,
        }
        summary.months = counts
        context = {"member_id": member_id, "member_name": name}
        facts.append(
            {
                "type": "member",
                "months_judged": judged,
                "unexcused_months": counts["unexcused"],
                "excused_months": counts["excused"],
                "present_months": counts["present"],
                "id": len(facts) + 1,
            }
        )
        layouts.setdefault("member", facts[-1])
        sources.append((_year_info, (year, unexcused, refs.get(member_id, []), context)))
        owners.append(member_id)
        own_studies = studies.get(member_id)
        if not own_studies:
            continue
        for item in sorted(own_studies, key=_study_order):
            _, day, resolution, mark, reason, makeup, reflection, passed, *where = item
            date = _day(day)
            if date is None or date.year != year or date > as_of:
                continue
            if mark == "absent":
                mark = "excused" if reason else "unexcused"
            if mark not in ("present", "excused", "unexcused"):
                continue  # exempt, or no mark: nothing to judge
            if (joined is not None and joined > date) or (left is not None and left < date):
                continue
            if always or (since is not None and since <= date):
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
            reflection_day = _day(reflection)
            if attended or made_up:
                base = date if attended or makeup_day is None else makeup_day
                submitted = (reflection is not None and reflection is not False) or (
                    passed is not None
                )
                fact["reflection_submitted"] = int(submitted)
                fact["reflection_open_days"] = (as_of - base).days
                fact["reflection_failed"] = int(passed is False)
                if reflection_day is not None:
                    fact["reflection_days"] = (reflection_day - base).days
                summary.studies["reflections"] += int(submitted)
            summary.studies["attended"] += int(attended)
            summary.studies["made_up"] += int(made_up and not attended)
            fact["id"] = len(facts) + 1
            facts.append(fact)
            sources.append(
                (_study_info, (date, where, context, resolution, makeup_day, reflection_day))
            )
            owners.append(member_id)
            layouts.setdefault((len(fact), "makeup_days" in fact, "reflection_days" in fact), fact)
    # a fact's keys follow from which of the branches above made it: one fact of each
    # layout is checked against the vocabulary (every fact's keys, 0.05 s at 20,000
    # members, told the same)
    check_facts(layouts.values())
    return by_cell, summaries


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


def _first_month(day: dt.date | None, year: int) -> int:
    """The first month of ``year`` whose last day is on or after ``day`` (13: none)."""
    if day is None or day.year < year:
        return 1
    return day.month if day.year == year else 13


def _last_month(day: dt.date | None, year: int) -> int:
    """The last month of ``year`` whose first day is on or before ``day`` (0: none)."""
    if day is None or day.year > year:
        return 12
    return day.month if day.year == year else 0


def _bound(
    day: dt.date | None, limit: dt.date | None, pick: Callable[[dt.date, dt.date], dt.date]
) -> dt.date | None:
    if day is None or limit is None:
        return day or limit
    return pick(day, limit)


def _study_order(item: tuple[Any, ...]) -> tuple[Any, ...]:
    return (_day(item[1]) or dt.date.min, str(item[8]), str(item[9]), int(item[10]))


#: The classifications that say all six criteria were met (case and spacing ignored).
_SIX_GOOD = ("6 tốt", "sáu tốt", "6 tot", "đạt 6 tốt", "dat 6 tot")


def _six_good(dataset: Dataset) -> dict[str, tuple[int, int]]:
    """Per member: months classified, and months with all six criteria (members.md)."""
    months: dict[str, dict[int, bool]] = defaultdict(dict)
    columns: tuple[str, ...] = ("member_id", "month", "criteria_met", "classification")
    columns += ("c1", "c2", "c3", "c4", "c5", "c6")
    labels: dict[Any, bool] = {}  # each distinct classification read once
    for member_id, month, met, label, c1, c2, c3, c4, c5, c6 in _rows(dataset.six_good, columns):
        if met is not None:
            good = int(met) >= 6
        elif label is not None:
            known = labels.get(label)
            if known is None:
                key = " ".join(str(label).casefold().split())
                known = labels[label] = key in _SIX_GOOD
            good = known
        else:
            good = c1 is c2 is c3 is c4 is c5 is c6 is True
        month = int(month)
        held = months[member_id]
        held[month] = held.get(month, False) or good
    return {m: (len(v), sum(v.values())) for m, v in months.items()}
