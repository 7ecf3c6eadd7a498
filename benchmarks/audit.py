"""Province scale: the full audit per stage, beside the bare reads of the same files.

For each scale (per-cell workbooks, and one consolidated workbook) this generates a year
with the sample generator, runs the full audit (all reports written) in a fresh process,
and prints per stage (discover, read, validate, facts, rules, score, reports) the wall
time and its share, rows/s, facts/s and the peak RSS; then, in the same run, the
references: python-calamine alone and pandas with openpyxl alone reading the same files,
and durable_rules alone asserting the audit's own facts, with the audit's ratio to each;
for the consolidated workbook also fastexcel reading it into Arrow (the ``[bench]`` extra;
a line says so when it is not installed).

Read and validate run interleaved in the reading processes, facts and rules in the
judging processes: their wall time is split in the proportion of the time those
processes spent on each. The audit, python-calamine and fastexcel are run in turns,
``--repeat`` times each (3): the fastest of each is shown, and the median of the turns'
ratios; the slower references run once.

    .venv/bin/python benchmarks/audit.py  # 1,000 / 5,000 / 10,000 cells + 200k rows
    .venv/bin/python benchmarks/audit.py --cells 500 --rows 20000 --no-pandas  # a quick look

``--members-cells`` (5,000 by default) audits the same year with and without member
tables (``--members-per-cell`` 20, from ``benchmarks/members_sample.py``), in turns, and
prints both and their ratio (issue 17: at most 1.5x).

The consolidated workbook (``--rows``) holds about 3.5 violations a cell, as a real
province year does (``--rows-defects few``: about 0.3 a cell, as it did before): the
reports' share of the audit grows with the violations.

``--messy`` sizes (5,000 by default) are also generated as a year laid out the way people
fill logs in, with about 3.5 violations a cell, and printed beside the clean year.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (user + system).

    On a shared machine wall time swings by 2-5x with the other jobs (measured here:
    python-calamine's read of one year took 2.0 s and 13.5 s in one run); CPU time
    barely moves, so each scale also prints the ratio of CPU seconds."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _files(root: Path) -> list[Path]:
    from auditor.ingest.discover import discover

    return [f.path for f in discover([root]) if not f.skipped]


def measure_calamine(root: Path) -> dict[str, float]:
    import python_calamine as pc

    paths = _files(root)  # listed (and the auditor imported) before the clock starts
    cpu = _cpu_seconds()
    start = time.perf_counter()
    rows = 0
    for path in paths:
        workbook = pc.CalamineWorkbook.from_path(str(path))
        for index in range(len(workbook.sheet_names)):
            rows += len(workbook.get_sheet_by_index(index).to_python(skip_empty_area=False))
        workbook.close()
    return {
        "seconds": time.perf_counter() - start,
        "cpu_seconds": _cpu_seconds() - cpu,
        "rows": rows,
        "peak_rss_mb": _peak_rss_mb(),
    }


def fastexcel_missing() -> str:
    """Why fastexcel's reference cannot be measured here ('' when it can): it comes with
    the ``[bench]`` extra, not with the auditor."""
    import importlib.util

    absent = [name for name in ("fastexcel", "pyarrow") if importlib.util.find_spec(name) is None]
    if absent:
        return (
            f"{' and '.join(absent)} not installed: skipping fastexcel's reference "
            '(pip install -e ".[bench]")'
        )
    return ""


def measure_fastexcel(root: Path) -> dict[str, float]:
    """fastexcel alone: every sheet of the same files read into an Arrow record batch,
    its first row taken as the column names and each column typed from its values
    (fastexcel's defaults), which is what a reader of these tables into Arrow does."""
    import fastexcel

    paths = _files(root)
    cpu = _cpu_seconds()
    start = time.perf_counter()
    rows = 0
    for path in paths:
        reader = fastexcel.read_excel(str(path))
        for index in range(len(reader.sheet_names)):
            batch = reader.load_sheet(index, eager=True)
            rows += batch.num_rows + 1  # and the row of column names
    return {
        "seconds": time.perf_counter() - start,
        "cpu_seconds": _cpu_seconds() - cpu,
        "rows": rows,
        "peak_rss_mb": _peak_rss_mb(),
    }


def measure_pandas(root: Path) -> dict[str, float]:
    import pandas as pd

    paths = _files(root)
    start = time.perf_counter()
    rows = 0
    for path in paths:
        for frame in pd.read_excel(path, sheet_name=None, header=None, engine="openpyxl").values():
            rows += len(frame)
    return {"seconds": time.perf_counter() - start, "rows": rows, "peak_rss_mb": _peak_rss_mb()}


def measure_durable(root: Path) -> dict[str, float]:
    """durable_rules alone: the audit's own facts, already built, asserted through its
    public API one by one (its ``assert_facts`` skips the actions of a batch in which a
    fact goes unmatched), one state per cell, in one process."""
    import contextlib
    import datetime as dt

    from durable import engine as durable

    from auditor.engine import OPEN_FACT, Judge
    from auditor.facts import cell_facts, prepare
    from auditor.ingest import load
    from auditor.rulepack import load_pack

    dataset = load([root], workers=2)
    year, as_of = 2024, dt.date(2024, 12, 31)
    prepared = prepare(dataset, year=year, as_of=as_of)
    judge = Judge(load_pack().enabled_rules)
    states: list[list[dict[str, object]]] = []
    for batch in prepared.batches(250):
        for item in batch.inputs():
            facts = cell_facts(item, year=year, as_of=as_of)[0].facts
            states.append([dict(f) for f in facts])
    host, name = judge.host, judge.name
    count = 0
    start = time.perf_counter()
    for number, facts in enumerate(states, start=1_000_000):
        sid = str(number)
        host.assert_fact(name, {"sid": sid, "id": 0, "type": OPEN_FACT})
        for fact in facts:
            fact["sid"] = sid
            with contextlib.suppress(durable.MessageNotHandledException):
                host.assert_fact(name, fact)
        host.delete_state(name, sid)
        count += len(facts)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "facts": count, "facts_per_s": count / seconds}


def measure_audit(root: Path, out: Path, year: int = 2024) -> dict[str, object]:
    from auditor.audit import rule_summaries, run_audit
    from auditor.report.excel import write_excel
    from auditor.report.html import write_html
    from auditor.report.json_report import write_json
    from auditor.rulebook import load_rulebook
    from auditor.runtime import fewer_collections

    cpu = _cpu_seconds()
    start = time.perf_counter()
    result = run_audit([root], year=year, out=out)
    total = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu  # the worker processes have ended: counted as children
    rows = sum(i.rows.read for i in result.report.inputs)
    peak = _peak_rss_mb()
    # Each report alone, one after the other (the audit writes JSON and HTML on the other
    # core meanwhile): where the reports' time goes. Not part of the audit's total. With
    # the audit's garbage-collector thresholds, as the audit writes them: with CPython's
    # defaults the collector walks the whole report again and again (html 3.5 CPU s
    # instead of 1.4 at 11,631 cells, measured here).
    formats: dict[str, float] = {}
    formats_cpu: dict[str, float] = {}
    rules = rule_summaries(load_rulebook().judges(year))
    again = out / "by_format"
    again.mkdir(parents=True, exist_ok=True)
    with fewer_collections():
        for name, write in (
            ("json", lambda: write_json(result.report, again / "report.json")),
            ("xlsx", lambda: write_excel(result.report, rules, again / "report.xlsx")),
            ("html", lambda: write_html(result.report, rules, again / "report.html")),
        ):
            began, cpu_began = time.perf_counter(), time.process_time()
            write()
            formats[name] = time.perf_counter() - began
            formats_cpu[name] = time.process_time() - cpu_began
    return {
        "seconds": total,
        "cpu_seconds": cpu,
        "stages": result.timings,
        "stats": result.stats,
        "rows": rows,
        "cells": len(result.report.cells),
        "violations": sum(len(c.violations) for c in result.report.cells),
        "rejected": len(result.report.rejected_rows),
        "formats": formats,
        "formats_cpu": formats_cpu,
        "peak_rss_mb": peak,
        "packs": result.report.rules.pack,
        "scoring": result.report.rules.scoring.name if result.report.rules.scoring else "",
    }


def _best(runs: list[dict[str, object]]) -> dict[str, object]:
    return min(runs, key=lambda run: float(run["seconds"]))  # type: ignore[arg-type]


def _paired(root: Path, out: Path, repeat: int) -> tuple[dict, dict, list[float]]:
    """The fastest of ``repeat`` audits and of ``repeat`` python-calamine reads, run in
    turns (audit, read, audit, read, ...), with each turn's ratio.

    This machine's speed drifts by 10-30 % over minutes (measured here): the fastest run
    is the least disturbed one (as ``timeit`` takes the minimum), and taking the two in
    turns keeps a slow minute from weighing on one side only.
    """
    audit, references = _in_turns(root, out, repeat, ("calamine",))
    calamine, ratios = references["calamine"]
    return audit, calamine, ratios


def _in_turns(
    root: Path, out: Path, repeat: int, kinds: tuple[str, ...]
) -> tuple[dict, dict[str, tuple[dict, list[float]]]]:
    """The fastest of ``repeat`` audits and, for each reference in ``kinds``, the fastest
    of its ``repeat`` runs and each turn's ratio (audit / reference), all run in turns
    (audit, each reference, audit, ...)."""
    audits: list[dict[str, object]] = []
    reads: dict[str, list[dict[str, object]]] = {kind: [] for kind in kinds}
    for _ in range(max(1, repeat)):
        audits.append(_child("audit", root, out))
        for kind in kinds:
            reads[kind].append(_child(kind, root, root))
    found = {}
    for kind, runs in reads.items():
        ratios = [
            float(a["seconds"]) / float(r["seconds"])  # type: ignore[arg-type]
            for a, r in zip(audits, runs, strict=True)
        ]
        found[kind] = (_best(runs), ratios)
    return _best(audits), found


def _child(kind: str, root: Path, out: Path, year: int = 2024) -> dict[str, object]:
    """Run one measurement in a fresh interpreter so peak RSS is its own."""
    extra = f", Path({str(out)!r}), {year}" if kind == "audit" else ""
    code = (
        f"import json, sys; sys.path.insert(0, {str(HERE)!r}); import audit as b; "
        f"from pathlib import Path; print(json.dumps(b.measure_{kind}(Path({str(root)!r}){extra})))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _against(audit: dict, name: str, reference: dict, turns: list[float], unwritten: float) -> None:
    """The lines under a reference's own: the CPU seconds' ratio, the turns' ratios and
    the audit without its reports (``unwritten`` seconds) against ``reference``."""
    if "cpu_seconds" in audit and "cpu_seconds" in reference:
        cpu = float(audit["cpu_seconds"]) / float(reference["cpu_seconds"])
        print(
            f"{f'  CPU seconds, audit / {name}':<34}{float(audit['cpu_seconds']):>9.2f}"
            f"{cpu:>19.2f}x   ({name} {float(reference['cpu_seconds']):.2f} CPU s; "
            "both cores' work summed)"
        )
    print(
        f"{'  turn by turn':<34}{'':>9}{statistics.median(turns):>19.2f}x   (median of "
        + ", ".join(f"{ratio:.2f}" for ratio in turns)
        + ")"
    )
    print(
        f"{'  the audit up to the scores':<34}{unwritten:>9.2f}"
        f"{unwritten / reference['seconds']:>19.2f}x   (no report written)"
    )


def _print_scale(
    label: str,
    audit: dict,
    calamine: dict,
    turns: list[float],
    pandas: dict | None,
    durable: dict | None,
    fastexcel: tuple[dict, list[float]] | str | None = None,
) -> None:
    """``fastexcel`` is its fastest run and the turns' ratios, or why it was skipped."""
    total = float(audit["seconds"])
    stages: dict[str, float] = audit["stages"]
    stats: dict[str, float] = audit["stats"]
    rows = float(audit["rows"])
    facts = stats.get("facts", 0.0)
    print(
        f"\n## {label}: {audit['rows']:,} data rows, {audit['cells']:,} cells, "
        f"{facts:,.0f} facts, {audit['violations']:,} violations "
        f"({int(audit['violations']) / max(1, int(audit['cells'])):.2f} a cell)"
    )
    print(f"{'stage':<10}{'seconds':>9}{'share':>8}{'throughput':>24}")
    for name, seconds in stages.items():
        rate = ""
        if name in ("read", "validate") and seconds:
            rate = f"{rows / seconds:,.0f} rows/s"
        elif name in ("facts", "rules") and seconds:
            rate = f"{facts / seconds:,.0f} facts/s"
        print(f"{name:<10}{seconds:>9.2f}{100 * seconds / total:>7.1f}%{rate:>24}")
    print(f"{'total':<10}{total:>9.2f}{100.0:>7.1f}%{f'{rows / total:,.0f} rows/s':>24}")
    print(f"peak RSS: audit {float(audit['peak_rss_mb']):,.0f} MB")
    formats: dict[str, float] = audit.get("formats", {})
    if formats:
        cpu_of: dict[str, float] = audit.get("formats_cpu", {})
        print(
            "reports one by one, one core: "
            + ", ".join(
                f"{name} {seconds:.2f} s"
                + (f" ({cpu_of[name]:.2f} CPU s)" if name in cpu_of else "")
                for name, seconds in formats.items()
            )
        )
    print(f"{'reference, same files':<34}{'seconds':>9}{'audit / reference':>20}")
    ratio = total / calamine["seconds"]
    print(f"{'python-calamine alone':<34}{calamine['seconds']:>9.2f}{ratio:>19.2f}x")
    unwritten = total - stages.get("reports", 0.0)
    _against(audit, "calamine", calamine, turns, unwritten)
    if isinstance(fastexcel, str):
        print(fastexcel)
    elif fastexcel is not None:
        best, ratios = fastexcel
        print(
            f"{'fastexcel into Arrow alone':<34}{best['seconds']:>9.2f}"
            f"{total / best['seconds']:>19.2f}x   (target: at most 5x, with all reports)"
        )
        _against(audit, "fastexcel", best, ratios, unwritten)
    if pandas is not None:
        print(
            f"{'pandas + openpyxl alone':<34}{pandas['seconds']:>9.2f}"
            f"{total / pandas['seconds']:>19.2f}x"
        )
    if durable is not None:
        print(
            f"{'durable_rules alone, 1 process':<34}{durable['seconds']:>9.2f}"
            f"{total / durable['seconds']:>19.2f}x"
            f"   ({durable['facts_per_s']:,.0f} facts/s; the rules stage is "
            f"{stages.get('rules', 0.0) / durable['seconds']:.2f}x of it)"
        )
        alone = durable["seconds"] / calamine["seconds"]
        print(
            f"durable_rules alone is {alone:.2f}x python-calamine in one process, "
            f"{alone / 2:.2f}x at best on two cores: that much of any ratio is the engine's"
        )


def _print_clean_and_messy(
    cells: int, clean: tuple[dict, dict, list[float]], messy: tuple[dict, dict, list[float]]
) -> None:
    """The clean and the messy year of one size side by side, per stage, each beside
    python-calamine's bare read of its own files (measured in turns with it)."""
    (c_audit, c_read, c_turns), (m_audit, m_read, m_turns) = clean, messy
    print(f"\n## {cells:,} per-cell workbooks: clean year beside messy year (seconds)")
    print(f"{'':<26}{'clean':>10}{'messy':>10}{'messy/clean':>13}")

    def line(name: str, left: float, right: float) -> None:
        ratio = f"{right / left:.2f}x" if left else ""
        print(f"{name:<26}{left:>10.2f}{right:>10.2f}{ratio:>13}")

    for name in dict.fromkeys([*c_audit["stages"], *m_audit["stages"]]):
        line(name, c_audit["stages"].get(name, 0.0), m_audit["stages"].get(name, 0.0))
    line("full audit", float(c_audit["seconds"]), float(m_audit["seconds"]))
    line("python-calamine alone", float(c_read["seconds"]), float(m_read["seconds"]))
    for name in ("json", "xlsx", "html"):
        left = c_audit.get("formats", {}).get(name, 0.0)
        right = m_audit.get("formats", {}).get(name, 0.0)
        line(f"  {name} alone", left, right)
    c_ratio = float(c_audit["seconds"]) / float(c_read["seconds"])
    m_ratio = float(m_audit["seconds"]) / float(m_read["seconds"])
    print(f"{'audit / calamine, fastest':<26}{c_ratio:>9.2f}x{m_ratio:>9.2f}x")
    if "cpu_seconds" in c_audit and "cpu_seconds" in m_audit:
        line("audit, CPU seconds", float(c_audit["cpu_seconds"]), float(m_audit["cpu_seconds"]))
        line("calamine, CPU seconds", float(c_read["cpu_seconds"]), float(m_read["cpu_seconds"]))
        c_cpu = float(c_audit["cpu_seconds"]) / float(c_read["cpu_seconds"])
        m_cpu = float(m_audit["cpu_seconds"]) / float(m_read["cpu_seconds"])
        print(f"{'audit / calamine, CPU':<26}{c_cpu:>9.2f}x{m_cpu:>9.2f}x")
    print(
        f"{'audit / calamine, median':<26}{statistics.median(c_turns):>9.2f}x"
        f"{statistics.median(m_turns):>9.2f}x"
    )
    for label, key in (("data rows", "rows"), ("violations", "violations")):
        print(f"{label:<26}{int(c_audit[key]):>10,}{int(m_audit[key]):>10,}")
    print(
        f"{'violations a cell':<26}{int(c_audit['violations']) / int(c_audit['cells']):>10.2f}"
        f"{int(m_audit['violations']) / int(m_audit['cells']):>10.2f}"
    )
    print(
        f"{'peak RSS, MB':<26}{float(c_audit['peak_rss_mb']):>10,.0f}"
        f"{float(m_audit['peak_rss_mb']):>10,.0f}"
    )


def messy_year(root: Path, cells: int) -> None:
    """A year laid out as people fill logs in (title rows, two-row merged headers, every
    date form, aliases and capitals, STT, blank, total and signature rows, units), with
    about 3.5 violations a cell, in .xlsx like the clean year it is compared with."""
    from benchmarks.sample import REAL_DEFECT_COUNTS, generate

    generate(
        root,
        year=2024,
        n_cells=cells,
        seed=7,
        messy=True,
        formats=("xlsx",),
        consolidated=0,
        defect_counts=REAL_DEFECT_COUNTS,
    )


def years_side_by_side(work: Path, cells: int, repeat: int) -> None:
    """A 2026 year (Hướng dẫn 42 and Quy định 366) beside a 2024 one (Hướng dẫn 12 and
    Quy định 124) of the same size and seed, audited in turns (2024, 2026, 2024, ...).

    Prints the fastest of each, each turn's ratio and their median, and the spread of
    the 2024 runs themselves: a ratio within that spread is no cost of its own.
    """
    from benchmarks.sample import generate

    runs: dict[int, list[dict[str, object]]] = {2024: [], 2026: []}
    roots = {year: work / f"year_{year}_{cells}" for year in runs}
    for year, root in roots.items():
        if not root.exists():
            generate(
                root,
                year=year,
                n_cells=cells,
                seed=7,
                messy=False,
                formats=("xlsx",),
                consolidated=0,
            )
    for _ in range(max(2, repeat)):
        for year in runs:
            runs[year].append(_child("audit", roots[year], work / f"out_year_{year}", year))
    seconds = {
        year: [float(run["seconds"]) for run in found]  # type: ignore[arg-type]
        for year, found in runs.items()
    }
    ratios = [b / a for a, b in zip(seconds[2024], seconds[2026], strict=True)]
    print(f"\n## the year 2026 beside 2024: {cells:,} per-cell workbooks each")
    for year, found in runs.items():
        best = _best(found)
        print(
            f"{year}: {best['packs']} + {best['scoring']}, {best['rows']:,} rows, "
            f"{best['violations']:,} violations; best {min(seconds[year]):.2f} s of "
            + ", ".join(f"{x:.2f}" for x in seconds[year])
        )
    spread = max(seconds[2024]) / min(seconds[2024])
    print(
        f"2026 / 2024: best {min(seconds[2026]) / min(seconds[2024]):.2f}x, turn by turn "
        f"median {statistics.median(ratios):.2f}x ("
        + ", ".join(f"{r:.2f}" for r in ratios)
        + f"); 2024 run-to-run spread {spread:.2f}x (slowest / fastest)"
    )


def members_side_by_side(work: Path, cells: int, per_cell: int, repeat: int) -> None:
    """The same year of ``cells`` per-cell workbooks with and without the member tables
    (``per_cell`` members each, from ``benchmarks/members_sample.py``), audited in turns
    (without, with, without, ...), each ``repeat`` times (at least twice).

    Prints the fastest of each, per stage, each turn's ratio and their median, and the
    spread of the runs without members themselves: a ratio within that spread is no
    cost of its own. The target (issue 17) is at most 1.5x.
    """
    from benchmarks.members_sample import MemberYears
    from benchmarks.sample import generate

    roots = {
        "without": work / f"members_without_{cells}",
        "with": work / f"members_with_{cells}_{per_cell}",
    }
    for kind, root in roots.items():
        if not root.exists():
            hook = MemberYears(2024, seed=7, per_cell=per_cell, messy=False)
            generate(
                root,
                year=2024,
                n_cells=cells,
                seed=7,
                messy=False,
                formats=("xlsx",),
                consolidated=0,
                extra_sheets=hook if kind == "with" else None,
            )
    runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in roots}
    bare: dict[str, list[float]] = {kind: [] for kind in roots}
    for _ in range(max(2, repeat)):
        for kind, root in roots.items():
            runs[kind].append(_child("audit", root, work / f"out_members_{kind}"))
            bare[kind].append(float(_child("calamine", root, work)["seconds"]))
    seconds = {kind: [float(run["seconds"]) for run in found] for kind, found in runs.items()}
    ratios = [b / a for a, b in zip(seconds["without"], seconds["with"], strict=True)]
    off, on = (min(found, key=lambda run: float(run["seconds"])) for found in runs.values())
    print(f"\n## {cells:,} per-cell workbooks without and with {per_cell} members a cell")
    print(f"{'':<26}{'without':>10}{'with':>10}{'with/without':>14}")

    def line(name: str, left: float, right: float) -> None:
        ratio = f"{right / left:.2f}x" if left else ""
        print(f"{name:<26}{left:>10.2f}{right:>10.2f}{ratio:>14}")

    for name in dict.fromkeys([*off["stages"], *on["stages"]]):
        line(name, off["stages"].get(name, 0.0), on["stages"].get(name, 0.0))
    line("full audit", off["seconds"], on["seconds"])
    line("CPU seconds", off["cpu_seconds"], on["cpu_seconds"])
    for label, key in (("data rows", "rows"), ("violations of cells", "violations")):
        print(f"{label:<26}{off[key]:>10,}{on[key]:>10,}")
    print(f"{'peak RSS, MB':<26}{off['peak_rss_mb']:>10,.0f}{on['peak_rss_mb']:>10,.0f}")
    # what the member tables cost python-calamine alone: the floor of any ratio above
    line("python-calamine read", min(bare["without"]), min(bare["with"]))
    spread = max(seconds["without"]) / min(seconds["without"])
    print(
        f"with / without: best {min(seconds['with']) / min(seconds['without']):.2f}x, turn by "
        f"turn median {statistics.median(ratios):.2f}x ("
        + ", ".join(f"{r:.2f}" for r in ratios)
        + f"); without-members run-to-run spread {spread:.2f}x; target at most 1.50x"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, nargs="*", default=[1000, 5000, 10000])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--no-pandas", action="store_true", help="skip the slow pandas reference")
    parser.add_argument("--no-durable", action="store_true", help="skip the engine reference")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of the audit and of python-calamine (best)"
    )
    parser.add_argument(
        "--messy",
        type=int,
        nargs="*",
        default=[5000],
        help="sizes also audited as a messy year, beside the clean one",
    )
    parser.add_argument(
        "--years-cells",
        type=int,
        default=5000,
        help="cells of the 2026-beside-2024 comparison (0: skip it)",
    )
    parser.add_argument(
        "--members-cells",
        type=int,
        default=5000,
        help="cells of the with-and-without-members comparison (0: skip it)",
    )
    parser.add_argument("--members-per-cell", type=int, default=20)
    parser.add_argument(
        "--rows-defects",
        choices=("real", "few"),
        default="real",
        help="violations of the consolidated workbook: real (about 3.5 a cell, as a real "
        "province year; the issue's target) or few (about 0.3 a cell)",
    )
    args = parser.parse_args(argv)
    # the repository root, so that ``benchmarks.sample`` imports both when run as
    # ``python -m benchmarks.audit`` and as ``python benchmarks/audit.py``
    if str(HERE.parent) not in sys.path:
        sys.path.insert(0, str(HERE.parent))
    from benchmarks.sample import REAL_DEFECT_COUNTS, generate, generate_consolidated

    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or Path(scratch)
        totals: dict[int, float] = {}
        for cells in args.cells:
            root = work / f"cells_{cells}"
            if not root.exists():
                generate(
                    root,
                    year=2024,
                    n_cells=cells,
                    seed=7,
                    messy=False,
                    formats=("xlsx",),
                    consolidated=0,
                )
            audit, calamine, turns = _paired(root, work / f"out_{cells}", args.repeat)
            pandas = None if args.no_pandas else _child("pandas", root, root)
            durable = None if args.no_durable else _child("durable", root, root)
            _print_scale(f"{cells:,} per-cell workbooks", audit, calamine, turns, pandas, durable)
            totals[cells] = float(audit["seconds"])  # type: ignore[arg-type]
            if cells in args.messy:
                messy_root = work / f"messy_{cells}"
                if not messy_root.exists():
                    messy_year(messy_root, cells)
                messy = _paired(messy_root, work / f"out_messy_{cells}", args.repeat)
                _print_scale(f"{cells:,} messy per-cell workbooks", *messy, None, None)
                _print_clean_and_messy(cells, (audit, calamine, turns), messy)
        if args.rows:
            big_dir = work / f"consolidated_{args.rows}_{args.rows_defects}"
            if not big_dir.exists():
                big_dir.mkdir(parents=True)
                generate_consolidated(
                    big_dir / "tong_hop.xlsx",
                    year=2024,
                    n_rows=args.rows,
                    seed=7,
                    defect_counts=REAL_DEFECT_COUNTS if args.rows_defects == "real" else None,
                )
            missing = fastexcel_missing()
            kinds = ("calamine",) if missing else ("calamine", "fastexcel")
            audit, references = _in_turns(big_dir, work / "out_big", args.repeat, kinds)
            calamine, turns = references["calamine"]
            fastexcel = missing or references["fastexcel"]
            pandas = None if args.no_pandas else _child("pandas", big_dir, big_dir)
            durable = None if args.no_durable else _child("durable", big_dir, big_dir)
            _print_scale(
                f"one consolidated workbook of {args.rows:,} rows",
                audit,
                calamine,
                turns,
                pandas,
                durable,
                fastexcel,
            )
        if args.years_cells:
            years_side_by_side(work, args.years_cells, args.repeat)
        if args.members_cells:
            members_side_by_side(work, args.members_cells, args.members_per_cell, args.repeat)
        sizes = sorted(totals)
        for small, large in itertools.pairwise(sizes):
            print(
                f"\n{large:,} cells cost {totals[large] / totals[small]:.2f}x of {small:,} "
                f"(linear would be {large / small:.2f}x)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
