"""One workbook per cell, in a folder per parent, with what the cell must fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from openpyxl.utils.escape import unescape

from auditor.report import cell_files, write_per_cell
from auditor.report.safe import safe_filename
from tests import report_factories as f


def rows(sheet: Any) -> list[list[Any]]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_one_workbook_per_cell_in_parent_folders(tmp_path: Path) -> None:
    cells, moves = f.scored_run()
    report = f.report(
        cells,
        quota_moves=moves,
        rejected=[f.rejected_row("A/CB002.xlsx"), f.rejected_row("other.xlsx", row=3)],
    )
    written = write_per_cell(report, f.rules(), tmp_path / "chi_bo")
    assert len(written) == len(cells) == len(set(written))
    assert all(p.exists() for p in written)
    names = sorted(str(p.relative_to(tmp_path / "chi_bo")) for p in written)
    assert names == [
        "(Không ghi đảng bộ)/CB005.xlsx",
        "Đảng bộ xã A/CB001.xlsx",
        "Đảng bộ xã A/CB002.xlsx",
        "Đảng bộ xã A/CB003.xlsx",
        "Đảng bộ xã B/CB004.xlsx",
    ]
    book = openpyxl.load_workbook(tmp_path / "chi_bo" / "Đảng bộ xã A" / "CB002.xlsx")
    assert book.sheetnames == ["Kết quả", "Vi phạm", "Dòng bị loại"]
    result = dict((r[0], r[1]) for r in rows(book["Kết quả"])[1:] if r[0])
    assert result["Mã chi bộ"] == "CB002" and result["Điểm"] == 95
    assert result["Xếp loại"] == "HTTNV" and result["Xếp loại trước chỉ tiêu"] == "HTXSNV"
    assert result["Thứ hạng"] == "4/5"
    assert result["Điều chỉnh theo chỉ tiêu"].startswith("Vượt chỉ tiêu")
    violations = rows(book["Vi phạm"])
    assert [r[0] for r in violations[1:]] == ["CD02", "TK01"]
    assert violations[1][6] == "Khắc phục CD02"
    assert violations[1][8:11] == ["A/CB002.xlsx", "Sinh hoạt", 12]
    rejected = rows(book["Dòng bị loại"])
    assert [r[:3] for r in rejected[1:]] == [["A/CB002.xlsx", "Sinh hoạt", 14]]


def test_files_by_cell_picks_the_rejected_rows(tmp_path: Path) -> None:
    report = f.report(
        [f.cell("CB001"), f.cell("CB002", rank=1)],
        rejected=[f.rejected_row("one.xlsx"), f.rejected_row("two.xlsx")],
    )
    sessions = pd.DataFrame({"cell_id": ["CB001", "CB002"], "file": ["one.xlsx", "two.xlsx"]})
    mapping = cell_files(report, [sessions])
    assert mapping == {"CB001": {"one.xlsx"}, "CB002": {"two.xlsx"}}
    written = write_per_cell(report, f.rules(), tmp_path, files_by_cell=mapping)
    first = openpyxl.load_workbook(written[0])["Dòng bị loại"]
    assert [r[0] for r in rows(first)[1:]] == ["one.xlsx"]


def test_hostile_names_stay_inside_the_folder_and_never_collide(tmp_path: Path) -> None:
    report = f.report(
        [
            f.cell("../../etc/x", parent="../..", name="=1+1"),
            f.cell("..\\..\\etc\\x", parent="..", name="+1", rank=1),
            f.cell("CON", parent=None, rank=1),
            f.cell("a:b", parent="P", rank=1),
            f.cell("a?b", parent="P", rank=1),
        ]
    )
    out = tmp_path / "out"
    written = write_per_cell(report, f.rules(), out)
    assert len(written) == len(set(written)) == 5
    for path in written:
        assert path.resolve().is_relative_to(out.resolve())
        assert path.exists()
    for path in written:
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                assert all(c.data_type != "f" for c in row)
    names = {
        unescape(
            dict((r[0], r[1]) for r in rows(openpyxl.load_workbook(p)["Kết quả"]) if r[0])[
                "Tên chi bộ"
            ]
        )
        for p in written
    }
    assert {"=1+1", "+1"} <= names


def test_safe_filename() -> None:
    assert safe_filename("Đảng bộ xã A") == "Đảng bộ xã A"
    assert safe_filename("../x") == "_x"
    assert safe_filename("a/b\\c") == "a_b_c"
    assert safe_filename("CON") == "CON_"
    assert safe_filename("   ") == "_"
    assert safe_filename("x" * 200) == "x" * 80
