"""Parse the session columns Hướng dẫn 42-HD/BTCTW (28/10/2025) brought: times, length,
the session's own quality rating.

Same contract as :mod:`auditor.ingest.values`: a parser returns a value (``None`` for
blank) or raises :class:`~auditor.ingest.values.ValueProblem` with the reason in
Vietnamese and English. A time of day is kept as minutes after midnight (0..1439): a
plain whole number is what the table's nullable integer columns hold and what a length
is computed from.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from functools import lru_cache

from auditor.codes import ErrorCode
from auditor.ingest.text import clean_text, fold
from auditor.ingest.values import ValueProblem

#: The quality labels, best first; a fact carries the position (1 = Tốt ... 4 = Kém).
QUALITY_LABELS: tuple[str, ...] = ("Tốt", "Khá", "Trung bình", "Kém")
_QUALITY_WORDS: dict[str, str] = {
    "tot": "Tốt",
    "kha": "Khá",
    "trung binh": "Trung bình",
    "tb": "Trung bình",
    "kem": "Kém",
    "yeu": "Kém",
}
#: A 0-100 score's band (rulebook 2025, CL01): >= 90 Tốt, >= 70 Khá, >= 50 Trung bình.
_SCORE_BANDS: tuple[tuple[float, str], ...] = ((90, "Tốt"), (70, "Khá"), (50, "Trung bình"))


def _unreadable_time() -> ValueProblem:
    return ValueProblem(
        ErrorCode.time_unreadable,
        "Không đọc được giờ (ghi dạng 14:00, 14h30 hoặc 2:30 PM)",
        "Unreadable time (write it as 14:00, 14h30 or 2:30 PM)",
    )


# "14:00", "14:00:00", "14h", "14h30", "14g30", "14 giờ 30 phút", "2:30 PM", "2 pm",
# "8:00 SA" (sáng), "2:30 CH" (chiều)
_TIME = re.compile(
    r"^(\d{1,2})\s*(?:(?::|h|g|gio)\s*(\d{1,2})?\s*(?:phut|p|')?(?::(\d{1,2})(?:\.\d+)?)?)?"
    r"\s*(am|pm|a\.m\.|p\.m\.|sa|ch|sang|chieu|toi)?$"
)
# a date-time typed as text: the date part, then the time
_DATE_PART = re.compile(r"^\d{1,4}[/\-.]\d{1,2}[/\-.]\d{1,4}(?:\s+|t)")


def _minutes(hour: int, minute: int) -> int:
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValueProblem(ErrorCode.time_impossible, "Giờ không tồn tại", "Impossible time of day")
    return hour * 60 + minute


def parse_time(value: object) -> int | None:
    """A time of day as minutes after midnight; ``None`` for blank.

    A spreadsheet time is a fraction of a day (or a time or date-time value, as a
    reader hands it back); a number of 1 or more is a date-time serial whose fraction is
    the time.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise _unreadable_time()
    if isinstance(value, dt.datetime):
        return _minutes(value.hour, value.minute)
    if isinstance(value, dt.time):
        return _minutes(value.hour, value.minute)
    if isinstance(value, dt.timedelta):
        total = round(value.total_seconds() / 60)
        if not 0 <= total < 24 * 60:
            raise _unreadable_time()
        return total
    if isinstance(value, dt.date):
        raise _unreadable_time()
    if isinstance(value, int | float):
        if not math.isfinite(value) or value < 0:
            raise _unreadable_time()
        fraction = float(value) % 1.0
        if value >= 1 and fraction == 0:
            # a whole number is a bare hour ("14") or a date with no time
            if (isinstance(value, int) or float(value).is_integer()) and value <= 23:
                return _minutes(int(value), 0)
            raise _unreadable_time()
        total = round(fraction * 24 * 60) % (24 * 60)
        return total
    text = clean_text(value)
    if text is None:
        return None
    return _parse_time_text(text)


@lru_cache(maxsize=4096)
def _parse_time_text(text: str) -> int:
    key = fold(text)
    key = _DATE_PART.sub("", key).strip()
    match = _TIME.match(key)
    if not match:
        raise _unreadable_time()
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(4) or "").replace(".", "")
    if suffix in ("am", "pm", "sa", "ch", "sang", "chieu", "toi"):
        if not 1 <= hour <= 12:
            raise ValueProblem(
                ErrorCode.time_impossible, "Giờ không tồn tại", "Impossible time of day"
            )
        afternoon = suffix in ("pm", "ch", "chieu", "toi")
        hour = hour % 12 + (12 if afternoon else 0)
    return _minutes(hour, minute)


def parse_length(value: object) -> int | None:
    """A session's length in minutes: ``120``, ``120 phút``, ``2 giờ``, ``2h30``, or a
    spreadsheet duration."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueProblem(
            ErrorCode.length_unreadable, "Không phải là số phút", "Not a number of minutes"
        )
    if isinstance(value, dt.timedelta):
        return _check_length(round(value.total_seconds() / 60))
    if isinstance(value, dt.time):
        return _check_length(value.hour * 60 + value.minute)
    if isinstance(value, dt.date):
        raise ValueProblem(
            ErrorCode.length_unreadable, "Không phải là số phút", "Not a number of minutes"
        )
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueProblem(
                ErrorCode.length_unreadable, "Không phải là số phút", "Not a number of minutes"
            )
        if 0 < value < 1:  # a duration typed as a time: a fraction of a day
            return _check_length(round(value * 24 * 60))
        return _check_length(round(value))
    text = clean_text(value)
    if text is None:
        return None
    return _parse_length_text(text)


_LENGTH = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(phut|p|'|minutes?|mins?)?$")
_HOURS = re.compile(r"^(\d{1,2})\s*(?:h|g|gio|tieng|:)\s*(\d{1,2})?\s*(?:phut|p|')?$")


@lru_cache(maxsize=1024)
def _parse_length_text(text: str) -> int:
    key = fold(text)
    if match := _LENGTH.match(key):
        return _check_length(round(float(match.group(1).replace(",", "."))))
    if match := _HOURS.match(key):
        return _check_length(int(match.group(1)) * 60 + int(match.group(2) or 0))
    raise ValueProblem(
        ErrorCode.length_unreadable,
        "Không đọc được thời lượng (ghi số phút, ví dụ 120)",
        "Unreadable length (write the minutes, e.g. 120)",
    )


def _check_length(minutes: int) -> int:
    if not 0 <= minutes <= 24 * 60:
        raise ValueProblem(
            ErrorCode.length_out_of_range,
            "Thời lượng phải từ 0 đến 1.440 phút",
            "A length must be 0 to 1,440 minutes",
        )
    return minutes


def parse_quality(value: object) -> str | None:
    """The session's rating: ``Tốt``, ``Khá``, ``Trung bình`` (``TB``), ``Kém``, or a
    0-100 score banded as CL01 says."""
    if value is None:
        return None
    if isinstance(value, (bool, dt.date | dt.time | dt.timedelta)):
        raise _unreadable_quality()
    if isinstance(value, int | float):
        return _score_label(float(value))
    text = clean_text(value)
    if text is None:
        return None
    return _parse_quality_text(text)


def _unreadable_quality() -> ValueProblem:
    return ValueProblem(
        ErrorCode.rating_invalid,
        "Xếp loại buổi sinh hoạt không hợp lệ (ghi Tốt, Khá, Trung bình, Kém hoặc điểm 0-100)",
        "Invalid session rating (write Tốt, Khá, Trung bình, Kém or a 0-100 score)",
    )


def _score_label(score: float) -> str:
    if not math.isfinite(score) or not 0 <= score <= 100:
        raise _unreadable_quality()
    for floor, label in _SCORE_BANDS:
        if score >= floor:
            return label
    return "Kém"


@lru_cache(maxsize=256)
def _parse_quality_text(text: str) -> str:
    key = fold(text).strip(" .!")
    if key in _QUALITY_WORDS:
        return _QUALITY_WORDS[key]
    for prefix in ("xep loai ", "loai ", "muc "):
        if key.startswith(prefix) and key[len(prefix) :] in _QUALITY_WORDS:
            return _QUALITY_WORDS[key[len(prefix) :]]
    number = key.replace(",", ".").removesuffix(" diem").removesuffix("diem").strip()
    try:
        return _score_label(float(number))
    except ValueError:
        raise _unreadable_quality() from None


def quality_level(label: str | None) -> int:
    """1 (Tốt) .. 4 (Kém); 0 when the log has no rating."""
    return QUALITY_LABELS.index(label) + 1 if label in QUALITY_LABELS else 0
