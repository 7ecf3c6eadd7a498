"""Waivers: a board excuses a cell from a rule for a period or a day (rulebook-2025.md,
section 6).

A waived violation stays in the report, marked ``waived`` with its waiver, and costs no
points (scoring skips it). A waiver without a reason or an approver is refused as a
rejected row; one that expired before the period it names, or that matches no
violation, is a note. Choices: ``period`` is ``2026`` (the whole year), ``Q3`` or
``M08`` (of the audited year) or a ``date``; a quarter waiver covers the quarter's
months and sessions, a year waiver everything of the year; a waiver of another year
than the audited one is a note.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from auditor.models import Note, RejectedRow, Violation, Waiver

__all__ = ["apply_waivers", "load_waiver_file", "parse_waivers"]

_PERIOD = re.compile(r"^(?:(?P<year>\d{4})|Q(?P<q>[1-4])|M(?P<m>0?[1-9]|1[0-2]))$", re.I)


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise ValueError(text)


def _reject(
    file: str, sheet: str, row: int, column: str, value: Any, vi: str, en: str
) -> RejectedRow:
    return RejectedRow(
        file=file,
        sheet=sheet,
        row=row,
        table="waivers",
        column=column,
        value="" if value is None else str(value),
        reason_vi=vi,
        reason_en=en,
    )


def parse_waivers(
    rows: Sequence[Mapping[str, Any]], *, file: str, sheet: str = "", first_row: int = 1
) -> tuple[list[Waiver], list[RejectedRow]]:
    """Waivers from rows of ``cell_id, rule, period | date, reason, approved_by,
    approved_on, expires``; each bad row becomes a rejected row naming its column."""
    waivers: list[Waiver] = []
    rejected: list[RejectedRow] = []
    for index, raw in enumerate(rows):
        row = first_row + index
        if not isinstance(raw, Mapping):
            rejected.append(
                _reject(file, sheet, row, "", raw, "Miễn trừ không đúng dạng", "Malformed waiver")
            )
            continue
        data = {str(k).strip().lower(): v for k, v in raw.items()}
        missing = [
            c
            for c in ("cell_id", "rule", "reason", "approved_by")
            if not str(data.get(c) or "").strip()
        ]
        if missing:
            column = missing[0]
            rejected.append(
                _reject(
                    file,
                    sheet,
                    row,
                    column,
                    None,
                    f"Miễn trừ thiếu {column} (cần lý do và người duyệt)",
                    f"Waiver without {column} (a reason and an approver are required)",
                )
            )
            continue
        period = str(data.get("period") or "").strip().upper() or None
        if period is not None and not _PERIOD.match(period):
            rejected.append(
                _reject(
                    file,
                    sheet,
                    row,
                    "period",
                    period,
                    "Kỳ miễn trừ phải là năm (2026), quý (Q3) hoặc tháng (M08)",
                    "A waiver's period is a year (2026), a quarter (Q3) or a month (M08)",
                )
            )
            continue
        try:
            dates = {c: _date(data.get(c)) for c in ("date", "approved_on", "expires")}
        except ValueError as bad:
            rejected.append(
                _reject(file, sheet, row, "date", str(bad), "Ngày không hợp lệ", "Invalid date")
            )
            continue
        if period is None and dates["date"] is None:
            rejected.append(
                _reject(
                    file,
                    sheet,
                    row,
                    "period",
                    None,
                    "Miễn trừ cần kỳ (period) hoặc ngày (date)",
                    "A waiver needs a period or a date",
                )
            )
            continue
        if period and period.startswith("M") and len(period) == 2:
            period = f"M0{period[1]}"
        waivers.append(
            Waiver(
                cell_id=str(data["cell_id"]).strip().replace(" ", ""),
                rule=str(data["rule"]).strip().upper(),
                period=period,
                date=dates["date"],
                reason=str(data["reason"]).strip(),
                approved_by=str(data["approved_by"]).strip(),
                approved_on=dates["approved_on"],
                expires=dates["expires"],
                file=file,
                sheet=sheet or None,
                row=row,
            )
        )
    return waivers, rejected


def load_waiver_file(path: Path | str) -> tuple[list[Waiver], list[RejectedRow]]:
    """Waivers from a YAML file (``--waivers``): a list, or ``waivers:`` holding one.
    An unreadable file raises ``ValueError`` naming it."""
    file = Path(path)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(
            f"{file}: không đọc được tệp miễn trừ / unreadable waivers: {exc}"
        ) from exc
    if isinstance(data, Mapping):
        data = data.get("waivers")
    if data is None:
        data = []
    if not isinstance(data, list):
        raise ValueError(f"{file}: cần một danh sách miễn trừ / expected a list of waivers")
    return parse_waivers(data, file=file.name)


def _bounds(waiver: Waiver, year: int) -> tuple[dt.date, dt.date]:
    if waiver.period is None:
        assert waiver.date is not None
        return waiver.date, waiver.date
    match = _PERIOD.match(waiver.period)
    assert match is not None
    if match["year"]:
        y = int(match["year"])
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    if match["q"]:
        q = int(match["q"])
        end = dt.date(year + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1)
        return dt.date(year, 3 * q - 2, 1), end
    m = int(match["m"])
    end = dt.date(year + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(year, m, 1), end


def _violation_span(v: Violation, year: int) -> tuple[dt.date, dt.date]:
    if v.date is not None:
        return v.date, v.date
    if v.period and v.period.startswith("Q"):
        q = int(v.period[1:])
        end = dt.date(year + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1)
        return dt.date(year, 3 * q - 2, 1), end
    if v.period and v.period.startswith("M"):
        m = int(v.period[1:])
        end = dt.date(year + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
        return dt.date(year, m, 1), end
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _note(w: Waiver, code: str, vi: str, en: str) -> Note:
    return Note(file=w.file, sheet=w.sheet, row=w.row, code=code, message_vi=vi, message_en=en)


def apply_waivers(
    violations: Mapping[str, list[Violation]], waivers: Sequence[Waiver], *, year: int
) -> tuple[dict[str, list[Violation]], list[Note]]:
    """Mark the violations each waiver covers; notes for waivers that cannot apply.

    A violation is covered when its cell and rule match and its day (a session) or its
    whole period (a month, a quarter, the year) lies within the waiver's period."""
    notes: list[Note] = []
    by_cell = {cell_id.casefold(): cell_id for cell_id in violations}
    out = {cell_id: list(found) for cell_id, found in violations.items()}
    for w in waivers:
        start, end = _bounds(w, year)
        label = w.period or (w.date.isoformat() if w.date else "")
        if w.expires is not None and w.expires < start:
            notes.append(
                _note(
                    w,
                    "waiver_expired",
                    f"Miễn trừ {w.rule} cho chi bộ {w.cell_id} ({label}) đã hết hạn ngày "
                    f"{w.expires:%d/%m/%Y}, trước kỳ được miễn: không áp dụng",
                    f"Waiver of {w.rule} for cell {w.cell_id} ({label}) expired on "
                    f"{w.expires} before its period: not applied",
                )
            )
            continue
        cell_id = by_cell.get(w.cell_id.casefold())
        matched = 0
        if cell_id is not None:
            for i, v in enumerate(out[cell_id]):
                if v.rule != w.rule or v.waived:
                    continue
                v_start, v_end = _violation_span(v, year)
                if start <= v_start and v_end <= end:
                    out[cell_id][i] = v.model_copy(update={"waived": True, "waiver": w})
                    matched += 1
        if not matched:
            notes.append(
                _note(
                    w,
                    "waiver_unused",
                    f"Miễn trừ {w.rule} cho chi bộ {w.cell_id} ({label}) không khớp vi phạm nào",
                    f"Waiver of {w.rule} for cell {w.cell_id} ({label}) matches no violation",
                )
            )
    return out, notes
