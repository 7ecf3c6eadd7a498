"""The cells' monthly quiz (members.md, ``quiz``): who won each month, and each member's
year.

Per cell and month the winner has the highest score, then the shortest time taken (or,
where the quiz gives hand-in times instead, the earliest hand-in); attempts equal on all
of these share the win. An attempt longer than ``Số câu`` × ``seconds_per_question``
(the pack's, 30 s in ``dang-vien/pack.yaml``) is listed (it counts in the attempts and
in the member's average) but cannot win.
Choices: an attempt without a time ranks after every timed one of the same score; a
``Ngày thi`` of another year is not the audited year's quiz.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from auditor.members.facts import _day, _rows
from auditor.rulepack import SECONDS_PER_QUESTION


@dataclass
class QuizMonth:
    cell_id: str
    month: int
    winners: list[str]
    attempts: int


@dataclass
class MemberQuiz:
    months: int = 0
    wins: int = 0
    scores: list[float] = field(default_factory=list)

    @property
    def average(self) -> float | None:
        return round(sum(self.scores) / len(self.scores), 2) if self.scores else None


def quiz_results(
    frame: pd.DataFrame, *, year: int, seconds_per_question: int = SECONDS_PER_QUESTION
) -> tuple[list[QuizMonth], dict[str, MemberQuiz]]:
    """Each cell's months with their winners, and each member's year of quizzes."""
    columns: tuple[str, ...] = ("cell_id", "member_id", "month", "quiz_date", "score")
    columns += ("questions", "seconds", "submitted")
    #: Per cell and month: (member, score, rank) per attempt; rank None when out of time.
    attempts: dict[tuple[str, int], list[tuple[str, float, tuple[float, ...] | None]]] = (
        defaultdict(list)
    )
    for cell_id, member_id, month, quiz_date, score, questions, seconds, submitted in _rows(
        frame, columns
    ):
        day: dt.date | None = _day(quiz_date)
        if day is not None and day.year != year:
            continue
        month = int(month) if month is not None else (day.month if day else None)
        if month is None:
            continue
        points = float(score)
        rank: tuple[float, ...] | None = None
        if not (
            questions is not None
            and seconds is not None
            and int(seconds) > int(questions) * seconds_per_question
        ):
            # the best: highest score, then shortest time, then earliest hand-in
            rank = (
                -points,
                math.inf if seconds is None else int(seconds),
                math.inf if submitted is None else int(submitted),
            )
        attempts[(str(cell_id), month)].append((str(member_id), points, rank))
    months: list[QuizMonth] = []
    members: dict[str, MemberQuiz] = defaultdict(MemberQuiz)
    for (cell_id, month), found in sorted(attempts.items()):
        best = min((a[2] for a in found if a[2] is not None), default=None)
        winners = sorted({a[0] for a in found if a[2] is not None and a[2] == best})
        months.append(QuizMonth(cell_id, month, winners, len(found)))
        per_member: dict[str, float] = {}
        for member_id, score, _ in found:
            per_member[member_id] = max(score, per_member.get(member_id, score))
        for member_id, score in per_member.items():
            members[member_id].months += 1
            members[member_id].scores.append(score)
            members[member_id].wins += int(member_id in winners)
    return months, dict(members)
