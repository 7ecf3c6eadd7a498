"""Typed records that flow through the pipeline.

Errors are data: a rejected row, a note and a file status are records with their
position, never bare strings, so every stage can count them, sort them and write them
to any report. The report models here are also the source of the JSON Schema shipped
under ``docs/``; ``docs/report-json.md``, the contract they implement, is generated from
them (:mod:`auditor.report.contract`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_ID = "chibo-auditor/report/v1"

#: Canonical session kinds. ``regular+thematic`` counts as both a regular and a thematic
#: session (rules.md, "Periods").
Kind = Literal["regular", "thematic", "regular+thematic", "forum", "extraordinary"]
KINDS: tuple[str, ...] = ("regular", "thematic", "regular+thematic", "forum", "extraordinary")
THEMATIC_KINDS = frozenset({"thematic", "regular+thematic"})
REGULAR_KINDS = frozenset({"regular", "regular+thematic"})

Band = Literal["HTXSNV", "HTTNV", "HTNV", "KHTNV"]
BANDS: tuple[str, ...] = ("HTXSNV", "HTTNV", "HTNV", "KHTNV")
FileStatus = Literal["ok", "error", "skipped"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- ingest


class CellRecord(_Record):
    """One party cell (a row of the ``cells`` table or a key-value "Thông tin" sheet)."""

    cell_id: str
    cell_name: str
    parent: str | None = None
    cell_type: str | None = None
    members: int | None = None
    secretary: str | None = None
    active_from: dt.date | None = None
    active_to: dt.date | None = None
    #: Members disciplined in the year (Quy định 366: such a cell is at most HTTNV).
    disciplined: int | None = None
    #: Predecessors merged into this cell, ``"A, B"`` (rulebook-2025.md, section 5).
    merged_from: str | None = None
    #: The cell this one was merged into.
    merged_into: str | None = None
    previous_parent: str | None = None
    parent_since: dt.date | None = None
    previous_name: str | None = None


class PlanRecord(_Record):
    """One planned thematic topic for one quarter."""

    cell_id: str
    quarter: int = Field(ge=1, le=4)
    planned_topic: str
    topic_group: int | None = None
    preparer: str | None = None
    plan_issued: dt.date | None = None
    plan_reported: dt.date | None = None


class SessionRecord(_Record):
    """One meeting held."""

    cell_id: str
    date: dt.date
    kind: Kind
    topic: str | None = None
    topic_group: int | None = None
    preparer: str | None = None
    draft_approved: dt.date | None = None
    draft_sent: dt.date | None = None
    members_total: int | None = None
    exempted: int | None = None
    present: int | None = None
    absent_excused: int | None = None
    conclusion: bool = False
    conclusion_text: str | None = None
    conclusion_date: dt.date | None = None
    reported: dt.date | None = None
    minutes: bool = False
    notes: str | None = None
    #: Hướng dẫn 42-HD/BTCTW columns (all optional). Times are minutes after midnight.
    start_time: int | None = Field(default=None, ge=0, le=1439)
    end_time: int | None = Field(default=None, ge=0, le=1439)
    minutes_long: int | None = Field(default=None, ge=0, le=1440)
    prep_meeting: dt.date | None = None
    notice_sent: dt.date | None = None
    posted: dt.date | None = None
    #: ``Tốt``, ``Khá``, ``Trung bình`` or ``Kém`` (a 0-100 score is banded on import).
    quality: str | None = None


#: An attendance or study mark (members.md): ``exempt`` is a written ``Miễn``; a bare
#: ``Vắng`` is ``absent`` and becomes excused or unexcused by its ``Lý do``.
Mark = Literal["present", "excused", "unexcused", "absent", "exempt"]


class MemberRecord(_Record):
    """One member of one cell (members.md, ``members``). Personal columns beyond these
    (birth date, phone, address, ID number) are never read into a record."""

    member_id: str
    member_name: str
    cell_id: str
    status: str | None = None
    #: Exempt from meetings from this day on; ``True`` for the whole year.
    exempt_from: dt.date | bool | None = None
    joined: dt.date | None = None
    left: dt.date | None = None


class _MemberRow(_Record):
    """A row about one member: by code, by name, or both (resolved after import)."""

    member_id: str | None = None
    member_name: str | None = None
    cell_id: str | None = None


class AttendanceRecord(_MemberRow):
    """One member at one meeting (the long form of ``attendance``)."""

    date: dt.date
    mark: Mark | None = None
    reason: str | None = None


class AttendanceGridRecord(_MemberRow):
    """One member over the months of the audited year (the grid form): ``m01``..``m12``
    is the mark for that month's regular meeting."""

    m01: Mark | None = None
    m02: Mark | None = None
    m03: Mark | None = None
    m04: Mark | None = None
    m05: Mark | None = None
    m06: Mark | None = None
    m07: Mark | None = None
    m08: Mark | None = None
    m09: Mark | None = None
    m10: Mark | None = None
    m11: Mark | None = None
    m12: Mark | None = None


class StudyRecord(_MemberRow):
    """One member at one resolution study."""

    resolution: str | None = None
    date: dt.date
    study_format: str | None = None
    mark: Mark | None = None
    reason: str | None = None
    #: The make-up's and the reflection's dates; ``True`` for a tick without a date.
    makeup: dt.date | bool | None = None
    reflection: dt.date | bool | None = None
    #: ``True`` Đạt, ``False`` Không đạt (a score is Đạt from 5 of 10, or 50 of 100).
    reflection_passed: bool | None = None
    quiz_score: float | None = Field(default=None, ge=0, le=100)


class QuizRecord(_MemberRow):
    """One member's attempt in one month's quiz."""

    month: int | None = Field(default=None, ge=1, le=12)
    quiz_date: dt.date | None = None
    score: float = Field(ge=0, le=10)
    questions: int | None = Field(default=None, ge=1, le=100)
    #: How long the attempt took, or when it was handed in (seconds after midnight).
    seconds: int | None = Field(default=None, ge=0)
    submitted: int | None = Field(default=None, ge=0, le=86399)


class SixGoodRecord(_MemberRow):
    """One member in one month of the "chi bộ 6 tốt, đảng viên 6 tốt" classification."""

    month: int = Field(ge=1, le=12)
    c1: bool | None = None
    c2: bool | None = None
    c3: bool | None = None
    c4: bool | None = None
    c5: bool | None = None
    c6: bool | None = None
    criteria_met: int | None = Field(default=None, ge=0, le=6)
    classification: str | None = None


TableName = Literal["cells", "plan", "sessions"]
#: The member tables (members.md); all optional input.
MEMBER_TABLES: tuple[str, ...] = (
    "members",
    "attendance",
    "attendance_grid",
    "study",
    "quiz",
    "six_good",
)
#: Member tables whose rows name a member (resolved against ``members`` after import).
MEMBER_ROW_TABLES: tuple[str, ...] = MEMBER_TABLES[1:]
RECORD_TYPES: dict[str, type[_Record]] = {
    "cells": CellRecord,
    "plan": PlanRecord,
    "sessions": SessionRecord,
    "members": MemberRecord,
    "attendance": AttendanceRecord,
    "attendance_grid": AttendanceGridRecord,
    "study": StudyRecord,
    "quiz": QuizRecord,
    "six_good": SixGoodRecord,
}
#: Provenance columns every table DataFrame carries besides its record fields.
PROVENANCE = ("file", "sheet", "row")


class FieldError(_Record):
    """One bad value inside a rejected row; ``code`` is its reason's code (docs/codes.md)."""

    column: str
    value: str
    code: str
    reason_vi: str
    reason_en: str


class RejectedRow(_Record):
    """A data row that could not become a record, with where it is and why.

    ``column``/``value``/``code``/``reason_*`` describe the first problem
    (docs/report.schema.json); ``errors`` lists every problem of the row, so one pass fixes
    all of them.
    """

    file: str
    sheet: str
    row: int
    table: str
    column: str
    value: str
    code: str
    reason_vi: str
    reason_en: str
    errors: list[FieldError] = Field(default_factory=list)


class Note(_Record):
    """Something a person should know that is neither a record nor a rejected row."""

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    code: str
    message_vi: str
    message_en: str


class RowCounts(_Record):
    read: int = 0
    accepted: int = 0
    rejected: int = 0


class InputFile(_Record):
    """The status of one file found under an INPUT argument."""

    file: str
    sha256: str | None
    status: FileStatus
    rows: RowCounts = Field(default_factory=RowCounts)
    error: str | None = None
    error_en: str | None = None
    #: The error's or skip reason's code (docs/codes.md); null for a file read.
    code: str | None = None


# --------------------------------------------------------------------------- findings


class Evidence(_Record):
    """A row of a workbook that a finding rests on."""

    file: str
    sheet: str
    row: int


class Waiver(_Record):
    """A board's excuse of a cell from a rule for a period or a day (rulebook-2025.md,
    section 6), with where it was written."""

    cell_id: str
    rule: str
    period: str | None = None
    date: dt.date | None = None
    reason: str
    approved_by: str
    approved_on: dt.date | None = None
    expires: dt.date | None = None
    file: str | None = None
    sheet: str | None = None
    row: int | None = None


class Violation(_Record):
    rule: str
    points: int
    period: str | None = None
    date: dt.date | None = None
    message_vi: str
    message_en: str
    evidence: list[Evidence] = Field(default_factory=list)
    details: dict[str, Any] = Field(default_factory=dict)
    #: Excused by a waiver: still shown, costs no points and counts for no cap.
    waived: bool = False
    waiver: Waiver | None = None
    #: The rule pack that judged it: the one in force on the session's date, or on the
    #: last day of the quarter, month or year (rulebook-2025.md, section 1).
    pack: str | None = None


class BandChange(_Record):
    """A rule of the scoring that lowered a cell's band, in words: a cap (``rule`` is the
    rule id counted), a condition (``rule`` is the cells-table field, ``disciplined``) or
    the quota (``rule`` is ``quota``)."""

    rule: str
    kind: Literal["cap", "condition", "quota"]
    band_from: Band
    band_to: Band
    message_vi: str
    message_en: str


class Inherited(_Record):
    """What a merged cell took over from one predecessor (rulebook-2025.md, section 5)."""

    cell_id: str
    cell_name: str | None = None
    merged_on: dt.date | None = None
    sessions: int = 0
    plan_rows: int = 0


class CellResult(_Record):
    cell_id: str
    cell_name: str | None
    parent: str | None
    score: int
    band: Band
    band_before_quota: Band
    rank: int
    points_lost: int
    moved_by_quota: bool = False
    violations: list[Violation] = Field(default_factory=list)
    #: Every rule of the scoring that lowered the band the score alone gives, in order.
    band_changes: list[BandChange] = Field(default_factory=list)
    previous_name: str | None = None
    previous_parent: str | None = None
    parent_since: dt.date | None = None
    disciplined: int | None = None
    #: Predecessors merged into this cell, with what each brought.
    merged_from: list[Inherited] = Field(default_factory=list)


class MergedCell(_Record):
    """A cell merged into another during the year: listed, "đã sáp nhập vào C", with no
    violations, score, band or rank of its own (its records are the successor's)."""

    cell_id: str
    cell_name: str | None
    parent: str | None
    merged_into: str
    merged_on: dt.date | None = None
    message_vi: str
    message_en: str


class ScoringInfo(_Record):
    """The scoring that ranked the year (``qd124`` up to 2024, ``qd366`` from 2025)."""

    name: str
    title_vi: str
    source: str
    quota_share: float
    quota_base: str
    quota_level: str


class Effective(_Record):
    """When a rule pack is in force, both days included; ``None`` is open-ended
    (``effective: {from: 2025-10-28, to: null}`` in its pack.yaml)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_: dt.date | None = Field(default=None, alias="from")
    to: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Effective:
        if self.from_ is not None and self.to is not None and self.to < self.from_:
            raise ValueError(
                f"'to' ({self.to}) trước 'from' ({self.from_}) / 'to' is before 'from'"
            )
        return self

    @property
    def start_key(self) -> dt.date:
        return self.from_ or dt.date.min

    def contains(self, day: dt.date) -> bool:
        return (self.from_ is None or self.from_ <= day) and (self.to is None or day <= self.to)

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        """Whether it is in force on at least one day from ``start`` to ``end``."""
        return (self.from_ is None or self.from_ <= end) and (self.to is None or self.to >= start)

    def overlaps_range(self, other: Effective) -> bool:
        return self.overlaps(other.from_ or dt.date.min, other.to or dt.date.max)


class PackInfo(_Record):
    """A rule pack that judged some of the year, and when it is in force."""

    name: str
    version: str
    sha256: str
    effective: Effective


class RulesInfo(_Record):
    """The rules behind the report. ``pack``, ``version`` and ``sha256`` name the one pack
    that judged the year, or join several (``hd12+hd42``, one hash of their hashes);
    ``packs`` lists each with when it is in force."""

    pack: str
    version: str
    sha256: str
    scoring: ScoringInfo | None = None
    packs: list[PackInfo] = Field(default_factory=list)


class QuotaMove(_Record):
    """A cell moved from HTXSNV to HTTNV by the quota of the year's scoring, and why."""

    parent: str | None
    cell_id: str
    score: int
    message_vi: str
    message_en: str


class MemberMonths(_Record):
    """Months of the year by the member's mark (only months the member belonged to the
    cell and that ended by the as-of date)."""

    present: int = 0
    excused: int = 0
    unexcused: int = 0
    exempt: int = 0


class MemberStudies(_Record):
    attended: int = 0
    made_up: int = 0
    reflections: int = 0


class MemberQuizYear(_Record):
    months: int = 0
    wins: int = 0
    #: The member's mean score over the months attempted (best attempt of each month).
    average: float | None = None


class MemberResult(_Record):
    """One member's year (members.md, Output): counts, quiz and findings."""

    member_id: str
    member_name: str
    cell_id: str
    months: MemberMonths = Field(default_factory=MemberMonths)
    studies: MemberStudies = Field(default_factory=MemberStudies)
    quiz: MemberQuizYear = Field(default_factory=MemberQuizYear)
    six_good_months: int = 0
    violations: list[Violation] = Field(default_factory=list)


class QuizWinners(_Record):
    """One cell's quiz of one month: who won (ties share), how many attempts."""

    cell_id: str
    month: str
    winners: list[str] = Field(default_factory=list)
    attempts: int = 0


class Report(_Record):
    schema_: str = Field(default=SCHEMA_ID, alias="schema")
    year: int
    as_of: dt.date
    rules: RulesInfo
    inputs: list[InputFile]
    cells: list[CellResult]
    rejected_rows: list[RejectedRow]
    notes: list[Note]
    quota_moves: list[QuotaMove] = Field(default_factory=list)
    #: Cells merged into another during the year, listed without score, band or rank.
    merged_cells: list[MergedCell] = Field(default_factory=list)
    #: Members of the audited cells, by cell then code (empty without member tables).
    members: list[MemberResult] = Field(default_factory=list)
    #: The monthly quizzes, by cell then month.
    quiz: list[QuizWinners] = Field(default_factory=list)
    generated_at: str | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
