"""Find the table inside a hand-made sheet: which table it is, its header, its data rows.

People put title rows above the header, split headers over two merged rows, leave blank
rows, number the rows (STT), close with "Tổng cộng" and sign below the table. This module
separates that layout from the data rows, so that every data row can later be counted as
either a record or a rejected row.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from auditor.ingest.headers import (
    FIELDS,
    HEADER_INDEX,
    IGNORED_HEADERS,
    REQUIRED,
    match_header,
    match_joined,
    normalise_header,
    table_for_sheet,
)
from auditor.ingest.text import clean_text, fold
from auditor.models import MEMBER_ROW_TABLES, MEMBER_TABLES

#: How far down a header may sit: up to 10 title rows, a two-row header, some slack.
HEADER_SEARCH_ROWS = 16

#: The whole label of a closing total ("Tổng cộng", "Cộng:", "Tổng số: 12"), not a topic
#: that merely starts with "Tổng" ("Tổng kết năm").
_TOTAL = re.compile(r"^(?:tong cong|tong so|tong|cong)\s*(?::.*)?$")
#: A signature line holds a few short cells; a data row missing its date holds more.
SIGNATURE_MAX_CELLS = 3
_SIGNATURE = re.compile(
    r"^(?:nguoi lap(?: bieu)?|nguoi ghi(?: so)?|thu ky|bi thu|pho bi thu|t/?m\.?\s|tm\.?\s|"
    r"xac nhan|\(?ky(?:,| ten| va| ghi)|chi uy|dai dien)"
)
_PLACE_DATE = re.compile(r".*,\s*ngay\s.*thang\s.*nam\b")


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return clean_text(value)
    return str(value)


def is_blank(row: list[Any]) -> bool:
    return all(v is None or v == "" or (isinstance(v, str) and not v.strip()) for v in row)


@dataclass
class Column:
    """One column of the data area: its index, its header as written, its field."""

    index: int
    header: str
    field: str | None


@dataclass
class TableLayout:
    table: str
    header_rows: tuple[int, ...]  # 0-based indices of the header row(s)
    columns: list[Column]
    unknown: list[str] = field(default_factory=list)
    #: A row right under the header that numbers the columns ("(1) (2) (3)", "A B 1 2",
    #: as state forms do): layout, not data.
    numbers_columns: bool = False

    @property
    def first_data_row(self) -> int:
        return self.header_rows[-1] + 1 + self.numbers_columns

    def field_columns(self) -> dict[str, Column]:
        mapped: dict[str, Column] = {}
        for column in self.columns:
            if column.field and column.field not in mapped:
                mapped[column.field] = column
        return mapped

    def missing_required(self) -> list[str]:
        mapped = self.field_columns()
        return [f for f in REQUIRED[self.table] if f not in mapped]


def _match_row(table: str, row: list[Any]) -> dict[int, str]:
    return _match_keys(table, [None if t is None else normalise_header(t) for t in _texts(row)])


def _texts(row: list[Any]) -> list[str | None]:
    return [_text(value) for value in row]


class _HeaderRows:
    """The first rows of a sheet, each row's texts and header keys worked out once
    however many tables (all ten, for a sheet whose name says nothing) try it."""

    def __init__(self, rows: list[list[Any]]) -> None:
        self.rows = rows
        self._texts: dict[int, list[str | None]] = {}
        self._keys: dict[int, list[str | None]] = {}

    def texts(self, index: int) -> list[str | None]:
        found = self._texts.get(index)
        if found is None:
            found = self._texts[index] = _texts(self.rows[index])
        return found

    def keys(self, index: int) -> list[str | None]:
        found = self._keys.get(index)
        if found is None:
            found = [None if t is None else normalise_header(t) for t in self.texts(index)]
            self._keys[index] = found
        return found


def _match_keys(table: str, keys: list[str | None]) -> dict[int, str]:
    """Column -> field of a row whose header keys are ``keys`` (as :func:`match_header`
    matches each text), each field at its first column."""
    fields = HEADER_INDEX[table]
    matched: dict[int, str] = {}
    seen: set[str] = set()
    for index, key in enumerate(keys):
        if key is None:
            continue
        name = fields.get(key)
        if name and name not in seen:
            matched[index] = name
            seen.add(name)
    return matched


def _match_two_rows(
    table: str, top: list[str | None], below: list[str | None]
) -> dict[int, tuple[str, str]]:
    """Fields of a header split over two rows (a merged group label above sub-labels),
    from the two rows' texts (:func:`_texts`)."""
    width = max(len(top), len(below))
    group: str | None = None
    matched: dict[int, tuple[str, str]] = {}
    seen: set[str] = set()
    for index in range(width):
        upper = top[index] if index < len(top) else None
        lower = below[index] if index < len(below) else None
        if upper is not None:
            group = upper
        elif lower is None:
            group = None
        above = None if lower is None else upper if upper is not None else group
        for name, shown in _column_matches(table, upper, lower, above):
            if name not in seen:
                matched[index] = (name, shown)
                seen.add(name)
                break
    return matched


@lru_cache(maxsize=16384)
def _column_matches(
    table: str, upper: str | None, lower: str | None, above: str | None
) -> tuple[tuple[str, str], ...]:
    """The fields one column of a two-row header may name, in the order they are tried,
    each with the header it shows: ``upper`` and ``lower``, the column's two texts;
    ``above``, the label over ``lower`` (its own upper text, or the group's).

    Worked out once per process for each column's texts: the row under a one-row header
    is the first data row, tried as a header's lower half in every workbook, and its
    values (kinds, counts, marks, the first session's date) repeat from workbook to
    workbook (2,280 distinct columns among 43,125 in 2,000 messy workbooks).
    """
    # each candidate: the texts it joins with a space (one text: itself)
    candidates: list[tuple[str, ...]] = []
    if lower is not None:
        if above is not None:
            candidates += [(lower, above), (above, lower)]
        candidates.append((lower,))
    if upper is not None:
        candidates.append((upper,))
    shown = lower if lower is not None else upper
    if lower is not None and above is not None and above != lower:
        shown = f"{above} / {lower}"
    matches: list[tuple[str, str]] = []
    for candidate in candidates:
        if len(candidate) == 2:
            name = match_joined(table, *candidate)
        else:
            name = match_header(table, candidate[0])
        if name:
            matches.append((name, shown or " ".join(candidate)))
    return tuple(matches)


def _score(table: str, fields: set[str]) -> int:
    """Matched fields, with the table's required fields weighing more (and, in a member
    table, the member's code or name: "Ngày sinh hoạt" and "Có mặt" are also a log's)."""
    named = table in MEMBER_ROW_TABLES and bool(fields & _MEMBER_FIELDS)
    return len(fields) + 2 * sum(1 for f in REQUIRED[table] if f in fields) + 2 * named


_MEMBER_FIELDS = frozenset({"member_id", "member_name"})
#: What besides the member a member table must show to be that table.
_MEMBER_DISTINCT: dict[str, frozenset[str]] = {
    "members": frozenset({"status", "exempt_from", "joined", "left", "cell_id"}),
    "attendance": frozenset({"date"}),
    "attendance_grid": frozenset(f"m{month:02d}" for month in range(1, 13)),
    "study": frozenset({"date", "resolution"}),
    "quiz": frozenset({"score"}),
    "six_good": frozenset({"criteria_met", "classification"} | {f"c{n}" for n in range(1, 7)}),
}


def _distinctive(table: str, fields: set[str]) -> bool:
    """Whether matched headers really point at ``table`` and not a neighbour."""
    if table == "sessions":
        return "date" in fields or "kind" in fields
    if table == "plan":
        return "quarter" in fields
    if table in MEMBER_TABLES:
        if table == "attendance_grid":  # months, not one stray "T1"
            return bool(fields & _MEMBER_FIELDS) and len(fields & _MEMBER_DISTINCT[table]) >= 2
        if table == "members" and fields >= _MEMBER_FIELDS:  # a list of codes and names
            return True
        return bool(fields & _MEMBER_FIELDS) and bool(fields & _MEMBER_DISTINCT[table])
    if table == "waivers":
        return "rule" in fields and bool(fields & {"reason", "approved_by"})
    return "cell_name" in fields or ("cell_id" in fields and len(fields) >= 3)


def find_header(rows: list[list[Any]], tables: tuple[str, ...]) -> TableLayout | None:
    """The best header among the first rows for any of ``tables``.

    A header row has at least two labels, so title rows (one merged cell) are passed over
    cheaply; once a header is found only the row below it can still beat it (the lower
    half of a two-row header), so the data rows are never matched against aliases.
    """
    best: tuple[int, int, TableLayout] | None = None
    found_at: int | None = None
    limit = min(len(rows), HEADER_SEARCH_ROWS)
    header = _HeaderRows(rows)
    for index in range(limit):
        if found_at is not None and index > found_at + 1:
            break
        row = rows[index]
        # a title row (one merged cell, the rest blank) is told by two counts in C
        if len(row) - row.count("") - row.count(None) < 2:
            continue
        if sum(1 for v in row if isinstance(v, str) and v.strip()) < 2:
            continue
        for order, table in enumerate(tables):
            single = _match_keys(table, header.keys(index))
            layout_rows: tuple[int, ...] = (index,)
            texts = header.texts(index)
            names = {i: (f, texts[i] or "") for i, f in single.items()}
            if single and index + 1 < len(rows) and not is_blank(rows[index + 1]):
                double = _match_two_rows(table, texts, header.texts(index + 1))
                below = _match_keys(table, header.keys(index + 1))
                # A title row above a header adds nothing: only a top row that brings
                # labels of its own (or group labels) makes a two-row header.
                if len(double) > max(len(single), len(below)):
                    names = double
                    layout_rows = (index, index + 1)
            fields = {f for f, _ in names.values()}
            if len(fields) < 2 or not _distinctive(table, fields):
                continue
            score = _score(table, fields)
            candidate = (score, -order, _layout(table, rows, layout_rows, names))
            if best is None or candidate[:2] > best[:2]:
                best = candidate
                found_at = index if found_at is None else found_at
    return best[2] if best else None


def _layout(
    table: str,
    rows: list[list[Any]],
    header_rows: tuple[int, ...],
    names: dict[int, tuple[str, str]],
) -> TableLayout:
    width = max(len(rows[i]) for i in header_rows)
    columns: list[Column] = []
    unknown: list[str] = []
    for index in range(width):
        if index in names:
            name, header = names[index]
            columns.append(Column(index, header, name))
            continue
        labels = [_text(rows[i][index]) for i in header_rows if index < len(rows[i])]
        header = " ".join(label for label in labels if label)
        columns.append(Column(index, header, None))
        if header and normalise_header(header) not in IGNORED_HEADERS:
            unknown.append(header)
    below = header_rows[-1] + 1
    numbered = below < len(rows) and numbers_columns(rows[below], len(names))
    return TableLayout(table, header_rows, columns, unknown, numbered)


#: One label of a column-number row: ``1``, ``(1)``, ``[2]``, ``3.``, a letter ``A`` or
#: ``(B)`` for the text columns, or a sum such as ``(4)=(2)+(3)`` / ``4=2+3``.
_COLUMN_LABEL = re.compile(
    r"^[(\[]?\s*(?:(?P<letter>[A-H])|(?P<number>\d{1,2}))\s*[)\]]?\.?"
    r"(?P<sum>\s*=\s*[-+*x()\[\]\d\s]+)?$"
)


def numbers_columns(row: list[Any], mapped: int) -> bool:
    """Whether ``row`` only numbers the columns of the header above it.

    Every filled cell is a column label, the numbers rise by one from left to right,
    letters (``A``, ``B`` …, in order) come before them, and at least three cells, and
    half the header's recognised columns, are labelled. Dates, words and counts of a
    real first row fail one of these.
    """
    letters: list[str] = []
    numbers: list[int] = []
    for value in row:
        if value is None or isinstance(value, bool):
            if value is None:
                continue
            return False
        if isinstance(value, int | float):
            if not float(value).is_integer() or not 0 <= value < 100:
                return False
            numbers.append(int(value))
            continue
        if not isinstance(value, str):
            return False
        text = value.strip()
        if not text:
            continue
        match = _COLUMN_LABEL.match(text)
        if match is None:
            return False
        if match["letter"]:
            if numbers:
                return False
            letters.append(match["letter"])
        else:
            numbers.append(int(match["number"]))
    if letters != [chr(65 + i) for i in range(len(letters))]:
        return False
    if len(numbers) < 2 or any(b != a + 1 for a, b in itertools.pairwise(numbers)):
        return False
    return len(letters) + len(numbers) >= max(3, (mapped + 1) // 2)


# --------------------------------------------------------------------------- data rows


def is_total_row(row: list[Any]) -> bool:
    for value in row:
        text = _text(value)
        if text is None:
            continue
        if isinstance(value, int | float):
            continue  # an STT number before the label
        return bool(_TOTAL.match(fold(text)))
    return False


def is_signature_row(row: list[Any]) -> bool:
    texts = [fold(t) for t in (_text(v) for v in row) if t]
    if not texts or len(texts) > SIGNATURE_MAX_CELLS:
        return False
    return any(_SIGNATURE.match(t) or _PLACE_DATE.match(t) for t in texts)


def is_signature_block_line(row: list[Any]) -> bool:
    """Below a signature line: names and titles, a few cells each, never a full row."""
    return sum(1 for v in row if _text(v) is not None) <= SIGNATURE_MAX_CELLS


def is_header_repeat(layout: TableLayout, row: list[Any]) -> bool:
    return len(_match_row(layout.table, row)) >= 2


#: Fields a form pre-fills on its empty lines (the cell's code, the plan's quarter): a
#: line holding nothing else is an unused line of the form, not data.
PREFILLED = {
    "cells": frozenset(),
    "plan": frozenset({"cell_id", "quarter"}),
    "sessions": frozenset({"cell_id"}),
    "waivers": frozenset(),
    **{table: frozenset({"cell_id"}) for table in MEMBER_TABLES},
}


def only_numbering(layout: TableLayout, row: list[Any]) -> bool:
    """An unused, pre-numbered line of a form: only STT and pre-filled labels hold something."""
    prefilled = PREFILLED[layout.table]
    for column in layout.columns:
        if column.index >= len(row):
            continue
        value = row[column.index]
        if value is None or value == "" or (isinstance(value, str) and not value.strip()):
            continue
        if column.field is None and normalise_header(column.header) in IGNORED_HEADERS:
            continue
        if column.field in prefilled:
            continue
        return False
    return True


# --------------------------------------------------------------------------- key-value


def key_values(rows: list[list[Any]]) -> dict[str, tuple[int, str, Any]]:
    """Fields of a key-value "Thông tin" sheet: field -> (0-based row, label, value).

    The label is the first non-empty cell of a row and the value the next one to its right;
    a label without a value is skipped.
    """
    found: dict[str, tuple[int, str, Any]] = {}
    for index, row in enumerate(rows):
        cells = [(i, v) for i, v in enumerate(row) if _text(v) is not None]
        if len(cells) < 2:
            continue
        (_, label), (_, value) = cells[0], cells[1]
        label_text = _text(label) or ""
        name = match_header("cells", label_text)
        if name and name not in found:
            found[name] = (index, label_text, value)
    return found


def all_tables() -> tuple[str, ...]:
    return tuple(FIELDS)


def sheet_table(name: str) -> str | None:
    return table_for_sheet(name)
