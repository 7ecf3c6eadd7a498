"""The shipped rulebook by date, through the library API on small generated workbooks:
a 2025 audit judges sessions up to 27/10/2025 by hd12 and later ones by hd42, ranked by
qd366; a 2026 audit is hd42 + qd366 throughout (rulebook-2025.md, section 1)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from auditor.audit import run_audit
from auditor.models import Report
from auditor.rulebook import SelectionError, load_rulebook
from auditor.rulepack import load_pack
from tests.conftest import SESSION_HEADER, info_sheet, write_workbook
from tests.test_hd42_pack import HD42_HEADER, _row

HD42_ONLY = {"TG01", "CU01", "TB01", "ST01", "CL01"}


def _year(where: Path, year: int, short: list[dt.date]) -> Path:
    """A cell meeting on the 10th of every month, 100 minutes with every HD 42 column
    kept, but 60 minutes (14:00–15:00) on the days in ``short``."""
    rows: list[list[Any]] = [[*SESSION_HEADER, *HD42_HEADER]]
    for month in range(1, 13):
        day = dt.date(year, month, 10)
        changes = {"end": "15:00"} if day in short else {}
        rows.append(_row(month, day, **changes))
    where.mkdir(parents=True, exist_ok=True)
    write_workbook(where / f"CB-001_{year}.xlsx", [info_sheet(), ("Sinh hoạt", rows)])
    return where


def _audit(where: Path, year: int, **kwargs: Any) -> Report:
    return run_audit([where], year=year, out=None, workers=0, **kwargs).report


def _tg01(report: Report) -> list[tuple[dt.date | None, str | None]]:
    [cell] = report.cells
    return [(v.date, v.pack) for v in cell.violations if v.rule == "TG01"]


def _last_day(year: int, period: str | None) -> dt.date:
    """The last day of ``Q3``, ``M10`` or (None) the year."""
    month = 12 if period is None else int(period[1:]) * (3 if period[0] == "Q" else 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


SEPTEMBER, NOVEMBER = dt.date(2025, 9, 10), dt.date(2025, 11, 10)


@pytest.fixture(scope="module")
def year_2025(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _year(tmp_path_factory.mktemp("y2025"), 2025, [SEPTEMBER, NOVEMBER])


def test_a_short_september_session_passes_and_a_short_november_one_fails_tg01(
    year_2025: Path,
) -> None:
    report = _audit(year_2025, 2025)
    assert _tg01(report) == [(NOVEMBER, "hd42")]
    assert report.rules.pack == "hd12+hd42"
    assert [(p.name, p.effective.from_, p.effective.to) for p in report.rules.packs] == [
        ("hd12", dt.date(2018, 1, 1), dt.date(2025, 10, 27)),
        ("hd42", dt.date(2025, 10, 28), None),
    ]
    assert report.rules.scoring is not None and report.rules.scoring.name == "qd366"
    [cell] = report.cells
    # every violation names its pack, and no HD 42 rule judged a day before 28/10/2025
    for violation in cell.violations:
        day = violation.date or _last_day(2025, violation.period)
        assert violation.pack == ("hd42" if day >= dt.date(2025, 10, 28) else "hd12")
        if violation.rule in HD42_ONLY:
            assert violation.pack == "hd42"


def test_forcing_hd12_on_2025_judges_november_by_hd12_too(year_2025: Path) -> None:
    forced = _audit(year_2025, 2025, pack=load_pack("hd12"))
    assert _tg01(forced) == [] and forced.rules.pack == "hd12"
    forced_hd42 = _audit(year_2025, 2025, pack=load_pack("hd42"))
    assert [day for day, _ in _tg01(forced_hd42)] == [SEPTEMBER, NOVEMBER]


def test_a_2026_audit_is_hd42_and_qd366_throughout(tmp_path: Path) -> None:
    short = dt.date(2026, 3, 10)
    report = _audit(_year(tmp_path, 2026, [short]), 2026)
    assert report.rules.pack == "hd42" and [p.name for p in report.rules.packs] == ["hd42"]
    assert report.rules.scoring is not None and report.rules.scoring.name == "qd366"
    assert _tg01(report) == [(short, "hd42")]
    assert {v.pack for c in report.cells for v in c.violations} == {"hd42"}


def test_a_2024_audit_is_hd12_and_qd124_and_hd12_cannot_judge_2026(tmp_path: Path) -> None:
    report = _audit(_year(tmp_path / "a", 2024, [dt.date(2024, 3, 10)]), 2024)
    assert report.rules.pack == "hd12" and _tg01(report) == []
    assert report.rules.scoring is not None and report.rules.scoring.name == "qd124"
    with pytest.raises(SelectionError) as refused:
        load_rulebook(["hd12"]).judges(2026)
    assert "từ 01/01/2026 đến 31/12/2026" in refused.value.message_vi
    assert "hd12 (from 2018-01-01 to 2025-10-27)" in refused.value.message_en
    with pytest.raises(SelectionError):
        _audit(_year(tmp_path / "b", 2026, []), 2026, pack=load_pack("hd12"))
