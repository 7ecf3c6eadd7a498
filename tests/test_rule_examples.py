"""Every default rule's input-row examples, audited as a user's workbook would be.

A rule's ``examples.fail_rows`` / ``pass_rows`` are one cell's year typed as in a
workbook (Vietnamese headers and values): every rule of every shipped pack must have
both, the member rules with rows of the member sheets. Each is written to a real ``.xlsx`` and goes
through reading, validation, facts and the engine; the rule must be broken in the
failing year and not in the passing one (like sqlfluff's ``fail_str`` / ``pass_str``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter

from auditor.audit import run_audit
from auditor.catalogue import SHEET_NAMES as SHEETS
from auditor.rulepack import InputRows, Rule, load_pack, shipped_packs
from auditor.vocabulary import ROW_TABLES


def _rule_cases() -> list[tuple[str, Rule]]:
    """Every rule of every shipped pack once, with the first pack (by name) that has it
    as written: hd42's CD02 (its own ``draft_min_days`` and examples) is its own case,
    hd12's rules that hd42 and quan-doi include unchanged are judged once, in hd12."""
    cases: dict[str, tuple[str, Rule]] = {}
    for name in shipped_packs():
        for rule in load_pack(name).rules:
            cases.setdefault(rule.model_dump_json(), (name, rule))
    return sorted(cases.values(), key=lambda case: (case[1].id, case[0]))


CASES = _rule_cases()
PACKS = {name: load_pack(name) for name in shipped_packs()}


def _workbook(rows: InputRows, path: Path) -> Path:
    """The rows as a workbook: one sheet per table, headers in the first row."""
    book = xlsxwriter.Workbook(str(path))
    for table in ROW_TABLES:
        lines = getattr(rows, table)
        if not lines:
            continue
        sheet = book.add_worksheet(SHEETS[table])
        headers = list(dict.fromkeys(h for line in lines for h in line))
        sheet.write_row(0, 0, headers)
        for number, line in enumerate(lines, start=1):
            sheet.write_row(number, 0, [line.get(h) for h in headers])
    book.close()
    return path


def _broken(pack: str, rule: Rule, rows: InputRows, tmp_path: Path) -> tuple[list[str], int]:
    """The rule's violation messages (a cell's or a member's) on the rows' audit under
    ``pack``, and how many rows were refused."""
    _workbook(rows, tmp_path / "CB-01.xlsx")
    report = run_audit([tmp_path], year=rows.year, out=None, workers=0, pack=PACKS[pack]).report
    holders = [*report.cells, *report.members]
    found = [v.message_en for holder in holders for v in holder.violations if v.rule == rule.id]
    return found, len(report.rejected_rows)


def _case_id(case: tuple[str, Rule]) -> str:
    return f"{case[0]}-{case[1].id}"


def test_the_cases_reach_every_shipped_pack() -> None:
    """hd42's, quan-doi's and the member rules are judged on rows too, and a rule a pack
    changes (hd42's CD02) is judged as that pack sets it, beside the original."""
    judged = {(name, rule.id) for name, rule in CASES}
    assert {("hd42", r) for r in ("TG01", "CU01", "TB01", "ST01", "CL01", "CD02")} <= judged
    assert ("quan-doi", "DD01") in judged
    assert {("dang-vien", f"DV0{n}") for n in range(1, 5)} <= judged
    assert [name for name, rule in CASES if rule.id == "CD02"] == ["hd12", "hd42"]
    assert len(CASES) == len({rule.id for _, rule in CASES}) + 1


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_the_failing_rows_break_the_rule(case: tuple[str, Rule], tmp_path: Path) -> None:
    pack, rule = case
    assert rule.examples.fail_rows is not None, f"{pack}: {rule.id} has no fail_rows example"
    found, refused = _broken(pack, rule, rule.examples.fail_rows, tmp_path)
    assert refused == 0  # the example is typed as the auditor reads it
    assert found, f"{pack}: {rule.id}: its fail_rows give no violation"


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_the_passing_rows_keep_the_rule(case: tuple[str, Rule], tmp_path: Path) -> None:
    pack, rule = case
    assert rule.examples.pass_rows is not None, f"{pack}: {rule.id} has no pass_rows example"
    found, refused = _broken(pack, rule, rule.examples.pass_rows, tmp_path)
    assert refused == 0
    assert not found, f"{pack}: {rule.id}: its pass_rows give {found}"


#: hd42's rules (its own and hd12's as it sets them) judged on their fact-level examples.
HD42_RULES = {rule.id: rule for rule in load_pack("hd42").rules}
HD42_CASES = [
    (rule_id, kind, index)
    for rule_id, rule in sorted(HD42_RULES.items())
    for kind, facts in (("pass", rule.examples.passing), ("fail", rule.examples.failing))
    for index in range(len(facts))
]


@pytest.mark.parametrize(("rule_id", "kind", "index"), HD42_CASES)
def test_hd42_fact_example(rule_id: str, kind: str, index: int) -> None:
    from auditor.engine import Judge

    rule = HD42_RULES[rule_id]
    facts = rule.examples.passing if kind == "pass" else rule.examples.failing
    hits = Judge([rule]).judge([{**facts[index], "id": 1}])
    assert ((rule_id, 1) in hits) is (kind == "fail")
