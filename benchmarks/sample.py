"""Generate realistic yearly activity logs, with the violations they hold known in advance.

Used for the committed ``sample_data/`` a new user audits first, for the end-to-end tests
(the returned :class:`Truth` is the oracle the auditor is compared with), and for the
benchmarks at province scale. A year is built as clean records, defects are injected on
purpose (each recorded in the truth with its period or date), then the records are
written with the layout noise hand-made logs have: title rows, merged two-row headers,
STT, blank rows, totals, signatures, every date form, aliases, units.

    python -m benchmarks.sample sample_data            # the committed sample
    python -m benchmarks.sample OUT --no-members       # the same year without member tables
    python -m benchmarks.sample OUT --cells 1000 --clean --formats xlsx

Writing ``.xls`` needs ``xlwt`` and ``.ods`` needs ``odfpy`` (the ``[test]`` extra).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from auditor.ingest.headers import FIELDS, data_columns

D = dt.date
Row = list[Any]

TOPICS = [
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "Phát triển kinh tế hộ gia đình, giảm nghèo bền vững",
    "Giữ gìn an ninh trật tự, phòng chống tội phạm ở cơ sở",
    "Xây dựng chi bộ trong sạch, vững mạnh",
    "Nâng cao chất lượng sinh hoạt chi bộ",
    "Chuyển đổi số trong công tác quản lý đảng viên",
    "Bảo vệ môi trường, xây dựng nông thôn mới",
    "Phòng, chống tham nhũng, tiêu cực",
    "Công tác phát triển đảng viên mới",
    "Đấu tranh phản bác các quan điểm sai trái, thù địch",
    "Chăm lo đời sống người cao tuổi và gia đình chính sách",
    "Phòng chống thiên tai và cứu hộ cứu nạn",
]
UNRELATED_TOPIC = "Tổng kết công tác thu hoạch vụ mùa và kế hoạch vụ đông"
NAMES = [
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Văn Cường",
    "Phạm Thị Dung",
    "Hoàng Văn Em",
    "Vũ Thị Giang",
    "Đặng Văn Hùng",
    "Bùi Thị Lan",
]
PLACES = [
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Thượng",
    "Hạ",
    "Trung",
    "Mới",
    "Cũ",
    "Hòa",
    "Phú",
    "An",
    "Lộc",
    "Thịnh",
    "Vinh",
    "Quang",
]
PARENTS = [
    ("Dang_bo_xa_Tan_Lap", "Đảng bộ xã Tân Lập", "nông thôn", "Chi bộ thôn"),
    ("Dang_bo_phuong_Hoa_Binh", "Đảng bộ phường Hòa Bình", "đô thị", "Chi bộ khu phố"),
]
KIND_WORDS = {
    "regular": ["Thường kỳ", "thường kỳ", "TK", "Sinh hoạt thường kỳ", "THƯỜNG KỲ"],
    "thematic": ["Chuyên đề", "CĐ", "SHCĐ", "chuyen de", "Sinh hoạt chuyên đề"],
    "regular+thematic": [
        "Thường kỳ + chuyên đề",
        "TK + CĐ",
        "thuong ky + chuyen de",
        "Thường kỳ và chuyên đề",
    ],
    "forum": ["Diễn đàn", "diễn đàn"],
}
KIND_CANON = {
    "regular": "Thường kỳ",
    "thematic": "Chuyên đề",
    "regular+thematic": "Thường kỳ + chuyên đề",
    "forum": "Diễn đàn",
}
#: The 2024 log predates Hướng dẫn 42: its sessions sheet has none of HD 42's columns, so the
#: generated year (and the committed sample) stays what a 2024 board received.
HD42_SESSION_FIELDS = frozenset(
    {"start_time", "end_time", "minutes_long", "prep_meeting", "notice_sent", "posted", "quality"}
)
SESSION_FIELDS = [f for f in data_columns("sessions") if f not in HD42_SESSION_FIELDS]
#: The first year judged by Hướng dẫn 42 from 1 January (it is in force from 28/10/2025).
HD42_FIRST_FULL_YEAR = 2026
PLAN_FIELDS = data_columns("plan")
ALL_DEFECTS = [
    "KH01",
    "KH02",
    "KH03",
    "KH04",
    "CD01",
    "CD02",
    "CD03",
    "CD04",
    "CD05",
    "CD06",
    "TK01",
    "TK02",
]


@dataclass
class Expected:
    rule: str
    period: str | None = None
    date: str | None = None
    #: Excused by a waiver of the year's ``Miễn trừ`` sheet: listed, costs no points.
    waived: bool = False


@dataclass
class ExpectedRejection:
    file: str
    sheet: str
    row: int
    column: str


@dataclass
class CellTruth:
    cell_id: str
    cell_name: str
    parent: str
    file: str
    violations: list[Expected] = field(default_factory=list)
    # What a year with HD 42 columns and reorganised cells adds (absent from the 2024 truth)
    score: int | None = None
    band: str | None = None
    band_before_quota: str | None = None
    merged_into: str | None = None
    merged_from: list[str] = field(default_factory=list)
    previous_name: str | None = None
    previous_parent: str | None = None
    parent_since: str | None = None
    disciplined: int | None = None


#: Keys of the truth a 2024 year never fills: left out of its JSON when unset, so the
#: committed 2024 truth reads as it always has.
_LATER_KEYS = frozenset(
    {
        "waived",
        "score",
        "band",
        "band_before_quota",
        "merged_into",
        "merged_from",
        "previous_name",
        "previous_parent",
        "parent_since",
        "disciplined",
    }
)


def _without_unset(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _without_unset(v)
            for k, v in value.items()
            if not (k in _LATER_KEYS and v in (None, False, []))
        }
    if isinstance(value, list):
        return [_without_unset(v) for v in value]
    return value


@dataclass
class Truth:
    year: int
    cells: list[CellTruth] = field(default_factory=list)
    rejected: list[ExpectedRejection] = field(default_factory=list)
    rows_written: int = 0
    #: What the year's member tables hold (``benchmarks.members_sample.MembersTruth``),
    #: when it has some: left out of the JSON otherwise, so a year without members reads
    #: as it always has.
    members: Any = None

    def to_json(self) -> str:
        data = _without_unset(asdict(self))
        if data["members"] is None:
            del data["members"]
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# --------------------------------------------------------------------------- a clean year


@dataclass
class Session:
    date: D
    kind: str
    topic: str | None = None
    topic_group: int | None = None
    preparer: str | None = None
    draft_approved: D | None = None
    draft_sent: D | None = None
    members_total: int | None = None
    exempted: int | None = None
    present: int | None = None
    absent_excused: int | None = None
    conclusion: str | None = None
    conclusion_date: D | None = None
    reported: D | None = None
    minutes: str | None = None
    notes: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)  # values written as-is (bad rows)
    expect_reject: str | None = None  # the column header that rejects the row
    # Hướng dẫn 42's columns (a 2026 year): start as minutes after midnight, length in
    # minutes, the three dates, the session's own rating (a label or a 0-100 score)
    start: int | None = None
    length: int | None = None
    prep_meeting: D | None = None
    notice_sent: D | None = None
    posted: D | None = None
    quality: str | int | None = None


@dataclass
class CellYear:
    cell_id: str
    name: str
    parent: str
    cell_type: str
    secretary: str
    members: int
    founded: D | None
    plan: list[dict[str, Any]]
    sessions: list[Session]
    truth: list[Expected]
    # the cells table's reorganisation and discipline columns (rulebook-2025.md, 3 and 5)
    dissolved: D | None = None
    disciplined: int | None = None
    previous_name: str | None = None
    previous_parent: str | None = None
    parent_since: D | None = None
    merged_from: list[str] = field(default_factory=list)
    merged_into: str | None = None


def _thematic(
    rng: random.Random, day: D, topic: str, group: int, members: int, kind: str
) -> Session:
    exempted = rng.choice([0, 0, 1, 2])
    base = members - exempted
    present = max(-(-base * 2 // 3) + 1, base - rng.randint(0, 3))
    present = min(present, base)
    return Session(
        date=day,
        kind=kind,
        topic=topic,
        topic_group=group,
        preparer=rng.choice(NAMES),
        draft_approved=day - dt.timedelta(days=rng.randint(7, 12)),
        draft_sent=day - dt.timedelta(days=rng.randint(4, 6)),
        members_total=members,
        exempted=exempted,
        present=present,
        absent_excused=base - present,
        conclusion=rng.choice(["Có", "Đồng chí Bí thư kết luận, giao nhiệm vụ cụ thể", "x"]),
        conclusion_date=day + dt.timedelta(days=rng.randint(1, 7)),
        reported=day + dt.timedelta(days=rng.randint(3, 20)),
        minutes="Có",
    )


def _regular(rng: random.Random, day: D, members: int) -> Session:
    exempted = rng.choice([0, 0, 1])
    base = members - exempted
    present = min(base, max(-(-base * 2 // 3) + 1, base - rng.randint(0, 3)))
    return Session(
        date=day,
        kind="regular",
        members_total=members,
        exempted=exempted,
        present=present,
        absent_excused=base - present,
        conclusion="Có",
        minutes="Có",
    )


def clean_year(
    rng: random.Random,
    cell_id: str,
    name: str,
    parent: str,
    cell_type: str,
    year: int,
    founded: D | None = None,
    forums: bool = False,
    dissolved: D | None = None,
) -> CellYear:
    """A fully compliant year (for the months the cell existed: from ``founded``, and
    before ``dissolved``)."""
    members = rng.randint(15, 45)
    topics = rng.sample(TOPICS, 4)
    issued = D(year, 1, rng.randint(3, 20))
    plan: list[dict[str, Any]] = [
        {
            "quarter": q,
            "planned_topic": topics[q - 1],
            "topic_group": rng.randint(1, 6),
            "preparer": rng.choice(NAMES),
            "plan_issued": issued,
            "plan_reported": issued + dt.timedelta(days=rng.randint(2, 8)),
        }
        for q in range(1, 5)
    ]
    sessions: list[Session] = []
    combined = rng.random() < 0.5
    for month in range(1, 13):
        day = D(year, month, rng.randint(3, 12))
        if founded and day < founded:
            continue
        if dissolved and D(year, month, 1) >= dissolved:
            break
        quarter = (month - 1) // 3 + 1
        if month % 3 == 2:
            topic = topics[quarter - 1]
            group = int(plan[quarter - 1]["topic_group"])
            if combined:
                sessions.append(_thematic(rng, day, topic, group, members, "regular+thematic"))
            else:
                sessions.append(_regular(rng, day, members))
                thematic_day = D(year, month, rng.randint(18, 25))
                sessions.append(_thematic(rng, thematic_day, topic, group, members, "thematic"))
        else:
            sessions.append(_regular(rng, day, members))
        if forums:
            forum = D(year, month, 27)
            if not (founded and forum < founded):
                sessions.append(
                    Session(
                        date=forum,
                        kind="forum",
                        topic="Diễn đàn thanh niên",
                        members_total=members,
                        present=members,
                    )
                )
    return CellYear(
        cell_id,
        name,
        parent,
        cell_type,
        rng.choice(NAMES),
        members,
        founded,
        plan,
        sessions,
        [],
        dissolved=dissolved,
    )


def _thematic_sessions(year_: CellYear, quarter: int | None = None) -> list[Session]:
    return [
        s
        for s in year_.sessions
        if s.kind in ("thematic", "regular+thematic")
        and not s.expect_reject
        and (quarter is None or (s.date.month - 1) // 3 + 1 == quarter)
    ]


def inject(rng: random.Random, year_: CellYear, defect: str, year: int) -> None:
    """Break one rule on purpose and record the violation(s) it must produce."""
    truth = year_.truth
    thematic = _thematic_sessions(year_)
    if defect == "KH01":
        year_.plan = []
        truth.append(Expected("KH01"))  # alone: KH02 is judged only when a plan exists
    elif defect == "KH02":
        late = D(year, 2, rng.randint(5, 25))
        for row in year_.plan:
            row["plan_issued"] = late
            row["plan_reported"] = late + dt.timedelta(days=3)
        truth.append(Expected("KH02"))
    elif defect == "KH03":
        year_.plan = [row for row in year_.plan if row["quarter"] != 3]
        truth.append(Expected("KH03", period="Q3"))
    elif defect == "KH04":
        for row in year_.plan:
            row["plan_reported"] = None
        truth.append(Expected("KH04"))
    elif defect in ("CD01", "CD01Q4"):
        quarter = 4 if defect == "CD01Q4" else 2
        for session in _thematic_sessions(year_, quarter):
            if session.kind == "regular+thematic":
                session.kind, session.topic = "regular", None
                session.draft_approved = session.draft_sent = session.conclusion_date = None
                session.reported = None
            else:
                year_.sessions.remove(session)
        truth.append(Expected("CD01", period=f"Q{quarter}"))
    elif defect in ("CD02", "CD02B", "CD03", "CD04", "CD05", "CD06"):
        # CD02B: a second late draft, on the year's second thematic session
        session = {"CD04": thematic[-1], "CD06": thematic[-1], "CD02B": thematic[1]}.get(
            defect, thematic[0]
        )
        if defect in ("CD02", "CD02B"):
            session.draft_sent = session.date - dt.timedelta(days=1)
        elif defect == "CD03":
            assert session.draft_sent is not None
            session.draft_approved = session.draft_sent + dt.timedelta(days=1)
        elif defect == "CD04":
            session.conclusion_date = session.date + dt.timedelta(days=25)
        elif defect == "CD05":
            session.topic = UNRELATED_TOPIC
        else:
            session.reported = None if rng.random() < 0.5 else session.date + dt.timedelta(45)
        truth.append(Expected(defect[:4], date=session.date.isoformat()))
    elif defect in ("TK01", "TK01M10"):
        month = 10 if defect == "TK01M10" else 7
        year_.sessions = [
            s for s in year_.sessions if not (s.date.month == month and s.kind == "regular")
        ]
        truth.append(Expected("TK01", period=f"M{month:02d}"))
    elif defect == "TK02":
        session = next(s for s in year_.sessions if s.kind == "regular" and s.date.month == 4)
        base = (session.members_total or 0) - (session.exempted or 0)
        session.present = base // 2
        session.absent_excused = base - session.present
        truth.append(Expected("TK02", date=session.date.isoformat()))
    else:
        raise ValueError(defect)


BAD_ROWS = ["impossible_date", "negative", "present_over_total", "unknown_kind", "no_topic"]


def bad_session(rng: random.Random, kind: str, year: int, members: int) -> Session:
    """An extra row the importer must reject (it never carries a needed meeting)."""
    day = D(year, rng.randint(1, 12), rng.randint(13, 17))
    session = _regular(rng, day, members)
    session.kind = "forum"
    if kind == "impossible_date":
        session.raw["date"] = f"31/02/{year}"
        session.expect_reject = "date"
    elif kind == "negative":
        session.raw["present"] = "-3"
        session.expect_reject = "present"
    elif kind == "present_over_total":
        session.present = members + 5
        session.expect_reject = "present"
    elif kind == "unknown_kind":
        session.raw["kind"] = "Họp mặt"
        session.expect_reject = "kind"
    else:
        session.kind = "thematic"
        session.topic = None
        session.expect_reject = "topic"
    return session


# --------------------------------------------------------------------------- rendering


def _fmt_date(rng: random.Random, day: D | None, messy: bool) -> Any:
    if day is None:
        return None
    if not messy:
        return day
    form = rng.randrange(9)
    if form == 0:
        return (day - D(1899, 12, 30)).days
    return [
        day,
        day,
        f"{day:%d/%m/%Y}",
        f"{day.day}/{day.month}/{day:%y}",
        f"{day:%d-%m-%Y}",
        f"{day:%d.%m.%Y}",
        day.isoformat(),
        f"ngày {day.day} tháng {day.month} năm {day.year}",
    ][form - 1]


@dataclass
class Style:
    messy: bool
    headers: dict[str, str]
    title_rows: int
    stt: bool
    two_row_draft: bool
    blank_every: int
    units: bool
    total_row: bool
    signature: bool
    sheet_names: dict[str, str]
    #: The sessions sheet's columns (a 2026 year adds Hướng dẫn 42's), and how its times
    #: are written: ``times`` (start and end), ``length`` (Thời lượng) or ``both``.
    session_fields: list[str] = field(default_factory=lambda: list(SESSION_FIELDS))
    time_form: str = "times"


def style_for(rng: random.Random, messy: bool, fmt: str) -> Style:
    def pick(table: str, name: str) -> str:
        aliases = FIELDS[table][name]
        text = aliases[0] if not messy or rng.random() < 0.6 else rng.choice(aliases)
        return text.upper() if messy and rng.random() < 0.15 else text

    headers = {f"s.{n}": pick("sessions", n) for n in SESSION_FIELDS}
    headers.update({f"p.{n}": pick("plan", n) for n in PLAN_FIELDS})
    # "Ngày" alone, "Loại" alone are fine; keep two-row headers unambiguous.
    names = {"cells": "Thông tin", "plan": "Kế hoạch", "sessions": "Sinh hoạt"}
    if messy:
        names = {
            "cells": rng.choice(["Thông tin", "Thông tin chi bộ", "THÔNG TIN"]),
            "plan": rng.choice(["Kế hoạch", "Kế hoạch chuyên đề", "Kế hoạch SHCĐ"]),
            "sessions": rng.choice(["Sinh hoạt", "Sổ sinh hoạt", "Nhật ký sinh hoạt", "Theo dõi"]),
        }
    return Style(
        messy=messy,
        headers=headers,
        title_rows=rng.randint(2, 8) if messy else 0,
        stt=messy and rng.random() < 0.8,
        two_row_draft=messy and rng.random() < 0.5,
        blank_every=rng.choice([0, 4, 5]) if messy else 0,
        units=messy and rng.random() < 0.4,
        total_row=messy and rng.random() < 0.6,
        signature=messy and rng.random() < 0.7,
        sheet_names=names,
    )


def _kind_text(rng: random.Random, kind: str, messy: bool) -> str:
    return rng.choice(KIND_WORDS[kind]) if messy else KIND_CANON[kind]


def _count(rng: random.Random, value: int | None, style: Style) -> Any:
    if value is None or not style.units or rng.random() < 0.5:
        return value
    return f"{value} {rng.choice(['đ/c', 'người'])}"


def _quarter_text(rng: random.Random, quarter: int, messy: bool) -> Any:
    if not messy:
        return quarter
    return rng.choice(
        [
            quarter,
            ["I", "II", "III", "IV"][quarter - 1],
            f"Quý {['I', 'II', 'III', 'IV'][quarter - 1]}",
            f"Q{quarter}",
        ]
    )


@dataclass
class SheetOut:
    name: str
    rows: list[Row]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2


def _titles(style: Style, cell: CellYear, year: int, width: int) -> tuple[list[Row], list]:
    lines = [
        cell.parent.upper(),
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        cell.name.upper(),
        "Độc lập - Tự do - Hạnh phúc",
        "",
        f"SỔ THEO DÕI SINH HOẠT CHI BỘ NĂM {year}",
        "",
        f"Năm {year}",
    ][: style.title_rows]
    rows = [[line] + [None] * (width - 1) if line else [] for line in lines]
    merges = [(i, 0, i, width - 1) for i, line in enumerate(lines) if line]
    return rows, merges


def render_sessions(
    rng: random.Random, style: Style, cell: CellYear, year: int, with_cell_id: bool
) -> tuple[SheetOut, list[tuple[int, str]]]:
    """The sessions sheet, and (1-based row, header) of every row meant to be rejected."""
    columns = (["cell_id"] if with_cell_id else []) + style.session_fields
    header = [
        FIELDS["sessions"]["cell_id"][0] if c == "cell_id" else style.headers[f"s.{c}"]
        for c in columns
    ]
    prefix = ["STT"] if style.stt else []
    width = len(prefix) + len(columns)
    rows, merges = _titles(style, cell, year, width)
    if style.two_row_draft:
        top: Row = [*prefix, *header]
        sub: Row = [None] * width
        i = len(prefix) + columns.index("draft_approved")
        top[i], top[i + 1], sub[i], sub[i + 1] = "Dự thảo", None, "Ngày duyệt", "Ngày gửi"
        start = len(rows)
        rows += [top, sub]
        merges.append((start, i, start, i + 1))
        merges += [(start, c, start + 1, c) for c in range(width) if c not in (i, i + 1)]
    else:
        rows.append(prefix + header)
    rejects: list[tuple[int, str]] = []
    for number, session in enumerate(sorted(cell.sessions, key=lambda s: s.date), start=1):
        values = {
            "cell_id": cell.cell_id,
            "date": _fmt_date(rng, session.date, style.messy),
            "kind": _kind_text(rng, session.kind, style.messy),
            "topic": session.topic,
            "topic_group": session.topic_group,
            "preparer": session.preparer,
            "draft_approved": _fmt_date(rng, session.draft_approved, style.messy),
            "draft_sent": _fmt_date(rng, session.draft_sent, style.messy),
            "members_total": _count(rng, session.members_total, style),
            "exempted": session.exempted,
            "present": _count(rng, session.present, style),
            "absent_excused": session.absent_excused,
            "conclusion": session.conclusion,
            "conclusion_date": _fmt_date(rng, session.conclusion_date, style.messy),
            "reported": _fmt_date(rng, session.reported, style.messy),
            "minutes": session.minutes,
            "notes": session.notes,
        }
        if HD42_SESSION_FIELDS & set(style.session_fields):
            from benchmarks.sample_hd42 import hd42_values

            values.update(hd42_values(rng, style, session))
        values.update(session.raw)
        if style.blank_every and number % style.blank_every == 0:
            rows.append([])
        rows.append(([number] if style.stt else []) + [values[c] for c in columns])
        if session.expect_reject:
            column = session.expect_reject
            shown = header[columns.index(column)]
            if style.two_row_draft and column in ("draft_approved", "draft_sent"):
                shown = f"Dự thảo / {'Ngày duyệt' if column == 'draft_approved' else 'Ngày gửi'}"
            rejects.append((len(rows), shown))
    if style.total_row:
        rows.append(["Tổng cộng"] + [None] * (width - 1))
    if style.signature:
        rows += [
            [],
            [None, "Người lập biểu", None, None, "T/M CHI BỘ"],
            [None, None, None, None, "BÍ THƯ"],
            [],
            [None, rng.choice(NAMES), None, None, cell.secretary],
        ]
    return SheetOut(style.sheet_names["sessions"], rows, merges), rejects


def render_plan(
    rng: random.Random, style: Style, cell: CellYear, year: int, with_cell_id: bool
) -> SheetOut:
    columns = (["cell_id"] if with_cell_id else []) + PLAN_FIELDS
    header = [
        FIELDS["plan"]["cell_id"][0] if c == "cell_id" else style.headers[f"p.{c}"] for c in columns
    ]
    prefix = ["STT"] if style.stt else []
    rows, merges = _titles(style, cell, year, len(prefix) + len(columns))
    if style.messy:
        rows.append([f"KẾ HOẠCH SINH HOẠT CHUYÊN ĐỀ NĂM {year}"])
    rows.append(prefix + header)
    for number, item in enumerate(cell.plan, start=1):
        values = {
            **item,
            "cell_id": cell.cell_id,
            "quarter": _quarter_text(rng, item["quarter"], style.messy),
            "plan_issued": _fmt_date(rng, item["plan_issued"], style.messy),
            "plan_reported": _fmt_date(rng, item["plan_reported"], style.messy),
        }
        rows.append(([number] if style.stt else []) + [values[c] for c in columns])
    return SheetOut(style.sheet_names["plan"], rows, merges)


def render_info(style: Style, cell: CellYear) -> SheetOut:
    rows: list[Row] = [["THÔNG TIN CHI BỘ"], []] if style.messy else []
    colon = ":" if style.messy else ""
    rows += [
        [f"Mã chi bộ{colon}", cell.cell_id],
        [f"Tên chi bộ{colon}", cell.name],
        [f"Đảng bộ{colon}", cell.parent],
        [f"Loại hình chi bộ{colon}", cell.cell_type],
        [f"Số đảng viên{colon}", cell.members],
        [f"Bí thư{colon}", cell.secretary],
    ]
    if cell.founded:
        rows.append([f"Ngày thành lập{colon}", f"{cell.founded:%d/%m/%Y}"])
    if cell.dissolved:
        rows.append([f"Ngày giải thể{colon}", f"{cell.dissolved:%d/%m/%Y}"])
    if cell.disciplined is not None:
        rows.append([f"Số đảng viên bị kỷ luật{colon}", cell.disciplined])
    if cell.previous_name:
        rows.append([f"Tên cũ{colon}", cell.previous_name])
    if cell.previous_parent:
        rows.append([f"Đảng bộ cũ{colon}", cell.previous_parent])
    if cell.parent_since:
        rows.append([f"Trực thuộc từ ngày{colon}", f"{cell.parent_since:%d/%m/%Y}"])
    if cell.merged_from:
        rows.append([f"Sáp nhập từ{colon}", ", ".join(cell.merged_from)])
    if cell.merged_into:
        rows.append([f"Sáp nhập vào{colon}", cell.merged_into])
    return SheetOut(style.sheet_names["cells"], rows)


# --------------------------------------------------------------------------- writers


def write_xlsx(path: Path, sheets: Sequence[SheetOut], constant_memory: bool = False) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "constant_memory": constant_memory,
        },
    )
    workbook.set_properties({"created": dt.datetime(2024, 12, 31), "author": "chibo-auditor"})
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for sheet in sheets:
        ws = workbook.add_worksheet(sheet.name)
        if not constant_memory:
            for r1, c1, r2, c2 in sheet.merges:
                value = sheet.rows[r1][c1] if c1 < len(sheet.rows[r1]) else None
                ws.merge_range(r1, c1, r2, c2, value if value is not None else "")
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, D):
                    ws.write_datetime(
                        r, c, dt.datetime(value.year, value.month, value.day), date_format
                    )
                elif isinstance(value, str):
                    ws.write_string(r, c, value)
                else:
                    ws.write_number(r, c, value)
    workbook.close()


def write_xls(path: Path, sheets: Sequence[SheetOut]) -> None:
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for sheet in sheets:
        ws = workbook.add_sheet(sheet.name[:31])
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, D):
                    ws.write(r, c, value, date_style)
                else:
                    ws.write(r, c, value)
    workbook.save(str(path))


def write_ods(path: Path, sheets: Sequence[SheetOut]) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    for sheet in sheets:
        table = Table(name=sheet.name)
        for row in sheet.rows:
            table_row = TableRow()
            for value in row:
                if value is None:
                    cell = TableCell()
                elif isinstance(value, bool):
                    cell = TableCell(valuetype="boolean", booleanvalue=str(value).lower())
                    cell.addElement(P(text=str(value)))
                elif isinstance(value, D):
                    cell = TableCell(valuetype="date", datevalue=value.isoformat())
                    cell.addElement(P(text=f"{value:%d/%m/%Y}"))
                elif isinstance(value, int | float):
                    cell = TableCell(valuetype="float", value=str(value))
                    cell.addElement(P(text=str(value)))
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                table_row.addElement(cell)
            table.addElement(table_row)
        document.spreadsheet.addElement(table)
    document.save(str(path))


def write(path: Path, sheets: Sequence[SheetOut], constant_memory: bool = False) -> None:
    suffix = path.suffix.lower()
    if suffix == ".xls":
        write_xls(path, sheets)
    elif suffix == ".ods":
        write_ods(path, sheets)
    else:
        write_xlsx(path, sheets, constant_memory=constant_memory)


# --------------------------------------------------------------------------- whole years


#: How many defects a cell past the first few gets, drawn evenly: about one a cell.
DEFECT_COUNTS = (0, 0, 0, 1, 1, 2, 3)
#: About 3.5 violations a cell, as real years hold (for the benchmarks' messy year).
REAL_DEFECT_COUNTS = (2, 3, 3, 4, 5)


def _defect_plan(
    n_cells: int, rng: random.Random, counts: Sequence[int] = DEFECT_COUNTS
) -> list[list[str]]:
    """Which defects each cell gets: every rule at least once, some cells clean, a spread
    of scores so that all four bands appear and the quota has work to do."""
    plan: list[list[str]] = [[] for _ in range(n_cells)]
    base = [
        [],
        [],
        [],
        ["CD02"],
        ["TK02"],
        ["KH04", "CD03"],
        ["KH02", "CD06"],
        ["CD05", "TK01"],
        ["KH03", "CD04"],
        ["CD01", "CD02", "TK02"],
        ["KH01", "CD01", "CD04"],
        ["CD01", "CD01Q4", "CD04", "CD06", "KH04", "TK01", "TK02"],
        # eleven violations, KHTNV (the printed notice of this cell runs to two pages)
        [
            "KH01",
            "CD01",
            "CD01Q4",
            "CD02",
            "CD02B",
            "CD03",
            "CD04",
            "CD06",
            "TK01",
            "TK01M10",
            "TK02",
        ],
        ["CD02", "CD03"],
    ]
    for index in range(n_cells):
        if index < len(base):
            plan[index] = list(base[index])
        else:
            count = rng.choice(list(counts))
            plan[index] = sorted(rng.sample(ALL_DEFECTS, count))
    return plan


def build_cells(
    n_cells: int,
    year: int,
    seed: int,
    defects: bool = True,
    defect_counts: Sequence[int] = DEFECT_COUNTS,
) -> tuple[list[CellYear], list[list[str]]]:
    rng = random.Random(seed)
    plan = _defect_plan(n_cells, rng, defect_counts) if defects else [[] for _ in range(n_cells)]
    cells: list[CellYear] = []
    for index in range(n_cells):
        _folder, parent, cell_type, prefix = PARENTS[index % 2]
        place = PLACES[index % len(PLACES)] + ("" if index < len(PLACES) else f" {index}")
        founded = D(year, 4, 15) if defects and index == 2 else None
        cell = clean_year(
            rng,
            f"CB-{index + 1:03d}" if n_cells < 1000 else f"CB-{index + 1:05d}",
            f"{prefix} {place}",
            parent,
            cell_type,
            year,
            founded=founded,
            forums=defects and index in (1, 4),
        )
        for defect in plan[index]:
            inject(rng, cell, defect, year)
        if founded:  # Q1, Q2 and Jan-Apr are not audited; nothing to blame there
            cell.truth = [
                t for t in cell.truth if t.period not in ("Q1", "Q2", "M01", "M02", "M03", "M04")
            ]
        cells.append(cell)
    return cells, plan


def generate(
    out_dir: Path,
    *,
    year: int = 2024,
    n_cells: int = 14,
    seed: int = 0,
    messy: bool = True,
    formats: Sequence[str] = ("xlsx", "xls", "ods"),
    consolidated: int = 3,
    defects: bool = True,
    defect_counts: Sequence[int] = DEFECT_COUNTS,
    extra_sheets: Callable[[Sequence[CellYear], str, bool], list[SheetOut]] | None = None,
) -> Truth:
    """Write a year of logs under ``out_dir`` and return what an audit must find.

    ``defect_counts``: how many defects a cell may get (one drawn per cell);
    :data:`REAL_DEFECT_COUNTS` gives the density of a real year. A year from 2026 is
    judged by Hướng dẫn 42 throughout and holds its columns, reorganised cells and
    waivers: :func:`benchmarks.sample_hd42.generate_hd42` writes it. ``extra_sheets``
    is asked for more sheets for each workbook (its cells, its path, whether it is the
    consolidated one): ``benchmarks/members_sample.py`` adds the member tables so."""
    if year >= HD42_FIRST_FULL_YEAR:
        from benchmarks.sample_hd42 import generate_hd42

        return generate_hd42(
            out_dir,
            year=year,
            n_cells=n_cells,
            seed=seed,
            messy=messy,
            formats=formats,
            consolidated=consolidated,
            defects=defects,
            defect_counts=defect_counts,
            extra_sheets=extra_sheets,
        )
    rng = random.Random(seed + 1)
    cells, _ = build_cells(n_cells, year, seed, defects, defect_counts)
    truth = Truth(year)
    out_dir.mkdir(parents=True, exist_ok=True)
    together = cells[-consolidated:] if consolidated else []
    bad_kinds = list(BAD_ROWS) if defects and messy else []
    for index, cell in enumerate(cells):
        if bad_kinds and index % 3 == 1:
            cell.sessions.append(bad_session(rng, bad_kinds.pop(0), year, cell.members))
        if defects and index == 3:  # the same meeting entered twice: one session + a note
            cell.sessions.append(cell.sessions[0])
    for index, cell in enumerate(cells):
        if cell in together:
            continue
        fmt = formats[index % len(formats)]
        style = style_for(rng, messy, fmt)
        folder = next(p[0] for p in PARENTS if p[1] == cell.parent)
        rel = f"{folder}/{cell.cell_id}_{year}.{fmt}"
        sessions, rejects = render_sessions(rng, style, cell, year, with_cell_id=False)
        plan_sheet = render_plan(rng, style, cell, year, with_cell_id=False)
        sheets = [render_info(style, cell), plan_sheet, sessions]
        if not cell.plan:
            sheets.remove(plan_sheet)
        if extra_sheets:
            sheets += extra_sheets([cell], rel, False)
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        write(path, sheets, constant_memory=not messy)
        truth.cells.append(CellTruth(cell.cell_id, cell.name, cell.parent, rel, cell.truth))
        truth.rejected += [ExpectedRejection(rel, sessions.name, r, c) for r, c in rejects]
        truth.rows_written += len(cell.sessions) + len(cell.plan) + 1
    if together:
        rel = f"Tong_hop_{year}.xlsx"
        style = style_for(rng, messy, "xlsx")
        style.title_rows, style.stt, style.two_row_draft = 0, False, False
        style.blank_every, style.total_row, style.signature = 0, False, False
        cells_sheet = SheetOut(
            "Danh sách chi bộ",
            [["Mã chi bộ", "Tên chi bộ", "Đảng bộ", "Loại hình chi bộ", "Số đảng viên", "Bí thư"]]
            + [
                [c.cell_id, c.name, c.parent, c.cell_type, c.members, c.secretary] for c in together
            ],
        )
        sessions_out = SheetOut(style.sheet_names["sessions"], [])
        plan_out = SheetOut(style.sheet_names["plan"], [])
        for cell in together:
            s_sheet, rejects = render_sessions(rng, style, cell, year, with_cell_id=True)
            p_sheet = render_plan(rng, style, cell, year, with_cell_id=True)
            if not sessions_out.rows:
                sessions_out.rows.append(s_sheet.rows[0])
                plan_out.rows.append(p_sheet.rows[0])
            offset = len(sessions_out.rows) - 1  # rows before this cell's first data row
            sessions_out.rows += s_sheet.rows[1:]
            plan_out.rows += p_sheet.rows[1:]
            truth.rejected += [
                ExpectedRejection(rel, sessions_out.name, offset + r, c) for r, c in rejects
            ]
            truth.cells.append(CellTruth(cell.cell_id, cell.name, cell.parent, rel, cell.truth))
            truth.rows_written += len(cell.sessions) + len(cell.plan) + 1
        extra = extra_sheets(together, rel, True) if extra_sheets else []
        write(out_dir / rel, [cells_sheet, plan_out, sessions_out, *extra])
    truth.cells.sort(key=lambda c: c.cell_id)
    truth.rejected.sort(key=lambda r: (r.file, r.sheet, r.row))
    return truth


def generate_sample(
    out_dir: Path,
    *,
    year: int = 2024,
    n_cells: int | None = None,
    seed: int = 0,
    messy: bool = True,
    formats: Sequence[str] = ("xlsx", "xls", "ods"),
    consolidated: int = 3,
    members: bool = True,
) -> Truth:
    """The committed sample year (what ``python -m benchmarks.sample`` writes): the 2024
    and 2026 years get the member tables of a few cells
    (``benchmarks.members_sample.SAMPLE_CELLS``) unless ``members`` is false, which
    writes the year exactly as it was before members."""
    hook = None
    if members:
        from benchmarks.members_sample import SampleMembers

        hook = SampleMembers(year, seed)
    truth = generate(
        out_dir,
        year=year,
        n_cells=n_cells or (16 if year >= HD42_FIRST_FULL_YEAR else 14),
        seed=seed,
        messy=messy,
        formats=formats,
        consolidated=consolidated,
        extra_sheets=hook,
    )
    if hook is not None:
        truth.members = hook.result()
    return truth


def generate_consolidated(
    path: Path,
    *,
    year: int,
    n_rows: int,
    seed: int = 0,
    defect_counts: Sequence[int] | None = None,
) -> int:
    """One large clean workbook holding many cells; returns the data rows written.

    By default three cells in ten get one defect (about 0.3 violations a cell);
    ``defect_counts`` (:data:`REAL_DEFECT_COUNTS`: about 3.5 a cell, as a real province
    year holds) gives each cell that many defects instead, one count drawn per cell, so
    the reports are measured at the size they have in a real year."""
    rng = random.Random(seed)
    style = style_for(rng, False, "xlsx")
    cells_rows: list[Row] = [["Mã chi bộ", "Tên chi bộ", "Đảng bộ"]]
    plan = SheetOut(
        "Kế hoạch",
        [[FIELDS["plan"]["cell_id"][0]] + [style.headers[f"p.{c}"] for c in PLAN_FIELDS]],
    )
    sessions = SheetOut(
        "Sinh hoạt",
        [[FIELDS["sessions"]["cell_id"][0]] + [style.headers[f"s.{c}"] for c in SESSION_FIELDS]],
    )
    written = 0
    index = 0
    while written < n_rows:
        index += 1
        _, parent, cell_type, prefix = PARENTS[index % 2]
        cell = clean_year(rng, f"CB-{index:06d}", f"{prefix} {index}", parent, cell_type, year)
        if defect_counts is not None:
            for defect in sorted(rng.sample(ALL_DEFECTS, rng.choice(list(defect_counts)))):
                inject(rng, cell, defect, year)
        elif rng.random() < 0.3:
            inject(rng, cell, rng.choice(ALL_DEFECTS), year)
        cells_rows.append([cell.cell_id, cell.name, cell.parent])
        for item in cell.plan:
            plan.rows.append([cell.cell_id] + [item[c] for c in PLAN_FIELDS])
        for s in cell.sessions:
            values = asdict(s)
            values["kind"] = KIND_CANON[s.kind]
            sessions.rows.append([cell.cell_id] + [values[c] for c in SESSION_FIELDS])
        written += 1 + len(cell.plan) + len(cell.sessions)
    write(path, [SheetOut("Chi bộ", cells_rows), plan, sessions], constant_memory=True)
    return written


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Sinh dữ liệu mẫu / generate sample logs")
    parser.add_argument("out", type=Path)
    parser.add_argument("--cells", type=int, default=None, help="14 for 2024, 16 from 2026")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--clean", action="store_true", help="one clean layout, no noise")
    parser.add_argument("--formats", default="xlsx,xls,ods")
    parser.add_argument("--truth", type=Path, default=None, help="write the truth JSON here")
    parser.add_argument(
        "--no-members",
        action="store_true",
        help="không thêm bảng đảng viên / leave out the sample's member tables",
    )
    args = parser.parse_args(argv)
    truth = generate_sample(
        args.out,
        year=args.year,
        n_cells=args.cells,
        seed=args.seed,
        messy=not args.clean,
        formats=args.formats.split(","),
        consolidated=0 if args.clean else 3,
        members=not args.no_members,
    )
    if args.truth:
        args.truth.write_text(truth.to_json(), encoding="utf-8")
    members = truth.members
    if members is not None:
        print(
            f"{members.members} members, {members.rows_written} member rows, "
            f"{len(members.findings)} member findings, {len(members.rejected)} member rows "
            "to reject"
        )
    print(
        f"{len(truth.cells)} cells, {truth.rows_written} rows, {len(truth.rejected)} "
        f"rows to reject -> {args.out}"
    )


if __name__ == "__main__":
    main()


def dataset_of(cells: Sequence[CellYear]) -> Any:
    """The importer's Dataset for ``cells`` without writing workbooks (fast tests, benchmarks).

    Rows are numbered as if each cell had its own workbook with a header in row 1.
    """
    from auditor.ingest.dataset import Dataset, frame_from_rows
    from auditor.ingest.records import validate_row

    tables: dict[str, list[dict[str, Any]]] = {"cells": [], "plan": [], "sessions": []}
    for cell in cells:
        file = f"{cell.cell_id}.xlsx"
        tables["cells"].append(
            {
                "cell_id": cell.cell_id,
                "cell_name": cell.name,
                "parent": cell.parent,
                "cell_type": cell.cell_type,
                "members": cell.members,
                "secretary": cell.secretary,
                "active_from": cell.founded,
                "active_to": None,
                "file": file,
                "sheet": "Thông tin",
                "row": 1,
            }
        )
        for number, item in enumerate(cell.plan, start=2):
            tables["plan"].append(
                {**item, "cell_id": cell.cell_id, "file": file, "sheet": "Kế hoạch", "row": number}
            )
        for number, session in enumerate(sorted(cell.sessions, key=lambda s: s.date), start=2):
            if session.expect_reject:
                continue
            values = {name: (getattr(session, name), name) for name in SESSION_FIELDS}
            values["kind"] = (KIND_CANON[session.kind], "kind")
            record, errors = validate_row(
                "sessions", values, default_cell=cell.cell_id, required=("date", "kind")
            )
            assert record is not None, errors
            tables["sessions"].append({**record, "file": file, "sheet": "Sinh hoạt", "row": number})
    return Dataset(
        cells=frame_from_rows("cells", tables["cells"]),
        plan=frame_from_rows("plan", tables["plan"]),
        sessions=frame_from_rows("sessions", tables["sessions"]),
    )
