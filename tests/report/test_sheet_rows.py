"""Rows written whole (auditor/report/sheet_rows.py) make exactly the workbook XlsxWriter
makes cell by cell: every part of the .xlsx byte for byte, for any mix of values."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.models import Report
from auditor.report import write_excel
from auditor.report.sheet_rows import RowWriter
from auditor.report.xlsx import Book, Styled
from tests import report_factories as f

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


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
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
