"""The library API: what ``auditor.__all__`` promises is there, and costs nothing to import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import auditor
from auditor import audit, codes, models, rulepack

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"


def test_every_exported_name_is_the_object_its_module_defines() -> None:
    homes = {"audit": audit, "codes": codes, "models": models, "rulepack": rulepack}
    for name in auditor.__all__:
        if name == "__version__":
            continue
        value = getattr(auditor, name)
        assert value is getattr(homes[value.__module__.split(".")[-1]], name), name
    assert set(auditor.__all__) <= set(dir(auditor))
    assert sorted(auditor.__all__) == sorted(["__version__", *auditor._EXPORTS])


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="run_audti"):
        auditor.run_audti  # type: ignore[attr-defined]  # noqa: B018


def test_import_auditor_loads_neither_pandas_nor_the_engine() -> None:
    code = (
        "import sys, auditor; "
        "print(sorted(m for m in ('pandas', 'durable', 'auditor.audit') if m in sys.modules))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert shown.strip() == "[]"


def test_the_library_call_of_the_readme_audits_the_sample() -> None:
    result = auditor.run_audit([SAMPLE], year=2024, out=None, workers=0)
    assert isinstance(result.report, auditor.Report)
    assert result.report.cells and all(c.band for c in result.report.cells)
