"""Every note code the auditor emits is in the catalogue, and reads as its template."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from auditor.audit import AuditResult, run_audit
from auditor.codes import NoteCode, render_codes_md
from auditor.rulepack import load_pack, shipped_packs

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"


def _constants(tree: ast.Module) -> dict[str, str]:
    return {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _emitted_codes() -> dict[str, str]:
    """Code → where, for every ``Note(code=…)`` and ``…_note(x, "code", …)`` in auditor/."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "auditor").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _constants(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            candidates: list[ast.expr] = [k.value for k in node.keywords if k.arg == "code"]
            if name.endswith("_note") and len(node.args) >= 2:
                candidates.append(node.args[1])
            if name != "Note" and not name.endswith("_note"):
                continue
            for value in candidates:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    code = value.value
                elif isinstance(value, ast.Name) and value.id in constants:
                    code = constants[value.id]
                else:
                    continue  # a helper's parameter: its callers are found themselves
                found[code] = f"{path.relative_to(ROOT)}:{node.lineno}"
    # a rule's `note:` in a shipped pack emits its code too (auditor/engine.py)
    for name in shipped_packs():
        for rule in load_pack(name).rules:
            if rule.note is not None:
                found[rule.note.code] = f"auditor/rules/{name}/{rule.id}.yaml"
    return found


def test_every_code_written_in_the_source_is_in_the_catalogue() -> None:
    emitted = _emitted_codes()
    # the scan itself works: it sees codes of each stage
    assert {"date_order", "file_skipped", "cell_from_file_name", "waiver_unused"} <= set(emitted)
    missing = {code: where for code, where in emitted.items() if code not in set(NoteCode)}
    assert not missing, f"add these to auditor/codes.py: {missing}"


def test_every_catalogued_code_is_emitted_somewhere() -> None:
    unused = set(NoteCode) - set(_emitted_codes())
    assert not unused, f"codes no code emits: {sorted(unused)}"


@pytest.fixture(scope="module")
def audited() -> AuditResult:
    return run_audit([SAMPLE], year=2024, out=None)


def test_notes_on_the_sample_read_as_their_templates(audited: AuditResult) -> None:
    notes = audited.report.notes
    assert notes
    for note in notes:
        code = NoteCode(note.code)
        assert code.matches(note.message_vi, note.message_en), note


def test_a_message_unlike_its_template_does_not_match() -> None:
    assert NoteCode.duplicate_session.matches(
        "Buổi sinh hoạt trùng lặp (cùng chi bộ, ngày 01/02/2024 và loại): chỉ tính một lần",
        "Duplicate meeting (same cell, date 2024-02-01 and kind): counted once",
    )
    assert not NoteCode.duplicate_session.matches("Buổi sinh hoạt trùng lặp", "Duplicate")


def test_docs_codes_page_is_not_stale() -> None:
    assert (ROOT / "docs" / "codes.md").read_text(encoding="utf-8") == render_codes_md(), (
        "docs/codes.md is stale: run `python -m auditor.codes`"
    )
