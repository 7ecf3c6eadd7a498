"""The README's audit commands on the sample data work as written (both sample years)."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
#: Every ``auditor audit sample_data …`` of a shell block, as a user would paste it.
COMMANDS = re.findall(r"\.venv/bin/(auditor audit sample_data [^\n&]+)", README)


def test_the_readme_shows_an_audit_of_each_sample_year() -> None:
    years = [int(re.search(r"--year (\d{4})", c)[1]) for c in COMMANDS]  # type: ignore[index]
    assert years == [2024, 2026]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_readme_audit_command_runs_and_reads_only_its_year(command: str, tmp_path: Path) -> None:
    args = shlex.split(command)
    out = args.index("--out") + 1
    args[out] = str(tmp_path / args[out])  # where the README writes, under a scratch folder
    year = int(args[args.index("--year") + 1])
    script = Path(sys.executable).parent / "auditor"
    done = subprocess.run(
        [str(script), *args[1:]], cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr
    report = json.loads((Path(args[out]) / "report.json").read_text("utf-8"))
    assert report["year"] == year and report["cells"]
    for entry in report["inputs"]:
        own = f"_{year}." in entry["file"]
        assert entry["status"] == ("ok" if own else "skipped"), entry["file"]
    truth_name = "sample_truth.json" if year == 2024 else f"sample_truth_{year}.json"
    truth = json.loads((ROOT / "tests" / "data" / truth_name).read_text("utf-8"))
    scored = {c["cell_id"] for c in truth["cells"] if not c.get("merged_into")}
    assert {c["cell_id"] for c in report["cells"]} == scored
    # the summary counts the members and their findings when the year has member tables
    counts = dict(re.findall(r"(Đảng viên / members|member findings)\s*│\s*(\d+)", done.stdout))
    members = truth.get("members")
    if members:
        assert counts == {
            "Đảng viên / members": str(members["members"]),
            "member findings": str(len(members["findings"])),
        }
    else:
        assert not counts and "Đảng viên / members" not in done.stdout
