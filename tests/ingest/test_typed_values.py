"""Values as people type them in Vietnamese forms: long dates, weekdays beside a date,
two-digit years, "Quý I", "Quí 2", ticks "✓", "v", "√", counts "12 đ/c" and "12/15"."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.ingest.values import (
    ValueProblem,
    parse_count,
    parse_date,
    parse_quarter,
    parse_yes_no,
)

DAYS = st.dates(dt.date(1970, 1, 1), dt.date(2069, 12, 31))
WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]
SHORT_WEEKDAYS = ["Thứ 2", "thứ 3", "T4", "T5", "t6", "T7", "CN"]


def _long(day: dt.date) -> str:
    return f"ngày {day.day} tháng {day.month} năm {day.year}"


@given(DAYS)
def test_a_date_in_every_typed_form_reads_as_that_day(day: dt.date) -> None:
    forms = [
        _long(day),
        _long(day).upper(),
        f"Ngày {day:%d} tháng {day:%m} năm {day:%Y}",
        f"{day:%d-%m-%y}",
        f"{day.day}.{day.month}.{day.year}",
        f"Ngày {day.day}/{day.month}/{day.year}",
        f"{day.day} tháng {day.month}, {day.year}",
    ]
    for form in forms:
        assert parse_date(form) == day, form


@given(DAYS, st.sampled_from(WEEKDAYS + SHORT_WEEKDAYS), st.booleans())
def test_a_weekday_written_beside_the_date_is_left_aside(
    day: dt.date, weekday: str, before: bool
) -> None:
    text = f"{weekday}, {day:%d/%m/%Y}" if before else f"{day:%d/%m/%Y} ({weekday.lower()})"
    assert parse_date(text) == day
    assert parse_date(f"{weekday}, {_long(day)}") == day


@pytest.mark.parametrize("text", ["Thứ Năm", "Thứ Năm, 31/02/2026", "CN 05/13/2026"])
def test_a_weekday_does_not_make_a_bad_date_good(text: str) -> None:
    with pytest.raises(ValueProblem):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "quarter"),
    [
        ("Quý I", 1),
        ("quý 2", 2),
        ("Quí II", 2),
        ("Q.III", 3),
        ("Q3/2026", 3),
        ("Quý IV năm 2026", 4),
        ("quý một", 1),
        ("Quý tư", 4),
        ("QUÝ BA", 3),
    ],
)
def test_quarters_as_typed(text: str, quarter: int) -> None:
    assert parse_quarter(text) == quarter


@pytest.mark.parametrize("text", ["Quý V", "Quý 0", "Quý năm", "Q.5"])
def test_no_fifth_quarter(text: str) -> None:
    with pytest.raises(ValueProblem):
        parse_quarter(text)


@pytest.mark.parametrize("mark", ["✓", "✔", "v", "V", "√", "☑", "✅", "có", "Có.", "x", "đã có"])
def test_ticks_mean_yes(mark: str) -> None:
    assert parse_yes_no(mark) is True


@pytest.mark.parametrize("mark", ["✗", "✘", "☐", "❌", "không", "Không có", "chưa có"])
def test_crosses_and_no_mean_no(mark: str) -> None:
    assert parse_yes_no(mark) is False


@given(st.integers(0, 500), st.integers(0, 500), st.sampled_from(["", " đ/c", " người", " ĐV"]))
def test_a_count_of_a_total_reads_as_the_count(count: int, total: int, unit: str) -> None:
    text = f"{count}/{total}{unit}"
    if count <= total:
        assert parse_count(text) == count
    else:  # more present than members: a typo, never a guess
        with pytest.raises(ValueProblem):
            parse_count(text)


@given(st.integers(0, 10_000), st.sampled_from(["", " đ/c", "đ/c", " đồng chí", " người", " Đ/C"]))
def test_counts_with_their_unit(count: int, unit: str) -> None:
    assert parse_count(f"{count}{unit}") == count
