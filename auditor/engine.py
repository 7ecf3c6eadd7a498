"""Judge the facts with durable_rules: each rule's declarative condition, compiled.

What was measured of durable_rules 2.0.28 (pinned exactly: this module calls its private
C hooks, ``tests/test_engine.py`` checks they exist) shapes this module: one ``Host`` per
process and rule set, one state (``sid``) per cell deleted as soon as the cell is judged,
facts asserted (every rule sees every fact, unlike ``post``), conditions on ONE fact
combined with ``$and``/``$or`` (never a comma join), no negation-only rule (every rule
starts with a positive ``type`` match), "not handled" meaning "compliant", and the
action deduplicated by (rule, fact) because ``$or`` fires once per alternative. A cell's
facts (a few dozen) go in one call into its own state; no call ever spans two states.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import orjson

from auditor.facts import (
    Batch,
    CellFacts,
    Fact,
    FactInfo,
    FileError,
    cell_facts,
    display_value,
    prepare,
)
from auditor.ingest.dataset import Dataset
from auditor.models import MergedCell, Note, Violation
from auditor.rulebook import Judges
from auditor.rulepack import AllOf, AnyOf, Rule, RulePack, Test, compared_value
from auditor.runtime import tune, worker_context

_OPS = {"neq": "$neq", "lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte"}
_counter = itertools.count()
OPEN_FACT = "cell_open"
OPEN_RULE = "_open"
#: A rule's ``note`` is compiled as a rule of its own, named the rule's id and this.
NOTE_SUFFIX = "~note"
#: durable_rules keeps global state in its C core; one evaluation at a time per process.
_LOCK = threading.Lock()


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


class Judge:
    """A durable_rules host holding one ruleset compiled from ``rules``."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        from durable import engine

        self._engine = engine
        self.rules = [rule for rule in rules if rule.enabled]
        self.name = f"audit{next(_counter)}"
        self._hits: set[tuple[str, int]] = set()
        self._sids = itertools.count(1)
        definition: dict[str, Any] = {
            OPEN_RULE: {"all": [{"m": {"type": OPEN_FACT}}], "run": _noted_by_judge}
        }
        for rule in self.rules:
            definition[rule.id] = {**compile_rule(rule), "run": _noted_by_judge}
            if rule.note is not None:
                definition[rule.id + NOTE_SUFFIX] = {
                    **compile_rule(rule, rule.note.when),
                    "run": _noted_by_judge,
                }
        #: What the C core's "already observed" answer is raised as (a fact-hash collision).
        self.collision: type[Exception] = engine.MessageObservedException
        self.host = _quiet_host(engine)()
        self.host.set_rulesets({self.name: definition})
        self._ruleset = self.host.get_ruleset(self.name)
        self._ruleset_handle = self._ruleset._handle

    def judge(self, facts: Sequence[Fact]) -> set[tuple[str, int]]:
        """(rule id, fact id) of every violation among one cell's facts.

        The cell's facts go to a state of their own in one ``assert_facts`` call, after
        an "open" fact that a no-op rule matches: a state whose facts all went unmatched
        still exists in durable_rules' C core, and can neither be deleted (that crashes,
        measured here) nor left behind (past ~1,000 live states the host raises
        MemoryError). Each call uses a state id never used before in this host: re-using
        a deleted state's id crashes the C core too (``free(): invalid pointer``).

        ``Host.assert_facts`` cannot be used here: it raises "not handled" as soon as one
        fact of the batch goes unmatched, before it runs the actions of those that
        matched. So this makes its C call itself, with orjson in place of ``json`` (ten
        times faster on these facts), then runs the actions (:meth:`_run_actions`). On
        10,627 cells this takes 0.9 s, where asserting fact by fact took 2.1 s.
        """
        self._hits = set()
        if not self.rules:
            return set()
        sid = str(next(self._sids))
        head = b'{"sid":"%s",' % sid.encode()
        payload = b",".join(
            [head + b'"id":0,"type":"%s"}' % OPEN_FACT.encode()]
            + [head + orjson.dumps(fact)[1:] for fact in facts]
        )
        try:
            result = self._engine.durable_rules_engine.assert_facts(
                self._ruleset_handle, "[" + payload.decode() + "]"
            )
            code = result[0]
            # 2: a fact whose identity (a 32-bit hash) the state already holds. The C core
            # reports the last fact's unusual code only, but a state holds a few dozen
            # distinct facts: a collision is about one cell in ten million.
            if code == 2:
                raise self._engine.MessageObservedException(list(facts))
            # the open fact always matches, so there are actions to run
            self._run_actions(0 if code == 3 else result[1])
        finally:
            self.host.delete_state(self.name, sid)
        return self._hits

    def _run_actions(self, state: int) -> None:
        """durable_rules' action loop (``Ruleset.do_actions``) for actions that only note
        a hit: the same C calls in the same order, without a ``Closure`` per action and
        with the state handed back as the core gave it, where ``do_actions`` decodes it
        and encodes it again with ``json`` (half the engine's time after the facts,
        measured here). A violation is the rule's name and the matched fact's id.
        """
        core = self._engine.durable_rules_engine
        handle = self._ruleset_handle
        started = core.start_action_for_state(handle, state)
        if not started:
            return
        content, message = started[0], started[1]
        try:
            while message:
                # durable_rules runs the first action a message names, as here
                name, matched = next(iter(orjson.loads(message).items()))
                if name != OPEN_RULE:
                    self._hits.add((name, int(matched["m"]["id"])))
                core.update_state(handle, content)
                message = core.complete_and_start_action(handle, state)
        except BaseException:
            core.abandon_action(handle, state)
            raise


def _quiet_host(engine: Any) -> type:
    """durable_rules' ``Host`` without its two dispatch threads.

    A ``Host`` starts timer threads that, every 0.2 s, run whatever action of whatever
    state is pending (for rules with timers, and for events posted without waiting).
    The judge runs every action of a cell itself, within :meth:`Judge.judge`; a dispatch
    thread taking one in between ran it elsewhere, and its hit went to no cell or to the
    next one (one cell in ~20,000, measured here). These rules have neither timers nor
    posted events. And with no thread of durable_rules running, the workers this
    process starts may be forked (:mod:`auditor.runtime`).
    """

    class QuietHost(engine.Host):
        def _run(self) -> None:
            return None

    return QuietHost


def _noted_by_judge(_closure: Any) -> None:
    """Each rule's action as durable_rules knows it: :meth:`Judge._run_actions` notes
    the hits itself and never calls it."""


class _Safe(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(template: str, values: dict[str, Any]) -> str:
    return template.format_map(_Safe(values))


def _violation(rule: Rule, fact: Fact, meta: FactInfo, pack: str) -> Violation:
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
        pack=pack,
    )


def _rule_note(rule: Rule, fact: Fact, meta: FactInfo) -> Note:
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


def _sort_key(v: Violation) -> tuple[Any, ...]:
    return (
        v.rule,
        v.period or "",
        v.date or dt.date.min,
        [(e.file, e.sheet, e.row) for e in v.evidence],
    )


#: One host per process and rule set: a durable_rules host starts timer threads of its
#: own and is never torn down, so chunks and runs in one process share it.
_JUDGES: dict[str, Judge] = {}


def _judge_for(rules: Sequence[Rule]) -> Judge:
    key = "|".join(rule.model_dump_json() for rule in rules)
    if key not in _JUDGES:
        _JUDGES[key] = Judge(rules)
    return _JUDGES[key]


#: Below this many cells the start-up of worker processes costs more than it saves.
PARALLEL_MIN_CELLS = 400
#: Cells per task sent to a worker (progress is reported per chunk).
CHUNK_CELLS = 250


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


def judge_chunk(task: tuple[list[Panel], int, dt.date, Batch]) -> ChunkResult:
    """Facts and verdicts for a chunk of cells, in whichever process runs it."""
    panels, year, as_of, batch = task
    rules = [{rule.id: rule for rule in rule_list} for _, _, _, rule_list in panels]
    facts_seconds = rules_seconds = 0.0
    with _LOCK:
        start = time.perf_counter()
        inputs = batch.inputs()
        judges = [_judge_for(rule_list) for _, _, _, rule_list in panels]
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
            by_id = {f["id"]: f for f in cell.facts}
            violations = [
                _violation(
                    rules[index][rule_id], by_id[fact_id], cell.info(fact_id), panels[index][0]
                )
                for index, rule_id, fact_id in hits
                if not rule_id.endswith(NOTE_SUFFIX)
            ]
            # a rule's note comes only from the pack in force on the fact's day
            notes += [
                _rule_note(rules[index][rule_id.removesuffix(NOTE_SUFFIX)], by_id[f], cell.info(f))
                for index, rule_id, f in sorted(hits)
                if rule_id.endswith(NOTE_SUFFIX)
            ]
            found[cell.cell_id] = sorted(violations, key=_sort_key)
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
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=tune) as pool:
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
