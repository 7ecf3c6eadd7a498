"""Parse one hand-typed cell value into a typed value, or say why it cannot be.

Every parser accepts whatever a spreadsheet reader hands back (``str``, ``float``,
``int``, ``bool``, ``date``, ``datetime``, ``timedelta``, ``None``) and either returns a
value (``None`` meaning blank) or raises :class:`ValueProblem`, whose two messages go
straight into the rejected-row ledger. Nothing else may escape: the hypothesis tests hold
the parsers to that. Results are memoised because a log repeats the same few values
(kinds, dates, "Có") thousands of times.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from functools import lru_cache

from auditor.codes import ErrorCode
from auditor.ingest.text import clean_text, fold, vi_number

EXCEL_EPOCH = dt.date(1899, 12, 30)
#: Serial numbers accepted as dates: 1 Jan 1950 .. 31 Dec 2099. Outside this window a
#: number in a date column is far more likely a typo than a real date.
SERIAL_MIN = (dt.date(1950, 1, 1) - EXCEL_EPOCH).days
SERIAL_MAX = (dt.date(2099, 12, 31) - EXCEL_EPOCH).days
YEAR_MIN, YEAR_MAX = 1950, 2099
#: Dates a spreadsheet stores as dates (not typed text) are accepted in this wider window:
#: a real log never reaches it, and everything inside it fits pandas' nanosecond
#: timestamps (which end in 2262), so a typo such as 31/12/9999 is a rejected value
#: instead of an error that stops the audit.
STORED_YEAR_MIN, STORED_YEAR_MAX = 1900, 2200
#: The largest head count accepted. A party cell has tens of members and a province's
#: total row a few hundred thousand; beyond this a number is a typo, and it could not be
#: held by the report's 64-bit integer columns anyway.
MAX_COUNT = 10_000_000


class ValueProblem(ValueError):
    """A value that cannot be read: its code (auditor/codes.py, so a program reading the
    report can tell reasons apart) and the reason in Vietnamese and English."""

    def __init__(self, code: ErrorCode, reason_vi: str, reason_en: str) -> None:
        super().__init__(f"{reason_vi} / {reason_en}")
        self.code = code
        self.reason_vi = reason_vi
        self.reason_en = reason_en


def _impossible() -> ValueProblem:
    return ValueProblem(ErrorCode.date_impossible, "Ngày không tồn tại", "Impossible date")


def _unreadable_date() -> ValueProblem:
    return ValueProblem(
        ErrorCode.date_unreadable,
        "Không đọc được ngày (ghi theo dạng ngày/tháng/năm)",
        "Unreadable date (write it as day/month/year)",
    )


# --------------------------------------------------------------------------- dates

_NUMERIC_DATE = re.compile(r"^(\d{1,2})\s*([/\-.])\s*(\d{1,2})\s*\2\s*(\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_LONG_DATE = re.compile(
    r"^(?:ngay\s*)?(\d{1,2})\s*(?:thang|/|-)\s*(\d{1,2})\s*(?:,|nam|/|-)?\s*(?:nam\s*)?(\d{4})$"
)
#: A weekday written beside the date ("Thứ Năm, 05/03/2026", "05/03/2026 (thứ 5)", "CN
#: 08/03"): the date alone says which day it was.
_WEEKDAY = r"(?:thu\s*(?:hai|ba|tu|nam|sau|bay|[2-7])|chu nhat|cn|t[2-7])(?![a-z0-9])"
_WEEKDAY_BEFORE = re.compile(rf"^{_WEEKDAY}\s*[,:\-]?\s*")
_WEEKDAY_AFTER = re.compile(rf"\s*(?:[,\-]\s*{_WEEKDAY}|\(\s*{_WEEKDAY}\s*\))$")
_TIME_SUFFIX = re.compile(r"(?:\s+|t)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:am|pm|sa|ch)?$")
_SERIAL_TEXT = re.compile(r"^\d{5}(?:\.0+)?$")


def _make_date(year: int, month: int, day: int) -> dt.date:
    if not (YEAR_MIN <= year <= YEAR_MAX):
        raise ValueProblem(
            ErrorCode.year_out_of_range,
            f"Năm {year} nằm ngoài khoảng {YEAR_MIN}-{YEAR_MAX}",
            f"Year {year} is outside {YEAR_MIN}-{YEAR_MAX}",
        )
    if not (1 <= month <= 12):
        raise _impossible()
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise _impossible() from None


def _out_of_range(year: int) -> ValueProblem:
    return ValueProblem(
        ErrorCode.year_out_of_range,
        f"Năm {year} nằm ngoài khoảng {STORED_YEAR_MIN}-{STORED_YEAR_MAX}",
        f"Year {year} is outside {STORED_YEAR_MIN}-{STORED_YEAR_MAX}",
    )


def _expand_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _from_serial(number: float) -> dt.date:
    if isinstance(number, float) and (math.isnan(number) or math.isinf(number)):
        raise _unreadable_date()
    if not (SERIAL_MIN <= number < SERIAL_MAX + 1):
        raise ValueProblem(
            ErrorCode.serial_not_date,
            "Số này không phải là một ngày hợp lệ",
            "This number is not a valid date",
        )
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


@lru_cache(maxsize=32768)
def _parse_date_text(text: str) -> dt.date:
    key = fold(text).rstrip(".").strip()
    key = _TIME_SUFFIX.sub("", key).strip()
    key = _WEEKDAY_AFTER.sub("", _WEEKDAY_BEFORE.sub("", key)).strip(" ,")
    if match := _NUMERIC_DATE.match(key):
        day, _, month, year = match.groups()
        return _make_date(_expand_year(year), int(month), int(day))
    if match := _ISO_DATE.match(key):
        year, month, day = match.groups()
        return _make_date(int(year), int(month), int(day))
    if match := _LONG_DATE.match(key):
        day, month, year = match.groups()
        return _make_date(int(year), int(month), int(day))
    if _SERIAL_TEXT.match(key):
        return _from_serial(float(key))
    raise _unreadable_date()


def parse_date(value: object) -> dt.date | None:
    """Read a date, day first always; ``None`` for blank."""
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise _unreadable_date()
    if isinstance(value, dt.date):  # a datetime is a date too
        day = value.date() if isinstance(value, dt.datetime) else value
        if not (STORED_YEAR_MIN <= day.year <= STORED_YEAR_MAX):
            raise _out_of_range(day.year)
        return day
    if isinstance(value, int | float):
        return _from_serial(value)
    if isinstance(value, dt.timedelta | dt.time):
        raise _unreadable_date()
    text = clean_text(value)
    if text is None:
        return None
    return _parse_date_text(text)


# --------------------------------------------------------------------------- yes/no

_YES = frozenset(
    {"co", "x", "v", "✓", "✔", "✔️", "√", "☑", "✅", "da", "da co", "co roi", "yes", "y", "1"}
    | {"true", "dung", "roi"}
)
_NO = frozenset(
    {"khong", "khong co", "chua", "chua co", "no", "n", "0", "false", "sai", "-", "k"}
    | {"✗", "✘", "☐", "❌"}
)
_NEGATIVE_PREFIX = ("khong ", "chua ")


def parse_yes_no(value: object, *, text_means_yes: bool = False) -> bool:
    """Read a yes/no mark; blank is no and a date means yes.

    With ``text_means_yes`` any other non-empty text (a conclusion's wording, say) is yes
    unless it starts with a negation ("Không có kết luận").
    """
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, dt.date | dt.datetime):
        return True
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        if SERIAL_MIN <= value <= SERIAL_MAX:
            return True  # a date stored as a serial number
        raise ValueProblem(
            ErrorCode.yes_no_invalid, "Giá trị có/không không hợp lệ", "Invalid yes/no value"
        )
    text = clean_text(value)
    if text is None:
        return False
    return _parse_yes_no_text(text, text_means_yes)


@lru_cache(maxsize=8192)
def _parse_yes_no_text(text: str, text_means_yes: bool) -> bool:
    key = fold(text).strip(" .!")
    if key in _YES:
        return True
    if key in _NO:
        return False
    try:
        parse_date(text)
    except ValueProblem:
        pass
    else:
        return True
    if text_means_yes:
        return not (key in _NO or key.startswith(_NEGATIVE_PREFIX))
    raise ValueProblem(
        ErrorCode.yes_no_invalid,
        "Giá trị có/không không hợp lệ (ghi Có hoặc Không)",
        "Invalid yes/no value (write Có or Không)",
    )


def parse_date_or_mark(value: object) -> dt.date | None:
    """A date column that people sometimes tick instead of dating.

    A tick ("x", "Có") or a "Không" carries no date, so it reads as blank; anything that is
    neither a date nor a yes/no mark is rejected.
    """
    try:
        return parse_date(value)
    except ValueProblem as problem:
        if isinstance(value, str):
            key = fold(clean_text(value) or "").strip(" .!")
            if key in _YES or key in _NO:
                return None
        raise problem from None


# --------------------------------------------------------------------------- kinds

_KIND_WORDS: dict[str, str] = {
    "thuong ky": "regular",
    "tk": "regular",
    "dinh ky": "regular",
    "sinh hoat thuong ky": "regular",
    "shtk": "regular",
    "chuyen de": "thematic",
    "cd": "thematic",
    "shcd": "thematic",
    "sinh hoat chuyen de": "thematic",
    "dien dan": "forum",
    "sinh hoat dien dan": "forum",
    "dd": "forum",
    "bat thuong": "extraordinary",
    "sinh hoat bat thuong": "extraordinary",
    "bt": "extraordinary",
}
_KIND_SPLIT = re.compile(r"\s*(?:\+|&|,|;|/|\bva\b|\bket hop\b|\bkem\b|\bco\b)\s*")
_KIND_PUNCT = re.compile(r"[()\[\].:\"'“”]")


@lru_cache(maxsize=4096)
def _parse_kind_text(text: str) -> str:
    key = _KIND_PUNCT.sub(" ", fold(text))
    key = re.sub(r"\s+", " ", key).strip()
    if key in _KIND_WORDS:
        return _KIND_WORDS[key]
    parts = {_KIND_WORDS.get(part.strip()) for part in _KIND_SPLIT.split(key) if part.strip()}
    if parts == {"regular", "thematic"}:
        return "regular+thematic"
    if len(parts) == 1 and None not in parts:
        (kind,) = parts
        assert kind is not None
        return kind
    raise ValueProblem(
        ErrorCode.kind_unknown,
        "Loại sinh hoạt không hợp lệ (thường kỳ, chuyên đề, thường kỳ + chuyên đề, "
        "diễn đàn, bất thường)",
        "Unknown kind of meeting (regular, thematic, regular + thematic, forum, extraordinary)",
    )


def parse_kind(value: object) -> str | None:
    text = clean_text(value)
    if text is None:
        return None
    return _parse_kind_text(text)


# --------------------------------------------------------------------------- quarters

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4}
#: "Quý II", "Quí 2" (the older spelling), "Q.III", "Q3/2026", "quý một năm 2026".
_QUARTER = re.compile(
    r"^(?:quy|qui|q)?\.?\s*([1-4]|iv|iii|ii|i|mot|hai|ba|bon|tu)(?:\s*(?:/|-|nam)\s*\d{2,4})?$"
)


@lru_cache(maxsize=1024)
def _parse_quarter_text(text: str) -> int:
    key = re.sub(r"\s+", " ", fold(text).strip(" .:"))
    if match := _QUARTER.match(key):
        token = match.group(1)
        return _ROMAN[token] if token in _ROMAN else int(token)
    raise ValueProblem(
        ErrorCode.quarter_invalid,
        "Quý không hợp lệ (ghi 1-4, I-IV, Quý II hoặc Q3)",
        "Invalid quarter (write 1-4, I-IV, Quý II or Q3)",
    )


def parse_quarter(value: object) -> int | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value in (1, 2, 3, 4):  # no float(): an int may be too large for one
            return int(value)
        raise ValueProblem(
            ErrorCode.quarter_invalid, "Quý phải từ 1 đến 4", "Quarter must be 1 to 4"
        )
    text = clean_text(value)
    if text is None:
        return None
    return _parse_quarter_text(text)


# --------------------------------------------------------------------------- numbers

_NUMBER = re.compile(r"^([+-]?\d+(?:[.,]0+)?)\s*(?:d/c|dc|dong chi|nguoi|dang vien|dv)?\.?$")
#: "12/15": 12 of 15 (present of the members), as attendance is often written.
_OF_TOTAL = re.compile(r"^(\d{1,7})\s*/\s*(\d{1,7})\s*(?:d/c|dc|dong chi|nguoi|dang vien|dv)?\.?$")


@lru_cache(maxsize=4096)
def _parse_count_text(text: str) -> int:
    key = fold(text)
    if match := _NUMBER.match(key):
        whole = match.group(1).replace(",", ".").split(".")[0]
        if len(whole.lstrip("+-")) > 12:  # past MAX_COUNT, and past what int() may read
            return _check_count(-1 if whole.startswith("-") else MAX_COUNT + 1)
        return _check_count(int(whole))
    if (match := _OF_TOTAL.match(key)) and int(match.group(1)) <= int(match.group(2)):
        return int(match.group(1))
    raise ValueProblem(ErrorCode.not_a_number, "Không phải là số", "Not a number")


def _check_count(number: int) -> int:
    if number < 0:
        raise ValueProblem(ErrorCode.negative_number, "Số âm không hợp lệ", "Negative number")
    if number > MAX_COUNT:
        raise ValueProblem(
            ErrorCode.number_too_large,
            f"Số quá lớn (tối đa {vi_number(MAX_COUNT)})",
            f"Number too large (at most {MAX_COUNT:,})",
        )
    return number


def parse_count(value: object) -> int | None:
    """A head count: ``12``, ``12.0``, ``12 đ/c``, ``12 người``, ``12/15`` (12 of 15, the
    first never above the second); never negative."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueProblem(ErrorCode.not_a_number, "Không phải là số", "Not a number")
    if isinstance(value, int | float):
        if isinstance(value, float) and (math.isnan(value) or not value.is_integer()):
            raise ValueProblem(
                ErrorCode.count_not_whole,
                "Số người phải là số nguyên",
                "A head count must be whole",
            )
        if isinstance(value, float) and abs(value) > MAX_COUNT:  # inf, 1e300: no int()
            return _check_count(MAX_COUNT + 1 if value > 0 else -1)
        return _check_count(int(value))
    if isinstance(value, dt.date | dt.timedelta | dt.time):
        raise ValueProblem(ErrorCode.not_a_number, "Không phải là số", "Not a number")
    text = clean_text(value)
    if text is None:
        return None
    return _parse_count_text(text)


# --------------------------------------------------------------------------- topic groups

_GROUP_WORDS: dict[str, int] = {
    "chinh tri": 1,
    "tu tuong": 1,
    "dao duc": 1,
    "hoc tap va lam theo": 1,
    "kinh te": 2,
    "van hoa": 3,
    "xa hoi": 3,
    "quoc phong": 4,
    "an ninh": 4,
    "xay dung dang": 5,
    "to chuc": 5,
    "chuyen mon": 6,
    "nhiem vu chinh tri": 6,
}


@lru_cache(maxsize=1024)
def _parse_group_text(text: str) -> int:
    key = fold(text).strip(" .")
    key = re.sub(r"^nhom\s*", "", key)
    if key.isascii() and key.isdigit() and len(key) == 1 and 1 <= int(key) <= 6:
        return int(key)
    if (match := re.match(r"^([1-6])\s*[-.:)]", key)) is not None:  # "1 - Chính trị…"
        return int(match.group(1))
    for word, group in _GROUP_WORDS.items():
        if key.startswith(word):
            return group
    raise ValueProblem(
        ErrorCode.topic_group_invalid, "Nhóm chủ đề không hợp lệ (1-6)", "Invalid topic group (1-6)"
    )


def parse_topic_group(value: object) -> int | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value in (1, 2, 3, 4, 5, 6):
            return int(value)
        raise ValueProblem(
            ErrorCode.topic_group_invalid,
            "Nhóm chủ đề phải từ 1 đến 6",
            "Topic group must be 1 to 6",
        )
    text = clean_text(value)
    if text is None:
        return None
    return _parse_group_text(text)


# --------------------------------------------------------------------------- text


def parse_text(value: object) -> str | None:
    """Text as typed: NFC, trimmed; numbers that are whole lose their ``.0``."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, dt.datetime):
        value = value.date().isoformat()
    elif isinstance(value, dt.date):
        value = value.isoformat()
    return clean_text(value)


def display(value: object) -> str:
    """How a raw value is shown back to a person in the ledger of rejected rows."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
