"""Rows written whole (auditor/report/sheet_rows.py) make exactly the workbook XlsxWriter
makes cell by cell: every part of the .xlsx byte for byte, for any mix of values; and so
do rows another process wrote (auditor/report/xlsx.py's parts)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.models import Report
from auditor.report import excel, write_excel, xlsx
from auditor.report.excel import sheet_share
from auditor.report.sheet_rows import RowWriter
from auditor.report.xlsx import Book, Elsewhere, Part, Share, Styled
from tests import report_factories as f

#: both properties build workbooks in a temporary folder of their own, 60 examples each
_EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: text that XlsxWriter treats in each of its ways: escaped, kept whitespace, control
#: characters and their ``_xHHHH_`` look-alikes, formula-like, markup-like, very long
_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "Chi bộ Thôn 1",
            " leading",
            "trailing ",
            "a\nb",
            "x\r\ny",
            "tab\tinside",
            "_x0041_",
            "ctl\x01\x1f",
            "&<>\"'",
            "=SUM(A1)",
            "+1",
            "-1",
            "@x",
            "<r>run</r>",
            "",
            "Đảng bộ " * 15,
            "y" * 20_000,
        ]
    ),
)
_VALUE = st.one_of(
    st.none(),
    _TEXT,
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2200, 12, 31)),
    st.datetimes(min_value=dt.datetime(1899, 1, 1), max_value=dt.datetime(2200, 1, 1)),
    st.builds(
        Styled,
        st.one_of(st.none(), _TEXT, st.integers(0, 100)),
        st.sampled_from(["band:HTXSNV", "band:KHTNV", "bold", "moved", "text"]),
    ),
)


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        # the core properties hold the time the workbook was written
        return {n: archive.read(n) for n in archive.namelist() if n != "docProps/core.xml"}


def _table(path: Path, headers: list[str], body: list[list[Any]]) -> None:
    book = Book(path)
    try:
        book.table("Bảng", headers, body, preamble=[["Tiêu đề"]])
        book.table("Bảng 2", headers[:1], [row[:1] for row in body])
    finally:
        book.close()


def _cell_by_cell(monkeypatch: pytest.MonkeyPatch, write: Any) -> None:
    with monkeypatch.context() as patched:
        patched.setattr(RowWriter, "usable", staticmethod(lambda sheet: False))
        write()


def test_the_writer_is_in_use() -> None:
    """The comparison below is worth something only if the fast path runs here."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        "/dev/null", {"constant_memory": True}
    )  # never closed: nothing is written
    assert RowWriter.usable(workbook.add_worksheet())
    assert not RowWriter.usable(xlsxwriter.Workbook("/dev/null").add_worksheet())


@_EXAMPLES
@given(
    columns=st.integers(min_value=1, max_value=6),
    body=st.lists(st.lists(_VALUE, min_size=0, max_size=8), max_size=12),
)
def test_rows_written_whole_match_xlsxwriter_cell_by_cell(
    columns: int, body: list[list[Any]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    monkeypatch = pytest.MonkeyPatch()
    where = tmp_path_factory.mktemp("rows")
    headers = [f"Cột {i}" for i in range(columns)]
    _table(where / "whole.xlsx", headers, body)
    _cell_by_cell(monkeypatch, lambda: _table(where / "cells.xlsx", headers, body))
    assert _parts(where / "whole.xlsx") == _parts(where / "cells.xlsx")


def test_a_run_workbook_is_the_same_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cells, moves = f.scored_run()
    report: Report = f.report(
        cells, quota_moves=moves, rejected=[f.rejected_row("A/CB002.xlsx", value="=1+1")]
    )
    write_excel(report, f.rules(), tmp_path / "whole.xlsx")
    _cell_by_cell(monkeypatch, lambda: write_excel(report, f.rules(), tmp_path / "cells.xlsx"))
    whole, cells_ = _parts(tmp_path / "whole.xlsx"), _parts(tmp_path / "cells.xlsx")
    assert whole == cells_
    assert b"inlineStr" in whole["xl/worksheets/sheet1.xml"]  # the rows hold text


def _split_table(
    path: Path, headers: list[str], body: list[list[Any]], *, lost: bool = False
) -> list[Part | None]:
    """The table of :func:`_table` with a share of its rows made and written by a
    :class:`Share` (in this process: what the workbook does with a part does not depend
    on where it was written); ``lost``: the part never comes. Returns the parts made."""
    share = Share(headers, body, preamble=1)
    given: list[Part | None] = []

    def part() -> Part | None:
        given.append(share.part())
        return None if lost else given[-1]

    book = Book(path)
    try:
        rows = iter(body)  # the workbook makes only the rows it writes
        book.table(
            "Bảng", headers, rows, preamble=[["Tiêu đề"]], elsewhere=Elsewhere(share.shape, part)
        )
        book.table("Bảng 2", headers[:1], [row[:1] for row in body])
    finally:
        book.close()
    return given


@_EXAMPLES
@given(
    columns=st.integers(min_value=1, max_value=6),
    body=st.lists(st.lists(_VALUE, min_size=0, max_size=8), min_size=3, max_size=12),
    share=st.floats(min_value=0.05, max_value=0.95),
    lost=st.booleans(),
)
def test_rows_written_by_another_process_make_the_same_workbook(
    columns: int,
    body: list[list[Any]],
    share: float,
    lost: bool,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    where = tmp_path_factory.mktemp("part")
    headers = [f"Cột {i}" for i in range(columns)]
    _table(where / "whole.xlsx", headers, body)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(xlsx, "PART_ROWS", 3)
        patched.setattr(xlsx, "PART_SHARE", share)
        given = _split_table(where / "split.xlsx", headers, body, lost=lost)
    assert _parts(where / "split.xlsx") == _parts(where / "whole.xlsx")
    start = len(body) - int(len(body) * share)
    assert len(given) == 1
    part = given[0]
    if start < len(body) - 1:  # the last row is always the workbook's own
        assert part is not None and part.start == start and part.stop == len(body) - 1
        assert Path(part.path).exists() == lost  # taken into the workbook, then removed
        Path(part.path).unlink(missing_ok=True)
    else:
        assert part is None


def test_a_run_workbook_with_its_violations_written_elsewhere_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cells, moves = f.scored_run()
    report: Report = f.report(cells, quota_moves=moves)
    rows = sum(max(1, len(v.evidence)) for c in cells for v in c.violations)
    assert rows >= 4
    write_excel(report, f.rules(), tmp_path / "whole.xlsx")
    monkeypatch.setattr(xlsx, "PART_ROWS", 2)
    monkeypatch.setattr(xlsx, "PART_SHARE", 0.6)
    share = sheet_share(report, f.rules(), "Vi phạm")
    parts: list[Part | None] = []

    def part() -> Part | None:
        parts.append(share.part())
        return parts[-1]

    elsewhere = {"Vi phạm": Elsewhere(share.shape, part)}
    write_excel(report, f.rules(), tmp_path / "split.xlsx", elsewhere=elsewhere)
    assert parts and parts[0] is not None and parts[0].stop == rows - 1
    assert _parts(tmp_path / "split.xlsx") == _parts(tmp_path / "whole.xlsx")


def test_a_run_workbook_with_its_member_sheets_written_elsewhere_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A year with members: the other process writes a share of the violations, of the
    members and of their findings, and the workbook is the one written whole."""
    cells, moves = f.scored_run()
    report = f.with_members(f.report(cells, quota_moves=moves))
    names = excel.shared_sheets(report)
    assert names == ["Vi phạm", "Đảng viên", "Vi phạm đảng viên"]
    write_excel(report, f.rules(), tmp_path / "whole.xlsx")
    monkeypatch.setattr(xlsx, "PART_ROWS", 2)
    monkeypatch.setattr(xlsx, "PART_SHARE", 0.6)
    taken: dict[str, Part | None] = {}
    elsewhere = {}
    for name in names:
        share = sheet_share(report, f.rules(), name)

        def part(share: Share = share, name: str = name) -> Part | None:
            taken[name] = share.part()
            return taken[name]

        elsewhere[name] = Elsewhere(share.shape, part)
    write_excel(report, f.rules(), tmp_path / "split.xlsx", elsewhere=elsewhere)
    assert sorted(taken) == sorted(names) and all(taken.values())
    assert all(not Path(p.path).exists() for p in taken.values() if p is not None)
    assert _parts(tmp_path / "split.xlsx") == _parts(tmp_path / "whole.xlsx")


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 1 << 20])
def test_rows_copied_as_bytes_read_back_as_xlsxwriter_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """A sheet's rows are copied into its XML as bytes, line ends translated as XlsxWriter's
    text-mode read translates them (a sheet's text never holds a raw CR; this one does)."""
    import xlsxwriter

    from auditor.report import sheet_rows

    monkeypatch.setattr(sheet_rows, "_CHUNK", chunk)
    made = {}
    for way in ("text", "bytes"):
        path = tmp_path / f"{way}.xlsx"
        workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        sheet = workbook.add_worksheet()
        if way == "bytes":
            sheet_rows.copy_rows_as_bytes(sheet)
        sheet.write_string(0, 0, "Chi bộ")
        sheet._write_single_row(1)
        sheet.fh.write("a\r\nb\r\r\nc\rd\n\re\r")  # raw, as no cell writes it
        sheet.write_string(2, 0, "Đảng bộ\r\n")
        workbook.close()
        made[way] = _parts(path)
    assert made["bytes"] == made["text"]
    assert b"a\nb\n\nc\nd\n\ne\n" in made["bytes"]["xl/worksheets/sheet1.xml"]
