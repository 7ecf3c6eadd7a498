"""Row validation, column by column: what each row gets must not depend on its neighbours."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.ingest import records
from auditor.ingest.headers import REQUIRED
from auditor.ingest.records import (
    PARSERS,
    _parse_column,
    each_distinct,
    validate_row,
    validate_rows,
)
from auditor.ingest.values import ValueProblem

HEADERS = {
    "date": "Ngày sinh hoạt",
    "kind": "Loại sinh hoạt",
    "topic": "Chủ đề",
    "members_total": "Tổng số đảng viên",
    "present": "Có mặt",
    "conclusion": "Kết luận",
}
RAW_VALUES: dict[str, list[Any]] = {
    "date": [dt.datetime(2024, 3, 5), "05/03/2024", "5/3", "31/02/2024", None, 45356.0, True],
    "kind": ["Thường kỳ", "chuyên đề", "sinh hoạt chuyên đề", "họp mặt", None, 1],
    "topic": ["Học tập và làm theo tư tưởng Hồ Chí Minh", None, "", 3.0],
    "members_total": [25, 25.0, True, "25 đ/c", "hai mươi", None, -1],
    "present": [20, 20.0, True, "30", None, 1],
    "conclusion": ["Có", "x", "Đồng chí Bí thư kết luận", True, 1, 1.0, None, "không"],
}


def _session_fields(rows: list[dict[str, Any]]) -> dict[str, tuple[str, list[Any]]]:
    return {name: (HEADERS[name], [row[name] for row in rows]) for name in HEADERS}


def test_mixed_number_types_in_one_column_are_parsed_apart() -> None:
    # 1 == 1.0 == True in Python: a shared memo must not let True pass as a count.
    rows = [
        {"date": "05/03/2024", "kind": "Thường kỳ", "topic": None, "conclusion": "Có"}
        | {"members_total": total, "present": 1}
        for total in (1, 1.0, True)
    ]
    checked = validate_rows(
        "sessions", _session_fields(rows), 3, default_cell="CB-1", required=REQUIRED["sessions"]
    )
    assert checked.accepted == [0, 1]
    assert checked.columns["members_total"] == [1, 1]
    [error] = checked.errors[2]
    assert (error.column, error.value, error.reason_en) == (
        "Tổng số đảng viên",
        "True",
        "Not a number",
    )


@given(st.lists(st.sampled_from([v for vs in RAW_VALUES.values() for v in vs] + [0, False, 0.0])))
def test_each_distinct_value_gives_what_each_value_would(values: list[Any]) -> None:
    # (type, repr) tells 1, 1.0 and True apart, as a parser may
    calls: list[Any] = []

    def look(value: Any) -> tuple[str, str]:
        calls.append(value)
        return type(value).__name__, repr(value)

    assert each_distinct(look, values) == [(type(v).__name__, repr(v)) for v in values]
    assert len(calls) == len({(type(v), v) for v in values})


row_strategy = st.fixed_dictionaries({name: st.sampled_from(v) for name, v in RAW_VALUES.items()})


@settings(max_examples=60, deadline=None)
@given(st.lists(row_strategy, min_size=1, max_size=12))
def test_a_row_gets_the_same_verdict_alone_or_among_others(rows: list[dict[str, Any]]) -> None:
    checked = validate_rows(
        "sessions",
        _session_fields(rows),
        len(rows),
        default_cell="CB-1",
        required=REQUIRED["sessions"],
    )
    accepted = iter(range(len(checked.accepted)))
    for position, row in enumerate(rows):
        cells = {name: (row[name], HEADERS[name]) for name in HEADERS}
        record, errors = validate_row(
            "sessions", cells, default_cell="CB-1", required=REQUIRED["sessions"]
        )
        if record is None:
            assert checked.errors[position] == errors
            assert position not in checked.accepted
        else:
            assert position not in checked.errors
            index = next(accepted)
            assert checked.accepted[index] == position
            assert {k: v[index] for k, v in checked.columns.items()} == record


def test_every_problem_of_a_row_is_listed_in_column_order() -> None:
    row = {
        "date": "31/02/2024",
        "kind": "họp mặt",
        "topic": None,
        "members_total": "hai mươi",
        "present": 20,
        "conclusion": None,
    }
    record, errors = validate_row(
        "sessions",
        {name: (row[name], HEADERS[name]) for name in HEADERS},
        default_cell=None,
        required=REQUIRED["sessions"],
    )
    assert record is None
    assert [(e.column, e.value, e.reason_en[:20]) for e in errors] == [
        ("Ngày sinh hoạt", "31/02/2024", "Impossible date"),
        ("Loại sinh hoạt", "họp mặt", "Unknown kind of meet"),
        ("Tổng số đảng viên", "hai mươi", "Not a number"),
        ("Mã chi bộ", "", "The party cell canno"),
    ]


#: Raw values as a reader hands them back, types mixed (``1``, ``1.0``, ``True``, ``"1"``).
_ANY_RAW = st.one_of(
    st.sampled_from([v for vs in RAW_VALUES.values() for v in vs]),
    st.sampled_from([0, 1, 1.0, True, False, 0.0, "1", "0", "x", "Có", "không", "T3", "Quý II"]),
    st.integers(-5, 50_000),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-10, max_value=60_000),
    st.dates(dt.date(1940, 1, 1), dt.date(2210, 1, 1)),
    st.datetimes(dt.datetime(1940, 1, 1), dt.datetime(2210, 1, 1)),
    st.text(max_size=12),
    st.none(),
)


def _direct(parser: Any, raw: Any) -> Any:
    try:
        return ("value", type(parser(raw)), parser(raw))
    except ValueProblem as problem:
        return ("problem", problem.code, problem.reason_vi, problem.reason_en)


@settings(max_examples=150, deadline=None)
@given(
    table=st.sampled_from(sorted(PARSERS)),
    earlier=st.lists(_ANY_RAW, max_size=20),
    column=st.lists(_ANY_RAW, min_size=1, max_size=20),
    short=st.booleans(),
)
def test_a_value_remembered_from_earlier_workbooks_parses_as_it_would_afresh(
    table: str, earlier: list[Any], column: list[Any], short: bool
) -> None:
    """Values are parsed once per reading process: a column read after others (whose
    values, of other types, equal some of its own) gets, value by value, what its parser
    gives that value afresh, and the same errors, whether the column is short enough to
    be looked up value by value or has its distinct values found first."""
    for parser in PARSERS[table].values():
        _parse_column(parser, "Cột", earlier, {})
        errors: dict[int, list[Any]] = {}
        with mock.patch.object(records, "SHORT_COLUMN", len(column) if short else 0):
            parsed = _parse_column(parser, "Cột", column, errors)
        for position, raw in enumerate(column):
            direct = _direct(parser, raw)
            if direct[0] == "value":
                assert position not in errors
                assert (type(parsed[position]), parsed[position]) == direct[1:]
            else:
                assert parsed[position] is None
                (error,) = errors[position]
                assert (error.code, error.reason_vi, error.reason_en) == direct[1:]


def test_two_workbooks_of_one_layout_keep_their_own_values() -> None:
    """The second workbook of the same layout, its values equal to the first's but of
    other types, gets its own verdicts: the count True is refused, "1" and 1.0 pass."""
    first = validate_rows(
        "sessions",
        {
            "date": (HEADERS["date"], ["05/03/2024"]),
            "kind": (HEADERS["kind"], ["Thường kỳ"]),
            "members_total": ("Tổng số", [1]),
        },
        1,
        default_cell="CB-1",
        required=(),
    )
    second = validate_rows(
        "sessions",
        {
            "date": (HEADERS["date"], [dt.datetime(2024, 3, 5), "05/03/2024", "05/03/2024"]),
            "kind": (HEADERS["kind"], ["Thường kỳ"] * 3),
            "members_total": ("Tổng số", [True, "1", 1.0]),
        },
        3,
        default_cell="CB-1",
        required=(),
    )
    assert first.accepted == [0] and first.columns["members_total"] == [1]
    assert second.accepted == [1, 2] and [e.code for e in second.errors[0]] == ["not_a_number"]
    assert second.columns["members_total"] == [1, 1]
    assert second.columns["date"] == [dt.date(2024, 3, 5)] * 2


@settings(max_examples=60, deadline=None)
@given(
    table=st.sampled_from(sorted(PARSERS)),
    rows=st.lists(st.lists(_ANY_RAW, min_size=4, max_size=4), min_size=1, max_size=6),
    blank=st.sets(st.integers(0, 3)),
)
def test_a_blank_column_left_unchecked_gives_the_verdicts_checking_it_gives(
    table: str, rows: list[list[Any]], blank: set[int]
) -> None:
    """A column of blanks is not held to a record field that accepts a blank: the rows
    get what holding every column to its field gives (some columns blanked here)."""
    names = sorted(PARSERS[table])[:4]
    fields = {
        name: (name, [None if index in blank else row[index] for row in rows])
        for index, name in enumerate(names)
    }

    def check() -> Any:
        done = validate_rows(table, fields, len(rows), default_cell="CB-1", required=())
        return done.columns, done.accepted, done.errors, done.without_cell

    skipping = check()
    with mock.patch.object(records, "_blank_is_valid", lambda table: frozenset()):
        assert check() == skipping
