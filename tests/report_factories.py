"""Build Report, CellResult and Violation objects for report and scoring tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from auditor.models import (
    CellResult,
    Evidence,
    FieldError,
    InputFile,
    MemberMonths,
    MemberResult,
    Note,
    QuotaMove,
    RejectedRow,
    Report,
    RowCounts,
    RulesInfo,
    Violation,
)
from auditor.report import RuleSummary
from auditor.scoring import score_cells
from auditor.scoring_params import ScoringParams

XSS_NAME = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
FORMULA_TEXTS = ("=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=1", "\r=1", '=HYPERLINK("http://x")')


def violation(
    rule: str = "CD02",
    points: int = 3,
    *,
    period: str | None = None,
    date: dt.date | None = None,
    message_vi: str = "Dự thảo gửi muộn",
    message_en: str = "Draft sent late",
    evidence: Sequence[tuple[str, str, int]] = (),
    details: dict[str, Any] | None = None,
) -> Violation:
    return Violation(
        rule=rule,
        points=points,
        period=period,
        date=date,
        message_vi=message_vi,
        message_en=message_en,
        evidence=[Evidence(file=f, sheet=s, row=r) for f, s, r in evidence],
        details=details or {},
    )


def cell(
    cell_id: str = "CB001",
    *,
    name: str | None = "Chi bộ thôn 1",
    parent: str | None = "Đảng bộ xã A",
    score: int = 100,
    band: str = "HTXSNV",
    band_before_quota: str | None = None,
    rank: int = 1,
    violations: Sequence[Violation] = (),
    moved: bool = False,
) -> CellResult:
    return CellResult(
        cell_id=cell_id,
        cell_name=name,
        parent=parent,
        score=score,
        band=band,  # type: ignore[arg-type]
        band_before_quota=band_before_quota or band,  # type: ignore[arg-type]
        rank=rank,
        points_lost=sum(v.points for v in violations),
        moved_by_quota=moved,
        violations=list(violations),
    )


def rules() -> list[RuleSummary]:
    def r(id_: str, points: int, period: str, vi: str, en: str) -> RuleSummary:
        return RuleSummary(
            id=id_,
            title_vi=vi,
            title_en=en,
            points=points,
            period=period,
            remedy_vi=f"Khắc phục {id_}",
            remedy_en=f"Fix {id_}",
            params={"draft_min_days": 3} if id_ == "CD02" else {},
        )

    return [
        r("KH01", 10, "year", "Không có kế hoạch", "No plan"),
        r("CD01", 10, "quarter", "Quý không sinh hoạt chuyên đề", "No thematic session"),
        r("CD02", 3, "session", "Dự thảo gửi muộn", "Draft sent late"),
        r("TK01", 2, "month", "Tháng không sinh hoạt thường kỳ", "No regular session"),
    ]


def report(
    cells: Sequence[CellResult] | None = None,
    *,
    quota_moves: Sequence[QuotaMove] = (),
    rejected: Sequence[RejectedRow] = (),
    notes: Sequence[Note] = (),
    inputs: Sequence[InputFile] | None = None,
    generated_at: str | None = None,
) -> Report:
    if cells is None:
        cells = sample_cells()
    files = sorted({e.file for c in cells for v in c.violations for e in v.evidence})
    if inputs is None:
        inputs = [
            InputFile(
                file=f,
                sha256="0" * 64,
                status="ok",
                rows=RowCounts(read=10, accepted=9, rejected=1),
            )
            for f in files
        ]
    return Report(
        year=2024,
        as_of=dt.date(2024, 12, 31),
        rules=RulesInfo(pack="hd12", version="1", sha256="a" * 64),
        inputs=list(inputs),
        cells=list(cells),
        rejected_rows=list(rejected),
        notes=list(notes),
        quota_moves=list(quota_moves),
        generated_at=generated_at,
    )


def rejected_row(
    file: str = "A/CB001.xlsx", row: int = 14, value: str = "31/02/2024"
) -> RejectedRow:
    return RejectedRow(
        file=file,
        sheet="Sinh hoạt",
        row=row,
        table="sessions",
        column="Ngày sinh hoạt",
        value=value,
        code="date_impossible",
        reason_vi="Ngày không tồn tại",
        reason_en="Impossible date",
        errors=[
            FieldError(
                column="Ngày sinh hoạt",
                value=value,
                code="date_impossible",
                reason_vi="Ngày không tồn tại",
                reason_en="Impossible date",
            )
        ],
    )


def sample_cells() -> list[CellResult]:
    """A small scored run: two parents, one cell without a parent, a quota move."""
    return scored_run()[0]


def scored_run() -> tuple[list[CellResult], list[QuotaMove]]:
    cells = [
        ("CB001", "Chi bộ thôn 1", "Đảng bộ xã A"),
        ("CB002", "Chi bộ thôn 2", "Đảng bộ xã A"),
        ("CB003", "Chi bộ thôn 3", "Đảng bộ xã A"),
        ("CB004", "Chi bộ trường học", "Đảng bộ xã B"),
        ("CB005", "Chi bộ cơ quan", None),
    ]
    found = {
        "CB002": [
            violation(
                "CD02",
                3,
                date=dt.date(2024, 5, 14),
                evidence=[("A/CB002.xlsx", "Sinh hoạt", 12)],
            ),
            violation("TK01", 2, period="M03"),
        ],
        "CB003": [
            violation("CD01", 10, period="Q2", message_vi="Quý 2 không có chuyên đề"),
            violation("CD01", 10, period="Q3", message_vi="Quý 3 không có chuyên đề"),
            violation("KH01", 10, evidence=[("A/CB003.xlsx", "Kế hoạch", 1)]),
        ],
        "CB004": [violation("TK01", 2, period="M01")],
    }
    return score_cells(cells, found, ScoringParams())


def with_members(report: Report, count: int = 12) -> Report:
    """``report`` with ``count`` members spread over its cells, every other one with a
    finding (DV01) and up to two evidence rows, names that must be escaped."""
    cells = [c.cell_id for c in report.cells] or ["CB001"]
    members = [
        MemberResult(
            member_id=f"DV{n:03d}",
            member_name=f"Nguyễn Văn {n} <b>&",
            cell_id=cells[n % len(cells)],
            months=MemberMonths(present=12 - n % 4, unexcused=n % 4),
            six_good_months=n % 13,
            violations=[
                violation(
                    "DV01",
                    0,
                    period=str(report.year),
                    message_vi=f"Vắng {n % 4} tháng",
                    evidence=[("a.xlsx", "Điểm danh", r) for r in range(2, 2 + n % 3)],
                )
            ]
            if n % 2
            else [],
        )
        for n in range(count)
    ]
    return report.model_copy(update={"members": members})
