"""Every value form of input-format.md, and the parsers' promises as properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.ingest.values import (
    ValueProblem,
    parse_count,
    parse_date,
    parse_date_or_mark,
    parse_kind,
    parse_quarter,
    parse_text,
    parse_topic_group,
    parse_yes_no,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (dt.date(2024, 4, 3), dt.date(2024, 4, 3)),
        (dt.datetime(2024, 4, 3, 8, 30), dt.date(2024, 4, 3)),
        (45385.0, dt.date(2024, 4, 3)),
        (45385, dt.date(2024, 4, 3)),
        ("03/04/2024", dt.date(2024, 4, 3)),
        ("3/4/24", dt.date(2024, 4, 3)),
        ("03-04-2024", dt.date(2024, 4, 3)),
        ("03.04.2024", dt.date(2024, 4, 3)),
        ("2024-04-03", dt.date(2024, 4, 3)),
        ("ngày 3 tháng 4 năm 2024", dt.date(2024, 4, 3)),
        ("Ngày 03 tháng 04 năm 2024", dt.date(2024, 4, 3)),
        ("03 tháng 04, 2024", dt.date(2024, 4, 3)),
        ("ngay 3 thang 4 nam 2024", dt.date(2024, 4, 3)),
        (" 03/04/2024 ", dt.date(2024, 4, 3)),
        ("03/04/2024 08:30", dt.date(2024, 4, 3)),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_every_date_form_is_read_day_first(raw: object, expected: dt.date | None) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["31/02/2024", "30/02/2024", "32/01/2024", "15/13/2024"])
def test_impossible_date_is_refused_with_that_reason(raw: str) -> None:
    with pytest.raises(ValueProblem) as problem:
        parse_date(raw)
    assert problem.value.reason_vi == "Ngày không tồn tại"
    assert problem.value.reason_en == "Impossible date"


@pytest.mark.parametrize("raw", ["hôm qua", "Tháng 3", "2024", "12/2024", True, -5.0])
def test_unreadable_date_gives_a_reason(raw: object) -> None:
    with pytest.raises(ValueProblem) as problem:
        parse_date(raw)
    assert problem.value.reason_vi and problem.value.reason_en


@given(st.text(max_size=40))
def test_date_parser_is_total(text: str) -> None:
    """Every string gives a date, a blank or a reason: never another exception."""
    try:
        result = parse_date(text)
    except ValueProblem as problem:
        assert problem.reason_vi and problem.reason_en
    else:
        assert result is None or isinstance(result, dt.date)


@given(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True),
        st.dates(),
        st.datetimes(),
        st.text(max_size=30),
    )
)
def test_every_parser_is_total_on_any_cell_value(value: object) -> None:
    parsers = [
        parse_date,
        parse_date_or_mark,
        parse_count,
        parse_kind,
        parse_quarter,
        parse_topic_group,
        parse_yes_no,
        parse_text,
    ]
    for parser in parsers:
        try:
            parser(value)
        except ValueProblem as problem:
            assert problem.reason_vi and problem.reason_en


@given(
    st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.sampled_from(["/", "-", "."]),
    st.booleans(),
)
def test_day_first_always_holds(day: dt.date, sep: str, pad: bool) -> None:
    text = (
        f"{day.day:02d}{sep}{day.month:02d}{sep}{day.year}"
        if pad
        else f"{day.day}{sep}{day.month}{sep}{day.year}"
    )
    assert parse_date(text) == day


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2069, 12, 31)))
def test_two_digit_years_are_this_century(day: dt.date) -> None:
    assert parse_date(f"{day.day}/{day.month}/{day.year % 100:02d}") == day


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Có", True),
        ("có", True),
        ("x", True),
        ("X", True),
        ("✓", True),
        ("✔", True),
        ("Đã", True),
        ("yes", True),
        ("1", True),
        (1, True),
        ("TRUE", True),
        (True, True),
        ("Không", False),
        ("Chưa", False),
        ("no", False),
        ("0", False),
        (0, False),
        ("FALSE", False),
        (False, False),
        ("", False),
        (None, False),
        (dt.date(2024, 3, 1), True),
        ("05/03/2024", True),
    ],
)
def test_yes_no_forms(raw: object, expected: bool) -> None:
    assert parse_yes_no(raw) is expected


def test_yes_no_refuses_free_text_unless_text_means_yes() -> None:
    with pytest.raises(ValueProblem):
        parse_yes_no("Đồng chí Bí thư kết luận")
    assert parse_yes_no("Đồng chí Bí thư kết luận", text_means_yes=True) is True
    assert parse_yes_no("Không có kết luận", text_means_yes=True) is False


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("thường kỳ", "regular"),
        ("Thường kỳ", "regular"),
        ("THUONG KY", "regular"),
        ("TK", "regular"),
        ("chuyên đề", "thematic"),
        ("CĐ", "thematic"),
        ("SHCĐ", "thematic"),
        ("Chuyen de", "thematic"),
        ("thường kỳ + chuyên đề", "regular+thematic"),
        ("TK + CĐ", "regular+thematic"),
        ("Thường kỳ và chuyên đề", "regular+thematic"),
        ("diễn đàn", "forum"),
        ("Bất thường", "extraordinary"),
        ("", None),
    ],
)
def test_kinds_with_or_without_diacritics(raw: str, expected: str | None) -> None:
    assert parse_kind(raw) == expected


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueProblem, match="Loại sinh hoạt"):
        parse_kind("họp mặt")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1, 1),
        (4.0, 4),
        ("2", 2),
        ("I", 1),
        ("iv", 4),
        ("Quý II", 2),
        ("quy iii", 3),
        ("Q3", 3),
        ("q4", 4),
        ("QUÝ 1", 1),
        ("Quý 2/2024", 2),
    ],
)
def test_quarter_forms(raw: object, expected: int) -> None:
    assert parse_quarter(raw) == expected


@pytest.mark.parametrize("raw", ["5", "Quý V", 0, "Q0", "quý"])
def test_bad_quarter_is_refused(raw: object) -> None:
    with pytest.raises(ValueProblem):
        parse_quarter(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (12, 12),
        (12.0, 12),
        ("12", 12),
        ("12.0", 12),
        ("12 đ/c", 12),
        ("12 người", 12),
        ("12 đồng chí", 12),
        (None, None),
        ("  ", None),
    ],
)
def test_number_forms(raw: object, expected: int | None) -> None:
    assert parse_count(raw) == expected


@pytest.mark.parametrize("raw", [-1, "-3", "mười hai", 12.5])
def test_bad_numbers_are_refused(raw: object) -> None:
    with pytest.raises(ValueProblem):
        parse_count(raw)


def test_text_is_nfc_trimmed_and_spaces_only_is_blank() -> None:
    nfd = "Chi bo\u0302\u0323 tho\u0302n 1"  # "Chi bộ thôn 1" typed in NFD
    assert parse_text(f"  {nfd}  ") == "Chi bộ thôn 1"
    assert parse_text("   ") is None
    assert parse_text(12.0) == "12"


def test_date_or_mark_takes_a_tick_as_no_date() -> None:
    assert parse_date_or_mark("x") is None
    assert parse_date_or_mark("05/03/2024") == dt.date(2024, 3, 5)
    with pytest.raises(ValueProblem):
        parse_date_or_mark("31/02/2024")
