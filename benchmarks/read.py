"""How fast the importer reads, next to python-calamine merely reading the same files.

Prints data rows/s and ms per file for a 200,000-row consolidated workbook and for 1,000
small per-cell workbooks, each beside the time python-calamine alone takes to read every
sheet of the same files, measured in the same run (so the ratio holds on any machine).

    .venv/bin/python benchmarks/read.py [--rows 200000] [--files 1000] [--workers 0 2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import python_calamine as pc

from auditor.ingest import load
from auditor.ingest.discover import discover


def calamine_only(paths: list[Path]) -> float:
    """Seconds python-calamine takes to read every sheet of ``paths`` into Python rows."""
    start = time.perf_counter()
    for path in paths:
        workbook = pc.CalamineWorkbook.from_path(str(path))
        for index in range(len(workbook.sheet_names)):
            workbook.get_sheet_by_index(index).to_python(skip_empty_area=False)
        workbook.close()
    return time.perf_counter() - start


def importer(paths: list[Path], workers: int) -> tuple[float, int, int]:
    """Seconds, records accepted and rows rejected for the full importer."""
    start = time.perf_counter()
    dataset = load(paths, workers=workers)
    seconds = time.perf_counter() - start
    accepted = sum(i.rows.accepted for i in dataset.inputs)
    rejected = sum(i.rows.rejected for i in dataset.inputs)
    return seconds, accepted, rejected


def report(label: str, paths: list[Path], workers: list[int], per_file: bool) -> None:
    reference = calamine_only(paths)
    print(f"\n## {label}: {len(paths)} file(s)")
    print(f"{'reader':<28}{'seconds':>9}{'rows/s':>11}{'ms/file':>9}{'x calamine':>12}")
    print(
        f"{'python-calamine alone':<28}{reference:>9.2f}{'':>11}"
        f"{1000 * reference / len(paths):>9.2f}{1.0:>12.2f}"
    )
    for count in workers:
        seconds, accepted, rejected = importer(paths, count)
        rows = accepted + rejected
        name = f"auditor ingest, workers={count}"
        print(
            f"{name:<28}{seconds:>9.2f}{rows / seconds:>11,.0f}"
            f"{1000 * seconds / len(paths):>9.2f}{seconds / reference:>12.2f}"
        )
    if per_file:
        print("(ms/file is the figure that matters for per-cell workbooks)")


def main(argv: list[str] | None = None) -> int:
    from sample import generate, generate_consolidated

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--files", type=int, default=1_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[0, 2])
    parser.add_argument("--work", type=Path, default=None, help="keep generated files here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or Path(scratch)
        big = work / "consolidated.xlsx"
        if not big.exists():
            generate_consolidated(big, year=2024, n_rows=args.rows, seed=1)
        small = work / f"cells_{args.files}"
        if not small.exists():
            generate(
                small,
                year=2024,
                n_cells=args.files,
                seed=1,
                messy=False,
                formats=("xlsx",),
                consolidated=0,
            )
        report(f"Consolidated workbook, {args.rows:,} rows", [big], args.workers, False)
        files = [f.path for f in discover([small]) if not f.skipped]
        report("Per-cell workbooks", files, args.workers, True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
