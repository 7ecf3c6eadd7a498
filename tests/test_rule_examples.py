"""Every rule's own examples, run through durable_rules (as sqlfluff runs its YAML cases)."""

from __future__ import annotations

from typing import Any

import pytest

from auditor.engine import Judge
from auditor.rulepack import Rule, load_pack

PACKS = [load_pack(), load_pack("quan-doi"), load_pack("hd42")]
CASES = sorted(
    {
        (f"{pack.name}_{rule.id}_{kind}_{index}", pack.name, rule.id, kind, index)
        for pack in PACKS
        for rule in pack.rules
        for kind, facts in (("pass", rule.examples.passing), ("fail", rule.examples.failing))
        for index in range(len(facts))
    }
)
#: Each pack's rules by id (hd42's CD02 has its own parameters).
RULES = {(pack.name, rule.id): rule for pack in PACKS for rule in pack.rules}


@pytest.fixture(scope="module")
def judges() -> dict[tuple[str, str], Judge]:
    return {key: Judge([rule]) for key, rule in RULES.items()}


@pytest.mark.parametrize(
    ("pack", "rule_id", "kind", "index"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rule_example(
    judges: dict[tuple[str, str], Judge], pack: str, rule_id: str, kind: str, index: int
) -> None:
    rule: Rule = RULES[pack, rule_id]
    facts = rule.examples.passing if kind == "pass" else rule.examples.failing
    fact: dict[str, Any] = {**facts[index], "id": 1}
    hits = judges[pack, rule_id].judge([fact])
    assert ((rule_id, 1) in hits) is (kind == "fail")


def test_every_rule_has_a_passing_and_a_failing_example() -> None:
    for rule in RULES.values():
        assert rule.examples.passing and rule.examples.failing, rule.id


def test_every_rule_has_its_documentation_parts() -> None:
    for rule in RULES.values():
        for part in (
            rule.title_vi,
            rule.title_en,
            rule.source,
            rule.rationale_vi,
            rule.message_vi,
            rule.message_en,
            rule.remedy_vi,
        ):
            assert part.strip(), rule.id
