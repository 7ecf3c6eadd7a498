"""The catalogue and the docs page come from the rule files."""

from __future__ import annotations

from pathlib import Path

from auditor.catalogue import explain, render_docs
from auditor.rulebook import load_rulebook
from auditor.rulepack import load_pack

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_docs_rules_page_is_not_stale() -> None:
    assert DOCS.read_text(encoding="utf-8") == render_docs(load_rulebook()), (
        "docs/rules.md is stale: run `python -m auditor.catalogue`"
    )


def test_the_rules_page_shows_hd42_its_new_rules_its_note_and_qd366() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for rule in ("TG01", "CU01", "TB01", "ST01", "CL01"):
        assert f"### hd42 · {rule}" in text and f"| {rule} |" in text
    assert "Hướng dẫn 42-HD/BTCTW" in text and "session_length_missing" in text
    assert "draft_min_days=1" in text  # CD02 as hd42 sets it
    assert "có đảng viên bị kỷ luật trong năm (disciplined ≥ 1) → tối đa HTTNV" in text
    assert "| TG01 | " in text and "hd42 (từ 28/10/2025)" in text


def test_explain_shows_source_rationale_params_examples_and_remedy() -> None:
    text = explain(load_pack(), "CD02")
    for part in (
        "CD02",
        "Hướng dẫn 12-HD/BTCTW",
        "draft_min_days=3",
        "Vì sao",
        "Ví dụ",
        "Cách khắc phục",
        "ít nhất 3 ngày",
    ):
        assert part in text


def test_explain_reflects_an_override() -> None:
    assert "draft_min_days=5" in explain(load_pack(sets=["CD02.draft_min_days=5"]), "CD02")
