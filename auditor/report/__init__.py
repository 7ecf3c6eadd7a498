"""The reports of a run: ``report.json``, ``report.xlsx``, ``report.html`` and one workbook
per cell. Every writer takes the finished :class:`~auditor.models.Report`; the workbook and
HTML writers also take the rules applied (:class:`RuleSummary`) to show titles, points
and remedies.
"""

from __future__ import annotations

from auditor.report.common import RuleSummary, cell_files
from auditor.report.excel import write_excel
from auditor.report.html import render_html, write_html
from auditor.report.json_report import report_json_bytes, report_schema, write_json
from auditor.report.percell import write_per_cell

__all__ = [
    "RuleSummary",
    "cell_files",
    "render_html",
    "report_json_bytes",
    "report_schema",
    "write_excel",
    "write_html",
    "write_json",
    "write_per_cell",
]
