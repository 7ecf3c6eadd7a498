"""Row validation, column by column: what each row gets must not depend on its neighbours."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.ingest.headers import REQUIRED
from auditor.ingest.records import each_distinct, validate_row, validate_rows

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
