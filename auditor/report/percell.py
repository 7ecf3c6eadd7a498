"""One workbook per cell, in one folder per parent: what the cell itself must fix.

Layout: ``OUT/<parent>/<cell id>.xlsx`` (``OUT/(Không ghi đảng bộ)/...`` for cells without
a parent); names are made portable with :func:`~auditor.report.safe.safe_filename` and a
``_2``, ``_3``... suffix when two names become the same. Each workbook has "Kết quả"
(score, band, rank, quota), "Vi phạm" (violations with evidence and remedy) and
"Dòng bị loại" (rejected rows of the cell's files). A cell with members in the member
tables (members.md) also gets "Đảng viên" (each member's months, studies, quiz and 6 tốt
months), "Vi phạm đảng viên" (each member finding with its evidence) and, when the cell
held quizzes, "Thi trắc nghiệm" (each month's winners); a cell without members gets the
three sheets above and nothing else, as before member tables existed.

Which files are the cell's: ``files_by_cell[cell_id]`` when given (see
:func:`~auditor.report.common.cell_files`), else the evidence files of its violations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from auditor.models import CellResult, MemberResult, QuizWinners, RejectedRow, Report
from auditor.report.common import (
    BAND_NAMES_VI,
    NO_PARENT_VI,
    RuleSummary,
    band_changes_text,
    format_date,
    reorg_lines,
)
from auditor.report.excel import (
    MEMBER_HEADERS,
    MEMBER_VIOLATION_HEADERS,
    QUIZ_HEADERS,
    REJECTED_HEADERS,
    VIOLATION_HEADERS,
    member_rows,
    member_violation_rows,
    quiz_rows,
    rejected_rows,
    violation_rows,
)
from auditor.report.safe import safe_filename
from auditor.report.xlsx import Book, Styled

__all__ = ["per_cell_paths", "write_per_cell"]


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate.lower() in taken:
        candidate = f"{name}_{n}"
        n += 1
    taken.add(candidate.lower())
    return candidate


def per_cell_paths(report: Report, out_dir: Path) -> dict[str, Path]:
    """Where each cell's workbook goes (deterministic, collision-free)."""
    folders: dict[str | None, str] = {}
    taken_folders: set[str] = set()
    parents = sorted({c.parent for c in report.cells}, key=lambda p: (p is None, p or ""))
    for parent in parents:
        folders[parent] = _unique(safe_filename(parent or NO_PARENT_VI), taken_folders)
    taken_files: dict[str, set[str]] = {}
    paths: dict[str, Path] = {}
    for cell in sorted(report.cells, key=lambda c: c.cell_id):
        folder = folders[cell.parent]
        stem = _unique(safe_filename(cell.cell_id), taken_files.setdefault(folder, set()))
        paths[cell.cell_id] = Path(out_dir) / folder / f"{stem}.xlsx"
    return paths


def _result_rows(
    cell: CellResult, report: Report, members: Sequence[MemberResult]
) -> list[list[Any]]:
    moves = [m for m in report.quota_moves if m.cell_id == cell.cell_id]
    counted = (
        [
            ["Số đảng viên", len(members)],
            ["Vi phạm của đảng viên", sum(len(m.violations) for m in members)],
        ]
        if members
        else []
    )
    return [
        ["Mã chi bộ", cell.cell_id],
        ["Tên chi bộ", cell.cell_name or ""],
        ["Đảng bộ", cell.parent or ""],
        ["Năm kiểm tra", report.year],
        ["Tính đến ngày", report.as_of],
        ["Điểm", Styled(cell.score, "bold")],
        ["Xếp loại", Styled(cell.band, f"band:{cell.band}")],
        ["", BAND_NAMES_VI[cell.band]],
        [
            "Xếp loại trước chỉ tiêu",
            Styled(cell.band_before_quota, f"band:{cell.band_before_quota}"),
        ],
        ["Thứ hạng", f"{cell.rank}/{len(report.cells)}"],
        ["Tổng điểm trừ", cell.points_lost],
        ["Số vi phạm", len(cell.violations)],
        ["Điều chỉnh theo chỉ tiêu", "; ".join(m.message_vi for m in moves)],
        ["Lý do hạ xếp loại", band_changes_text(cell)],
        *([label, text] for label, text in reorg_lines(cell)),
        *counted,
    ]


def _title_lines(cell: CellResult, report: Report, sender: str, day: dt.date) -> list[list[Any]]:
    """What the workbook opens on, as a letter would: what it is, for whom, from whom and
    when (Vietnamese; the sheet below names every figure)."""
    where = f" — {cell.parent}" if cell.parent else ""
    return [
        [Styled(f"KẾT QUẢ KIỂM TRA SINH HOẠT CHI BỘ NĂM {report.year}", "title")],
        [Styled(f"{cell.cell_name or cell.cell_id} ({cell.cell_id}){where}", "bold")],
        [f"Nơi gửi: {sender}"],
        [f"Ngày lập: {format_date(day)} (số liệu tính đến ngày {format_date(report.as_of)})"],
        [],
    ]


def _member_sheets(
    book: Book,
    members: Sequence[MemberResult],
    quizzes: Sequence[QuizWinners],
    rules: Sequence[RuleSummary],
    report: Report,
) -> None:
    """The cell's members and their findings, without the cell's id on every row."""
    book.table("Đảng viên", MEMBER_HEADERS[1:], member_rows(members, who=False))
    book.table(
        "Vi phạm đảng viên",
        MEMBER_VIOLATION_HEADERS[1:],
        member_violation_rows(members, rules, who=False),
    )
    if quizzes:
        names = {m.member_id: m.member_name for m in members}
        book.table(
            "Thi trắc nghiệm", QUIZ_HEADERS[1:], quiz_rows(quizzes, names, report.year, who=False)
        )


def write_per_cell(
    report: Report,
    rules: Sequence[RuleSummary],
    out_dir: Path,
    files_by_cell: Mapping[str, set[str]] | None = None,
    *,
    sender: str = "Ban Tổ chức",
    day: dt.date | None = None,
) -> list[Path]:
    """Write one workbook per cell under ``out_dir``; returns their paths (sorted).

    Each opens on a titled summary naming the year, the cell, who sends it (``sender``,
    the letterhead's issuing body) and the day (``day``, by default the report's as-of
    date), since the board sends it back to the cell as it is."""
    day = day or report.as_of
    paths = per_cell_paths(report, Path(out_dir))
    rejected_by_file: dict[str, list[RejectedRow]] = {}
    for r in report.rejected_rows:
        rejected_by_file.setdefault(r.file, []).append(r)
    members_by_cell: dict[str, list[MemberResult]] = {}
    for member in report.members:
        members_by_cell.setdefault(member.cell_id, []).append(member)
    quiz_by_cell: dict[str, list[QuizWinners]] = {}
    for quiz in report.quiz:
        quiz_by_cell.setdefault(quiz.cell_id, []).append(quiz)
    for cell in report.cells:
        members = members_by_cell.get(cell.cell_id, [])
        path = paths[cell.cell_id]
        path.parent.mkdir(parents=True, exist_ok=True)
        if files_by_cell is not None:
            files = set(files_by_cell.get(cell.cell_id, set()))
        else:
            files = {e.file for v in cell.violations for e in v.evidence}
        book = Book(path, small=True)
        try:
            book.table(
                "Kết quả",
                ["Mục", "Giá trị"],
                _result_rows(cell, report, members),
                preamble=_title_lines(cell, report, sender, day),
                filter_=False,
            )
            book.table(
                "Vi phạm",
                VIOLATION_HEADERS[3:],  # the cell's own workbook: no parent, id or name columns
                violation_rows([cell], rules, report.year, who=False),
            )
            book.table(
                "Dòng bị loại",
                REJECTED_HEADERS,
                rejected_rows(r for f in sorted(files) for r in rejected_by_file.get(f, [])),
            )
            if members:
                _member_sheets(book, members, quiz_by_cell.get(cell.cell_id, []), rules, report)
        finally:
            book.close()
    return sorted(paths[c.cell_id] for c in report.cells)
