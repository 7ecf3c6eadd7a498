"""The rule catalogue, generated from the rule files themselves (never written twice).

``auditor rules`` prints :func:`catalogue_table`, ``auditor rules CD02`` prints
:func:`explain` (as ``ruff rule`` does), and ``docs/rules.md`` is :func:`render_docs`
of the default pack; a test fails when that page is stale.
"""

from __future__ import annotations

import yaml
from rich.table import Table

from auditor.rulepack import ROW_TABLES, AllOf, AnyOf, Rule, RulePack, Test

#: The generated page of each shipped pack's rules (``docs/``).
DOC_PAGES = {"hd12": "rules.md", "hd42": "rules-hd42.md"}

#: The sheet each table of an input-row example is typed in (auditor/ingest/headers.py
#: knows these names; the template writes them).
SHEET_NAMES = {"cells": "Chi bộ", "plan": "Kế hoạch", "sessions": "Sinh hoạt"}

PERIODS_VI = {
    "year": "năm",
    "quarter": "quý",
    "month": "tháng",
    "session": "buổi sinh hoạt",
    "member": "đảng viên",
    "member_study": "đảng viên, buổi học nghị quyết",
}
_OPS = {"eq": "=", "neq": "≠", "lt": "<", "lte": "≤", "gt": ">", "gte": "≥"}


def _params(rule: Rule) -> str:
    return ", ".join(f"{k}={v}" for k, v in rule.params.items()) or "—"


def describe_condition(node: Test | AllOf | AnyOf) -> str:
    """The condition as one readable line (``$name`` is a parameter)."""
    if isinstance(node, Test):
        return f"{node.field} {_OPS[node.op]} {node.value}"
    if isinstance(node, AllOf):
        return " VÀ ".join(_group(child) for child in node.all)
    return " HOẶC ".join(_group(child) for child in node.any)


def _group(node: Test | AllOf | AnyOf) -> str:
    text = describe_condition(node)
    return text if isinstance(node, Test) else f"({text})"


def catalogue_table(pack: RulePack) -> Table:
    table = Table(title=f"{pack.title_vi} — {pack.name} {pack.version}")
    for column in (
        "Mã / id",
        "Quy tắc / rule",
        "Điểm / points",
        "Xét theo / period",
        "Tham số / parameters",
    ):
        table.add_column(column)
    for rule in pack.rules:
        title = f"{rule.title_vi}\n[dim]{rule.title_en}[/dim]"
        if not rule.enabled:
            title += " [red](tắt / off)[/red]"
        table.add_row(rule.id, title, str(rule.points), PERIODS_VI[rule.period], _params(rule))
    return table


def _examples(rule: Rule) -> list[str]:
    lines = []
    for label, facts in (
        ("Đạt / pass", rule.examples.passing),
        ("Vi phạm / fail", rule.examples.failing),
    ):
        for fact in facts:
            lines.append(f"  {label}: {yaml.safe_dump(fact, default_flow_style=True).strip()}")
    for label, rows in (
        ("Dòng nhập, đạt / input rows, pass", rule.examples.pass_rows),
        ("Dòng nhập, vi phạm / input rows, fail", rule.examples.fail_rows),
    ):
        if rows is None:
            continue
        lines.append(f"  {label} ({rows.year}):")
        for table in ROW_TABLES:
            for row in getattr(rows, table):
                cells = " | ".join(f"{header}: {value}" for header, value in row.items())
                lines.append(f"    [{SHEET_NAMES[table]}] {cells}")
    return lines


def explain(pack: RulePack, rule_id: str) -> str:
    rule = pack.rule(rule_id)
    lines = [
        f"{rule.id}: {rule.title_vi}",
        f"      {rule.title_en}",
        "",
        f"Nguồn / source: {rule.source}",
        f"Xét theo / period: {PERIODS_VI[rule.period]} ({rule.period})",
        f"Điểm trừ / points: {rule.points}" + ("" if rule.enabled else " (đang tắt / off)"),
        f"Tham số / parameters: {_params(rule)}",
        f"Điều kiện vi phạm / violation when: {describe_condition(rule.when)}",
        "",
        f"Vì sao / why: {rule.rationale_vi}",
    ]
    if rule.rationale_en:
        lines.append(f"             {rule.rationale_en}")
    if rule.note is not None:
        lines += [
            "",
            f"Ghi chú thay vi phạm / note instead of a violation ({rule.note.code}) khi / when: "
            f"{describe_condition(rule.note.when)}",
        ]
    lines += ["", f"Cách khắc phục / remedy: {rule.remedy_vi.format_map(dict(rule.params))}"]
    if rule.remedy_en:
        lines.append(f"                        {rule.remedy_en.format_map(dict(rule.params))}")
    lines += ["", "Ví dụ / examples:", *_examples(rule)]
    return "\n".join(lines)


def render_docs(pack: RulePack) -> str:
    """The Markdown page ``docs/rules.md``."""
    out = [
        f"# Quy tắc `{pack.name}` {pack.version}: {pack.title_vi}",
        "",
        "<!-- Sinh tự động từ auditor/rules/ bằng `python -m auditor.catalogue`; đừng sửa tay. -->",
        "<!-- Generated from auditor/rules/ by `python -m auditor.catalogue`; do not edit. -->",
        "",
        f"*{pack.title_en}*",
        "",
        "| Mã | Quy tắc | Điểm | Xét theo | Tham số |",
        "|---|---|---|---|---|",
    ]
    for rule in pack.rules:
        out.append(
            f"| [{rule.id}](#{rule.id.lower()}) | {rule.title_vi} | {rule.points} | "
            f"{PERIODS_VI[rule.period]} | {_params(rule)} |"
        )
    scoring = pack.scoring
    out += [
        "",
        "## Chấm điểm / scoring",
        "",
        f"- Điểm = max(0, {scoring.start} − tổng điểm trừ).",
        "- Xếp loại: " + ", ".join(f"≥ {b.min_score} {b.band}" for b in scoring.bands) + ".",
        "- Giới hạn: "
        + "; ".join(f"{c.count}+ lần {c.rule} → tối đa {c.max_band}" for c in scoring.caps)
        + ".",
        *[
            f"- Điều kiện: {c.label_vi} → tối đa {c.max_band} ({c.source})."
            for c in scoring.conditions
        ],
        f"- Chỉ tiêu ({scoring.quota.source or 'QĐ 124'}): {scoring.quota.band} ≤ "
        f"{scoring.quota.share:.0%} số {scoring.quota.of_band} trong mỗi đảng bộ.",
    ]
    for rule in pack.rules:
        out += [
            "",
            f"## {rule.id}",
            "",
            f"**{rule.title_vi}** — *{rule.title_en}*",
            "",
            f"- Nguồn: {rule.source}",
            f"- Xét theo: {PERIODS_VI[rule.period]}; điểm trừ: {rule.points}; "
            f"tham số: {_params(rule)}",
            f"- Vi phạm khi: `{describe_condition(rule.when)}`",
            *(
                [f"- Ghi chú `{rule.note.code}` khi: `{describe_condition(rule.note.when)}`"]
                if rule.note is not None
                else []
            ),
            f"- Vì sao: {rule.rationale_vi}",
            f"- Khắc phục: {rule.remedy_vi.format_map(dict(rule.params))}",
            "",
            "Ví dụ:",
            "",
            "```",
            *[line[2:] for line in _examples(rule)],
            "```",
        ]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    from pathlib import Path

    from auditor.rulepack import load_pack

    docs = Path(__file__).resolve().parent.parent / "docs"
    for name, target in DOC_PAGES.items():
        (docs / target).write_text(render_docs(load_pack(name)), encoding="utf-8")
        print(f"wrote {docs / target}")
