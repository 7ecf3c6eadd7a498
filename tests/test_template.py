"""Next year's templates read back cleanly, filled or empty, and after LibreOffice."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from auditor.cli import app
from auditor.engine import evaluate
from auditor.ingest import load
from auditor.report.safe import safe_filename
from auditor.rulepack import load_pack
from auditor.template import TemplateCell, read_cells_list, write_templates
from tests.office import LIBREOFFICE, convert

YEAR = 2025
ROOT = Path(__file__).resolve().parent.parent
CELL = TemplateCell("CB-101", "Chi bộ thôn Một", "Đảng bộ xã Mẫu", "nông thôn", 20, "Nguyễn An")
TOPICS = ["Học tập tư tưởng Hồ Chí Minh", "Phát triển kinh tế", "An ninh trật tự", "Xây dựng Đảng"]


def _template(tmp_path: Path, cells: list[TemplateCell] | None = None) -> list[Path]:
    return write_templates(cells or [CELL], year=YEAR, out_dir=tmp_path / "tpl")


def _fill_cell(book: openpyxl.Workbook, plan_row: int, session_row: int, shift: int) -> None:
    """What a compliant cell writes into its lines over the year; ``shift`` is 1 when the
    sheets carry a "Mã chi bộ" column (the consolidated workbook)."""
    plan = book["Kế hoạch"]
    for q in range(4):
        row = plan_row + q
        plan.cell(row, 2 + shift, ["I", "II", "III", "IV"][q])
        plan.cell(row, 3 + shift, TOPICS[q])
        plan.cell(row, 4 + shift, "1 - Chính trị, tư tưởng, đạo đức")
        plan.cell(row, 5 + shift, "Đ/c An")
        plan.cell(row, 6 + shift, dt.datetime(YEAR, 1, 6))
        plan.cell(row, 7 + shift, dt.datetime(YEAR, 1, 9))
    sessions = book["Sinh hoạt"]
    for month in range(1, 13):
        row = session_row + month - 1
        day = dt.datetime(YEAR, month, 10)
        thematic = month % 3 == 2
        values = {
            2: day,
            3: "Thường kỳ + chuyên đề" if thematic else "Thường kỳ",
            9: 20,
            10: 1,
            11: 17,
            12: 2,
            13: "Có",
            16: "Có",
        }
        if thematic:
            values.update(
                {
                    4: TOPICS[(month - 1) // 3],
                    7: day - dt.timedelta(days=9),
                    8: day - dt.timedelta(days=5),
                    14: day + dt.timedelta(days=3),
                    15: day + dt.timedelta(days=10),
                }
            )
        for col, value in values.items():
            sessions.cell(row, col + shift, value)


def _fill(path: Path) -> None:
    """Fill a per-cell template (validations kept: openpyxl keeps them on save)."""
    book = openpyxl.load_workbook(path)
    _fill_cell(book, 2, 2, 0)
    book.save(path)


def _rules(dataset: object) -> Counter[str]:
    found = evaluate(dataset, load_pack(), year=YEAR).violations  # type: ignore[arg-type]
    return Counter(v.rule for vs in found.values() for v in vs)


def test_empty_template_reads_with_no_rejected_row_and_an_empty_years_violations(
    tmp_path: Path,
) -> None:
    cell_file = _template(tmp_path)[0]
    data = load([cell_file])
    assert not data.rejected and data.inputs[0].status == "ok"
    assert list(data.cells["cell_id"]) == ["CB-101"]
    assert _rules(data) == Counter({"KH01": 1, "CD01": 4, "TK01": 12})


def test_filled_template_reads_back_with_no_rejected_row_and_no_violation(tmp_path: Path) -> None:
    cell_file = _template(tmp_path)[0]
    _fill(cell_file)
    data = load([cell_file])
    assert not data.rejected
    assert (len(data.plan), len(data.sessions)) == (4, 12)
    assert _rules(data) == Counter()


def test_consolidated_template_reads_back_clean(tmp_path: Path) -> None:
    cells = [CELL, TemplateCell("CB-102", "Chi bộ Hai", "Đảng bộ xã Mẫu")]
    consolidated = _template(tmp_path, cells)[-1]
    data = load([consolidated])
    assert not data.rejected
    assert list(data.cells["cell_id"]) == ["CB-101", "CB-102"]
    assert len(data.plan) == 0 and len(data.sessions) == 0


def test_filled_consolidated_template_reads_back_with_no_violation(tmp_path: Path) -> None:
    cells = [CELL, TemplateCell("CB-102", "Chi bộ Hai", "Đảng bộ xã Mẫu")]
    consolidated = _template(tmp_path, cells)[-1]
    book = openpyxl.load_workbook(consolidated)
    assert [book["Kế hoạch"].cell(r, 2).value for r in (2, 6)] == ["CB-101", "CB-102"]
    assert [book["Sinh hoạt"].cell(r, 2).value for r in (2, 16)] == ["CB-101", "CB-102"]
    ids = [v for v in book["Sinh hoạt"].data_validations.dataValidation if v.sqref.ranges]
    assert any(str(v.formula1) == "_danh_muc!$F$1:$F$2" for v in ids)
    for index in range(len(cells)):
        _fill_cell(book, 2 + 4 * index, 2 + 14 * index, 1)
    book.save(consolidated)
    data = load([consolidated])
    assert not data.rejected
    assert Counter(data.sessions["cell_id"]) == Counter({"CB-101": 12, "CB-102": 12})
    assert Counter(data.plan["cell_id"]) == Counter({"CB-101": 4, "CB-102": 4})
    assert _rules(data) == Counter()


def test_cells_table_as_a_dataframe(tmp_path: Path) -> None:
    table = pd.DataFrame(
        {
            "cell_id": ["CB-2", "CB-1"],
            "cell_name": ["Hai", "Một"],
            "parent": [pd.NA, "P"],
            "members": pd.array([None, 12], dtype="Int64"),
        }
    )
    written = write_templates(table, year=YEAR, out_dir=tmp_path / "tpl")
    names = sorted(p.relative_to(tmp_path / "tpl").as_posix() for p in written)
    assert names == ["Chua_ghi_dang_bo/CB-2_2025.xlsx", "P/CB-1_2025.xlsx", "Tong_hop_2025.xlsx"]
    assert openpyxl.load_workbook(written[0])["Thông tin"]["B5"].value == 12


def test_templates_from_the_sample_data_read_back_clean_once_filled(tmp_path: Path) -> None:
    cells = read_cells_list(ROOT / "sample_data")
    assert len(cells) == 14
    written = write_templates(cells, year=YEAR, out_dir=tmp_path / "tpl")
    for path in written[:-1]:
        _fill(path)
    data = load([p.parent for p in written[:-1]])
    assert not data.rejected
    assert sorted(set(data.sessions["cell_id"])) == [c.cell_id for c in cells]
    assert _rules(data) == Counter()


def test_one_template_per_cell_in_folders_per_parent(tmp_path: Path) -> None:
    cells = [CELL, TemplateCell("CB-201", "Chi bộ B", "Đảng bộ phường B")]
    written = _template(tmp_path, cells)
    names = sorted(p.relative_to(tmp_path / "tpl").as_posix() for p in written)
    assert names == [
        "Tong_hop_2025.xlsx",
        "Đảng bộ phường B/CB-201_2025.xlsx",
        "Đảng bộ xã Mẫu/CB-101_2025.xlsx",
    ]


def test_template_file_names_are_made_as_the_reports_are(tmp_path: Path) -> None:
    """A cells list typed by hand: the folders and files are named by the report's own
    sanitiser, so a Windows device name or a decomposed Vietnamese name works as there."""
    cells = [
        TemplateCell("CON", "Chi bộ C", "Đảng bộ: xã A/B. "),
        TemplateCell("CB-7", "Chi bộ 7", unicodedata.normalize("NFD", "Đảng bộ  phường Ấp")),
    ]
    names = sorted(p.relative_to(tmp_path / "tpl").as_posix() for p in _template(tmp_path, cells))
    assert names == [
        "Tong_hop_2025.xlsx",
        "Đảng bộ phường Ấp/CB-7_2025.xlsx",
        "Đảng bộ_ xã A_B/CON__2025.xlsx",
    ]
    for cell in cells:
        assert (tmp_path / "tpl" / safe_filename(cell.parent or "")).is_dir()


def test_template_has_dropdowns_date_limits_protection_and_the_packs_rules(
    tmp_path: Path,
) -> None:
    cell_file = _template(tmp_path)[0]
    book = openpyxl.load_workbook(cell_file)
    sessions = book["Sinh hoạt"]
    assert sessions.protection.sheet
    assert sessions["B2"].protection.locked is False and sessions["B1"].protection.locked
    kinds = [v for v in sessions.data_validations.dataValidation if v.type == "list"]
    assert kinds and all(v.formula1.startswith("_danh_muc!") for v in kinds)
    dates = [v for v in sessions.data_validations.dataValidation if v.type == "date"]
    assert dates and all(v.prompt for v in dates)
    texts = [c.value for row in book["Hướng dẫn"].iter_rows() for c in row if c.value]
    for rule in load_pack().rules:
        assert rule.id in texts
    assert book["Thông tin"]["B1"].value == "CB-101"


def test_instructions_follow_the_selected_pack_with_its_points(tmp_path: Path) -> None:
    pack = load_pack("quan-doi", sets=["TK02.enabled=false", "CD01.points=7"])
    written = write_templates([CELL], year=YEAR, out_dir=tmp_path / "tpl", pack=pack)
    ids = {r.id for r in pack.rules}
    for path in written:
        sheet = openpyxl.load_workbook(path)["Hướng dẫn"]
        listed = {row[0]: row[2] for row in sheet.iter_rows(values_only=True) if row[0] in ids}
        assert listed == {r.id: r.points for r in pack.enabled_rules}
        assert "DD01" in listed and "TK02" not in listed and listed["CD01"] == 7


def test_text_from_the_cells_table_is_never_a_formula(tmp_path: Path) -> None:
    hostile = TemplateCell(
        "=1+1", '=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "+1+1", None, "@SUM(A1)"
    )
    written = _template(tmp_path, [hostile, TemplateCell("-2", "+1+1", "\t=1")])
    for path in written:
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                assert all(c.data_type != "f" for c in row), (path.name, sheet.title)
    info = openpyxl.load_workbook(written[0])["Thông tin"]
    assert [info[f"B{r}"].value for r in (1, 2, 4)] == [
        "=1+1",
        '=HYPERLINK("http://x","y")',
        "+1+1",
    ]


def test_text_shaped_like_rich_text_markup_is_written_as_it_reads(tmp_path: Path) -> None:
    markup = '<r><t>a</t></r></is><f>HYPERLINK("http://x.invalid","y")</f><is><r><t>b</t></r>'
    written = _template(tmp_path, [TemplateCell("CB-1", markup, "<r>broken</r>")])
    book = openpyxl.load_workbook(written[0])  # well-formed XML
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(c.data_type != "f" for c in row), sheet.title
    assert [book["Thông tin"][f"B{r}"].value for r in (2, 3)] == [markup, "<r>broken</r>"]


def test_cli_template_from_the_sample_cells_list_and_from_report_json(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "template",
            "--year",
            "2025",
            "--cells",
            str(ROOT / "sample_data" / "Tong_hop_2024.xlsx"),
            "--out",
            str(tmp_path / "a"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "a").rglob("*.xlsx"))) == 4
    report = tmp_path / "report.json"
    report.write_text(
        '{"cells": [{"cell_id": "CB-9", "cell_name": "Chín", "parent": "P"}]}', encoding="utf-8"
    )
    assert [c.cell_id for c in read_cells_list(report)] == ["CB-9"]
    assert (
        runner.invoke(
            app,
            [
                "template",
                "--year",
                "2025",
                "--cells",
                str(tmp_path / "no"),
                "--out",
                str(tmp_path / "b"),
            ],
        ).exit_code
        == 2
    )


@pytest.mark.skipif(not LIBREOFFICE, reason="LibreOffice not installed")
def test_libreoffice_conversions_read_back_identically(tmp_path: Path) -> None:
    cell_file = _template(tmp_path)[0]
    _fill(cell_file)
    original = load([cell_file])
    converted = tmp_path / "converted"
    for fmt in ("ods", "xls"):
        convert([cell_file], fmt, converted, profile=tmp_path / "lo-profile", timeout=180)
    for fmt in ("ods", "xls"):
        data = load([converted / f"{cell_file.stem}.{fmt}"])
        assert not data.rejected, fmt
        for table in ("cells", "plan", "sessions"):
            left = getattr(original, table).drop(columns=["file"]).reset_index(drop=True)
            right = getattr(data, table).drop(columns=["file"]).reset_index(drop=True)
            assert left.astype(str).equals(right.astype(str)), (fmt, table)
        assert _rules(data) == Counter()
