"""Workbooks saved by a real spreadsheet program (LibreOffice Calc), in three formats.

The files in ``tests/data/libreoffice/`` hold one cell's messy log (title rows merged
across columns, a two-row merged header, blank rows, a total, a signature block, dates
as real dates, text, long form and a serial, an impossible date) as LibreOffice saves
them: its own shared strings, styles and BIFF8 records, not a Python writer's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from auditor.ingest import load

DATA = Path(__file__).parent.parent / "data" / "libreoffice"
FILES = sorted(DATA.glob("so_sinh_hoat_*"))  # the CB-… files: tests/ingest/test_program_saves.py


def test_all_three_formats_are_present() -> None:
    assert {p.suffix for p in FILES} == {".xls", ".xlsx", ".ods"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.suffix)
def test_libreoffice_files_read_the_same_in_every_format(path: Path) -> None:
    data = load([path])
    (entry,) = data.inputs
    assert entry.status == "ok"
    assert entry.rows.model_dump() == {"read": 10, "accepted": 9, "rejected": 1}
    assert data.cells.iloc[0]["cell_id"] == "CB-LO-01"
    assert list(data.plan["quarter"]) == [1, 2, 3, 4]
    sessions = data.sessions
    assert list(sessions["row"]) == [8, 9, 11, 13]
    assert list(sessions["date"].dt.date) == [
        dt.date(2024, 1, 10),
        dt.date(2024, 2, 12),
        dt.date(2024, 3, 15),
        dt.date(2024, 5, 15),
    ]
    assert list(sessions["kind"]) == ["regular", "regular", "regular+thematic", "regular"]
    thematic = sessions.iloc[2]
    assert thematic["draft_approved"].date() == dt.date(2024, 3, 1)
    assert thematic["draft_sent"].date() == dt.date(2024, 3, 5)
    (rejected,) = data.rejected
    assert (rejected.sheet, rejected.row, rejected.column, rejected.value) == (
        "Sổ sinh hoạt",
        12,
        "Ngày sinh hoạt",
        "31/04/2024",
    )
    assert rejected.reason_vi == "Ngày không tồn tại"
