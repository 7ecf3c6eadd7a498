"""A seeded mutation fuzz in the suite: 60 broken copies of good workbooks, one audit.

``benchmarks/fuzz.py`` runs the same harness at scale (its figures go to the report of a
run, not here); this keeps the invariants checked on every change: the run ends with a
report, every mutant is listed once, rejected rows add up per file, stderr stays empty.
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import fuzz


def test_sixty_mutants_audit_to_a_report_that_accounts_for_every_file(tmp_path: Path) -> None:
    (batch,) = fuzz.run(fuzz.DEFAULT_SEEDS, 60, 60, seed=7, workers=2, work=tmp_path)
    assert batch.problems == []
    assert len(batch.files) == 60
    # the mutants were of several kinds and some still read: the checks saw both sides
    assert len(set(batch.files.values())) >= 5
    outcomes = fuzz.outcomes([batch])
    assert outcomes["ok"] >= 10
    assert sum(outcomes.values()) - outcomes["ok"] >= 10


def test_the_checks_catch_a_report_that_loses_track(tmp_path: Path) -> None:
    """The harness itself: a report that lists a file twice, miscounts rejected rows
    and left text on stderr is three problems."""
    report = {
        "inputs": [
            {"file": "a.xlsx", "status": "ok", "rows": {"read": 3, "accepted": 1, "rejected": 1}},
            {
                "file": "a.xlsx",
                "status": "error",
                "rows": {"read": 0, "accepted": 0, "rejected": 0},
            },
        ],
        "rejected_rows": [{"file": "a.xlsx"}, {"file": "a.xlsx"}],
    }
    for name in ("report.json", "report.xlsx", "report.html"):
        (tmp_path / name).write_text(json.dumps(report), encoding="utf-8")
    batch = fuzz.Batch({"a.xlsx": "truncated", "b.xls": "byte_flips"}, 0, "thread panicked", 1.0)
    problems = fuzz.check(batch, tmp_path)
    assert "stderr: thread panicked" in problems
    assert "a.xlsx: 2 inputs entries" in problems
    assert "b.xls: 0 inputs entries" in problems
    assert "a.xlsx: rows.rejected 1 but 2 rejected_rows" in problems
    assert any("do not add up" in p for p in problems)


def test_mutants_are_the_same_for_the_same_seed(tmp_path: Path) -> None:
    seeds = fuzz.seed_files(fuzz.DEFAULT_SEEDS)
    first = fuzz.make_mutants(seeds, 20, 5, tmp_path / "a")
    second = fuzz.make_mutants(seeds, 20, 5, tmp_path / "b")
    assert first == second
    for name in first:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
