"""Rule conditions compiled into durable_rules' JSON conditions.

Shaped by what durable_rules 2.0.28 does (see :mod:`auditor.engine.judge`): conditions
on ONE fact combined with ``$and``/``$or`` (never a comma join), and no negation-only
rule, so every rule starts with a positive ``type`` match on the rule's period.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from auditor.rulepack import AllOf, AnyOf, Rule, Test, compared_value

_OPS = {"neq": "$neq", "lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte"}
#: The same comparisons in Python (for :func:`screen`).
_PY_OPS = {"eq": "==", "neq": "!=", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
#: The fact opening each cell's state, and the no-op rule matching it (see ``Judge``).
OPEN_FACT = "cell_open"
OPEN_RULE = "_open"
#: A rule's ``note`` is compiled as a rule of its own, named the rule's id and this.
NOTE_SUFFIX = "~note"


def compile_condition(rule: Rule, node: Test | AllOf | AnyOf) -> dict[str, Any]:
    """A durable_rules JSON condition for one fact."""
    if isinstance(node, Test):
        value = compared_value(rule, node)
        if isinstance(value, bool):
            value = int(value)
        if node.op == "eq":
            return {node.field: value}
        return {_OPS[node.op]: {node.field: value}}
    if isinstance(node, AllOf):
        return {"$and": [compile_condition(rule, child) for child in node.all]}
    return {"$or": [compile_condition(rule, child) for child in node.any]}


def compile_rule(rule: Rule, when: Test | AllOf | AnyOf | None = None) -> dict[str, Any]:
    """The rule's durable_rules definition: a positive type match AND its condition
    (``when``: another condition of the rule, its note's)."""
    tested = rule.when if when is None else when
    condition = {"$and": [{"type": rule.period}, compile_condition(rule, tested)]}
    return {"all": [{"m": condition}]}


def _screen_expression(rule: Rule, node: Test | AllOf | AnyOf) -> str:
    """``node`` as a Python expression on the fact ``f``, or "True" where it cannot be
    written as a plain comparison of numbers (then the fact goes to durable_rules)."""
    if isinstance(node, Test):
        value = compared_value(rule, node)
        if isinstance(value, bool):
            value = int(value)
        if type(value) not in (int, float) or value != value:  # not a number, or NaN
            return "True"
        return f"(f[{node.field!r}] {_PY_OPS[node.op]} {value!r})"
    children = node.all if isinstance(node, AllOf) else node.any
    joined = (" and " if isinstance(node, AllOf) else " or ").join(
        _screen_expression(rule, child) for child in children
    )
    return f"({joined})"


def screen(rules: Sequence[Rule]) -> Callable[[dict[str, Any]], bool]:
    """Whether a fact may match one of ``rules`` (or of their notes), decided in Python
    before the fact is sent to durable_rules: False only for a fact every condition of
    its type's rules is false on, compared as durable_rules compares numbers.

    durable_rules still judges every fact this lets through, and only those: a fact it
    holds back is one no rule could match (each rule is on one fact, so the others'
    verdicts do not depend on it). Most facts are compliant (a province year: 36,417
    violations among 355,456 facts), and sending them cost most of the judge's time.
    A fact lacking a tested field, or holding something no number, raises in the
    comparison and is sent, whatever durable_rules makes of it.
    """
    by_type: dict[str, list[str]] = {}
    for rule in rules:
        by_type.setdefault(rule.period, []).append(_screen_expression(rule, rule.when))
        if rule.note is not None:
            by_type[rule.period].append(_screen_expression(rule, rule.note.when))
    branches = "".join(
        f"        if kind == {kind!r}:\n            return bool({' or '.join(tests)})\n"
        for kind, tests in sorted(by_type.items())
    )
    source = (
        "def may_match(f):\n"
        "    try:\n"
        '        kind = f["type"]\n'
        f"{branches}"
        "        return False\n"
        "    except Exception:\n"
        "        return True\n"
    )
    namespace: dict[str, Any] = {}
    exec(compile(source, "<auditor rule screen>", "exec"), namespace)
    screened: Callable[[dict[str, Any]], bool] = namespace["may_match"]
    return screened
