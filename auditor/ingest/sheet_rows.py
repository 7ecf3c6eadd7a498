"""The planned sheets of one workbook turned into its records, rejected rows and notes.

Nothing is lost: every data row becomes a record or a rejected row; totals, repeated
headers, signature blocks and blank lines are told apart from data; what else a board
should know (unknown or personal columns, ignored sheets, formulas without a value)
becomes a note.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from typing import Any

from auditor.ingest.dataset import Columns
from auditor.ingest.file_result import (
    FileResult,
    cell_of_file,
    extend_columns,
)
from auditor.ingest.guard import column_letters
from auditor.ingest.headers import REQUIRED, canonical_header, is_personal
from auditor.ingest.layout import (
    TableLayout,
    is_blank,
    is_header_repeat,
    is_signature_block_line,
    is_signature_row,
    is_total_row,
    only_numbering,
)
from auditor.ingest.read import Sheet
from auditor.ingest.records import each_distinct, remembered, validate_row, validate_rows
from auditor.ingest.sheet_plan import SheetPlan, plan_sheet
from auditor.ingest.values import ValueProblem, parse_date, parse_quarter
from auditor.ingest.waivers import sheet_waivers
from auditor.models import InputFile, Note, RejectedRow

#: Sheets of our own templates that explain, and hold no table.
INSTRUCTION_SHEETS = frozenset({"Hướng dẫn"})


def records_of_sheets(rel: str, digest: str, sheets: list[Sheet]) -> FileResult:
    """The result of the workbook ``rel`` (its ``digest``) from its ``sheets``: the
    workbook's own cell first, so that rows naming no cell can be given it."""
    result = FileResult(InputFile(file=rel, sha256=digest, status="ok"))
    plans = [plan_sheet(sheet) for sheet in sheets]
    # The workbook's own cell: a key-value "Thông tin" sheet, or a cells table of one cell.
    for plan in plans:
        if plan.key_value is not None:
            _key_value_record(rel, plan, result)
        elif plan.layout is not None and plan.layout.table == "cells":
            _table_records(rel, plan.sheet, plan.layout, None, result)
    for sheet in sheets:
        if sheet.duplicate_of is not None:
            result.notes.append(
                Note(
                    file=rel,
                    sheet=sheet.name,
                    code="sheet_duplicate_name",
                    message_vi=f"Tệp có hai trang tính cùng tên “{sheet.duplicate_of}”; trang "
                    "sau không đọc được — đổi tên một trang rồi kiểm tra lại",
                    message_en=f"The workbook has two sheets named “{sheet.duplicate_of}”; the "
                    "later one cannot be read — rename one and audit again",
                )
            )
        if sheet.macro:
            result.notes.append(
                Note(
                    file=rel,
                    sheet=sheet.name,
                    code="macro_sheet_ignored",
                    message_vi="Trang macro Excel 4, không đọc và không chạy; các trang tính "
                    "khác của tệp vẫn được đọc",
                    message_en="An Excel 4 macro sheet, neither read nor run; the workbook's "
                    "other sheets are read",
                )
            )
        for row, column in sheet.formula_without_value:
            result.notes.append(
                Note(
                    file=rel,
                    sheet=sheet.name,
                    row=row,
                    code="formula_without_value",
                    message_vi=f"Ô {column_letters(column)}{row} có công thức nhưng không có "
                    "giá trị đã lưu; coi là ô trống (công thức không được tính)",
                    message_en=f"Cell {column_letters(column)}{row} has a formula but no saved "
                    "value; treated as blank (formulas are never computed)",
                )
            )
    default_cell = cell_of_file(set(result.rows["cells"].get("cell_id", [])), rel)
    for plan in plans:
        if plan.layout is not None and plan.layout.table == "waivers":
            waivers, refused = sheet_waivers(rel, plan.sheet, plan.layout, default_cell)
            result.waivers += waivers
            result.rejected += refused
        elif plan.layout is not None and plan.layout.table != "cells":
            _table_records(rel, plan.sheet, plan.layout, default_cell, result)
        elif (
            plan.layout is None
            and plan.key_value is None
            and plan.sheet.visible
            and plan.sheet.name not in INSTRUCTION_SHEETS
            and _has_content(plan.sheet)
        ):
            result.notes.append(
                Note(
                    file=rel,
                    sheet=plan.sheet.name,
                    code="sheet_ignored",
                    message_vi="Không nhận ra bảng nào trong trang tính này, bỏ qua",
                    message_en="No known table found in this sheet, ignored",
                )
            )
    result.tables_found = any(p.layout or p.key_value for p in plans)
    if result.without_cell and default_cell and not result.rows["cells"].get("cell_id"):
        result.notes.append(_cell_from_name_note(rel, default_cell))
    return result


#: The code of the note saying rows were given the cell of the file's name (the merge of a
#: large workbook's parts drops it when another part knew the cell).
CELL_FROM_FILE_NAME = "cell_from_file_name"


def _cell_from_name_note(rel: str, cell: str) -> Note:
    return Note(
        file=rel,
        code=CELL_FROM_FILE_NAME,
        message_vi=f"Tệp không ghi mã chi bộ (trang Thông tin); các dòng không ghi mã được "
        f"tính cho chi bộ {cell} theo tên tệp",
        message_en=f"The workbook gives no cell code (Thông tin sheet); rows without one are "
        f"taken as cell {cell}'s, from the file name",
    )


def _has_content(sheet: Sheet) -> bool:
    return any(not is_blank(row) for row in sheet.rows)


def _key_value_record(rel: str, plan: SheetPlan, result: FileResult) -> None:
    pairs = plan.key_value or {}
    cells = {name: (value, label) for name, (_, label, value) in pairs.items()}
    row = pairs["cell_id"][0] + 1
    record, errors = validate_row("cells", cells, default_cell=None, required=REQUIRED["cells"])
    id_label = pairs["cell_id"][1]
    if record is None and not any(error.column == id_label for error in errors):
        # The cell's code is good: it holds for the file's rows, and each bad field
        # (a blank name, a formula without a value, a date that is no date) is a note.
        record = _key_value_salvage(rel, plan, cells, errors, result)
    _keep(rel, plan.sheet.name, row, "cells", record, errors, result)


def _key_value_salvage(
    rel: str,
    plan: SheetPlan,
    cells: dict[str, tuple[Any, str]],
    errors: list[Any],
    result: FileResult,
) -> dict[str, Any] | None:
    """The cell's record without its bad fields (a missing name becomes the code), and
    a note for each of them; ``None`` if it still cannot be a record."""
    pairs = plan.key_value or {}
    bad = {error.column for error in errors}
    kept = {name: cell for name, cell in cells.items() if cell[1] not in bad}
    if "cell_name" not in kept:
        kept["cell_name"] = cells["cell_id"]
    record, _still = validate_row("cells", kept, default_cell=None, required=REQUIRED["cells"])
    if record is None:
        return None
    for error in errors:
        at = next((r for r, label, _ in pairs.values() if label == error.column), None)
        shown = f" ({error.value})" if error.value else ""
        named = "cell_name" not in cells and error.column == canonical_header("cells", "cell_name")
        instead_vi = "dùng mã chi bộ làm tên" if named else "bỏ qua ô này"
        instead_en = "the cell code stands for the name" if named else "this field is ignored"
        result.notes.append(
            Note(
                file=rel,
                sheet=plan.sheet.name,
                row=None if at is None else at + 1,
                code="cell_field_ignored",
                message_vi=f"{error.column}{shown}: {error.reason_vi}; {instead_vi}, "
                f"mã chi bộ {record['cell_id']} vẫn dùng cho các dòng của tệp",
                message_en=f"{error.column}{shown}: {error.reason_en}; {instead_en}, "
                f"cell code {record['cell_id']} still holds for the file's rows",
            )
        )
    errors.clear()
    return record


def _keep(
    rel: str,
    sheet: str,
    row: int,
    table: str,
    record: dict[str, Any] | None,
    errors: list[Any],
    result: FileResult,
) -> None:
    if record is not None:
        values = {**record, "file": rel, "sheet": sheet, "row": row}
        if result.rows[table].get("row"):
            _append_columns(result.rows[table], values)
        else:  # the workbook's first row of this table
            result.rows[table] = {name: [value] for name, value in values.items()}
        return
    result.rejected.append(_rejected(rel, sheet, row, table, errors))


def _append_columns(columns: Columns, record: dict[str, Any]) -> None:
    extend_columns(columns, {name: [value] for name, value in record.items()})


def _rejected(rel: str, sheet: str, row: int, table: str, errors: list[Any]) -> RejectedRow:
    first = errors[0]
    return RejectedRow(
        file=rel,
        sheet=sheet,
        row=row,
        table=table,
        column=first.column,
        value=first.value,
        code=first.code,
        reason_vi=first.reason_vi,
        reason_en=first.reason_en,
        errors=errors,
    )


_PRIMARY = {
    "sessions": "date",
    "plan": "quarter",
    "cells": "cell_id",
    "members": "member_name",
    "attendance": "date",
    "attendance_grid": "member_name",
    "study": "date",
    "quiz": "score",
    "six_good": "month",
}


def _primary_ok(table: str, value: Any) -> bool:
    """Whether a row carries its table's key value (a date, a quarter, a cell code).

    Such a row is data whatever else it holds; only the others are checked for being a
    total, a repeated header or part of a signature block.
    """
    if value is None or value == "":
        return False
    if table in ("sessions", "plan"):
        # the column's parser, remembered: the row's validation finds it again
        parsed = remembered(parse_date if table == "sessions" else parse_quarter, value)
        return parsed is not None and not isinstance(parsed, ValueProblem)
    return True


#: Up to this many rows the key column is looked at value by value (a session's date
#: is new in nearly every row: finding the distinct ones first only cost).
SHORT_KEYS = 64


def _primary_verdicts(table: str, keys: Sequence[Any]) -> list[bool]:
    """:func:`_primary_ok` of each key of a table's rows."""
    if len(keys) > SHORT_KEYS:
        return each_distinct(functools.partial(_primary_ok, table), keys)
    if table not in ("sessions", "plan"):
        return [value is not None and value != "" for value in keys]
    parser = parse_date if table == "sessions" else parse_quarter
    return [
        value is not None
        and value != ""
        and (parsed := remembered(parser, value)) is not None
        and not isinstance(parsed, ValueProblem)
        for value in keys
    ]


def _table_records(
    rel: str,
    sheet: Sheet,
    layout: TableLayout,
    default_cell: str | None,
    result: FileResult,
) -> None:
    personal = [header for header in layout.unknown if is_personal(header)]
    if personal:
        result.notes.append(
            Note(
                file=rel,
                sheet=sheet.name,
                row=layout.header_rows[0] + 1,
                code="personal_columns_dropped",
                message_vi="Cột thông tin cá nhân không được đọc và không ghi vào báo cáo: "
                + ", ".join(personal),
                message_en="Personal columns are neither read nor written to any report: "
                + ", ".join(personal),
            )
        )
        layout.unknown = [header for header in layout.unknown if not is_personal(header)]
    if layout.unknown:
        result.notes.append(
            Note(
                file=rel,
                sheet=sheet.name,
                row=layout.header_rows[0] + 1,
                code="unknown_columns",
                message_vi="Cột không nhận ra, bỏ qua: " + ", ".join(layout.unknown),
                message_en="Unknown columns, ignored: " + ", ".join(layout.unknown),
            )
        )
    table = layout.table
    columns = [(name, c.index, c.header) for name, c in layout.field_columns().items()]
    primary = next((index for name, index, _ in columns if name == _PRIMARY[table]), None)
    first = layout.first_data_row
    body = sheet.rows[first:]
    # the rows column by column (a short row, as a reader may trim one, gives blanks)
    by_column = list(itertools.zip_longest(*body))
    # Most rows carry their key: only the others are looked at closely.
    keys = _pick(by_column, [primary], len(body))[0]
    verdicts = _primary_verdicts(table, keys)
    kept: list[int] = []
    in_signature = False
    for offset, ok in enumerate(verdicts):
        if not ok:
            row = body[offset]
            if row.count("") + row.count(None) == len(row):
                continue
            if is_blank(row) or only_numbering(layout, row):
                continue
            if is_total_row(row) or is_header_repeat(layout, row):
                continue
            if (in_signature and is_signature_block_line(row)) or is_signature_row(row):
                in_signature = True
                continue
        kept.append(offset)
    if not kept:
        return
    if len(kept) < len(body):
        by_column = list(itertools.zip_longest(*[body[offset] for offset in kept]))
    values = _pick(by_column, [col for _, col, _ in columns], len(kept))
    fields = {
        name: (header, value) for (name, _, header), value in zip(columns, values, strict=True)
    }
    checked = validate_rows(
        table, fields, len(kept), default_cell=default_cell, required=REQUIRED[table]
    )
    result.without_cell += checked.without_cell
    for position, errors in checked.errors.items():
        result.rejected.append(
            _rejected(rel, sheet.name, first + kept[position] + 1, table, errors)
        )
    if checked.accepted:
        records = dict(checked.columns)
        records["file"] = [rel] * len(checked.accepted)
        records["sheet"] = [sheet.name] * len(checked.accepted)
        records["row"] = [first + kept[position] + 1 for position in checked.accepted]
        if result.rows[table].get("row"):
            extend_columns(result.rows[table], records)
        else:  # the workbook's first rows of this table: its columns as they are
            result.rows[table] = records


def _pick(
    by_column: list[tuple[Any, ...]], wanted: Sequence[int | None], count: int
) -> list[Sequence[Any]]:
    """The ``wanted`` columns of a table of ``count`` rows; ``None`` or a column past the
    last gives blanks."""
    blank = (None,) * count
    return [
        by_column[index] if index is not None and index < len(by_column) else blank
        for index in wanted
    ]
