"""The Excel writers' fast check for plain text, against the careful checks it stands for."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from auditor.report.safe import FORMULA_TRIGGERS, is_formula_like, is_markup_like, is_plain

#: Mostly the characters the checks look at, so the rare shapes come up often.
TEXT = st.text(
    alphabet=st.sampled_from([*FORMULA_TRIGGERS, " ", "<", ">", "/", "r", "a", "Đ", "1", "\x01"]),
    max_size=12,
) | st.text(max_size=12)


@given(TEXT)
def test_plain_text_is_exactly_text_neither_formula_like_nor_markup_like(text: str) -> None:
    assert is_plain(text) == (not is_formula_like(text) and not is_markup_like(text))


def test_what_the_reports_write_most_is_plain_and_the_risky_shapes_are_not() -> None:
    assert is_plain("Đảng bộ phường Hòa Bình") and is_plain("CB-001") and is_plain("1 < 2")
    for risky in ("=1+1", "  =cmd|' /C calc'!A0", "-2", "@SUM(A1)", "\t=1", "<r>x</r>"):
        assert not is_plain(risky)
