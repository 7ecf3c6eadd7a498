"""Judge the facts with durable_rules: each rule's declarative condition, compiled.

What ``../shared/notes/durable-rules.md`` measured shapes this module: one ``Host`` per
evaluation, one state (``sid``) per cell deleted as soon as the cell is judged,
``assert_fact`` (every rule sees every fact, unlike ``post``), conditions on ONE fact
combined with ``$and``/``$or`` (never a comma join), no negation-only rule (every rule
starts with a positive ``type`` match), ``MessageNotHandledException`` meaning
"compliant", and the action deduplicated by (rule, fact) because ``$or`` fires once per
alternative. Facts are sent one state at a time, never in batches across states.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from auditor.facts import CellFacts, Fact, FactInfo, build_facts, display_value
from auditor.ingest.dataset import Dataset
from auditor.models import Note, Violation
from auditor.rulepack import AllOf, AnyOf, Rule, RulePack, Test, resolve_param

_OPS = {"neq": "$neq", "lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte"}
_counter = itertools.count()
OPEN_FACT = "cell_open"
OPEN_RULE = "_open"
#: durable_rules keeps global state in its C core; one evaluation at a time per process.
_LOCK = threading.Lock()


def _param(rule: Rule, value: Any) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        return resolve_param(rule.params[value[1:]])
    return value


def compile_condition(rule: Rule, node: Test | AllOf | AnyOf) -> dict[str, Any]:
    """A durable_rules JSON condition for one fact."""
    if isinstance(node, Test):
        value = _param(rule, node.value)
        if isinstance(value, bool):
            value = int(value)
        if node.op == "eq":
            return {node.field: value}
        return {_OPS[node.op]: {node.field: value}}
    if isinstance(node, AllOf):
        return {"$and": [compile_condition(rule, child) for child in node.all]}
    return {"$or": [compile_condition(rule, child) for child in node.any]}


def compile_rule(rule: Rule) -> dict[str, Any]:
    """The rule's durable_rules definition: a positive type match AND its condition."""
    condition = {"$and": [{"type": rule.period}, compile_condition(rule, rule.when)]}
    return {"all": [{"m": condition}]}


def fields_used(rules: Sequence[Rule]) -> set[str]:
    used = {"type", "id"}

    def walk(node: Test | AllOf | AnyOf) -> None:
        if isinstance(node, Test):
            used.add(node.field)
        else:
            for child in node.all if isinstance(node, AllOf) else node.any:
                walk(child)

    for rule in rules:
        walk(rule.when)
    return used


class Judge:
    """A durable_rules host holding one ruleset compiled from ``rules``."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        from durable import engine

        self._engine = engine
        self.rules = [rule for rule in rules if rule.enabled]
        self.fields = fields_used(self.rules)
        self.name = f"audit{next(_counter)}"
        self._hits: set[tuple[str, int]] = set()
        self._sids = itertools.count(1)
        definition: dict[str, Any] = {
            OPEN_RULE: {"all": [{"m": {"type": OPEN_FACT}}], "run": lambda c: None}
        }
        for rule in self.rules:
            spec = compile_rule(rule)
            spec["run"] = self._action(rule.id)
            definition[rule.id] = spec
        self.host = engine.Host()
        self.host.set_rulesets({self.name: definition})

    def _action(self, rule_id: str) -> Callable[[Any], None]:
        def record(c: Any) -> None:
            self._hits.add((rule_id, int(c.m["id"])))

        return record

    def judge(self, facts: Sequence[Fact]) -> set[tuple[str, int]]:
        """(rule id, fact id) of every violation among one cell's facts.

        Each call uses a state id never used before in this host: re-using a deleted
        state's id crashes durable_rules' C core (measured here: ``free(): invalid
        pointer``).
        """
        self._hits = set()
        if not self.rules:
            return set()
        sid = str(next(self._sids))
        # Every state first stores an "open" fact that a no-op rule matches. A state whose
        # facts all went unmatched still exists in durable_rules' C core; it can neither be
        # deleted (that crashes, measured here) nor left behind (past ~1,000 live states
        # the host raises MemoryError). With the open fact every state is deletable.
        self.host.assert_fact(self.name, {"sid": sid, "id": 0, "type": OPEN_FACT})
        try:
            for fact in facts:
                compact = {k: v for k, v in fact.items() if k in self.fields}
                compact["sid"] = sid
                # no rule matched means compliant
                with contextlib.suppress(self._engine.MessageNotHandledException):
                    self.host.assert_fact(self.name, compact)
        finally:
            self.host.delete_state(self.name, sid)
        return self._hits


class _Safe(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(template: str, values: dict[str, Any]) -> str:
    return template.format_map(_Safe(values))


def _violation(rule: Rule, fact: Fact, meta: FactInfo) -> Violation:
    context = {key: display_value(value) for key, value in meta.context.items()}
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
    )


@dataclass
class Evaluation:
    violations: dict[str, list[Violation]]
    audited_cells: pd.DataFrame
    notes: list[Note]
    stats: dict[str, float] = field(default_factory=dict)


def _sort_key(v: Violation) -> tuple[Any, ...]:
    return (
        v.rule,
        v.period or "",
        v.date or dt.date.min,
        [(e.file, e.sheet, e.row) for e in v.evidence],
    )


def judge_cells(
    judge: Judge,
    rules: dict[str, Rule],
    cells: Sequence[CellFacts],
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, list[Violation]]:
    found: dict[str, list[Violation]] = {}
    for done, cell in enumerate(cells, start=1):
        hits = judge.judge(cell.facts)
        by_id = {f["id"]: f for f in cell.facts}
        violations = [
            _violation(rules[rule_id], by_id[fact_id], cell.info[fact_id])
            for rule_id, fact_id in hits
        ]
        found[cell.cell_id] = sorted(violations, key=_sort_key)
        if progress is not None and (done % 100 == 0 or done == len(cells)):
            progress(done, len(cells))
    return found


def evaluate(
    dataset: Dataset,
    pack: RulePack,
    *,
    year: int,
    as_of: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Evaluation:
    """Every violation of every audited cell, with the data-quality notes."""
    as_of = as_of or dt.date(year, 12, 31)
    start = time.perf_counter()
    facts = build_facts(dataset, year=year, as_of=as_of)
    built = time.perf_counter()
    rules = {rule.id: rule for rule in pack.enabled_rules}
    with _LOCK:
        judge = Judge(list(rules.values()))
        violations = judge_cells(judge, rules, facts.per_cell, progress)
    judged = time.perf_counter()
    count = facts.count
    stats = {
        "facts": float(count),
        "facts_seconds": built - start,
        "engine_seconds": judged - built,
        "facts_per_s": count / (judged - built) if judged > built else 0.0,
    }
    return Evaluation(violations, facts.cells, facts.notes, stats)
