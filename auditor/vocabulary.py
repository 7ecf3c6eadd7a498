"""The fact vocabulary: every field a rule may test, with its type, unit and meaning.

Facts are plain dicts of integers (durable_rules compares numbers on one fact), built in
:mod:`auditor.facts`. This module is the contract between that code and the rule files:
one pydantic model per fact type (``period`` of a rule), one field per fact key. The rule
loader (:mod:`auditor.rulepack`) refuses a rule testing a field its period does not have,
``docs/facts.md`` and ``docs/rules.schema.json`` are generated from these models
(``python -m auditor.vocabulary``), and the pipeline checks every fact's keys against
them, so a fact and its documentation cannot drift apart.

How to add a fact field (one edit here, then the code that computes it):

1. Add one line to the model of its period below, e.g. in :class:`SessionFact`::

       late_minutes: int | None = fact(Unit.MINUTES, "Số phút đến muộn", "Minutes late",
                                      only="regular sessions")

   ``int`` for a field every fact of that type carries, ``int | None`` (with ``only=``
   saying when it is present) for one only some carry. The unit gives the bounds.
   A new unit is one more :class:`Unit` member and a line in ``UNITS``.
2. Compute it in ``facts._cell_facts`` under the same key.
3. Regenerate the docs: ``python -m auditor.vocabulary`` (a test fails while they are
   stale).

Placeholders a message may use besides fact fields and parameters are the context
values each period's ``FactInfo`` supplies; they are listed in ``CONTEXT`` (one edit
there when ``facts._*_info`` gains one).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field


class Unit(StrEnum):
    """What a fact's integer counts; each unit has its bounds and a reading."""

    COUNT = "count"
    FLAG = "flag"
    MONTH_DAY = "month_day"
    DAYS = "days"
    PPM = "ppm"
    QUARTER = "quarter"
    MONTH = "month"
    SCORE = "score"
    MINUTES = "minutes"
    RATING = "rating"


class UnitInfo(NamedTuple):
    vi: str
    en: str
    ge: int | None
    le: int | None


#: The tables an example written as input rows may fill, as a workbook's sheets: the
#: cell's own and the member tables the member rules (DV01–DV04) judge.
ROW_TABLES = ("cells", "plan", "sessions", "members", "attendance", "study")

UNITS: dict[Unit, UnitInfo] = {
    Unit.COUNT: UnitInfo("số lượng (0, 1, 2…)", "a count (0, 1, 2…)", 0, None),
    Unit.FLAG: UnitInfo("cờ: 1 là có/đúng, 0 là không", "flag: 1 yes/true, 0 no/false", 0, 1),
    Unit.MONTH_DAY: UnitInfo(
        "tháng×100+ngày trong năm kiểm tra (31/1 là 131); 0 là trước năm, 9999 là sau năm "
        "hoặc không rõ",
        "month×100+day within the audited year (31 Jan is 131); 0 before the year, 9999 "
        "after it or unknown",
        0,
        9999,
    ),
    Unit.DAYS: UnitInfo(
        "số ngày (âm khi ngày sau đứng trước)",
        "days (negative when the later date comes first)",
        None,
        None,
    ),
    Unit.PPM: UnitInfo(
        'phần triệu (2/3 là 666667; parameters "2/3" hay 0.66 được đổi sang đơn vị này)',
        'parts per million (2/3 is 666667; parameters "2/3" or 0.66 are converted to it)',
        0,
        None,
    ),
    Unit.QUARTER: UnitInfo("quý, 1–4", "quarter, 1–4", 1, 4),
    Unit.MONTH: UnitInfo("tháng, 1–12", "month, 1–12", 1, 12),
    Unit.SCORE: UnitInfo("điểm 0–100", "score 0–100", 0, 100),
    Unit.MINUTES: UnitInfo("số phút, 0–1.440", "minutes, 0–1,440", 0, 1440),
    Unit.RATING: UnitInfo(
        "xếp loại buổi sinh hoạt: 1 Tốt, 2 Khá, 3 Trung bình, 4 Kém; 0 là chưa xếp loại",
        "the session's rating: 1 Tốt (good), 2 Khá, 3 Trung bình (fair), 4 Kém (poor); 0 not rated",
        0,
        4,
    ),
}


def fact(unit: Unit, vi: str, en: str, *, only: str | None = None) -> Any:
    """A fact field: its unit (which gives its bounds) and its meaning in both languages.

    ``only``: when the field is present (it is absent from facts it does not apply to,
    and a rule testing an absent field does not fire on that fact).
    """
    info = UNITS[unit]
    extra: dict[str, Any] = {"unit": unit.value, "vi": vi, "en": en}
    if only is not None:
        extra["only"] = only
    return Field(
        default=None if only is not None else ...,
        description=en,
        ge=info.ge,
        le=info.le,
        json_schema_extra=extra,
    )


class _Fact(BaseModel):
    """What every fact carries: its type and its number within the cell."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: int = Field(ge=1, description="The fact's number within its cell (set by facts).")


class YearFact(_Fact):
    """One per audited cell and year (when at least one month of it is audited)."""

    type: Literal["year"]
    plan_rows: int = fact(
        Unit.COUNT,
        "Số dòng kế hoạch sinh hoạt chuyên đề của năm",
        "Rows of the year's thematic-session plan",
    )
    plan_reported_rows: int = fact(
        Unit.COUNT,
        "Số dòng kế hoạch có ghi ngày báo cáo cấp trên",
        "Plan rows with a date of report to the superior committee",
    )
    plan_issued_missing: int = fact(
        Unit.FLAG, "Không dòng kế hoạch nào ghi ngày ban hành", "No plan row has an issue date"
    )
    plan_issued_md: int = fact(
        Unit.MONTH_DAY,
        "Ngày ban hành sớm nhất của kế hoạch",
        "Earliest issue date of the plan",
    )
    active_from_md: int = fact(
        Unit.MONTH_DAY,
        "Ngày chi bộ (kể cả các chi bộ sáp nhập vào nó) bắt đầu hoạt động; 0 khi không rõ",
        "When the cell's line (with cells merged into it) began; 0 when unknown",
    )
    as_of_md: int = fact(
        Unit.MONTH_DAY,
        "Ngày tính đến (--as-of) trong năm: hạn nào sau ngày này thì chưa xét",
        "The as-of date within the year: a deadline after it is not judged yet",
    )


class QuarterFact(_Fact):
    """One per cell and quarter that ended by the as-of date while the cell existed."""

    type: Literal["quarter"]
    quarter: int = fact(Unit.QUARTER, "Quý", "The quarter")
    thematic_count: int = fact(
        Unit.COUNT,
        "Số buổi sinh hoạt chuyên đề (kể cả thường kỳ + chuyên đề)",
        "Thematic sessions (combined regular + thematic included)",
    )
    regular_count: int = fact(
        Unit.COUNT,
        "Số buổi sinh hoạt thường kỳ (kể cả thường kỳ + chuyên đề)",
        "Regular meetings (combined regular + thematic included)",
    )
    forum_count: int = fact(Unit.COUNT, "Số buổi diễn đàn", "Forums held")
    has_plan: int = fact(
        Unit.FLAG, "Chi bộ có kế hoạch sinh hoạt chuyên đề năm", "The cell has a year plan"
    )
    planned_topics: int = fact(
        Unit.COUNT, "Số chủ đề kế hoạch dự kiến cho quý", "Topics the plan gives this quarter"
    )


class MonthFact(_Fact):
    """One per cell and month that ended by the as-of date while the cell existed."""

    type: Literal["month"]
    month: int = fact(Unit.MONTH, "Tháng", "The month")
    regular_count: int = fact(
        Unit.COUNT,
        "Số buổi sinh hoạt thường kỳ (kể cả thường kỳ + chuyên đề)",
        "Regular meetings (combined regular + thematic included)",
    )
    thematic_count: int = fact(
        Unit.COUNT,
        "Số buổi sinh hoạt chuyên đề (kể cả thường kỳ + chuyên đề)",
        "Thematic sessions (combined regular + thematic included)",
    )
    forum_count: int = fact(Unit.COUNT, "Số buổi diễn đàn", "Forums held")
    extraordinary_count: int = fact(
        Unit.COUNT, "Số buổi sinh hoạt bất thường", "Extraordinary meetings"
    )


_THEMATIC = "thematic sessions"
_REGULAR = "regular meetings"


class SessionFact(_Fact):
    """One per dated session of an audited quarter, while the cell existed."""

    type: Literal["session"]
    quarter: int = fact(Unit.QUARTER, "Quý của buổi sinh hoạt", "The session's quarter")
    thematic: int = fact(
        Unit.FLAG,
        "Buổi chuyên đề (hoặc thường kỳ + chuyên đề)",
        "A thematic (or combined) session",
    )
    regular: int = fact(
        Unit.FLAG,
        "Buổi thường kỳ (hoặc thường kỳ + chuyên đề)",
        "A regular (or combined) meeting",
    )
    draft_sent_missing: int | None = fact(
        Unit.FLAG, "Không ghi ngày gửi dự thảo", "No date the draft was sent", only=_THEMATIC
    )
    draft_days_before: int | None = fact(
        Unit.DAYS,
        "Số ngày từ khi gửi dự thảo đến buổi sinh hoạt (0 khi không gửi)",
        "Days from sending the draft to the session (0 when not sent)",
        only=_THEMATIC,
    )
    approved_missing: int | None = fact(
        Unit.FLAG, "Không ghi ngày duyệt dự thảo", "No date the draft was approved", only=_THEMATIC
    )
    approved_after_sent: int | None = fact(
        Unit.FLAG,
        "Dự thảo được duyệt sau ngày gửi",
        "The draft was approved after it was sent",
        only=_THEMATIC,
    )
    conclusion: int | None = fact(
        Unit.FLAG,
        "Có kết luận (cột Kết luận, hoặc có ngày kết luận)",
        "A conclusion exists (its column, or a conclusion date)",
        only=_THEMATIC,
    )
    conclusion_date_missing: int | None = fact(
        Unit.FLAG, "Không ghi ngày kết luận", "No conclusion date", only=_THEMATIC
    )
    conclusion_days: int | None = fact(
        Unit.DAYS,
        "Số ngày từ buổi sinh hoạt đến ngày kết luận (0 khi không ghi)",
        "Days from the session to the conclusion (0 when undated)",
        only=_THEMATIC,
    )
    reported_missing: int | None = fact(
        Unit.FLAG, "Chưa báo cáo cấp trên", "Not reported to the superior", only=_THEMATIC
    )
    report_days: int | None = fact(
        Unit.DAYS,
        "Số ngày từ buổi sinh hoạt đến ngày báo cáo cấp trên (0 khi chưa báo cáo)",
        "Days from the session to the report to the superior (0 when not reported)",
        only=_THEMATIC,
    )
    plan_for_quarter: int | None = fact(
        Unit.FLAG,
        "Kế hoạch có chủ đề cho quý của buổi này",
        "The plan has a topic for this session's quarter",
        only=_THEMATIC,
    )
    topic_score: int | None = fact(
        Unit.SCORE,
        "Độ tương đồng (làm tròn xuống) giữa chủ đề buổi này và chủ đề kế hoạch gần nhất",
        "Similarity (rounded down) of the topic to the closest planned topic",
        only=_THEMATIC,
    )
    members_known: int | None = fact(
        Unit.FLAG,
        "Biết số đảng viên phải dự (tổng trừ miễn, > 0) và số có mặt",
        "Members expected (total less exempted, > 0) and present are both known",
        only=_REGULAR,
    )
    attendance_ppm: int | None = fact(
        Unit.PPM,
        "Tỉ lệ có mặt trên số phải dự, làm tròn lên (0 khi không rõ)",
        "Present over expected, rounded up (0 when unknown)",
        only=_REGULAR,
    )
    # Hướng dẫn 42-HD/BTCTW (28/10/2025): every session carries these; a log made before
    # it has none of the columns, so its sessions read "not recorded" (0 / missing).
    combined: int = fact(
        Unit.FLAG,
        "Buổi thường kỳ + chuyên đề (sinh hoạt ghép)",
        "A combined regular + thematic sitting",
    )
    length_known: int = fact(
        Unit.FLAG,
        "Có ghi thời lượng (cột Thời lượng, hoặc giờ bắt đầu và giờ kết thúc)",
        "A length is recorded (the length column, or both start and end times)",
    )
    minutes: int = fact(
        Unit.MINUTES,
        "Thời lượng buổi sinh hoạt: cột Thời lượng, nếu không có thì giờ kết thúc − giờ bắt "
        "đầu (0 khi không ghi)",
        "The session's length: the length column, else end − start (0 when not recorded)",
    )
    prep_missing: int = fact(
        Unit.FLAG,
        "Không ghi ngày họp chi ủy chuẩn bị",
        "No date of the chi ủy's preparatory meeting",
    )
    prep_days_before: int = fact(
        Unit.DAYS,
        "Số ngày từ buổi họp chi ủy chuẩn bị đến buổi sinh hoạt (0 khi không ghi)",
        "Days from the chi ủy's preparatory meeting to the session (0 when not recorded)",
    )
    notice_missing: int = fact(
        Unit.FLAG,
        "Không ghi ngày thông báo cho đảng viên và cấp ủy cấp trên",
        "No date of the notice to members and the superior committee",
    )
    notice_days_before: int = fact(
        Unit.DAYS,
        "Số ngày từ khi thông báo đến buổi sinh hoạt (0 khi không ghi)",
        "Days from the notice to the session (0 when not recorded)",
    )
    posted_missing: int = fact(
        Unit.FLAG,
        "Không ghi ngày đăng tài liệu lên Sổ tay đảng viên điện tử",
        "No date the documents were posted on Sổ tay đảng viên điện tử",
    )
    posted_days_before: int = fact(
        Unit.DAYS,
        "Số ngày từ khi đăng tài liệu lên Sổ tay đến buổi sinh hoạt (0 khi không ghi)",
        "Days from posting the documents on Sổ tay to the session (0 when not recorded)",
    )
    quality_level: int = fact(
        Unit.RATING,
        "Xếp loại của chính buổi sinh hoạt (0 khi sổ không ghi)",
        "The session's own rating (0 when the log has none)",
    )


class MemberFact(_Fact):
    """One per member of an audited cell and year: months count only while
    the member belonged to the cell, was not exempt and the month ended by the as-of date."""

    type: Literal["member"]
    months_judged: int = fact(
        Unit.COUNT,
        "Số tháng được xét (thuộc chi bộ, không miễn sinh hoạt, đã hết tháng)",
        "Months judged (in the cell, not exempt, ended by the as-of date)",
    )
    unexcused_months: int = fact(
        Unit.COUNT,
        "Số tháng vắng sinh hoạt thường kỳ không có lý do",
        "Months absent from the regular meeting without a good reason",
    )
    excused_months: int = fact(
        Unit.COUNT, "Số tháng vắng có lý do", "Months absent with a good reason"
    )
    present_months: int = fact(Unit.COUNT, "Số tháng có mặt", "Months present")


_STUDY = "members who attended or made up"


class MemberStudyFact(_Fact):
    """One per member and resolution study of the audited year, while the member belonged
    to the cell and was not exempt."""

    type: Literal["member_study"]
    attended: int = fact(Unit.FLAG, "Có mặt buổi học", "Attended the study")
    excused: int = fact(Unit.FLAG, "Vắng có lý do", "Absent with a good reason")
    unexcused: int = fact(Unit.FLAG, "Vắng không có lý do", "Absent without a good reason")
    made_up: int = fact(Unit.FLAG, "Có học bù", "Made it up")
    makeup_days: int | None = fact(
        Unit.DAYS,
        "Số ngày từ buổi học đến ngày học bù",
        "Days from the study to the make-up",
        only="members who made it up",
    )
    days_open: int = fact(
        Unit.DAYS,
        "Số ngày từ buổi học đến ngày tính đến (--as-of)",
        "Days from the study to the as-of date",
    )
    period_closed: int = fact(
        Unit.FLAG,
        "Kỳ kiểm tra là cả năm (tính đến 31/12): việc chưa làm thì đã quá hạn",
        "The audited period is the whole year (as of 31 Dec): what is not done is late",
    )
    reflection_submitted: int | None = fact(
        Unit.FLAG, "Đã nộp bài thu hoạch", "Handed in the written reflection", only=_STUDY
    )
    reflection_days: int | None = fact(
        Unit.DAYS,
        "Số ngày từ buổi học (hoặc học bù) đến ngày nộp bài thu hoạch",
        "Days from the study (or make-up) to handing in the reflection",
        only="members who handed in a reflection",
    )
    reflection_open_days: int | None = fact(
        Unit.DAYS,
        "Số ngày từ buổi học (hoặc học bù) đến ngày tính đến",
        "Days from the study (or make-up) to the as-of date",
        only=_STUDY,
    )
    reflection_failed: int | None = fact(
        Unit.FLAG, "Bài thu hoạch Không đạt", "The reflection was marked Không đạt", only=_STUDY
    )


#: The fact model of each rule ``period`` (a fact's ``type``), in the order docs list them.
MODELS: dict[str, type[_Fact]] = {
    "year": YearFact,
    "quarter": QuarterFact,
    "month": MonthFact,
    "session": SessionFact,
    "member": MemberFact,
    "member_study": MemberStudyFact,
}

PERIODS_VI = {
    "year": "năm",
    "quarter": "quý",
    "month": "tháng",
    "session": "buổi sinh hoạt",
    "member": "đảng viên (cả năm)",
    "member_study": "đảng viên ở một buổi học tập nghị quyết",
}


class ContextValue(NamedTuple):
    vi: str
    en: str


_SESSION_CONTEXT = {
    "date": ContextValue("Ngày sinh hoạt (dd/mm/yyyy)", "The session's date (dd/mm/yyyy)"),
    "topic": ContextValue("Chủ đề ghi trong sổ", "The topic as recorded"),
    "inherited_from": ContextValue(
        "Chi bộ cũ mà dòng này được nhận từ (— nếu không có)",
        "The merged predecessor this row came from (— if none)",
    ),
    "draft_sent": ContextValue("Ngày gửi dự thảo", "Date the draft was sent"),
    "draft_approved": ContextValue("Ngày duyệt dự thảo", "Date the draft was approved"),
    "conclusion_date": ContextValue("Ngày kết luận", "Date of the conclusion"),
    "reported": ContextValue("Ngày báo cáo cấp trên", "Date reported to the superior"),
    "days_before": ContextValue("Như draft_days_before", "As draft_days_before"),
    "planned": ContextValue("Các chủ đề kế hoạch của quý", "The quarter's planned topics"),
    "similarity": ContextValue("Như topic_score", "As topic_score"),
    "present": ContextValue("Số đảng viên có mặt", "Members present"),
    "base": ContextValue("Số đảng viên phải dự", "Members expected"),
    "start": ContextValue("Giờ bắt đầu (hh:mm, — nếu không ghi)", "Start time (hh:mm, — if none)"),
    "end": ContextValue("Giờ kết thúc (hh:mm)", "End time (hh:mm)"),
    "minutes_recorded": ContextValue(
        "Số phút ghi ở cột Thời lượng (— nếu không ghi)",
        "Minutes written in the length column (— if none)",
    ),
    "prep_meeting": ContextValue("Ngày họp chi ủy chuẩn bị", "Date of the preparatory meeting"),
    "notice_sent": ContextValue("Ngày thông báo", "Date of the notice"),
    "posted": ContextValue("Ngày đăng Sổ tay đảng viên", "Date posted on Sổ tay"),
    "quality": ContextValue(
        "Xếp loại buổi sinh hoạt ghi trong sổ", "The session's rating as recorded"
    ),
}

#: Per period, the values its ``FactInfo.context`` supplies to messages and remedies
#: (besides the fact's own fields and the rule's parameters).
CONTEXT: dict[str, dict[str, ContextValue]] = {
    "year": {
        "year": ContextValue("Năm kiểm tra", "The audited year"),
        "plan_issued": ContextValue(
            "Ngày ban hành sớm nhất của kế hoạch", "Earliest issue date of the plan"
        ),
    },
    "quarter": {},
    "month": {},
    "session": _SESSION_CONTEXT,
    "member": {
        "member_id": ContextValue("Mã đảng viên", "The member's code"),
        "member_name": ContextValue("Họ và tên đảng viên", "The member's name"),
        "months": ContextValue(
            "Các tháng vắng không lý do (T3, T8, …)", "The months absent without reason"
        ),
    },
    "member_study": {
        "member_id": ContextValue("Mã đảng viên", "The member's code"),
        "member_name": ContextValue("Họ và tên đảng viên", "The member's name"),
        "date": ContextValue("Ngày học (dd/mm/yyyy)", "The study's date (dd/mm/yyyy)"),
        "resolution": ContextValue("Tên nghị quyết", "The resolution studied"),
        "makeup": ContextValue("Ngày học bù (— nếu không có)", "The make-up's date (— if none)"),
        "reflection": ContextValue(
            "Ngày nộp bài thu hoạch (— nếu không có)", "The reflection's date (— if none)"
        ),
    },
}


def fields(period: str) -> dict[str, Any]:
    """The fields a rule of ``period`` may test (``id`` and ``type`` are not for rules)."""
    return {
        name: info
        for name, info in MODELS[period].model_fields.items()
        if name not in ("id", "type")
    }


#: Per fact type, every key its facts may carry (for the pipeline's cheap check).
_KEYS: dict[str, frozenset[str]] = {
    period: frozenset(model.model_fields) for period, model in MODELS.items()
}
_REQUIRED: dict[str, frozenset[str]] = {
    period: frozenset(n for n, f in model.model_fields.items() if f.is_required())
    for period, model in MODELS.items()
}


def placeholders(period: str) -> set[str]:
    """Names a message or remedy of a rule of ``period`` may use, parameters aside."""
    return set(fields(period)) | set(CONTEXT[period])


class FactContractError(Exception):
    """A fact built outside the vocabulary: a bug of the auditor, not of the data."""


def check_facts(facts: Iterable[Mapping[str, Any]]) -> None:
    """Refuse facts whose keys the vocabulary does not know or that lack required ones.

    Cheap enough for every fact of every run: facts of one type share a handful of key
    layouts, so each layout is compared with the vocabulary once. The values' types and
    bounds are checked in full (:func:`validate_fact`) by the tests.
    """
    layouts = {(str(item.get("type")), tuple(item)): item for item in facts}
    for (kind, layout), item in layouts.items():
        problem = _layout_problem(kind, layout)
        if problem:
            raise FactContractError(f"{problem}: {dict(item)}")


@functools.lru_cache(maxsize=1024)
def _layout_problem(kind: str, layout: tuple[str, ...]) -> str | None:
    """Why facts of ``kind`` with these keys (in this order) break the vocabulary, if so."""
    keys = _KEYS.get(kind)
    if keys is None:
        return f"fact of unknown type {kind!r}"
    unknown = sorted(set(layout) - keys)
    missing = sorted(_REQUIRED[kind] - set(layout))
    if unknown or missing:
        return f"{kind} fact outside docs/facts.md: unknown {unknown}, missing {missing}"
    return None


def validate_fact(item: Mapping[str, Any]) -> _Fact:
    """The fact as its model, every value's type and bounds checked (strict: ints only)."""
    kind = item.get("type")
    if kind not in MODELS:
        raise FactContractError(f"fact of unknown type {kind!r}")
    return MODELS[str(kind)].model_validate(dict(item), strict=True)


# --- generated documents -------------------------------------------------------------

DOCS = Path(__file__).resolve().parent.parent / "docs"


def render_facts_md() -> str:
    """The Markdown page ``docs/facts.md``."""
    out = [
        "# Dữ kiện mà quy tắc xét / the facts rules test",
        "",
        "<!-- Sinh tự động từ auditor/vocabulary.py bằng `python -m auditor.vocabulary`; "
        "đừng sửa tay. -->",
        "<!-- Generated from auditor/vocabulary.py by `python -m auditor.vocabulary`; "
        "do not edit. -->",
        "",
        "Mỗi quy tắc xét một loại dữ kiện (`period`); điều kiện `when` chỉ được dùng các "
        "trường của loại đó. Mọi giá trị là số nguyên. Trường chỉ có ở một số dữ kiện "
        '(cột "khi có") vắng mặt ở các dữ kiện khác, và điều kiện trên trường vắng mặt '
        "không bao giờ đúng.",
        "",
        "*Each rule tests one type of fact (`period`); its `when` may use only that type's "
        "fields. Every value is an integer. A field present only on some facts (column "
        '"only") is absent from the others, and a test on an absent field never holds.*',
        "",
        "## Đơn vị / units",
        "",
        "| Đơn vị / unit | Nghĩa | Meaning |",
        "|---|---|---|",
    ]
    out += [f"| `{unit.value}` | {info.vi} | {info.en} |" for unit, info in UNITS.items()]
    for period, model in MODELS.items():
        doc = " ".join((model.__doc__ or "").split())
        out += [
            "",
            f"## `{period}` — {PERIODS_VI[period]}",
            "",
            f"*{doc}*",
            "",
            "| Trường / field | Đơn vị / unit | Nghĩa | Meaning | Khi có / only |",
            "|---|---|---|---|---|",
        ]
        for name, info in fields(period).items():
            extra = info.json_schema_extra
            assert isinstance(extra, dict)
            out.append(
                f"| `{name}` | `{extra['unit']}` | {extra['vi']} | {extra['en']} | "
                f"{extra.get('only', '—')} |"
            )
        context = CONTEXT[period]
        if context:
            out += [
                "",
                "Giá trị thêm cho lời nhắn (`message_vi`, `message_en`, `remedy_…`) / "
                "extra values for messages:",
                "",
                "| Tên / name | Nghĩa | Meaning |",
                "|---|---|---|",
            ]
            out += [f"| `{{{name}}}` | {v.vi} | {v.en} |" for name, v in context.items()]
    out += [
        "",
        "Lời nhắn dùng được `{tên}` của mọi trường trên, mọi giá trị thêm và mọi tham số "
        "của quy tắc; tên khác bị từ chối khi nạp bộ quy tắc.",
        "*Messages may use `{name}` of any field above, any extra value and any parameter "
        "of the rule; any other name is refused when the pack loads.*",
    ]
    return "\n".join(out) + "\n"


_OPS = ["eq", "neq", "lt", "lte", "gt", "gte"]


def _test_schema(period: str) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["field", "op", "value"],
        "properties": {
            "field": {"enum": sorted(fields(period))},
            "op": {"enum": _OPS},
            "value": {
                "description": 'An integer, or "$name" of one of the rule\'s params.',
                "anyOf": [
                    {"type": "integer"},
                    {"type": "boolean"},
                    {"type": "string", "pattern": r"^\$[A-Za-z_][A-Za-z0-9_]*$"},
                ],
            },
        },
    }


def _condition_schema(period: str) -> dict[str, Any]:
    ref = {"$ref": f"#/$defs/when_{period}"}
    return {
        "anyOf": [
            {"$ref": f"#/$defs/test_{period}"},
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["all"],
                "properties": {"all": {"type": "array", "minItems": 1, "items": ref}},
            },
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["any"],
                "properties": {"any": {"type": "array", "minItems": 1, "items": ref}},
            },
        ]
    }


def _example_schema(period: str) -> dict[str, Any]:
    props: dict[str, Any] = {"type": {"const": period}}
    props.update({name: {"type": "integer"} for name in fields(period)})
    return {"type": "object", "additionalProperties": False, "properties": props}


def rules_schema() -> dict[str, Any]:
    """JSON Schema of one rule file (``auditor/rules/<pack>/XX00.yaml``).

    Which fields ``when`` and ``examples`` may use depends on ``period``: one
    ``if``/``then`` per period. Load-time validation (:mod:`auditor.rulepack`) checks
    the same and more (placeholders, parameter types); the schema is for editors.
    """
    text = {"type": "string"}
    defs: dict[str, Any] = {}
    branches: list[dict[str, Any]] = []
    for period in MODELS:
        defs[f"test_{period}"] = _test_schema(period)
        defs[f"when_{period}"] = _condition_schema(period)
        defs[f"example_{period}"] = _example_schema(period)
        example_list = {"type": "array", "items": {"$ref": f"#/$defs/example_{period}"}}
        branches.append(
            {
                "if": {"properties": {"period": {"const": period}}, "required": ["period"]},
                "then": {
                    "properties": {
                        "when": {"$ref": f"#/$defs/when_{period}"},
                        "examples": {
                            "type": "object",
                            "properties": {
                                "pass": example_list,
                                "fail": example_list,
                                "pass_rows": {"$ref": "#/$defs/input_rows"},
                                "fail_rows": {"$ref": "#/$defs/input_rows"},
                            },
                        },
                        "note": {"properties": {"when": {"$ref": f"#/$defs/when_{period}"}}},
                    }
                },
            }
        )
    scalar = {"type": ["integer", "number", "string", "boolean"]}
    sheet_rows = {
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": {**scalar, "type": [*scalar["type"], "null"]},
        },
    }
    defs["input_rows"] = {
        "description": (
            "Dòng nhập như trong sổ (tiêu đề cột tiếng Việt) / input rows as typed in a "
            "workbook (Vietnamese headers)"
        ),
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "year": {"type": "integer"},
            **{table: sheet_rows for table in ROW_TABLES},
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://chibo-auditor.invalid/docs/rules.schema.json",
        "title": "Tệp quy tắc / rule file",
        "description": (
            "Một quy tắc của một bộ quy tắc; các trường dùng được theo period ở "
            "docs/facts.md. / One rule of a rule pack; the fields usable per period are "
            "in docs/facts.md. Generated from auditor/vocabulary.py."
        ),
        "type": "object",
        "additionalProperties": False,
        "required": [
            "id",
            "title_vi",
            "title_en",
            "source",
            "rationale_vi",
            "about",
            "period",
            "points",
            "when",
            "message_vi",
            "message_en",
            "remedy_vi",
        ],
        "properties": {
            "id": {"type": "string", "pattern": "^[A-Z]{2}\\d{2}$"},
            "title_vi": text,
            "title_en": text,
            "source": text,
            "rationale_vi": text,
            "rationale_en": text,
            "about": text,
            "period": {"enum": list(MODELS)},
            "points": {"type": "integer", "minimum": 0, "maximum": 100},
            "enabled": {"type": "boolean"},
            "params": {
                "type": "object",
                "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
                "additionalProperties": scalar,
            },
            "when": {"type": "object"},
            "message_vi": text,
            "message_en": text,
            "remedy_vi": text,
            "remedy_en": text,
            "examples": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "pass": {"type": "array"},
                    "fail": {"type": "array"},
                    "pass_rows": {"type": "object"},
                    "fail_rows": {"type": "object"},
                },
            },
            "note": {
                "description": (
                    "A note (code from docs/codes.md) on a fact the rule cannot judge, "
                    "instead of a violation."
                ),
                "type": "object",
                "additionalProperties": False,
                "required": ["code", "when", "message_vi", "message_en"],
                "properties": {
                    "code": text,
                    "when": {"type": "object"},
                    "message_vi": text,
                    "message_en": text,
                },
            },
        },
        "allOf": branches,
        "$defs": defs,
    }


def render_rules_schema() -> str:
    """``docs/rules.schema.json``: the schema, keys in a fixed order, UTF-8."""
    return json.dumps(rules_schema(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    (DOCS / "facts.md").write_text(render_facts_md(), encoding="utf-8")
    (DOCS / "rules.schema.json").write_text(render_rules_schema(), encoding="utf-8")
    print(f"wrote {DOCS / 'facts.md'} and {DOCS / 'rules.schema.json'}")
