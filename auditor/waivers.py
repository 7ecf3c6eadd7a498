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

import yaml

from auditor.ingest.waivers import parse_waivers
from auditor.models import Note, RejectedRow, Violation, Waiver

__all__ = ["apply_waivers", "load_waiver_file", "parse_waivers"]

_PERIOD = re.compile(r"^(?:(?P<year>\d{4})|Q(?P<q>[1-4])|M(?P<m>0[1-9]|1[0-2]))$")


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
