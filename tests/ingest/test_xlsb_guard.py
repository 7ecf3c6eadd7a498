"""The guard sizes an .xlsb sheet by its farthest cell with a value, as calamine does.

The files are python-calamine's ``base.xlsb`` (tests/data/python-calamine, MIT) with one
number of its first sheet changed: the row of a row header, the column of a cell.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

from auditor.ingest import load
from auditor.ingest.guard import _biff12_records
from auditor.ingest.read import read_sheets

BASE = Path(__file__).resolve().parents[1] / "data" / "python-calamine" / "base.xlsb"


def _records(data: bytes) -> list[tuple[int, int]]:
    """(type, payload offset) of each BIFF12 record, walked as the guard walks them."""
    return [(kind, offset) for kind, offset, _length in _biff12_records(data)]


def _moved(out: Path, row: int, col: int | None = None) -> Path:
    """base.xlsb with its first row holding a value moved to ``row`` (1-based), and that
    row's first value cell to column ``col``."""
    with zipfile.ZipFile(BASE) as source, zipfile.ZipFile(out, "w") as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.bin":
                patched = bytearray(data)
                records = _records(data)
                for number, (kind, at) in enumerate(records):
                    following = [k for k, _ in records[number + 1 : number + 3]]
                    if kind == 0 and any(2 <= k <= 11 for k in following):
                        struct.pack_into("<I", patched, at, row - 1)
                        cell = next(a for k, a in records[number + 1 :] if 2 <= k <= 11)
                        if col is not None:
                            struct.pack_into("<I", patched, cell, col - 1)
                        break
                data = bytes(patched)
            copy.writestr(info, data)
    return out


def test_an_xlsb_with_a_value_far_away_is_refused_naming_its_sheet(tmp_path: Path) -> None:
    entry = load([_moved(tmp_path / "far.xlsb", 1_048_571, 16_001)]).inputs[0]
    assert entry.status == "error"
    assert entry.error_en is not None
    assert "sheet “Sheet1” holds values to 1,048,571 rows × 16,001 columns" in entry.error_en
    assert entry.error is not None
    assert "trang tính “Sheet1” có giá trị tới 1.048.571 dòng × 16.001 cột" in entry.error


def test_an_xlsb_within_the_limits_is_read_to_its_farthest_value(tmp_path: Path) -> None:
    path = _moved(tmp_path / "tall.xlsb", 2_000)
    assert load([path]).inputs[0].error_en == (
        "No cells, plan or sessions table found in the workbook"
    )
    assert len(read_sheets(path)[0].rows) == 2_000
