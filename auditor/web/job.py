"""One run's audit, in a process of its own: ``python -m auditor.web.job``.

The server starts one of these per run from its single worker, so an audit's memory is
given back when it ends, a crash in it fails that run only, and the audit forks its own
workers from a process where no server thread runs. Progress goes to stdout as one JSON
object a line: ``{"stage": "read", "done": 3, "total": 12}``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path


def _say(stage: str, done: int, total: int) -> None:
    sys.stdout.write(json.dumps({"stage": stage, "done": done, "total": total}) + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m auditor.web.job")
    parser.add_argument("--inputs", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--as-of")
    parser.add_argument("--generated-at")
    args = parser.parse_args(argv)

    from auditor.audit import run_audit
    from auditor.report import cell_files

    _say("start", 0, 0)
    last = {"read": -1, "rules": -1}

    def on_file(done: int, total: int, _rel: str) -> None:
        if done != last["read"]:
            last["read"] = done
            _say("read", done, total)

    def on_cell(done: int, total: int) -> None:
        if done == total or done - last["rules"] >= max(1, total // 50):
            last["rules"] = done
            _say("rules", done, total)

    result = run_audit(
        [args.inputs],
        year=args.year,
        out=args.out,
        as_of=dt.date.fromisoformat(args.as_of) if args.as_of else None,
        progress=on_file,
        rule_progress=on_cell,
        generated_at=args.generated_at,
    )
    # which files hold each cell's rows: a cell's page lists the rows rejected in them
    tables = [result.dataset.cells, result.dataset.plan, result.dataset.sessions]
    owners = {cell: sorted(files) for cell, files in cell_files(result.report, tables).items()}
    (args.out / "cell_files.json").write_text(
        json.dumps(owners, ensure_ascii=False, sort_keys=True)
    )
    _say("done", 1, 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
