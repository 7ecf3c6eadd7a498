"""What every report shares: the rule summary, Vietnamese labels and display helpers."""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from auditor.models import BANDS, CellResult, Report, Violation

__all__ = [
    "BAND_COLOURS",
    "BAND_NAMES_EN",
    "BAND_NAMES_VI",
    "NO_PARENT_VI",
    "PERIOD_KIND_VI",
    "STATUS_VI",
    "RuleSummary",
    "band_changes_text",
    "cell_files",
    "details_text",
    "format_date",
    "format_period",
    "points_by_rule",
    "remedy_text",
    "reorg_lines",
    "rule_columns",
    "waiver_text",
]


@dataclass(frozen=True)
class RuleSummary:
    """What the reports show of one rule applied (built by the caller from the rule pack)."""

    id: str
    title_vi: str
    title_en: str
    points: int
    period: str
    remedy_vi: str = ""
    remedy_en: str = ""
    params: dict[str, Any] = field(default_factory=dict)


class _Keep(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def remedy_text(rule: RuleSummary, *, english: bool = False) -> str:
    """A rule's remedy with its parameters filled in ("trong vòng {report_max_days} ngày"
    -> "trong vòng 30 ngày"); a placeholder the rule has no parameter for stays as it is."""
    text = rule.remedy_en if english else rule.remedy_vi
    try:
        return text.format_map(_Keep(rule.params))
    except (ValueError, IndexError, AttributeError):  # braces that are not placeholders
        return text


BAND_NAMES_VI = {
    "HTXSNV": "Hoàn thành xuất sắc nhiệm vụ",
    "HTTNV": "Hoàn thành tốt nhiệm vụ",
    "HTNV": "Hoàn thành nhiệm vụ",
    "KHTNV": "Không hoàn thành nhiệm vụ",
}
BAND_NAMES_EN = {
    "HTXSNV": "Excellent",
    "HTTNV": "Good",
    "HTNV": "Fulfilled",
    "KHTNV": "Not fulfilled",
}
#: (fill, font) per band, shared by the workbooks and the HTML report.
BAND_COLOURS = {
    "HTXSNV": ("#C6EFCE", "#006100"),
    "HTTNV": ("#DDEBF7", "#1F4E79"),
    "HTNV": ("#FFEB9C", "#9C5700"),
    "KHTNV": ("#FFC7CE", "#9C0006"),
}
assert set(BAND_NAMES_VI) == set(BANDS)

STATUS_VI = {"ok": "Đã đọc", "error": "Lỗi", "skipped": "Bỏ qua"}
PERIOD_KIND_VI = {
    "year": "Năm",
    "quarter": "Quý",
    "month": "Tháng",
    "session": "Buổi sinh hoạt",
    "member": "Đảng viên",
    "member_study": "Học tập nghị quyết",
}
NO_PARENT_VI = "(Không ghi đảng bộ)"
#: Rule periods about members rather than the cell (members.md).
MEMBER_PERIODS = frozenset({"member", "member_study"})


@functools.lru_cache(maxsize=4096)
def format_date(value: dt.date | None) -> str:
    """``dd/mm/yyyy`` as Vietnamese readers write dates ("" for none); each distinct day
    formatted once (a province year's reports show a few hundred days 36,000 times)."""
    return value.strftime("%d/%m/%Y") if value else ""


def format_period(period: str | None, year: int | None = None) -> str:
    """``Q2`` -> ``Quý 2/2024``, ``M05`` -> ``Tháng 05/2024``; anything else unchanged."""
    if not period:
        return ""
    suffix = f"/{year}" if year else ""
    if len(period) == 2 and period[0] == "Q" and period[1].isdigit():
        return f"Quý {period[1]}{suffix}"
    if len(period) == 3 and period[0] == "M" and period[1:].isdigit():
        return f"Tháng {period[1:]}{suffix}"
    return period


def _plain(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


#: Vietnamese labels of ``Violation.details`` keys the engine is likely to use; any other
#: key is shown as it is.
DETAIL_LABELS_VI = {
    "inherited_from": "Sổ của chi bộ cũ (đã sáp nhập)",
    "planned": "Chủ đề kế hoạch",
    "planned_topic": "Chủ đề kế hoạch",
    "planned_topics": "Chủ đề kế hoạch",
    "actual": "Chủ đề thực tế",
    "topic": "Chủ đề thực tế",
    "actual_topic": "Chủ đề thực tế",
    "similarity": "Độ tương đồng",
    "score": "Độ tương đồng",
    "days": "Số ngày",
    "threshold": "Ngưỡng",
    "limit": "Giới hạn",
    "present": "Số có mặt",
    "base": "Số phải dự",
    "quorum": "Tỷ lệ tối thiểu",
    "start": "Giờ bắt đầu",
    "end": "Giờ kết thúc",
    "minutes": "Thời lượng (phút)",
    "prep_meeting": "Ngày họp chi ủy",
    "notice_sent": "Ngày thông báo",
    "posted": "Ngày đăng Sổ tay",
    "quality": "Xếp loại buổi sinh hoạt",
}


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " | ".join(_shown(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def details_text(details: Mapping[str, Any]) -> str:
    """A violation's details as one line of ``label: value`` pairs (keys sorted); lists are
    joined with `` | `` (e.g. the planned topics next to the actual one)."""
    return "; ".join(
        f"{DETAIL_LABELS_VI.get(key, key)}: {_shown(_plain(details[key]))}"
        for key in sorted(details)
    )


def band_changes_text(cell: CellResult, *, english: bool = False) -> str:
    """In words, every rule of the scoring that lowered the cell's band."""
    return "; ".join(c.message_en if english else c.message_vi for c in cell.band_changes)


def reorg_lines(cell: CellResult) -> list[tuple[str, str]]:
    """(label, text) lines a cell's page shows about a rename, a move or a merge."""
    lines: list[tuple[str, str]] = []
    if cell.previous_name:
        lines.append(("Tên cũ", cell.previous_name))
    if cell.previous_parent:
        since = f" (trực thuộc {cell.parent or NO_PARENT_VI} từ {format_date(cell.parent_since)})"
        lines.append(("Đảng bộ cũ", cell.previous_parent + (since if cell.parent_since else "")))
    elif cell.parent_since:
        lines.append(("Trực thuộc từ ngày", format_date(cell.parent_since)))
    for item in cell.merged_from:
        on = f" ngày {format_date(item.merged_on)}" if item.merged_on else ""
        name = f" – {item.cell_name}" if item.cell_name else ""
        lines.append(
            (
                "Sáp nhập từ",
                f"{item.cell_id}{name} (sáp nhập{on}): kế thừa {item.sessions} buổi sinh hoạt, "
                f"{item.plan_rows} dòng kế hoạch",
            )
        )
    if cell.disciplined:
        lines.append(("Số đảng viên bị kỷ luật", str(cell.disciplined)))
    return lines


def waiver_text(v: Violation) -> str:
    """How a waived violation's waiver reads in a report ("" when not waived)."""
    w = v.waiver
    if not v.waived or w is None:
        return ""
    parts = [f"Miễn trừ: {w.reason}", f"duyệt: {w.approved_by}"]
    if w.approved_on:
        parts[-1] += f" ngày {format_date(w.approved_on)}"
    if w.expires:
        parts.append(f"hết hạn {format_date(w.expires)}")
    return "; ".join(parts)


def rule_columns(rules: Sequence[RuleSummary], cells: Iterable[CellResult]) -> list[str]:
    """Rule ids in pack order, then ids seen in violations but not in the pack (sorted).

    A member rule (members.md) is a column only when it cost a cell points: its findings
    are the members' own, shown on the members sheet."""
    seen = {v.rule for c in cells for v in c.violations}
    known = [r.id for r in rules if r.period not in MEMBER_PERIODS or r.id in seen]
    return known + sorted(seen - set(known))


def points_by_rule(violations: Iterable[Violation]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for v in violations:
        if not v.waived:  # a waived violation costs no points
            totals[v.rule] = totals.get(v.rule, 0) + v.points
    return totals


def cell_files(report: Report, tables: Iterable[Any] = ()) -> dict[str, set[str]]:
    """Which input files belong to which cell: every evidence file of the cell's
    violations, plus the ``file`` of each row of ``tables`` (DataFrames with ``cell_id`` and
    ``file`` columns, e.g. the importer's ``cells``, ``plan`` and ``sessions``)."""
    files: dict[str, set[str]] = {c.cell_id: set() for c in report.cells}
    into = {m.cell_id: m.merged_into for m in report.merged_cells}

    def owner(cell_id: str) -> str:
        """A merged cell's rows belong to the cell its line ends in."""
        seen = {cell_id}
        while cell_id in into and into[cell_id] not in seen:
            cell_id = into[cell_id]
            seen.add(cell_id)
        return cell_id

    for cell in report.cells:
        for v in cell.violations:
            files[cell.cell_id].update(e.file for e in v.evidence)
    for table in tables:
        if table is None or "cell_id" not in table or "file" not in table:
            continue
        for cell_id, file in zip(table["cell_id"], table["file"], strict=True):
            if isinstance(cell_id, str) and isinstance(file, str):
                cell_id = owner(cell_id) if into else cell_id
                if cell_id in files:
                    files[cell_id].add(file)
    return files
