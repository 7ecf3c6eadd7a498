"""The rule catalogue, generated from the rule files themselves (never written twice).

``auditor rules`` prints :func:`catalogue_table`, ``auditor rules CD02`` prints
:func:`explain` (as ``ruff rule`` does), and ``docs/rules.md`` is :func:`render_docs`
of the default pack; a test fails when that page is stale.
"""

from __future__ import annotations

import yaml
from rich.table import Table

from auditor.rulebook import Rulebook, describe_effective
from auditor.rulepack import AllOf, AnyOf, Rule, RulePack, Test
from auditor.scoring_params import shipped_scorings
from auditor.vocabulary import ROW_TABLES

#: The sheet each table of an input-row example is typed in (auditor/ingest/headers.py
#: knows these names; the template writes them).
SHEET_NAMES = {
    "cells": "Chi bộ",
    "plan": "Kế hoạch",
    "sessions": "Sinh hoạt",
    "members": "Đảng viên",
    "attendance": "Điểm danh",
    "study": "Học tập nghị quyết",
}

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


def in_force_text(pack: RulePack) -> tuple[str, str]:
    """When ``pack`` is in force, in Vietnamese and English ("từ 28/10/2025")."""
    return describe_effective(pack.effective)


def catalogue_table(pack: RulePack) -> Table:
    when_vi, when_en = in_force_text(pack)
    table = Table(
        title=f"{pack.title_vi} — {pack.name} {pack.version}\n"
        f"Hiệu lực {when_vi} / in force {when_en}"
    )
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


def catalogue_tables(book: Rulebook) -> list[Table]:
    """One table per pack of the rulebook, in the order they come into force."""
    return [catalogue_table(pack) for pack in book.packs]


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


def rule_in_force(book: Rulebook, rule_id: str) -> list[tuple[RulePack, str, str]]:
    """Each pack of ``book`` that has ``rule_id``, with when it is in force."""
    found = []
    for pack in book.packs:
        if any(rule.id == rule_id.upper() for rule in pack.rules):
            found.append((pack, *in_force_text(pack)))
    return found


def explain(pack: RulePack | Rulebook, rule_id: str) -> str:
    """A rule explained; in a rulebook, once per distinct wording of it, each naming the
    packs (and so the days) it is in force."""
    if isinstance(pack, Rulebook):
        found = rule_in_force(pack, rule_id)
        groups: dict[str, list[tuple[RulePack, str, str]]] = {}
        for item in found:
            groups.setdefault(item[0].rule(rule_id).model_dump_json(), []).append(item)
        return "\n\n".join(_explain(group[0][0], rule_id, group) for group in groups.values())
    return _explain(pack, rule_id, [(pack, *in_force_text(pack))])


def _explain(pack: RulePack, rule_id: str, where: list[tuple[RulePack, str, str]]) -> str:
    rule = pack.rule(rule_id)
    lines = [
        f"{rule.id}: {rule.title_vi}",
        f"      {rule.title_en}",
        "",
        "Hiệu lực / in force: "
        + "; ".join(f"{p.name} {p.version}: {vi} / {en}" for p, vi, en in where),
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


def render_docs(book: Rulebook) -> str:
    """The Markdown page ``docs/rules.md``: the packs of the rulebook with when each is in
    force, which packs have each rule, the scorings by audit year, then every pack's rules."""
    out = [
        "# Các bộ quy tắc / the rule packs",
        "",
        "<!-- Sinh tự động từ auditor/rules/ bằng `python -m auditor.catalogue`; đừng sửa tay. -->",
        "<!-- Generated from auditor/rules/ by `python -m auditor.catalogue`; do not edit. -->",
        "",
        "Mỗi buổi sinh hoạt được xét theo bộ quy tắc có hiệu lực vào ngày của buổi đó; mỗi"
        " quý, tháng và năm theo bộ có hiệu lực vào ngày cuối của kỳ (tính đến `--as-of`)."
        " `--rules BỘ` buộc dùng một bộ cho mọi dữ kiện.",
        "*Each session is judged by the pack in force on its date; each quarter, month and the"
        " year by the pack in force on the period's last day (cut at `--as-of`).*",
        "",
        "| Bộ / pack | Phiên bản | Hiệu lực / in force | Năm / years | Tên |",
        "|---|---|---|---|---|",
    ]
    for pack in book.packs:
        when_vi, when_en = in_force_text(pack)
        out.append(
            f"| [{pack.name}](#{_anchor(pack.name)}) | {pack.version} | {when_vi} ({when_en}) | "
            f"{pack.years[0]}–{pack.years[1]} | {pack.title_vi} |"
        )
    ids = sorted({rule.id for pack in book.packs for rule in pack.rules})
    out += ["", "## Quy tắc theo thời gian / rules by date", ""]
    out += ["| Mã | Quy tắc | Có trong bộ (hiệu lực) |", "|---|---|---|"]
    for rule_id in ids:
        found = rule_in_force(book, rule_id)
        title = found[-1][0].rule(rule_id).title_vi
        packs = "; ".join(f"{p.name} ({vi})" for p, vi, _ in found)
        out.append(f"| {rule_id} | {title} | {packs} |")
    out += ["", "## Chấm điểm theo năm kiểm tra / scoring by audit year", ""]
    for scoring in shipped_scorings():
        quota = scoring.quota
        level = quota.level if quota.enabled else "none"
        base = "HTTNV" if quota.base == "HTTNV" else "HTTNV trở lên"
        out += [
            f"### {scoring.name}: {scoring.title_vi}",
            "",
            f"- Năm kiểm tra / audit years: {scoring.years[0]}–{scoring.years[1]}",
            f"- Điểm = max(0, {scoring.start} − tổng điểm trừ).",
            "- Xếp loại: " + ", ".join(f"≥ {b.min_score} {b.band}" for b in scoring.bands) + ".",
            "- Giới hạn: "
            + "; ".join(f"{c.count}+ lần {c.rule} → tối đa {c.max_band}" for c in scoring.caps)
            + ".",
            *[
                f"- Điều kiện: {c.label_vi} ({c.field} ≥ {c.at_least}) → tối đa {c.max_band}"
                + (f" ({c.source})" if c.source else "")
                for c in scoring.conditions
            ],
            f"- Chỉ tiêu ({quota.source}): {quota.band} ≤ {quota.share:.0%} số chi bộ {base} "
            f"(share={quota.share}, base={quota.base}, level={level}).",
            "",
        ]
    for pack in book.packs:
        out += _pack_docs(pack)
    return "\n".join(out).rstrip("\n") + "\n"


def _anchor(text: str) -> str:
    """GitHub's anchor of a heading of ASCII words (``hd12 · CD02`` → ``hd12--cd02``)."""
    kept = (c if c.isalnum() or c in "-_" else "-" if c == " " else "" for c in text.lower())
    return "".join(kept)


def _pack_docs(pack: RulePack) -> list[str]:
    when_vi, when_en = in_force_text(pack)
    out = [
        f"## {pack.name}",
        "",
        f"**{pack.title_vi}** — *{pack.title_en}* (phiên bản {pack.version}; hiệu lực "
        f"{when_vi} / in force {when_en}; năm {pack.years[0]}–{pack.years[1]})",
        "",
        "| Mã | Quy tắc | Điểm | Xét theo | Tham số |",
        "|---|---|---|---|---|",
    ]
    for rule in pack.rules:
        out.append(
            f"| [{rule.id}](#{_anchor(f'{pack.name} · {rule.id}')}) | {rule.title_vi} | "
            f"{rule.points} | {PERIODS_VI[rule.period]} | {_params(rule)} |"
        )
    for rule in pack.rules:
        out += [
            "",
            f"### {pack.name} · {rule.id}",
            "",
            f"**{rule.title_vi}** — *{rule.title_en}*",
            "",
            f"- Nguồn: {rule.source}",
            f"- Hiệu lực: {when_vi} (bộ {pack.name})",
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
    out.append("")
    return out


if __name__ == "__main__":
    from pathlib import Path

    from auditor.rulebook import load_rulebook

    target = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
    target.write_text(render_docs(load_rulebook()), encoding="utf-8")
    print(f"wrote {target}")
