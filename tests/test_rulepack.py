"""Loading packs: validation with file, key and reason; overrides without code."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.rulebook import load_rulebook
from auditor.rulepack import RulePackError, load_pack

SPEC_RULES = {
    "KH01": 10,
    "KH02": 3,
    "KH03": 2,
    "KH04": 2,
    "CD01": 10,
    "CD02": 3,
    "CD03": 2,
    "CD04": 5,
    "CD05": 3,
    "CD06": 2,
    "TK01": 2,
    "TK02": 2,
}
#: The member rules (members.md), included from the dang-vien pack: no points for the cell.
MEMBER_RULES = {"DV01": 0, "DV02": 0, "DV03": 0, "DV04": 0}


def test_default_pack_has_the_twelve_rules_of_the_spec_with_their_points() -> None:
    pack = load_pack()
    assert {rule.id: rule.points for rule in pack.rules} == SPEC_RULES | MEMBER_RULES
    assert pack.rule("CD02").params == {"draft_min_days": 3}
    assert pack.rule("CD04").params == {"conclusion_max_days": 15}
    assert pack.rule("CD06").params == {"report_max_days": 30}
    assert pack.rule("TK02").params == {"quorum": "2/3"}
    assert pack.rule("KH02").params == {"plan_deadline": "01-31"}


def test_army_pack_adds_the_monthly_forum_without_code() -> None:
    pack = load_pack("quan-doi")
    assert set(SPEC_RULES) | set(MEMBER_RULES) | {"DD01"} == {rule.id for rule in pack.rules}
    assert pack.rule("DD01").period == "month"


def test_set_and_override_file_change_params_points_and_switch_rules_off(tmp_path: Path) -> None:
    overrides = tmp_path / "o.yaml"
    overrides.write_text(
        "rules:\n  CD04: {params: {conclusion_max_days: 10}, points: 6}\n"
        "  TK02: {enabled: false}\n",
        encoding="utf-8",
    )
    pack = load_pack(overrides=overrides, sets=["CD02.draft_min_days=5", "KH01.points=12"])
    assert pack.rule("CD02").params["draft_min_days"] == 5
    assert pack.rule("KH01").points == 12
    assert pack.rule("CD04").params["conclusion_max_days"] == 10
    assert pack.rule("CD04").points == 6
    assert not pack.rule("TK02").enabled
    assert pack.sha256 != load_pack().sha256


def test_bad_rule_file_is_reported_with_file_key_and_reason(tmp_path: Path) -> None:
    pack = tmp_path / "p"
    pack.mkdir()
    (pack / "pack.yaml").write_text("name: p\nversion: '1'\ntitle_vi: P\n", encoding="utf-8")
    (pack / "XX01.yaml").write_text(
        "id: XX01\ntitle_vi: a\ntitle_en: a\nsource: s\nrationale_vi: r\nabout: x\n"
        "period: weekly\npoints: 2\nwhen: {field: a, op: eq, value: 1}\n"
        "message_vi: m\nmessage_en: m\nremedy_vi: r\n",
        encoding="utf-8",
    )
    (pack / "XX02.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(RulePackError) as error:
        load_pack(pack)
    problems = error.value.problems
    assert any(p[0].endswith("XX01.yaml") and p[1] == "period" for p in problems)
    assert any(p[0].endswith("XX02.yaml") for p in problems)


def test_a_broken_rule_file_is_shown_at_its_line_with_the_place_marked(tmp_path: Path) -> None:
    """Rule files are parsed by libyaml when it is there; one it refuses is reported as
    PyYAML's own parser words it, with the offending line quoted and a caret under it."""
    pack = tmp_path / "p"
    pack.mkdir()
    (pack / "pack.yaml").write_text("name: p\nversion: '1'\ntitle_vi: P\n", encoding="utf-8")
    (pack / "XX01.yaml").write_text("id: XX01\ntitle_vi: a: b\n", encoding="utf-8")
    with pytest.raises(RulePackError) as error:
        load_pack(pack)
    (reason,) = [p[2] for p in error.value.problems if p[0].endswith("XX01.yaml")]
    assert "unreadable YAML" in reason and "line 2, column 12" in reason
    assert "    title_vi: a: b\n" in reason and "^" in reason


def test_unknown_rule_or_parameter_in_a_setting_is_refused() -> None:
    with pytest.raises(RulePackError, match="ZZ99"):
        load_pack(sets=["ZZ99.points=1"])
    with pytest.raises(RulePackError, match=r"CD02\.nope"):
        load_pack(sets=["CD02.nope=1"])
    with pytest.raises(RulePackError):
        load_pack(sets=["CD02points=1"])


def test_undeclared_parameter_in_a_condition_is_refused(tmp_path: Path) -> None:
    pack = tmp_path / "p"
    pack.mkdir()
    (pack / "pack.yaml").write_text("name: p\nversion: '1'\ntitle_vi: P\n", encoding="utf-8")
    (pack / "XX01.yaml").write_text(
        "id: XX01\ntitle_vi: a\ntitle_en: a\nsource: s\nrationale_vi: r\nabout: x\n"
        "period: month\npoints: 2\nwhen: {field: a, op: lt, value: $missing}\n"
        "message_vi: m\nmessage_en: m\nremedy_vi: r\n",
        encoding="utf-8",
    )
    with pytest.raises(RulePackError, match="missing"):
        load_pack(pack)


def test_a_pack_setting_is_set_without_a_rule_and_checked(tmp_path: Path) -> None:
    """``seconds_per_question`` belongs to the pack, not to a rule: ``--set KEY=value`` or a
    top-level key of the overrides file changes it; a value out of range is refused with
    the key, like a rule's parameter."""
    assert load_pack(sets=["seconds_per_question=45"]).seconds_per_question == 45
    overrides = tmp_path / "o.yaml"
    overrides.write_text("seconds_per_question: 20\n", encoding="utf-8")
    assert load_pack(overrides=overrides).seconds_per_question == 20
    with pytest.raises(RulePackError) as refused:
        load_pack(sets=["seconds_per_question=0"])
    assert [where for _file, where, _why in refused.value.problems] == ["seconds_per_question"]
    book = load_rulebook(sets=["seconds_per_question=45"])
    assert {pack.seconds_per_question for pack in book.packs} == {45}
