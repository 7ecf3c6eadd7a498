"""Generate the member tables of a year (members.md), with what an audit must find.

A seeded year of members for the cells :mod:`benchmarks.sample` generates: the members
list (exempt members, members transferred in or out mid-year, personal columns that must
be left out), attendance as a grid (``T1``..``T12`` or ``Tháng 1``..) or as a long list,
the resolution studies (excused absences made up in time, late or never, reflections
late, missing or Không đạt), the monthly quiz (ties, attempts over the time limit, hand-in
times instead of durations) and the 6 tốt classification; some files name members by
name instead of code, typed with other spacing, case or Unicode composition; a few rows
name nobody, or two members at once. :class:`MemberYears` is the hook
:func:`benchmarks.sample.generate` calls for each workbook: it returns the sheets to add
and records the truth (:class:`MembersTruth`) as it writes them: DV01-DV04 findings by
member and date or year, quiz winners per cell and month, rejected rows at their place.
:class:`SampleMembers` is the committed sample's hook: a few small cells of each sample
year (:data:`SAMPLE_CELLS`, :data:`SAMPLE_CELLS_2026`) with the cases a first audit
should show, written by ``python -m benchmarks.sample``.

The truth is worked out here from members.md alone, not with the auditor's code, so a
disagreement between them is a question for the contract. Where the contract is silent
(a month a member joined, left or became exempt in), the generated marks stay clear of it:
such a month is always ``x``.

    python -m benchmarks.members_sample OUT --cells 40 --truth OUT/truth.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.sample import (
    CellYear,
    ExpectedRejection,
    Row,
    SheetOut,
    Truth,
    _fmt_date,
    generate,
)

D = dt.date

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi"]
FAMILY += ["Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Thanh", "Minh", "Ngọc", "Quang", "Thu", "Xuân"]
GIVEN = ["An", "Ấn", "Bình", "Cường", "Dũng", "Đông", "Giang", "Hà", "Hải", "Hạnh", "Hòa"]
GIVEN += ["Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc"]
GIVEN += ["Quân", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Tuấn", "Vân", "Yến"]
RESOLUTIONS = [
    "Nghị quyết số 57-NQ/TW về đột phá phát triển khoa học, công nghệ",
    "Nghị quyết số 66-NQ/TW về đổi mới công tác xây dựng và thi hành pháp luật",
    "Nghị quyết số 68-NQ/TW về phát triển kinh tế tư nhân",
    "Nghị quyết số 59-NQ/TW về hội nhập quốc tế trong tình hình mới",
    "Kết luận số 123-KL/TW về Đề án bổ sung phát triển kinh tế - xã hội",
    "Chỉ thị số 35-CT/TW về đại hội đảng bộ các cấp",
]
STUDY_FORMATS = ["Hội trường", "Trực tuyến", "Truyền hình", "Tự nghiên cứu"]
#: How a mark is written: the first word of each list in a clean file, any in a messy one.
MARK_WORDS = {
    "x": ["x", "X", "Có", "có mặt", "✓"],
    "P": ["P", "p", "Vắng có lý do", "VCLD"],
    "K": ["K", "k", "Vắng không lý do", "VKLD"],
    "M": ["Miễn", "miễn", "M"],
}
REASONS = ["Ốm", "Đi công tác", "Việc gia đình", "Nằm viện"]
SECONDS_PER_QUESTION = 30


@dataclass
class ExpectedFinding:
    member_id: str
    rule: str
    key: str  # the study's ISO date, or the year for DV01


@dataclass
class ExpectedQuiz:
    cell_id: str
    month: str  # "M03"
    winners: list[str]
    attempts: int


@dataclass
class MembersTruth:
    year: int
    members: int = 0
    findings: list[ExpectedFinding] = field(default_factory=list)
    quiz: list[ExpectedQuiz] = field(default_factory=list)
    rejected: list[ExpectedRejection] = field(default_factory=list)
    #: Per member code, the months classified with all six criteria.
    six_good: dict[str, int] = field(default_factory=dict)
    #: Personal values written in some members sheet: no output may hold any of them.
    personal_values: list[str] = field(default_factory=list)
    #: Files whose members sheet carries personal columns (each gets a note).
    personal_files: list[str] = field(default_factory=list)
    rows_written: int = 0

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# --------------------------------------------------------------------------- one cell's year


@dataclass
class Study:
    resolution: str
    date: D
    form: str


@dataclass
class StudyRow:
    study: Study
    mark: str  # x, P, K, M
    makeup: D | None = None
    reflection: D | bool | None = None  # a date, True for a tick without a date
    result: str | float | None = None  # Đạt, Không đạt, a score


@dataclass
class Attempt:
    month: int
    score: float
    questions: int
    seconds: int  # duration, or the hand-in time in seconds after midnight


@dataclass
class Member:
    member_id: str
    name: str
    cell_id: str
    status: str
    exempt: D | bool | None = None
    joined: D | None = None
    left: D | None = None
    marks: dict[int, str] = field(default_factory=dict)  # month -> x, P, K, M
    studies: list[StudyRow] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)
    six_good: dict[int, int] = field(default_factory=dict)  # month -> criteria met
    birth: str = ""
    phone: str = ""

    def in_cell(self, start: D, end: D) -> bool:
        """Whether the member belonged to the cell on some day from ``start`` to ``end``."""
        return (self.joined is None or self.joined <= end) and (
            self.left is None or self.left >= start
        )

    def exempt_on(self, day: D) -> bool:
        return self.exempt is True or (isinstance(self.exempt, D) and self.exempt <= day)


@dataclass
class CellMembers:
    cell_id: str
    members: list[Member]
    studies: list[Study]
    quiz: bool
    hand_in: bool  # the quiz gives hand-in times, not durations
    six_good: bool
    by_name: bool  # attendance, study and quiz name members instead of giving codes
    grid: bool
    grid_words: str  # "T" or "Tháng"
    personal: bool
    #: Names written in a member row that match nobody in the cell.
    strangers: list[str] = field(default_factory=list)
    #: The quiz holds an attempt scored 11 of 10 (refused).
    bad_score: bool = False
    #: The day a cell founded mid-year began: its members were in no cell before.
    opened: D | None = None


def _month_end(year: int, month: int) -> D:
    return D(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)


def _names(rng: random.Random, count: int, twins: bool) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        if name not in names:
            names.append(name)
    if twins:  # two members of one name: a row naming them only by name is ambiguous
        names[-1] = names[-2]
    return names


def build_cell(
    rng: random.Random, cell: CellYear, index: int, year: int, per_cell: int
) -> CellMembers:
    """One cell's members and what they did over the year (no layout yet)."""
    twins = index % 5 == 3
    names = _names(rng, per_cell, twins)
    opened = cell.founded  # a cell founded mid-year had no meetings before
    # Studies from February to September: a make-up or reflection, even a late one,
    # still falls within the year.
    first = 2 if opened is None else opened.month + 1
    months = sorted(rng.sample(range(first, 10), rng.randint(2, 4)))
    studies = [
        Study(resolution, D(year, month, rng.randint(3, 25)), rng.choice(STUDY_FORMATS))
        for resolution, month in zip(rng.sample(RESOLUTIONS, len(months)), months, strict=True)
    ]
    members: list[Member] = []
    for number, name in enumerate(names, start=1):
        member = Member(
            member_id=f"DV-{index + 1:05d}-{number:02d}",
            name=name,
            cell_id=cell.cell_id,
            status=rng.choice(["Chính thức"] * 5 + ["Dự bị"]),
            birth=f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1950, 1999)}",
            phone=f"09{index % 100:02d}{number:02d}{rng.randint(0, 9999):04d}",
        )
        kind = rng.choices(
            ["regular", "exempt_year", "exempt_from", "joined", "left"], [80, 4, 5, 6, 5]
        )[0]
        if kind == "exempt_year":
            member.exempt = True
        elif kind == "exempt_from":
            member.exempt = D(year, rng.randint(3, 10), 1)
        elif kind == "joined":
            member.joined = D(year, rng.randint(3, 9), rng.randint(2, 27))
        elif kind == "left":
            member.left = D(year, rng.randint(3, 10), rng.randint(2, 27))
        _attendance(rng, member, year, opened)
        _studies(rng, member, studies)
        members.append(member)
    quiz = rng.random() < 0.6
    cell_members = CellMembers(
        cell_id=cell.cell_id,
        members=members,
        studies=studies,
        quiz=quiz,
        hand_in=quiz and rng.random() < 0.25,
        six_good=rng.random() < 0.4,
        by_name=rng.random() < 0.4,
        grid=rng.random() < 0.6,
        grid_words=rng.choice(["T", "Tháng"]),
        personal=rng.random() < 0.4,
        bad_score=index % 3 == 0,
        opened=opened,
    )
    if cell_members.quiz:
        _quiz(rng, cell_members, year, opened)
    if cell_members.six_good:
        _six_good(rng, cell_members, year)
    if index % 4 == 1:
        cell_members.strangers.append(f"{rng.choice(FAMILY)} Vô Danh {rng.choice(GIVEN)}")
    return cell_members


def _six_good(rng: random.Random, cell: CellMembers, year: int) -> None:
    """Each month's 6 tốt classification of the months a member belonged to the cell."""
    for member in cell.members:
        for month in range(1, 13):
            if member.in_cell(D(year, month, 1), _month_end(year, month)):
                member.six_good[month] = rng.choice([6, 6, 6, 5, 4])


def _attendance(rng: random.Random, member: Member, year: int, opened: D | None) -> None:
    """The regular meeting's mark for each month: ``x`` in a month the member joined,
    left or became exempt in (the contract does not say how those count); unexcused marks
    outside the member's months, or while exempt, that must not count."""
    wanted = rng.choices([0, 1, 2, 3, 4, 5], [58, 15, 10, 9, 5, 3])[0]
    judged = []
    for month in range(1, 13):
        start, end = D(year, month, 1), _month_end(year, month)
        if opened and end < opened:
            if rng.random() < 0.3:
                member.marks[month] = "K"  # before the cell was founded: must not count
            continue
        edge = (
            (member.joined and member.joined.month == month)
            or (member.left and member.left.month == month)
            or (isinstance(member.exempt, D) and member.exempt.month == month)
        )
        if not member.in_cell(start, end):
            if rng.random() < 0.3:
                member.marks[month] = "K"  # a mark for a month he was not in the cell
            continue
        if member.exempt_on(start):
            member.marks[month] = rng.choice(["M", "M", "K", ""])
            continue
        if edge or (opened and opened.month == month):
            member.marks[month] = "x"
            continue
        judged.append(month)
        member.marks[month] = "x" if rng.random() < 0.93 else "P"
    for month in rng.sample(judged, min(wanted, len(judged))):
        member.marks[month] = "K"
    for month, mark in list(member.marks.items()):
        if mark == "":
            del member.marks[month]


def _studies(rng: random.Random, member: Member, studies: Sequence[Study]) -> None:
    for study in studies:
        if not member.in_cell(study.date, study.date):
            continue  # not in the cell that day: not on the list
        if member.exempt_on(study.date):
            if rng.random() < 0.5:
                member.studies.append(StudyRow(study, rng.choice(["M", "K"])))
            continue
        mark = rng.choices(["x", "P", "K"], [80, 12, 8])[0]
        row = StudyRow(study, mark)
        base: D | None = study.date if mark == "x" else None
        if mark == "P":
            late = rng.choices(["in_time", "edge", "late", "never"], [55, 8, 17, 20])[0]
            if late != "never":
                days = {"in_time": rng.randint(3, 29), "edge": 30, "late": rng.randint(31, 45)}
                row.makeup = study.date + dt.timedelta(days=days[late])
                base = row.makeup
        if base is not None:
            how = rng.choices(
                ["on_time", "edge", "late", "missing", "failed", "tick", "score"],
                [62, 6, 8, 6, 6, 4, 8],
            )[0]
            if how in ("on_time", "failed", "score"):
                row.reflection = base + dt.timedelta(days=rng.randint(1, 14))
            elif how == "edge":
                row.reflection = base + dt.timedelta(days=15)
            elif how == "late":
                row.reflection = base + dt.timedelta(days=rng.randint(16, 30))
            elif how == "tick":
                row.reflection = True
            results: dict[str, str | float | None] = {
                "failed": "Không đạt",
                "score": float(rng.choice([6, 7, 8, 9, 10])),
                "missing": None,
            }
            row.result = results.get(how, "Đạt")
        member.studies.append(row)


def _quiz(rng: random.Random, cell: CellMembers, year: int, opened: D | None) -> None:
    """Each month's attempts: a share of the cell's members, a tie now and then, an
    attempt over ``Số câu`` × 30 s (often the best score, so that it would have won)."""
    for month in range(1, 13):
        start, end = D(year, month, 1), _month_end(year, month)
        if opened and end < opened:
            continue
        questions = rng.choice([5, 8, 10, 10])
        limit = questions * SECONDS_PER_QUESTION
        present = [m for m in cell.members if m.in_cell(start, end)]
        share = max(2, round(len(present) * rng.uniform(0.3, 0.9)))
        takers = rng.sample(present, min(len(present), share))
        attempts: list[tuple[Member, Attempt]] = []
        for member in takers:
            correct = rng.choices(range(questions + 1), [1] * (questions - 3) + [3, 4, 4, 3])[0]
            score = correct * 10 / questions
            if cell.hand_in:
                seconds = 20 * 3600 + rng.randint(0, 3600)
            else:
                seconds = rng.randint(questions * 8, limit)
            attempts.append((member, Attempt(month, score, questions, seconds)))
        if rng.random() < 0.35 and len(attempts) >= 2:  # a tie for the best place
            best = min(attempts, key=lambda a: (-a[1].score, a[1].seconds))[1]
            other = rng.choice([a for a in attempts if a[1] is not best])[1]
            other.score, other.seconds = best.score, best.seconds
        if not cell.hand_in and rng.random() < 0.3:  # too slow to win
            slow = rng.choice(attempts)[1]
            slow.score, slow.seconds = 10.0, limit + rng.randint(1, 90)
        if not cell.hand_in and rng.random() < 0.15:  # exactly the limit: may win
            rng.choice(attempts)[1].seconds = limit
        for member, attempt in attempts:
            member.attempts.append(attempt)


# --------------------------------------------------------------------------- the truth


def _findings(cell: CellMembers, year: int) -> list[ExpectedFinding]:
    """DV01-DV04 of members.md, from what the tables will hold once the refused rows are
    taken out (the caller passes only accepted marks and studies)."""
    found: list[ExpectedFinding] = []
    year_end = D(year, 12, 31)
    for member in cell.members:
        unexcused = 0
        for month, mark in member.marks.items():
            start, end = D(year, month, 1), _month_end(year, month)
            existed = cell.opened is None or cell.opened <= end
            if mark == "K" and existed and member.in_cell(start, end) and not member.exempt_on(end):
                unexcused += 1
        if unexcused >= 3:
            found.append(ExpectedFinding(member.member_id, "DV01", str(year)))
        for row in member.studies:
            day = row.study.date
            if row.mark == "M" or member.exempt_on(day) or not member.in_cell(day, day):
                continue
            key = day.isoformat()
            if row.mark == "K":
                found.append(ExpectedFinding(member.member_id, "DV02", key))
                continue
            base = day
            if row.mark == "P":
                if row.makeup is None or (row.makeup - day).days > 30:
                    found.append(ExpectedFinding(member.member_id, "DV03", key))
                if row.makeup is None:
                    continue
                base = row.makeup
            failed = row.result == "Không đạt"
            if row.reflection is None and row.result is None:
                late = (year_end - base).days > 15
            elif isinstance(row.reflection, D):
                late = (row.reflection - base).days > 15
            else:
                late = False
            if failed or late:
                found.append(ExpectedFinding(member.member_id, "DV04", key))
    return found


def _winners(cell: CellMembers) -> list[ExpectedQuiz]:
    months: dict[int, list[tuple[Member, Attempt]]] = {}
    for member in cell.members:
        for attempt in member.attempts:
            months.setdefault(attempt.month, []).append((member, attempt))
    quizzes = []
    for month, attempts in sorted(months.items()):
        eligible = [
            (m, a)
            for m, a in attempts
            if cell.hand_in or a.seconds <= a.questions * SECONDS_PER_QUESTION
        ]
        best = min(((-a.score, a.seconds) for _, a in eligible), default=None)
        winners = sorted(m.member_id for m, a in eligible if (-a.score, a.seconds) == best)
        quizzes.append(ExpectedQuiz(cell.cell_id, f"M{month:02d}", winners, len(attempts)))
    return quizzes


# --------------------------------------------------------------------------- the layout


def _typed_name(rng: random.Random, name: str, messy: bool) -> str:
    """A name as someone typed it: other case, spacing or Unicode composition."""
    if not messy or rng.random() < 0.5:
        return name
    change = rng.randrange(4)
    if change == 0:
        return unicodedata.normalize("NFD", name)
    if change == 1:
        return name.upper() if rng.random() < 0.5 else name.lower()
    if change == 2:
        return "  ".join(name.split(" "))
    return f" {name} "


def _mark(rng: random.Random, mark: str, messy: bool) -> str:
    words = MARK_WORDS[mark]
    return rng.choice(words) if messy else words[0]


class _Sheet:
    """Rows of one member table under construction, numbered as the file will be."""

    def __init__(self, name: str, header: Row, titles: int, with_cell: bool) -> None:
        self.name = name
        self.with_cell = with_cell
        lines = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", name.upper(), ""]
        self.rows: list[Row] = [[line] if line else [] for line in lines[:titles]]
        self.rows.append((["Mã chi bộ"] if with_cell else []) + header)
        self.rejected: list[tuple[int, str]] = []
        self.data = 0

    def add(self, cell_id: str, row: Row, reject: str | None = None) -> None:
        self.rows.append(([cell_id] if self.with_cell else []) + row)
        self.data += 1
        if reject:
            self.rejected.append((len(self.rows), reject))


class MemberYears:
    """The hook :func:`benchmarks.sample.generate` calls per workbook: the member
    sheets of its cells, the truth gathered in :attr:`truth`."""

    def __init__(self, year: int, seed: int = 0, per_cell: int = 20, messy: bool = True):
        self.year = year
        self.per_cell = per_cell
        self.messy = messy
        self.rng = random.Random(seed + 17)
        self.truth = MembersTruth(year)
        self.count = 0

    def __call__(self, cells: Sequence[CellYear], rel: str, consolidated: bool) -> list[SheetOut]:
        rng, messy = self.rng, self.messy
        built = self._build(cells)
        if not built:
            return []
        for cell in built[1:]:  # one layout a sheet: the first cell's
            cell.by_name, cell.grid, cell.grid_words = (
                built[0].by_name,
                built[0].grid,
                built[0].grid_words,
            )
        titles = 0 if consolidated or not messy else rng.randint(0, 3)
        with_cell = consolidated
        sheets = [
            self._members(built, rel, titles, with_cell),
            self._attendance(built, titles, with_cell),
            self._study(built, titles, with_cell),
        ]
        if any(c.quiz for c in built):
            sheets.append(self._quiz(built, titles, with_cell))
        if any(c.six_good for c in built):
            sheets.append(self._six_good(built, titles, with_cell))
        out = []
        for sheet in sheets:
            if sheet.data == 0:
                continue
            self.truth.rejected += [
                ExpectedRejection(rel, sheet.name, r, c) for r, c in sheet.rejected
            ]
            self.truth.rows_written += sheet.data
            out.append(SheetOut(sheet.name, sheet.rows))
        for cell in built:
            self.truth.members += len(cell.members)
            self.truth.findings += _findings(cell, self.year)
            self.truth.quiz += _winners(cell)
            for member in cell.members:
                good = sum(1 for met in member.six_good.values() if met == 6)
                if good:
                    self.truth.six_good[member.member_id] = good
        return out

    def _build(self, cells: Sequence[CellYear]) -> list[CellMembers]:
        """The members of each of ``cells`` (a workbook's): every cell has some."""
        built: list[CellMembers] = []
        for year_ in cells:
            built.append(build_cell(self.rng, year_, self.count, self.year, self.per_cell))
            self.count += 1
        return built

    def result(self) -> MembersTruth:
        """The truth gathered, in a stable order (once every workbook is written)."""
        truth = self.truth
        truth.findings.sort(key=lambda f: (f.member_id, f.rule, f.key))
        truth.quiz.sort(key=lambda q: (q.cell_id, q.month))
        truth.rejected.sort(key=lambda r: (r.file, r.sheet, r.row))
        return truth

    # Each table's writer removes from the members what its refused rows held, so that
    # the truth is worked out from the accepted rows only.

    def _who(self, cell: CellMembers, member: Member) -> tuple[Any, str | None]:
        """The member column's value, and the header that refuses the row (if any)."""
        if not cell.by_name:
            return member.member_id, None
        typed = _typed_name(self.rng, member.name, self.messy)
        twins = sum(1 for m in cell.members if m.name == member.name) > 1
        return typed, "Họ và tên" if twins else None

    def _who_header(self, cell: CellMembers) -> str:
        return "Họ và tên" if cell.by_name else "Mã đảng viên"

    def _members(self, cells: list[CellMembers], rel: str, titles: int, with_cell: bool) -> _Sheet:
        rng, messy = self.rng, self.messy
        personal = any(c.personal for c in cells) and messy
        header: Row = ["STT", "Mã đảng viên", "Họ và tên"]
        if personal:
            header += ["Ngày sinh", "Số điện thoại"]
        header += ["Loại đảng viên", "Miễn sinh hoạt", "Ngày chuyển đến", "Ngày chuyển đi"]
        name = rng.choice(["Đảng viên", "Danh sách đảng viên"]) if messy else "Đảng viên"
        sheet = _Sheet(name, header, titles, with_cell)
        if personal:
            self.truth.personal_files.append(rel)
        for cell in cells:
            for number, member in enumerate(cell.members, start=1):
                exempt: Any = member.exempt
                if exempt is True:
                    exempt = rng.choice(["Có", "x", "Miễn cả năm"]) if messy else "Có"
                    exempt = "Có" if exempt == "Miễn cả năm" else exempt
                elif isinstance(exempt, D):
                    exempt = _fmt_date(rng, exempt, messy)
                row: Row = [number, member.member_id, member.name]
                if personal:
                    row += [member.birth, member.phone]
                    self.truth.personal_values += [member.birth, member.phone]
                row += [
                    member.status,
                    exempt,
                    _fmt_date(rng, member.joined, messy),
                    _fmt_date(rng, member.left, messy),
                ]
                sheet.add(cell.cell_id, row)
        return sheet

    def _attendance(self, cells: list[CellMembers], titles: int, with_cell: bool) -> _Sheet:
        rng, messy, year = self.rng, self.messy, self.year
        first = cells[0]
        who = self._who_header(first)
        name = rng.choice(["Điểm danh", "Theo dõi dự sinh hoạt"]) if messy else "Điểm danh"
        if first.grid:
            gap = "" if first.grid_words == "T" else " "
            months = [f"{first.grid_words}{gap}{m}" for m in range(1, 13)]
            sheet = _Sheet(name, ["STT", who, *months], titles, with_cell)
        else:
            header: Row = ["STT", who, "Ngày sinh hoạt", "Có mặt", "Lý do"]
            sheet = _Sheet(name, header, titles, with_cell)
        number = 0
        for cell in cells:
            for member in cell.members:
                value, refused = self._who(cell, member)
                marks = dict(member.marks)
                if refused:
                    member.marks = {}  # the refused rows count for nothing
                if first.grid:
                    number += 1
                    typed = [
                        _mark(rng, marks[m], messy) if m in marks else None for m in range(1, 13)
                    ]
                    sheet.add(cell.cell_id, [number, value, *typed], refused)
                    continue
                for month, mark in sorted(marks.items()):
                    number += 1
                    day = _fmt_date(rng, D(year, month, rng.randint(3, 12)), messy)
                    text, reason = _mark(rng, mark, messy), None
                    if messy and mark in "PK" and rng.random() < 0.3:
                        text = "Vắng"  # a bare absence: its reason decides
                        reason = rng.choice(REASONS) if mark == "P" else None
                    elif mark == "P" and rng.random() < 0.5:
                        reason = rng.choice(REASONS)
                    sheet.add(cell.cell_id, [number, value, day, text, reason], refused)
            for stranger in cell.strangers:
                number += 1
                value = stranger if cell.by_name else f"{cell.cell_id}-99"
                column = "Họ và tên" if cell.by_name else "Mã đảng viên"
                if first.grid:
                    sheet.add(cell.cell_id, [number, value, *(["K"] * 12)], column)
                else:
                    day = _fmt_date(rng, D(year, 3, 5), messy)
                    sheet.add(cell.cell_id, [number, value, day, "K", None], column)
        return sheet

    def _study(self, cells: list[CellMembers], titles: int, with_cell: bool) -> _Sheet:
        rng, messy = self.rng, self.messy
        who = self._who_header(cells[0])
        header: Row = ["STT", "Tên nghị quyết", "Ngày học", "Hình thức", who, "Có mặt"]
        header += ["Ngày học bù", "Ngày nộp bài thu hoạch", "Kết quả bài thu hoạch"]
        name = rng.choice(["Học tập nghị quyết", "Quán triệt"]) if messy else "Học tập nghị quyết"
        sheet = _Sheet(name, header, titles, with_cell)
        number = 0
        for cell in cells:
            for study in cell.studies:
                for member in cell.members:
                    for row in member.studies:
                        if row.study is not study:
                            continue
                        number += 1
                        value, refused = self._who(cell, member)
                        reflection: Any = row.reflection
                        if reflection is True:
                            reflection = "x"
                        elif isinstance(reflection, D):
                            reflection = _fmt_date(rng, reflection, messy)
                        result = row.result
                        if isinstance(result, float) and messy and rng.random() < 0.5:
                            result = f"{result:g} điểm"
                        line: Row = [
                            number,
                            study.resolution,
                            _fmt_date(rng, study.date, messy),
                            study.form,
                            value,
                            _mark(rng, row.mark, messy),
                            _fmt_date(rng, row.makeup, messy),
                            reflection,
                            result,
                        ]
                        sheet.add(cell.cell_id, line, refused)
            for member in cell.members:
                if self._who(cell, member)[1]:
                    member.studies = []
        return sheet

    def _quiz(self, cells: list[CellMembers], titles: int, with_cell: bool) -> _Sheet:
        rng, messy, year = self.rng, self.messy, self.year
        who = self._who_header(cells[0])
        hand_in = any(c.hand_in for c in cells if c.quiz)
        by_date = messy and rng.random() < 0.3
        header: Row = ["STT", "Ngày thi" if by_date else "Tháng", who, "Điểm", "Số câu"]
        header.append("Giờ nộp bài" if hand_in else "Thời gian làm bài")
        name = rng.choice(["Thi trắc nghiệm", "Kết quả thi"]) if messy else "Thi trắc nghiệm"
        sheet = _Sheet(name, header, titles, with_cell)
        number = 0
        for cell in cells:
            if not cell.quiz:
                continue
            if cell.hand_in != hand_in:  # one layout a sheet: give this cell the sheet's
                cell.hand_in = hand_in
                for member in cell.members:
                    for attempt in member.attempts:
                        if hand_in:
                            attempt.seconds = 20 * 3600 + attempt.seconds
            rows: list[tuple[Member, Attempt]] = [(m, a) for m in cell.members for a in m.attempts]
            rows.sort(key=lambda item: (item[1].month, item[0].member_id))
            for member, attempt in rows:
                number += 1
                value, refused = self._who(cell, member)
                month: Any = attempt.month
                if by_date:
                    month = _fmt_date(rng, D(year, attempt.month, 20), messy)
                elif messy:
                    month = rng.choice(
                        [month, f"T{month}", f"Tháng {month}", f"{month:02d}/{year}"]
                    )
                score: Any = attempt.score
                if messy and score != int(score) and rng.random() < 0.5:
                    score = f"{score:g}".replace(".", ",")
                sheet.add(
                    cell.cell_id,
                    [number, month, value, score, attempt.questions, self._time(attempt, hand_in)],
                    refused,
                )
            if cell.by_name:
                for member in cell.members:
                    if self._who(cell, member)[1]:
                        member.attempts = []
            if cell.bad_score:  # 11 of 10: refused, not counted among the attempts
                number += 1
                value, refused = self._who(cell, cell.members[0])
                month = _fmt_date(rng, D(year, 12, 20), messy) if by_date else 12
                sheet.add(cell.cell_id, [number, month, value, 11, 10, 100], refused or "Điểm")
        return sheet

    def _time(self, attempt: Attempt, hand_in: bool) -> Any:
        seconds = attempt.seconds
        if hand_in:
            return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        if not self.messy:
            return seconds
        form = self.rng.randrange(3)
        if form == 0:
            return seconds
        if form == 1:
            return f"{seconds // 60}:{seconds % 60:02d}"
        return f"{seconds // 60} phút {seconds % 60} giây"

    def _six_good(self, cells: list[CellMembers], titles: int, with_cell: bool) -> _Sheet:
        rng, messy = self.rng, self.messy
        who = self._who_header(cells[0])
        form = rng.choice(["count", "label", "ticks"]) if messy else "count"
        header: Row = ["STT", "Tháng", who]
        header += {
            "count": ["Số tiêu chí đạt"],
            "label": ["Xếp loại"],
            "ticks": [f"Tiêu chí {n}" for n in range(1, 7)],
        }[form]
        sheet = _Sheet(rng.choice(["6 tốt", "Phân loại 6 tốt"]), header, titles, with_cell)
        number = 0
        for cell in cells:
            if not cell.six_good:
                continue
            for member in cell.members:
                value, refused = self._who(cell, member)
                if refused:
                    continue  # ambiguous names are refused in the other tables already
                for month, met in sorted(member.six_good.items()):
                    number += 1
                    if form == "count":
                        rest: Row = [met]
                    elif form == "label":
                        rest = ["6 tốt" if met == 6 else f"Đạt {met} tiêu chí"]
                    else:
                        ticks = rng.sample(range(6), met)
                        rest = ["x" if n in ticks else None for n in range(6)]
                    sheet.add(cell.cell_id, [number, month, value, *rest])
            if self._ambiguous(cell):
                for member in cell.members:
                    if self._who(cell, member)[1]:
                        member.six_good = {}
        return sheet

    def _ambiguous(self, cell: CellMembers) -> bool:
        return cell.by_name and len({m.name for m in cell.members}) < len(cell.members)


@dataclass(frozen=True)
class SampleCell:
    """How one cell of the committed sample keeps its member tables, and which of the
    issue's cases it shows (``cases``: ``dv01``, ``study``, ``tie``, ``stranger``)."""

    members: int
    grid: bool
    grid_words: str = "T"
    by_name: bool = False
    quiz: bool = False
    six_good: bool = False
    personal: bool = False
    cases: frozenset[str] = frozenset()


#: The cells of the committed 2024 sample that keep member tables; the other nine keep
#: only the meeting log, as a real year mixes both. CB-001, CB-007 and CB-010 are .xlsx
#: files, CB-005 and CB-008 .xls. Left alone: .ods files (their zip times make their
#: bytes irreproducible, so the year written without member sheets could not be the old
#: sample byte for byte), the files tests/data keeps program saves of (CB-002, CB-006,
#: Tong_hop_2024.xlsx) and the cell whose eleven violations fill a two-page notice.
SAMPLE_CELLS = {
    "CB-001": SampleCell(
        7, grid=True, quiz=True, six_good=True, personal=True, cases=frozenset({"dv01", "tie"})
    ),
    "CB-005": SampleCell(5, grid=False, quiz=True),
    "CB-007": SampleCell(
        6, grid=True, grid_words="Tháng", by_name=True, cases=frozenset({"stranger"})
    ),
    "CB-008": SampleCell(6, grid=False, cases=frozenset({"study"})),
    "CB-010": SampleCell(6, grid=True, six_good=True),
}
#: The 2026 sample's member cells, judged by hd42's member rules: CB-001 and CB-010
#: (.xlsx) and CB-002 (.xls), none of them renamed, moved, merged or disciplined. The
#: other files are as they were, byte for byte.
SAMPLE_CELLS_2026 = {
    "CB-001": SampleCell(6, grid=True, quiz=True, cases=frozenset({"dv01", "tie"})),
    "CB-002": SampleCell(6, grid=False, six_good=True, cases=frozenset({"study"})),
    "CB-010": SampleCell(
        5, grid=True, grid_words="Tháng", by_name=True, cases=frozenset({"stranger"})
    ),
}


class SampleMembers(MemberYears):
    """The member tables of the committed sample year: a few small cells
    (:data:`SAMPLE_CELLS`) drawn like any generated year, then given on purpose the
    cases a user should meet in a first audit: a member with three unexcused months
    (DV01, Điều lệ Điều 8), an excused study absence made up in time and one never made
    up (DV03), an unexcused one (DV02) and a reflection marked Không đạt (DV04), a quiz
    month won by two members at once beside an attempt too slow to win, and a row naming
    a member nobody knows (the one refused member row)."""

    def __init__(self, year: int, seed: int = 0, cells: dict[str, SampleCell] | None = None):
        super().__init__(year, seed)
        if cells is None:
            cells = SAMPLE_CELLS if year < 2026 else SAMPLE_CELLS_2026
        self.cells = cells

    def _build(self, cells: Sequence[CellYear]) -> list[CellMembers]:
        built = []
        for year_ in cells:
            plan = self.cells.get(year_.cell_id)
            if plan is None:
                continue
            index = int(year_.cell_id.rsplit("-", 1)[1]) - 1
            cell = build_cell(self.rng, year_, index, self.year, plan.members)
            if len({m.name for m in cell.members}) < len(cell.members):
                raise ValueError(f"{year_.cell_id}: two members of one name")
            self._shape(cell, plan)
            built.append(cell)
        return built

    def _shape(self, cell: CellMembers, plan: SampleCell) -> None:
        rng, year = self.rng, self.year
        cell.grid, cell.grid_words, cell.by_name = plan.grid, plan.grid_words, plan.by_name
        cell.personal, cell.bad_score, cell.strangers = plan.personal, False, []
        if plan.quiz != cell.quiz or cell.hand_in:
            for member in cell.members:
                member.attempts = []
            cell.quiz, cell.hand_in = plan.quiz, False
            if plan.quiz:
                _quiz(rng, cell, year, cell.opened)
        if plan.six_good != cell.six_good:
            for member in cell.members:
                member.six_good = {}
            cell.six_good = plan.six_good
            if plan.six_good:
                _six_good(rng, cell, year)
        # members in the cell all year, never exempt: the cases below are theirs
        if cell.opened is not None:
            raise ValueError(f"{cell.cell_id}: founded mid-year")
        steady = [m for m in cell.members if m.exempt is None and m.joined is m.left is None]
        for member in cell.members:
            if len(steady) >= 4:
                break
            if member not in steady:  # drawn again as a member of the whole year
                member.exempt = member.joined = member.left = None
                member.marks, member.studies = {}, []
                _attendance(rng, member, year, None)
                _studies(rng, member, cell.studies)
                steady.append(member)
        for member in cell.members:  # one unexcused month at most, but for the case below
            counted = [
                month
                for month, mark in sorted(member.marks.items())
                if mark == "K"
                and member.in_cell(D(year, month, 1), _month_end(year, month))
                and not member.exempt_on(_month_end(year, month))
            ]
            for month in counted[1:]:
                member.marks[month] = "x"
        if "dv01" in plan.cases:
            member = steady[1]
            member.marks = {month: "x" for month in range(1, 13)}
            for month in (3, 7, 10):
                member.marks[month] = "K"
        if "study" in plan.cases:
            study = cell.studies[0]
            makeup = study.date + dt.timedelta(days=12)
            rows = {
                0: StudyRow(study, "P", makeup, makeup + dt.timedelta(days=5), "Đạt"),
                1: StudyRow(study, "P"),  # excused, never made up: DV03
                2: StudyRow(study, "K"),  # unexcused: DV02
                3: StudyRow(study, "x", None, study.date + dt.timedelta(days=6), "Không đạt"),
            }
            for number, row in rows.items():
                member = steady[number]
                member.studies = [r for r in member.studies if r.study is not study] + [row]
        if "tie" in plan.cases:
            month = 5
            for member in cell.members:
                member.attempts = [a for a in member.attempts if a.month != month]
            # two at 10 points in 150 s share the win; a 10 in 320 s is over 10 × 30 s
            for number, (score, seconds) in enumerate([(10.0, 150), (10.0, 150), (9.0, 120)]):
                steady[number].attempts.append(Attempt(month, score, 10, seconds))
            steady[3].attempts.append(Attempt(month, 10.0, 10, 320))
            for member in cell.members:
                member.attempts.sort(key=lambda a: a.month)
        if "stranger" in plan.cases:
            cell.strangers.append(f"{rng.choice(FAMILY)} Vô Danh {rng.choice(GIVEN)}")


def generate_with_members(
    out_dir: Path,
    *,
    year: int = 2024,
    n_cells: int = 40,
    seed: int = 0,
    per_cell: int = 20,
    messy: bool = True,
    formats: Sequence[str] = ("xlsx", "xls", "ods"),
    consolidated: int = 3,
) -> tuple[Truth, MembersTruth]:
    """A year of logs with member tables under ``out_dir``, and what an audit must find
    in the cells' logs and in the members'."""
    hook = MemberYears(year, seed, per_cell, messy)
    truth = generate(
        out_dir,
        year=year,
        n_cells=n_cells,
        seed=seed,
        messy=messy,
        formats=formats,
        consolidated=consolidated,
        extra_sheets=hook,
    )
    return truth, hook.result()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Sinh dữ liệu đảng viên / generate member tables")
    parser.add_argument("out", type=Path)
    parser.add_argument("--cells", type=int, default=40)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--truth", type=Path, default=None, help="write the members' truth here")
    args = parser.parse_args(argv)
    _, truth = generate_with_members(
        args.out, year=args.year, n_cells=args.cells, seed=args.seed, per_cell=args.members
    )
    if args.truth:
        args.truth.write_text(truth.to_json(), encoding="utf-8")
    print(
        f"{truth.members} members, {len(truth.findings)} findings, {len(truth.quiz)} quiz "
        f"months, {len(truth.rejected)} rows to reject -> {args.out}"
    )


if __name__ == "__main__":
    main()
