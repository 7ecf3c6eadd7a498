"""The package as a board's IT person installs it: a wheel, in a fresh venv, elsewhere.

The wheel is built from a copy of the checkout (no build files left in it), installed
without its dependencies into a venv created outside the checkout, which finds them in
the test venv's site-packages through a ``.pth`` file (durable_rules is not compiled
again). From another working directory it lists the rules and audits ``sample_data/``;
its ``report.json`` is the in-tree audit's, ``generated_at`` aside.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Left out of the copy the wheel is built from: at the top, what is not the project's
#: source (``report/`` is where the README's audit writes); anywhere, caches.
TOP_SKIP = {".venv", ".git", "build", "dist", "sample_data", "report"}
CACHES = {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis"}


def _skipped(folder: str, names: list[str]) -> list[str]:
    top = Path(folder) == ROOT
    return [
        n
        for n in names
        if n in CACHES or (top and n in TOP_SKIP) or n.endswith((".egg-info", ".pyc"))
    ]


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _report(folder: Path) -> dict[str, object]:
    data = json.loads((folder / "report.json").read_text("utf-8"))
    data.pop("generated_at", None)
    return data


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=_skipped)
    dist = work / "dist"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(source),
        ],
        cwd=work,
    )
    (wheel,) = dist.glob("chibo_auditor-*.whl")
    venv = work / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=work)
    python = venv / "bin" / "python"
    purelib = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=work
    ).strip()
    # the test venv's dependencies (and pip), after the fresh venv's own site-packages
    ours = {sysconfig.get_paths()["purelib"], *site.getsitepackages()}
    Path(purelib, "test-venv-deps.pth").write_text("\n".join(sorted(ours)) + "\n", "utf-8")
    _run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], work)
    return venv


def test_the_wheel_carries_every_rule_file_of_the_checkout(installed: Path) -> None:
    python = installed / "bin" / "python"
    where = _run(
        [str(python), "-c", "import auditor.rulepack as r; print(r.__file__, r.PACKS_DIR)"],
        cwd=installed,
    ).split()
    assert Path(where[0]).is_relative_to(installed), "auditor was imported from elsewhere"
    shipped = Path(where[1])
    ours = ROOT / "auditor" / "rules"
    mine = sorted(p.relative_to(ours).as_posix() for p in ours.rglob("*.yaml"))
    theirs = sorted(p.relative_to(shipped).as_posix() for p in shipped.rglob("*.yaml"))
    assert mine and theirs == mine
    for name in mine:
        assert (shipped / name).read_bytes() == (ours / name).read_bytes()


def test_the_installed_auditor_lists_rules_and_audits_like_the_checkout(
    installed: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["COLUMNS"] = "200"
    auditor = str(installed / "bin" / "auditor")
    listing = _run([auditor, "rules"], cwd=elsewhere, env=env)
    assert "CD01" in listing and "TK02" in listing
    assert "DD01" in _run([auditor, "rules", "--rules", "quan-doi"], cwd=elsewhere, env=env)
    _run(
        [auditor, "audit", str(ROOT / "sample_data"), "--year", "2024", "--out", "out"],
        cwd=elsewhere,
        env=env,
    )
    _run(
        [
            sys.executable,
            "-m",
            "auditor.cli",
            "audit",
            "sample_data",
            "--year",
            "2024",
            "--out",
            str(tmp_path / "in-tree"),
        ],
        cwd=ROOT,
    )
    wheel_report = _report(elsewhere / "out")
    assert wheel_report["cells"]
    assert wheel_report == _report(tmp_path / "in-tree")
