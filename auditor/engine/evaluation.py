"""Evaluation: every audited cell's facts built and judged, chunk by chunk.

A chunk of cells is judged in one process (this one, or a worker of a pool when there
are enough cells), each fact by the pack in force on its day; the results are gathered
in the cells' order, so a report does not depend on how the work was split.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from auditor.engine.compile import NOTE_SUFFIX
from auditor.engine.findings import not_judged, rule_note, violation_of, violation_order
from auditor.engine.judge import LOCK, judge_for
from auditor.facts import Batch, CellFacts, Fact, FileError, cell_facts, prepare
from auditor.ingest.dataset import Dataset
from auditor.models import MergedCell, Note, Violation
from auditor.rulebook import Judges
from auditor.rulepack import Rule, RulePack
from auditor.runtime import tune, worker_context


@dataclass
class Evaluation:
    violations: dict[str, list[Violation]]
    audited_cells: list[tuple[str, str | None, str | None]]  # (id, name, parent), sorted
    notes: list[Note]
    stats: dict[str, float] = field(default_factory=dict)
    #: Per audited cell, the fields of its result taken from the cells table.
    extras: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Cells merged into another, listed without a score.
    merged: list[MergedCell] = field(default_factory=list)
    #: Files read but contradicting themselves (a merge cycle): errors of their own.
    file_errors: dict[str, FileError] = field(default_factory=dict)


#: Below this many cells the start-up of worker processes costs more than it saves.
PARALLEL_MIN_CELLS = 400
#: Cells per task sent to a worker (progress is reported per chunk).
CHUNK_CELLS = 250


@dataclass
class ChunkResult:
    violations: dict[str, list[Violation]]
    notes: list[Note]
    facts: int
    #: Seconds building facts (rows to facts), and judging them and writing violations.
    facts_seconds: float
    rules_seconds: float


#: A pack as the engine sees it: its name, the first and last day it judges (None: open)
#: and its enabled rules.
Panel = tuple[str, dt.date | None, dt.date | None, list[Rule]]


def _panel_of(panels: Sequence[Panel], day: dt.date) -> int:
    """The index of the pack in force on ``day``. A day no pack covers (the rulebook
    refuses such a window before any fact is built) goes to the nearest pack."""
    for index, (_, first, last, _) in enumerate(panels):
        if (first is None or first <= day) and (last is None or day <= last):
            return index
    before = [i for i, (_, first, _, _) in enumerate(panels) if first is not None and first <= day]
    return before[-1] if before else 0


def _split(cell: CellFacts, panels: Sequence[Panel]) -> list[list[Fact]]:
    """The cell's facts per pack: each judged by the pack in force on its day."""
    if len(panels) == 1:
        return [cell.facts]
    groups: list[list[Fact]] = [[] for _ in panels]
    for fact, day in zip(cell.facts, cell.days, strict=True):
        groups[_panel_of(panels, day)].append(fact)
    return groups


Task = tuple[list[Panel], int, dt.date, Batch]

#: In a forked judging worker, the run's tasks, copied with the parent's memory: the
#: worker is sent a task's index, not the task pickled (a 5,000-cell year's batches
#: are 17.7 MB of rows, pickled by the parent and unpickled again by a worker).
_HELD: Sequence[Task] = ()


def _hold_tasks(tasks: Sequence[Task]) -> None:
    """A forked worker's initializer: the tasks it is sent the indexes of."""
    global _HELD
    tune()
    _HELD = tasks


def judge_held(index: int) -> ChunkResult:
    """:func:`judge_chunk` of the task at ``index`` of the tasks the worker holds."""
    return judge_chunk(_HELD[index])


def judge_chunk(task: Task) -> ChunkResult:
    """Facts and verdicts for a chunk of cells, in whichever process runs it."""
    panels, year, as_of, batch = task
    rules = [{rule.id: rule for rule in rule_list} for _, _, _, rule_list in panels]
    facts_seconds = rules_seconds = 0.0
    with LOCK:
        start = time.perf_counter()
        inputs = batch.inputs()
        judges = [judge_for(rule_list) for _, _, _, rule_list in panels]
        found: dict[str, list[Violation]] = {}
        notes: list[Note] = []
        count = 0
        for item in inputs:
            built = time.perf_counter()
            facts_seconds += built - start
            cell, more = cell_facts(item, year=year, as_of=as_of)
            notes += more
            count += len(cell.facts)
            start = time.perf_counter()
            facts_seconds += start - built
            hits: list[tuple[int, str, int]] = []
            try:
                for index, group in enumerate(_split(cell, panels)):
                    if group:
                        hits += [(index, r, f) for r, f in judges[index].judge(group)]
            except judges[0].collision:
                # one cell the engine cannot hold: said for that cell, the others go on
                notes.append(not_judged(cell.cell_id))
                hits = []
            facts = cell.facts  # in id order: fact n is facts[n - 1]
            violations = [
                violation_of(
                    rules[index][rule_id], facts[fact_id - 1], cell.info(fact_id), panels[index][0]
                )
                for index, rule_id, fact_id in hits
                if not rule_id.endswith(NOTE_SUFFIX)
            ]
            # a rule's note comes only from the pack in force on the fact's day
            notes += [
                rule_note(
                    rules[index][rule_id.removesuffix(NOTE_SUFFIX)], facts[f - 1], cell.info(f)
                )
                for index, rule_id, f in sorted(hits)
                if rule_id.endswith(NOTE_SUFFIX)
            ]
            found[cell.cell_id] = sorted(violations, key=violation_order)
            judged = time.perf_counter()
            rules_seconds += judged - start
            start = judged
    return ChunkResult(found, notes, count, facts_seconds, rules_seconds)


def evaluate(
    dataset: Dataset,
    pack: RulePack | Judges,
    *,
    year: int,
    as_of: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
) -> Evaluation:
    """Every violation of every audited cell, with the data-quality notes.

    ``pack`` is one pack judging every fact, or the packs of a rulebook
    (:class:`auditor.rulebook.Judges`), each judging the facts of its days. With
    ``workers > 1`` and enough cells, chunks of cells are judged in worker processes,
    each with its own durable_rules host (the C core is not shared).
    """
    as_of = as_of or dt.date(year, 12, 31)
    start = time.perf_counter()
    prepared = prepare(dataset, year=year, as_of=as_of)
    panels: list[Panel] = (
        pack.panels() if isinstance(pack, Judges) else [(pack.name, None, None, pack.enabled_rules)]
    )
    cell_count = len(prepared.units)
    tasks = [(panels, year, as_of, batch) for batch in prepared.batches(CHUNK_CELLS)]
    prepared_at = time.perf_counter()
    violations: dict[str, list[Violation]] = {}
    notes = list(prepared.notes)
    totals = {"facts": 0.0, "facts_seconds": 0.0, "judge_seconds": 0.0}
    done = 0

    def collect(result: ChunkResult) -> None:
        nonlocal done
        violations.update(result.violations)
        notes.extend(result.notes)
        totals["facts"] += result.facts
        totals["facts_seconds"] += result.facts_seconds
        totals["judge_seconds"] += result.rules_seconds
        done += len(result.violations)
        if progress is not None:
            progress(done, cell_count)

    parallel = workers > 1 and cell_count >= PARALLEL_MIN_CELLS
    if parallel:
        context = worker_context()
        if context.get_start_method() == "fork":
            # forked workers start with the tasks: each is sent its index only
            with ProcessPoolExecutor(
                max_workers=workers,
                mp_context=context,
                initializer=_hold_tasks,
                initargs=(tasks,),
            ) as pool:
                for result in pool.map(judge_held, range(len(tasks))):
                    collect(result)
        else:
            with ProcessPoolExecutor(
                max_workers=workers, mp_context=context, initializer=tune
            ) as pool:
                for result in pool.map(judge_chunk, tasks):
                    collect(result)
    else:
        for task in tasks:
            collect(judge_chunk(task))
    end = time.perf_counter()
    # The chunks' wall time split between building facts and judging them, in the
    # proportion their processes spent on each.
    busy = totals["facts_seconds"] + totals["judge_seconds"]
    judging = (end - prepared_at) * (totals["judge_seconds"] / busy if busy else 0.0)
    stats = {
        **totals,
        "prepare_seconds": prepared_at - start,
        "facts_wall_seconds": end - start - judging,
        "rules_wall_seconds": judging,
        "facts_per_s": totals["facts"] / judging if judging else 0.0,
        "workers": float(workers if parallel else 1),
    }
    audited = prepared.cells
    ordered = {cell_id: violations.get(cell_id, []) for cell_id, _, _ in audited}
    return Evaluation(
        ordered,
        audited,
        notes,
        stats,
        prepared.extras(),
        prepared.merged,
        prepared.file_errors,
    )
