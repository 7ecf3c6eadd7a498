"""The fact vocabulary: facts conform to it, and the pages generated from it are fresh."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.facts import cell_facts, prepare
from auditor.ingest import load
from auditor.rulepack import PACKS_DIR
from auditor.vocabulary import (
    MODELS,
    FactContractError,
    check_facts,
    fields,
    render_facts_md,
    render_rules_schema,
    rules_schema,
    validate_fact,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"


@pytest.fixture(scope="module")
def sample_facts(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """The sample year's facts, and the member facts of the members tests' year."""
    from auditor.members.facts import member_facts
    from tests.members.year import write_member_year

    members = load([write_member_year(tmp_path_factory.mktemp("members"))])
    by_cell, _ = member_facts(members, {"CB-001"}, year=2024, as_of=dt.date(2024, 12, 31))
    dataset = load([SAMPLE])
    prepared = prepare(dataset, year=2024, as_of=dt.date(2024, 12, 31))
    facts: list[dict[str, Any]] = []
    for batch in prepared.batches(250):
        for item in batch.inputs():
            built, _ = cell_facts(item, year=2024, as_of=dt.date(2024, 12, 31))
            facts += built.facts
    return facts + [fact for holder in by_cell.values() for fact in holder.facts]


def test_every_sample_fact_conforms_to_its_model(sample_facts: list[dict[str, Any]]) -> None:
    assert {f["type"] for f in sample_facts} == set(MODELS)
    for fact in sample_facts:
        model = validate_fact(fact)
        assert model.model_dump(exclude_none=True) == fact


def test_every_vocabulary_field_occurs_in_the_sample(sample_facts: list[dict[str, Any]]) -> None:
    """No field documented that the facts never carry (a stale vocabulary)."""
    for period in MODELS:
        seen = set().union(*(f.keys() for f in sample_facts if f["type"] == period))
        assert set(fields(period)) <= seen, period


def test_an_unknown_key_or_a_missing_one_is_refused() -> None:
    good = {"type": "quarter", "id": 1, "quarter": 2, "thematic_count": 1, "regular_count": 3}
    good |= {"forum_count": 0, "has_plan": 1, "planned_topics": 1}
    check_facts([good])
    with pytest.raises(FactContractError, match="thematic_cont"):
        check_facts([{**good, "thematic_cont": 1}])
    with pytest.raises(FactContractError, match="forum_count"):
        check_facts([{k: v for k, v in good.items() if k != "forum_count"}])
    with pytest.raises(FactContractError, match="week"):
        check_facts([{**good, "type": "week"}])
    # facts are compared once per key layout: one odd fact among many good ones still counts
    crowd = [dict(good) for _ in range(1000)]
    crowd.insert(517, {**good, "thematic_cont": 1})
    with pytest.raises(FactContractError, match="thematic_cont"):
        check_facts(crowd)
    reordered = {"thematic_cont": 1, **good}  # a layout of the same keys in another order
    with pytest.raises(FactContractError, match="thematic_cont"):
        check_facts(iter([good, reordered]))


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=2, max_value=10**6))
def test_a_flag_outside_zero_one_is_refused(value: int) -> None:
    fact = {"type": "session", "id": 1, "quarter": 1, "thematic": 0, "regular": value}
    with pytest.raises(ValueError, match="regular"):
        validate_fact(fact)


def test_docs_facts_page_is_not_stale() -> None:
    assert (ROOT / "docs" / "facts.md").read_text(encoding="utf-8") == render_facts_md(), (
        "docs/facts.md is stale: run `python -m auditor.vocabulary`"
    )


def test_docs_rules_schema_is_not_stale() -> None:
    text = (ROOT / "docs" / "rules.schema.json").read_text(encoding="utf-8")
    assert text == render_rules_schema(), (
        "docs/rules.schema.json is stale: run `python -m auditor.vocabulary`"
    )


def test_facts_page_lists_units_meanings_and_message_values() -> None:
    page = render_facts_md()
    for part in ("`attendance_ppm` | `ppm`", "tháng×100+ngày", "`{plan_issued}`", "buổi"):
        assert part in page


@pytest.mark.parametrize("path", sorted(PACKS_DIR.glob("*/[A-Z][A-Z][0-9][0-9].yaml")), ids=str)
def test_every_shipped_rule_file_matches_the_schema(path: Path) -> None:
    jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), rules_schema())


def test_the_schema_refuses_a_field_of_another_period() -> None:
    rule = yaml.safe_load((PACKS_DIR / "hd12" / "CD01.yaml").read_text(encoding="utf-8"))
    jsonschema.validate(rule, rules_schema())
    for when in (
        {"field": "thematic_cont", "op": "eq", "value": 0},
        {"field": "attendance_ppm", "op": "lt", "value": 5},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**rule, "when": when}, rules_schema())
    assert json.loads(render_rules_schema()) == rules_schema()
