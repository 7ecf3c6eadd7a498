"""report.xlsx of the sample year as it prints: converted by LibreOffice headless."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from auditor.audit import run_audit

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
TOOLS = shutil.which("soffice") and shutil.which("pdfinfo") and shutil.which("pdftotext")


@pytest.mark.skipif(not TOOLS, reason="LibreOffice or poppler-utils not installed")
def test_sample_report_prints_in_ten_landscape_pages_numbered(tmp_path: Path) -> None:
    run_audit([SAMPLE], year=2024, out=tmp_path, workers=0)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "report.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdf = tmp_path / "report.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    fields = dict(line.split(":", 1) for line in info.stdout.splitlines() if ":" in line)
    pages = int(fields["Pages"])
    assert pages <= 10
    width, _, height = fields["Page size"].split()[:3]
    assert (round(float(width)), round(float(height))) == (842, 595)  # A4 landscape
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for page in range(1, pages + 1):  # every page numbered in its footer
        assert f"Trang {page}/{pages}" in text
    for title in ("Tổng hợp", "Vi phạm", "Dòng bị loại", "Quy tắc"):
        assert title in text
