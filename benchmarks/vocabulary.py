"""What checking every fact against the vocabulary costs, beside building the facts.

``facts.cell_facts`` checks each fact's keys against ``auditor/vocabulary.py`` as it
builds them. This generates a year (``--cells`` per-cell workbooks), builds every cell's
facts ``--repeat`` times, and prints the best time of building them (check included), of
the check alone over the same facts, and of a full pydantic validation of each fact (what
the tests do), each as a share of building: the check must stay a small share.
Measured 3/12/2026 on 500 cells (15,426 facts, machine shared with other jobs): building
71.5 ms, the check 6.9 ms (0.10; 13.6 ms, 0.16, before facts were checked once per key
layout), full pydantic validation 55.1 ms (0.77).

    .venv/bin/python benchmarks/vocabulary.py --cells 500
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    from sample import generate

    from auditor.facts import cell_facts, prepare
    from auditor.ingest import load
    from auditor.vocabulary import check_facts, validate_fact

    year, as_of = 2024, dt.date(2024, 12, 31)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "year"
        generate(
            root,
            year=year,
            n_cells=args.cells,
            seed=7,
            messy=False,
            formats=("xlsx",),
            consolidated=0,
        )
        prepared = prepare(load([root], workers=1), year=year, as_of=as_of)
    inputs = [item for batch in prepared.batches(250) for item in batch.inputs()]
    build, check, full = [], [], []
    facts: list[dict[str, object]] = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        facts = [f for item in inputs for f in cell_facts(item, year=year, as_of=as_of)[0].facts]
        build.append(time.perf_counter() - start)
        start = time.perf_counter()
        check_facts(facts)
        check.append(time.perf_counter() - start)
    start = time.perf_counter()
    for fact in facts:
        validate_fact(fact)
    full.append(time.perf_counter() - start)
    built = min(build)
    print(f"{len(inputs):,} cells, {len(facts):,} facts, best of {args.repeat}")
    rows = [
        ("building the facts (check included)", built),
        ("the key check alone", min(check)),
        ("pydantic validation of every fact", min(full)),
    ]
    for label, seconds in rows:
        print(f"  {label:<38} {seconds * 1000:8.1f} ms   {seconds / built:.3f}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
