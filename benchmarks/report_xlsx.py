"""report.xlsx: rows written whole (auditor/report/sheet_rows.py) beside XlsxWriter cell
by cell, on the report of the benchmark's consolidated workbook.

Audits the consolidated workbook once (generated as benchmarks/audit.py does, reused from
``--work``), then writes its report.xlsx both ways in turns, ``--repeat`` times each (3),
and prints the fastest of each by wall time and by CPU time, and the median of the
turns' ratios. The two workbooks are compared part by part (they must be the same).

    .venv/bin/python -m benchmarks.report_xlsx --work /tmp/speed
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n) for n in archive.namelist() if n != "docProps/core.xml"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args(argv)
    if str(HERE.parent) not in sys.path:
        sys.path.insert(0, str(HERE.parent))
    from auditor.audit import rule_summaries, run_audit
    from auditor.report.excel import write_excel
    from auditor.report.sheet_rows import RowWriter
    from auditor.rulebook import load_rulebook
    from benchmarks.sample import generate_consolidated

    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or Path(scratch)
        source = work / f"consolidated_{args.rows}"
        if not source.exists():
            source.mkdir(parents=True)
            generate_consolidated(source / "tong_hop.xlsx", year=2024, n_rows=args.rows, seed=7)
        out = work / "out_report_xlsx"
        report = run_audit([source], year=2024, out=out).report
        rules = rule_summaries(load_rulebook().judges(2024))
        usable = RowWriter.usable

        def cell_by_cell(sheet: object) -> bool:
            return False

        runs: dict[str, list[tuple[float, float]]] = {"rows": [], "cells": []}
        for _ in range(max(1, args.repeat)):
            for kind in runs:
                RowWriter.usable = staticmethod(usable if kind == "rows" else cell_by_cell)  # type: ignore[method-assign]
                cpu, wall = time.process_time(), time.perf_counter()
                write_excel(report, rules, out / f"{kind}.xlsx")
                runs[kind].append((time.perf_counter() - wall, time.process_time() - cpu))
        RowWriter.usable = staticmethod(usable)  # type: ignore[method-assign]
        same = _parts(out / "rows.xlsx") == _parts(out / "cells.xlsx")
        cells = len(report.cells)
        violations = sum(len(c.violations) for c in report.cells)
        print(f"report.xlsx of {cells:,} cells, {violations:,} violations (one process)")
        print(f"{'':<28}{'wall s':>9}{'CPU s':>9}")
        for kind, label in (("rows", "rows written whole"), ("cells", "XlsxWriter cell by cell")):
            wall = min(w for w, _ in runs[kind])
            cpu = min(c for _, c in runs[kind])
            print(f"{label:<28}{wall:>9.2f}{cpu:>9.2f}")
        turns = [c[0] / r[0] for r, c in zip(runs["rows"], runs["cells"], strict=True)]
        cpu_turns = [c[1] / r[1] for r, c in zip(runs["rows"], runs["cells"], strict=True)]
        print(
            f"cell by cell / rows whole: wall median {statistics.median(turns):.2f}x ("
            + ", ".join(f"{t:.2f}" for t in turns)
            + f"), CPU median {statistics.median(cpu_turns):.2f}x ("
            + ", ".join(f"{t:.2f}" for t in cpu_turns)
            + ")"
        )
        print("the two workbooks are " + ("the same, part by part" if same else "DIFFERENT"))
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
