"""What the importer hands to the rest of the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from auditor.models import RECORD_TYPES, InputFile, Note, RejectedRow, Waiver

#: Columns of each table's DataFrame that hold dates (pandas datetime64, NaT when blank).
DATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "cells": ("active_from", "active_to", "parent_since"),
    "plan": ("plan_issued", "plan_reported"),
    "sessions": (
        "date",
        "draft_approved",
        "draft_sent",
        "conclusion_date",
        "reported",
        "prep_meeting",
        "notice_sent",
        "posted",
    ),
    "members": ("joined", "left"),
    "attendance": ("date",),
    "attendance_grid": (),
    "study": ("date",),
    "quiz": ("quiz_date",),
    "six_good": (),
}
#: Columns holding whole numbers (pandas nullable ``Int64``).
INT_COLUMNS: dict[str, tuple[str, ...]] = {
    "cells": ("members", "disciplined"),
    "plan": ("quarter", "topic_group"),
    "sessions": (
        "topic_group",
        "members_total",
        "exempted",
        "present",
        "absent_excused",
        "start_time",
        "end_time",
        "minutes_long",
    ),
    "members": (),
    "attendance": (),
    "attendance_grid": (),
    "study": (),
    "quiz": ("month", "questions", "seconds", "submitted"),
    "six_good": ("month", "criteria_met"),
}


def table_columns(table: str) -> list[str]:
    """Record fields in model order, then the provenance columns ``file, sheet, row``."""
    return [*RECORD_TYPES[table].model_fields, "file", "sheet", "row"]


def empty_table(table: str) -> pd.DataFrame:
    return frame_from_rows(table, [])


#: A table column by column: field name -> values, all of one length.
Columns = dict[str, list[Any]]


def frame_from_rows(table: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    """Build a table's DataFrame with stable dtypes whatever the rows hold."""
    columns = table_columns(table)
    return frame_from_columns(table, {c: [row.get(c) for row in rows] for c in columns})


def frame_from_columns(table: str, data: Columns) -> pd.DataFrame:
    """Build a table's DataFrame from its columns (a missing one is blank)."""
    columns = table_columns(table)
    count = len(data.get("row", []))
    whole = INT_COLUMNS[table]

    def column_of(name: str) -> pd.Series:
        values = data.get(name) or [None] * count
        return _whole_numbers(values) if name in whole else pd.Series(values, dtype=object)

    frame = pd.DataFrame({c: column_of(c) for c in columns}, columns=columns)
    for column in DATE_COLUMNS[table]:
        frame[column] = pd.to_datetime(frame[column], errors="raise").astype("datetime64[ns]")
    frame["row"] = frame["row"].astype("int64")
    for column in ("conclusion", "minutes"):
        if column in frame:
            frame[column] = frame[column].astype(bool)
    return frame


#: Whole numbers up to this size pass through a float exactly.
_EXACT_IN_FLOAT = 2**53


def _whole_numbers(values: list[Any]) -> pd.Series:
    """Whole numbers or ``None`` as a nullable ``Int64`` column.

    Through float64 it takes a third of ``astype("Int64")``'s time (0.1 s less for the
    five count columns of 200,000 sessions); a value a float cannot hold exactly, or a
    fraction (which ``astype`` refuses), takes the slow way.
    """
    try:
        floats = np.array(values, dtype=float)  # None -> nan
    except (OverflowError, TypeError, ValueError):
        return pd.Series(values, dtype=object).astype("Int64")
    blank = np.isnan(floats)
    filled = np.where(blank, 0.0, floats)
    if len(values) and (
        np.abs(filled).max() >= _EXACT_IN_FLOAT or (filled != np.trunc(filled)).any()
    ):
        return pd.Series(values, dtype=object).astype("Int64")
    return pd.Series(pd.arrays.IntegerArray(filled.astype(np.int64), blank))


@dataclass
class Dataset:
    """Every record read, every row refused, every note, and one status per file.

    ``cells``, ``plan`` and ``sessions`` are DataFrames whose columns are the fields of
    :class:`~auditor.models.CellRecord`, :class:`~auditor.models.PlanRecord` and
    :class:`~auditor.models.SessionRecord` plus ``file``, ``sheet`` and ``row`` (1-based,
    as a spreadsheet program shows it). Dates are ``datetime64[ns]`` (NaT when blank),
    counts nullable ``Int64``, text ``object`` with ``None`` for blank.
    """

    cells: pd.DataFrame = field(default_factory=lambda: empty_table("cells"))
    plan: pd.DataFrame = field(default_factory=lambda: empty_table("plan"))
    sessions: pd.DataFrame = field(default_factory=lambda: empty_table("sessions"))
    inputs: list[InputFile] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    #: The member tables (members.md), as the others: record fields, file, sheet, row.
    #: Rows naming a member carry the member's code and cell once resolved.
    members: pd.DataFrame = field(default_factory=lambda: empty_table("members"))
    attendance: pd.DataFrame = field(default_factory=lambda: empty_table("attendance"))
    attendance_grid: pd.DataFrame = field(default_factory=lambda: empty_table("attendance_grid"))
    study: pd.DataFrame = field(default_factory=lambda: empty_table("study"))
    quiz: pd.DataFrame = field(default_factory=lambda: empty_table("quiz"))
    six_good: pd.DataFrame = field(default_factory=lambda: empty_table("six_good"))
    #: Waivers written in the workbooks' ``Miễn trừ`` sheets (refused ones are rejected).
    waivers: list[Waiver] = field(default_factory=list)
    #: Where the import's time went: ``discover_seconds`` (wall), and ``read_seconds`` /
    #: ``validate_seconds`` summed over files (in whichever process read them).
    stats: dict[str, float] = field(default_factory=dict)
