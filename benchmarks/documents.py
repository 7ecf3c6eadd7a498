"""Notices for many cells: how long the .docx and the PDF take, and LibreOffice beside it.

    .venv/bin/python benchmarks/documents.py [--cells 1000] [--soffice 5]

The cells are the sample year's, repeated with new ids (so each notice has the sample's
mix of 0 to 11 violations). Prints the wall time of the notices written by
:func:`auditor.report.documents.write_documents` (docx and PDF), of each format alone on
a slice, and of LibreOffice headless converting a few of the .docx files to PDF in one
batch (the alternative PDF generator), as seconds per notice and as a ratio.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from auditor.audit import rule_summaries, run_audit
from auditor.models import Report
from auditor.report.documents import (
    DEFAULT_LETTERHEAD,
    docx_bytes,
    notice,
    pdf_bytes,
    write_documents,
)
from auditor.rulepack import load_pack

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


def province(cells: int) -> Report:
    base = run_audit([SAMPLE], year=2024, out=None, workers=0).report
    made = []
    for i in range(cells):
        cell = base.cells[i % len(base.cells)]
        made.append(cell.model_copy(update={"cell_id": f"CB-{i:05d}", "rank": i + 1}))
    return base.model_copy(update={"cells": made, "quota_moves": []})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", type=int, default=1000)
    parser.add_argument("--soffice", type=int, default=5, help="notices LibreOffice converts")
    args = parser.parse_args()
    report = province(args.cells)
    rules = rule_summaries(load_pack())
    print(f"cells: {len(report.cells)}, violations: {sum(len(c.violations) for c in report.cells)}")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        start = time.perf_counter()
        written = write_documents(report, rules, out)
        wall = time.perf_counter() - start
        print(
            f"write_documents: {len(written)} files in {wall:.1f} s "
            f"({wall / len(report.cells) * 1000:.1f} ms a cell; target <= 60 s for 1,000)"
        )
        sample = [notice(report, c, rules, DEFAULT_LETTERHEAD) for c in report.cells[:200]]
        start = time.perf_counter()
        for doc in sample:
            docx_bytes(doc)
        word = (time.perf_counter() - start) / len(sample)
        start = time.perf_counter()
        for doc in sample:
            pdf_bytes(doc)
        pdf = (time.perf_counter() - start) / len(sample)
        print(f"per notice: .docx {word * 1000:.1f} ms, PDF (ReportLab) {pdf * 1000:.1f} ms")
        soffice = shutil.which("soffice")
        if soffice and args.soffice:
            docs = sorted(out.rglob("*.docx"))[: args.soffice]
            target = out / "lo"
            start = time.perf_counter()
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation=file://{out}/profile",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(target),
                    *map(str, docs),
                ],
                check=True,
                capture_output=True,
                timeout=600,
            )
            lo = (time.perf_counter() - start) / len(docs)
            print(
                f"PDF by LibreOffice headless (one batch of {len(docs)}, start included): "
                f"{lo * 1000:.0f} ms a notice = {lo / pdf:.0f} x ReportLab; "
                f"1,000 notices ~ {lo * 1000:.0f} s"
            )


if __name__ == "__main__":
    main()
