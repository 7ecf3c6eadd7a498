"""The engine stage: rule conditions compiled for durable_rules, facts judged cell by cell.

Each job has its module: :mod:`~auditor.engine.compile` (conditions to durable_rules
JSON), :mod:`~auditor.engine.judge` (the durable_rules host and its private hooks),
:mod:`~auditor.engine.findings` (hits to violations and notes) and
:mod:`~auditor.engine.evaluation` (the per-cell orchestration, in chunks and processes).
durable_rules itself is imported only when a judge is made.
"""

from __future__ import annotations

from auditor.engine.compile import (
    NOTE_SUFFIX,
    OPEN_FACT,
    OPEN_RULE,
    compile_condition,
    compile_rule,
)
from auditor.engine.evaluation import (
    CHUNK_CELLS,
    PARALLEL_MIN_CELLS,
    ChunkResult,
    Evaluation,
    Panel,
    evaluate,
    judge_chunk,
)
from auditor.engine.findings import not_judged, render, rule_note, violation_of, violation_order
from auditor.engine.judge import LOCK, Judge, judge_for

__all__ = [
    "CHUNK_CELLS",
    "LOCK",
    "NOTE_SUFFIX",
    "OPEN_FACT",
    "OPEN_RULE",
    "PARALLEL_MIN_CELLS",
    "ChunkResult",
    "Evaluation",
    "Judge",
    "Panel",
    "compile_condition",
    "compile_rule",
    "evaluate",
    "judge_chunk",
    "judge_for",
    "not_judged",
    "render",
    "rule_note",
    "violation_of",
    "violation_order",
]
