"""The ``auditor`` command as a user meets it: exit codes, messages, what it writes."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from auditor.cli import app
from tests.conftest import SESSION_HEADER, info_sheet, session_row

runner = CliRunner()
Make = Callable[..., Path]


def _one_cell(workbook: Make) -> Path:
    rows = [SESSION_HEADER] + [session_row(m, dt.date(2024, m, 10)) for m in range(1, 13)]
    return workbook("in/CB-001.xlsx", [info_sheet(), ("Sinh hoạt", rows)])


def test_usage_error_for_a_missing_input_says_what_to_do(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["audit", str(tmp_path / "nope"), "--year", "2024", "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 2
    assert "Không tìm thấy" in result.output and "Check the path" in result.output


def test_usage_error_for_a_bad_as_of_date(workbook: Make, tmp_path: Path) -> None:
    path = _one_cell(workbook)
    result = runner.invoke(
        app,
        ["audit", str(path), "--year", "2024", "--as-of", "31/12", "--out", str(tmp_path / "r")],
    )
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


def test_missing_year_is_a_usage_error(workbook: Make, tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", str(_one_cell(workbook)), "--out", str(tmp_path)])
    assert result.exit_code == 2


def test_audit_writes_the_three_reports_and_a_summary(workbook: Make, tmp_path: Path) -> None:
    path = _one_cell(workbook)
    out = tmp_path / "r"
    result = runner.invoke(app, ["audit", str(path.parent), "--year", "2024", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} >= {"report.json", "report.xlsx", "report.html"}
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["schema"] == "chibo-auditor/report/v1"
    assert [c["cell_id"] for c in report["cells"]] == ["CB-001"]
    rules = {v["rule"] for v in report["cells"][0]["violations"]}
    assert "KH01" in rules  # no plan at all
    assert "Dòng nhận" in result.output


def test_fail_under_makes_the_exit_status_non_zero(workbook: Make, tmp_path: Path) -> None:
    path = _one_cell(workbook)
    args = ["audit", str(path), "--year", "2024", "--out", str(tmp_path / "r")]
    assert runner.invoke(app, [*args, "--fail-under", "99"]).exit_code == 1
    assert runner.invoke(app, [*args, "--fail-under", "1"]).exit_code == 0


def test_rules_lists_the_pack_and_explains_one_rule() -> None:
    listing = runner.invoke(app, ["rules"])
    assert listing.exit_code == 0
    for rule in ("KH01", "CD02", "TK02"):
        assert rule in listing.output
    explained = runner.invoke(app, ["rules", "CD02"])
    assert explained.exit_code == 0
    assert "draft_min_days" in explained.output
    assert runner.invoke(app, ["rules", "ZZ99"]).exit_code == 2


def test_the_cli_runs_no_thread_of_its_own_while_the_reports_are_written(
    workbook: Make, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (with no thread but the audit's, a large audit forks its JSON and HTML writer
    # instead of pickling the report to it: a progress bar redrawing itself from a thread
    # would cost that)
    import auditor.audit

    threads: list[int] = []
    write_excel = auditor.audit.write_excel

    def counting(*args: Any, **kwargs: Any) -> None:
        threads.append(threading.active_count())
        write_excel(*args, **kwargs)

    monkeypatch.setattr(auditor.audit, "write_excel", counting)
    path = _one_cell(workbook)
    auditor.audit.run_audit([path], year=2024, out=tmp_path / "direct")
    result = runner.invoke(app, ["audit", str(path), "--year", "2024", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert len(threads) == 2 and threads[0] == threads[1]
