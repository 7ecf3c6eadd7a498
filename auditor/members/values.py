"""Parse the values of the member tables (members.md), as :mod:`auditor.ingest.values`
parses the others: a typed value, ``None`` for blank, or a :class:`ValueProblem` whose
two messages go into the rejected-row ledger.

Choices where the contract is silent: a bare ``Vắng`` is an absence whose ``Lý do``
decides (excused with a reason, unexcused without); a reflection's score is Đạt from 5
of 10 (or 50 of 100); a quiz time typed ``5:30`` is 5 minutes 30 seconds, and a stored
time of day whose hours would make the attempt last an hour or more is read the same way
(a spreadsheet turns the typed ``5:30`` into 05:30:00).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from functools import lru_cache

from auditor.codes import ErrorCode
from auditor.ingest.text import clean_text, fold
from auditor.ingest.values import ValueProblem, parse_count, parse_date, parse_text, parse_yes_no

_MARKS: dict[str, str] = {
    "x": "present",
    "co": "present",
    "co mat": "present",
    "c": "present",
    "v": "present",
    "✓": "present",
    "p": "excused",
    "vang co ly do": "excused",
    "co ly do": "excused",
    "vcld": "excused",
    "vang cp": "excused",
    "k": "unexcused",
    "vang khong ly do": "unexcused",
    "khong ly do": "unexcused",
    "vkld": "unexcused",
    "vang": "absent",
    "khong": "absent",
    "mien": "exempt",
    "m": "exempt",
    "mien sinh hoat": "exempt",
    "-": None,  # type: ignore[dict-item]
}


def _bad_mark() -> ValueProblem:
    return ValueProblem(
        ErrorCode.attendance_mark_invalid,
        "Ký hiệu điểm danh không hợp lệ (ghi x: có mặt, P: vắng có lý do, K: vắng không lý "
        "do, hoặc Miễn)",
        "Unknown attendance mark (write x: present, P: excused, K: unexcused, or Miễn)",
    )


def parse_mark(value: object) -> str | None:
    """``present``, ``excused``, ``unexcused``, ``absent`` (a bare ``Vắng``), ``exempt``
    (``Miễn``) or ``None`` (blank: no meeting, or not applicable)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "present" if value else None
    if isinstance(value, int | float):
        if value == 1:
            return "present"
        if value == 0:
            return "absent"
        raise _bad_mark()
    text = clean_text(value)
    if text is None:
        return None
    return _mark_text(text)


@lru_cache(maxsize=1024)
def _mark_text(text: str) -> str | None:
    key = fold(text).strip(" .!()")
    if key in _MARKS:
        return _MARKS[key]
    raise _bad_mark()


def _date_or_mark(
    value: object, code: ErrorCode, reason_vi: str, reason_en: str
) -> dt.date | bool | None:
    """A date, ``True`` for a yes mark without one, ``None`` for blank or a no; anything
    else is the problem ``code`` with its reasons."""
    try:
        return parse_date(value)
    except ValueProblem:
        try:
            return parse_yes_no(value) or None
        except ValueProblem:
            raise ValueProblem(code, reason_vi, reason_en) from None


def parse_exempt(value: object) -> dt.date | bool | None:
    """A day the exemption starts, ``True`` for a yes mark (the whole year), ``None``."""
    return _date_or_mark(
        value,
        ErrorCode.exemption_invalid,
        "Miễn sinh hoạt: ghi ngày bắt đầu miễn, hoặc Có (cả năm)",
        "Exempt from meetings: write the day it starts, or Có (the whole year)",
    )


def parse_done(value: object) -> dt.date | bool | None:
    """When something was done (a make-up, a reflection): a date, ``True`` for a tick
    without a date (done, day unknown), ``None`` for blank or a no."""
    return _date_or_mark(
        value,
        ErrorCode.done_date_invalid,
        "Ghi ngày (ngày/tháng/năm), hoặc x nếu đã làm mà không rõ ngày",
        "Write the date (day/month/year), or x when done on an unknown day",
    )


def parse_member_id(value: object) -> str | None:
    """A member's code, without inner spaces (compared like cell codes)."""
    text = parse_text(value)
    return text.replace(" ", "") if text else None


_MONTH = re.compile(r"^(?:thang|t|m)?\s*\.?\s*(0?[1-9]|1[0-2])(?:\s*[/\-.]\s*(?:nam\s*)?\d{2,4})?$")


def _bad_month() -> ValueProblem:
    return ValueProblem(
        ErrorCode.month_invalid,
        "Tháng không hợp lệ (ghi 1-12, T3, Tháng 3 hoặc 3/2024)",
        "Invalid month (write 1-12, T3, Tháng 3 or 3/2024)",
    )


def parse_month(value: object) -> int | None:
    """A month of the audited year: ``3``, ``T3``, ``Tháng 3``, ``03/2024`` or a date."""
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise _bad_month()
    if isinstance(value, dt.date):
        return value.month
    if isinstance(value, int | float):
        if math.isfinite(value) and value == int(value) and 1 <= value <= 12:
            return int(value)
        day = _date_or_none(value)
        if day is not None:
            return day.month
        raise _bad_month()
    text = clean_text(value)
    if text is None:
        return None
    return _month_text(text)


def _date_or_none(value: object) -> dt.date | None:
    try:
        return parse_date(value)
    except ValueProblem:
        return None


@lru_cache(maxsize=512)
def _month_text(text: str) -> int:
    key = fold(text).strip(" .:")
    if match := _MONTH.match(key):
        return int(match.group(1))
    day = _date_or_none(text)
    if day is not None:
        return day.month
    raise _bad_month()


def _number(value: object, bad: ValueProblem) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool | dt.date | dt.time | dt.timedelta):
        raise bad
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = clean_text(value)
        if text is None:
            return None
        key = fold(text).removesuffix("diem").strip().replace(",", ".")
        try:
            number = float(key)
        except ValueError:
            raise bad from None
    if not math.isfinite(number):
        raise bad
    return number


def parse_score(value: object) -> float | None:
    """A score, ``8``, ``8,5`` or ``8.5 điểm``."""
    return _number(
        value,
        ValueProblem(
            ErrorCode.score_not_a_number, "Điểm không phải là số", "The score is not a number"
        ),
    )


def parse_passed(value: object) -> bool | None:
    """A reflection's result: Đạt / Không đạt, or a score (Đạt from 5 of 10, 50 of 100)."""
    if isinstance(value, str):
        key = fold(clean_text(value) or "").strip(" .!")
        if not key:
            return None
        if key in ("dat", "d", "x", "co", "tot", "kha", "trung binh"):
            return True
        if key in ("khong dat", "kd", "chua dat", "khong"):
            return False
    bad = ValueProblem(
        ErrorCode.reflection_result_invalid,
        "Kết quả bài thu hoạch không hợp lệ (ghi Đạt, Không đạt hoặc điểm)",
        "Invalid reflection result (write Đạt, Không đạt or a score)",
    )
    score = _number(value, bad)
    if score is None:
        return None
    if not 0 <= score <= 100:
        raise bad
    return score >= (5 if score <= 10 else 50)


def parse_questions(value: object) -> int | None:
    return parse_count(value)


def _bad_seconds() -> ValueProblem:
    return ValueProblem(
        ErrorCode.time_taken_unreadable,
        "Không đọc được thời gian làm bài (ghi số giây, ví dụ 245, hoặc phút:giây, 4:05)",
        "Unreadable time taken (write the seconds, e.g. 245, or minutes:seconds, 4:05)",
    )


_DURATION = re.compile(r"^(?:(\d{1,2}):)?(\d{1,3}):(\d{2})$")
_SECONDS = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:s|giay|gi)?$")
_MIN_SEC = re.compile(r"^(\d+)\s*(?:phut|p|m|')\s*(?:(\d+)\s*(?:giay|s|\")?)?$")


def parse_seconds(value: object) -> int | None:
    """How long an attempt took, in seconds: ``245``, ``4:05``, ``4 phút 5 giây``, or a
    spreadsheet duration."""
    if value is None:
        return None
    if isinstance(value, bool | dt.date):
        raise _bad_seconds()
    if isinstance(value, dt.timedelta):
        return round(value.total_seconds())
    if isinstance(value, dt.time):
        return _clock_as_duration(value.hour, value.minute, value.second)
    if isinstance(value, int | float):
        if not math.isfinite(value) or value < 0:
            raise _bad_seconds()
        if 0 < value < 1:  # a duration stored as a fraction of a day
            whole = round(value * 86400)
            return _clock_as_duration(whole // 3600, whole // 60 % 60, whole % 60)
        return round(value)
    text = clean_text(value)
    if text is None:
        return None
    return _seconds_text(text)


def _clock_as_duration(hours: int, minutes: int, seconds: int) -> int:
    if hours and not seconds:  # "5:30" typed, stored as 05:30:00: minutes and seconds
        return hours * 60 + minutes
    return hours * 3600 + minutes * 60 + seconds


@lru_cache(maxsize=4096)
def _seconds_text(text: str) -> int:
    key = fold(text).replace(",", ".")
    if match := _DURATION.match(key):
        hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
        if seconds > 59:
            raise _bad_seconds()
        return hours * 3600 + minutes * 60 + seconds
    if match := _SECONDS.match(key):
        return round(float(match.group(1)))
    if match := _MIN_SEC.match(key):
        return int(match.group(1)) * 60 + int(match.group(2) or 0)
    raise _bad_seconds()


def _bad_clock() -> ValueProblem:
    return ValueProblem(
        ErrorCode.hand_in_time_unreadable,
        "Không đọc được giờ nộp bài (ghi dạng 20:15:30)",
        "Unreadable hand-in time (write it as 20:15:30)",
    )


_CLOCK = re.compile(r"^(?:\d{1,4}[/\-.]\d{1,2}[/\-.]\d{1,4}\s+)?(\d{1,2})[:h](\d{2})(?::(\d{2}))?$")


def parse_clock(value: object) -> int | None:
    """When an attempt was handed in, in seconds after midnight."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.hour * 3600 + value.minute * 60 + value.second
    if isinstance(value, dt.time):
        return value.hour * 3600 + value.minute * 60 + value.second
    if isinstance(value, bool | dt.date | dt.timedelta):
        raise _bad_clock()
    if isinstance(value, int | float):
        if not math.isfinite(value) or value < 0:
            raise _bad_clock()
        fraction = value - math.floor(value)  # a date-time serial's time of day
        return min(round(fraction * 86400), 86399)
    text = clean_text(value)
    if text is None:
        return None
    return _clock_text(text)


@lru_cache(maxsize=4096)
def _clock_text(text: str) -> int:
    match = _CLOCK.match(fold(text))
    if not match:
        raise _bad_clock()
    hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    if hours > 23 or minutes > 59 or seconds > 59:
        raise _bad_clock()
    return hours * 3600 + minutes * 60 + seconds


def parse_tick(value: object) -> bool | None:
    """A criterion's tick: yes, no, or blank."""
    if value is None or (isinstance(value, str) and clean_text(value) is None):
        return None
    return parse_yes_no(value)
