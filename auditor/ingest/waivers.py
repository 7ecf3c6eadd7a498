"""Waiver rows, from a ``Miễn trừ`` sheet or a YAML file, into waivers or rejected rows
(rulebook-2025.md, section 6).

Both sources go through :func:`parse_waivers`, so a waiver reads the same wherever the
board wrote it. A row without a reason or an approver is refused, naming the column as
the sheet (or the YAML key) names it; every problem of a row is listed, as for the other
tables. Choices: ``period`` is a year (``2026``), a quarter (``Q3``, ``Quý 3``, ``Quý
III``) or a month (``M08``, ``Tháng 8``, ``T8``) of the audited year; dates are read as
in the other tables (day first, a spreadsheet date or serial); on a cell's own workbook
a row without a cell code is that cell's, like its plan and session rows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from auditor.codes import ErrorCode
from auditor.ingest.headers import canonical_header
from auditor.ingest.layout import (
    TableLayout,
    is_blank,
    is_signature_block_line,
    is_signature_row,
    is_total_row,
    only_numbering,
)
from auditor.ingest.read import Sheet
from auditor.ingest.text import fold
from auditor.ingest.values import ValueProblem, display, parse_date, parse_text
from auditor.models import FieldError, RejectedRow, Waiver

__all__ = ["normalise_period", "parse_waivers", "sheet_waivers"]

#: The fields of a waiver, in the order a sheet or a YAML entry gives them.
FIELDS = ("cell_id", "rule", "period", "date", "reason", "approved_by", "approved_on", "expires")
_REQUIRED = ("cell_id", "rule", "reason", "approved_by")
_DATES = ("date", "approved_on", "expires")

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_QUARTER = re.compile(r"^(?:q|quy)\s*\.?\s*(?P<n>[1-4]|iv|iii|ii|i)$")
_MONTH = re.compile(r"^(?:m|t|thang)\s*\.?\s*(?P<n>0?[1-9]|1[0-2])$")
_YEAR = re.compile(r"^(?:nam\s*)?(?P<y>\d{4})$")


def normalise_period(value: Any) -> str | None:
    """``2026``, ``Q3`` or ``M08`` for the ways a board writes a year, a quarter or a
    month; ``None`` when blank. Raises ``ValueError`` for anything else."""
    text = parse_text(value)
    if text is None:
        return None
    key = fold(text).replace(" ", "")
    if match := _YEAR.match(key):
        return match["y"]
    if match := _QUARTER.match(key):
        n = match["n"]
        return f"Q{_ROMAN.get(n, n)}"
    if match := _MONTH.match(key):
        return f"M{int(match['n']):02d}"
    raise ValueError(text)


def _problem(column: str, value: Any, code: ErrorCode, vi: str, en: str) -> FieldError:
    return FieldError(column=column, value=display(value), code=code, reason_vi=vi, reason_en=en)


def _one(
    data: Mapping[str, Any], columns: Mapping[str, str]
) -> tuple[dict[str, Any], list[FieldError]]:
    """A waiver's fields from one row, and every problem found in it."""
    errors: list[FieldError] = []
    fields: dict[str, Any] = {}
    for name in _REQUIRED:
        fields[name] = parse_text(data.get(name))
        if fields[name] is None:
            errors.append(
                _problem(
                    columns[name],
                    None,
                    ErrorCode.waiver_field_missing,
                    f"Miễn trừ thiếu “{columns[name]}” (cần mã chi bộ, quy tắc, lý do và "
                    "người duyệt)",
                    f"Waiver without “{columns[name]}” (a cell, a rule, a reason and an "
                    "approver are required)",
                )
            )
    try:
        fields["period"] = normalise_period(data.get("period"))
    except ValueError:
        fields["period"] = None
        errors.append(
            _problem(
                columns["period"],
                data.get("period"),
                ErrorCode.waiver_period_invalid,
                "Kỳ miễn trừ phải là năm (2026), quý (Q3, Quý 3) hoặc tháng (M08, Tháng 8)",
                "A waiver's period is a year (2026), a quarter (Q3) or a month (M08)",
            )
        )
    for name in _DATES:
        try:
            fields[name] = parse_date(data.get(name))
        except ValueProblem as problem:
            fields[name] = None
            errors.append(
                _problem(
                    columns[name],
                    data.get(name),
                    problem.code,
                    problem.reason_vi,
                    problem.reason_en,
                )
            )
    if fields["period"] is None and fields["date"] is None and not errors:
        errors.append(
            _problem(
                columns["period"],
                None,
                ErrorCode.waiver_without_period,
                f"Miễn trừ cần kỳ (“{columns['period']}”) hoặc ngày (“{columns['date']}”)",
                f"A waiver needs a period (“{columns['period']}”) or a date (“{columns['date']}”)",
            )
        )
    return fields, errors


def parse_waivers(
    rows: Sequence[Any],
    *,
    file: str,
    sheet: str = "",
    first_row: int = 1,
    row_numbers: Sequence[int] | None = None,
    columns: Mapping[str, str] | None = None,
    default_cell: str | None = None,
) -> tuple[list[Waiver], list[RejectedRow]]:
    """Waivers from rows of ``cell_id, rule, period | date, reason, approved_by,
    approved_on, expires`` (mappings by field name).

    ``columns`` names each field as the source does (a sheet's header; by default the
    field's own name, as a YAML file writes it); ``row_numbers`` gives each row's number
    in the source (by default ``first_row`` on). Each bad row becomes one rejected row
    listing all its problems.
    """
    named = {name: name for name in FIELDS} | dict(columns or {})
    waivers: list[Waiver] = []
    rejected: list[RejectedRow] = []
    numbers = row_numbers or range(first_row, first_row + len(rows))
    for row, raw in zip(numbers, rows, strict=True):
        if not isinstance(raw, Mapping):
            errors = [
                _problem(
                    "",
                    raw,
                    ErrorCode.waiver_malformed,
                    "Miễn trừ không đúng dạng",
                    "Malformed waiver",
                )
            ]
        else:
            data = {str(k).strip().lower(): v for k, v in raw.items()}
            if default_cell is not None and parse_text(data.get("cell_id")) is None:
                data["cell_id"] = default_cell
            fields, errors = _one(data, named)
        if errors:
            first = errors[0]
            rejected.append(
                RejectedRow(
                    file=file,
                    sheet=sheet,
                    row=row,
                    table="waivers",
                    column=first.column,
                    value=first.value,
                    code=first.code,
                    reason_vi=first.reason_vi,
                    reason_en=first.reason_en,
                    errors=errors,
                )
            )
            continue
        waivers.append(
            Waiver(
                cell_id=fields["cell_id"].replace(" ", ""),
                rule=fields["rule"].replace(" ", "").upper(),
                period=fields["period"],
                date=fields["date"],
                reason=fields["reason"],
                approved_by=fields["approved_by"],
                approved_on=fields["approved_on"],
                expires=fields["expires"],
                file=file,
                sheet=sheet or None,
                row=row,
            )
        )
    return waivers, rejected


def sheet_waivers(
    rel: str, sheet: Sheet, layout: TableLayout, default_cell: str | None
) -> tuple[list[Waiver], list[RejectedRow]]:
    """The waivers of a ``Miễn trừ`` table and its refused rows.

    Like the other tables, blank lines, pre-numbered unused lines, a closing total and
    the signature block below the table are layout; every other row is a waiver or a
    rejected row.
    """
    mapped = layout.field_columns()
    columns = {
        name: mapped[name].header if name in mapped else canonical_header("waivers", name)
        for name in FIELDS
    }
    rows: list[dict[str, Any]] = []
    numbers: list[int] = []
    in_signature = False
    for offset, row in enumerate(sheet.rows[layout.first_data_row :]):
        if is_blank(row) or only_numbering(layout, row):
            continue
        values = {
            name: row[column.index] if column.index < len(row) else None
            for name, column in mapped.items()
        }
        keyed = values.get("rule") is not None and values.get("rule") != ""
        if not keyed:
            if is_total_row(row):
                continue
            if (in_signature and is_signature_block_line(row)) or is_signature_row(row):
                in_signature = True
                continue
        rows.append(values)
        numbers.append(layout.first_data_row + offset + 1)
    return parse_waivers(
        rows,
        file=rel,
        sheet=sheet.name,
        row_numbers=numbers,
        columns=columns,
        default_cell=default_cell,
    )
