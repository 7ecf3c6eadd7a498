"""Printable documents in the Party's format (Hướng dẫn 36-HD/VPTW): a notice per cell,
the board's report of the year and the proposed ranking list, each as an editable
``.docx`` and a PDF.

Layout under ``OUT/van_ban/``: ``thong_bao/<đảng bộ>/<mã chi bộ>.docx|.pdf`` (the same
folders and names as the per-cell workbooks), ``bao_cao_<năm>.docx|.pdf`` and
``danh_sach_xep_loai_<năm>.docx|.pdf``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from auditor.models import MemberResult, RejectedRow, Report
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
from auditor.runtime import worker_context

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
#: From this many cells the notices are written by several processes (one per core, at
#: most ``MAX_WORKERS``): a notice is pure Python work, 50-60 ms here.
PARALLEL_CELLS = 100
MAX_WORKERS = 4

#: One notice to write: cell id, its path without suffix, its number, its rejected rows.
_Job = tuple[str, Path, int | None, list[RejectedRow]]


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
    workers: int | None = None,
) -> list[Path]:
    """Write the notices, the report and the ranking list under ``out_dir/van_ban``;
    returns the paths written (sorted). Notices are numbered from
    ``letterhead.first_number`` in cell-id order when it is set; ``workers`` processes
    write them (default: one per core) from :data:`PARALLEL_CELLS` cells on."""
    root = Path(out_dir) / FOLDER
    written: list[Path] = []
    rejected = cell_rejected(report, files_by_cell)
    paths = per_cell_paths(report, root / "thong_bao")
    jobs: list[_Job] = []
    for i, cell in enumerate(sorted(report.cells, key=lambda c: c.cell_id)):
        number = None if letterhead.first_number is None else letterhead.first_number + i
        stem = paths[cell.cell_id].with_suffix("")
        jobs.append((cell.cell_id, stem, number, rejected[cell.cell_id]))
    if workers is None:
        workers = min(MAX_WORKERS, os.cpu_count() or 1)
    if workers > 1 and len(jobs) >= PARALLEL_CELLS:
        # interleaved shares: the notices of one đảng bộ are alike in length
        shares = [jobs[k::workers] for k in range(workers)]
        with ProcessPoolExecutor(max_workers=workers, mp_context=worker_context()) as pool:
            futures = [
                pool.submit(_notices, report, list(rules), letterhead, share) for share in shares
            ]
            for future in futures:
                written += future.result()
    else:
        written += _notices(report, rules, letterhead, jobs)
    doc = board_report(report, rules, letterhead, cells_without_sessions=cells_without_sessions)
    written += _write(doc, root / f"bao_cao_{report.year}")
    written += _write(ranking_list(report, letterhead), root / f"danh_sach_xep_loai_{report.year}")
    return sorted(written)


def _notices(
    report: Report, rules: Sequence[RuleSummary], letterhead: Letterhead, jobs: Sequence[_Job]
) -> list[Path]:
    cells = {c.cell_id: c for c in report.cells}
    members: dict[str, list[MemberResult]] = {}
    for member in report.members:
        members.setdefault(member.cell_id, []).append(member)
    written: list[Path] = []
    for cell_id, stem, number, rejected in jobs:
        doc = notice(
            report,
            cells[cell_id],
            rules,
            letterhead,
            rejected=rejected,
            number=number,
            members=members.get(cell_id, []),
        )
        written += _write(doc, stem)
    return written
