"""``report.xlsx``: the run in Vietnamese, one sheet per kind of finding.

Sheets: "Tổng hợp" (one row per cell, points lost per rule), "Vi phạm" (one row per
violation and evidence row), "Chỉ tiêu 124" (cells moved by the quota), "Dòng bị loại",
"Tệp đầu vào", "Ghi chú", "Quy tắc" (rules applied) and "Thông tin" (the run); "Đã sáp
nhập" (cells merged into another, without a score) when the year has any.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from auditor.models import BANDS, CellResult, MemberResult, QuizWinners, RejectedRow, Report
from auditor.report.common import (
    BAND_NAMES_VI,
    PERIOD_KIND_VI,
    STATUS_VI,
    RuleSummary,
    band_changes_text,
    details_text,
    format_period,
    points_by_rule,
    remedy_text,
    reorg_lines,
    rule_columns,
    waiver_text,
)
from auditor.report.xlsx import Book, Elsewhere, Share, Styled

__all__ = ["SHARED_SHEETS", "shared_sheets", "sheet_share", "violation_rows", "write_excel"]

VIOLATION_HEADERS = [
    "Đảng bộ",
    "Mã chi bộ",
    "Tên chi bộ",
    "Quy tắc",
    "Nội dung quy tắc",
    "Kỳ",
    "Ngày sinh hoạt",
    "Điểm trừ",
    "Mô tả vi phạm",
    "Biện pháp khắc phục",
    "Chi tiết",
    "Tệp",
    "Trang tính",
    "Dòng",
    "Description (English)",
    "Miễn trừ",
]
REJECTED_HEADERS = [
    "Tệp",
    "Trang tính",
    "Dòng",
    "Bảng",
    "Cột",
    "Giá trị",
    "Lý do",
    "Các lỗi của dòng",
    "Reason (English)",
]


def _band(band: str) -> Styled:
    return Styled(band, f"band:{band}")


def violation_rows(
    cells: Sequence[CellResult], rules: Sequence[RuleSummary], year: int | None, *, who: bool
) -> Iterator[list[Any]]:
    """One row per violation and evidence row (one row with no position when none).

    ``who`` puts the cell's parent, id and name first (the run workbook)."""
    by_id = {r.id: r for r in rules}
    # a rule's title and remedy, and a period's words, worked out once (tens of
    # thousands of violations of a few dozen rules in a province year)
    shown: dict[str, tuple[str, str]] = {}
    periods: dict[str | None, str] = {}
    for cell in cells:
        lead: list[Any] = [cell.parent or "", cell.cell_id, cell.cell_name or ""] if who else []
        for v in cell.violations:
            known = shown.get(v.rule)
            if known is None:
                rule = by_id.get(v.rule)
                known = shown[v.rule] = (rule.title_vi, remedy_text(rule)) if rule else ("", "")
            period = periods.get(v.period)
            if period is None:
                period = periods[v.period] = format_period(v.period, year)
            base = [
                *lead,
                v.rule,
                known[0],
                period,
                v.date,
                v.points,
                v.message_vi,
                known[1],
                details_text(v.details),
            ]
            waived = waiver_text(v)
            if not v.evidence:
                yield [*base, "", "", None, v.message_en, waived]
            for e in v.evidence:
                yield [*base, e.file, e.sheet, e.row, v.message_en, waived]


def rejected_rows(rows: Iterable[RejectedRow]) -> Iterator[list[Any]]:
    for r in rows:
        errors = "; ".join(f"{e.column}: {e.reason_vi} ({e.value})" for e in r.errors)
        yield [r.file, r.sheet, r.row, r.table, r.column, r.value, r.reason_vi, errors, r.reason_en]


MEMBER_HEADERS = [
    "Mã chi bộ",
    "Mã đảng viên",
    "Họ và tên",
    "Tháng có mặt",
    "Vắng có lý do",
    "Vắng không lý do",
    "Tháng miễn",
    "Dự học nghị quyết",
    "Học bù",
    "Bài thu hoạch",
    "Tháng thi",
    "Lần thắng",
    "Điểm thi TB",
    "Tháng 6 tốt",
    "Vi phạm",
]


MEMBER_VIOLATION_HEADERS = [
    *MEMBER_HEADERS[:3],
    "Quy tắc",
    "Tên quy tắc",
    "Ngày/kỳ",
    "Nội dung",
    "Cách khắc phục",
    "Tệp",
    "Trang tính",
    "Dòng",
    "Finding (English)",
]


def member_rows(members: Iterable[MemberResult], *, who: bool = True) -> Iterator[list[Any]]:
    """One row per member (members.md): the year's counts and the rules broken.

    ``who`` puts the member's cell first (the run workbook; a cell's own has no need)."""
    for m in members:
        yield [
            *([m.cell_id] if who else []),
            m.member_id,
            m.member_name,
            m.months.present,
            m.months.excused,
            m.months.unexcused,
            m.months.exempt,
            m.studies.attended,
            m.studies.made_up,
            m.studies.reflections,
            m.quiz.months,
            m.quiz.wins,
            m.quiz.average,
            m.six_good_months,
            ", ".join(v.rule for v in m.violations),
        ]


def member_violation_rows(
    members: Iterable[MemberResult], rules: Sequence[RuleSummary], *, who: bool = True
) -> Iterator[list[Any]]:
    """One row per member violation and evidence row, as the cells' violations sheet."""
    by_id = {r.id: r for r in rules}
    for m in members:
        for v in m.violations:
            rule = by_id.get(v.rule)
            base = [
                *([m.cell_id] if who else []),
                m.member_id,
                m.member_name,
                v.rule,
                rule.title_vi if rule else "",
                v.date or _member_period(v.period),
                v.message_vi,
                remedy_text(rule) if rule else "",
            ]
            if not v.evidence:
                yield [*base, "", "", None, v.message_en]
            for e in v.evidence:
                yield [*base, e.file, e.sheet, e.row, v.message_en]


def _member_period(period: str | None) -> str:
    """A member finding's period as a reader says it: the year of DV01 is "Năm 2024"."""
    if period and len(period) == 4 and period.isdigit():
        return f"Năm {period}"
    return format_period(period)


QUIZ_HEADERS = ["Mã chi bộ", "Tháng", "Người thắng", "Số lượt thi"]


def quiz_rows(
    quizzes: Iterable[QuizWinners], names: Mapping[str, str], year: int, *, who: bool = True
) -> Iterator[list[Any]]:
    """One row per cell and month of the quiz: the winners by name and code."""
    for q in quizzes:
        yield [
            *([q.cell_id] if who else []),
            format_period(q.month, year),
            ", ".join(f"{names.get(w, w)} ({w})" for w in q.winners),
            q.attempts,
        ]


#: The sheets of report.xlsx another process may write a share of (:func:`sheet_share`):
#: the longest ones, one row per violation or per member (in a province year, 64,000
#: rows of violations; in a year of 1,000 cells with 20 members each, 20,000 members and
#: 28,000 rows of their findings, which took half of the workbook's time).
SHARED_SHEETS = ("Vi phạm", "Đảng viên", "Vi phạm đảng viên")


def _shared_table(
    report: Report, rules: Sequence[RuleSummary], name: str
) -> tuple[list[str], Iterator[list[Any]]]:
    """The headers and rows of the shared sheet ``name``: both processes make them here."""
    if name == "Vi phạm":
        return VIOLATION_HEADERS, violation_rows(report.cells, rules, report.year, who=True)
    if name == "Đảng viên":
        return MEMBER_HEADERS, member_rows(report.members)
    if name == "Vi phạm đảng viên":
        return MEMBER_VIOLATION_HEADERS, member_violation_rows(report.members, rules)
    raise KeyError(f"not a shared sheet of report.xlsx: {name}")


def shared_sheets(report: Report) -> list[str]:
    """The :data:`SHARED_SHEETS` ``report``'s workbook has, in the order it writes them."""
    return [name for name in SHARED_SHEETS if report.members or name == "Vi phạm"]


def sheet_share(report: Report, rules: Sequence[RuleSummary], name: str) -> Share:
    """The share of the shared sheet ``name`` another process writes for
    :func:`write_excel` (``elsewhere``)."""
    return Share(*_shared_table(report, rules, name))


def _shared(
    book: Book,
    report: Report,
    rules: Sequence[RuleSummary],
    name: str,
    elsewhere: Mapping[str, Elsewhere],
) -> None:
    headers, rows = _shared_table(report, rules, name)
    book.table(name, headers, rows, elsewhere=elsewhere.get(name))


def _member_sheets(
    book: Book, report: Report, rules: Sequence[RuleSummary], elsewhere: Mapping[str, Elsewhere]
) -> None:
    _shared(book, report, rules, "Đảng viên", elsewhere)
    _shared(book, report, rules, "Vi phạm đảng viên", elsewhere)
    names = {m.member_id: m.member_name for m in report.members}
    book.table("Thi trắc nghiệm", QUIZ_HEADERS, quiz_rows(report.quiz, names, report.year))


def _params_text(params: dict[str, Any]) -> str:
    return "; ".join(f"{k} = {params[k]}" for k in sorted(params))


def write_excel(
    report: Report,
    rules: Sequence[RuleSummary],
    path: Path,
    *,
    elsewhere: Mapping[str, Elsewhere] | None = None,
) -> None:
    """Write ``report.xlsx`` (Vietnamese).

    ``elsewhere`` reaches, by sheet name, another process's :func:`sheet_share` of the
    same report's :func:`shared_sheets`: the same workbook, a share of its longest sheets
    made and written on another core."""
    shares = elsewhere or {}
    columns = rule_columns(rules, report.cells)
    book = Book(Path(path))
    try:
        _summary(book, report, columns)
        _shared(book, report, rules, "Vi phạm", shares)
        names = {c.cell_id: c.cell_name or "" for c in report.cells}
        book.table(
            "Chỉ tiêu 124",
            ["Đảng bộ", "Mã chi bộ", "Tên chi bộ", "Điểm", "Từ", "Sang", "Lý do", "Reason"],
            (
                [
                    m.parent or "",
                    m.cell_id,
                    names.get(m.cell_id, ""),
                    m.score,
                    _band("HTXSNV"),
                    _band("HTTNV"),
                    m.message_vi,
                    m.message_en,
                ]
                for m in report.quota_moves
            ),
        )
        if report.merged_cells:
            book.table(
                "Đã sáp nhập",
                ["Đảng bộ", "Mã chi bộ", "Tên chi bộ", "Sáp nhập vào", "Ngày", "Ghi chú"],
                (
                    [
                        m.parent or "",
                        m.cell_id,
                        m.cell_name or "",
                        m.merged_into,
                        m.merged_on,
                        m.message_vi,
                    ]
                    for m in report.merged_cells
                ),
            )
        if report.members:
            _member_sheets(book, report, rules, shares)
        book.table("Dòng bị loại", REJECTED_HEADERS, rejected_rows(report.rejected_rows))
        book.table(
            "Tệp đầu vào",
            ["Tệp", "Trạng thái", "Số dòng đọc", "Dòng hợp lệ", "Dòng bị loại", "Lỗi", "SHA-256"],
            (
                [
                    i.file,
                    Styled(
                        STATUS_VI.get(i.status, i.status), "bold" if i.status != "ok" else "text"
                    ),
                    i.rows.read,
                    i.rows.accepted,
                    i.rows.rejected,
                    i.error or "",
                    i.sha256 or "",
                ]
                for i in report.inputs
            ),
        )
        book.table(
            "Ghi chú",
            ["Tệp", "Trang tính", "Dòng", "Mã", "Nội dung", "Note (English)"],
            (
                [n.file or "", n.sheet or "", n.row, n.code, n.message_vi, n.message_en]
                for n in report.notes
            ),
        )
        _rules_sheet(book, report, rules, columns)
        _run_sheet(book, report)
    finally:
        book.close()


def _summary(book: Book, report: Report, columns: list[str]) -> None:
    headers = [
        "Đảng bộ",
        "Mã chi bộ",
        "Tên chi bộ",
        "Điểm",
        "Xếp loại",
        "Xếp loại trước chỉ tiêu",
        "Thứ hạng",
        "Tổng điểm trừ",
        "Số vi phạm",
        "Điều chỉnh theo chỉ tiêu",
        "Lý do hạ xếp loại",
        "Tổ chức lại",
        *columns,
    ]
    counted: dict[str, list[int]] = {}
    if report.members:  # members.md: the board's report counts the members' findings
        headers[12:12] = ["Số đảng viên", "Vi phạm của đảng viên"]
        for m in report.members:
            count = counted.setdefault(m.cell_id, [0, 0])
            count[0] += 1
            count[1] += len(m.violations)
    rows = []
    for cell in report.cells:
        lost = points_by_rule(cell.violations)
        members = counted.get(cell.cell_id, [0, 0]) if report.members else []
        rows.append(
            [
                cell.parent or "",
                cell.cell_id,
                cell.cell_name or "",
                cell.score,
                _band(cell.band),
                _band(cell.band_before_quota),
                cell.rank,
                cell.points_lost,
                len(cell.violations),
                Styled("Có", "moved") if cell.moved_by_quota else "",
                band_changes_text(cell),
                "; ".join(f"{label}: {text}" for label, text in reorg_lines(cell)),
                *members,
                *(lost.get(rule) or None for rule in columns),
            ]
        )
    widths = [16, 12, 24, 7, 10, 12, 9, 9, 9, 12, 30, 20, *([9, 9] if report.members else [])]
    sheet = book.table("Tổng hợp", headers, rows, min_widths=[*widths, *(6 for _ in columns)])
    sheet.activate()


def _rules_sheet(
    book: Book, report: Report, rules: Sequence[RuleSummary], columns: list[str]
) -> None:
    count: dict[str, int] = {}
    cells: dict[str, int] = {}
    for cell in report.cells:
        seen = set()
        for v in cell.violations:
            count[v.rule] = count.get(v.rule, 0) + 1
            seen.add(v.rule)
        for rule_id in seen:
            cells[rule_id] = cells.get(rule_id, 0) + 1
    by_id = {r.id: r for r in rules}
    rows = []
    for rule_id in columns:
        rule = by_id.get(rule_id)
        rows.append(
            [
                rule_id,
                rule.title_vi if rule else "(không có trong bộ quy tắc)",
                rule.points if rule else None,
                PERIOD_KIND_VI.get(rule.period, rule.period) if rule else "",
                remedy_text(rule) if rule else "",
                _params_text(rule.params) if rule else "",
                count.get(rule_id, 0),
                cells.get(rule_id, 0),
                rule.title_en if rule else "",
            ]
        )
    book.table(
        "Quy tắc",
        [
            "Mã",
            "Tên quy tắc",
            "Điểm trừ",
            "Xét theo",
            "Biện pháp khắc phục",
            "Tham số",
            "Số vi phạm",
            "Số chi bộ vi phạm",
            "Rule (English)",
        ],
        rows,
    )


def _run_sheet(book: Book, report: Report) -> None:
    bands = {b: sum(1 for c in report.cells if c.band == b) for b in BANDS}
    rows: list[list[Any]] = [
        ["Năm kiểm tra", report.year],
        ["Tính đến ngày", report.as_of],
        ["Bộ quy tắc", report.rules.pack],
        *(
            [["Cách chấm điểm", f"{report.rules.scoring.name} – {report.rules.scoring.title_vi}"]]
            if report.rules.scoring
            else []
        ),
        ["Phiên bản bộ quy tắc", report.rules.version],
        ["SHA-256 bộ quy tắc", report.rules.sha256],
        ["Thời điểm tạo báo cáo", report.generated_at or ""],
        ["Số tệp đầu vào", len(report.inputs)],
        ["Số tệp lỗi", sum(1 for i in report.inputs if i.status == "error")],
        ["Số chi bộ", len(report.cells)],
        *([f"{b} – {BAND_NAMES_VI[b]}", bands[b]] for b in BANDS),
        ["Số vi phạm", sum(len(c.violations) for c in report.cells)],
        ["Số dòng bị loại", len(report.rejected_rows)],
        ["Số ghi chú", len(report.notes)],
        ["Số chi bộ điều chỉnh theo chỉ tiêu", len(report.quota_moves)],
        ["Số chi bộ đã sáp nhập vào chi bộ khác", len(report.merged_cells)],
    ]
    book.table("Thông tin", ["Mục", "Giá trị"], rows, filter_=False)
