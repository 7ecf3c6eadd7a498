"""Judge the member facts with the same engine as the cells' facts (members.md).

A cell's member facts (one per member, one per member and study) go to one
durable_rules state, as a cell's own facts do, with the pack's member rules; each
violation goes to its member. Member findings cost the cell nothing unless a pack gives
them points: then they also count among the cell's violations (and its score).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace

import pandas as pd

from auditor.engine.findings import violation_of, violation_order
from auditor.engine.judge import LOCK, judge_for
from auditor.ingest.dataset import Dataset
from auditor.members.facts import MemberSummary, member_facts
from auditor.members.quiz import MemberQuiz, QuizMonth, quiz_results
from auditor.models import (
    MemberMonths,
    MemberQuizYear,
    MemberResult,
    MemberStudies,
    QuizWinners,
    Violation,
)
from auditor.rulepack import Rule, RulePack
from auditor.runtime import can_fork, collector_paused, fork_context, tune

MEMBER_PERIODS = frozenset({"member", "member_study"})


@dataclass
class MemberOutcome:
    members: list[MemberResult] = field(default_factory=list)
    quiz: list[QuizWinners] = field(default_factory=list)
    #: Per cell, its members' violations that carry points (they count for the cell).
    scored: dict[str, list[Violation]] = field(default_factory=dict)


def successors(merged: Mapping[str, str]) -> dict[str, str]:
    """Each merged cell's last successor: A merged into B, B into C gives A -> C (a cycle,
    which the merges refuse anyway, stops before it would come back round)."""
    out: dict[str, str] = {}
    for start in merged:
        seen, cell = {start}, merged[start]
        while cell in merged and merged[cell] not in seen:
            seen.add(cell)
            cell = merged[cell]
        out[start] = cell
    return out


def evaluate_members(
    dataset: Dataset,
    pack: RulePack,
    cells: set[str],
    *,
    year: int,
    as_of: dt.date,
    merged: Mapping[str, str] | None = None,
    workers: int = 1,
) -> MemberOutcome:
    """Every member of the audited ``cells`` with counts, quiz results and findings.

    ``merged`` maps a cell merged into another during the year to the cell it merged into
    (rulebook-2025.md, 5): its members move to the successor, judged there over the whole
    year as its meetings are; its quizzes stay its own (they were another cell's contest)
    and are listed under its code. With ``workers > 1`` and enough cells the members are
    judged in parts on that many processes; the result is the same."""
    if dataset.members.empty:
        return MemberOutcome()
    # a few million small objects with no cycles: the collector walked them for nothing
    with collector_paused():
        return _evaluate(
            dataset, pack, cells, year=year, as_of=as_of, merged=merged, workers=workers
        )


#: From this many audited cells, with two processes or more, the members are judged in
#: parts on as many cores (forked: a part's process starts with the dataset).
PARALLEL_MIN_CELLS = 400

#: The first part's share of the members against each other part's: this process judges
#: it after the quiz and makes its members' results while the others are judged, so
#: it takes fewer members (at 1,000 cells x 20 members the quiz is a fifth of a part's
#: judging, the results a sixth).
FIRST_PART_WEIGHT, OTHER_PART_WEIGHT = 2, 3


def _parts(members: pd.DataFrame, cells: set[str], workers: int) -> list[set[str]]:
    """The audited cells in ``workers`` runs of consecutive cell codes, the first holding
    about FIRST_PART_WEIGHT members to each OTHER_PART_WEIGHT of the others (one run
    when the members are too few to be worth a process, or no process can be forked
    now: from the fork server the dataset would go pickled)."""
    if workers < 2 or len(cells) < PARALLEL_MIN_CELLS or not can_fork():
        return [cells]
    counts = members["cell_id"].value_counts()
    ordered = sorted(cells)
    total = sum(int(counts.get(cell_id, 0)) for cell_id in ordered)
    weights = [FIRST_PART_WEIGHT] + [OTHER_PART_WEIGHT] * (workers - 1)
    # where each part ends, in halves of a member times the sum of the weights
    ends = list(itertools.accumulate(2 * max(1, total) * weight for weight in weights))
    parts: list[set[str]] = [set() for _ in range(workers)]
    held = 0
    for cell_id in ordered:
        count = int(counts.get(cell_id, 0))
        # the part its middle member falls in
        middle = (2 * held + count) * sum(weights)
        parts[min(workers - 1, bisect.bisect_right(ends, middle))].add(cell_id)
        held += count
    return [part for part in parts if part]


def _subset(dataset: Dataset, cells: set[str]) -> Dataset:
    """The dataset with only the member rows of ``cells``' members (by member code, as
    the member facts key them: a member listed in two cells keeps all his marks)."""
    members = dataset.members[dataset.members["cell_id"].isin(cells)]
    codes = set(members["member_id"])

    def own(table: pd.DataFrame) -> pd.DataFrame:
        return table[table["member_id"].isin(codes)] if "member_id" in table else table

    return replace(
        dataset,
        members=members,
        attendance=own(dataset.attendance),
        attendance_grid=own(dataset.attendance_grid),
        study=own(dataset.study),
        six_good=own(dataset.six_good),
    )


Quizzes = tuple[list[QuizMonth], dict[str, MemberQuiz]]
Verdicts = tuple[list[MemberSummary], dict[str, list[Violation]]]


def _judge(
    dataset: Dataset, pack: RulePack, rules: list[Rule], cells: set[str], year: int, as_of: dt.date
) -> Verdicts:
    """The summaries of ``dataset``'s members and, by member code, the violations of the
    members of ``cells`` (judged cell by cell in code order)."""
    by_cell, summaries = member_facts(dataset, cells, year=year, as_of=as_of)
    found: dict[str, list[Violation]] = {}
    if rules:
        by_id = {rule.id: rule for rule in rules}
        with LOCK:
            judge = judge_for(rules)
            for cell_id in sorted(by_cell):
                holder = by_cell[cell_id]
                for rule_id, fact_id in judge.judge(holder.facts):
                    fact = holder.facts[fact_id - 1]
                    violation = violation_of(
                        by_id[rule_id], fact, holder.info(fact_id - 1), pack.name
                    )
                    found.setdefault(holder.owners[fact_id - 1], []).append(violation)
    return summaries, found


#: A part's process's work: (dataset, pack, member rules, year, as of), set by its
#: initializer. Only such a process ever sets it.
_HELD: tuple[Dataset, RulePack, list[Rule], int, dt.date] | None = None


def _hold(dataset: Dataset, pack: RulePack, rules: list[Rule], year: int, as_of: dt.date) -> None:
    """Initializer of a part's process; forked, it inherits its arguments unpickled."""
    global _HELD
    tune()  # the collector stays off, as it is in the parent it was forked from
    _HELD = (dataset, pack, rules, year, as_of)


def _held() -> tuple[Dataset, RulePack, list[Rule], int, dt.date]:
    if _HELD is None:
        raise RuntimeError("the members' process was started without its dataset")
    return _HELD


def _judge_held(cells: set[str]) -> Verdicts:
    dataset, pack, rules, year, as_of = _held()
    return _judge(_subset(dataset, cells), pack, rules, cells, year, as_of)


def _quiz(dataset: Dataset, pack: RulePack, year: int) -> Quizzes:
    return quiz_results(dataset.quiz, year=year, seconds_per_question=pack.seconds_per_question)


def _evaluate(
    dataset: Dataset,
    pack: RulePack,
    cells: set[str],
    *,
    year: int,
    as_of: dt.date,
    merged: Mapping[str, str] | None,
    workers: int,
) -> MemberOutcome:
    moved = successors(merged or {})
    if moved:
        members = dataset.members.copy()
        members["cell_id"] = members["cell_id"].map(lambda c: moved.get(c, c))
        dataset = replace(dataset, members=members)
    rules = [r for r in pack.enabled_rules if r.period in MEMBER_PERIODS]
    parts = _parts(dataset.members, cells, workers)
    outcome = MemberOutcome()
    if len(parts) > 1:
        # the other parts in forked processes (they start with the dataset); here the
        # quiz, the first part and, while the others are judged, its members' results
        work = (dataset, pack, rules, year, as_of)
        with ProcessPoolExecutor(
            max_workers=len(parts) - 1, mp_context=fork_context(), initializer=_hold, initargs=work
        ) as pool:
            others = [pool.submit(_judge_held, part) for part in parts[1:]]
            months, quizzes = _quiz(dataset, pack, year)
            first = _judge(_subset(dataset, parts[0]), pack, rules, parts[0], year, as_of)
            if _alone(dataset.members, parts):
                _add_results(outcome, [first], quizzes, cells)
                verdicts = [future.result() for future in others]
            else:  # a member listed in cells of two parts: his findings of both joined
                verdicts = [first, *(future.result() for future in others)]
    else:
        verdicts = [_judge(dataset, pack, rules, cells, year, as_of)]
        months, quizzes = _quiz(dataset, pack, year)
    _add_results(outcome, verdicts, quizzes, cells)
    outcome.quiz = [
        QuizWinners(
            cell_id=q.cell_id, month=f"M{q.month:02d}", winners=q.winners, attempts=q.attempts
        )
        for q in months
        if q.cell_id in cells or q.cell_id in moved
    ]
    return outcome


def _alone(members: pd.DataFrame, parts: list[set[str]]) -> bool:
    """Whether no member code of the first part is also listed in a cell of another."""
    cell_ids = members["cell_id"]
    first = members["member_id"][cell_ids.isin(parts[0])]
    others = members["member_id"][cell_ids.isin(set().union(*parts[1:]))]
    return not set(first).intersection(others)


def _add_results(
    outcome: MemberOutcome,
    verdicts: list[Verdicts],
    quizzes: dict[str, MemberQuiz],
    cells: set[str],
) -> None:
    """Add the members of ``verdicts`` (parts of consecutive cells, in order) to
    ``outcome``, in the order they would have if judged all at once: by cell, then code."""
    summaries: list[MemberSummary] = []
    found: dict[str, list[Violation]] = {}
    for part_summaries, part_found in verdicts:
        summaries += part_summaries
        for member_id, violations in part_found.items():
            found.setdefault(member_id, []).extend(violations)
    # the counts (frozen records) are shared by the members with the same: a few hundred
    # distinct counts for a province's members, each made once
    months: dict[tuple[tuple[str, int], ...], MemberMonths] = {}
    studies: dict[tuple[tuple[str, int], ...], MemberStudies] = {}
    years: dict[tuple[int, int, float | None], MemberQuizYear] = {}
    for summary in sorted(summaries, key=lambda s: (s.cell_id, s.member_id)):
        if summary.cell_id not in cells:
            continue
        quiz = quizzes.get(summary.member_id)
        violations = found.get(summary.member_id, [])
        if len(violations) > 1:
            violations = sorted(violations, key=violation_order)
        counted = tuple(summary.months.items())
        month_counts = months.get(counted)
        if month_counts is None:
            month_counts = months[counted] = MemberMonths(**summary.months)
        counted = tuple(summary.studies.items())
        study_counts = studies.get(counted)
        if study_counts is None:
            study_counts = studies[counted] = MemberStudies(**summary.studies)
        year = (quiz.months, quiz.wins, quiz.average) if quiz else (0, 0, None)
        quiz_year = years.get(year)
        if quiz_year is None:
            quiz_year = years[year] = MemberQuizYear(months=year[0], wins=year[1], average=year[2])
        outcome.members.append(
            MemberResult(
                member_id=summary.member_id,
                member_name=summary.member_name,
                cell_id=summary.cell_id,
                months=month_counts,
                studies=study_counts,
                quiz=quiz_year,
                six_good_months=summary.six_good_months,
                violations=violations,
            )
        )
        paid = [v for v in violations if v.points > 0]
        if paid:
            outcome.scored.setdefault(summary.cell_id, []).extend(paid)
