"""Every default rule's input-row examples, audited as a user's workbook would be.

A rule's ``examples.fail_rows`` / ``pass_rows`` are one cell's year typed as in a
workbook (Vietnamese headers and values). Each is written to a real ``.xlsx`` and goes
through reading, validation, facts and the engine; the rule must be broken in the
failing year and not in the passing one (like sqlfluff's ``fail_str`` / ``pass_str``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter

from auditor.audit import run_audit
from auditor.catalogue import SHEET_NAMES as SHEETS
from auditor.rulepack import ROW_TABLES, InputRows, Rule, load_pack

PACK = load_pack()
#: The cell rules: a member rule's rows need the member sheets, which input rows do not
#: write; tests/members/test_rules.py audits a workbook breaking each of them.
CELL_RULES = [r for r in PACK.rules if r.period not in ("member", "member_study")]


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


def _broken(rule: Rule, rows: InputRows, tmp_path: Path) -> tuple[list[str], int]:
    """The rule's violation messages on the rows' audit, and how many rows were refused."""
    _workbook(rows, tmp_path / "CB-01.xlsx")
    report = run_audit([tmp_path], year=rows.year, out=None, workers=0, pack=PACK).report
    found = [v.message_en for cell in report.cells for v in cell.violations if v.rule == rule.id]
    return found, len(report.rejected_rows)


@pytest.mark.parametrize("rule", CELL_RULES, ids=lambda r: r.id)
def test_the_failing_rows_break_the_rule(rule: Rule, tmp_path: Path) -> None:
    assert rule.examples.fail_rows is not None, f"{rule.id} has no fail_rows example"
    found, refused = _broken(rule, rule.examples.fail_rows, tmp_path)
    assert refused == 0  # the example is typed as the auditor reads it
    assert found, f"{rule.id}: its fail_rows give no violation"


@pytest.mark.parametrize("rule", CELL_RULES, ids=lambda r: r.id)
def test_the_passing_rows_keep_the_rule(rule: Rule, tmp_path: Path) -> None:
    assert rule.examples.pass_rows is not None, f"{rule.id} has no pass_rows example"
    found, refused = _broken(rule, rule.examples.pass_rows, tmp_path)
    assert refused == 0
    assert not found, f"{rule.id}: its pass_rows give {found}"


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
