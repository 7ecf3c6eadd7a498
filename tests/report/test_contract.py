"""docs/report-json.md is the report contract for users: generated from the report's
models, every key described, never stale, and no page of the project points at files a
user does not have (``../shared/``)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from auditor.report import contract
from auditor.report.json_report import report_schema

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = ROOT / "tests" / "data" / "sample_report_2024.json"


def test_docs_report_json_md_is_up_to_date() -> None:
    text = (ROOT / "docs" / "report-json.md").read_text(encoding="utf-8")
    assert text == contract.render_contract_md(), (
        "docs/report-json.md is stale: run `python -m auditor.report.contract`"
    )


def test_every_key_of_the_report_has_a_meaning_and_no_meaning_is_left_over() -> None:
    assert set(contract.MEANINGS) == contract.keys()
    for (model, key), (vi, en) in contract.MEANINGS.items():
        assert vi.strip() and en.strip(), (model, key)
        assert "|" not in vi + en, (model, key)  # it would split the table's cell


def _documented(schema: dict[str, Any]) -> set[str]:
    """Every key path the schema allows (``cells[].violations[].rule``)."""
    defs = schema["$defs"]
    found: set[str] = set()

    def walk(node: dict[str, Any], path: str) -> None:
        if "$ref" in node:
            walk(defs[node["$ref"].rsplit("/", 1)[-1]], path)
        for option in node.get("anyOf", []):
            walk(option, path)
        if node.get("type") == "array":
            walk(node.get("items", {}), path + "[]")
        for key, prop in node.get("properties", {}).items():
            found.add(f"{path}.{key}".lstrip("."))
            walk(prop, f"{path}.{key}")

    walk(schema, "")
    return found


def _written(data: Any, path: str = "") -> set[str]:
    """Every key path of a written report.json (``details`` is free-form: not walked)."""
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            found.add(f"{path}.{key}".lstrip("."))
            if key != "details":
                found |= _written(value, f"{path}.{key}")
    elif isinstance(data, list):
        for item in data:
            found |= _written(item, path + "[]")
    return found


def test_every_key_a_real_report_writes_is_on_the_page() -> None:
    written = _written(json.loads(GOLDEN.read_text(encoding="utf-8")))
    assert {"inputs[].error", "cells[].violations[].evidence[].row"} <= written
    assert written <= _documented(report_schema())
    page = (ROOT / "docs" / "report-json.md").read_text(encoding="utf-8")
    for path in written:
        assert f"| `{path.rsplit('.', 1)[-1]}` |" in page, path


def test_no_page_of_the_project_points_at_the_shared_folder() -> None:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    pointing = [
        f"{page.relative_to(ROOT)}:{number}"
        for page in pages
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\.\./shared|shared/(spec|notes)", line)
    ]
    assert pointing == []


def test_no_page_of_the_project_names_a_contract_file_it_does_not_hold() -> None:
    """A reader of the README has the project only: a page that says "see members.md" or
    "the headers of input-format.md" sends them to a file they cannot open. The project's
    own pages (``docs/rules.md``, ``docs/report-json.md``…) may be named; the contracts'
    file names may not."""
    contracts = ("members.md", "input-format.md", "rulebook-2025.md", "spec/rules.md")
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    naming = [
        f"{page.relative_to(ROOT)}:{number}: {name}"
        for page in pages
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1)
        for name in contracts
        if re.search(rf"(?<![\w/.-]){re.escape(name)}", line)
    ]
    assert naming == []
