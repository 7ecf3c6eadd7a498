"""Printable documents in the Party's format (Hướng dẫn 36-HD/VPTW): a notice per cell,
the board's report of the year and the proposed ranking list, each as an editable
``.docx`` and a PDF.

Layout under ``OUT/van_ban/``: ``thong_bao/<đảng bộ>/<mã chi bộ>.docx|.pdf`` (the same
folders and names as the per-cell workbooks), ``bao_cao_<năm>.docx|.pdf`` and
``danh_sach_xep_loai_<năm>.docx|.pdf``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from auditor.models import RejectedRow, Report
from auditor.report.common import RuleSummary
from auditor.report.documents.content import board_report, notice, ranking_list
from auditor.report.documents.fonts import FontMissing
from auditor.report.documents.letterhead import (
    DEFAULT_LETTERHEAD,
    Letterhead,
    LetterheadError,
    load_letterhead,
)
from auditor.report.documents.model import Document
from auditor.report.documents.pdf import pdf_bytes
from auditor.report.documents.word import docx_bytes
from auditor.report.percell import per_cell_paths

__all__ = [
    "DEFAULT_LETTERHEAD",
    "Document",
    "FontMissing",
    "Letterhead",
    "LetterheadError",
    "board_report",
    "docx_bytes",
    "load_letterhead",
    "notice",
    "pdf_bytes",
    "ranking_list",
    "write_documents",
]

FOLDER = "van_ban"


def _write(doc: Document, stem: Path) -> list[Path]:
    stem.parent.mkdir(parents=True, exist_ok=True)
    word, pdf = stem.with_suffix(".docx"), stem.with_suffix(".pdf")
    word.write_bytes(docx_bytes(doc))
    pdf.write_bytes(pdf_bytes(doc))
    return [word, pdf]


def cell_rejected(
    report: Report, files_by_cell: Mapping[str, set[str]] | None
) -> dict[str, list[RejectedRow]]:
    """The rejected rows of each cell's files (as the per-cell workbooks list them)."""
    by_file: dict[str, list[RejectedRow]] = {}
    for r in report.rejected_rows:
        by_file.setdefault(r.file, []).append(r)
    out: dict[str, list[RejectedRow]] = {}
    for cell in report.cells:
        if files_by_cell is not None:
            files = files_by_cell.get(cell.cell_id, set())
        else:
            files = {e.file for v in cell.violations for e in v.evidence}
        out[cell.cell_id] = [r for f in sorted(files) for r in by_file.get(f, [])]
    return out


def write_documents(
    report: Report,
    rules: Sequence[RuleSummary],
    out_dir: Path,
    *,
    letterhead: Letterhead = DEFAULT_LETTERHEAD,
    files_by_cell: Mapping[str, set[str]] | None = None,
    cells_without_sessions: Sequence[str] = (),
) -> list[Path]:
    """Write the notices, the report and the ranking list under ``out_dir/van_ban``;
    returns the paths written (sorted). Notices are numbered from
    ``letterhead.first_number`` in cell-id order when it is set."""
    root = Path(out_dir) / FOLDER
    written: list[Path] = []
    rejected = cell_rejected(report, files_by_cell)
    paths = per_cell_paths(report, root / "thong_bao")
    for i, cell in enumerate(sorted(report.cells, key=lambda c: c.cell_id)):
        number = None if letterhead.first_number is None else letterhead.first_number + i
        doc = notice(
            report, cell, rules, letterhead, rejected=rejected[cell.cell_id], number=number
        )
        written += _write(doc, paths[cell.cell_id].with_suffix(""))
    doc = board_report(report, rules, letterhead, cells_without_sessions=cells_without_sessions)
    written += _write(doc, root / f"bao_cao_{report.year}")
    written += _write(ranking_list(report, letterhead), root / f"danh_sach_xep_loai_{report.year}")
    return sorted(written)
