"""Findings: what the engine's hits become in the report (violations, rule notes).

A hit is only (rule, fact id); the words a board reads come from the rule's templates
filled with the fact, the rule's parameters and the fact's context (dates, rows).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import string
from typing import Any

from auditor.facts import Fact, FactInfo, display_value
from auditor.models import Note, Violation
from auditor.rulepack import Rule


class _Safe(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(template: str, values: dict[str, Any]) -> str:
    """The template filled from ``values``; an unknown ``{name}`` stays as written."""
    return template.format_map(_Safe(values))


def _fields(template: str) -> list[str]:
    """Every name ``template`` fills in, with those of nested format specs
    (``{date}``, ``{plan.x}`` -> ``plan``, ``{x:{width}}`` -> ``x``, ``width``)."""
    names: list[str] = []
    for _, name, spec, _ in string.Formatter().parse(template):
        if name:
            names.append(re.split(r"[.\[]", name, maxsplit=1)[0])
        if spec and "{" in spec:
            names += _fields(spec)
    return names


@functools.lru_cache(maxsize=4096)
def _names(*templates: str) -> tuple[str, ...] | None:
    """The names ``templates`` fill in; None when one is no format string (rendering
    it then fails as it did)."""
    try:
        return tuple(dict.fromkeys(name for t in templates for name in _fields(t)))
    except ValueError:
        return None


def violation_of(rule: Rule, fact: Fact, meta: FactInfo, pack: str) -> Violation:
    """The violation ``rule`` finds on ``fact``: its messages filled from the fact, the
    rule's parameters and the fact's context, with the rows it was judged on.

    Only the context values the two messages name are made displayable: a session's
    context holds some twenty, its messages use two or three (36,000 violations in a
    province year)."""
    names = _names(rule.message_vi, rule.message_en)
    given = meta.context
    values: dict[str, Any]
    if names is not None:
        # only what the messages name, looked up as the merge below would (the context
        # over the parameters over the fact): a session's fact has some thirty fields
        params = rule.params
        values = {}
        for key in names:
            if key in given:
                values[key] = display_value(given[key])
            elif key in params:
                values[key] = params[key]
            elif key in fact:
                values[key] = fact[key]
    else:
        context = {key: display_value(value) for key, value in given.items()}
        values = {**fact, **rule.params, **context}
    details = dict(meta.context.get("details", {})) if rule.period == "session" else {}
    if rule.id != "CD05":
        details = {
            k: v
            for k, v in details.items()
            if k not in ("planned", "actual", "best_planned", "similarity")
        }
    return Violation(
        rule=rule.id,
        points=rule.points,
        period=meta.period,
        date=meta.date,
        message_vi=render(rule.message_vi, values),
        message_en=render(rule.message_en, values),
        evidence=meta.evidence_records(),
        details=details,
        pack=pack,
    )


def rule_note(rule: Rule, fact: Fact, meta: FactInfo) -> Note:
    """The note a rule leaves on a fact it cannot judge, at the fact's first row."""
    assert rule.note is not None
    context = {key: display_value(value) for key, value in meta.context.items()}
    values = {**fact, **rule.params, **context}
    where = meta.evidence[0] if meta.evidence else (None, None, None)
    return Note(
        file=where[0],
        sheet=where[1],
        row=where[2],
        code=rule.note.code,
        message_vi=render(rule.note.message_vi, values),
        message_en=render(rule.note.message_en, values),
    )


def violation_order(v: Violation) -> tuple[Any, ...]:
    """The order violations are listed in, so a report is the same on every run."""
    return (
        v.rule,
        v.period or "",
        v.date or dt.date.min,
        [(e.file, e.sheet, e.row) for e in v.evidence],
    )


def not_judged(cell_id: str) -> Note:
    """The note for a cell durable_rules refused to hold (a fact-hash collision).

    The C core knows a fact by a 32-bit hash; two of a cell's facts with the same hash
    make it refuse the whole batch. That cell gets no verdict (it is listed with no
    violation and this note, for a person to check by hand); the run goes on.
    """
    return Note(
        code="cell_not_judged",
        message_vi=(
            f"Chi bộ {cell_id}: bộ máy quy tắc không xét được (hai dữ kiện trùng mã băm);"
            " cần kiểm tra bằng tay, kết quả của chi bộ này không có vi phạm nào được ghi."
        ),
        message_en=(
            f"Cell {cell_id}: the rules engine could not judge it (two facts with the same"
            " hash); check it by hand, no violation was recorded for this cell."
        ),
    )
