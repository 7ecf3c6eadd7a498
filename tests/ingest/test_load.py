"""The importer on tiny workbooks: one test per bullet of input-format.md."""

from __future__ import annotations

import datetime as dt
import importlib
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.ingest import Dataset, load, merging
from auditor.ingest import parts as file_parts
from auditor.ingest.discover import Found
from auditor.ingest.guard import Limits
from tests import hostile
from tests.conftest import SESSION_HEADER, info_sheet, session_row, write_workbook

Make = Callable[..., Path]
D = dt.date
#: The module (the package's ``load`` is its function of the same name).
load_module = importlib.import_module("auditor.ingest.load")


def _sessions(*rows: list[object], title: bool = True) -> tuple[str, list[list[object]]]:
    head: list[list[object]] = (
        [["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"], ["Chi bộ thôn 1"], ["Năm 2024"], []]
        if title
        else []
    )
    return ("Sinh hoạt", [*head, SESSION_HEADER, *rows])


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm", ".xls", ".ods"])
def test_every_format_gives_the_same_records(workbook: Make, suffix: str) -> None:
    path = workbook(
        f"CB-001{suffix}",
        [
            info_sheet(),
            _sessions(
                session_row(1, D(2024, 1, 5)),
                session_row(2, D(2024, 2, 6), "CĐ", "Học tập và làm theo"),
            ),
        ],
    )
    data = load([path])
    assert [i.status for i in data.inputs] == ["ok"]
    assert data.inputs[0].rows.model_dump() == {"read": 3, "accepted": 3, "rejected": 0}
    assert list(data.sessions["kind"]) == ["regular", "thematic"]
    assert list(data.sessions["date"].dt.date) == [D(2024, 1, 5), D(2024, 2, 6)]
    assert list(data.sessions["row"]) == [6, 7]
    assert set(data.sessions["cell_id"]) == {"CB-001"}
    assert list(data.sessions["present"]) == [18, 18]
    assert data.cells.iloc[0]["parent"] == "Đảng bộ xã A"


def test_directory_is_searched_recursively_and_lock_and_hidden_files_skipped(
    workbook: Make, tmp_path: Path
) -> None:
    workbook("A/x/CB-001.xlsx", [info_sheet(), _sessions(session_row(1, D(2024, 1, 5)))])
    workbook("B/CB-002.ods", [info_sheet("CB-002"), _sessions(session_row(1, D(2024, 1, 5)))])
    (tmp_path / "A" / "~$CB-001.xlsx").write_bytes(b"lock")
    (tmp_path / "B" / ".~lock.CB-002.ods#").write_bytes(b"lock")
    (tmp_path / "B" / ".hidden.xlsx").write_bytes(b"x")
    data = load([tmp_path])
    status = {i.file: i.status for i in data.inputs}
    assert status == {
        "A/x/CB-001.xlsx": "ok",
        "A/~$CB-001.xlsx": "skipped",
        "B/.~lock.CB-002.ods#": "skipped",
        "B/.hidden.xlsx": "skipped",
        "B/CB-002.ods": "ok",
    }
    assert sum(n.code == "file_skipped" for n in data.notes) == 3
    assert set(data.sessions["cell_id"]) == {"CB-001", "CB-002"}


def test_a_file_given_directly_is_named_by_its_file_name(workbook: Make) -> None:
    path = workbook(
        "deep/down/CB-001.xlsx", [info_sheet(), _sessions(session_row(1, D(2024, 1, 5)))]
    )
    data = load([path])
    assert data.inputs[0].file == "CB-001.xlsx"
    assert data.sessions.iloc[0]["file"] == "CB-001.xlsx"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "Tệp rỗng"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "Không phải tệp bảng tính"),
        (b"PK\x03\x04" + b"\x00" * 50, "Tệp bị hỏng"),
    ],
)
def test_one_unreadable_file_is_an_error_and_the_others_are_read(
    workbook: Make, tmp_path: Path, content: bytes, reason: str
) -> None:
    workbook("good.xlsx", [info_sheet(), _sessions(session_row(1, D(2024, 1, 5)))])
    (tmp_path / "bad.xlsx").write_bytes(content)
    data = load([tmp_path])
    by_file = {i.file: i for i in data.inputs}
    assert by_file["bad.xlsx"].status == "error"
    assert by_file["bad.xlsx"].error is not None and reason in by_file["bad.xlsx"].error
    assert by_file["bad.xlsx"].error_en
    assert by_file["good.xlsx"].status == "ok"
    assert len(data.sessions) == 1


def test_truncated_workbook_is_an_error(workbook: Make, tmp_path: Path) -> None:
    path = workbook("cut.xlsx", [info_sheet(), _sessions(session_row(1, D(2024, 1, 5)))])
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    (entry,) = load([path]).inputs
    assert entry.status == "error"
    assert entry.sha256 is not None


def test_tables_are_found_by_header_when_the_sheet_name_is_unknown(workbook: Make) -> None:
    path = workbook(
        "CB.xlsx",
        [
            ("Sheet1", [["Mã chi bộ", "Tên chi bộ", "Đảng bộ"], ["CB-9", "Chi bộ 9", "ĐB A"]]),
            ("Sheet2", [["Mã CB", "Quý", "Chủ đề dự kiến"], ["CB-9", "Quý I", "Chủ đề A"]]),
            (
                "Sheet3",
                [["Mã chi bộ", *SESSION_HEADER[1:]], ["CB-9", *session_row(0, D(2024, 1, 5))[1:]]],
            ),
        ],
    )
    data = load([path])
    assert (len(data.cells), len(data.plan), len(data.sessions)) == (1, 1, 1)
    assert data.plan.iloc[0]["quarter"] == 1


def test_sheet_aliases_are_compared_without_case_or_diacritics(workbook: Make) -> None:
    path = workbook(
        "CB.xlsx",
        [
            ("  THONG TIN ", [["Mã chi bộ:", "CB-1"], ["Tên chi bộ:", "Chi bộ 1"]]),
            ("ke hoach shcd", [["Quý", "Chủ đề"], ["II", "Chủ đề A"]]),
            ("NHẬT KÝ", [SESSION_HEADER, session_row(1, D(2024, 1, 5))]),
        ],
    )
    data = load([path])
    assert (len(data.cells), len(data.plan), len(data.sessions)) == (1, 1, 1)
    assert data.plan.iloc[0]["cell_id"] == "CB-1"
    assert data.plan.iloc[0]["sheet"] == "ke hoach shcd"


def test_rows_without_a_cell_code_belong_to_the_workbook_cell(workbook: Make) -> None:
    path = workbook("CB.xlsx", [info_sheet("CB-0012"), _sessions(session_row(1, D(2024, 1, 5)))])
    assert list(load([path]).sessions["cell_id"]) == ["CB-0012"]


def test_row_whose_cell_cannot_be_determined_is_rejected(workbook: Make) -> None:
    path = workbook(
        "tong_hop.xlsx",
        [
            ("Chi bộ", [["Mã chi bộ", "Tên chi bộ"], ["CB-1", "Một"], ["CB-2", "Hai"]]),
            (
                "Sinh hoạt",
                [
                    ["Mã chi bộ", *SESSION_HEADER[1:]],
                    ["CB-1", *session_row(0, D(2024, 1, 5))[1:]],
                    [None, *session_row(0, D(2024, 1, 6))[1:]],
                ],
            ),
        ],
    )
    data = load([path])
    (rejected,) = data.rejected
    assert (rejected.file, rejected.sheet, rejected.row) == ("tong_hop.xlsx", "Sinh hoạt", 3)
    assert "không xác định được chi bộ" in rejected.reason_vi.lower()
    assert rejected.column == "Mã chi bộ"
    assert data.inputs[0].rows.model_dump() == {"read": 4, "accepted": 3, "rejected": 1}


def test_cell_ids_are_reconciled_across_spellings(workbook: Make) -> None:
    path = workbook(
        "tong_hop.xlsx",
        [
            ("Chi bộ", [["Mã chi bộ", "Tên chi bộ"], ["CB-1", "Một"]]),
            (
                "Sinh hoạt",
                [["Mã chi bộ", *SESSION_HEADER[1:]], ["cb-1 ", *session_row(0, D(2024, 1, 5))[1:]]],
            ),
        ],
    )
    assert list(load([path]).sessions["cell_id"]) == ["CB-1"]


def test_unknown_columns_are_a_note_not_an_error(workbook: Make) -> None:
    path = workbook(
        "CB.xlsx",
        [
            info_sheet(),
            (
                "Sinh hoạt",
                [[*SESSION_HEADER, "Thời tiết"], [*session_row(1, D(2024, 1, 5)), "nắng"]],
            ),
        ],
    )
    data = load([path])
    assert len(data.sessions) == 1 and not data.rejected
    (note,) = [n for n in data.notes if n.code == "unknown_columns"]
    assert "Thời tiết" in note.message_vi and note.sheet == "Sinh hoạt" and note.row == 1


def test_title_rows_blank_rows_stt_totals_and_signatures_are_not_data(workbook: Make) -> None:
    rows: list[list[object]] = [
        ["ĐẢNG BỘ XÃ A", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
        ["CHI BỘ THÔN 1", None, None, "Độc lập - Tự do - Hạnh phúc"],
        [],
        ["SỔ THEO DÕI SINH HOẠT CHI BỘ"],
        ["Năm 2024"],
        [],
        [],
        [],
        [],
        [],
        SESSION_HEADER,
        session_row(1, D(2024, 1, 5)),
        [],
        [None, None, None, None],
        session_row(2, D(2024, 2, 5)),
        [3],  # a pre-numbered empty line
        ["Tổng cộng", None, None, None, None, None, 40, 36],
        [],
        [None, "Thôn 1, ngày 31 tháng 12 năm 2024"],
        [None, "Người lập biểu", None, None, None, None, "T/M CHI BỘ"],
        [None, None, None, None, None, None, "BÍ THƯ"],
        [None, "Nguyễn Văn An", None, None, None, None, "Trần Thị Bình"],
    ]
    path = workbook("CB.xlsx", [info_sheet(), ("Sinh hoạt", rows, ["A1:C1", "D1:G1"])])
    data = load([path])
    assert list(data.sessions["row"]) == [12, 15]
    assert not data.rejected
    assert data.inputs[0].rows.read == 3  # two sessions and the Thông tin record


def test_header_split_over_two_merged_rows(workbook: Make) -> None:
    header_top = ["STT", "Ngày sinh hoạt", "Loại", "Chủ đề", "Dự thảo", None, "Kết luận"]
    header_sub = [None, None, None, None, "Ngày duyệt", "Ngày gửi", None]
    row = [1, D(2024, 3, 20), "CĐ", "Chủ đề A", D(2024, 3, 10), D(2024, 3, 12), "Có"]
    path = workbook(
        "CB.xlsx",
        [
            info_sheet(),
            (
                "Sinh hoạt",
                [["Năm 2024"], header_top, header_sub, row],
                ["E2:F2", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "G2:G3"],
            ),
        ],
    )
    data = load([path])
    session = data.sessions.iloc[0]
    assert session["draft_approved"].date() == D(2024, 3, 10)
    assert session["draft_sent"].date() == D(2024, 3, 12)
    assert session["row"] == 4
    assert not [n for n in data.notes if n.code == "unknown_columns"]


def test_several_cells_and_years_in_one_sheet_each_row_decides(workbook: Make) -> None:
    header = ["Mã chi bộ", *SESSION_HEADER[1:]]
    path = workbook(
        "tong_hop.xlsx",
        [
            (
                "Sinh hoạt",
                [
                    header,
                    ["CB-1", *session_row(0, D(2023, 12, 5))[1:]],
                    ["CB-2", *session_row(0, D(2024, 1, 5))[1:]],
                ],
            ),
        ],
    )
    data = load([path])
    assert list(zip(data.sessions["cell_id"], data.sessions["date"].dt.year, strict=True)) == [
        ("CB-1", 2023),
        ("CB-2", 2024),
    ]


@pytest.mark.parametrize(
    ("cell", "column", "value", "reason_vi"),
    [
        (1, "Ngày sinh hoạt", "31/02/2024", "Ngày không tồn tại"),
        (2, "Loại sinh hoạt", "họp mặt", "Loại sinh hoạt không hợp lệ"),
        (6, "Tổng số đảng viên", "-3", "Số âm"),
        (7, "Số có mặt", 25, "Số có mặt lớn hơn tổng số"),
        (1, "Ngày sinh hoạt", None, "Thiếu giá trị bắt buộc"),
    ],
)
def test_bad_value_rejects_its_row_with_file_sheet_row_column_and_reason(
    workbook: Make, cell: int, column: str, value: object, reason_vi: str
) -> None:
    bad = session_row(2, D(2024, 2, 6))
    bad[cell] = value
    path = workbook("CB.xlsx", [info_sheet(), _sessions(session_row(1, D(2024, 1, 5)), bad)])
    data = load([path])
    (rejected,) = data.rejected
    assert (rejected.file, rejected.sheet, rejected.row, rejected.column) == (
        "CB.xlsx",
        "Sinh hoạt",
        7,
        column,
    )
    assert rejected.reason_vi.startswith(reason_vi)
    assert rejected.reason_en
    assert data.inputs[0].rows.model_dump() == {"read": 3, "accepted": 2, "rejected": 1}


def test_thematic_session_without_topic_is_rejected(workbook: Make) -> None:
    path = workbook("CB.xlsx", [info_sheet(), _sessions(session_row(1, D(2024, 2, 6), "CĐ", None))])
    (rejected,) = load([path]).rejected
    assert rejected.column == "Chủ đề"


def test_every_problem_of_a_row_is_listed_at_once(workbook: Make) -> None:
    bad = session_row(1, "31/02/2024", "họp mặt")
    bad[6] = "abc"
    path = workbook("CB.xlsx", [info_sheet(), _sessions(bad)])
    (rejected,) = load([path]).rejected
    assert [e.column for e in rejected.errors] == [
        "Ngày sinh hoạt",
        "Loại sinh hoạt",
        "Tổng số đảng viên",
    ]


def test_conclusion_text_means_yes_and_is_kept(workbook: Make) -> None:
    row = session_row(1, D(2024, 3, 5), "CĐ", "Chủ đề A")
    row[8] = "Đồng chí Bí thư kết luận: tiếp tục học tập"
    path = workbook("CB.xlsx", [info_sheet(), _sessions(row)])
    session = load([path]).sessions.iloc[0]
    assert bool(session["conclusion"]) is True
    assert session["conclusion_text"].startswith("Đồng chí")


def test_plan_table_with_quarter_forms_and_plan_dates(workbook: Make) -> None:
    path = workbook(
        "CB.xlsx",
        [
            info_sheet(),
            (
                "Kế hoạch",
                [
                    ["KẾ HOẠCH SINH HOẠT CHUYÊN ĐỀ NĂM 2024"],
                    [
                        "Quý thực hiện",
                        "Tên chuyên đề",
                        "Nhóm chủ đề",
                        "Phân công",
                        "Ngày ban hành",
                        "Báo cáo cấp ủy cấp trên",
                    ],
                    ["I", "Chủ đề 1", 1, "Đ/c A", "05/01/2024", "10/01/2024"],
                    ["Quý II", "Chủ đề 2", "Nhóm 2", "Đ/c B", None, None],
                    ["Q3", "Chủ đề 3", None, None, None, None],
                    [4, "Chủ đề 4", None, None, None, None],
                ],
            ),
        ],
    )
    plan = load([path]).plan
    assert list(plan["quarter"]) == [1, 2, 3, 4]
    assert plan.iloc[0]["plan_issued"].date() == D(2024, 1, 5)
    assert list(plan["topic_group"].fillna(0)) == [1, 2, 0, 0]


def test_cells_table_with_founding_and_dissolution(workbook: Make) -> None:
    path = workbook(
        "ds.xlsx",
        [
            (
                "Danh sách chi bộ",
                [
                    [
                        "Mã chi bộ",
                        "Tên chi bộ",
                        "Trực thuộc",
                        "Loại hình",
                        "Số ĐV",
                        "Bí thư chi bộ",
                        "Thành lập",
                        "Giải thể",
                    ],
                    ["CB-1", "Một", "ĐB A", "Nông thôn", "25 đ/c", "Ông A", "15/04/2024", None],
                    ["CB-2", "Hai", "ĐB A", "doanh nghiệp", 10, "Bà B", None, "30/09/2024"],
                ],
            )
        ],
    )
    cells = load([path]).cells
    assert list(cells["cell_type"]) == ["nông thôn", "doanh nghiệp"]
    assert cells.iloc[0]["active_from"].date() == D(2024, 4, 15)
    assert cells.iloc[1]["active_to"].date() == D(2024, 9, 30)
    assert list(cells["members"]) == [25, 10]


# --------------------------------------------------------------------------- property

_GOOD = st.builds(
    lambda d, k: session_row(0, d, k, "Chủ đề" if k != "TK" else None),
    st.dates(min_value=D(2024, 1, 1), max_value=D(2024, 12, 31)),
    st.sampled_from(["TK", "CĐ", "TK + CĐ"]),
)
_BAD = st.sampled_from(
    [
        session_row(0, "31/02/2024"),
        session_row(0, D(2024, 1, 1), "họp"),
        session_row(0, D(2024, 1, 1), total=5, present=9),
        session_row(0, None),
    ]
)
_NOISE = st.sampled_from([[], [None, ""], ["Tổng cộng", None, 1]])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.sampled_from(["good", "bad", "noise"]), _GOOD, _BAD, _NOISE), max_size=25
    ),
    st.sampled_from([".xlsx", ".ods"]),
)
def test_every_data_row_is_a_record_or_a_rejected_row(
    tmp_path_factory: pytest.TempPathFactory,
    plan: list[tuple[str, list[object], list[object], list[object]]],
    suffix: str,
) -> None:
    rows: list[list[object]] = [SESSION_HEADER]
    expect_good: list[int] = []
    expect_bad: list[int] = []
    for what, good, bad, noise in plan:
        if what == "good":
            rows.append(good)
            expect_good.append(len(rows))
        elif what == "bad":
            rows.append(bad)
            expect_bad.append(len(rows))
        elif noise and noise[0] == "Tổng cộng":
            continue  # a total closes a table; keep it out of the middle
        else:
            rows.append(noise)
    path = write_workbook(
        tmp_path_factory.mktemp("w") / f"CB{suffix}", [info_sheet(), ("Sinh hoạt", rows)]
    )
    data = load([path])
    counts = data.inputs[0].rows
    assert counts.read == counts.accepted + counts.rejected
    assert counts.read == len(expect_good) + len(expect_bad) + 1
    assert sorted(data.sessions["row"]) == expect_good
    assert sorted(r.row for r in data.rejected) == expect_bad


def test_formula_without_a_cached_value_is_a_note_and_never_computed(workbook: Make) -> None:
    row = session_row(2, D(2024, 2, 6))
    row[7] = "=G7-2"  # openpyxl stores the formula with no cached value
    path = workbook("CB.xlsx", [info_sheet(), _sessions(session_row(1, D(2024, 1, 5)), row)])
    data = load([path])
    (note,) = [n for n in data.notes if n.code == "formula_without_value"]
    assert (note.sheet, note.row) == ("Sinh hoạt", 7)
    assert "H7" in note.message_vi
    assert data.sessions["present"].isna().tolist() == [False, True]


def test_a_title_right_above_the_header_is_not_part_of_it(workbook: Make) -> None:
    rows = [
        ["SỔ THEO DÕI SINH HOẠT CHI BỘ NĂM 2024"],
        SESSION_HEADER,
        session_row(1, D(2024, 1, 5)),
    ]
    data = load([workbook("CB.xlsx", [info_sheet(), ("Sinh hoạt", rows)])])
    assert list(data.sessions["row"]) == [3]
    assert not [n for n in data.notes if n.code == "unknown_columns"]


def test_unused_lines_of_a_form_are_not_data(workbook: Make) -> None:
    plan = (
        "Kế hoạch",
        [
            ["STT", "Mã chi bộ", "Quý", "Chủ đề dự kiến"],
            ["Quý I", "CB-001", "I", "Chủ đề A"],
            ["Quý II", "CB-001", None, None],
            ["Quý III", None, "III", None],
        ],
    )
    sessions = (
        "Sinh hoạt",
        [SESSION_HEADER, ["Tháng 1"], ["Tháng 2"], session_row(3, D(2024, 3, 5))],
    )
    data = load([workbook("CB.xlsx", [info_sheet(), plan, sessions])])
    assert list(data.plan["quarter"]) == [1]
    assert len(data.sessions) == 1
    (rejected,) = data.rejected  # a quarter without its topic is data, and incomplete
    assert (rejected.sheet, rejected.row, rejected.column) == ("Kế hoạch", 4, "Chủ đề dự kiến")


def test_rows_that_only_look_like_totals_or_signatures_are_still_data(workbook: Make) -> None:
    topic_row = session_row(2, None, "CĐ", "Tổng kết công tác năm")  # no date: rejected
    topic_row[0] = None
    secretary_row = session_row(3, "31/02/2024", "TK")
    secretary_row[3] = "Bí thư báo cáo"
    rows = [
        SESSION_HEADER,
        session_row(1, D(2024, 1, 5)),
        topic_row,
        [None, None, None, "Tổng kết quý I"],
        secretary_row,
        ["Tổng cộng", None, None, None, None, None, 40, 36],
        [None, "Người lập biểu", None, None, "BÍ THƯ"],
        [None, "Nguyễn Văn An"],
    ]
    data = load([workbook("CB.xlsx", [info_sheet(), ("Sinh hoạt", rows)])])
    assert sorted(r.row for r in data.rejected) == [3, 4, 5]
    assert data.inputs[0].rows.model_dump() == {"read": 5, "accepted": 2, "rejected": 3}


# ------------------------------------------------------- a large workbook read in parts


def _assert_same(split: Dataset, whole: Dataset) -> None:
    for table in ("cells", "plan", "sessions"):
        pd.testing.assert_frame_equal(getattr(split, table), getattr(whole, table))
    assert split.inputs == whole.inputs

    def where(item: Any) -> tuple[Any, ...]:
        return (item.file or "", item.sheet or "", item.row or 0, getattr(item, "code", ""))

    assert sorted(split.rejected, key=where) == sorted(whole.rejected, key=where)
    assert sorted(split.notes, key=where) == sorted(whole.notes, key=where)


def _cell_sessions(name: str, cell: str, days: list[dt.date]) -> tuple[str, list[list[object]]]:
    rows = [["Mã chi bộ", *SESSION_HEADER[1:]]]
    rows += [[cell, *session_row(n, day)[1:]] for n, day in enumerate(days, start=1)]
    return (name, rows)


def test_a_large_workbook_read_in_parts_gives_what_reading_it_whole_gives(
    workbook: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both cores read one consolidated log: its sheets are dealt into parts by size,
    and the parts put together give every record, rejected row and note, in order."""
    days = [D(2024, 1, 1) + dt.timedelta(days=d) for d in range(0, 360, 3)]
    late = _cell_sessions("Sinh hoạt 1", "CB-1", days[:40])
    late[1][5][1] = "ngày 32/13"  # a bad date: the row is rejected with its place
    late[1][9][7] = "=G10-2"  # a formula with no saved value: a note
    path = workbook(
        "tong_hop.xlsx",
        [
            ("Chi bộ", [["Mã chi bộ", "Tên chi bộ"], ["CB-1", "Một"], ["CB-2", "Hai"]]),
            late,
            ("Kế hoạch", [["Mã chi bộ", "Quý", "Chủ đề"], ["CB-1", "I", "Nghị quyết"]]),
            _cell_sessions("Sinh hoạt 2", "CB-2", days),  # the largest: a part of its own
        ],
    )
    monkeypatch.setattr(load_module, "SPLIT_BYTES", 0)
    parts = file_parts.split_file(Found(path, path.name), Limits(), 2)
    assert isinstance(parts, list) and len(parts) == 2
    assert [sorted(p.take or ()) for p in parts] == [[], ["Chi bộ", "Kế hoạch", "Sinh hoạt 1"]]
    split, whole = load([path], workers=2), load([path], workers=0)
    _assert_same(split, whole)
    assert list(split.sessions["sheet"]) == ["Sinh hoạt 1"] * 39 + ["Sinh hoạt 2"] * 120
    assert [(r.sheet, r.row) for r in split.rejected] == [("Sinh hoạt 1", 6)]
    assert [(n.sheet, n.row) for n in split.notes] == [("Sinh hoạt 1", 10)]


def test_rows_naming_no_cell_are_read_whole_when_their_cell_is_in_another_part(
    workbook: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    days = [D(2024, 1, 1) + dt.timedelta(days=d) for d in range(0, 360, 3)]
    path = workbook(
        "CB.xlsx",
        [info_sheet("CB-0012"), _sessions(*(session_row(n, d) for n, d in enumerate(days)))],
    )
    monkeypatch.setattr(load_module, "SPLIT_BYTES", 0)
    parts = file_parts.split_file(Found(path, path.name), Limits(), 2)
    assert isinstance(parts, list) and len(parts) == 2
    # the sessions' part cannot know their cell: the parts are not put together
    read = [file_parts.read_part(part) for part in parts]
    assert merging.combine_parts(read, parts[0].order) is None
    split = load([path], workers=2)
    _assert_same(split, load([path], workers=0))
    assert set(split.sessions["cell_id"]) == {"CB-0012"}
    assert split.rejected == []


def test_a_large_workbook_whose_cell_is_only_in_its_name_says_so_once(
    workbook: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No part knows the cell, so each gives its rows the file name's cell: the note
    saying so is the file's, once, as reading it whole gives it."""
    days = [D(2024, 1, 1) + dt.timedelta(days=d) for d in range(0, 360, 3)]
    path = workbook(
        "CB-012_2024.xlsx",
        [
            _sessions(*(session_row(n, d) for n, d in enumerate(days)), title=False),
            ("Kế hoạch", [["Quý", "Chủ đề"], ["I", "Nghị quyết"], ["II", "Kinh tế"]]),
        ],
    )
    monkeypatch.setattr(load_module, "SPLIT_BYTES", 0)
    parts = file_parts.split_file(Found(path, path.name), Limits(), 2)
    assert isinstance(parts, list) and len(parts) == 2
    split = load([path], workers=2)
    _assert_same(split, load([path], workers=0))
    assert set(split.sessions["cell_id"]) == set(split.plan["cell_id"]) == {"CB-012"}
    assert [n.code for n in split.notes] == ["cell_from_file_name"]


def test_a_large_workbook_the_guard_refuses_gets_the_reason_it_gets_read_whole(
    workbook: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    # each part's worker scans its own sheets while calamine parses them
    path = workbook(
        "big.xlsx",
        [info_sheet(), _sessions(*(session_row(n, D(2024, 1, 5)) for n in range(9)))],
    )
    monkeypatch.setattr(load_module, "SPLIT_BYTES", 0)
    limits = Limits(max_rows=5)
    assert len(file_parts.split_file(Found(path, path.name), limits, 2)) == 2
    split = load([path], workers=2, limits=limits)
    _assert_same(split, load([path], workers=0, limits=limits))
    assert split.inputs[0].status == "error"
    assert "dòng" in (split.inputs[0].error or "")


def test_a_large_workbook_of_one_sheet_is_parsed_while_guarded_and_reads_as_whole(
    workbook: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = workbook("big.xlsx", [_sessions(*(session_row(n, D(2024, 1, 5)) for n in range(9)))])
    monkeypatch.setattr(load_module, "SPLIT_BYTES", 0)
    [part] = file_parts.split_file(Found(path, path.name), Limits(), 2)
    assert part.whole and part.sheet_of
    for limits in (Limits(), Limits(max_rows=5)):
        split = load([path], workers=2, limits=limits)
        _assert_same(split, load([path], workers=0, limits=limits))
    assert split.inputs[0].status == "error" and "dòng" in (split.inputs[0].error or "")


def test_a_large_workbook_whose_zip_directory_is_refused_is_never_opened_by_a_worker(
    workbook: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = workbook("big.xlsx", [info_sheet(), _sessions(session_row(1, D(2024, 1, 5)))])
    monkeypatch.setattr(load_module, "SPLIT_BYTES", 0)
    limits = Limits(max_members=3)
    refused = file_parts.split_file(Found(path, path.name), limits, 2)
    assert isinstance(refused, file_parts.FileResult)
    assert refused.input.status == "error" and "members" in (refused.input.error_en or "")


def test_a_part_that_crashes_its_worker_gets_the_guards_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # calamine asks for 512 GB for the far cell and aborts its (bounded) worker; the
    # parent then asks the guard why, and says what reading the file whole says
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    path = hostile.raw_xlsx(
        tmp_path / "far.xlsx",
        [
            ("Thông tin", hostile.sheet_xml(hostile.rows_xml([["Mã chi bộ", "CB-1"]]))),
            ("Sinh hoạt", hostile.sheet_xml(far)),
        ],
    )
    monkeypatch.setattr(load_module, "SPLIT_BYTES", 0)
    assert len(file_parts.split_file(Found(path, path.name), Limits(), 2)) == 2
    split = load([path], workers=2)
    _assert_same(split, load([path], workers=0))
    assert "16.384 cột" in (split.inputs[0].error or "")


class _LastFirst:
    """A reading pool that reads in this process and answers the last file first: the
    order in which worker processes may finish files."""

    def __init__(self, task: Callable[..., Any], limits: Limits, count: int, **_: Any) -> None:
        self.task, self.limits = task, limits

    def __enter__(self) -> _LastFirst:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        pass

    def run(self, items: list[Any], on_failure: Any, **_: Any) -> Any:
        answers = [(i, self.task(item, self.limits)) for i, item in enumerate(items)]
        yield from reversed(answers)


def test_files_read_out_of_order_are_merged_in_the_order_of_their_files(
    workbook: Make, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each file's rows join the dataset as soon as the files before it are read: files
    finished last first still give the dataset of reading them one by one."""
    for n in range(1, 7):
        cell = f"CB-{n:03d}"
        rows = [session_row(1, D(2024, n, 5)), session_row(2, D(2024, n, 20), present="x")]
        workbook(f"{cell}.xlsx", [info_sheet(cell, f"Chi bộ {n}"), _sessions(*rows)])
    (tmp_path / "CB-004 copy.xlsx").write_bytes(b"not a workbook")
    whole = load([tmp_path], workers=0)
    monkeypatch.setattr(load_module, "WorkerPool", _LastFirst)
    monkeypatch.setattr(load_module, "forks_first", lambda limits: True)
    shuffled = load([tmp_path], workers=2)
    _assert_same(shuffled, whole)
    assert list(dict.fromkeys(shuffled.sessions["cell_id"])) == [f"CB-{n:03d}" for n in range(1, 7)]
    assert [r.file for r in shuffled.rejected] == [r.file for r in whole.rejected]
    assert len(shuffled.rejected) == 6 and len(shuffled.inputs) == 7


#: Run in a fresh interpreter, as an audit starts: the reading workers' start method.
_FIRST_WORKERS = """
import importlib, sys
from pathlib import Path
import auditor.audit  # what an audit has imported when it starts reading
load_module = importlib.import_module("auditor.ingest.load")
asked = []
forks_first = load_module.forks_first
load_module.forks_first = lambda limits: asked.append(forks_first(limits)) or asked[-1]
load_module.load([Path(sys.argv[1])], workers=2)
print(asked[0])
"""


def test_an_audits_reading_workers_are_forked_from_it(workbook: Make, tmp_path: Path) -> None:
    """Forked, the readers start at once; from the fork server they first import the
    pipeline. An audit's parent holds little when it starts reading (no Dataset yet:
    its empty frames alone reserve a GB of address space), so its workers are forked."""
    for n in (1, 2):
        workbook(
            f"CB-{n:03d}.xlsx",
            [info_sheet(f"CB-{n:03d}"), _sessions(session_row(1, D(2024, 1, 5)))],
        )
    ran = subprocess.run(
        [sys.executable, "-c", _FIRST_WORKERS, str(tmp_path)],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    assert ran.stdout.split()[-1] == "True"
