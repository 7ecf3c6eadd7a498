"""Workbooks as other programs save them: format swaps, .xlsb, password-protected files.

The files under ``tests/data/python-calamine/`` come from python-calamine's own tests
(MIT; see the README there).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from auditor.ingest import load
from auditor.ingest.read import read_sheets

CALAMINE = Path(__file__).resolve().parents[1] / "data" / "python-calamine"
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"


def test_xlsb_reads_the_same_cells_as_xlsx() -> None:
    assert (
        read_sheets(CALAMINE / "base.xlsb")[0].rows == read_sheets(CALAMINE / "base.xlsx")[0].rows
    )
    entry = load([CALAMINE / "base.xlsb"]).inputs[0]
    assert entry.error_en == "No cells, plan or sessions table found in the workbook"


@pytest.mark.parametrize("name", ["password.xls", "password.xlsx", "password.xlsb", "password.ods"])
def test_password_protected_files_are_named_as_such(name: str) -> None:
    entry = load([CALAMINE / name]).inputs[0]
    assert entry.status == "error"
    assert entry.error == "Tệp có mật khẩu, không đọc được"
    assert entry.error_en == "The file is password-protected"


@pytest.mark.parametrize(
    ("source", "swapped"),
    [
        ("Tong_hop_2024.xlsx", "Tong_hop_2024.ods"),
        ("Dang_bo_xa_Tan_Lap/CB-003_2024.ods", "CB-003_2024.xlsx"),
        ("Dang_bo_xa_Tan_Lap/CB-003_2024.ods", "CB-003_2024.xlsb"),
    ],
)
def test_a_workbook_saved_under_another_formats_name_is_read_by_content(
    tmp_path: Path, source: str, swapped: str
) -> None:
    plain = load([SAMPLE / source])
    copy = tmp_path / swapped
    shutil.copyfile(SAMPLE / source, copy)
    renamed = load([copy])
    assert renamed.inputs[0].status == "ok"
    assert renamed.inputs[0].rows == plain.inputs[0].rows
    for table in ("cells", "plan", "sessions"):
        left = getattr(plain, table).drop(columns=["file"])
        right = getattr(renamed, table).drop(columns=["file"])
        assert left.equals(right), table
