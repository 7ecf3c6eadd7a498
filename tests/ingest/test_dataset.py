"""The importer's tables: stable dtypes whatever the rows hold."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.ingest.dataset import _whole_numbers, frame_from_columns

WHOLE = st.one_of(st.none(), st.integers(-(2**62), 2**62), st.integers(0, 500))


@given(st.lists(WHOLE, max_size=30))
def test_whole_numbers_are_what_astype_int64_gives(values: list[Any]) -> None:
    expected = pd.Series(values, dtype=object).astype("Int64")
    pd.testing.assert_series_equal(_whole_numbers(values), expected)


@pytest.mark.parametrize("values", [[1, 2.5, None], [10**400, 1]])
def test_what_astype_refuses_is_refused(values: list[Any]) -> None:
    with pytest.raises((TypeError, OverflowError)):
        pd.Series(values, dtype=object).astype("Int64")
    with pytest.raises((TypeError, OverflowError)):
        _whole_numbers(values)


def test_count_columns_are_nullable_whole_numbers() -> None:
    frame = frame_from_columns(
        "sessions", {"row": [2, 3], "members_total": [25, None], "present": [20, 19]}
    )
    assert str(frame["members_total"].dtype) == "Int64"
    assert frame["members_total"].tolist() == [25, pd.NA]
    assert frame["present"].tolist() == [20, 19]
