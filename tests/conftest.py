"""Factories for tiny workbooks in every accepted format, and the sessions they hold."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

Rows = Sequence[Sequence[Any]]
#: (sheet name, rows, merged ranges as "A1:B1" strings)
SheetSpec = tuple[str, Rows] | tuple[str, Rows, Sequence[str]]


def _xlsx(path: Path, sheets: Sequence[SheetSpec]) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for spec in sheets:
        name, rows = spec[0], spec[1]
        sheet = workbook.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(row=r, column=c, value=value)
        for merged in spec[2] if len(spec) > 2 else ():  # type: ignore[misc]
            sheet.merge_cells(merged)
    workbook.save(path)


def _xls(path: Path, sheets: Sequence[SheetSpec]) -> None:
    from benchmarks.sample import SheetOut, write_xls

    write_xls(path, [SheetOut(spec[0], [list(r) for r in spec[1]]) for spec in sheets])


def _ods(path: Path, sheets: Sequence[SheetSpec]) -> None:
    from benchmarks.sample import SheetOut, write_ods

    write_ods(path, [SheetOut(spec[0], [list(r) for r in spec[1]]) for spec in sheets])


def write_workbook(path: Path, sheets: Sequence[SheetSpec]) -> Path:
    """Write ``sheets`` in the format the suffix names (.xlsx/.xlsm, .xls, .ods)."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        _xlsx(path, sheets)
    elif suffix == ".xls":
        _xls(path, sheets)
    elif suffix == ".ods":
        _ods(path, sheets)
    else:
        raise ValueError(suffix)
    return path


SESSION_HEADER = [
    "STT",
    "Ngày sinh hoạt",
    "Loại sinh hoạt",
    "Chủ đề",
    "Ngày duyệt dự thảo",
    "Ngày gửi dự thảo",
    "Tổng số đảng viên",
    "Số có mặt",
    "Kết luận",
    "Ngày kết luận",
    "Ngày báo cáo cấp trên",
]


def info_sheet(
    cell_id: str = "CB-001", name: str = "Chi bộ thôn 1", parent: str = "Đảng bộ xã A"
) -> SheetSpec:
    return (
        "Thông tin",
        [
            ["THÔNG TIN CHI BỘ"],
            ["Mã chi bộ", cell_id],
            ["Tên chi bộ", name],
            ["Đảng bộ", parent],
        ],
    )


def session_row(
    n: int,
    date: Any,
    kind: str = "TK",
    topic: str | None = None,
    total: Any = 20,
    present: Any = 18,
) -> list[Any]:
    day = date if isinstance(date, dt.date) else None
    approved = day - dt.timedelta(days=8) if day else None
    sent = day - dt.timedelta(days=5) if day else None
    concluded = day + dt.timedelta(days=2) if day else None
    reported = day + dt.timedelta(days=7) if day else None
    return [n, date, kind, topic, approved, sent, total, present, "Có", concluded, reported]


@pytest.fixture
def workbook(tmp_path: Path) -> Callable[..., Path]:
    """``workbook("name.xlsx", sheets)`` writes a tiny workbook under tmp_path."""

    def make(name: str, sheets: Sequence[SheetSpec]) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return write_workbook(path, sheets)

    return make
