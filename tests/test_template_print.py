"""Templates as they print: converted to PDF by LibreOffice headless, page by page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from auditor.ingest.headers import FIELDS
from auditor.template import PLAN_COLUMNS, SESSION_COLUMNS, TemplateCell, write_templates
from tests.office import LIBREOFFICE, POPPLER, convert, pdf_info, pdf_pages, pdf_text

TOOLS = LIBREOFFICE and POPPLER
CELL = TemplateCell("CB-101", "Chi bộ thôn Một", "Đảng bộ xã Mẫu", "nông thôn", 20, "Nguyễn An")
# The first and the last header of every printed sheet: both on a page means the page holds
# every column, i.e. the sheet prints one page wide (its header row repeated on each page).
EDGES = {
    "Hướng dẫn": ("Mã", "Cách làm đúng"),
    "Thông tin": (FIELDS["cells"]["cell_id"][0], "CB-101"),
    "Kế hoạch": ("STT", FIELDS["plan"][PLAN_COLUMNS[-1]][0]),
    "Sinh hoạt": ("STT", FIELDS["sessions"][SESSION_COLUMNS[-1]][0]),
    "Danh sách chi bộ": (FIELDS["cells"]["cell_id"][0], FIELDS["cells"]["previous_name"][0]),
    "Miễn trừ": ("STT", FIELDS["waivers"]["expires"][0]),
    "Đảng viên": ("STT", FIELDS["members"]["left"][0]),
    "Điểm danh": ("STT", "T12"),
    "Học tập nghị quyết": ("STT", FIELDS["study"]["quiz_score"][0]),
    "Thi trắc nghiệm": ("STT", FIELDS["quiz"]["submitted"][0]),
}
MEMBER_SHEETS = ["Đảng viên", "Điểm danh", "Học tập nghị quyết", "Thi trắc nghiệm"]


def _pages(pdf: Path) -> list[tuple[tuple[int, int], str]]:
    """(width, height) in points and the text of every page of ``pdf``."""
    total = pdf_pages(pdf)
    sizes = pdf_info(pdf, 1, total)
    found = re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", sizes, re.M)
    pages = []
    for number, (width, height) in enumerate(found, start=1):
        text = pdf_text(pdf, number)
        pages.append(((round(float(width)), round(float(height))), " ".join(text.split())))
    assert len(pages) == total
    return pages


@pytest.mark.skipif(not TOOLS, reason="LibreOffice or poppler-utils not installed")
def test_every_template_sheet_prints_a4_landscape_one_page_wide_titled_and_numbered(
    tmp_path: Path,
) -> None:
    written = write_templates(
        [CELL, TemplateCell("CB-102", "Chi bộ thôn Hai", "Đảng bộ xã Mẫu")],
        year=2025,
        out_dir=tmp_path / "tpl",
    )
    books = {"cell": written[0], "consolidated": written[-1]}
    expected = {
        "cell": ["Hướng dẫn", "Thông tin", "Kế hoạch", "Sinh hoạt", *MEMBER_SHEETS, "Miễn trừ"],
        "consolidated": [
            "Hướng dẫn",
            "Danh sách chi bộ",
            "Kế hoạch",
            "Sinh hoạt",
            *MEMBER_SHEETS,
            "Miễn trừ",
        ],
    }
    for kind, book in books.items():
        (pdf,) = convert([book], "pdf", tmp_path / kind, profile=tmp_path / "profile")
        pages = _pages(pdf)
        seen: list[str] = []
        for number, (size, text) in enumerate(pages, start=1):
            assert size == (842, 595), (kind, number)  # A4 landscape
            assert "Sổ theo dõi sinh hoạt chi bộ năm 2025" in text, (kind, number)
            assert re.search(r"Trang \d+/\d+", text), (kind, number)
            sheet = next(s for s in expected[kind] if f"— {s}" in text)
            if sheet not in seen:
                seen.append(sheet)
            first, last = EDGES[sheet]
            assert first in text and last in text, (kind, number, sheet)
        assert seen == expected[kind]  # each sheet printed, none hidden ones (_danh_muc)
