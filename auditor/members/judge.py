"""Judge the member facts with the same engine as the cells' facts (members.md).

A cell's member facts (one per member, one per member and study) go to one
durable_rules state, as a cell's own facts do, with the pack's member rules; each
violation goes to its member. Member findings cost the cell nothing unless a pack gives
them points: then they also count among the cell's violations (and its score).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from auditor.engine.findings import violation_of, violation_order
from auditor.engine.judge import LOCK, judge_for
from auditor.ingest.dataset import Dataset
from auditor.members.facts import member_facts
from auditor.members.quiz import quiz_results
from auditor.models import (
    MemberMonths,
    MemberQuizYear,
    MemberResult,
    MemberStudies,
    QuizWinners,
    Violation,
)
from auditor.rulepack import RulePack
from auditor.runtime import collector_paused

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
) -> MemberOutcome:
    """Every member of the audited ``cells`` with counts, quiz results and findings.

    ``merged`` maps a cell merged into another during the year to the cell it merged into
    (rulebook-2025.md, 5): its members move to the successor, judged there over the whole
    year as its meetings are; its quizzes stay its own (they were another cell's contest)
    and are listed under its code."""
    if dataset.members.empty:
        return MemberOutcome()
    # a few million small objects with no cycles: the collector walked them for nothing
    with collector_paused():
        return _evaluate(dataset, pack, cells, year=year, as_of=as_of, merged=merged)


def _evaluate(
    dataset: Dataset,
    pack: RulePack,
    cells: set[str],
    *,
    year: int,
    as_of: dt.date,
    merged: Mapping[str, str] | None,
) -> MemberOutcome:
    moved = successors(merged or {})
    if moved:
        members = dataset.members.copy()
        members["cell_id"] = members["cell_id"].map(lambda c: moved.get(c, c))
        dataset = replace(dataset, members=members)
    by_cell, summaries = member_facts(dataset, cells, year=year, as_of=as_of)
    rules = [r for r in pack.enabled_rules if r.period in MEMBER_PERIODS]
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
    months, quizzes = quiz_results(
        dataset.quiz, year=year, seconds_per_question=pack.seconds_per_question
    )
    outcome = MemberOutcome(
        quiz=[
            QuizWinners(
                cell_id=q.cell_id, month=f"M{q.month:02d}", winners=q.winners, attempts=q.attempts
            )
            for q in months
            if q.cell_id in cells or q.cell_id in moved
        ]
    )
    for summary in sorted(summaries, key=lambda s: (s.cell_id, s.member_id)):
        if summary.cell_id not in cells:
            continue
        quiz = quizzes.get(summary.member_id)
        violations = sorted(found.get(summary.member_id, []), key=violation_order)
        outcome.members.append(
            MemberResult(
                member_id=summary.member_id,
                member_name=summary.member_name,
                cell_id=summary.cell_id,
                months=MemberMonths(**summary.months),
                studies=MemberStudies(**summary.studies),
                quiz=MemberQuizYear(months=quiz.months, wins=quiz.wins, average=quiz.average)
                if quiz
                else MemberQuizYear(),
                six_good_months=summary.six_good_months,
                violations=violations,
            )
        )
        paid = [v for v in violations if v.points > 0]
        if paid:
            outcome.scored.setdefault(summary.cell_id, []).extend(paid)
    return outcome
