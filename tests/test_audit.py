"""The whole audit on the committed sample year, compared with what its generator injected."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

from auditor.audit import AuditResult, _write_reports, rule_summaries, run_audit
from auditor.report import report_json_bytes, xlsx
from auditor.rulepack import load_pack
from tests import report_factories as factories

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
TRUTH = json.loads((Path(__file__).parent / "data" / "sample_truth.json").read_text("utf-8"))
SCHEMA = json.loads((ROOT / "docs" / "report.schema.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> AuditResult:
    return run_audit([SAMPLE], year=2024, out=tmp_path_factory.mktemp("out"), per_cell=True)


def _found(result: AuditResult) -> set[tuple[str, str, str | None, str | None]]:
    return {
        (c.cell_id, v.rule, v.period, v.date.isoformat() if v.date else None)
        for c in result.report.cells
        for v in c.violations
    }


def test_every_injected_violation_is_found_and_nothing_else(audited: AuditResult) -> None:
    expected = {
        (c["cell_id"], v["rule"], v["period"], v["date"])
        for c in TRUTH["cells"]
        for v in c["violations"]
    }
    assert _found(audited) == expected


def test_every_default_rule_is_broken_somewhere_and_some_cells_are_clean(
    audited: AuditResult,
) -> None:
    rules = {rule for _, rule, _, _ in _found(audited)}
    members = ("member", "member_study")
    cell_rules = {r.id for r in load_pack().rules if r.period not in members}
    assert rules == cell_rules
    assert sum(c.score == 100 for c in audited.report.cells) >= 3
    member_rules = {v.rule for m in audited.report.members for v in m.violations}
    assert member_rules == {r.id for r in load_pack().rules if r.period in members}


MEMBERS = TRUTH["members"]


def test_every_member_finding_of_the_truth_is_found_and_nothing_else(
    audited: AuditResult,
) -> None:
    found = {
        (m.member_id, v.rule, v.date.isoformat() if v.date else v.period)
        for m in audited.report.members
        for v in m.violations
    }
    expected = {(f["member_id"], f["rule"], f["key"]) for f in MEMBERS["findings"]}
    assert found == expected
    (dv01,) = [m for m in audited.report.members if any(v.rule == "DV01" for v in m.violations)]
    assert dv01.months.unexcused == 3  # Điều lệ Điều 8: three months without a good reason


def test_the_sample_members_and_quiz_winners_are_exactly_the_truth(audited: AuditResult) -> None:
    members = audited.report.members
    assert len(members) == MEMBERS["members"]
    with_members = {m.cell_id for m in members}
    assert 4 <= len(with_members) <= 6 < len(audited.report.cells) - len(with_members)
    found = {(q.cell_id, q.month): (q.winners, q.attempts) for q in audited.report.quiz}
    expected = {(q["cell_id"], q["month"]): (q["winners"], q["attempts"]) for q in MEMBERS["quiz"]}
    assert found == expected
    assert any(len(winners) == 2 for winners, _ in found.values())  # a tie shares the win
    six_good = {m.member_id: m.six_good_months for m in members if m.six_good_months}
    assert six_good == MEMBERS["six_good"]
    noted = {n.file for n in audited.report.notes if n.code == "personal_columns_dropped"}
    assert noted == set(MEMBERS["personal_files"])


def test_rejected_rows_are_found_at_their_exact_place(audited: AuditResult) -> None:
    found = {(r.file, r.sheet, r.row, r.column) for r in audited.report.rejected_rows}
    rejected = TRUTH["rejected"] + TRUTH["members"]["rejected"]
    expected = {(r["file"], r["sheet"], r["row"], r["column"]) for r in rejected}
    assert found == expected
    assert all(r.reason_vi and r.reason_en for r in audited.report.rejected_rows)


def test_every_file_is_accounted_for_and_every_row_adds_up(audited: AuditResult) -> None:
    files = sorted(p.relative_to(SAMPLE).as_posix() for p in SAMPLE.rglob("*") if p.is_file())
    assert [i.file for i in audited.report.inputs] == files
    for entry in audited.report.inputs:
        # the 2026 year's files sit in the same folders; a 2024 audit sets them aside
        if "_2026." in entry.file:
            assert entry.status == "skipped", entry.file
            assert entry.error == "Tệp của năm 2026, không thuộc năm kiểm tra 2024; bỏ qua"
            assert entry.rows.read == 0
        else:
            assert entry.status == "ok", entry.file
        assert entry.rows.read == entry.rows.accepted + entry.rows.rejected
        assert entry.sha256 and len(entry.sha256) == 64
    assert sum(i.status == "ok" for i in audited.report.inputs) == len(
        {c["file"] for c in TRUTH["cells"]}
    )
    written = TRUTH["rows_written"] + TRUTH["members"]["rows_written"]
    assert sum(i.rows.read for i in audited.report.inputs) == written


def test_bands_quota_and_ranks_show_what_the_board_needs(audited: AuditResult) -> None:
    cells = audited.report.cells
    assert {c.band_before_quota for c in cells} == {"HTXSNV", "HTTNV", "HTNV", "KHTNV"}
    assert audited.report.quota_moves
    assert all(c.band == "HTTNV" for c in cells if c.moved_by_quota)
    assert [c.rank for c in cells] == sorted(c.rank for c in cells)
    assert {n.code for n in audited.report.notes} >= {"duplicate_session"}


def test_reports_are_written_and_json_follows_its_schema(audited: AuditResult) -> None:
    out = audited.written[0].parent
    for name in ("report.json", "report.xlsx", "report.html"):
        assert (out / name).stat().st_size > 0
    jsonschema.validate(json.loads((out / "report.json").read_text("utf-8")), SCHEMA)
    assert len(list((out / "chi_bo").rglob("*.xlsx"))) == len(audited.report.cells)


def test_same_inputs_in_other_folders_give_byte_identical_json(tmp_path: Path) -> None:
    reports = []
    for name in ("a", "b"):
        copy = tmp_path / name / "logs"
        shutil.copytree(SAMPLE, copy)
        reports.append(report_json_bytes(run_audit([copy], year=2024, out=None).report))
    assert reports[0] == reports[1]


def test_army_pack_reports_months_without_a_forum(tmp_path: Path) -> None:
    result = run_audit([SAMPLE], year=2024, out=None, pack=load_pack("quan-doi"))
    by_cell = {
        c.cell_id: [v for v in c.violations if v.rule == "DD01"] for c in result.report.cells
    }
    assert not by_cell["CB-002"] and not by_cell["CB-005"]  # these hold a forum every month
    assert len(by_cell["CB-001"]) == 12
    assert {v.period for v in by_cell["CB-001"]} == {f"M{m:02d}" for m in range(1, 13)}


def test_a_parameter_override_changes_a_finding(audited: AuditResult) -> None:
    stricter = run_audit(
        [SAMPLE], year=2024, out=None, pack=load_pack(sets=["CD02.draft_min_days=7"])
    )
    before = {k for k in _found(audited) if k[1] == "CD02"}
    after = {k for k in _found(stricter) if k[1] == "CD02"}
    assert before < after
    off = run_audit([SAMPLE], year=2024, out=None, pack=load_pack(sets=["CD02.enabled=false"]))
    assert not {k for k in _found(off) if k[1] == "CD02"}


def test_stage_timings_cover_the_pipeline_in_order(audited: AuditResult) -> None:
    stages = audited.timings
    assert list(stages) == [
        "discover",
        "read",
        "validate",
        "facts",
        "rules",
        "score",
        "reports",
    ]
    assert all(seconds >= 0 for seconds in stages.values())
    assert stages["read"] > 0 and stages["rules"] > 0 and stages["reports"] > 0
    # the split stages keep the time the files and facts really took
    assert audited.stats["read_seconds"] > 0 and audited.stats["validate_seconds"] > 0
    assert audited.stats["facts"] > 0 and audited.stats["judge_seconds"] > 0


def _reports_in(out: Path, *, parallel: bool) -> dict[str, bytes]:
    out.mkdir()
    report = factories.report(generated_at="2025-01-05T08:00:00+00:00")
    _write_reports(report, rule_summaries(load_pack()), out, parallel=parallel)
    return {name: (out / name).read_bytes() for name in ("report.json", "report.html")}


#: Run in a fresh interpreter: this one may hold durable_rules' timer threads.
_BOTH_WAYS = """
import sys, threading
from pathlib import Path
from auditor.runtime import worker_context
from tests.test_audit import _reports_in

out = Path(sys.argv[1])
print(worker_context().get_start_method())
_reports_in(out / "forked", parallel=True)
stop = threading.Event()
other = threading.Thread(target=stop.wait)
other.start()
print(worker_context().get_start_method())
_reports_in(out / "served", parallel=True)
stop.set()
other.join()
"""


def test_the_report_process_forks_only_when_no_other_thread_runs(tmp_path: Path) -> None:
    ran = subprocess.run(
        [sys.executable, "-c", _BOTH_WAYS, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert ran.stdout.split() == ["fork", "forkserver"]
    serial = _reports_in(tmp_path / "serial", parallel=False)
    for way in ("forked", "served"):
        assert {name: (tmp_path / way / name).read_bytes() for name in serial} == serial
        assert (tmp_path / way / "report.xlsx").stat().st_size > 0


def test_a_report_the_other_process_cannot_write_fails_the_run(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "report.json").mkdir()  # a folder where the JSON file must go
    report = factories.report()
    with pytest.raises(OSError):
        _write_reports(report, rule_summaries(load_pack()), tmp_path / "out", parallel=True)


def _workbook_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        # the core properties hold the time the workbook was written
        return {n: archive.read(n) for n in archive.namelist() if n != "docProps/core.xml"}


@pytest.mark.parametrize("members", [False, True])
def test_the_workbook_written_on_two_cores_is_the_one_written_on_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, members: bool
) -> None:
    """From PART_ROWS rows of a long sheet (the violations; the members and their
    findings) the report process writes a share of them: the workbook is still the same,
    and no file of rows is left behind."""
    monkeypatch.setattr(xlsx, "PART_ROWS", 2)  # the forked report process inherits it
    monkeypatch.setattr(xlsx, "PART_SHARE", 0.6)
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # TMPDIR is read again
    report = factories.report(generated_at="2025-01-05T08:00:00+00:00")
    if members:
        report = factories.with_members(report)
    for way in ("serial", "parallel"):
        (tmp_path / way).mkdir()
        _write_reports(
            report, rule_summaries(load_pack()), tmp_path / way, parallel=way == "parallel"
        )
    serial = _workbook_parts(tmp_path / "serial" / "report.xlsx")
    assert _workbook_parts(tmp_path / "parallel" / "report.xlsx") == serial
    assert list((tmp_path / "tmp").iterdir()) == []
    sheets = serial["xl/workbook.xml"].decode()
    assert ('name="Vi phạm đảng viên"' in sheets) == members
