"""The Hướng dẫn 42 session columns: times, length, quality, and the rows they refuse."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.ingest.headers import REQUIRED, match_header
from auditor.ingest.records import validate_row
from auditor.ingest.times import parse_length, parse_quality, parse_time
from auditor.ingest.values import ValueProblem


@pytest.mark.parametrize(
    ("raw", "minutes"),
    [
        ("14:00", 840),
        ("14h", 840),
        ("14h30", 870),
        ("14 giờ 30", 870),
        ("2:30 PM", 870),
        ("8:00 SA", 480),
        ("12:15 AM", 15),
        (14 / 24 + 30 / 1440, 870),  # a spreadsheet time: a fraction of a day
        (45567 + 0.75, 1080),  # a spreadsheet date-time
        (dt.time(7, 45), 465),
        (dt.datetime(2025, 11, 3, 19, 30), 1170),
        ("03/11/2025 19:30", 1170),
        (None, None),
        ("  ", None),
    ],
)
def test_times_read_as_people_write_them(raw: Any, minutes: int | None) -> None:
    assert parse_time(raw) == minutes


@pytest.mark.parametrize("raw", ["25:00", "14:75", "chiều", "13:00 PM", True, dt.date(2025, 1, 1)])
def test_impossible_times_are_refused_with_a_reason(raw: Any) -> None:
    with pytest.raises(ValueProblem) as problem:
        parse_time(raw)
    assert problem.value.reason_vi and problem.value.reason_en


@given(st.one_of(st.text(max_size=12), st.floats(allow_nan=True), st.integers(), st.none()))
def test_a_time_parser_returns_a_time_or_a_reason(raw: Any) -> None:
    try:
        value = parse_time(raw)
    except ValueProblem:
        return
    assert value is None or 0 <= value < 1440


@pytest.mark.parametrize(
    ("raw", "minutes"),
    [(120, 120), ("90 phút", 90), ("2h", 120), ("1 giờ 45", 105), (dt.timedelta(hours=2), 120)],
)
def test_lengths(raw: Any, minutes: int) -> None:
    assert parse_length(raw) == minutes


@pytest.mark.parametrize(
    ("raw", "label"),
    [
        ("Tốt", "Tốt"),
        ("khá", "Khá"),
        ("TB", "Trung bình"),
        ("Trung binh", "Trung bình"),
        ("Kém", "Kém"),
        (95, "Tốt"),
        (90, "Tốt"),
        ("70", "Khá"),
        (50, "Trung bình"),
        (49.5, "Kém"),
    ],
)
def test_quality_labels_and_scores(raw: Any, label: str) -> None:
    assert parse_quality(raw) == label


@pytest.mark.parametrize("raw", ["xuất sắc lắm", 101, -3])
def test_unknown_quality_is_refused(raw: Any) -> None:
    with pytest.raises(ValueProblem):
        parse_quality(raw)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Giờ bắt đầu", "start_time"),
        ("Từ giờ", "start_time"),
        ("Kết thúc", "end_time"),
        ("Thời lượng (phút)", "minutes_long"),
        ("Số phút", "minutes_long"),
        ("Ngày họp chi ủy", "prep_meeting"),
        ("Ngày gửi thông báo", "notice_sent"),
        ("Sổ tay đảng viên", "posted"),
        ("Đánh giá chất lượng", "quality"),
        ("Xếp loại buổi sinh hoạt", "quality"),
    ],
)
def test_new_headers_and_aliases(header: str, field: str) -> None:
    assert match_header("sessions", header) == field


def _row(**extra: Any) -> tuple[dict[str, Any] | None, list[Any]]:
    cells = {
        "cell_id": ("CB-001", "Mã chi bộ"),
        "date": ("03/11/2025", "Ngày sinh hoạt"),
        "kind": ("Thường kỳ", "Loại sinh hoạt"),
        **{name: (value, header) for name, (value, header) in extra.items()},
    }
    return validate_row("sessions", cells, default_cell=None, required=REQUIRED["sessions"])


def test_a_session_ending_before_it_starts_is_rejected_naming_the_column() -> None:
    record, errors = _row(start_time=("14h30", "Giờ bắt đầu"), end_time=("13:00", "Giờ kết thúc"))
    assert record is None
    assert [(e.column, e.value) for e in errors] == [("Giờ kết thúc", "13:00")]
    assert "trước giờ bắt đầu" in errors[0].reason_vi


def test_a_full_hd42_row_becomes_a_record() -> None:
    record, errors = _row(
        start_time=("14:00", "Giờ bắt đầu"),
        end_time=("4:00 PM", "Giờ kết thúc"),
        minutes_long=("120 phút", "Thời lượng"),
        prep_meeting=("25/10/2025", "Ngày họp chi ủy"),
        notice_sent=("28/10/2025", "Ngày thông báo"),
        posted=("x", "Ngày đăng Sổ tay"),
        quality=("TB", "Xếp loại"),
    )
    assert errors == []
    assert record is not None
    assert (record["start_time"], record["end_time"], record["minutes_long"]) == (840, 960, 120)
    assert record["prep_meeting"] == dt.date(2025, 10, 25)
    assert record["posted"] is None  # a tick carries no date
    assert record["quality"] == "Trung bình"
