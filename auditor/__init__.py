"""chibo-auditor: audit party cells' activity logs against Hướng dẫn 12-HD/BTCTW.

The library API is what ``__all__`` lists: ``run_audit`` (the whole audit, as
``auditor audit`` runs it), the rule packs (``load_pack``), the report's models and the
catalogue of its codes. The names load on first use (PEP 562), so ``import auditor``
stays cheap for the worker processes and the modules that only need one submodule.

    import auditor
    result = auditor.run_audit(["sample_data"], year=2024, out=None)
    print(result.report.cells[0].band)
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Each exported name and the module that defines it.
_EXPORTS = {
    "run_audit": "auditor.audit",
    "AuditResult": "auditor.audit",
    "load_pack": "auditor.rulepack",
    "RulePack": "auditor.rulepack",
    "Rule": "auditor.rulepack",
    "RulePackError": "auditor.rulepack",
    "Report": "auditor.models",
    "CellResult": "auditor.models",
    "Violation": "auditor.models",
    "RejectedRow": "auditor.models",
    "FieldError": "auditor.models",
    "Note": "auditor.models",
    "InputFile": "auditor.models",
    "NoteCode": "auditor.codes",
    "ErrorCode": "auditor.codes",
}

__all__ = [
    "AuditResult",
    "CellResult",
    "ErrorCode",
    "FieldError",
    "InputFile",
    "Note",
    "NoteCode",
    "RejectedRow",
    "Report",
    "Rule",
    "RulePack",
    "RulePackError",
    "Violation",
    "__version__",
    "load_pack",
    "run_audit",
]

if TYPE_CHECKING:
    from auditor.audit import AuditResult, run_audit
    from auditor.codes import ErrorCode, NoteCode
    from auditor.models import (
        CellResult,
        FieldError,
        InputFile,
        Note,
        RejectedRow,
        Report,
        Violation,
    )
    from auditor.rulepack import Rule, RulePack, RulePackError, load_pack


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'auditor' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
