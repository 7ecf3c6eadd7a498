"""report.json: written by orjson where it gives json.dumps's bytes (json_report.json_bytes)
beside json.dumps alone, on the report of the benchmark's consolidated workbook.

Audits the consolidated workbook once (generated as benchmarks/audit.py does, reused from
``--work``), then writes its report.json both ways in turns, ``--repeat`` times each (5),
and prints the fastest of each by wall and CPU time and the median of the turns' ratios,
and whether the two files are the same bytes.

    .venv/bin/python -m benchmarks.report_json --work /tmp/speed
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args(argv)
    if str(HERE.parent) not in sys.path:
        sys.path.insert(0, str(HERE.parent))
    from auditor.audit import run_audit
    from auditor.report.json_report import json_bytes, report_dict
    from benchmarks.sample import generate_consolidated

    def standard(data: object) -> bytes:
        text = json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)
        return (text + "\n").encode("utf-8")

    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or Path(scratch)
        source = work / f"consolidated_{args.rows}"
        if not source.exists():
            source.mkdir(parents=True)
            generate_consolidated(source / "tong_hop.xlsx", year=2024, n_rows=args.rows, seed=7)
        report = run_audit([source], year=2024, out=work / "out_report_json").report
        ways = {"json_bytes (orjson)": json_bytes, "json.dumps": standard}
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in ways}
        written: dict[str, bytes] = {}
        for _ in range(max(1, args.repeat)):
            for name, write in ways.items():
                cpu, wall = time.process_time(), time.perf_counter()
                written[name] = write(report_dict(report))
                runs[name].append((time.perf_counter() - wall, time.process_time() - cpu))
        print(f"report.json of {len(report.cells):,} cells ({len(written['json.dumps']):,} bytes)")
        print(f"{'':<24}{'wall s':>9}{'CPU s':>9}   (the report as data, then its bytes)")
        for name in ways:
            wall = min(w for w, _ in runs[name])
            cpu = min(c for _, c in runs[name])
            print(f"{name:<24}{wall:>9.2f}{cpu:>9.2f}")
        (fast, slow) = runs.values()
        turns = [s[0] / f[0] for f, s in zip(fast, slow, strict=True)]
        cpu_turns = [s[1] / f[1] for f, s in zip(fast, slow, strict=True)]
        print(
            f"json.dumps / json_bytes: wall median {statistics.median(turns):.2f}x ("
            + ", ".join(f"{t:.2f}" for t in turns)
            + f"), CPU median {statistics.median(cpu_turns):.2f}x ("
            + ", ".join(f"{t:.2f}" for t in cpu_turns)
            + ")"
        )
        same = written["json.dumps"] == written["json_bytes (orjson)"]
        print("the two are " + ("the same bytes" if same else "DIFFERENT"))
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
