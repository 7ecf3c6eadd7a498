"""Import every workbook under the INPUT arguments into one :class:`Dataset`.

Nothing is lost: every file gets one status, every data row ends as a record or as a
rejected row, and everything else worth knowing (skipped files, unknown columns, ignored
sheets) becomes a note. One broken file never stops the others.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.ingest.dataset import Columns, Dataset, frame_from_columns, table_columns
from auditor.ingest.discover import Found, discover
from auditor.ingest.guard import Limits, column_letters, inspect_file
from auditor.ingest.headers import REQUIRED, match_header
from auditor.ingest.layout import (
    TableLayout,
    all_tables,
    find_header,
    is_blank,
    is_header_repeat,
    is_signature_block_line,
    is_signature_row,
    is_total_row,
    key_values,
    only_numbering,
    sheet_table,
)
from auditor.ingest.pool import WorkerPool
from auditor.ingest.read import ReadError, Sheet, read_sheets
from auditor.ingest.records import validate_row, validate_rows
from auditor.ingest.values import ValueProblem, parse_date, parse_quarter
from auditor.models import InputFile, Note, RejectedRow, RowCounts

#: Called after each file with (files done, files in all, relative path).
Progress = Callable[[int, int, str], None]


DEFAULT_LIMITS = Limits()
#: Sheets of our own templates that explain, and hold no table.
INSTRUCTION_SHEETS = frozenset({"Hướng dẫn"})


@dataclass
class FileResult:
    """What one file contributed; built in isolation so files can be read in any order."""

    input: InputFile
    #: Per table, its accepted records column by column (record fields, file, sheet, row).
    rows: dict[str, Columns] = field(
        default_factory=lambda: {"cells": {}, "plan": {}, "sessions": {}}
    )
    rejected: list[RejectedRow] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    #: Seconds spent opening and reading the workbook, and turning its rows into records.
    read_seconds: float = 0.0
    validate_seconds: float = 0.0


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class _SheetPlan:
    sheet: Sheet
    layout: TableLayout | None
    key_value: dict[str, tuple[int, str, Any]] | None = None


def _plan_sheet(sheet: Sheet) -> _SheetPlan:
    named = sheet_table(sheet.name)
    rows = sheet.rows
    if named == "cells":
        # A key-value sheet answers at once; matching each label row as a possible header
        # was a fifth of the time spent on a small per-cell workbook.
        pairs = key_values(rows)
        if "cell_id" in pairs and match_header("cells", str(pairs["cell_id"][2])) is None:
            return _SheetPlan(sheet, None, pairs)
    if named is not None:
        layout = find_header(rows, (named,))
        if layout is None and named == "cells":
            pairs = key_values(rows)
            if "cell_id" in pairs:
                return _SheetPlan(sheet, None, pairs)
        if layout is not None:
            return _SheetPlan(sheet, layout)
    layout = find_header(rows, all_tables())
    if layout is not None:
        return _SheetPlan(sheet, layout)
    pairs = key_values(rows)
    if "cell_id" in pairs and "cell_name" in pairs:
        return _SheetPlan(sheet, None, pairs)
    return _SheetPlan(sheet, None)


def read_file(found: Found, limits: Limits = DEFAULT_LIMITS) -> FileResult:
    """Read one file into records, rejected rows and notes, never raising for bad input."""
    if found.skipped:
        return FileResult(
            InputFile(
                file=found.rel,
                sha256=None,
                status="skipped",
                error=found.skip_vi,
                error_en=found.skip_en,
            ),
            notes=[
                Note(
                    file=found.rel,
                    code="file_skipped",
                    message_vi=found.skip_vi or "",
                    message_en=found.skip_en or "",
                )
            ],
        )
    try:
        start = time.perf_counter()
        checked = inspect_file(found.path, limits)
        sheets = read_sheets(found.path, checked.formula_members)
        digest = sha256_of(found.path)
        middle = time.perf_counter()
        result = _read_sheets(found.rel, digest, sheets)
        result.read_seconds = middle - start
        result.validate_seconds = time.perf_counter() - middle
        return result
    except ReadError as problem:
        return _error_result(found, problem.reason_vi, problem.reason_en)
    except OSError as problem:
        return _error_result(
            found,
            f"Không mở được tệp: {problem.strerror}",
            f"Cannot open the file: {problem.strerror}",
        )
    except Exception as problem:  # a bug or an unforeseen file must not stop the run
        return _error_result(
            found,
            f"Lỗi không lường trước khi đọc tệp ({type(problem).__name__})",
            f"Unexpected error while reading the file ({type(problem).__name__}: {problem})",
        )


def _error_result(found: Found, reason_vi: str, reason_en: str) -> FileResult:
    digest = None
    with contextlib.suppress(OSError):
        digest = sha256_of(found.path)
    return FileResult(
        InputFile(
            file=found.rel, sha256=digest, status="error", error=reason_vi, error_en=reason_en
        )
    )


def _read_sheets(rel: str, digest: str, sheets: list[Sheet]) -> FileResult:
    result = FileResult(InputFile(file=rel, sha256=digest, status="ok"))
    plans = [_plan_sheet(sheet) for sheet in sheets]
    # The workbook's own cell: a key-value "Thông tin" sheet, or a cells table of one cell.
    for plan in plans:
        if plan.key_value is not None:
            _key_value_record(rel, plan, result)
    for plan in plans:
        if plan.layout is not None and plan.layout.table == "cells":
            _table_records(rel, plan.sheet, plan.layout, None, result)
    for sheet in sheets:
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
    cell_ids = set(result.rows["cells"].get("cell_id", []))
    default_cell = next(iter(cell_ids)) if len(cell_ids) == 1 else None
    for plan in plans:
        if plan.layout is not None and plan.layout.table != "cells":
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
    if not any(p.layout or p.key_value for p in plans):
        result.input = _with_error(
            result.input,
            "Không tìm thấy bảng chi bộ, kế hoạch hay sinh hoạt nào trong tệp",
            "No cells, plan or sessions table found in the workbook",
        )
    rejected = len({(r.sheet, r.row) for r in result.rejected})
    accepted = sum(len(v.get("row", [])) for v in result.rows.values())
    result.input = result.input.model_copy(
        update={"rows": RowCounts(read=accepted + rejected, accepted=accepted, rejected=rejected)}
    )
    return result


def _with_error(current: InputFile, vi: str, en: str) -> InputFile:
    return current.model_copy(update={"status": "error", "error": vi, "error_en": en})


def _has_content(sheet: Sheet) -> bool:
    return any(not is_blank(row) for row in sheet.rows)


def _key_value_record(rel: str, plan: _SheetPlan, result: FileResult) -> None:
    pairs = plan.key_value or {}
    cells = {name: (value, label) for name, (_, label, value) in pairs.items()}
    row = pairs["cell_id"][0] + 1
    record, errors = validate_row("cells", cells, default_cell=None, required=REQUIRED["cells"])
    _keep(rel, plan.sheet.name, row, "cells", record, errors, result)


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
        _append_columns(result.rows[table], {**record, "file": rel, "sheet": sheet, "row": row})
        return
    result.rejected.append(_rejected(rel, sheet, row, table, errors))


def _append_columns(columns: Columns, record: dict[str, Any]) -> None:
    _extend_columns(columns, {name: [value] for name, value in record.items()})


def _extend_columns(columns: Columns, more: Columns) -> None:
    """Append ``more``'s rows; a column only one side has is blank on the other."""
    count = len(columns.get("row", []))
    added = len(more.get("row", []))
    for name in columns.keys() | more.keys():
        if name not in columns:
            columns[name] = [None] * count
        columns[name].extend(more[name] if name in more else [None] * added)


def _rejected(rel: str, sheet: str, row: int, table: str, errors: list[Any]) -> RejectedRow:
    first = errors[0]
    return RejectedRow(
        file=rel,
        sheet=sheet,
        row=row,
        table=table,
        column=first.column,
        value=first.value,
        reason_vi=first.reason_vi,
        reason_en=first.reason_en,
        errors=errors,
    )


_PRIMARY = {"sessions": "date", "plan": "quarter", "cells": "cell_id"}


def _primary_ok(table: str, value: Any) -> bool:
    """Whether a row carries its table's key value (a date, a quarter, a cell code).

    Such a row is data whatever else it holds; only the others are checked for being a
    total, a repeated header or part of a signature block.
    """
    if value is None or value == "":
        return False
    try:
        if table == "sessions":
            return parse_date(value) is not None
        if table == "plan":
            return parse_quarter(value) is not None
    except ValueProblem:
        return False
    return True


def _table_records(
    rel: str,
    sheet: Sheet,
    layout: TableLayout,
    default_cell: str | None,
    result: FileResult,
) -> None:
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
    keys: dict[tuple[type, Any], bool] = {}
    in_signature = False
    kept: list[int] = []
    for index in range(layout.first_data_row, len(sheet.rows)):
        row = sheet.rows[index]
        width = len(row)
        if row.count("") + row.count(None) == width:
            continue
        key = row[primary] if primary is not None and primary < width else None
        memo = (key.__class__, key)
        ok = keys.get(memo)
        if ok is None:
            ok = keys[memo] = _primary_ok(table, key)
        if not ok:
            if is_blank(row) or only_numbering(layout, row):
                continue
            if is_total_row(row) or is_header_repeat(layout, row):
                continue
            if (in_signature and is_signature_block_line(row)) or is_signature_row(row):
                in_signature = True
                continue
        kept.append(index)
    if not kept:
        return
    rows = [sheet.rows[index] for index in kept]
    fields = {name: (header, _column(rows, col)) for name, col, header in columns}
    checked = validate_rows(
        table, fields, len(rows), default_cell=default_cell, required=REQUIRED[table]
    )
    for position, errors in checked.errors.items():
        result.rejected.append(_rejected(rel, sheet.name, kept[position] + 1, table, errors))
    if checked.accepted:
        records = dict(checked.columns)
        records["file"] = [rel] * len(checked.accepted)
        records["sheet"] = [sheet.name] * len(checked.accepted)
        records["row"] = [kept[position] + 1 for position in checked.accepted]
        _extend_columns(result.rows[table], records)


def _column(rows: list[list[Any]], col: int) -> list[Any]:
    """One column's raw values; a short row (a reader may trim one) gives blanks."""
    try:
        return [row[col] for row in rows]
    except IndexError:
        return [row[col] if col < len(row) else None for row in rows]


def merge(results: Sequence[FileResult]) -> Dataset:
    """One Dataset from many files, with cell ids spelled the same everywhere."""
    tables: dict[str, Columns] = {
        table: {name: [] for name in table_columns(table)}
        for table in ("cells", "plan", "sessions")
    }
    dataset = Dataset(stats={"read_seconds": 0.0, "validate_seconds": 0.0})
    for result in results:
        for table, columns in result.rows.items():
            if columns.get("row"):
                _extend_columns(tables[table], columns)
        dataset.inputs.append(result.input)
        dataset.stats["read_seconds"] += result.read_seconds
        dataset.stats["validate_seconds"] += result.validate_seconds
        dataset.rejected.extend(result.rejected)
        dataset.notes.extend(result.notes)
    spelling: dict[str, str] = {}
    for table in ("cells", "plan", "sessions"):
        for cell_id in dict.fromkeys(tables[table]["cell_id"]):
            spelling.setdefault(cell_id.casefold(), cell_id)
    for table in ("cells", "plan", "sessions"):
        ids = tables[table]["cell_id"]
        tables[table]["cell_id"] = [spelling[cell_id.casefold()] for cell_id in ids]
    dataset.cells = frame_from_columns("cells", tables["cells"])
    dataset.plan = frame_from_columns("plan", tables["plan"])
    dataset.sessions = frame_from_columns("sessions", tables["sessions"])
    return dataset


def failed_file(found: Found, reason_vi: str, reason_en: str) -> FileResult:
    """The result of a file whose reading crashed or overran its time limit."""
    return _error_result(found, reason_vi, reason_en)


def default_workers() -> int:
    """Two bounded workers where there are two cores (the usual office machine)."""
    return max(1, min(2, os.cpu_count() or 1))


def load(
    inputs: Sequence[Path | str],
    *,
    limits: Limits = DEFAULT_LIMITS,
    workers: int = 0,
    progress: Progress | None = None,
    preload: Sequence[str] = (),
) -> Dataset:
    """Read every file under ``inputs`` (files or directories).

    ``workers=0`` reads in this process (fast for tests and trusted files); with workers,
    each file is read in a bounded process (:mod:`auditor.ingest.pool`), so a file that
    crashes or exhausts its reader becomes an ``error`` and the run goes on. ``preload``
    names modules the fork server imports once for the run's later worker processes.
    """
    start = time.perf_counter()
    found = discover([Path(p) for p in inputs])
    discovered = time.perf_counter() - start
    results: list[FileResult | None] = [None] * len(found)
    done = 0
    if workers <= 0:
        for index, item in enumerate(found):
            results[index] = read_file(item, limits)
            done += 1
            if progress is not None:
                progress(done, len(found), item.rel)
    else:
        readable = [i for i, item in enumerate(found) if not item.skipped]
        for index, item in enumerate(found):
            if item.skipped:
                results[index] = read_file(item, limits)
        if not readable:
            return _timed(merge([r for r in results if r is not None]), discovered)
        count = min(workers, max(1, len(readable)))
        with WorkerPool(read_file, limits, count, preload=preload) as pool:
            for position, result in pool.run([found[i] for i in readable], failed_file):
                results[readable[position]] = result
                done += 1
                if progress is not None:
                    progress(done, len(readable), found[readable[position]].rel)
    return _timed(merge([r for r in results if r is not None]), discovered)


def _timed(dataset: Dataset, discovered: float) -> Dataset:
    dataset.stats["discover_seconds"] = discovered
    return dataset
