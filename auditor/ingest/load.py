"""Import every workbook under the INPUT arguments into one :class:`Dataset`.

Nothing is lost: every file gets one status, every data row ends as a record or as a
rejected row, and everything else worth knowing (skipped files, unknown columns, ignored
sheets) becomes a note. One broken file never stops the others.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from auditor.ingest.dataset import Columns, Dataset, frame_from_columns, table_columns
from auditor.ingest.discover import Found, discover
from auditor.ingest.guard import Limits, column_letters, inspect_file
from auditor.ingest.headers import REQUIRED, canonical_header, is_personal, match_header
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
from auditor.ingest.pool import WorkerPool, forks_first
from auditor.ingest.quiet import native_output_silenced
from auditor.ingest.read import (
    ReadError,
    Sheet,
    mark_formulas,
    parse_sheets,
    read_sheets,
    sheet_parts,
)
from auditor.ingest.records import each_distinct, validate_row, validate_rows
from auditor.ingest.values import ValueProblem, parse_date, parse_quarter
from auditor.ingest.waivers import sheet_waivers
from auditor.members.resolve import resolve_members
from auditor.models import MEMBER_TABLES, InputFile, Note, RejectedRow, RowCounts, Waiver

#: Every table a file's rows may go to: the log's, then the members' (members.md).
TABLES: tuple[str, ...] = ("cells", "plan", "sessions", *MEMBER_TABLES)

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


@dataclass(frozen=True)
class FilePart:
    """A file to read whole, or the sheets of it that one worker reads.

    A large workbook is read in parts, one per worker, so its sheets are read and
    validated on both cores: ``take`` only these sheets, or all but those in ``leave``.
    """

    found: Found
    take: frozenset[str] | None = None
    leave: frozenset[str] = frozenset()
    #: Every sheet name of the workbook, in its order (for putting the parts together).
    order: tuple[str, ...] = ()
    #: Zip member of each sheet's XML -> the sheet's name, for a large .xlsx (whole or a
    #: part): its worker parses while it guards (:func:`_parse_while_guarding`).
    sheet_of: Mapping[str, str] = field(default_factory=dict)

    @property
    def whole(self) -> bool:
        return self.take is None and not self.leave

    def wanted(self, name: str) -> bool:
        return (self.take is None or name in self.take) and name not in self.leave

    def guards(self, member: str) -> bool:
        """Whether this part's worker scans sheet part ``member``: each is scanned by
        exactly one part (one no sheet names, by the part that takes the rest)."""
        name = self.sheet_of.get(member)
        return self.take is None if name is None else self.wanted(name)


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
    pairs = key_values(rows) if named == "cells" else None
    # A key-value sheet answers at once; matching each label row as a possible header
    # was a fifth of the time spent on a small per-cell workbook.
    if pairs and "cell_id" in pairs and match_header("cells", str(pairs["cell_id"][2])) is None:
        return _SheetPlan(sheet, None, pairs)
    if named is not None:
        layout = find_header(rows, (named,))
        if layout is None and pairs and "cell_id" in pairs:
            return _SheetPlan(sheet, None, pairs)
        if layout is None and named == "attendance":  # the grid form, one column a month
            layout = find_header(rows, ("attendance_grid",))
        # A "Miễn trừ" sheet holds waivers or nothing: its "Ngày" column must not make
        # it a sessions table.
        if layout is not None or named == "waivers":
            return _SheetPlan(sheet, layout)
    layout = find_header(rows, all_tables())
    if layout is not None:
        return _SheetPlan(sheet, layout)
    pairs = key_values(rows) if pairs is None else pairs
    if "cell_id" in pairs and "cell_name" in pairs:
        return _SheetPlan(sheet, None, pairs)
    return _SheetPlan(sheet, None)


def read_file(found: Found, limits: Limits = DEFAULT_LIMITS) -> FileResult:
    """Read one file into records, rejected rows and notes, never raising for bad input."""
    return read_part(FilePart(found), limits)


def read_part(part: FilePart, limits: Limits = DEFAULT_LIMITS) -> FileResult:
    """Read a file, or the sheets of it that ``part`` names, never raising for bad input.

    A part's result is put together with the other parts' by :func:`combine_parts`.
    """
    found = part.found
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
        if part.sheet_of:  # a large workbook, or a part of one
            sheets = _parse_while_guarding(part, limits)
        else:
            checked = inspect_file(found.path, limits)
            sheets = read_sheets(found.path, checked.formula_members, parts=checked.zip_format)
        digest = sha256_of(found.path)
        middle = time.perf_counter()
        result = _read_sheets(found.rel, digest, sheets)
        if part.whole:
            _finish(result)
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


def _parse_while_guarding(part: FilePart, limits: Limits) -> list[Sheet]:
    """A part's sheets, parsed by calamine in a thread while this one scans the part's
    sheet XML with the guard: calamine lets other threads run while it parses, so the
    scan (0.45 s on a 200,000-row workbook) no longer comes first.

    A refusal by the guard wins over anything the parse says; a parse the guard would
    have refused can only crash this bounded worker, and then the parent asks the guard
    why (:func:`_failed_part`).
    """
    path = part.found.path
    with ThreadPoolExecutor(max_workers=1) as background:
        parsing = background.submit(parse_sheets, path, part.wanted)
        checked = inspect_file(path, limits, part.guards)
        kind, sheets = parsing.result()
    mark_formulas(path, kind, sheets, checked.formula_members, part.wanted)
    return sheets


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
    default_cell = _default_cell(set(result.rows["cells"].get("cell_id", [])), rel)
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


def _cell_from_name_note(rel: str, cell: str) -> Note:
    return Note(
        file=rel,
        code=CELL_FROM_FILE_NAME,
        message_vi=f"Tệp không ghi mã chi bộ (trang Thông tin); các dòng không ghi mã được "
        f"tính cho chi bộ {cell} theo tên tệp",
        message_en=f"The workbook gives no cell code (Thông tin sheet); rows without one are "
        f"taken as cell {cell}'s, from the file name",
    )


CELL_FROM_FILE_NAME = "cell_from_file_name"
#: A cell code at the start of a file name: ``CB-012_2024.xlsx``, ``cb-7 nam 2024.xls``.
_CODE_IN_NAME = re.compile(r"^([A-Za-zĐđ]{1,6}-\d{1,6})(?=$|[_ .\-])")


def _finish(result: FileResult) -> FileResult:
    """Count the file's rows, and make it an error when no sheet held a table."""
    if not result.tables_found:
        result.input = _with_error(
            result.input,
            "Không tìm thấy bảng chi bộ, kế hoạch hay sinh hoạt nào trong tệp",
            "No cells, plan or sessions table found in the workbook",
        )
    rejected = len(result.rejected)  # one entry per row (a row's errors are in one)
    accepted = sum(len(v.get("row", [])) for v in result.rows.values()) + len(result.waivers)
    result.input = result.input.model_copy(
        update={"rows": RowCounts(read=accepted + rejected, accepted=accepted, rejected=rejected)}
    )
    return result


def _default_cell(ids: set[str], rel: str) -> str | None:
    """The cell a file's plan and session rows belong to when they name none: the one
    cell the file's own cells rows give, or, when they give none, a cell code that
    starts the file's name (``CB-012_2024.xlsx``)."""
    if ids:
        return next(iter(ids)) if len(ids) == 1 else None
    match = _CODE_IN_NAME.match(PurePath(rel).name)
    return match.group(1) if match else None


def combine_parts(parts: Sequence[FileResult], order: Sequence[str]) -> FileResult | None:
    """One file's result from its parts' (read by :func:`read_part`), as reading it whole
    would give; ``None`` when it must be read whole after all.

    That happens only when rows without a cell code of their own met a part that did
    not know the file's one cell (its "Thông tin" sheet was in another part).
    """
    for part in parts:
        if part.input.status != "ok":  # a sheet could not be read: neither can the file
            return part
    ids = [set(part.rows["cells"].get("cell_id", [])) for part in parts]
    everyone = set().union(*ids)
    rel = parts[0].input.file
    for part, own in zip(parts, ids, strict=True):
        if part.without_cell and _default_cell(own, rel) != _default_cell(everyone, rel):
            return None
    result = FileResult(parts[0].input)
    for part in parts:
        for table, columns in part.rows.items():
            if not columns.get("row"):
                continue
            if result.rows[table].get("row"):
                _extend_columns(result.rows[table], columns)
            else:  # the first part with rows of this table: its columns as they are
                result.rows[table] = columns
        result.rejected += part.rejected
        result.waivers += part.waivers
        result.notes += [
            note for note in part.notes if not (everyone and note.code == CELL_FROM_FILE_NAME)
        ]
        result.read_seconds += part.read_seconds
        result.validate_seconds += part.validate_seconds
        result.tables_found = result.tables_found or part.tables_found
        result.without_cell += part.without_cell
    position = {name: index for index, name in enumerate(order)}
    for columns in result.rows.values():
        _in_sheet_order(columns, position)
    return _finish(result)


def _in_sheet_order(columns: Columns, position: dict[str, int]) -> None:
    """Put a table's rows in the order of their sheets (a stable sort: each sheet's rows
    keep their order), as reading the workbook whole gives them."""
    keys = [position.get(sheet, len(position)) for sheet in columns.get("sheet", [])]
    if all(a <= b for a, b in itertools.pairwise(keys)):
        return
    order = sorted(range(len(keys)), key=keys.__getitem__)
    for name, values in columns.items():
        columns[name] = [values[index] for index in order]


def _with_error(current: InputFile, vi: str, en: str) -> InputFile:
    return current.model_copy(update={"status": "error", "error": vi, "error_en": en})


def _has_content(sheet: Sheet) -> bool:
    return any(not is_blank(row) for row in sheet.rows)


def _key_value_record(rel: str, plan: _SheetPlan, result: FileResult) -> None:
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
    plan: _SheetPlan,
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
    verdicts = each_distinct(functools.partial(_primary_ok, table), keys)
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
        _extend_columns(result.rows[table], records)


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


def merge(results: Sequence[FileResult]) -> Dataset:
    """One Dataset from many files, with cell ids spelled the same everywhere."""
    tables: dict[str, Columns] = {
        table: {name: [] for name in table_columns(table)} for table in TABLES
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
        dataset.waivers.extend(result.waivers)
    spelling: dict[str, str] = {}
    for table in TABLES:
        for cell_id in dict.fromkeys(tables[table]["cell_id"]):
            if cell_id:
                spelling.setdefault(cell_id.casefold(), cell_id)
    for table in TABLES:
        ids = tables[table]["cell_id"]
        tables[table]["cell_id"] = each_distinct(
            lambda cell_id: spelling[cell_id.casefold()] if cell_id else None, ids
        )
    for table in TABLES:
        setattr(dataset, table, frame_from_columns(table, tables[table]))
    if any(tables[table]["row"] for table in MEMBER_TABLES):
        resolve_members(dataset)
    return dataset


def failed_file(found: Found, reason_vi: str, reason_en: str) -> FileResult:
    """The result of a file whose reading crashed or overran its time limit."""
    return _error_result(found, reason_vi, reason_en)


def _failed_part(part: FilePart, reason_vi: str, reason_en: str, limits: Limits) -> FileResult:
    """The result of a part whose worker crashed or overran its time limit. A large
    workbook was parsed while it was being guarded: the guard, asked now, may know the
    file's real fault."""
    if part.sheet_of:
        try:
            inspect_file(part.found.path, limits)
        except ReadError as problem:
            reason_vi, reason_en = problem.reason_vi, problem.reason_en
        except Exception:  # the crash's reason stands
            pass
    return _error_result(part.found, reason_vi, reason_en)


#: From this size on disk a workbook is read in parts, one per worker (a cell's own
#: workbook is tens of KB; a province's consolidated log of 200,000 rows is 9 MB).
SPLIT_BYTES = 2 * 1024 * 1024


def split_file(found: Found, limits: Limits, workers: int) -> list[FilePart] | FileResult:
    """The parts a large .xlsx is read in: its sheets dealt to ``workers`` by unpacked
    size, the largest first (one part when it has one sheet); or the file's error result
    when the guard refuses it.

    The guard's checks of the zip directory and of the XML parts' heads run here, in the
    parent, before any worker opens the file or this one reads its sheet list; each
    part's worker scans its own sheets' XML while it parses them.
    """
    try:
        checked = inspect_file(found.path, limits, scan=_nothing)
        parts = sheet_parts(found.path) if checked.kind == "zip" else {}
    except ReadError as problem:
        return _error_result(found, problem.reason_vi, problem.reason_en)
    except Exception:  # a worker meets it again and says what it is
        return [FilePart(found)]
    loads = [0] * workers
    groups: list[set[str]] = [set() for _ in range(workers)]
    for name in sorted(parts, key=lambda name: -parts[name][1]):
        lightest = loads.index(min(loads))
        groups[lightest].add(name)
        loads[lightest] += parts[name][1]
    others = [frozenset(group) for group in groups[1:] if group]
    sheet_of = {member: name for name, (member, _) in parts.items()}
    if not others:
        return [FilePart(found, sheet_of=sheet_of)]
    order = tuple(parts)
    return [
        FilePart(found, leave=frozenset().union(*others), order=order, sheet_of=sheet_of),
        *(FilePart(found, take=group, order=order, sheet_of=sheet_of) for group in others),
    ]


def _nothing(_member: str) -> bool:
    return False


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
    if workers <= 0:
        for index, item in enumerate(found):
            with native_output_silenced():
                results[index] = read_file(item, limits)
            if progress is not None:
                progress(index + 1, len(found), item.rel)
    else:
        readable = [i for i, item in enumerate(found) if not item.skipped]
        for index, item in enumerate(found):
            if item.skipped:
                results[index] = read_file(item, limits)
        if readable:
            _read_in_workers(found, readable, results, limits, workers, progress, preload)
    return _timed(merge([r for r in results if r is not None]), discovered)


def _size(found: Found) -> int:
    try:
        return found.path.stat().st_size
    except OSError:
        return 0


def _read_in_workers(
    found: Sequence[Found],
    readable: list[int],
    results: list[FileResult | None],
    limits: Limits,
    workers: int,
    progress: Progress | None,
    preload: Sequence[str],
) -> None:
    """Fill ``results[i]`` for every readable file, in bounded worker processes.

    The parent checks the large files and deals their sheets into parts while the
    workers start: forked, at once; from the fork server, which first imports the
    pipeline, in a moment.
    """
    large = {i for i in readable if workers > 1 and _size(found[i]) >= SPLIT_BYTES}
    count = workers if large else min(workers, len(readable))
    done = 0

    def finished(index: int, result: FileResult) -> None:
        nonlocal done
        results[index] = result
        done += 1
        if progress is not None:
            progress(done, len(readable), found[index].rel)

    def parts() -> list[tuple[int, FilePart]]:
        tasks: list[tuple[int, FilePart]] = []
        for index in readable:
            split = split_file(found[index], limits, count) if index in large else None
            if isinstance(split, FileResult):
                finished(index, split)
            else:
                tasks += [(index, part) for part in split or [FilePart(found[index])]]
        return tasks

    if forks_first(limits):
        pool = WorkerPool(read_part, limits, count, preload=preload)
        try:
            tasks = parts()
        except BaseException:
            pool.close()
            raise
    else:
        # the fork server imports the pipeline meanwhile
        with ThreadPoolExecutor(max_workers=1) as starter:
            starting = starter.submit(WorkerPool, read_part, limits, count, preload=preload)
            try:
                tasks = parts()
            except BaseException:
                starting.result().close()
                raise
            pool = starting.result()

    def failed(part: FilePart, reason_vi: str, reason_en: str) -> FileResult:
        return _failed_part(part, reason_vi, reason_en, limits)

    with pool:
        parts_of = Counter(index for index, _ in tasks)
        got: dict[int, list[tuple[int, FileResult]]] = {}
        again: list[int] = []
        for position, result in pool.run([part for _, part in tasks], failed):
            index, part = tasks[position]
            if part.whole:
                finished(index, result)
                continue
            got.setdefault(index, []).append((position, result))
            if len(got[index]) == parts_of[index]:
                combined = combine_parts([r for _, r in sorted(got.pop(index))], part.order)
                if combined is None:
                    again.append(index)
                else:
                    finished(index, combined)
        whole = [FilePart(found[i]) for i in again]
        for position, result in pool.run(whole, failed):
            finished(again[position], result)


def _timed(dataset: Dataset, discovered: float) -> Dataset:
    dataset.stats["discover_seconds"] = discovered
    return dataset
