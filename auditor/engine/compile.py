"""Rule conditions compiled into durable_rules' JSON conditions.

Shaped by what durable_rules 2.0.28 does (see :mod:`auditor.engine.judge`): conditions
on ONE fact combined with ``$and``/``$or`` (never a comma join), and no negation-only
rule, so every rule starts with a positive ``type`` match on the rule's period.
"""

from __future__ import annotations

from typing import Any

from auditor.rulepack import AllOf, AnyOf, Rule, Test, compared_value

_OPS = {"neq": "$neq", "lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte"}
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
