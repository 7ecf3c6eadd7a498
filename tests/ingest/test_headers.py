"""Header and sheet-name matching: aliases, and invariance under how people type them."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.ingest.headers import FIELDS, SHEET_ALIASES, match_header, table_for_sheet
from auditor.ingest.text import strip_accents

ALL_ALIASES = [
    (table, field, alias)
    for table, fields in FIELDS.items()
    for field, aliases in fields.items()
    for alias in aliases
]


@pytest.mark.parametrize(("table", "field", "alias"), ALL_ALIASES)
def test_every_alias_of_the_contract_is_recognised(table: str, field: str, alias: str) -> None:
    assert match_header(table, alias) == field


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("Ngày sinh hoạt (*)", "date"),
        ("Ngày sinh hoạt:", "date"),
        ("NGÀY\nSINH HOẠT", "date"),
        ("  ngay   sinh hoat ", "date"),
        ("Tổng số đảng viên (người)", "members_total"),
        ("Số có mặt (đ/c)", "present"),
        ("Loại sinh hoạt *", "kind"),
        ("Ngày gửi dự thảo [ngày]", "draft_sent"),
    ],
)
def test_trailing_marks_units_and_line_breaks_are_ignored(text: str, field: str) -> None:
    assert match_header("sessions", text) == field


def _variants(draw: st.DrawFn, text: str) -> str:
    form = draw(st.sampled_from(["NFC", "NFD"]))
    variant = unicodedata.normalize(form, text)
    if draw(st.booleans()):
        variant = strip_accents(variant)
    case = draw(st.sampled_from([str.upper, str.lower, str.title, lambda s: s]))
    variant = case(variant)
    spaces = draw(st.sampled_from([" ", "  ", "\n", " \n "]))
    return draw(st.sampled_from(["", " ", "\t"])) + spaces.join(variant.split(" "))


@st.composite
def typed_alias(draw: st.DrawFn) -> tuple[str, str, str]:
    table, _field, alias = draw(st.sampled_from(ALL_ALIASES))
    return table, alias, _variants(draw, alias)


@given(typed_alias())
def test_header_matching_is_invariant_under_case_accents_nfd_and_spacing(
    case: tuple[str, str, str],
) -> None:
    table, alias, typed = case
    assert match_header(table, typed) == match_header(table, alias)


@st.composite
def typed_sheet(draw: st.DrawFn) -> tuple[str, str]:
    table = draw(st.sampled_from(list(SHEET_ALIASES)))
    alias = draw(st.sampled_from(SHEET_ALIASES[table]))
    return table, _variants(draw, alias)


@given(typed_sheet())
def test_sheet_names_are_found_by_alias_however_typed(case: tuple[str, str]) -> None:
    table, typed = case
    assert table_for_sheet(typed) == table


def test_unknown_header_matches_nothing() -> None:
    assert match_header("sessions", "Thời tiết") is None
    assert table_for_sheet("Hướng dẫn") is None
