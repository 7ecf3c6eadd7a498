"""The hd42 pack (rulebook-2025.md, 2) judged through the library on a small generated
workbook: each new rule fails on a crafted session, with its evidence, and passes on a
good one; a session without a length gets a note instead of TG01."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.audit import AuditResult, run_audit
from auditor.codes import NoteCode
from auditor.rulebook import SelectionError
from auditor.rulepack import PACKS_DIR, RulePackError, load_pack
from tests.conftest import SESSION_HEADER, info_sheet, session_row

NEW_RULES = {"TG01", "CU01", "TB01", "ST01", "CL01"}
HD42_HEADER = [
    "Giờ bắt đầu",
    "Giờ kết thúc",
    "Thời lượng (phút)",
    "Ngày họp chi ủy",
    "Ngày thông báo",
    "Ngày đăng Sổ tay",
    "Xếp loại buổi sinh hoạt",
]


def _row(
    n: int, day: dt.date, kind: str = "TK", topic: str | None = None, **hd42: Any
) -> list[Any]:
    """A session row that keeps every Hướng dẫn 42 rule, unless ``hd42`` changes a column."""
    good: dict[str, Any] = {
        "start": "14:00",
        "end": "15:40",
        "length": None,
        "prep": day - dt.timedelta(days=5),
        "notice": day - dt.timedelta(days=3),
        "posted": day - dt.timedelta(days=2),
        "quality": "Tốt",
    }
    good.update(hd42)
    return [*session_row(n, day, kind, topic), *good.values()]


#: (date, kind, topic, changes) — the first is on row 3 of the sheet.
SESSIONS: list[tuple[dt.date, str, str | None, dict[str, Any]]] = [
    (dt.date(2026, 1, 10), "TK", None, {}),  # good
    (dt.date(2026, 2, 10), "TK", None, {"end": "15:00"}),  # TG01: 60 minutes
    (dt.date(2026, 3, 10), "TK + CĐ", "Học tập Nghị quyết", {"end": "15:50"}),  # TG01: 110 < 120
    (dt.date(2026, 4, 10), "TK", None, {"prep": dt.date(2026, 3, 20)}),  # CU01: 21 days
    (dt.date(2026, 5, 10), "TK", None, {"notice": None}),  # TB01
    (dt.date(2026, 6, 10), "TK", None, {"posted": dt.date(2026, 6, 10)}),  # ST01: same day
    (dt.date(2026, 7, 10), "TK", None, {"quality": 45}),  # CL01: a score under 50 is Kém
    (dt.date(2026, 8, 10), "TK", None, {"start": None, "end": None}),  # note, no TG01
    (dt.date(2026, 9, 10), "TK", None, {"end": "15:00", "length": 95}),  # note, length wins
    (
        dt.date(2026, 10, 10),
        "DD",
        None,
        {k: None for k in ("start", "end", "prep", "notice", "posted")},
    ),
    (dt.date(2026, 11, 10), "TK", None, {"quality": "Khá"}),  # good
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import write_workbook

    where = tmp_path_factory.mktemp("hd42")
    rows = [["SỔ THEO DÕI SINH HOẠT CHI BỘ"], [*SESSION_HEADER, *HD42_HEADER]]
    rows += [
        _row(i + 1, day, kind, topic, **changes)
        for i, (day, kind, topic, changes) in enumerate(SESSIONS)
    ]
    write_workbook(where / "CB-001_2026.xlsx", [info_sheet(), ("Sinh hoạt", rows)])
    return where


@pytest.fixture(scope="module")
def audited(folder: Path) -> AuditResult:
    return run_audit([folder], year=2026, out=None, pack=load_pack("hd42"), workers=0)


def _found(result: AuditResult) -> list[tuple[str, dt.date | None]]:
    [cell] = result.report.cells
    return sorted((v.rule, v.date) for v in cell.violations if v.rule in NEW_RULES)


def test_each_new_rule_fails_on_its_crafted_session_and_nowhere_else(audited: AuditResult) -> None:
    assert audited.report.rejected_rows == []
    assert _found(audited) == sorted(
        [
            ("TG01", dt.date(2026, 2, 10)),
            ("TG01", dt.date(2026, 3, 10)),
            ("CU01", dt.date(2026, 4, 10)),
            ("TB01", dt.date(2026, 5, 10)),
            ("ST01", dt.date(2026, 6, 10)),
            ("CL01", dt.date(2026, 7, 10)),
        ]
    )


def test_a_violation_shows_its_row_and_the_values_it_was_judged_on(audited: AuditResult) -> None:
    [cell] = audited.report.cells
    by_rule = {(v.rule, v.date): v for v in cell.violations}
    short = by_rule["TG01", dt.date(2026, 2, 10)]
    assert [(e.file.rsplit("/", 1)[-1], e.sheet, e.row) for e in short.evidence] == [
        ("CB-001_2026.xlsx", "Sinh hoạt", 4)
    ]
    assert "60 phút (14:00–15:00)" in short.message_vi and "dưới 90 phút" in short.message_vi
    assert short.details["minutes"] == 60 and short.details["start"] == "14:00"
    combined = by_rule["TG01", dt.date(2026, 3, 10)]
    assert "110 phút" in combined.message_vi and combined.points == 3
    prep = by_rule["CU01", dt.date(2026, 4, 10)]
    assert "20/03/2026" in prep.message_vi and "15 ngày" in prep.message_vi
    assert "ngày thông báo —" in by_rule["TB01", dt.date(2026, 5, 10)].message_vi
    assert "10/06/2026" in by_rule["ST01", dt.date(2026, 6, 10)].message_vi
    assert by_rule["CL01", dt.date(2026, 7, 10)].message_vi.endswith("xếp loại Kém")


def test_no_length_is_a_note_and_a_disagreeing_length_is_a_note_the_column_winning(
    audited: AuditResult,
) -> None:
    codes = [
        (n.code, n.row)
        for n in audited.report.notes
        if n.code in ("session_length_missing", "length_disagrees")
    ]
    # row 10: no times (a forum on row 12 is not judged by TG01, so no note); row 11: 95 vs 60
    assert sorted(codes) == [("length_disagrees", 11), ("session_length_missing", 10)]
    for note in audited.report.notes:
        assert NoteCode(note.code).matches(note.message_vi, note.message_en), note
    missing = next(n for n in audited.report.notes if n.code == "session_length_missing")
    assert "10/08/2026" in missing.message_vi


def test_hd12_judges_none_of_it(folder: Path) -> None:
    """The same workbook under hd12: no new rule, no length note (a 2024 audit unchanged).
    An audit refuses hd12 for 2026 (not in force after 27/10/2025): the engine is asked."""
    from auditor.engine import evaluate
    from auditor.ingest import load

    evaluation = evaluate(load([folder], workers=0), load_pack("hd12"), year=2026, workers=1)
    assert not {v.rule for vs in evaluation.violations.values() for v in vs} & NEW_RULES
    assert not [n for n in evaluation.notes if n.code == "session_length_missing"]
    with pytest.raises(SelectionError):
        run_audit([folder], year=2026, out=None, pack=load_pack("hd12"), workers=0)


def test_cd02_in_hd42_wants_the_draft_one_day_before(workbook: Callable[..., Path]) -> None:
    # 2025: a year either pack may be forced on (hd12 until 27/10, hd42 from 28/10)
    day = dt.date(2025, 3, 10)
    row = _row(1, day, "CĐ", "Học tập Nghị quyết")
    row[5] = day - dt.timedelta(days=2)  # draft sent two days before: hd12 wants 3
    path = workbook(
        "cb.xlsx", [info_sheet(), ("Sinh hoạt", [[*SESSION_HEADER, *HD42_HEADER], row])]
    )
    rules = {}
    for name in ("hd12", "hd42"):
        result = run_audit([path.parent], year=2025, out=None, pack=load_pack(name), workers=0)
        rules[name] = {v.rule for c in result.report.cells for v in c.violations}
    assert "CD02" in rules["hd12"] and "CD02" not in rules["hd42"]


def test_a_broken_extension_is_refused_naming_file_and_key(tmp_path: Path) -> None:
    shipped = PACKS_DIR / "hd42"
    pack = yaml.safe_load((shipped / "pack.yaml").read_text(encoding="utf-8"))
    pack["include"] = str(PACKS_DIR / "hd12")
    pack["overrides"] = {"CD99": {"draft_min_days": 1}, "CD02": {"draft_days": 1}}
    pack["scoring"] = "qd999"
    (tmp_path / "pack.yaml").write_text(yaml.safe_dump(pack, allow_unicode=True), "utf-8")
    rule = yaml.safe_load((shipped / "TG01.yaml").read_text(encoding="utf-8"))
    rule["note"]["code"] = "length_unknown"
    rule["note"]["when"]["all"][0]["field"] = "length_know"
    (tmp_path / "TG01.yaml").write_text(yaml.safe_dump(rule, allow_unicode=True), "utf-8")
    with pytest.raises(RulePackError) as caught:
        load_pack(tmp_path)
    where = {(Path(file).name, key) for file, key, _ in caught.value.problems}
    assert {
        ("pack.yaml", "overrides.CD99"),
        ("pack.yaml", "overrides.CD02"),
        ("pack.yaml", "scoring"),
        ("TG01.yaml", "note.code"),
        ("TG01.yaml", "note.when.all.0.field"),
    } <= where
    reasons = " ".join(reason for _, _, reason in caught.value.problems)
    assert "length_known" in reasons  # the closest field is suggested


def test_the_catalogue_lists_the_hd42_rules(capsys: pytest.CaptureFixture[str]) -> None:
    from auditor.catalogue import explain

    text = explain(load_pack("hd42"), "TG01")
    for part in ("Hướng dẫn 42-HD/BTCTW", "min_minutes=90", "combined_min_minutes=120"):
        assert part in text
    assert "session_length_missing" in text


def test_each_new_rule_cites_hd42_as_the_contract_does_and_no_invented_section() -> None:
    """rulebook-2025.md names Hướng dẫn 42 by its number, body and date and gives no
    section numbers: a source cites the text and date and says what part it is about, in
    words; a section number (Điều, mục, khoản, điểm) would be invented."""
    pack = load_pack("hd42")
    for rule in pack.rules:
        if rule.id not in NEW_RULES:
            continue
        assert rule.source.startswith("Hướng dẫn 42-HD/BTCTW (28/10/2025), "), rule.id
        words = rule.source.split(", ", 1)[1]
        assert len(words) > 10, rule.id
        assert not re.search(r"\b(Điều|mục|khoản|điểm|Mục|Khoản|Điểm)\s+\d", rule.source), rule.id
