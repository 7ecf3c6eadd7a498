"""report.xlsx of the sample year as it prints: converted by LibreOffice headless."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from auditor.audit import run_audit
from tests.office import LIBREOFFICE, POPPLER, convert, pdf_info, pdf_text

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
TOOLS = LIBREOFFICE and POPPLER


@pytest.mark.skipif(not TOOLS, reason="LibreOffice or poppler-utils not installed")
def test_sample_report_prints_one_landscape_page_a_sheet_numbered(tmp_path: Path) -> None:
    """The sample year's sheets are short (its member tables too): each prints on one
    page, one page wide."""
    run_audit([SAMPLE], year=2024, out=tmp_path, workers=0)
    (pdf,) = convert([tmp_path / "report.xlsx"], "pdf", tmp_path, profile=tmp_path / "profile")
    fields = dict(line.split(":", 1) for line in pdf_info(pdf).splitlines() if ":" in line)
    pages = int(fields["Pages"])
    with zipfile.ZipFile(tmp_path / "report.xlsx") as package:
        sheets = sum(n.startswith("xl/worksheets/sheet") for n in package.namelist())
    assert sheets == 11 and pages == sheets
    width, _, height = fields["Page size"].split()[:3]
    assert (round(float(width)), round(float(height))) == (842, 595)  # A4 landscape
    text = pdf_text(pdf, layout=False)
    for page in range(1, pages + 1):  # every page numbered in its footer
        assert f"Trang {page}/{pages}" in text
    for title in ("Tổng hợp", "Vi phạm", "Dòng bị loại", "Quy tắc", "Vi phạm đảng viên"):
        assert title in text
