"""A small year of member tables shared by the member tests: each DV rule is broken,
exempt and transferred members, a quiz with a tie and an attempt over its time."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import SESSION_HEADER, info_sheet, write_workbook

_K = "K"


def _grid_row(name: str, unexcused: set[int], mark: str = "x") -> list[object]:
    return [name, *(_K if m in unexcused else mark for m in range(1, 13))]


def write_member_year(folder: Path) -> Path:
    """A cell's workbook with every member table, each rule broken once or twice."""
    session = ["1", "05/01/2024", "Thường kỳ", None, None, None, 10, 9, "Có", None, None]
    members = [
        ["Mã đảng viên", "Họ và tên", "Miễn sinh hoạt", "Ngày chuyển đến", "Ngày chuyển đi"],
        ["DV-01", "Nguyễn Văn An", None, None, None],
        ["DV-02", "Trần Thị Bình", "Có", None, None],
        ["DV-03", "Lê Văn Cường", None, "15/06/2024", None],
        ["DV-04", "Phạm Văn Dũng", None, None, "31/03/2024"],
        *[[f"DV-0{n}", f"Đảng viên {n}", None, None, None] for n in range(5, 10)],
    ]
    grid = [
        ["Họ và tên", *[f"Tháng {m}" for m in range(1, 13)]],
        _grid_row("Nguyễn Văn An", {2, 5, 11}),
        _grid_row("Trần Thị Bình", {1, 2, 3, 4}),
        _grid_row("Lê Văn Cường", {1, 2, 3, 4, 5, 7}),
        _grid_row("Phạm Văn Dũng", {2, 3, 5, 6}),
    ]
    study_header = [
        "Tên nghị quyết",
        "Ngày học",
        "Mã đảng viên",
        "Có mặt",
        "Ngày học bù",
        "Ngày nộp bài thu hoạch",
        "Kết quả bài thu hoạch",
    ]
    nq = "Nghị quyết 18"
    study = [
        study_header,
        [nq, "10/05/2024", "DV-01", "K", None, None, None],
        [nq, "10/05/2024", "DV-03", "P", None, None, None],  # before he joined: not judged
        [nq, "10/07/2024", "DV-03", "P", "20/08/2024", "25/08/2024", "Đạt"],
        [nq, "10/05/2024", "DV-05", "P", "20/05/2024", "25/05/2024", "Đạt"],
        [nq, "10/05/2024", "DV-06", "x", None, None, None],
        [nq, "10/05/2024", "DV-07", "x", None, "12/05/2024", "Không đạt"],
        [nq, "10/05/2024", "DV-08", "x", None, "30/05/2024", "Đạt"],
        [nq, "10/05/2024", "DV-09", "P", None, None, None],  # never made up
        [nq, "10/05/2024", "DV-02", "K", None, None, None],  # exempt: not judged
    ]
    quiz = [
        ["Tháng", "Mã đảng viên", "Điểm", "Số câu", "Thời gian làm bài"],
        ["T3", "DV-01", 9, 10, "3:20"],
        ["T3", "DV-05", 9, 10, 200],
        ["T3", "DV-06", 10, 10, 400],  # over 10 × 30 s: listed, cannot win
        ["T4", "DV-01", 8, 10, 100],
        ["T4", "DV-05", 8, 10, 90],
    ]
    write_workbook(
        folder / "CB-001.xlsx",
        [
            info_sheet(),
            ("Sinh hoạt", [SESSION_HEADER, session]),
            ("Đảng viên", members),
            ("Điểm danh", grid),
            ("Học tập nghị quyết", study),
            ("Thi trắc nghiệm", quiz),
        ],
    )
    return folder
