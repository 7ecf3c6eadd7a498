"""``report.json`` (report-json.md) and its JSON Schema (``docs/report.schema.json``).

The file is ``Report.model_dump(mode="json", by_alias=True)`` written as ``json.dumps``
writes it with ``ensure_ascii=False``, ``indent=2``, with a trailing newline (by orjson
where that gives the same bytes: :func:`json_bytes`). Keys keep the model's field
order (``schema`` first, as in the contract) rather than being sorted; lists are already
in a fixed order (scoring sorts the cells, the pipeline sorts inputs, rejected rows and
notes), and the keys of each violation's free-form ``details`` are sorted, so the same
report always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path
from typing import Any

import orjson

from auditor.models import Report

__all__ = [
    "json_bytes",
    "report_dict",
    "report_json_bytes",
    "report_schema",
    "schema_json_text",
    "write_json",
]


def _canonical(value: Any) -> Any:
    """Plain JSON data with sorted keys for free-form ``details``: NaN and infinity become
    null, numpy scalars their Python value, dates ISO text, sets sorted lists, anything
    else its text."""
    if isinstance(value, dict):
        return {str(k): _canonical(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((_canonical(v) for v in value), key=lambda v: json.dumps(v, default=str))
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, str | int):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    item = getattr(value, "item", None)
    if callable(item):
        try:
            return _canonical(item())
        except (TypeError, ValueError):
            pass
    return str(value)


def report_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON data, in the contract's key order."""
    data = report.model_dump(mode="json", by_alias=True, fallback=str)
    for cell, dumped in zip(report.cells, data["cells"], strict=True):
        for violation, out in zip(cell.violations, dumped["violations"], strict=True):
            out["details"] = _canonical(violation.details)
    for member, dumped in zip(report.members, data["members"], strict=True):
        for violation, out in zip(member.violations, dumped["violations"], strict=True):
            out["details"] = _canonical(violation.details)
    return data


#: orjson writes what ``json.dumps(ensure_ascii=False, indent=2)`` writes, in UTF-8,
#: except floats below 1e-4, which json writes with an exponent (``1e-05``) and orjson
#: not always (``0.00001``, ``1.5e-7``): data whose orjson text holds one (or text that
#: looks like one) is written by json.
_SMALL_FLOAT = re.compile(rb"0\.0000|[0-9]e-")


def json_bytes(data: Any) -> bytes:
    """``data`` as report.json writes it: two-space indents, UTF-8, a final newline;
    the bytes of the standard library's ``json.dumps``, made by orjson where it writes the
    same: a large report's JSON is written in the other process while report.xlsx is
    written, and must not be the longer of the two."""
    try:
        fast = orjson.dumps(data, option=orjson.OPT_INDENT_2)
    except TypeError:  # what orjson does not write (an integer over 64 bits, ...)
        fast = b""
    if fast and not _SMALL_FLOAT.search(fast):
        return fast + b"\n"
    text = json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)
    return (text + "\n").encode("utf-8")


def report_json_bytes(report: Report) -> bytes:
    return json_bytes(report_dict(report))


def write_json(report: Report, path: Path) -> None:
    """Write ``report.json``: the same report always gives the same bytes."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(report_json_bytes(report))
    tmp.replace(path)


def report_schema() -> dict[str, Any]:
    """JSON Schema of ``report.json`` as written (serialization mode, aliases)."""
    schema = Report.model_json_schema(by_alias=True, mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def schema_json_text() -> str:
    """The text of ``docs/report.schema.json``; regenerate it with
    ``python -c "import auditor.report.json_report as j; print(j.schema_json_text(), end='')"
    > docs/report.schema.json``."""
    return json.dumps(report_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
