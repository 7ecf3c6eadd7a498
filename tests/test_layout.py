"""docs/layout.md lists every module of the package once, with its stage, and the
folders of its tree exist: a module added, moved or removed without the page fails here."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "layout.md").read_text(encoding="utf-8")
STAGES = {
    "api",
    "rules",
    "ingest",
    "members",
    "facts",
    "engine",
    "scoring",
    "report",
    "templates",
    "runtime",
    "web",
}


def _rows() -> list[tuple[str, str, str]]:
    """(module path, stage, what it does) of each row of the page's module table."""
    return re.findall(r"^\| `(auditor/[^`]+\.py)` \| ([a-z]+) \| (.+) \|$", PAGE, re.MULTILINE)


def test_every_module_of_the_package_is_listed_once_and_no_other() -> None:
    listed = [path for path, _, _ in _rows()]
    modules = sorted(
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "auditor").rglob("*.py")
        if "__pycache__" not in path.parts
    )
    assert len(modules) > 60  # the walk itself found the package
    assert len(listed) == len(set(listed)), "a module listed twice"
    assert sorted(listed) == modules, (
        f"docs/layout.md: add {sorted(set(modules) - set(listed))}, "
        f"remove {sorted(set(listed) - set(modules))}"
    )


def test_each_module_has_a_known_stage_and_a_line_saying_what_it_does() -> None:
    for path, stage, does in _rows():
        assert stage in STAGES, (path, stage)
        assert len(does.split()) >= 3, path
    assert {stage for _, stage, _ in _rows()} == STAGES  # every stage named has a module


def test_the_tree_names_every_folder_of_the_package() -> None:
    tree = PAGE.split("```")[1]
    named = re.findall(r"([a-z_]+)/\s", tree)
    folders = {
        path.name
        for path in (ROOT / "auditor").rglob("*")
        if path.is_dir()
        and "__pycache__" not in path.parts
        and path.parent.name != "rules"
        and path.name != "versions"
    }
    assert set(named) - {"auditor"} == folders
