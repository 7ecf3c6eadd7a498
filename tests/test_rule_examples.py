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
