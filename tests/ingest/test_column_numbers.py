"""A row numbering the columns under the header ("(1) (2) (3) …", "A B 1 2 …"), as
Vietnamese state forms print it, is layout: the log audits as if it were not there, and
no real first row of data is ever taken for it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.ingest import load
from auditor.ingest.layout import numbers_columns
from tests.conftest import SESSION_HEADER, info_sheet, session_row

WIDTH = len(SESSION_HEADER)
STYLES: dict[str, Callable[[int], Any]] = {
    "(1)": lambda n: f"({n})",
    "1": lambda n: n,
    "'1": str,
    "1.0": float,
    "[1]": lambda n: f"[{n}]",
    "1.": lambda n: f"{n}.",
}
ROWS = [
    session_row(1, dt.date(2024, 1, 10)),
    session_row(2, "12/02/2024", topic="Nghị quyết"),
    session_row(3, dt.date(2024, 3, 8), total=None),
]


def _audit(workbook: Callable[..., Path], name: str, under_header: list[list[Any]]) -> Any:
    sheets = [
        info_sheet(),
        ("Sổ sinh hoạt", [["SỔ SINH HOẠT CHI BỘ"], SESSION_HEADER, *under_header, *ROWS]),
    ]
    return load([workbook(name, sheets)])


def _summary(data: Any) -> tuple[Any, ...]:
    sessions = data.sessions.drop(columns=["file", "row"]).to_dict("records")
    rejected = [(r.column, r.value, r.code) for r in data.rejected]
    return data.inputs[0].status, data.inputs[0].rows, sessions, rejected


@pytest.mark.parametrize(
    ("style", "suffix"),
    [(style, ".xlsx") for style in sorted(STYLES)] + [("(1)", ".xls"), ("1", ".ods")],
)
def test_a_column_number_row_is_layout(
    workbook: Callable[..., Path], style: str, suffix: str
) -> None:
    numbers = [STYLES[style](n) for n in range(1, WIDTH + 1)]
    plain = _audit(workbook, f"plain{suffix}", [])
    numbered = _audit(workbook, f"numbered{suffix}", [numbers])
    assert _summary(numbered) == _summary(plain)
    assert numbered.inputs[0].rows.rejected == 0
    # the data rows keep the row numbers a person sees in the sheet
    assert list(numbered.sessions["row"]) == [4, 5, 6]


def test_letters_for_the_text_columns_then_numbers(workbook: Callable[..., Path]) -> None:
    numbers: list[Any] = ["A", "B", "C", *range(1, WIDTH - 2)]
    numbered = _audit(workbook, "letters.xlsx", [numbers])
    assert _summary(numbered) == _summary(_audit(workbook, "plain.xlsx", []))


def test_a_sum_label_counts_as_a_column_number() -> None:
    assert numbers_columns(["(1)", "(2)", "(3)", "(4)=(2)+(3)", "(5)"], 5)
    assert numbers_columns(["1", "2", "3", "4 = 2 + 3"], 4)


@pytest.mark.parametrize(
    "row",
    [
        [1, dt.date(2024, 1, 10), "TK", None, None, None, 20, 18, "Có"],  # a real first row
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12],  # a gap: not a numbering
        [1, 2],  # too few to be a numbering
        ["x", "x", "v", "x", "x"],  # attendance marks
        ["B", "A", 1, 2, 3],  # letters out of order
        [1, 2, "A", 3, 4],  # a letter after the numbers
        [1, 2, 3, "Nghị quyết", 5],
        [True, 2, 3, 4],
        [1.5, 2.5, 3.5, 4.5],
    ],
)
def test_rows_that_are_not_a_numbering(row: list[Any]) -> None:
    assert not numbers_columns(row, len(row))


def test_three_numbers_are_not_enough_for_a_wide_table() -> None:
    assert numbers_columns([1, 2, 3], 6)
    assert not numbers_columns([1, 2, 3], 10)


_DAY = st.dates(dt.date(2023, 1, 1), dt.date(2025, 12, 31))
_COUNT = st.integers(0, 200)
_TEXT = st.sampled_from(["TK", "CĐ", "Thường kỳ", "Nghị quyết", "Có", "Không", "x", ""])


@given(
    st.lists(
        st.one_of(_DAY, _DAY.map(lambda d: d.strftime("%d/%m/%Y")), _COUNT, _TEXT, st.none()),
        min_size=WIDTH,
        max_size=WIDTH,
    )
)
@settings(max_examples=300)
def test_a_row_holding_a_date_or_a_word_is_never_a_numbering(row: list[Any]) -> None:
    """Any row with a date, a date as text or a word (what a first session row holds)."""
    if any(isinstance(v, dt.date) or (isinstance(v, str) and len(v) > 1) for v in row):
        assert not numbers_columns(row, WIDTH)


@given(st.integers(1, 5), st.integers(3, 16), st.sampled_from(sorted(STYLES)))
def test_any_consecutive_numbering_is_recognised(first: int, count: int, style: str) -> None:
    row = [STYLES[style](n) for n in range(first, first + count)]
    assert numbers_columns(row, count)
