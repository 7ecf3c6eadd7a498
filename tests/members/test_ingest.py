"""The five member tables read like the others (members.md): by sheet name or header,
every row a record or a rejected row, names tied to one member, personal columns left out."""

from __future__ import annotations

import contextlib
import datetime as dt
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.ingest.load import load
from auditor.ingest.text import strip_accents
from auditor.ingest.values import ValueProblem
from auditor.members.resolve import name_key
from auditor.members.values import parse_clock, parse_mark, parse_month, parse_seconds
from tests.conftest import info_sheet, write_workbook

MEMBERS = (
    "Danh sách đảng viên",
    [
        ["DANH SÁCH ĐẢNG VIÊN CHI BỘ"],
        [],
        [
            "STT",
            "Mã đảng viên",
            "Họ và tên",
            "Ngày sinh",
            "Số điện thoại",
            "Loại đảng viên",
            "Miễn sinh hoạt",
            "Ngày chuyển đến",
            "Ngày chuyển đi",
        ],
        [1, "DV-01", "Nguyễn Văn An", "12/03/1961", "0912345678", "Chính thức", None, None, None],
        [2, "DV-02", "Trần Thị Bình", "01/01/1970", "0987654321", "Chính thức", "Có", None, None],
        [3, "DV-03", "Lê Văn Cường", "02/02/1980", None, "Dự bị", None, "15/04/2024", None],
        [4, "DV-04", "Phạm Văn Dũng", None, None, "Chính thức", None, None, "30/06/2024"],
        [5, "DV-05", "Nguyễn Văn Ấn", None, None, "Chính thức", None, None, None],
        [6, "DV-06", "Hoàng Văn Em", None, None, None, None, None, None],
        [7, "DV-07", "Hoàng Văn Em", None, None, None, None, None, None],
    ],
)
GRID = (
    "Điểm danh",
    [
        ["STT", "Họ và tên", *[f"T{m}" for m in range(1, 13)]],
        [1, "nguyễn  văn an", "x", "x", "K", "P", "x", "x", "x", "K", "x", "x", "K", "x"],
        [
            2,
            "Trần Thị Bình",
            "Miễn",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
        [3, "Hoàng Văn Em", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x"],
        [4, "Người Lạ", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x"],
        [5, "Lê Văn Cường", None, None, None, "?", "x", "x", "x", "x", "x", "x", "x", "x"],
    ],
)
STUDY = (
    "Học tập nghị quyết",
    [
        [
            "Tên nghị quyết",
            "Ngày học",
            "Hình thức",
            "Mã đảng viên",
            "Có mặt",
            "Ngày học bù",
            "Ngày nộp bài thu hoạch",
            "Kết quả bài thu hoạch",
            "Điểm trắc nghiệm",
        ],
        ["Nghị quyết 57", "10/05/2024", "Trực tuyến", "DV-01", "x", None, "20/05/2024", "Đạt", 9],
        [
            "Nghị quyết 57",
            "10/05/2024",
            "Trực tuyến",
            "dv- 02",
            "P",
            "01/06/2024",
            None,
            None,
            None,
        ],
        ["Nghị quyết 57", "10/05/2024", "Trực tuyến", "DV-99", "x", None, None, None, None],
    ],
)
QUIZ = (
    "Thi trắc nghiệm",
    [
        ["Tháng", "Họ và tên", "Điểm", "Số câu", "Thời gian làm bài"],
        ["T3", "Nguyễn Văn An", 9, 10, "4:05"],
        ["Tháng 3", "Lê Văn Cường", "9,5", 10, 250],
        [3, "Nguyễn Văn Ấn", 11, 10, 100],
    ],
)
SIX_GOOD = (
    "6 tốt",
    [
        ["Tháng", "Mã đảng viên", "Số tiêu chí đạt", "Xếp loại"],
        [1, "DV-01", 6, "6 tốt"],
        [2, "DV-01", 5, None],
    ],
)


@pytest.fixture
def members_year(tmp_path: Path) -> Path:
    write_workbook(tmp_path / "CB-001.xlsx", [info_sheet(), MEMBERS, GRID, STUDY, QUIZ, SIX_GOOD])
    write_workbook(
        tmp_path / "diem_danh_thang.xlsx",
        [
            (
                "Theo dõi dự sinh hoạt",
                [
                    ["Mã chi bộ", "Họ và tên", "Ngày sinh hoạt", "Có mặt", "Lý do"],
                    ["CB-001", "Phạm Văn Dũng", "05/02/2024", "Vắng", "Ốm"],
                    ["CB-001", "Phạm Văn Dũng", "05/03/2024", "vắng", None],
                    ["CB-002", "Phạm Văn Dũng", "05/03/2024", "x", None],
                ],
            )
        ],
    )
    return tmp_path


def test_every_member_table_is_read_into_records(members_year: Path) -> None:
    data = load([members_year])
    assert list(data.members["member_id"]) == [f"DV-0{n}" for n in range(1, 8)]
    assert data.members.set_index("member_id").loc["DV-02", "exempt_from"] is True
    assert data.members.set_index("member_id").loc["DV-03", "joined"] == pd_day(2024, 4, 15)
    grid = data.attendance_grid.set_index("member_id")
    assert grid.loc["DV-01", "m03"] == "unexcused" and grid.loc["DV-01", "m04"] == "excused"
    assert grid.loc["DV-02", "m01"] == "exempt" and grid.loc["DV-02", "m02"] is None
    assert set(data.study["member_id"]) == {"DV-01", "DV-02"}
    assert set(data.quiz["member_id"]) == {"DV-01", "DV-03"}
    assert data.quiz.set_index("member_id").loc["DV-01", "seconds"] == 245
    assert list(data.six_good["criteria_met"]) == [6, 5]
    long = data.attendance
    assert list(long["mark"]) == ["absent", "absent"] and list(long["cell_id"]) == ["CB-001"] * 2


def pd_day(year: int, month: int, day: int) -> object:
    import pandas as pd

    return pd.Timestamp(year, month, day)


def _rejected(members_year: Path) -> dict[tuple[str, str, int], tuple[str, str, str]]:
    data = load([members_year])
    return {(r.file, r.sheet, r.row): (r.column, r.value, r.reason_vi) for r in data.rejected}


def test_an_unknown_or_ambiguous_name_is_a_rejected_row_at_its_place(members_year: Path) -> None:
    rejected = _rejected(members_year)
    assert rejected[("CB-001.xlsx", "Điểm danh", 4)] == (
        "Họ và tên",
        "Hoàng Văn Em",
        "Có 2 đảng viên cùng tên trong chi bộ CB-001: ghi Mã đảng viên",
    )
    assert rejected[("CB-001.xlsx", "Điểm danh", 5)][2].startswith("Không có đảng viên tên này")
    # the diacritics are part of a name: "Ấn" is not "An", and both exist
    assert ("CB-001.xlsx", "Thi trắc nghiệm", 4) in rejected  # a score of 11 of 10
    assert rejected[("CB-001.xlsx", "Học tập nghị quyết", 4)][:2] == ("Mã đảng viên", "DV-99")
    # a name in another cell than the row's
    assert rejected[("diem_danh_thang.xlsx", "Theo dõi dự sinh hoạt", 4)][2] == (
        "Không có đảng viên tên này trong chi bộ CB-002"
    )
    assert rejected[("CB-001.xlsx", "Điểm danh", 6)][:2] == ("T4", "?")


def test_every_row_is_a_record_or_a_rejected_row(members_year: Path) -> None:
    data = load([members_year])
    by_file = {i.file: i.rows for i in data.inputs}
    tables = ("members", "attendance", "attendance_grid", "study", "quiz", "six_good")
    for name, rows in by_file.items():
        accepted = sum(int((getattr(data, t)["file"] == name).sum()) for t in tables)
        accepted += int((data.cells["file"] == name).sum())
        rejected = sum(1 for r in data.rejected if r.file == name)
        assert (rows.read, rows.accepted, rows.rejected) == (
            accepted + rejected,
            accepted,
            rejected,
        )
    assert by_file["CB-001.xlsx"].rejected == 5


def test_personal_columns_are_left_out_with_a_note(members_year: Path) -> None:
    data = load([members_year])
    notes = [n for n in data.notes if n.code == "personal_columns_dropped"]
    assert len(notes) == 1 and "Ngày sinh, Số điện thoại" in notes[0].message_vi
    assert not any(n.code == "unknown_columns" and "Ngày sinh" in n.message_vi for n in data.notes)
    held = repr([getattr(data, t).to_dict() for t in ("members", "attendance_grid")])
    assert "0912345678" not in held and "1961" not in held


def test_a_duplicate_member_code_is_refused_naming_the_first(tmp_path: Path) -> None:
    header = ["Mã chi bộ", "Mã đảng viên", "Họ và tên"]
    write_workbook(tmp_path / "a.xlsx", [("Đảng viên", [header, ["CB-1", "DV-1", "An"]])])
    write_workbook(tmp_path / "b.xlsx", [("Đảng viên", [header, ["CB-2", "dv-1", "Bình"]])])
    data = load([tmp_path])
    assert list(data.members["member_name"]) == ["An"]
    (refused,) = data.rejected
    assert (refused.file, refused.row, refused.column) == ("b.xlsx", 2, "Mã đảng viên")
    assert "a.xlsx" in refused.reason_vi and "a.xlsx" in refused.reason_en


def test_a_sheet_found_by_its_headers_whatever_its_name(tmp_path: Path) -> None:
    write_workbook(
        tmp_path / "x.xlsx",
        [
            (
                "Sheet1",
                [
                    ["Mã chi bộ", "Mã đảng viên", "Họ và tên", "Loại đảng viên"],
                    ["CB-1", "DV-1", "An", "Chính thức"],
                ],
            ),
            ("Sheet2", [["Mã đảng viên", "Tháng 1", "Tháng 2"], ["DV-1", "P", "K"]]),
            ("Sheet3", [["Mã đảng viên", "Ngày sinh hoạt", "Có mặt"], ["DV-1", "03/03/2024", "K"]]),
        ],
    )
    data = load([tmp_path])
    assert data.rejected == []
    assert list(data.attendance_grid[["m01", "m02"]].iloc[0]) == ["excused", "unexcused"]
    assert list(data.attendance["mark"]) == ["unexcused"] and data.sessions.empty


def test_a_log_without_member_tables_reads_as_before(tmp_path: Path) -> None:
    from tests.conftest import SESSION_HEADER

    row = ["1", "05/01/2024", "Thường kỳ", None, None, None, 10, 9, "Có", None, None]
    write_workbook(tmp_path / "CB-001.xlsx", [info_sheet(), ("Sinh hoạt", [SESSION_HEADER, row])])
    data = load([tmp_path])
    assert len(data.sessions) == 1 and data.members.empty and data.attendance.empty


@given(st.text(max_size=12))
def test_a_mark_is_read_or_refused_never_crashes(text: str) -> None:
    with contextlib.suppress(ValueProblem):
        assert parse_mark(text) in {"present", "excused", "unexcused", "absent", "exempt", None}


@given(
    st.sampled_from(["Nguyễn Văn An", "Trần Thị Bình", "Đỗ Thị Ấn"]),
    st.sampled_from(["NFC", "NFD"]),
    st.sampled_from([str.upper, str.lower, str.title]),
    st.sampled_from([" ", "  ", "\n"]),
)
def test_a_name_matches_however_cased_spaced_or_composed(
    name: str, form: str, case: object, space: str
) -> None:
    typed = space.join(case(unicodedata.normalize(form, name)).split(" "))  # type: ignore[operator]
    assert name_key(typed) == name_key(name)
    assert name_key(name) != name_key(strip_accents(name))


def test_quiz_times_months_and_hand_in_times() -> None:
    assert parse_seconds("4:05") == 245 and parse_seconds("4 phút 5 giây") == 245
    assert parse_seconds(dt.time(4, 5)) == 245  # "4:05" typed, stored as 04:05:00
    assert parse_seconds(dt.timedelta(minutes=4, seconds=5)) == 245
    assert parse_month("Tháng 03") == 3 and parse_month("3/2024") == 3
    assert parse_month(dt.date(2024, 7, 9)) == 7
    assert parse_clock("20:15:30") == 72930 and parse_clock(dt.time(20, 15, 30)) == 72930
    with pytest.raises(ValueProblem):
        parse_month("T13")


_ANY = st.one_of(
    st.none(),
    st.text(max_size=10),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
)


@given(_ANY)
def test_member_parsers_read_or_refuse_any_cell_value(value: object) -> None:
    from auditor.ingest.records import PARSERS

    for table in ("members", "attendance", "study", "quiz", "six_good"):
        for parser in PARSERS[table].values():
            with contextlib.suppress(ValueProblem):
                parser(value)
