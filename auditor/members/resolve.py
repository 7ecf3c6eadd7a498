"""Tie each row of the member tables to one member of the run (members.md).

A row may name its member by code or only by name, and the members table may sit in
another workbook than the attendance, so this runs once every file is read. A code is
compared like a cell code (case and spaces ignored); a name within the row's cell (or,
when the row gives no cell, within the whole run) after NFC, case and spacing are
ignored, never the diacritics (Ấn is not An). A name that matches no member, or two, and
a code no member has, make the row a rejected row, and its file's counts say so.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import pandas as pd

from auditor.codes import ErrorCode
from auditor.ingest.dataset import Dataset
from auditor.ingest.headers import canonical_header
from auditor.ingest.text import clean_text
from auditor.ingest.values import display
from auditor.models import MEMBER_ROW_TABLES, FieldError, RejectedRow, RowCounts


def name_key(name: Any) -> str | None:
    """How two spellings of a member's name are compared: NFC, case, spacing ignored."""
    text = clean_text(name)
    return text.casefold() if text else None


def id_key(member_id: Any) -> str | None:
    text = clean_text(member_id)
    return text.replace(" ", "").casefold() if text else None


def _where(frame: pd.DataFrame, position: int) -> tuple[str, str, int]:
    """The file, sheet and row of the frame's row at ``position``."""
    return (
        str(frame["file"].iat[position]),
        str(frame["sheet"].iat[position]),
        int(frame["row"].to_numpy()[position]),
    )


def _reject(
    where: tuple[str, str, int],
    table: str,
    field: str,
    value: Any,
    code: ErrorCode,
    reason_vi: str,
    reason_en: str,
) -> RejectedRow:
    error = FieldError(
        column=canonical_header(table, field),
        value=display(value),
        code=code,
        reason_vi=reason_vi,
        reason_en=reason_en,
    )
    return RejectedRow(
        file=where[0],
        sheet=where[1],
        row=where[2],
        table=table,
        column=error.column,
        value=error.value,
        code=code,
        reason_vi=reason_vi,
        reason_en=reason_en,
        errors=[error],
    )


def resolve_members(dataset: Dataset) -> None:
    """Drop duplicate member codes, and give every member row its member's code and cell;
    the rows that cannot be tied to one member become rejected rows."""
    rejected: list[RejectedRow] = []
    members = dataset.members
    keys = [id_key(v) for v in members["member_id"]]
    first: dict[str, int] = {}
    drop: list[int] = []
    for position, key in enumerate(keys):
        if key is None:
            continue
        if key in first:
            seen = first[key]
            drop.append(position)
            rejected.append(
                _reject(
                    _where(members, position),
                    "members",
                    "member_id",
                    members["member_id"].iat[position],
                    ErrorCode.member_duplicate,
                    f"Mã đảng viên trùng với {members['file'].iat[seen]}, trang "
                    f"{members['sheet'].iat[seen]}, dòng {members['row'].iat[seen]}",
                    f"Member code already given in {members['file'].iat[seen]}, sheet "
                    f"{members['sheet'].iat[seen]}, row {members['row'].iat[seen]}",
                )
            )
        else:
            first[key] = position
    if drop:
        members = members.drop(members.index[drop]).reset_index(drop=True)
        dataset.members = members
    by_id: dict[str, tuple[str, str]] = {}
    by_name_only: dict[str, list[tuple[str, str]]] = defaultdict(list)
    by_cell_name: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for member_id, name, cell_id in zip(
        members["member_id"], members["member_name"], members["cell_id"], strict=True
    ):
        holder = (member_id, cell_id)
        by_id[id_key(member_id) or ""] = holder
        key = name_key(name) or ""
        by_name_only[key].append(holder)
        by_cell_name[(cell_id.casefold(), key)].append(holder)

    def by_code(member_id: Any) -> tuple[str, str] | tuple[str, ErrorCode, str, str] | None:
        """``(member_id, cell_id)`` of the member of this code, or ``(field, code,
        reason_vi, reason_en)`` of a refusal; None when the row gives no code."""
        code = id_key(member_id)
        if not code:
            return None
        found = by_id.get(code)
        if found is None:
            return (
                "member_id",
                ErrorCode.member_unknown,
                "Mã đảng viên không có trong danh sách đảng viên",
                "No member with this code in the members table",
            )
        return found

    def by_name(name: Any, cell_id: Any) -> tuple[str, str] | tuple[str, ErrorCode, str, str]:
        """As :func:`by_code`, for a row that gives no code: by name in its cell."""
        key = name_key(name)
        if key is None:
            return (
                "member_name",
                ErrorCode.member_unnamed,
                "Thiếu mã đảng viên và họ tên",
                "Neither the member's code nor name is given",
            )
        if cell_id:
            candidates = by_cell_name.get((str(cell_id).casefold(), key), [])
            where_vi, where_en = f"trong chi bộ {cell_id}", f"in cell {cell_id}"
        else:
            candidates = by_name_only.get(key, [])
            where_vi, where_en = "trong danh sách đảng viên", "in the members table"
        if not candidates:
            return (
                "member_name",
                ErrorCode.member_name_unknown,
                f"Không có đảng viên tên này {where_vi}",
                f"No member of this name {where_en}",
            )
        if len(candidates) > 1:
            return (
                "member_name",
                ErrorCode.member_name_ambiguous,
                f"Có {len(candidates)} đảng viên cùng tên {where_vi}: ghi Mã đảng viên",
                f"{len(candidates)} members of this name {where_en}: give the member code",
            )
        return candidates[0]

    # each distinct code is resolved once (a member's rows repeat it, table after table),
    # and each distinct (name, cell) of the rows without a code
    codes: dict[Any, Any] = {}
    named: dict[tuple[Any, Any], Any] = {}
    for table in MEMBER_ROW_TABLES:
        frame: pd.DataFrame = getattr(dataset, table)
        if frame.empty:
            continue
        given = frame["member_id"].tolist()
        for member_id in dict.fromkeys(given):
            if member_id not in codes:
                codes[member_id] = by_code(member_id)
        answers: list[Any] = list(map(codes.__getitem__, given))
        if None in answers:
            names, cell_ids = frame["member_name"].tolist(), frame["cell_id"].tolist()
            for position, answer in enumerate(answers):
                if answer is None:
                    pair = (names[position], cell_ids[position])
                    answer = named.get(pair)
                    if answer is None:
                        answer = named[pair] = by_name(*pair)
                    answers[position] = answer
        bad = [position for position, answer in enumerate(answers) if len(answer) == 4]
        if bad:
            files, sheets = frame["file"].tolist(), frame["sheet"].tolist()
            rows = frame["row"].to_numpy()
            names = frame["member_name"].tolist()
            for position in bad:
                field, code, vi, en = answers[position]
                value = given[position] if field == "member_id" else names[position]
                where = (str(files[position]), str(sheets[position]), int(rows[position]))
                rejected.append(_reject(where, table, field, value, code, vi, en))
                answers[position] = (None, None)
        ids = [answer[0] for answer in answers]
        cells = [answer[1] for answer in answers]
        frame = frame.assign(
            member_id=pd.Series(ids, index=frame.index, dtype=object),
            cell_id=pd.Series(cells, index=frame.index, dtype=object),
        )
        if bad:
            frame = frame.drop(frame.index[bad]).reset_index(drop=True)
        setattr(dataset, table, frame)
    if rejected:
        dataset.rejected.extend(rejected)
        dataset.inputs[:] = _recount(dataset.inputs, rejected)


def _recount(inputs: Sequence[Any], rejected: Sequence[RejectedRow]) -> list[Any]:
    """Move the rows refused here from their file's accepted count to its rejected."""
    moved = Counter(row.file for row in rejected)
    counted = []
    for item in inputs:
        count = moved.get(item.file, 0)
        if count:
            rows = item.rows
            item = item.model_copy(
                update={
                    "rows": RowCounts(
                        read=rows.read,
                        accepted=rows.accepted - count,
                        rejected=rows.rejected + count,
                    )
                }
            )
        counted.append(item)
    return counted
