"""A generated year judged by Hướng dẫn 42 (2026 on): its session columns, reorganised
cells, waivers, and the violations of the hd42 pack, known in advance.

It builds on :mod:`benchmarks.sample` (the same clean year, the same hd12 defects, the
same layout noise) and adds what a 2026 log holds (rulebook-2025.md):

- the HD 42 session columns: start and end times in the forms boards type them (``14:00``,
  ``14h``, ``14h30``, ``2:30 PM``, a spreadsheet time, a date-time) or ``Thời lượng``, the
  chi ủy's preparatory meeting, the notice, the Sổ tay posting, the session's rating;
- defects for TG01 (a short session; a combined sitting under 120 minutes), CU01, TB01,
  ST01 and CL01 beside the hd12 ones;
- a renamed cell, a cell moved to the other đảng bộ in April, a disciplined cell, and two
  cells merged into a new one on 1 July (the last three cells, written together in the
  board's ``Tong_hop_<year>.xlsx``);
- a ``Miễn trừ`` sheet excusing one violation (marked ``waived`` in the truth) and a
  waiver row without an approver (a rejected row), plus a row whose end time is before
  its start (rejected).

The truth gives every cell's expected score and band, computed by the project's own
:func:`auditor.scoring.score_cells` from the truth's violations and the hd42 pack's points
(the scoring is what the auditor must reproduce; the violations are what it must find).
Merged predecessors are in the truth with ``merged_into`` and no score or band.

Member tables are added by their own generator; a cell's workbook here is a list of
sheets (:func:`cell_sheets`), so more sheets slot in beside these.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from auditor.ingest.headers import FIELDS, data_columns
from benchmarks.sample import (
    ALL_DEFECTS,
    BAD_ROWS,
    DEFECT_COUNTS,
    HD42_SESSION_FIELDS,
    PARENTS,
    PLACES,
    CellTruth,
    CellYear,
    Expected,
    ExpectedRejection,
    Session,
    SheetOut,
    Style,
    Truth,
    _fmt_date,
    _thematic_sessions,
    bad_session,
    clean_year,
    inject,
    render_info,
    render_plan,
    render_sessions,
    style_for,
    write,
)

D = dt.date

HD42_DEFECTS = ["TG01", "CU01", "TB01", "ST01", "CL01"]
#: Every rule a 2026 year breaks somewhere (hd42 keeps hd12's twelve and adds five).
ALL_DEFECTS_2026 = [*ALL_DEFECTS, *HD42_DEFECTS]
#: The rules judged only when the cell has a plan (rules.md): none when KH01 is broken.
PLAN_RULES = frozenset({"KH02", "KH03", "KH04", "CD05"})
#: Defects drawn for cells past the fixed ones (``TG01C``: a combined sitting under 120).
DRAWN_DEFECTS = [*ALL_DEFECTS_2026, "TG01C"]
ALL_SESSION_FIELDS = data_columns("sessions")
START_TIMES = (7 * 60 + 30, 8 * 60, 8 * 60 + 30, 14 * 60, 14 * 60 + 30, 19 * 60, 19 * 60 + 30)
MERGE_DAY_MONTH = 7  # the merged cells become one on 1 July
MOVE_MONTH = 4  # the moved cell belongs to its new đảng bộ from 1 April

#: The fixed cells of a 2026 year: defects by index (the last three cells are the merge).
BASE_PLAN: tuple[tuple[str, ...], ...] = (
    (),
    (),  # holds a forum every month
    (),  # founded 15 April
    ("CD02", "TG01"),  # and a meeting entered twice
    ("TK02", "ST01"),  # renamed
    ("KH04", "CD03"),  # moved to the other đảng bộ on 1 April
    (),  # one member disciplined: at most HTTNV however clean
    ("KH02", "CD06", "CU01"),
    ("CD05", "TK01", "TB01"),  # TK01 of July waived (a flood)
    ("KH03", "CD04", "CL01"),
    ("CD01", "CD02", "TK02", "TG01C"),
    ("KH01", "CD01", "CD01Q4", "CD04"),
    (
        "KH01",
        "CD01",
        "CD01Q4",
        "CD02",
        "CD03",
        "CD04",
        "CD06",
        "TK01",
        "TK01M10",
        "TK02",
        "CU01",
        "TB01",
        "ST01",
    ),
)
RENAMED, MOVED, DISCIPLINED, WAIVED = 4, 5, 6, 8
#: The merge's successor gets this defect (its own sessions miss a Sổ tay posting).
SUCCESSOR_DEFECTS = ("ST01",)
WAIVER_REASON = "Mưa lũ kéo dài, chi bộ không tổ chức được sinh hoạt tháng 7"
WAIVER_APPROVER = "Ban Thường vụ Đảng ủy"


# --------------------------------------------------------------------------- clean HD 42 data


def add_hd42(rng: random.Random, cell: CellYear) -> None:
    """Give every regular and thematic session what HD 42 asks, all compliant: 90 minutes
    or more (120 for a combined sitting), a chi ủy meeting days before, a notice, the
    documents on Sổ tay at least a day before, a good rating (or none)."""
    for session in cell.sessions:
        if session.kind == "forum":
            continue
        session.start = rng.choice(START_TIMES)
        combined = session.kind == "regular+thematic"
        session.length = rng.randint(120, 170) if combined else rng.randint(90, 150)
        session.prep_meeting = session.date - dt.timedelta(days=rng.randint(2, 12))
        session.notice_sent = session.date - dt.timedelta(days=rng.randint(0, 5))
        session.posted = session.date - dt.timedelta(days=rng.randint(1, 4))
        session.quality = rng.choice(["Tốt", "Khá", "Tốt", rng.randint(72, 99), None])


def _judged(cell: CellYear) -> list[Session]:
    return [
        s
        for s in cell.sessions
        if s.kind != "forum" and not s.expect_reject and s.start is not None
    ]


def _make_combined(cell: CellYear) -> Session:
    """A combined sitting of the cell: one it holds, or its first thematic session
    turned into one (its month's regular session dropped: the sitting is both)."""
    for session in _judged(cell):
        if session.kind == "regular+thematic":
            return session
    thematic = next(s for s in _judged(cell) if s.kind == "thematic")
    cell.sessions = [
        s
        for s in cell.sessions
        if not (
            s.kind == "regular"
            and (s.date.year, s.date.month) == (thematic.date.year, thematic.date.month)
        )
    ]
    thematic.kind = "regular+thematic"
    thematic.length = 130
    return thematic


def inject_hd42(rng: random.Random, cell: CellYear, defect: str, year: int) -> None:
    """Break one of HD 42's rules on purpose (or hd12's CD02 as hd42 words it) and record
    the violation."""
    if defect in ("CD02", "CD02B"):
        inject(rng, cell, defect, year)
        # hd42 asks the draft only a day before (draft_min_days 1): sent on the day breaks it
        day = D.fromisoformat(cell.truth[-1].date or "")
        session = next(s for s in _thematic_sessions(cell) if s.date == day)
        session.draft_sent = session.date
        if session.draft_approved and session.draft_approved > session.date:
            session.draft_approved = session.date
        return
    if defect in ALL_DEFECTS or defect in ("CD01Q4", "TK01M10"):
        inject(rng, cell, defect, year)
        return
    rule = defect[:4]
    used = {t.date for t in cell.truth if t.rule == rule}
    if defect == "TG01C":
        session = _make_combined(cell)
        session.length = rng.randint(90, 115)
    else:
        choices = [s for s in _judged(cell) if s.date.isoformat() not in used]
        if defect == "TG01":
            choices = [s for s in choices if s.kind != "regular+thematic"] or choices
        session = rng.choice(choices)
        if defect == "TG01":
            session.length = rng.randint(40, 85)
            if session.kind == "regular+thematic":
                session.length = rng.randint(90, 115)
        elif defect == "CU01":
            late = session.date - dt.timedelta(days=rng.randint(17, 30))
            session.prep_meeting = None if rng.random() < 0.5 else late
        elif defect == "TB01":
            after = session.date + dt.timedelta(days=rng.randint(1, 3))
            session.notice_sent = None if rng.random() < 0.5 else after
        elif defect == "ST01":
            session.posted = None if rng.random() < 0.5 else session.date
        elif defect == "CL01":
            session.quality = rng.choice(["Trung bình", "Kém", "TB", rng.randint(30, 69)])
        else:
            raise ValueError(defect)
    cell.truth.append(Expected(rule, date=session.date.isoformat()))


# --------------------------------------------------------------------------- rendering


def _clock(minutes: int) -> tuple[int, int]:
    return divmod(minutes, 60)


def _time_text(rng: random.Random, minutes: int, day: D, messy: bool) -> Any:
    hour, minute = _clock(minutes)
    if not messy:
        return f"{hour:02d}:{minute:02d}"
    form = rng.randrange(6)
    if form == 1:
        return f"{hour}h" if minute == 0 else f"{hour}h{minute:02d}"
    if form == 2:
        half = "AM" if hour < 12 else "PM"
        return f"{(hour - 1) % 12 + 1}:{minute:02d} {half}"
    if form == 3:
        return minutes / (24 * 60)  # a spreadsheet time: a fraction of a day
    if form == 4:
        return f"{day:%d/%m/%Y} {hour:02d}:{minute:02d}"
    if form == 5:
        return f"{hour}h{minute:02d}"
    return f"{hour:02d}:{minute:02d}"


def _length_text(rng: random.Random, minutes: int, messy: bool) -> Any:
    if not messy:
        return minutes
    form = rng.randrange(3)
    if form == 1:
        return f"{minutes} phút"
    if form == 2:
        hours, rest = divmod(minutes, 60)
        return f"{hours}h{rest:02d}"
    return minutes


def _quality_text(rng: random.Random, quality: str | int | None, messy: bool) -> Any:
    if not messy or not isinstance(quality, str):
        return quality
    return quality.lower() if rng.random() < 0.2 else quality


def hd42_values(rng: random.Random, style: Style, session: Session) -> dict[str, Any]:
    """The HD 42 columns of one session row as ``style`` writes them."""
    values: dict[str, Any] = dict.fromkeys(HD42_SESSION_FIELDS)
    if session.start is None or session.length is None:
        return values
    messy = style.messy
    if style.time_form in ("times", "both"):
        values["start_time"] = _time_text(rng, session.start, session.date, messy)
        values["end_time"] = _time_text(rng, session.start + session.length, session.date, messy)
    if style.time_form in ("length", "both"):
        values["minutes_long"] = _length_text(rng, session.length, messy)
    values["prep_meeting"] = _fmt_date(rng, session.prep_meeting, messy)
    values["notice_sent"] = _fmt_date(rng, session.notice_sent, messy)
    values["posted"] = _fmt_date(rng, session.posted, messy)
    values["quality"] = _quality_text(rng, session.quality, messy)
    return values


def style_2026(rng: random.Random, messy: bool, fmt: str) -> Style:
    """A 2026 layout: the 2024 one, the HD 42 columns after it, times in one form."""
    style = style_for(rng, messy, fmt)
    form = rng.choice(["times", "times", "length", "both"]) if messy else "times"
    dropped = {"times": {"minutes_long"}, "length": {"start_time", "end_time"}, "both": set()}
    style.session_fields = [f for f in ALL_SESSION_FIELDS if f not in dropped[form]]
    style.time_form = form
    for name in sorted(HD42_SESSION_FIELDS):
        aliases = FIELDS["sessions"][name]
        text = aliases[0] if not messy or rng.random() < 0.6 else rng.choice(aliases)
        style.headers[f"s.{name}"] = text.upper() if messy and rng.random() < 0.15 else text
    return style


def end_before_start(rng: random.Random, year: int, members: int) -> Session:
    """A row whose meeting ends before it starts: the importer must reject it."""
    day = D(year, rng.randint(1, 12), rng.randint(13, 17))
    session = Session(date=day, kind="forum", members_total=members, present=members)
    session.raw = {"start_time": "15:00", "end_time": "14:00"}
    session.expect_reject = "end_time"
    return session


def waiver_sheet(cell: CellYear, year: int) -> tuple[SheetOut, list[tuple[int, str]]]:
    """The ``Miễn trừ`` sheet of the waived cell's workbook: the waiver of its July TK01,
    and a row without an approver (refused); returns the rows meant to be rejected."""
    header = ["Mã chi bộ", "Quy tắc", "Kỳ", "Lý do", "Người duyệt", "Ngày duyệt", "Hết hạn"]
    rows = [
        header,
        [
            cell.cell_id,
            "TK01",
            "Tháng 7",
            WAIVER_REASON,
            WAIVER_APPROVER,
            f"05/08/{year}",
            f"31/12/{year}",
        ],
        [cell.cell_id, "CD05", "Quý 2", "Đổi chủ đề theo chỉ đạo mới", None, None, None],
    ]
    return SheetOut("Miễn trừ", rows), [(3, "Người duyệt")]


# --------------------------------------------------------------------------- the year


def _plan_2026(n_cells: int, rng: random.Random, counts: Sequence[int]) -> list[list[str]]:
    plan: list[list[str]] = []
    merge_start = n_cells - 3 if n_cells >= len(BASE_PLAN) + 3 else n_cells
    for index in range(n_cells):
        if index >= merge_start:
            plan.append(list(SUCCESSOR_DEFECTS) if index == n_cells - 1 else [])
        elif index < len(BASE_PLAN):
            plan.append(list(BASE_PLAN[index]))
        else:
            plan.append(sorted(rng.sample(DRAWN_DEFECTS, rng.choice(list(counts)))))
    return plan


def build_cells_2026(
    n_cells: int,
    year: int,
    seed: int,
    defects: bool = True,
    defect_counts: Sequence[int] = DEFECT_COUNTS,
) -> list[CellYear]:
    """The cells of a 2026 year, their defects injected; with ``defects`` and at least
    16 cells, the last three are the merge (two predecessors and their successor)."""
    rng = random.Random(seed)
    plan = _plan_2026(n_cells, rng, defect_counts) if defects else [[] for _ in range(n_cells)]
    merging = defects and n_cells >= len(BASE_PLAN) + 3
    merge_day = D(year, MERGE_DAY_MONTH, 1)
    cells: list[CellYear] = []
    for index in range(n_cells):
        _folder, parent, cell_type, prefix = PARENTS[index % 2]
        place = PLACES[index % len(PLACES)] + ("" if index < len(PLACES) else f" {index}")
        cell_id = f"CB-{index + 1:03d}" if n_cells < 1000 else f"CB-{index + 1:05d}"
        founded = D(year, 4, 15) if defects and index == 2 else None
        dissolved = None
        role = None
        if merging and index >= n_cells - 3:
            role = ("predecessor", "predecessor", "successor")[index - (n_cells - 3)]
            if role == "successor":
                founded = merge_day
            else:
                dissolved = merge_day
        cell = clean_year(
            rng,
            cell_id,
            f"{prefix} {place}",
            parent,
            cell_type,
            year,
            founded=founded,
            forums=defects and index in (1, 4),
            dissolved=dissolved,
        )
        add_hd42(rng, cell)
        if role == "successor":
            cell.name = f"{prefix} {place} (sáp nhập)"
            cell.merged_from = [c.cell_id for c in cells[-2:]]
            cell.plan = [row for row in cell.plan if row["quarter"] >= 3]
            for row in cell.plan:
                row["plan_issued"] = D(year, 7, 3)
                row["plan_reported"] = D(year, 7, 8)
        elif role == "predecessor" and index == n_cells - 3:
            cell.merged_into = f"CB-{n_cells:03d}" if n_cells < 1000 else f"CB-{n_cells:05d}"
        if defects:
            _reorganise(rng, cell, index, year)
        # hd12's defects first: they remove sessions an HD 42 defect must not sit on
        for defect in sorted(plan[index], key=lambda d: d[:4] in HD42_DEFECTS):
            inject_hd42(rng, cell, defect, year)
        if not cell.plan:  # KH02, KH03, KH04 and CD05 are judged only when a plan exists
            cell.truth = [t for t in cell.truth if t.rule not in PLAN_RULES]
        if founded and role != "successor":  # Q1, Q2 and Jan-Apr are not audited
            cell.truth = [
                t for t in cell.truth if t.period not in ("Q1", "Q2", "M01", "M02", "M03", "M04")
            ]
        if defects and index == WAIVED:
            for expected in cell.truth:
                if (expected.rule, expected.period) == ("TK01", "M07"):
                    expected.waived = True
        cells.append(cell)
    return cells


def _reorganise(rng: random.Random, cell: CellYear, index: int, year: int) -> None:
    """The fixed cells' rename, move and discipline; later cells now and then too."""
    drawn = index >= len(BASE_PLAN) and not (cell.merged_from or cell.merged_into or cell.dissolved)
    if index == RENAMED or (drawn and rng.random() < 0.1):
        cell.previous_name = f"{cell.name.rsplit(' ', 1)[0]} số {index + 1}"
    if index == MOVED or (drawn and rng.random() < 0.06):
        other = next(p for p in PARENTS if p[1] != cell.parent)
        cell.previous_parent, cell.parent = cell.parent, other[1]
        cell.parent_since = D(year, MOVE_MONTH, 1)
    if index == DISCIPLINED or (drawn and rng.random() < 0.05):
        cell.disciplined = 1


def _points() -> dict[str, int]:
    from auditor.rulepack import load_pack

    return {rule.id: rule.points for rule in load_pack("hd42").rules}


def expected_scores(truth: Truth) -> None:
    """Fill each scored cell's expected score and bands from the truth's violations,
    with the project's scoring of the year (qd366) and the hd42 pack's points."""
    from auditor.models import Violation
    from auditor.scoring import score_cells
    from auditor.scoring_params import scoring_for_year

    points = _points()
    scored = [c for c in truth.cells if not c.merged_into]
    violations = {
        c.cell_id: [
            Violation(
                rule=e.rule,
                points=points[e.rule],
                period=e.period,
                date=D.fromisoformat(e.date) if e.date else None,
                message_vi="",
                message_en="",
                waived=e.waived,
            )
            for e in c.violations
        ]
        for c in scored
    }
    extras = {c.cell_id: {"disciplined": c.disciplined} for c in scored if c.disciplined}
    results, _ = score_cells(
        [(c.cell_id, c.cell_name, c.parent) for c in scored],
        violations,
        scoring_for_year(truth.year),
        extras,
    )
    by_id = {r.cell_id: r for r in results}
    for cell in scored:
        result = by_id[cell.cell_id]
        cell.score, cell.band = result.score, result.band
        cell.band_before_quota = result.band_before_quota


def _cell_truth(cell: CellYear, rel: str, successors: dict[str, str]) -> CellTruth:
    """The truth of one cell; ``successors`` (predecessor → successor) names the merge of
    a predecessor whose own row does not (an edge given on the successor's side only)."""
    return CellTruth(
        cell.cell_id,
        cell.name,
        cell.parent,
        rel,
        cell.truth,
        merged_into=cell.merged_into or successors.get(cell.cell_id),
        merged_from=list(cell.merged_from),
        previous_name=cell.previous_name,
        previous_parent=cell.previous_parent,
        parent_since=cell.parent_since.isoformat() if cell.parent_since else None,
        disciplined=cell.disciplined,
    )


def cell_sheets(
    style: Style, cell: CellYear, year: int, rng: random.Random
) -> tuple[list[SheetOut], SheetOut, list[tuple[int, str]]]:
    """A cell's own workbook: info, plan (when it has one), sessions; the sessions sheet
    and its rows meant to be rejected. Member sheets are appended by their generator."""
    sessions, rejects = render_sessions(rng, style, cell, year, with_cell_id=False)
    sheets = [render_info(style, cell)]
    if cell.plan:
        sheets.append(render_plan(rng, style, cell, year, with_cell_id=False))
    sheets.append(sessions)
    return sheets, sessions, rejects


_CELL_COLUMNS = (
    ("Mã chi bộ", lambda c: c.cell_id),
    ("Tên chi bộ", lambda c: c.name),
    ("Đảng bộ", lambda c: c.parent),
    ("Loại hình chi bộ", lambda c: c.cell_type),
    ("Số đảng viên", lambda c: c.members),
    ("Bí thư", lambda c: c.secretary),
    ("Ngày thành lập", lambda c: f"{c.founded:%d/%m/%Y}" if c.founded else None),
    ("Ngày giải thể", lambda c: f"{c.dissolved:%d/%m/%Y}" if c.dissolved else None),
    ("Sáp nhập từ", lambda c: "; ".join(c.merged_from) or None),
    ("Sáp nhập vào", lambda c: c.merged_into),
    ("Tên cũ", lambda c: c.previous_name),
    ("Đảng bộ cũ", lambda c: c.previous_parent),
    ("Trực thuộc từ ngày", lambda c: f"{c.parent_since:%d/%m/%Y}" if c.parent_since else None),
    ("Số đảng viên bị kỷ luật", lambda c: c.disciplined),
)


def generate_hd42(
    out_dir: Path,
    *,
    year: int,
    n_cells: int,
    seed: int,
    messy: bool,
    formats: Sequence[str],
    consolidated: int,
    defects: bool,
    defect_counts: Sequence[int],
    extra_sheets: Callable[[Sequence[CellYear], str, bool], list[SheetOut]] | None = None,
) -> Truth:
    """Write a 2026-style year under ``out_dir`` and return what an audit must find
    (``extra_sheets``: as :func:`benchmarks.sample.generate`'s)."""
    rng = random.Random(seed + 1)
    cells = build_cells_2026(n_cells, year, seed, defects, defect_counts)
    successors = {p: cell.cell_id for cell in cells for p in cell.merged_from}
    truth = Truth(year)
    out_dir.mkdir(parents=True, exist_ok=True)
    together = cells[-consolidated:] if consolidated else []
    styles = {
        c.cell_id: style_2026(rng, messy, formats[i % len(formats)]) for i, c in enumerate(cells)
    }
    shared = style_2026(rng, messy, "xlsx")
    shared.title_rows, shared.stt, shared.two_row_draft = 0, False, False
    shared.blank_every, shared.total_row, shared.signature = 0, False, False
    bad_kinds = [*BAD_ROWS, "end_before_start"] if defects and messy else []
    for index, cell in enumerate(cells):
        style = shared if cell in together else styles[cell.cell_id]
        if bad_kinds and index % 2 == 1 and not cell.dissolved and not cell.merged_from:
            kind = bad_kinds[0]
            if kind == "end_before_start":
                if style.time_form == "length":
                    continue
                cell.sessions.append(end_before_start(rng, year, cell.members))
            else:
                cell.sessions.append(bad_session(rng, kind, year, cell.members))
            bad_kinds.pop(0)
        if defects and index == 3:  # the same meeting entered twice: one session + a note
            cell.sessions.append(cell.sessions[0])
    for index, cell in enumerate(cells):
        if cell in together:
            continue
        fmt = formats[index % len(formats)]
        style = styles[cell.cell_id]
        folder = next(p[0] for p in PARENTS if p[1] == cell.parent)
        rel = f"{folder}/{cell.cell_id}_{year}.{fmt}"
        sheets, sessions, rejects = cell_sheets(style, cell, year, rng)
        truth.rejected += [ExpectedRejection(rel, sessions.name, r, c) for r, c in rejects]
        if defects and index == WAIVED:
            sheet, refused = waiver_sheet(cell, year)
            sheets.append(sheet)
            truth.rejected += [ExpectedRejection(rel, sheet.name, r, c) for r, c in refused]
            truth.rows_written += len(sheet.rows) - 1
        if extra_sheets:
            sheets += extra_sheets([cell], rel, False)
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        write(path, sheets, constant_memory=not messy)
        truth.cells.append(_cell_truth(cell, rel, successors))
        truth.rows_written += len(cell.sessions) + len(cell.plan) + 1
    if together:
        rel = f"Tong_hop_{year}.xlsx"
        used = [
            (header, value)
            for header, value in _CELL_COLUMNS
            if any(value(c) is not None for c in together)
        ]
        cells_sheet = SheetOut(
            "Danh sách chi bộ",
            [[h for h, _ in used]] + [[value(c) for _, value in used] for c in together],
        )
        sessions_out = SheetOut(shared.sheet_names["sessions"], [])
        plan_out = SheetOut(shared.sheet_names["plan"], [])
        for cell in together:
            s_sheet, rejects = render_sessions(rng, shared, cell, year, with_cell_id=True)
            p_sheet = render_plan(rng, shared, cell, year, with_cell_id=True)
            if not sessions_out.rows:
                sessions_out.rows.append(s_sheet.rows[0])
                plan_out.rows.append(p_sheet.rows[0])
            offset = len(sessions_out.rows) - 1
            sessions_out.rows += s_sheet.rows[1:]
            plan_out.rows += p_sheet.rows[1:]
            truth.rejected += [
                ExpectedRejection(rel, sessions_out.name, offset + r, c) for r, c in rejects
            ]
            truth.cells.append(_cell_truth(cell, rel, successors))
            truth.rows_written += len(cell.sessions) + len(cell.plan) + 1
        extra = extra_sheets(together, rel, True) if extra_sheets else []
        write(out_dir / rel, [cells_sheet, plan_out, sessions_out, *extra])
    truth.cells.sort(key=lambda c: c.cell_id)
    truth.rejected.sort(key=lambda r: (r.file, r.sheet, r.row))
    expected_scores(truth)
    return truth
