"""Turn one data row into a validated record, or into every reason it cannot be one.

Each field has a parser from :mod:`auditor.ingest.values`; all fields of a row are tried
(errors are collected, not raised at the first), then the row-level checks run (present
must not exceed the total, a thematic session needs its topic), then the pydantic model
validates the typed values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from auditor.ingest.headers import canonical_header
from auditor.ingest.text import fold
from auditor.ingest.values import (
    ValueProblem,
    display,
    parse_count,
    parse_date,
    parse_date_or_mark,
    parse_kind,
    parse_quarter,
    parse_text,
    parse_topic_group,
    parse_yes_no,
)
from auditor.models import RECORD_TYPES, THEMATIC_KINDS, FieldError

Parser = Callable[[Any], Any]


def _conclusion(value: Any) -> bool:
    return parse_yes_no(value, text_means_yes=True)


_CELL_TYPES = {
    fold(label): label
    for label in (
        "nông thôn",
        "đô thị",
        "cơ quan",
        "đơn vị sự nghiệp",
        "doanh nghiệp",
        "quân đội",
        "công an",
        "trường học",
        "khác",
    )
}


def _cell_type(value: Any) -> str | None:
    text = parse_text(value)
    if text is None:
        return None
    key = fold(text)
    for folded, label in _CELL_TYPES.items():
        if key == folded or key.endswith(" " + folded) or key.startswith(folded):
            return label
    return text


def _cell_id(value: Any) -> str | None:
    text = parse_text(value)
    return text.replace(" ", "") if text else None


PARSERS: dict[str, dict[str, Parser]] = {
    "cells": {
        "cell_id": _cell_id,
        "cell_name": parse_text,
        "parent": parse_text,
        "cell_type": _cell_type,
        "members": parse_count,
        "secretary": parse_text,
        "active_from": parse_date,
        "active_to": parse_date,
    },
    "plan": {
        "cell_id": _cell_id,
        "quarter": parse_quarter,
        "planned_topic": parse_text,
        "topic_group": parse_topic_group,
        "preparer": parse_text,
        "plan_issued": parse_date_or_mark,
        "plan_reported": parse_date_or_mark,
    },
    "sessions": {
        "cell_id": _cell_id,
        "date": parse_date,
        "kind": parse_kind,
        "topic": parse_text,
        "topic_group": parse_topic_group,
        "preparer": parse_text,
        "draft_approved": parse_date_or_mark,
        "draft_sent": parse_date_or_mark,
        "members_total": parse_count,
        "exempted": parse_count,
        "present": parse_count,
        "absent_excused": parse_count,
        "conclusion": _conclusion,
        "conclusion_date": parse_date_or_mark,
        "reported": parse_date_or_mark,
        "minutes": _conclusion,
        "notes": parse_text,
    },
}

#: Every optional field with its default, so every record has every column.
_DEFAULTS: dict[str, dict[str, Any]] = {
    table: {name: f.default for name, f in model.model_fields.items() if not f.is_required()}
    for table, model in RECORD_TYPES.items()
}

MISSING_VI = "Thiếu giá trị bắt buộc"
MISSING_EN = "Required value is missing"
NO_CELL_VI = "Không xác định được chi bộ (thiếu Mã chi bộ)"
NO_CELL_EN = "The party cell cannot be determined (no cell code)"


#: A raw value and the header it sat under (the header names it in the ledger).
Cell = tuple[Any, str]


def _error(header: str, value: Any, reason_vi: str, reason_en: str) -> FieldError:
    return FieldError(column=header, value=display(value), reason_vi=reason_vi, reason_en=reason_en)


def validate_row(
    table: str,
    cells: dict[str, Cell],
    *,
    default_cell: str | None,
    required: tuple[str, ...],
) -> tuple[dict[str, Any] | None, list[FieldError]]:
    """The record's fields, or ``None`` and every problem of the row."""
    parsers = PARSERS[table]
    values: dict[str, Any] = dict(_DEFAULTS[table])
    errors: list[FieldError] = []
    for name, cell in cells.items():
        try:
            values[name] = parsers[name](cell[0])
        except ValueProblem as problem:
            errors.append(_error(cell[1], cell[0], problem.reason_vi, problem.reason_en))
    if table == "sessions" and "conclusion" in cells:
        values["conclusion_text"] = parse_text(cells["conclusion"][0])
        if values["conclusion_text"] and fold(values["conclusion_text"]) in {
            "co",
            "x",
            "da",
            "yes",
            "1",
            "true",
            "khong",
            "chua",
            "no",
            "0",
            "false",
        }:
            values["conclusion_text"] = None
    if table != "cells" and not values.get("cell_id"):
        if default_cell is None:
            header = (
                cells["cell_id"][1] if "cell_id" in cells else canonical_header(table, "cell_id")
            )
            value = cells["cell_id"][0] if "cell_id" in cells else None
            errors.append(_error(header, value, NO_CELL_VI, NO_CELL_EN))
        else:
            values["cell_id"] = default_cell
    failed = {e.column for e in errors}
    for name in required:
        if values.get(name) is None and name in cells and cells[name][1] not in failed:
            errors.append(_error(cells[name][1], cells[name][0], MISSING_VI, MISSING_EN))
        elif name not in cells:
            errors.append(_error(canonical_header(table, name), None, MISSING_VI, MISSING_EN))
    if not errors:
        errors.extend(_row_checks(table, values, cells))
    if errors:
        return None, errors
    try:
        RECORD_TYPES[table].model_validate(values)
    except ValidationError as exc:  # a constraint the parsers do not know about
        for issue in exc.errors():
            name = str(issue["loc"][0]) if issue["loc"] else ""
            source = cells.get(name)
            errors.append(
                _error(
                    source[1] if source else name,
                    source[0] if source else None,
                    "Giá trị không hợp lệ",
                    f"Invalid value: {issue['msg']}",
                )
            )
        return None, errors
    return values, []


def _row_checks(table: str, values: dict[str, Any], cells: dict[str, Cell]) -> list[FieldError]:
    errors: list[FieldError] = []

    def header(name: str) -> str:
        return cells[name][1] if name in cells else canonical_header(table, name)

    def raw(name: str) -> Any:
        return cells[name][0] if name in cells else None

    if table == "sessions":
        total = values.get("members_total")
        for name, vi, en in (
            (
                "present",
                "Số có mặt lớn hơn tổng số đảng viên",
                "More members present than the cell has",
            ),
            (
                "exempted",
                "Số miễn sinh hoạt lớn hơn tổng số đảng viên",
                "More members exempted than the cell has",
            ),
        ):
            count = values.get(name)
            if total is not None and count is not None and count > total:
                errors.append(_error(header(name), raw(name), vi, en))
        if values.get("kind") in THEMATIC_KINDS and not values.get("topic"):
            errors.append(
                _error(
                    header("topic"),
                    raw("topic"),
                    "Sinh hoạt chuyên đề phải ghi chủ đề",
                    "A thematic session needs its topic",
                )
            )
    if table == "cells":
        start, end = values.get("active_from"), values.get("active_to")
        if start is not None and end is not None and end < start:
            errors.append(
                _error(
                    header("active_to"),
                    raw("active_to"),
                    "Ngày giải thể trước ngày thành lập",
                    "Dissolved before it was founded",
                )
            )
    return errors
