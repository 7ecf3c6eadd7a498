"""Turn data rows into validated records, or into every reason a row cannot be one.

Each field has a parser from :mod:`auditor.ingest.values`; all fields of a row are tried
(errors are collected, not raised at the first), then the row-level checks run (present
must not exceed the total, a thematic session needs its topic), then the pydantic model
validates the typed values. A table is validated column by column, each distinct raw
value parsed once, so a 200,000-row workbook costs about what its distinct values cost.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from auditor.codes import ErrorCode
from auditor.ingest.headers import CELL_OPTIONAL, canonical_header
from auditor.ingest.text import fold
from auditor.ingest.times import parse_length, parse_quality, parse_time
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
from auditor.members.values import (
    parse_clock,
    parse_done,
    parse_exempt,
    parse_mark,
    parse_member_id,
    parse_month,
    parse_passed,
    parse_questions,
    parse_score,
    parse_seconds,
    parse_tick,
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


def _disciplined(value: Any) -> int | None:
    """Members disciplined in the year: a count, or a yes/no mark (yes counts as one)."""
    if value is None or isinstance(value, bool):
        return None if value is None else int(value)
    if isinstance(value, int | float):
        return parse_count(value)
    text = parse_text(value)
    if text is None:
        return None
    try:
        return parse_count(text)
    except ValueProblem:
        return int(parse_yes_no(text))


def _cell_ids(value: Any) -> str | None:
    """One or more cell ids separated by ``,`` ``;`` or line breaks, kept as
    ``"A, B"`` (each id without inner spaces, as :func:`_cell_id` spells one)."""
    text = parse_text(value)
    if text is None:
        return None
    ids = [part.replace(" ", "") for part in re.split(r"[,;\n\r]+", text)]
    return ", ".join(dict.fromkeys(i for i in ids if i)) or None


_MEMBER_PARSERS: dict[str, Parser] = {
    "member_id": parse_member_id,
    "member_name": parse_text,
    "cell_id": _cell_id,
}

PARSERS: dict[str, dict[str, Parser]] = {
    "members": {
        **_MEMBER_PARSERS,
        "status": parse_text,
        "exempt_from": parse_exempt,
        "joined": parse_date,
        "left": parse_date,
    },
    "attendance": {
        **_MEMBER_PARSERS,
        "date": parse_date,
        "mark": parse_mark,
        "reason": parse_text,
    },
    "attendance_grid": {
        **_MEMBER_PARSERS,
        **{f"m{month:02d}": parse_mark for month in range(1, 13)},
    },
    "study": {
        **_MEMBER_PARSERS,
        "resolution": parse_text,
        "date": parse_date,
        "study_format": parse_text,
        "mark": parse_mark,
        "reason": parse_text,
        "makeup": parse_done,
        "reflection": parse_done,
        "reflection_passed": parse_passed,
        "quiz_score": parse_score,
    },
    "quiz": {
        **_MEMBER_PARSERS,
        "month": parse_month,
        "quiz_date": parse_date,
        "score": parse_score,
        "questions": parse_questions,
        "seconds": parse_seconds,
        "submitted": parse_clock,
    },
    "six_good": {
        **_MEMBER_PARSERS,
        "month": parse_month,
        **{f"c{n}": parse_tick for n in range(1, 7)},
        "criteria_met": parse_count,
        "classification": parse_text,
    },
    "cells": {
        "cell_id": _cell_id,
        "cell_name": parse_text,
        "parent": parse_text,
        "cell_type": _cell_type,
        "members": parse_count,
        "secretary": parse_text,
        "active_from": parse_date,
        "active_to": parse_date,
        "disciplined": _disciplined,
        "merged_from": _cell_ids,
        "merged_into": _cell_id,
        "previous_parent": parse_text,
        "parent_since": parse_date,
        "previous_name": parse_text,
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
        "start_time": parse_time,
        "end_time": parse_time,
        "minutes_long": parse_length,
        "prep_meeting": parse_date_or_mark,
        "notice_sent": parse_date_or_mark,
        "posted": parse_date_or_mark,
        "quality": parse_quality,
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

_CONCLUSION_MARKS = frozenset(
    {"co", "x", "da", "yes", "1", "true", "khong", "chua", "no", "0", "false"}
)


def _error(header: str, value: Any, code: ErrorCode, reason_vi: str, reason_en: str) -> FieldError:
    return FieldError(
        column=header, value=display(value), code=code, reason_vi=reason_vi, reason_en=reason_en
    )


@dataclass
class Validated:
    """A table's rows after validation, column by column.

    ``columns`` holds every record field for the rows that passed, in row order;
    ``accepted`` their positions among the rows given; ``errors`` every problem of each
    position that did not pass, in the order a person fixing the row meets them.
    """

    columns: dict[str, list[Any]]
    accepted: list[int]
    errors: dict[int, list[FieldError]]
    #: Rows with no cell code of their own (given ``default_cell``, or refused without it).
    without_cell: int = 0


_NUMBER_TYPES = frozenset({int, float, bool})


def each_distinct(func: Callable[[Any], Any], values: Sequence[Any]) -> list[Any]:
    """``[func(v) for v in values]``, calling ``func`` once per distinct value.

    A column repeats a few hundred distinct values (dates of one year, counts, kinds,
    yes/no marks) over thousands of rows; parsing each distinct value once made the
    200,000-row workbook's validation several times faster. Only numbers of different
    types compare equal (``1``, ``1.0``, ``True``): where a column mixes them, its values
    are told apart by type as well.
    """
    memo: dict[Any, Any] = dict.fromkeys(values)
    if set(map(type, memo)) & _NUMBER_TYPES and len(set(map(type, values)) & _NUMBER_TYPES) > 1:
        keys = list(zip(map(type, values), values, strict=True))
        typed = {key: func(key[1]) for key in dict.fromkeys(keys)}
        return list(map(typed.__getitem__, keys))
    for value in memo:
        memo[value] = func(value)
    return list(map(memo.__getitem__, values))


#: Per parser, what each raw value it met in this process parsed to (its value, or the
#: :class:`ValueProblem` it raised), keyed by the value and its type (``1``, ``1.0`` and
#: ``True`` are told apart). The same dates, counts, kinds and marks fill thousands of
#: cells' workbooks: each is parsed once per reading process, not once per workbook.
_PARSED: dict[Parser, dict[Any, Any]] = {}
#: Values one parser remembers, and parsers remembered, before starting afresh.
PARSED_VALUES = 50_000
PARSED_PARSERS = 64


def _parsed_memory(parser: Parser) -> dict[Any, Any]:
    memory = _PARSED.get(parser)
    if memory is None:
        if len(_PARSED) >= PARSED_PARSERS:
            _PARSED.clear()
        memory = _PARSED[parser] = {}
    elif len(memory) >= PARSED_VALUES:
        memory.clear()
    return memory


def remembered(parser: Parser, raw: Any) -> Any:
    """What ``parser`` gives ``raw``: its value, or the :class:`ValueProblem` it raises
    (returned, not raised), worked out once per process (``_PARSED``)."""
    memory = _parsed_memory(parser)
    key = raw if type(raw) is str else (type(raw), raw)
    try:
        return memory[key]
    except KeyError:
        pass
    try:
        parsed = parser(raw)
    except ValueProblem as problem:
        problem.__traceback__ = None  # kept: no frames kept with it
        parsed = problem
    memory[key] = parsed
    return parsed


#: Up to this many rows a column is parsed value by value against the process's memory
#: (:func:`_parse_short`); a longer one has its distinct values found first.
SHORT_COLUMN = 64


def _parse_short(parser: Parser, raws: Sequence[Any]) -> list[Any]:
    """``[remembered(parser, raw) for raw in raws]`` with the memory looked up once.

    A cell's workbook holds columns of a few to a few dozen rows, nearly every value one
    the process has met already: finding the distinct values first (:func:`each_distinct`)
    cost more than the lookups it saves, on 29 columns a workbook.
    """
    memory = _parsed_memory(parser)
    parsed: list[Any] = []
    for raw in raws:
        key = raw if type(raw) is str else (type(raw), raw)
        try:
            parsed.append(memory[key])
        except KeyError:
            parsed.append(remembered(parser, raw))
    return parsed


def _parse_column(
    parser: Parser, header: str, raws: Sequence[Any], errors: dict[int, list[FieldError]]
) -> list[Any]:
    """Parse a column (each distinct raw value once, and once in the process: see
    ``_PARSED``); a value that fails is ``None`` and an error of its row."""
    if len(raws) <= SHORT_COLUMN:
        parsed = _parse_short(parser, raws)
        # the few types of the column's values, not each value, are asked
        failed = any(issubclass(kind, ValueProblem) for kind in set(map(type, parsed)))
    else:
        failed = False

        def attempt(raw: Any) -> Any:
            nonlocal failed
            parsed = remembered(parser, raw)
            if isinstance(parsed, ValueProblem):
                failed = True
            return parsed

        parsed = each_distinct(attempt, raws)
    if failed:
        for position, value in enumerate(parsed):
            if isinstance(value, ValueProblem):
                errors.setdefault(position, []).append(
                    _error(header, raws[position], value.code, value.reason_vi, value.reason_en)
                )
                parsed[position] = None
    return parsed


def _conclusion_text(value: Any) -> str | None:
    """The conclusion's wording, unless it is only a yes/no mark."""
    text = parse_text(value)
    return None if text and fold(text) in _CONCLUSION_MARKS else text


@lru_cache(maxsize=len(RECORD_TYPES))
def _field_adapters(table: str) -> dict[str, TypeAdapter[list[Any]]]:
    """One pydantic validator per record field, for a whole column at once.

    Kept for every table: with the six member tables a workbook holds nine, and a cache
    of eight, read in table order, missed every time (a few ms a table, a third of the
    validation of a year with members)."""
    model = RECORD_TYPES[table]
    return {
        name: TypeAdapter(list[Annotated[info.annotation, info]])  # type: ignore[name-defined]
        for name, info in model.model_fields.items()
    }


@lru_cache(maxsize=len(RECORD_TYPES))
def _blank_is_valid(table: str) -> frozenset[str]:
    """The fields of ``table`` whose validator accepts a blank (``None``): a column of
    blanks only cannot fail them, so it is not held to them (most of a cell's workbook's
    columns, in its small tables)."""
    valid: set[str] = set()
    for name, adapter in _field_adapters(table).items():
        try:
            adapter.validate_python([None])
        except ValidationError:
            continue
        valid.add(name)
    return frozenset(valid)


def validate_rows(
    table: str,
    fields: Mapping[str, tuple[str, Sequence[Any]]],
    count: int,
    *,
    default_cell: str | None,
    required: tuple[str, ...],
) -> Validated:
    """Validate ``count`` rows given column by column: ``fields`` maps a record field to
    its header and raw values.

    Every field of every row is tried (errors are collected, not raised at the first),
    then the row checks (present must not exceed the total, a thematic session needs its
    topic), then pydantic validates each column of the rows still standing against the
    record model.
    """
    parsers = PARSERS[table]
    errors: dict[int, list[FieldError]] = {}
    columns: dict[str, list[Any]] = {}
    for name, default in _DEFAULTS[table].items():
        columns[name] = [default] * count
    for name, (header, raws) in fields.items():
        columns[name] = _parse_column(parsers[name], header, raws, errors)
    if table == "sessions" and "conclusion" in fields:
        header, raws = fields["conclusion"]
        columns["conclusion_text"] = _parse_column(_conclusion_text, header, raws, errors)
    for name in RECORD_TYPES[table].model_fields:
        columns.setdefault(name, [None] * count)
    without_cell = 0
    if table in CELL_OPTIONAL:  # the member named gives the cell
        if default_cell is not None:
            columns["cell_id"] = [value or default_cell for value in columns["cell_id"]]
    elif table != "cells":
        ids = columns["cell_id"]
        without_cell = len(ids) - sum(map(bool, ids))
        if default_cell is not None:
            columns["cell_id"] = [value or default_cell for value in ids]
        else:
            source = fields.get("cell_id")
            where = source[0] if source else canonical_header(table, "cell_id")
            for position, value in enumerate(ids):
                if not value:
                    raw = source[1][position] if source else None
                    errors.setdefault(position, []).append(
                        _error(where, raw, ErrorCode.no_cell, NO_CELL_VI, NO_CELL_EN)
                    )
    for name in required:
        if name not in fields:
            error = _error(
                canonical_header(table, name), None, ErrorCode.missing_value, MISSING_VI, MISSING_EN
            )
            for position in range(count):
                errors.setdefault(position, []).append(error)
            continue
        header, raws = fields[name]
        if None not in columns[name]:
            continue
        for position, value in enumerate(columns[name]):
            if value is None:
                found = errors.get(position)
                if not found or all(e.column != header for e in found):
                    errors.setdefault(position, []).append(
                        _error(
                            header, raws[position], ErrorCode.missing_value, MISSING_VI, MISSING_EN
                        )
                    )
    for position in _row_check_candidates(table, columns):
        if position not in errors:
            problems = _row_checks(table, columns, position, fields)
            if problems:
                errors[position] = problems
    standing = [position for position in range(count) if position not in errors]
    _validate_models(table, columns, standing, fields, errors)
    accepted = [position for position in range(count) if position not in errors]
    if len(accepted) < count:
        columns = {name: [values[p] for p in accepted] for name, values in columns.items()}
    return Validated(columns, accepted, errors, without_cell)


def _validate_models(
    table: str,
    columns: dict[str, list[Any]],
    positions: list[int],
    fields: Mapping[str, tuple[str, Sequence[Any]]],
    errors: dict[int, list[FieldError]],
) -> None:
    """Hold the rows still standing to the record model: a constraint the parsers do not
    know about rejects the row, as ``model_validate`` would."""
    if not positions:
        return
    whole = len(positions) == len(next(iter(columns.values()), []))
    blank_is_valid = _blank_is_valid(table)
    for name, adapter in _field_adapters(table).items():
        values = columns[name] if whole else [columns[name][p] for p in positions]
        if name in blank_is_valid and values.count(None) == len(values):
            continue
        try:
            adapter.validate_python(values)
        except ValidationError as exc:
            for issue in exc.errors():
                position = positions[int(issue["loc"][0])]
                source = fields.get(name)
                errors.setdefault(position, []).append(
                    _error(
                        source[0] if source else name,
                        source[1][position] if source else None,
                        ErrorCode.invalid_value,
                        "Giá trị không hợp lệ",
                        f"Invalid value: {issue['msg']}",
                    )
                )


def validate_row(
    table: str,
    cells: dict[str, Cell],
    *,
    default_cell: str | None,
    required: tuple[str, ...],
) -> tuple[dict[str, Any] | None, list[FieldError]]:
    """One row: the record's fields, or ``None`` and every problem of the row."""
    fields = {name: (header, [raw]) for name, (raw, header) in cells.items()}
    checked = validate_rows(table, fields, 1, default_cell=default_cell, required=required)
    if checked.errors:
        return None, checked.errors[0]
    return {name: values[0] for name, values in checked.columns.items()}, []


def _row_check_candidates(table: str, columns: dict[str, list[Any]]) -> list[int]:
    """Positions of the rows a row check may refuse: one pass, most rows are fine."""
    if table == "sessions":
        return [
            position
            for position, (total, present, exempted, kind, topic, start, end) in enumerate(
                zip(
                    columns["members_total"],
                    columns["present"],
                    columns["exempted"],
                    columns["kind"],
                    columns["topic"],
                    columns["start_time"],
                    columns["end_time"],
                    strict=True,
                )
            )
            if (kind in THEMATIC_KINDS and not topic)
            or (start is not None and end is not None and end < start)
            or (
                total is not None
                and ((present is not None and present > total) or (exempted or 0) > total)
            )
        ]
    if table == "cells":
        return [
            position
            for position, (start, end) in enumerate(
                zip(columns["active_from"], columns["active_to"], strict=True)
            )
            if start is not None and end is not None and end < start
        ]
    return []


def _row_checks(
    table: str,
    columns: dict[str, list[Any]],
    position: int,
    fields: Mapping[str, tuple[str, Sequence[Any]]],
) -> list[FieldError]:
    errors: list[FieldError] = []

    def header(name: str) -> str:
        return fields[name][0] if name in fields else canonical_header(table, name)

    def raw(name: str) -> Any:
        return fields[name][1][position] if name in fields else None

    def value(name: str) -> Any:
        return columns[name][position] if name in columns else None

    if table == "sessions":
        total = value("members_total")
        for name, code, vi, en in (
            (
                "present",
                ErrorCode.present_over_total,
                "Số có mặt lớn hơn tổng số đảng viên",
                "More members present than the cell has",
            ),
            (
                "exempted",
                ErrorCode.exempted_over_total,
                "Số miễn sinh hoạt lớn hơn tổng số đảng viên",
                "More members exempted than the cell has",
            ),
        ):
            count = value(name)
            if total is not None and count is not None and count > total:
                errors.append(_error(header(name), raw(name), code, vi, en))
        if value("kind") in THEMATIC_KINDS and not value("topic"):
            errors.append(
                _error(
                    header("topic"),
                    raw("topic"),
                    ErrorCode.thematic_without_topic,
                    "Sinh hoạt chuyên đề phải ghi chủ đề",
                    "A thematic session needs its topic",
                )
            )
        start, end = value("start_time"), value("end_time")
        if start is not None and end is not None and end < start:
            errors.append(
                _error(
                    header("end_time"),
                    raw("end_time"),
                    ErrorCode.ends_before_start,
                    "Giờ kết thúc trước giờ bắt đầu",
                    "The session ends before it starts",
                )
            )
    if table == "cells":
        start, end = value("active_from"), value("active_to")
        if start is not None and end is not None and end < start:
            errors.append(
                _error(
                    header("active_to"),
                    raw("active_to"),
                    ErrorCode.dissolved_before_founded,
                    "Ngày giải thể trước ngày thành lập",
                    "Dissolved before it was founded",
                )
            )
    return errors
