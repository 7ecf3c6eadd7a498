"""The printed documents, looked at as a reader does: the PDF's text (pdftotext), its
fonts (pdffonts), its pages (pdfinfo, pdftoppm), and the .docx as Word reads it."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.audit import AuditResult, run_audit
from auditor.models import CellResult, Report
from auditor.report.documents import (
    DEFAULT_LETTERHEAD,
    Letterhead,
    LetterheadError,
    docx_bytes,
    load_letterhead,
    notice,
    pdf_bytes,
)
from auditor.report.documents.fonts import serif_files
from tests.office import LIBREOFFICE, NO_SERIF, SERIF, convert, pdf_pages, pdf_text

SAMPLE = Path(__file__).resolve().parents[3] / "sample_data"
POPPLER = shutil.which("pdftotext") and shutil.which("pdffonts") and shutil.which("pdftoppm")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
LETTERHEAD = Letterhead(
    superior="Huyện ủy An Phú",
    committee="Ban Tổ chức Huyện ủy",
    place="An Phú",
    number_prefix="BTCHU",
    first_number=101,
    signer_title="Trưởng ban",
    signer_name="Nguyễn Thị Hằng",
)


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> tuple[AuditResult, Path]:
    if not SERIF:
        pytest.skip(NO_SERIF)
    out = tmp_path_factory.mktemp("documents")
    result = run_audit(
        [SAMPLE],
        year=2024,
        out=out,
        workers=0,
        documents=True,
        letterhead=LETTERHEAD,
        generated_at="2025-01-15T08:00:00+00:00",
    )
    return result, out / "van_ban"


def _cell(report: Report, cell_id: str) -> CellResult:
    return next(c for c in report.cells if c.cell_id == cell_id)


def _notice_pdf(report: Report, root: Path, cell_id: str) -> Path:
    cell = _cell(report, cell_id)
    return root / "thong_bao" / (cell.parent or "") / f"{cell_id}.pdf"


def test_every_cell_gets_a_notice_and_the_board_its_report(audited: tuple[AuditResult, Path]):
    result, root = audited
    for cell in result.report.cells:
        pdf = _notice_pdf(result.report, root, cell.cell_id)
        assert pdf.stat().st_size > 0 and pdf.with_suffix(".docx").stat().st_size > 0
    for name in ("bao_cao_2024", "danh_sach_xep_loai_2024"):
        assert (root / f"{name}.pdf").exists() and (root / f"{name}.docx").exists()
    assert {p for p in result.written if "van_ban" in p.parts} == set(root.rglob("*.*"))


@needs_poppler
def test_notice_of_eleven_violations_reads_right_on_two_pages(audited):
    result, root = audited
    cell = _cell(result.report, "CB-013")
    assert len(cell.violations) == 11
    pdf = _notice_pdf(result.report, root, "CB-013")
    text = " ".join(pdf_text(pdf).split())
    for words in (
        "HUYỆN ỦY AN PHÚ",
        "BAN TỔ CHỨC HUYỆN ỦY",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "An Phú, ngày 15 tháng 01 năm 2025",
        "THÔNG BÁO",
        "Kết quả kiểm tra sinh hoạt chi bộ năm 2024",
        f"{cell.score}/100",
        "Không hoàn thành nhiệm vụ (KHTNV)",
        f"Thứ hạng: {cell.rank}/14",
        "Nơi nhận:",
        "T/M BAN TỔ CHỨC",
        "TRƯỞNG BAN",
        "Nguyễn Thị Hằng",
        "Cách khắc phục:",
    ):
        assert words in text, words
    # the notice number: cells numbered in id order from 101
    order = sorted(c.cell_id for c in result.report.cells)
    assert f"Số {101 + order.index('CB-013')}-TB/BTCHU" in text
    # every violation is told, with the row it was found on
    for v in cell.violations:
        assert " ".join(v.message_vi.split())[:40] in text
        for e in v.evidence:
            assert f"dòng {e.row}" in text
    assert "{" not in text  # remedies have their parameters filled in
    assert pdf_pages(pdf) <= 2


@needs_poppler
def test_fonts_are_embedded_and_pages_render(audited, tmp_path: Path):
    result, root = audited
    pdfs = [_notice_pdf(result.report, root, "CB-013"), *sorted(root.glob("*.pdf"))]
    for pdf in pdfs:
        listing = subprocess.run(
            ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        assert listing, pdf
        for line in listing:
            assert line.split()[-5] == "yes", line  # the "emb" column
        stem = tmp_path / pdf.stem
        subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(stem)], check=True)
        pngs = sorted(tmp_path.glob(f"{pdf.stem}*.png"))
        assert len(pngs) == pdf_pages(pdf)
        assert all(p.stat().st_size > 1000 for p in pngs)


@needs_poppler
def test_ranking_list_fits_one_page_best_first(audited):
    result, root = audited
    pdf = root / "danh_sach_xep_loai_2024.pdf"
    assert pdf_pages(pdf) == 1
    text = pdf_text(pdf)
    assert "DANH SÁCH" in text and "Đề nghị xếp loại chất lượng chi bộ năm 2024" in text
    positions = [text.index(c.cell_id) for c in sorted(result.report.cells, key=lambda c: c.rank)]
    assert positions == sorted(positions)


@needs_poppler
def test_board_report_summarises_the_year(audited):
    result, root = audited
    report = result.report
    text = " ".join(pdf_text(root / "bao_cao_2024.pdf").split())
    assert f"Số chi bộ được kiểm tra: {len(report.cells)}" in text
    assert f"số tệp nhận được: {len(report.inputs)}" in text
    assert f"Số dòng không hợp lệ phải sửa: {len(report.rejected_rows)}" in text
    for parent in {c.parent for c in report.cells}:
        assert parent in text
    for move in report.quota_moves:
        assert move.cell_id in text
    assert "CÁC THIẾU SÓT THƯỜNG GẶP" in text and "Biểu đồ" in text


def test_docx_is_editable_a4_times_with_the_same_figures(audited):
    result, root = audited
    cell = _cell(result.report, "CB-013")
    word = docx.Document(str(_notice_pdf(result.report, root, "CB-013").with_suffix(".docx")))
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    texts = [p.text for p in word.paragraphs]
    for table in word.tables:
        texts += [c.text for row in table.rows for c in row.cells]
    joined = "\n".join(texts)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in joined and "THÔNG BÁO" in joined
    assert f"{cell.score}/100" in joined and "T/M BAN TỔ CHỨC" in joined
    assert word.styles["Normal"].font.name == "Times New Roman"
    fonts = {r.font.name for p in word.paragraphs for r in p.runs if r.text.strip()}
    assert fonts == {None}  # every run takes the Normal style's face


@needs_poppler
@pytest.mark.skipif(not LIBREOFFICE, reason="LibreOffice not installed")
def test_the_docx_takes_as_many_pages_in_libreoffice_as_the_pdf(audited, tmp_path: Path):
    """Staff open the .docx in LibreOffice or Word: the 11-violation notice must still fit
    2 pages and the ranking list 1, as their PDFs do."""
    result, root = audited
    notice_pdf = _notice_pdf(result.report, root, "CB-013")
    pdfs = [notice_pdf, root / "danh_sach_xep_loai_2024.pdf", root / "bao_cao_2024.pdf"]
    docx = [p.with_suffix(".docx") for p in pdfs]
    convert(docx, "pdf", tmp_path / "lo", profile=tmp_path / "profile")
    converted = {p.stem: pdf_pages(tmp_path / "lo" / f"{p.stem}.pdf") for p in pdfs}
    assert converted == {p.stem: pdf_pages(p) for p in pdfs}
    assert converted["CB-013"] == 2 and converted["danh_sach_xep_loai_2024"] == 1
    text = " ".join(pdf_text(tmp_path / "lo" / "CB-013.pdf").split())
    assert "THÔNG BÁO" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in text


def test_documents_are_the_same_bytes_on_a_rerun(audited):
    result, _ = audited
    cell = _cell(result.report, "CB-012")
    doc = notice(result.report, cell, [], LETTERHEAD)
    assert pdf_bytes(doc) == pdf_bytes(doc)
    first = docx_bytes(doc)
    assert first == docx_bytes(doc)
    # The clock must not reach the package: a rerun in another second gives the same bytes.
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        assert {m.date_time for m in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}


@needs_poppler
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.text(
        alphabet=st.sampled_from("aăâbcdđeêghiklmnoôơpqrstuưvxyÀẢÃÁẠẰẲẴẮẶẦẨẪẤẬỀỂỄẾỆỲỶỸÝỴ <&>\"'{}"),
        min_size=1,
        max_size=40,
    ).filter(lambda s: s.strip())
)
def test_any_cell_name_reaches_the_pdf_intact(audited, tmp_path: Path, name: str):
    result, _ = audited
    cell = _cell(result.report, "CB-001").model_copy(update={"cell_name": name})
    pdf = tmp_path / "n.pdf"
    pdf.write_bytes(pdf_bytes(notice(result.report, cell, [], DEFAULT_LETTERHEAD)))
    assert " ".join(name.split()) in " ".join(pdf_text(pdf).split())
    docx_bytes(notice(result.report, cell, [], DEFAULT_LETTERHEAD))


def test_letterhead_file(tmp_path: Path):
    good = tmp_path / "tieu_de.yaml"
    good.write_text("committee: Ban Tổ chức Đảng ủy\nplace: Tân Lập\nfirst_number: 5\n", "utf-8")
    head = load_letterhead(good)
    assert (head.committee, head.place, head.first_number) == ("Ban Tổ chức Đảng ủy", "Tân Lập", 5)
    assert head.signer_title == DEFAULT_LETTERHEAD.signer_title
    bad = tmp_path / "sai.yaml"
    bad.write_text("comittee: x\n", "utf-8")
    with pytest.raises(LetterheadError, match="comittee"):
        load_letterhead(bad)
    broken = tmp_path / "hong.yaml"
    broken.write_text("committee: [\n", "utf-8")
    with pytest.raises(LetterheadError, match="YAML"):
        load_letterhead(broken)


@pytest.mark.skipif(not SERIF, reason=NO_SERIF)
def test_the_serif_has_vietnamese_glyphs():
    from PIL import ImageFont

    font = ImageFont.truetype(str(serif_files().regular), 20)
    for ch in "ăâđêôơưẠỆỸự":
        assert font.getmask(ch).getbbox() is not None, ch
