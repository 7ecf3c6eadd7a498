"""report.html: self-contained, Vietnamese, and every piece of workbook text escaped."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from auditor.models import Note, QuotaMove, Waiver
from auditor.report import render_html, write_html
from auditor.report.html import environment
from auditor.report.safe import script_json
from tests import report_factories as f


def test_autoescape_is_on_for_the_report_template() -> None:
    env = environment()
    template = env.get_template("report.html.j2")
    assert template.environment.autoescape is True
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"


def test_page_has_the_parts(tmp_path: Path) -> None:
    cells, moves = f.scored_run()
    report = f.report(cells, quota_moves=moves, rejected=[f.rejected_row()])
    path = tmp_path / "report.html"
    write_html(report, f.rules(), path)
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="vi">' in page
    assert "Kết quả kiểm tra sinh hoạt chi bộ năm 2024" in page
    for chart in ("chart-bands", "chart-rules", "chart-scores"):
        assert f'id="{chart}"' in page
    assert page.count("<rect") >= 10
    assert 'id="ranking"' in page and page.count('class="cell"') == len(cells)
    assert "Vượt chỉ tiêu 20% HTXSNV" in page
    assert "31/02/2024" in page  # rejected row value
    assert "Khắc phục CD02" in page  # remedy shown in the cell detail


def test_page_is_self_contained() -> None:
    page = render_html(f.report(), f.rules())
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    assert "<link" not in page


def test_markup_in_workbook_text_is_escaped() -> None:
    evil = f.XSS_NAME
    v = f.violation(
        message_vi=evil,
        evidence=[(evil, evil, 2)],
        details={"topic": evil, evil: 1},
        date=dt.date(2024, 3, 1),
    )
    report = f.report(
        [f.cell(evil, name=evil, parent=evil, violations=[v], score=97)],
        quota_moves=[
            QuotaMove(parent=evil, cell_id=evil, score=97, message_vi=evil, message_en=evil)
        ],
        rejected=[f.rejected_row(evil, value=evil)],
        notes=[Note(file=evil, sheet=evil, code="x", message_vi=evil, message_en=evil)],
    )
    page = render_html(report, f.rules())
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "onerror=alert(2)>" not in page.replace("&gt;", "")  # never a live attribute
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in page
    # Exactly two script elements: the error hook and the sorter; the JSON is inert.
    assert page.count("<script>") == 2
    assert page.count("</script>") == 3


def test_embedded_json_cannot_close_the_script() -> None:
    text = script_json({"name": "</script><script>alert(1)</script>", "x": "a\u2028b&"})
    assert "</" not in text and "<" not in text and "\u2028" not in text
    assert json.loads(text) == {"name": "</script><script>alert(1)</script>", "x": "a\u2028b&"}
    page = render_html(f.report([f.cell(name="</script><!--")]), f.rules())
    start = page.index('<script type="application/json" id="chibo-summary">')
    end = page.index("</script>", start)
    data = json.loads(page[start:end].split(">", 1)[1])
    assert data["cells"][0]["cell_name"] == "</script><!--"


def test_empty_run_renders() -> None:
    page = render_html(f.report([], inputs=[]), [])
    assert "Không có chi bộ nào phải chuyển xếp loại" in page
    assert 'id="chart-scores"' in page


def test_a_waived_violation_is_struck_through_with_its_waiver_escaped() -> None:
    evil = f.XSS_NAME
    v = f.violation(points=3, message_vi="Dự thảo gửi muộn").model_copy(
        update={
            "waived": True,
            "waiver": Waiver(
                cell_id="CB001",
                rule="CD02",
                reason=evil,
                approved_by="Ban Tổ chức",
                approved_on=dt.date(2024, 5, 2),
            ),
        }
    )
    page = render_html(f.report([f.cell(violations=[v], score=100)]), f.rules())
    assert '<td class="num"><s>3</s> <span class="moved">(miễn trừ)</span></td>' in page
    assert "Miễn trừ: &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "duyệt: Ban Tổ chức ngày 02/05/2024" in page
    assert "<script>alert(1)" not in page
