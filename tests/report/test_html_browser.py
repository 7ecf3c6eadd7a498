"""report.html in a real browser (headless Chromium, when installed): the scripts run
without error, the charts are in the DOM and the ranking sorts."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from auditor.report import write_html
from tests import report_factories as f
from tests.web.live import CHROMIUM_ARGS

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")


def dump_dom(url: str) -> str:
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                CHROMIUM,
                *CHROMIUM_ARGS,
                f"--user-data-dir={profile}",
                "--virtual-time-budget=3000",
                "--dump-dom",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_page_runs_in_chromium(tmp_path: Path) -> None:
    cells, moves = f.scored_run()
    extra = f.cell("CB009", name=f.XSS_NAME, parent=f.XSS_NAME, score=42, band="KHTNV", rank=6)
    report = f.report([*cells, extra], quota_moves=moves)
    path = tmp_path / "report.html"
    write_html(report, f.rules(), path)
    dom = dump_dom(path.as_uri() + "#selftest")
    html_tag = dom[dom.index("<html") : dom.index(">", dom.index("<html"))]
    assert "data-js-error" not in html_tag, html_tag
    assert 'data-js="ready"' in html_tag
    assert f'data-cells="{len(report.cells)}"' in html_tag
    sorted_scores = re.search(r'data-sorted="([^"]*)"', html_tag)
    assert sorted_scores is not None
    scores = [int(s) for s in sorted_scores.group(1).split(",")]
    assert scores == sorted(c.score for c in report.cells)
    for chart in ("chart-bands", "chart-rules", "chart-scores"):
        assert re.search(rf'<svg[^>]*id="{chart}"', dom)
    assert dom.count("<rect") >= 10
    assert "<img" not in dom  # the hostile name stayed text
