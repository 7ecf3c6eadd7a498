"""Merging results: a large workbook's parts into the file's result, and every file's
result into one :class:`~auditor.ingest.dataset.Dataset`, as reading them one by one in
order would give.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from auditor.ingest.dataset import Columns, Dataset, frame_from_columns, table_columns
from auditor.ingest.file_result import (
    TABLES,
    FileResult,
    cell_of_file,
    extend_columns,
    finish,
)
from auditor.ingest.records import each_distinct
from auditor.ingest.sheet_rows import CELL_FROM_FILE_NAME
from auditor.members.resolve import resolve_members
from auditor.models import MEMBER_TABLES, InputFile, Note, RejectedRow, Waiver


def combine_parts(parts: Sequence[FileResult], order: Sequence[str]) -> FileResult | None:
    """One file's result from its parts' (read by :func:`auditor.ingest.parts.read_part`),
    as reading it whole would give; ``None`` when it must be read whole after all.

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
        if part.without_cell and cell_of_file(own, rel) != cell_of_file(everyone, rel):
            return None
    result = FileResult(parts[0].input)
    # the note that rows took the file name's cell is the file's: once, and only when no
    # part knew the cell
    named = bool(everyone)
    for part in parts:
        for table, columns in part.rows.items():
            if not columns.get("row"):
                continue
            if result.rows[table].get("row"):
                extend_columns(result.rows[table], columns)
            else:  # the first part with rows of this table: its columns as they are
                result.rows[table] = columns
        result.rejected += part.rejected
        result.waivers += part.waivers
        for note in part.notes:
            if note.code == CELL_FROM_FILE_NAME:
                if named:
                    continue
                named = True
            result.notes.append(note)
        result.read_seconds += part.read_seconds
        result.validate_seconds += part.validate_seconds
        result.tables_found = result.tables_found or part.tables_found
        result.without_cell += part.without_cell
    position = {name: index for index, name in enumerate(order)}
    for columns in result.rows.values():
        _in_sheet_order(columns, position)
    return finish(result)


def _in_sheet_order(columns: Columns, position: dict[str, int]) -> None:
    """Put a table's rows in the order of their sheets (a stable sort: each sheet's rows
    keep their order), as reading the workbook whole gives them."""
    keys = [position.get(sheet, len(position)) for sheet in columns.get("sheet", [])]
    if all(a <= b for a, b in itertools.pairwise(keys)):
        return
    order = sorted(range(len(keys)), key=keys.__getitem__)
    for name, values in columns.items():
        columns[name] = [values[index] for index in order]


class Merger:
    """Every file's result merged into one :class:`~auditor.ingest.dataset.Dataset`, one
    result at a time, in the files' order.

    The reader adds each file's rows as soon as it and every file before it are read,
    while the workers read the next ones, so that only the dataset's tables are left to
    build once the last file is read (appending 5,000 cells' rows took 0.08 of the
    merge's 0.3 CPU s, all of it after the reading, with both cores waiting)."""

    def __init__(self) -> None:
        self.tables: dict[str, Columns] = {
            table: {name: [] for name in table_columns(table)} for table in TABLES
        }
        # Plain lists until the end: a Dataset's empty frames start pandas' Arrow strings,
        # which reserve a GB of address space, and the reading workers are forked only
        # from a parent that holds little (pool.forks_first).
        self.inputs: list[InputFile] = []
        self.rejected: list[RejectedRow] = []
        self.notes: list[Note] = []
        self.waivers: list[Waiver] = []
        self.stats = {"read_seconds": 0.0, "validate_seconds": 0.0}

    def add(self, result: FileResult) -> None:
        """The next file's result (files are added in the order of their files)."""
        tables = self.tables
        for table, columns in result.rows.items():
            if columns.get("row"):
                extend_columns(tables[table], columns)
        self.inputs.append(result.input)
        self.stats["read_seconds"] += result.read_seconds
        self.stats["validate_seconds"] += result.validate_seconds
        self.rejected.extend(result.rejected)
        self.notes.extend(result.notes)
        self.waivers.extend(result.waivers)

    def merged(self, year: int | None = None) -> Dataset:
        """The Dataset of the results added, with cell ids spelled the same everywhere
        (see :func:`merge` for ``year``)."""
        tables = self.tables
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
        # the tables given, not set after: a Dataset made without them makes each one
        # empty first (0.04 s for nothing, with the workers done and waiting)
        frames = {table: frame_from_columns(table, tables[table]) for table in TABLES}
        dataset = Dataset(
            **frames,
            inputs=self.inputs,
            rejected=self.rejected,
            notes=self.notes,
            waivers=self.waivers,
            stats=self.stats,
        )
        if year is not None:
            from auditor.year_files import set_aside_other_years

            dataset = set_aside_other_years(dataset, year)
        if any(len(getattr(dataset, table)) for table in MEMBER_TABLES):
            resolve_members(dataset)
        return dataset


def merge(results: Sequence[FileResult], year: int | None = None) -> Dataset:
    """One Dataset from many files, with cell ids spelled the same everywhere.

    With ``year``, the files of other years are set aside (:mod:`auditor.year_files`)
    before the member rows are tied to members: a member keeps his code from year to
    year, so last year's members list beside this year's must neither make this year's
    codes duplicates nor lend its names to this year's rows."""
    merger = Merger()
    for result in results:
        merger.add(result)
    return merger.merged(year)
