"""``report.html``: one self-contained page (no network): summary, charts as inline SVG
drawn here in Python, a sortable ranking (a few lines of inline JS), quota moves and one
section per cell with its violations and evidence.

All text goes through Jinja2 with ``autoescape=True`` (every template, whatever its
extension); the summary embedded as JSON in a ``<script>`` element is written with
:func:`~auditor.report.safe.script_json`, which cannot produce ``</script>``. Chart
geometry is computed here and drawn by the template, so labels are escaped like any text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from auditor.models import BANDS, CellResult, Report
from auditor.report.common import (
    BAND_COLOURS,
    BAND_NAMES_VI,
    NO_PARENT_VI,
    PERIOD_KIND_VI,
    STATUS_VI,
    RuleSummary,
    details_text,
    format_date,
    format_period,
    reorg_lines,
    rule_columns,
    waiver_text,
)
from auditor.report.safe import script_json

__all__ = ["environment", "render_html", "write_html"]

TEMPLATES = Path(__file__).parent / "templates"
#: Rejected rows and notes shown in the page; the workbook has all of them.
HTML_LIST_LIMIT = 500


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every template, including *.html.j2
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["vdate"] = format_date
    env.filters["period"] = format_period
    env.filters["details"] = details_text
    env.filters["reorg"] = reorg_lines
    env.filters["waiver"] = waiver_text
    return env


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    fill: str
    label: str
    value: int
    title: str


def _natural(text: str | None) -> tuple[bool, list[tuple[int, str]]]:
    """Sort key: "xã 2" before "xã 10"; no parent last."""
    parts = re.split(r"(\d+)", text or "")
    return (text is None, [(int(p), "") if p.isdigit() else (0, p.casefold()) for p in parts])


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def band_chart(report: Report) -> dict[str, Any]:
    """100 % stacked bars: the bands of each parent's cells."""
    counts: dict[str | None, dict[str, int]] = {}
    for cell in report.cells:
        counts.setdefault(cell.parent, dict.fromkeys(BANDS, 0))[cell.band] += 1
    parents = sorted(counts, key=_natural)
    label_w, bar_w, row_h = 230.0, 520.0, 26.0
    rows = []
    for i, parent in enumerate(parents):
        total = sum(counts[parent].values())
        x = label_w
        bars = []
        for band in BANDS:
            n = counts[parent][band]
            if not n:
                continue
            width = bar_w * n / total
            name = parent or NO_PARENT_VI
            bars.append(
                Bar(
                    x,
                    30 + i * row_h,
                    width,
                    row_h - 6,
                    BAND_COLOURS[band][1],
                    str(n),
                    n,
                    f"{name}: {n} {band} ({BAND_NAMES_VI[band]})",
                )
            )
            x += width
        rows.append(
            {
                "label": _short(parent or NO_PARENT_VI),
                "full": parent or NO_PARENT_VI,
                "y": 30 + i * row_h,
                "bars": bars,
                "total": total,
            }
        )
    return {
        "rows": rows,
        "height": 40 + len(parents) * row_h,
        "label_w": label_w,
        "bar_w": bar_w,
        "legend": [(b, BAND_COLOURS[b][1], BAND_NAMES_VI[b]) for b in BANDS],
    }


def rule_chart(report: Report, rules: Sequence[RuleSummary]) -> dict[str, Any]:
    """Horizontal bars: number of violations per rule."""
    ids = rule_columns(rules, report.cells)
    titles = {r.id: r.title_vi for r in rules}
    count = dict.fromkeys(ids, 0)
    for cell in report.cells:
        for v in cell.violations:
            count[v.rule] += 1
    top = max(count.values(), default=0) or 1
    label_w, bar_w, row_h = 70.0, 600.0, 24.0
    bars = [
        Bar(
            label_w,
            10 + i * row_h,
            max(bar_w * count[r] / top, 0.0),
            row_h - 6,
            "#2E75B6",
            r,
            count[r],
            f"{r} – {titles.get(r, '')}: {count[r]} vi phạm",
        )
        for i, r in enumerate(ids)
    ]
    return {"bars": bars, "height": 20 + len(ids) * row_h, "label_w": label_w}


def score_histogram(report: Report) -> dict[str, Any]:
    """Ten bins of ten points (the last holds 90-100)."""
    bins = [0] * 10
    for cell in report.cells:
        bins[min(cell.score // 10, 9)] += 1
    top = max(bins) or 1
    plot_h, bar_w, left = 200.0, 60.0, 40.0
    colours = ["#9C0006"] * 5 + ["#9C5700"] * 2 + ["#1F4E79"] * 2 + ["#006100"]
    bars = []
    for i, n in enumerate(bins):
        height = plot_h * n / top
        label = f"{i * 10}–{i * 10 + 9}" if i < 9 else "90–100"
        bars.append(
            Bar(
                left + i * (bar_w + 8),
                20 + plot_h - height,
                bar_w,
                height,
                colours[i],
                label,
                n,
                f"{label} điểm: {n} chi bộ",
            )
        )
    return {
        "bars": bars,
        "height": plot_h + 60,
        "base": 20 + plot_h,
        "width": left + 10 * (bar_w + 8) + 10,
        "left": left,
    }


class _Escaper:
    """Jinja2's autoescape of one value (``{{ value }}``), each distinct text escaped once.

    The long tables of a province year repeat the same few texts (file and sheet names,
    rule titles, remedies, messages) tens of thousands of times; Jinja2 escapes every
    occurrence through :func:`markupsafe.escape` (about 720,000 calls and 3 s at 11,631
    cells and 36,417 violations). Same output: a text is escaped as markupsafe escapes
    it, anything else is rendered as ``{{ }}`` renders it."""

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}

    def __call__(self, value: object) -> str:
        if type(value) is str:
            text = self._texts.get(value)
            if text is None:
                # most texts hold none of the five characters escaped: kept as they are
                if "&" in value or "<" in value or ">" in value or '"' in value or "'" in value:
                    text = str(escape(value))
                else:
                    text = value
                self._texts[value] = text
            return text
        if type(value) is int:
            return str(value)
        return str(escape(value))


def _ranking_rows(report: Report, esc: _Escaper) -> Markup:
    """The ranking table's rows (the template's ``ranking_rows``), built here rather than
    by a Jinja2 loop: a province year has one row per cell (11,000 and more)."""
    out: list[str] = []
    order = {band: str(index) for index, band in enumerate(BANDS)}
    titles = {band: esc(name) for band, name in BAND_NAMES_VI.items()}
    for index, c in enumerate(report.cells, start=1):
        count = str(len(c.violations))
        moved = ' <span class="moved">(chỉ tiêu)</span>' if c.moved_by_quota else ""
        out.append(
            f'<tr>\n<td class="num" data-v="{c.rank}">{c.rank}</td>\n'
            f'<td><a href="#cell-{index}">{esc(c.cell_id)}</a></td>\n'
            f"<td>{esc(c.cell_name or '')}</td>\n"
            f"<td>{esc(c.parent or NO_PARENT_VI)}</td>\n"
            f'<td class="num" data-v="{c.score}">{c.score}</td>\n'
            f'<td data-v="{order[c.band]}"><span class="band band-{esc(c.band)}" '
            f'title="{titles[c.band]}">{esc(c.band)}</span>{moved}</td>\n'
            f'<td data-v="{order[c.band_before_quota]}"><span class="band '
            f'band-{esc(c.band_before_quota)}">{esc(c.band_before_quota)}</span></td>\n'
            f'<td class="num" data-v="{count}">{count}</td>\n</tr>\n'
        )
    return Markup("".join(out))


_VIOLATIONS_HEAD = (
    "<table>\n<thead><tr><th>Quy tắc</th><th>Kỳ / ngày</th><th>Điểm trừ</th><th>Mô tả</th>"
    "<th>Bằng chứng</th><th>Biện pháp khắc phục</th></tr></thead>\n<tbody>\n"
)


def _violation_rows(
    cell: CellResult, year: int, rules: dict[str, RuleSummary], esc: _Escaper
) -> str:
    """One cell's violations table, as its template did: a row per violation with the
    rule, its period or date, the points (struck through when waived), the message with
    the waiver and details, the evidence and the remedy."""
    out = [_VIOLATIONS_HEAD]
    for v in cell.violations:
        rule = rules.get(v.rule)
        title = f'<br><span class="muted">{esc(rule.title_vi)}</span>' if rule else ""
        when = esc(format_period(v.period, year)) + esc(format_date(v.date))
        if v.waived:
            points = f'<s>{esc(v.points)}</s> <span class="moved">(miễn trừ)</span>'
        else:
            points = esc(v.points)
        message = esc(v.message_vi)
        if v.waived:
            message += f'<br><span class="muted">{esc(waiver_text(v))}</span>'
        if v.details:
            message += f'<br><span class="muted">{esc(details_text(v.details))}</span>'
        evidence = "<br>".join(
            f"{esc(e.file)} › {esc(e.sheet)} › dòng {esc(e.row)}" for e in v.evidence
        )
        out.append(
            f"<tr>\n<td><b>{esc(v.rule)}</b>{title}</td>\n<td>{when}</td>\n"
            f'<td class="num">{points}</td>\n<td>{message}</td>\n'
            f'<td class="evidence">{evidence}</td>\n'
            f"<td>{esc(rule.remedy_vi) if rule else ''}</td>\n</tr>\n"
        )
    out.append("</tbody>\n</table>\n")
    return "".join(out)


def _cell_heads(report: Report, rules: dict[str, RuleSummary], esc: _Escaper) -> list[Markup]:
    """Each cell's section up to its members (the template's ``cell_heads``): the
    summary line, parent and points, reorganisation lines, band changes and the
    violations table. Built here: a province year has 11,000 cells and 36,000 violations,
    which a Jinja2 loop escapes value by value."""
    opened = " open" if len(report.cells) <= 20 else ""
    heads: list[Markup] = []
    for index, c in enumerate(report.cells, start=1):
        moved = " · Đã chuyển xuống theo chỉ tiêu" if c.moved_by_quota else ""
        parts = [
            f'<details class="cell" id="cell-{index}"{opened}>\n'
            f"<summary>#{esc(c.rank)} · {esc(c.cell_id)} – {esc(c.cell_name or '')} · "
            f'{esc(c.score)} điểm · <span class="band band-{esc(c.band)}">{esc(c.band)}</span>'
            f" · {len(c.violations)} vi phạm</summary>\n"
            f'<p class="meta">Đảng bộ: {esc(c.parent or NO_PARENT_VI)} · Tổng điểm trừ: '
            f"{esc(c.points_lost)} · Xếp loại trước chỉ tiêu: {esc(c.band_before_quota)}"
            f"{moved}</p>\n"
        ]
        for label, text in reorg_lines(c):
            parts.append(f'<p class="meta">{esc(label)}: {esc(text)}</p>\n')
        if c.band_changes:
            parts.append('<ul class="band-changes">\n')
            parts += [f"<li>{esc(ch.message_vi)}</li>\n" for ch in c.band_changes]
            parts.append("</ul>\n")
        if c.violations:
            parts.append(_violation_rows(c, report.year, rules, esc))
        else:
            parts.append('<p class="muted">Không có vi phạm.</p>\n')
        heads.append(Markup("".join(parts)))
    return heads


_MEMBER_HEAD = (
    "<table>\n<thead><tr><th>Mã</th><th>Họ và tên</th><th>Có mặt</th><th>Vắng có lý do</th>"
    "<th>Vắng không lý do</th><th>Miễn</th><th>Thi: tháng / thắng</th><th>Vi phạm</th></tr>"
    "</thead>\n<tbody>\n"
)


def _member_tables(report: Report, esc: _Escaper) -> dict[str, Markup]:
    """Each cell's members table (the template's ``member_tables``), built here rather
    than by a Jinja2 loop: 20 members a cell, each with findings and evidence rows, are
    hundreds of thousands of values to escape in a province year (same bytes as the
    loop, each distinct text escaped once)."""
    by_cell: dict[str, list[str]] = {}
    for m in report.members:
        findings = []
        for v in m.violations:
            text = f"<b>{esc(v.rule)}</b> {esc(v.message_vi)}"
            if v.evidence:
                rows = "; ".join(
                    f"{esc(e.file)} › {esc(e.sheet)} › dòng {e.row}" for e in v.evidence
                )
                text += f' <span class="evidence">({rows})</span>'
            findings.append(text)
        months = m.months  # counts (ints): written as {{ }} writes them, nothing to escape
        by_cell.setdefault(m.cell_id, []).append(
            f"<tr>\n<td>{esc(m.member_id)}</td><td>{esc(m.member_name)}</td>\n"
            f'<td class="num">{months.present}</td><td class="num">{months.excused}</td>'
            f'<td class="num">{months.unexcused}</td><td class="num">{months.exempt}</td>\n'
            f'<td class="num">{m.quiz.months} / {m.quiz.wins}</td>\n'
            f"<td>{'<br>'.join(findings)}</td>\n</tr>\n"
        )
    return {
        cell_id: Markup(
            f"<h4>Đảng viên ({len(rows)})</h4>\n{_MEMBER_HEAD}{''.join(rows)}</tbody>\n</table>\n"
        )
        for cell_id, rows in by_cell.items()
    }


def render_html(report: Report, rules: Sequence[RuleSummary]) -> str:
    env = environment()
    template = env.get_template("report.html.j2")
    by_rule = {r.id: r for r in rules}
    summary = {
        "schema": report.schema_,
        "year": report.year,
        "as_of": report.as_of.isoformat(),
        "cells": [
            {
                "cell_id": c.cell_id,
                "cell_name": c.cell_name,
                "parent": c.parent,
                "score": c.score,
                "band": c.band,
                "rank": c.rank,
            }
            for c in report.cells
        ],
    }
    band_counts = {b: sum(1 for c in report.cells if c.band == b) for b in BANDS}
    esc = _Escaper()
    return template.render(
        report=report,
        rules=by_rule,
        rule_list=list(rules),
        bands=BANDS,
        band_names=BAND_NAMES_VI,
        band_colours=BAND_COLOURS,
        band_counts=band_counts,
        status_vi=STATUS_VI,
        period_kind=PERIOD_KIND_VI,
        no_parent=NO_PARENT_VI,
        band_chart=band_chart(report),
        rule_chart=rule_chart(report, rules),
        histogram=score_histogram(report),
        limit=HTML_LIST_LIMIT,
        violations_total=sum(len(c.violations) for c in report.cells),
        summary_json=Markup(script_json(summary)),
        member_tables=_member_tables(report, esc),
        ranking_rows=_ranking_rows(report, esc),
        cell_heads=_cell_heads(report, by_rule, esc),
    )


def write_html(report: Report, rules: Sequence[RuleSummary], path: Path) -> None:
    """Write ``report.html`` (self-contained, Vietnamese)."""
    Path(path).write_text(render_html(report, rules), encoding="utf-8")
