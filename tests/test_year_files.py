"""Several years' logs in one folder: an audit reads only the files of its own year."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.audit import AuditResult, run_audit
from auditor.ingest.dataset import Dataset, frame_from_rows
from auditor.models import InputFile
from auditor.year_files import other_year_files, set_aside_other_years
from benchmarks.sample import generate

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_2024 = sorted(
    p.relative_to(ROOT / "sample_data").as_posix()
    for p in (ROOT / "sample_data").rglob("*2024*")
    if p.is_file()
)


def _session(file: str, day: dt.date, row: int = 2) -> dict[str, object]:
    return {
        "cell_id": "CB-1",
        "date": day,
        "kind": "regular",
        "file": file,
        "sheet": "S",
        "row": row,
    }


def _plan(file: str, issued: dt.date | None) -> dict[str, object]:
    return {
        "cell_id": "CB-1",
        "quarter": 1,
        "planned_topic": "Chủ đề",
        "plan_issued": issued,
        "file": file,
        "sheet": "K",
        "row": 2,
    }


def _found(result: AuditResult) -> set[tuple[str, str, str | None, str | None]]:
    return {
        (c.cell_id, v.rule, v.period, v.date.isoformat() if v.date else None)
        for c in result.report.cells
        for v in c.violations
    }


@pytest.fixture(scope="module")
def two_years(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed 2024 sample with a small generated 2025 year in the same folders."""
    folder = tmp_path_factory.mktemp("years") / "logs"
    for rel in SAMPLE_2024:
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / "sample_data" / rel, folder / rel)
    generate(folder, year=2025, n_cells=4, seed=5, consolidated=0, formats=("xlsx", "ods"))
    return folder


def test_a_year_in_a_folder_with_another_year_reads_only_its_own_files(two_years: Path) -> None:
    alone = run_audit([ROOT / "sample_data" / rel for rel in SAMPLE_2024], year=2024, out=None)
    both = run_audit([two_years], year=2024, out=None)
    assert _found(both) == _found(alone) and _found(alone)
    assert [c.cell_id for c in both.report.cells] == [c.cell_id for c in alone.report.cells]
    assert {(r.sheet, r.row, r.column) for r in both.report.rejected_rows} == {
        (r.sheet, r.row, r.column) for r in alone.report.rejected_rows
    }
    assert not [n for n in both.report.notes if n.code == "session_outside_year"]
    statuses = {i.file: i for i in both.report.inputs}
    assert len(statuses) == len(SAMPLE_2024) + 4
    for file, entry in statuses.items():
        if "_2025." in file:
            assert entry.status == "skipped", file
            assert entry.error == "Tệp của năm 2025, không thuộc năm kiểm tra 2024; bỏ qua"
            assert entry.error_en == "File holds year 2025, not the audited year 2024; skipped"
            assert entry.rows.read == entry.rows.accepted == entry.rows.rejected == 0
        else:
            assert entry.status == "ok", file
    skipped_notes = {n.file for n in both.report.notes if n.code == "file_skipped"}
    assert skipped_notes == {f for f in statuses if "_2025." in f}


def test_the_other_year_audited_skips_the_first_years_files(two_years: Path) -> None:
    result = run_audit([two_years], year=2025, out=None)
    assert {c.cell_id for c in result.report.cells} == {"CB-001", "CB-002", "CB-003", "CB-004"}
    # the 2024 files' bad rows are not 2025's; the generated 2025 year has its own
    assert result.report.rejected_rows
    assert all("_2025." in r.file for r in result.report.rejected_rows)
    for entry in result.report.inputs:
        assert entry.status == ("skipped" if "_2024." in entry.file else "ok"), entry.file
        if entry.status == "skipped":
            assert entry.error is not None and "năm 2024" in entry.error
    of_2024 = [n for n in result.report.notes if n.file and "_2024." in n.file]
    assert of_2024 and {n.code for n in of_2024} == {"file_skipped"}


def test_a_file_with_no_dated_row_or_a_row_of_the_year_is_kept() -> None:
    data = Dataset(
        cells=frame_from_rows(
            "cells",
            [{"cell_id": "CB-1", "cell_name": "A", "file": "ds.xlsx", "sheet": "C", "row": 2}],
        ),
        plan=frame_from_rows(
            "plan",
            [_plan("plan_nov.xlsx", dt.date(2025, 11, 20)), _plan("undated.xlsx", None)],
        ),
        sessions=frame_from_rows(
            "sessions",
            [
                _session("mixed.xlsx", dt.date(2025, 12, 20)),
                _session("mixed.xlsx", dt.date(2026, 1, 8), 3),
                _session("old.xlsx", dt.date(2025, 3, 8)),
            ],
        ),
    )
    # a plan issued in November is the next year's plan; a cells list has no year
    assert other_year_files(data, 2026) == {"old.xlsx": [2025]}
    assert other_year_files(data, 2025) == {}
    assert other_year_files(data, 2024) == {
        "mixed.xlsx": [2025, 2026],
        "old.xlsx": [2025],
        "plan_nov.xlsx": [2025, 2026],
    }


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["a.xlsx", "b.ods", "c.xls"]),
        st.lists(st.dates(dt.date(2023, 1, 1), dt.date(2027, 12, 31)), min_size=1, max_size=5),
        min_size=1,
    ),
    st.integers(2023, 2027),
)
def test_a_file_is_set_aside_exactly_when_no_meeting_of_it_falls_in_the_year(
    files: dict[str, list[dt.date]], year: int
) -> None:
    rows = [_session(f, d, i + 2) for f, days in files.items() for i, d in enumerate(days)]
    data = Dataset(
        sessions=frame_from_rows("sessions", rows),
        inputs=[InputFile(file=f, sha256="0" * 64, status="ok") for f in sorted(files)],
    )
    kept = set_aside_other_years(data, year)
    aside = {f for f, days in files.items() if all(d.year != year for d in days)}
    assert {i.file for i in kept.inputs if i.status == "skipped"} == aside
    assert set(kept.sessions["file"]) == set(files) - aside
    assert len(kept.sessions) == sum(len(files[f]) for f in set(files) - aside)


_DAY = st.dates(dt.date(2023, 1, 1), dt.date(2027, 12, 31))


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["a.xlsx", "b.ods", "c.xls", "d.xlsx"]),
        st.tuples(st.lists(_DAY, max_size=4), st.lists(st.none() | _DAY, max_size=3)),
        min_size=1,
    ),
    st.integers(2023, 2027),
)
def test_the_years_shown_for_a_file_set_aside_are_its_meetings_or_else_its_plans(
    files: dict[str, tuple[list[dt.date], list[dt.date | None]]], year: int
) -> None:
    """A file is of another year when none of its meetings is in the year and none of
    its plans is that year's (one issued in October to December is also the next
    year's); it shows its meetings' years, or, without meetings, its plans' years."""
    sessions = [_session(f, d, i + 2) for f, (days, _) in files.items() for i, d in enumerate(days)]
    plans = [_plan(f, day) for f, (_, issued) in files.items() for day in issued]
    data = Dataset(
        sessions=frame_from_rows("sessions", sessions), plan=frame_from_rows("plan", plans)
    )
    expected: dict[str, list[int]] = {}
    for file, (days, issued) in sorted(files.items()):
        plan_years = {
            y for d in issued if d for y in ([d.year, d.year + 1] if d.month >= 10 else [d.year])
        }
        met = {d.year for d in days}
        if (met or plan_years) and year not in met and year not in plan_years:
            expected[file] = sorted(met or plan_years)
    assert other_year_files(data, year) == expected


def test_last_years_members_beside_this_years_are_neither_duplicates_nor_names(
    tmp_path: Path,
) -> None:
    """A member keeps his code from year to year, so a folder holding two years of a
    cell's workbooks lists him twice: the audit of one year must not refuse his row as a
    duplicate of the other year's, nor find his name twice when a row names him."""
    from tests.conftest import SESSION_HEADER, info_sheet, write_workbook

    for year, marks in ((2024, ["x", "x", "x"]), (2026, ["K", "K", "K"])):
        session = ["1", f"05/01/{year}", "Thường kỳ", None, None, None, 10, 9, "Có", None, None]
        write_workbook(
            tmp_path / f"CB-002_{year}.xlsx",
            [
                info_sheet("CB-002", "Chi bộ thôn 2"),
                ("Sinh hoạt", [SESSION_HEADER, session]),
                ("Đảng viên", [["Mã đảng viên", "Họ và tên"], ["DV-20", "Trần Văn Tư"]]),
                ("Điểm danh", [["Họ và tên", "T1", "T2", "T3"], ["Trần Văn Tư", *marks]]),
            ],
        )
    for year, rules in ((2026, ["DV01"]), (2024, [])):
        report = run_audit([tmp_path], year=year, out=None).report
        assert not report.rejected_rows, report.rejected_rows
        assert [m.member_id for m in report.members] == ["DV-20"]
        assert [v.rule for v in report.members[0].violations] == rules
        skipped = [i.file for i in report.inputs if i.status == "skipped"]
        assert skipped == [f"CB-002_{4050 - year}.xlsx"]
