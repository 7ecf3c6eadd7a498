"""durable_rules as the judge: the pitfalls measured here stay fixed."""

from __future__ import annotations

import random
import threading
import time
from typing import Any

import pytest

from auditor.engine import Judge, compile_rule
from auditor.rulepack import load_pack

PACK = load_pack()


def _cell(rng: random.Random) -> list[dict[str, object]]:
    facts: list[dict[str, object]] = [
        {
            "type": "quarter",
            "quarter": q,
            "thematic_count": rng.choice([0, 1, 1]),
            "has_plan": 1,
            "planned_topics": 1,
            "regular_count": 3,
            "forum_count": 0,
        }
        for q in range(1, 5)
    ]
    facts.append(
        {
            "type": "session",
            "quarter": 1,
            "thematic": 1,
            "regular": 0,
            "draft_sent_missing": rng.choice([0, 1]),
            "draft_days_before": rng.randint(0, 6),
            "approved_missing": 0,
            "approved_after_sent": 0,
            "conclusion": 1,
            "conclusion_date_missing": 0,
            "conclusion_days": 3,
            "reported_missing": 0,
            "report_days": 5,
            "plan_for_quarter": 0,
            "topic_score": 0,
        }
    )
    for index, fact in enumerate(facts, start=1):
        fact["id"] = index
    return facts


def test_a_judge_starts_no_thread_that_could_take_a_cells_actions() -> None:
    before = threading.active_count()
    judge = Judge(PACK.rules)
    hits = judge.judge(_cell(random.Random(7)))
    time.sleep(0.3)  # durable_rules' dispatch timers would have started by now
    assert threading.active_count() == before
    assert judge.judge(_cell(random.Random(7))) == hits


def test_ten_thousand_cells_run_without_a_crash_and_give_the_same_result_twice() -> None:
    cells = [_cell(random.Random(seed)) for seed in range(10_000)]
    first = [frozenset(Judge(PACK.rules).judge(c)) for c in cells[:1]]
    judge = Judge(PACK.rules)
    runs = [[frozenset(judge.judge(c)) for c in cells] for _ in range(2)]
    assert runs[0] == runs[1]
    assert first[0] == runs[0][0]
    assert sum(1 for hits in runs[0] if not hits) > 500  # hundreds of compliant cells
    assert sum(len(hits) for hits in runs[0]) > 10_000


def test_a_long_run_of_compliant_cells_leaves_no_state_behind() -> None:
    judge = Judge(PACK.rules)
    compliant = [
        {
            "type": "month",
            "month": 1,
            "regular_count": 1,
            "thematic_count": 0,
            "forum_count": 0,
            "extraordinary_count": 0,
            "id": 1,
        }
    ]
    for _ in range(3_000):  # past durable_rules' ~1,000 live states
        assert judge.judge(compliant) == set()
    assert judge.judge([{**compliant[0], "regular_count": 0}]) == {("TK01", 1)}


def test_an_alternative_matching_twice_records_one_violation() -> None:
    judge = Judge([PACK.rule("CD04")])
    fact = {
        "type": "session",
        "thematic": 1,
        "conclusion": 0,
        "conclusion_date_missing": 1,
        "conclusion_days": 40,
        "id": 7,
    }
    assert judge.judge([fact]) == {("CD04", 7)}


def test_conditions_are_on_one_fact_with_a_positive_type_match() -> None:
    for rule in PACK.rules:
        compiled = compile_rule(rule)
        (only,) = compiled["all"]
        assert list(only) == ["m"]
        assert only["m"]["$and"][0] == {"type": rule.period}


def test_parameters_are_substituted_when_compiled() -> None:
    rule = load_pack(sets=["CD02.draft_min_days=5"]).rule("CD02")
    assert "{'$lt': {'draft_days_before': 5}}" in str(compile_rule(rule))
    quorum = compile_rule(PACK.rule("TK02"))
    assert "{'$lt': {'attendance_ppm': 666667}}" in str(quorum)


def test_durable_rules_is_the_version_whose_private_hooks_the_judge_calls() -> None:
    from importlib.metadata import version

    from durable import engine

    assert version("durable-rules") == "2.0.28"
    core = engine.durable_rules_engine
    for hook in (
        "assert_facts",
        "start_action_for_state",
        "update_state",
        "complete_and_start_action",
        "abandon_action",
    ):
        assert callable(getattr(core, hook)), hook
    assert callable(engine.Host._run)  # the dispatch loop QuietHost replaces
    assert issubclass(engine.MessageObservedException, Exception)
    judge = Judge(PACK.rules)
    assert isinstance(judge._ruleset_handle, int)


def test_a_fact_hash_collision_is_a_note_for_that_cell_and_the_others_are_judged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from auditor.engine import evaluate, evaluation
    from benchmarks.sample import build_cells, dataset_of

    dataset = dataset_of(build_cells(6, year=2024, seed=3)[0])
    whole = evaluate(dataset, PACK, year=2024)
    cells = list(whole.violations)
    unlucky = next(c for c in cells[1:] if whole.violations[c])  # a cell with findings
    current: list[str] = []
    build, judge = evaluation.cell_facts, Judge.judge

    def building(item: Any, **kwargs: Any) -> Any:
        cell, notes = build(item, **kwargs)
        current.append(cell.cell_id)
        return cell, notes

    def colliding(self: Judge, facts: Any) -> set[tuple[str, int]]:
        if current[-1] == unlucky:
            raise self.collision(list(facts))  # what the C core's answer 2 becomes
        return judge(self, facts)

    monkeypatch.setattr(evaluation, "cell_facts", building)
    monkeypatch.setattr(Judge, "judge", colliding)
    result = evaluate(dataset, PACK, year=2024)
    notes = [n for n in result.notes if n.code == "cell_not_judged"]
    assert len(notes) == 1 and unlucky in notes[0].message_vi and unlucky in notes[0].message_en
    assert whole.violations[unlucky] and result.violations[unlucky] == []
    assert list(result.violations) == cells
    for cell_id in cells:
        if cell_id != unlucky:
            assert result.violations[cell_id] == whole.violations[cell_id]


@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_cells_judged_by_worker_processes_get_the_findings_judged_here(
    monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    """Forked judges are handed their chunks through the fork, others receive them
    pickled: either way every cell gets the violations and notes of a run in one
    process, in the cells' order."""
    import multiprocessing

    from auditor.engine import evaluate, evaluation
    from benchmarks.sample import build_cells, dataset_of

    dataset = dataset_of(build_cells(12, year=2024, seed=5)[0])
    alone = evaluate(dataset, PACK, year=2024)
    assert sum(map(len, alone.violations.values())) > 3
    monkeypatch.setattr(evaluation, "PARALLEL_MIN_CELLS", 1)
    monkeypatch.setattr(evaluation, "CHUNK_CELLS", 5)  # three chunks, two workers
    monkeypatch.setattr(evaluation, "worker_context", lambda: multiprocessing.get_context(method))
    shared = evaluate(dataset, PACK, year=2024, workers=2)
    assert shared.stats["workers"] == 2
    assert list(shared.violations) == list(alone.violations)
    assert shared.violations == alone.violations
    assert shared.notes == alone.notes


def _tested_values(node: Any, rule: Any) -> list[tuple[str, Any]]:
    from auditor.rulepack import AllOf, Test, compared_value

    if isinstance(node, Test):
        return [(node.field, compared_value(rule, node))]
    children = node.all if isinstance(node, AllOf) else node.any
    return [pair for child in children for pair in _tested_values(child, rule)]


@pytest.mark.parametrize("year", [2024, 2026])
def test_facts_held_back_by_the_screen_are_ones_durable_rules_matches_with_no_rule(
    year: int,
) -> None:
    """The judge sends durable_rules only the facts a rule may match (compile.screen):
    on random facts of every type, around every value the rules compare with and with
    fields left out, it finds what durable_rules finds with every fact sent."""
    from auditor.rulebook import load_rulebook
    from auditor.vocabulary import MODELS

    rng = random.Random(year)
    for _, _, _, rules in load_rulebook().judges(year).panels():
        screened, everything = Judge(rules), Judge(rules)
        everything.may_match = lambda fact: True
        near: dict[str, set[Any]] = {}
        for rule in screened.rules:
            conditions = [rule.when] + ([rule.note.when] if rule.note is not None else [])
            for condition in conditions:
                for field, value in _tested_values(condition, rule):
                    value = int(value) if isinstance(value, bool) else value
                    near.setdefault(field, set()).update({value - 1, value, value + 1})
        held_back = 0
        for _ in range(400):
            facts: list[dict[str, object]] = []
            for kind in sorted({rule.period for rule in screened.rules}):
                for _ in range(3):
                    fact: dict[str, object] = {"type": kind}
                    for field in MODELS[kind].model_fields:
                        if field in ("id", "type") or rng.random() < 0.03:
                            continue  # now and then a field left out
                        fact[field] = rng.choice(sorted(near.get(field, {0, 1})))
                    fact["id"] = len(facts) + 1
                    facts.append(fact)
            held_back += sum(1 for fact in facts if not screened.may_match(fact))
            assert screened.judge(facts) == everything.judge(facts)
        assert held_back > 0  # the comparison is worth something only if facts were held back


def test_a_fact_lacking_a_tested_field_or_with_no_number_in_it_is_sent() -> None:
    from auditor.engine.compile import screen

    may_match = screen(PACK.rules)
    assert may_match({"type": "quarter", "quarter": 1})  # the counts left out
    assert may_match({"type": "session", "thematic": "1", "quarter": 1})
    assert not may_match({"type": "no such type", "id": 1})
