"""One odd value never stops the audit and never loses a cell.

Dates past pandas' nanosecond range (31/12/9999), integers past 64 bits, a sheet name
used twice, a formula without a value in the "Thông tin" sheet: each becomes a rejected
value or a note, and the audit goes on. The extreme-value fuzz at the end runs the whole
pipeline (reports included) over mutated per-cell workbooks.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from auditor.cli import app
from auditor.ingest import load
from auditor.ingest.dataset import frame_from_columns
from auditor.ingest.text import vi_number
from auditor.ingest.values import (
    MAX_COUNT,
    ValueProblem,
    parse_count,
    parse_date,
    parse_date_or_mark,
    parse_quarter,
    parse_topic_group,
    parse_yes_no,
)
from tests import hostile
from tests.conftest import SESSION_HEADER, info_sheet, session_row
from tests.ingest.test_hostile import assert_nothing_lost

Make = Callable[..., Path]
D = dt.date

#: Values a reader may hand back that no log should hold.
EXTREMES: list[Any] = [
    dt.datetime(9999, 12, 31),
    dt.date(1, 1, 1),
    dt.datetime(2262, 4, 12),
    "31/12/9999",
    "01/01/0001",
    10**30,
    -(10**30),
    2**63,
    2**63 - 1,
    -(2**63),
    1e300,
    -1e300,
    float("inf"),
    float("-inf"),
    float("nan"),
    "9" * 5000,
    "1e999",
    dt.time(12, 30),
    dt.timedelta(days=10**6),
    True,
    "",
    " ",
    "\x00",
]


@pytest.mark.parametrize("value", EXTREMES, ids=lambda value: repr(value)[:24])
def test_every_parser_gives_a_value_or_a_reason(value: Any) -> None:
    for parser in (
        parse_date,
        parse_date_or_mark,
        parse_count,
        parse_quarter,
        parse_topic_group,
        parse_yes_no,
    ):
        try:
            parser(value)
        except ValueProblem as problem:
            assert problem.reason_vi and problem.reason_en


@given(st.one_of(st.integers(), st.floats(), st.datetimes(), st.dates(), st.text(max_size=30)))
@settings(max_examples=300, deadline=None)
def test_parsed_values_always_fit_the_tables(value: Any) -> None:
    """Whatever a parser accepts, pandas can hold: the tables never refuse a record."""
    columns: dict[str, list[Any]] = {"row": [1], "file": ["f"], "sheet": ["s"]}
    for name, parser in (("date", parse_date), ("draft_sent", parse_date_or_mark)):
        try:
            columns[name] = [parser(value)]
        except ValueProblem:
            columns[name] = [None]
    for name in ("members_total", "present", "exempted", "absent_excused"):
        try:
            columns[name] = [parse_count(value)]
        except ValueProblem:
            columns[name] = [None]
    frame = frame_from_columns("sessions", columns)
    assert len(frame) == 1
    parsed = columns["date"][0]
    if parsed is not None:
        assert 1900 <= parsed.year <= 2200
    for name in ("members_total", "present"):
        number = columns[name][0]
        assert number is None or 0 <= number <= MAX_COUNT


def test_vietnamese_numbers_use_dots() -> None:
    assert vi_number(4_184_573_581) == "4.184.573.581"
    assert vi_number(12) == "12"


def _reasons(path: Path) -> dict[int, str]:
    data = load([path])
    return {r.row: r.reason_en for r in data.rejected}


def test_a_date_past_pandas_range_is_one_rejected_row(workbook: Make) -> None:
    rows = [session_row(m, D(2024, m, 10)) for m in range(1, 7)]
    rows[1][1] = dt.datetime(9999, 12, 31)
    rows[2][1] = "31/12/9999"
    rows[3][4] = dt.datetime(9999, 1, 1)  # approval date
    path = workbook("CB-001.xlsx", [info_sheet(), ("Sinh hoạt", [SESSION_HEADER, *rows])])
    data = load([path])
    assert sorted(data.sessions["row"]) == [2, 6, 7]
    reasons = {r.row: r.reason_en for r in data.rejected}
    assert reasons == {
        3: "Year 9999 is outside 1900-2200",
        4: "Year 9999 is outside 1950-2099",
        5: "Year 9999 is outside 1900-2200",
    }
    assert data.inputs[0].rows.read == 7 and data.inputs[0].rows.rejected == 3


@pytest.mark.parametrize("suffix", [".xlsx", ".ods", ".xls"])
def test_a_huge_count_is_a_rejected_value(workbook: Make, suffix: str) -> None:
    rows = [session_row(m, D(2024, m, 10)) for m in range(1, 5)]
    rows[0][6] = 10**30 if suffix == ".xlsx" else 1e30
    rows[1][7] = 2**63 + 5 if suffix == ".xlsx" else 9.3e18
    rows[2][4] = 10**20 if suffix == ".xlsx" else 1e20  # a number in a date column
    path = workbook(f"CB-001{suffix}", [info_sheet(), ("Sinh hoạt", [SESSION_HEADER, *rows])])
    data = load([path])
    assert list(data.sessions["row"]) == [5]
    by_row = {r.row: r for r in data.rejected}
    assert by_row[2].reason_vi == "Số quá lớn (tối đa 10.000.000)"
    assert by_row[3].reason_en == "Number too large (at most 10,000,000)"
    assert by_row[4].reason_en == "This number is not a valid date"


def test_a_sheet_name_used_twice_is_read_once_and_said(tmp_path: Path) -> None:
    """An edited workbook.xml may name two sheets alike. calamine finds sheets by name,
    so the second would give the first one's rows again (10 rows rejected, 20 entries in
    the ledger): it is left unread, with a note that says how to fix the file."""
    bad = [session_row(i, f"ngày {i}") for i in range(1, 11)]
    sheet = hostile.sheet_xml(hostile.rows_xml([SESSION_HEADER, *bad]))
    path = hostile.raw_xlsx(
        tmp_path / "CB-009.xlsx",
        [
            ("Thông tin", hostile.sheet_xml(hostile.rows_xml(info_sheet("CB-009")[1]))),
            ("Sổ sinh hoạt", sheet),
            ("Sổ sinh hoạt", sheet),
        ],
    )
    data = load([path])
    assert data.inputs[0].rows.rejected == 10 == len(data.rejected)
    assert {r.sheet for r in data.rejected} == {"Sổ sinh hoạt"}
    assert [(n.sheet, n.code) for n in data.notes if n.code == "sheet_duplicate_name"] == [
        ("Sổ sinh hoạt (2)", "sheet_duplicate_name")
    ]
    assert_nothing_lost(data, {"CB-009.xlsx"})


def _info_with_formula_name(extra: str = "") -> bytes:
    cell = hostile.cell_xml
    return hostile.sheet_xml(
        f'<row r="1">{cell(1, 1, "THÔNG TIN CHI BỘ")}</row>'
        f'<row r="2">{cell(2, 1, "Mã chi bộ")}{cell(2, 2, "CB-021")}</row>'
        f'<row r="3">{cell(3, 1, "Tên chi bộ")}<c r="B3"><f>CONCAT("Chi bộ ",B2)</f></c></row>'
        + extra
    )


def test_a_formula_without_value_in_the_name_cell_keeps_the_cell(tmp_path: Path) -> None:
    rows = [session_row(m, D(2024, m, 10)) for m in range(1, 13)]
    extra = f'<row r="4">{hostile.cell_xml(4, 1, "Ngày thành lập")}'
    extra += f"{hostile.cell_xml(4, 2, '32/13/2020')}</row>"
    path = hostile.raw_xlsx(
        tmp_path / "CB-021_2024.xlsx",
        [
            ("Thông tin", _info_with_formula_name(extra)),
            ("Sổ sinh hoạt", hostile.sheet_xml(hostile.rows_xml([SESSION_HEADER, *rows]))),
        ],
    )
    data = load([path])
    assert not data.rejected
    assert set(data.sessions["cell_id"]) == {"CB-021"} and len(data.sessions) == 12
    assert list(data.cells["cell_id"]) == ["CB-021"]
    codes = {(n.code, n.row) for n in data.notes}
    assert ("formula_without_value", 3) in codes
    assert ("cell_field_ignored", 4) in codes  # the impossible founding date
    named = [n for n in data.notes if n.code == "cell_field_ignored" and n.row is None]
    assert named and "dùng mã chi bộ làm tên" in named[0].message_vi


def test_a_code_in_the_file_name_serves_when_the_workbook_has_none(workbook: Make) -> None:
    rows = [session_row(m, D(2024, m, 10)) for m in range(1, 4)]
    named = workbook("in/CB-012_2024.xlsx", [("Sổ sinh hoạt", [SESSION_HEADER, *rows])])
    data = load([named])
    assert set(data.sessions["cell_id"]) == {"CB-012"} and not data.rejected
    assert next(n.code for n in data.notes if n.file == "CB-012_2024.xlsx") == (
        "cell_from_file_name"
    )
    unnamed = workbook("in/so_sinh_hoat.xlsx", [("Sổ sinh hoạt", [SESSION_HEADER, *rows])])
    data = load([unnamed])
    assert len(data.rejected) == 3 and "no cell code" in data.rejected[0].reason_en


def test_the_file_name_does_not_override_the_info_sheet(workbook: Make) -> None:
    rows = [session_row(m, D(2024, m, 10)) for m in range(1, 4)]
    path = workbook(
        "CB-012.xlsx", [info_sheet("CB-001"), ("Sổ sinh hoạt", [SESSION_HEADER, *rows])]
    )
    data = load([path])
    assert set(data.sessions["cell_id"]) == {"CB-001"}
    assert "cell_from_file_name" not in {n.code for n in data.notes}


# ------------------------------------------------------------------ extreme-value fuzz

runner = CliRunner()
_SHEET_NAMES = ["Thông tin", "Sổ sinh hoạt", "Kế hoạch", "Sinh hoạt", "Sheet1"]


def _mutant(path: Path, rng: random.Random) -> None:
    """A per-cell workbook with a few cells replaced by extreme values, sheets perhaps
    renamed to another table's name (or to the same one), a name cell perhaps a formula
    without a value."""
    rows: list[list[Any]] = [SESSION_HEADER] + [
        session_row(m, D(2024, m, 10)) for m in range(1, 13)
    ]
    for _ in range(rng.randint(1, 4)):
        rows[rng.randrange(1, len(rows))][rng.randrange(len(SESSION_HEADER))] = rng.choice(
            [value for value in EXTREMES if not isinstance(value, dt.timedelta)]
        )
    info_rows = info_sheet(path.stem.split("_")[0])[1]
    names = ["Thông tin", "Sổ sinh hoạt"]
    if rng.random() < 0.4:
        names[rng.randrange(2)] = rng.choice(_SHEET_NAMES)
    if rng.random() < 0.3:
        info = _info_with_formula_name()
    elif rng.random() < 0.2:
        info = hostile.sheet_xml("")  # no code at all: the file name's serves
    else:
        info = hostile.sheet_xml(hostile.rows_xml(info_rows))
    sessions_body = "".join(
        f'<row r="{r}">'
        + "".join(_fuzz_cell(r, c, v) for c, v in enumerate(row, start=1) if v is not None)
        + "</row>"
        for r, row in enumerate(rows, start=1)
    )
    hostile.raw_xlsx(path, [(names[0], info), (names[1], hostile.sheet_xml(sessions_body))])


def _fuzz_cell(row: int, col: int, value: Any) -> str:
    ref = f"{hostile.column_letters(col)}{row}"
    if isinstance(value, dt.datetime | dt.date):  # stored as a date, as Excel's t="d"
        return f'<c r="{ref}" t="d"><v>{value.isoformat()}</v></c>'
    if isinstance(value, dt.time):
        return f'<c r="{ref}" s="0"><v>0.5208</v></c>'
    if isinstance(value, float) and value != value:
        return f'<c r="{ref}" t="e"><v>#NUM!</v></c>'
    if isinstance(value, str) and "\x00" in value:
        value = "?"
    return hostile.cell_xml(row, col, value)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.integers(0, 2**32 - 1))
def test_extreme_value_fuzz_never_stops_the_audit(
    tmp_path_factory: pytest.TempPathFactory, seed: int
) -> None:
    rng = random.Random(seed)
    root = tmp_path_factory.mktemp("extremes")
    names = set()
    for number in range(6):
        name = f"CB-{number:03d}_2024.xlsx"
        _mutant(root / name, rng)
        names.add(name)
    out = root.parent / f"{root.name}-report"
    result = runner.invoke(
        app, ["audit", str(root), "--year", "2024", "--out", str(out), "--workers", "0"]
    )
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and "panicked" not in result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert sorted(entry["file"] for entry in report["inputs"]) == sorted(names)
    for entry in report["inputs"]:
        counts = entry["rows"]
        assert counts["read"] == counts["accepted"] + counts["rejected"], entry
        ledger = [r for r in report["rejected_rows"] if r["file"] == entry["file"]]
        assert len(ledger) == counts["rejected"], entry
        unread = {n["file"] for n in report["notes"] if n["code"] == "sheet_duplicate_name"}
        if entry["status"] == "ok" and entry["file"] not in unread:
            assert counts["read"] >= 12, entry  # twelve meetings, each a record or refused
