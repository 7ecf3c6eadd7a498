"""Sheet planning: which table each sheet of a workbook holds, found from its header
row, its name, or its key-value lines (a cell's "Thông tin" sheet), before any row is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from auditor.ingest.headers import match_header
from auditor.ingest.layout import TableLayout, all_tables, find_header, key_values, sheet_table
from auditor.ingest.read import Sheet


@dataclass
class SheetPlan:
    """A sheet and what it holds: a table (its layout), a cell's key-value lines, or neither."""

    sheet: Sheet
    layout: TableLayout | None
    key_value: dict[str, tuple[int, str, Any]] | None = None


def plan_sheet(sheet: Sheet) -> SheetPlan:
    """What ``sheet`` holds: the table its name promises if its header is found, else
    any table whose header is found, else a cell's key-value lines, else nothing."""
    named = sheet_table(sheet.name)
    rows = sheet.rows
    pairs = key_values(rows) if named == "cells" else None
    # A key-value sheet answers at once; matching each label row as a possible header
    # was a fifth of the time spent on a small per-cell workbook.
    if pairs and "cell_id" in pairs and match_header("cells", str(pairs["cell_id"][2])) is None:
        return SheetPlan(sheet, None, pairs)
    if named is not None:
        layout = find_header(rows, (named,))
        if layout is None and pairs and "cell_id" in pairs:
            return SheetPlan(sheet, None, pairs)
        if layout is None and named == "attendance":  # the grid form, one column a month
            layout = find_header(rows, ("attendance_grid",))
        # A "Miễn trừ" sheet holds waivers or nothing: its "Ngày" column must not make
        # it a sessions table.
        if layout is not None or named == "waivers":
            return SheetPlan(sheet, layout)
    layout = find_header(rows, all_tables())
    if layout is not None:
        return SheetPlan(sheet, layout)
    pairs = key_values(rows) if pairs is None else pairs
    if "cell_id" in pairs and "cell_name" in pairs:
        return SheetPlan(sheet, None, pairs)
    return SheetPlan(sheet, None)
