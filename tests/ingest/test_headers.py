"""Header and sheet-name matching: aliases, and invariance under how people type them."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.ingest.headers import (
    _PUNCT,
    _TRAILING,
    FIELDS,
    SHEET_ALIASES,
    joined_key,
    match_header,
    match_joined,
    normalise_header,
    table_for_sheet,
)
from auditor.ingest.text import fold, strip_accents

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


#: Text as headers and first data rows hold it: Vietnamese in NFC or NFD, accents alone,
#: every kind of space, brackets and stars a header may end with.
_HEADER_TEXT = st.text(
    alphabet=st.sampled_from(
        [
            *"aăâbcdđeêghiklmnoôơpqrstuưvxyAĐƠ0129 ():*.[]…",
            *("\u0301", "\u0300", "\u0323", "\u0303", "\u0309", "\xa0", "\t", "\n", "\u3000"),
            *("ﬁ", "ß", "İ", "ǅ"),
        ]
    ),
    max_size=24,
)


@given(
    first=st.one_of(_HEADER_TEXT, st.sampled_from([a for _, _, a in ALL_ALIASES])),
    second=st.one_of(_HEADER_TEXT, st.sampled_from([a for _, _, a in ALL_ALIASES])),
)
def test_a_joined_header_matches_as_its_joined_text_would(first: str, second: str) -> None:
    """Two header rows are matched by joining each label with the one above it, from the
    labels' folded forms: the same field as matching the joined text itself."""
    joined = f"{first} {second}"
    assert joined_key(first, second) == normalise_header(joined)
    for table in FIELDS:
        assert match_joined(table, first, second) == match_header(table, joined)


def _normalised_the_long_way(text: str) -> str:
    """The header key as the patterns alone give it (no shortcut for texts that end
    with no mark)."""
    key = fold(text)
    previous = None
    while previous != key:
        previous = key
        key = _PUNCT.sub("", _TRAILING.sub("", key)).strip()
    return key


@given(text=st.one_of(_HEADER_TEXT, st.sampled_from([a for _, _, a in ALL_ALIASES])))
def test_a_header_key_skips_the_patterns_only_when_they_would_change_nothing(text: str) -> None:
    assert normalise_header.__wrapped__(text) == _normalised_the_long_way(text)
