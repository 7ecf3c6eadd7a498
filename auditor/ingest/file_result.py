"""What one file contributes to the dataset: its records, column by column, its rejected
rows, notes and waivers, with the file's status and row counts.

A file's result is built in isolation (in a reading worker, or one per part of a large
workbook), so files can be read in any order and their results put together after.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath

from auditor.codes import FileCode
from auditor.ingest.dataset import Columns
from auditor.models import MEMBER_TABLES, InputFile, Note, RejectedRow, RowCounts, Waiver

#: Every table a file's rows may go to: the log's, then the members' (members.md).
TABLES: tuple[str, ...] = ("cells", "plan", "sessions", *MEMBER_TABLES)


@dataclass
class FileResult:
    """What one file contributed; built in isolation so files can be read in any order."""

    input: InputFile
    #: Per table, its accepted records column by column (record fields, file, sheet, row).
    rows: dict[str, Columns] = field(default_factory=lambda: {table: {} for table in TABLES})
    rejected: list[RejectedRow] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    #: The board's waivers written in a ``Miễn trừ`` sheet.
    waivers: list[Waiver] = field(default_factory=list)
    #: Seconds spent opening and reading the workbook, and turning its rows into records.
    read_seconds: float = 0.0
    validate_seconds: float = 0.0
    #: Whether a sheet held a table or a key-value sheet of a cell.
    tables_found: bool = False
    #: Plan and session rows that had no cell code of their own.
    without_cell: int = 0


def finish(result: FileResult) -> FileResult:
    """Count the file's rows, and make it an error when no sheet held a table."""
    if not result.tables_found:
        result.input = with_error(
            result.input,
            FileCode.no_table,
            "Không tìm thấy bảng chi bộ, kế hoạch hay sinh hoạt nào trong tệp",
            "No cells, plan or sessions table found in the workbook",
        )
    rejected = len(result.rejected)  # one entry per row (a row's errors are in one)
    accepted = sum(len(v.get("row", [])) for v in result.rows.values()) + len(result.waivers)
    result.input = result.input.model_copy(
        update={"rows": RowCounts(read=accepted + rejected, accepted=accepted, rejected=rejected)}
    )
    return result


def with_error(current: InputFile, code: FileCode, vi: str, en: str) -> InputFile:
    """The file's input entry as an error, with the reason's code and the reason in
    Vietnamese and English."""
    return current.model_copy(
        update={"status": "error", "error": vi, "error_en": en, "code": code.value}
    )


#: A cell code at the start of a file name: ``CB-012_2024.xlsx``, ``cb-7 nam 2024.xls``.
_CODE_IN_NAME = re.compile(r"^([A-Za-zĐđ]{1,6}-\d{1,6})(?=$|[_ .\-])")


def cell_of_file(ids: set[str], rel: str) -> str | None:
    """The cell a file's plan and session rows belong to when they name none: the one
    cell the file's own cells rows give, or, when they give none, a cell code that
    starts the file's name (``CB-012_2024.xlsx``)."""
    if ids:
        return next(iter(ids)) if len(ids) == 1 else None
    match = _CODE_IN_NAME.match(PurePath(rel).name)
    return match.group(1) if match else None


def extend_columns(columns: Columns, more: Columns) -> None:
    """Append ``more``'s rows; a column only one side has is blank on the other."""
    if columns.keys() == more.keys():  # every table's rows carry all its fields
        for name, values in more.items():
            columns[name].extend(values)
        return
    count = len(columns.get("row", []))
    added = len(more.get("row", []))
    for name in columns.keys() | more.keys():
        if name not in columns:
            columns[name] = [None] * count
        columns[name].extend(more[name] if name in more else [None] * added)
