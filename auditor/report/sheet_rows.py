"""Whole rows of a constant-memory XlsxWriter sheet written as XML strings.

``report.xlsx``'s big tables (one row per cell, one per violation and evidence row) are
hundreds of thousands of cells, nearly all plain text or numbers, and most of the text
repeats (a rule's title, a remedy, a file name). XlsxWriter builds each cell's XML on
its own (attribute lists, escaping, whitespace checks for every occurrence); this writes
a row's common cells (plain text, styled or not, and finite numbers) itself, escaping
each distinct text once, and hands every other cell (dates, booleans, styled blanks and
numbers, formula-like or markup-like text, NaN, text too long for a cell) to XlsxWriter's
own cell writer in place, so the workbook is exactly the one XlsxWriter writes cell by
cell (a test compares the two byte for byte).

It uses XlsxWriter's worksheet internals (its pending-row bookkeeping and its cell and
row XML writers); :meth:`RowWriter.usable` checks they are there, and the table writer
falls back to XlsxWriter's public methods when they are not.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import re
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from xlsxwriter.utility import _preserve_whitespace, xl_col_to_name
from xlsxwriter.xmlwriter import XMLwriter

from auditor.report.safe import is_plain

__all__ = ["RowWriter", "Styled", "copy_rows_as_bytes"]


class Styled(NamedTuple):
    """A value with a named style (``band:HTXSNV``, ``bold``, ...)."""

    value: Any
    style: str


#: XlsxWriter's private worksheet members this relies on.
_NEEDED = (
    "previous_row",
    "table",
    "row_info",
    "fh",
    "_write_single_row",
    "_write_row",
    "_write_cell",
    "_check_dimensions",
    "_escape_data",
    "_convert_date_time",
)

#: Text longer than this may exceed a cell's 32,767 UTF-16 units: XlsxWriter truncates it.
_SHORT = 32_767 // 2

#: Text with none of these is written as it is by XlsxWriter: no control character nor
#: ``_xHHHH_`` to escape, nothing for XML to escape, no whitespace at either end to keep.
_SPECIAL = re.compile(r'[\x00-\x08\x0b-\x1f&<>"\n]|_x[0-9a-fA-F]{4}_|^\s|\s$')

#: Distinct texts remembered per column (most repeat; a column of names does not).
_CACHED = 20_000

#: The height of a row whose height was set before it was written: XlsxWriter's row tag.
_THEIRS: Any = object()

#: A cell the row writer leaves to XlsxWriter: (row, column, value) -> None
SlowCell = Callable[[int, int, Any], None]


def _text_tail(cell_format: Any) -> str:
    return f'" s="{cell_format._get_xf_index()}" t="inlineStr"><is><t'


class RowWriter:
    """Writes the rows of one sheet, in order, below what XlsxWriter has written."""

    def __init__(
        self,
        sheet: Any,
        plain: Sequence[Any],
        number: Any,
        styled: Callable[[str, int], Any],
        date: Callable[[], Any] | None = None,
    ) -> None:
        """``plain`` is the format of plain text in each column (its index is the
        column's), ``number`` the format of numbers, ``styled(style, column)`` the format
        of a :class:`Styled` text in that column, ``date()`` the format of a date (dates
        go to the cell writer without it)."""
        self.sheet = sheet
        self.columns = len(plain)
        self.refs = [f'<c r="{xl_col_to_name(col)}' for col in range(self.columns)]
        # A format's index is taken at its first cell, as XlsxWriter takes it, so the
        # workbook's styles are numbered as XlsxWriter alone numbers them.
        self.plain = plain
        self.text_tails: list[str | None] = [None] * len(plain)
        self.number = number
        self.number_tail = ""
        self.texts: list[dict[str, str]] = [{} for _ in plain]
        self.styled = styled
        self.styled_texts: dict[tuple[int, str, str], str] = {}
        self.date = date
        self.date_tail = ""
        #: A year's violations hold a few hundred distinct days, tens of thousands of
        #: times: each day's serial number is XlsxWriter's, converted once.
        self.days: dict[dt.date, str] = {}
        #: The end of a row's start tag, after its number, for each height.
        self.row_tails: dict[float | None, str] = {}

    @staticmethod
    def usable(sheet: Any) -> bool:
        """True when ``sheet`` streams its rows (constant memory) through the XlsxWriter
        internals this writer takes part in."""
        return bool(getattr(sheet, "constant_memory", False)) and all(
            hasattr(sheet, name) for name in _NEEDED
        )

    def _text(self, col: int, value: str) -> str:
        """The cell's XML after its reference: escaped as XlsxWriter escapes inline text."""
        known = self.texts[col].get(value)
        if known is None:
            tail = self.text_tails[col]
            if tail is None:
                tail = self.text_tails[col] = _text_tail(self.plain[col])
            known = f"{tail}{self._escaped(value)}</t></is></c>"
            if len(self.texts[col]) < _CACHED:
                self.texts[col][value] = known
        return known

    def _styled_text(self, col: int, style: str, value: str) -> str:
        key = (col, style, value)
        known = self.styled_texts.get(key)
        if known is None:
            tail = _text_tail(self.styled(style, col))
            known = f"{tail}{self._escaped(value)}</t></is></c>"
            if len(self.styled_texts) < _CACHED:
                self.styled_texts[key] = known
        return known

    def _day(self, value: dt.date) -> str:
        """A date cell's XML after its row number, as XlsxWriter writes a
        ``write_datetime`` of that day at midnight in the date format."""
        known = self.days.get(value)
        if known is None:
            if not self.date_tail:
                if self.date is None:
                    raise RuntimeError("a date cell for a row writer without a date format")
                self.date_tail = f'" s="{self.date()._get_xf_index()}"><v>'
            serial = self.sheet._convert_date_time(dt.datetime.combine(value, dt.time()))
            known = self.days[value] = f"{self.date_tail}{serial:.16G}</v></c>"
        return known

    def _row_tag(self, row: int, number: str, height: Any) -> str:
        """The ``<row>`` start tag of ``row`` (its 1-based ``number``) ``height`` points
        high (None: the default), as XlsxWriter writes it after ``set_row``.

        XlsxWriter's ``set_row`` and row tag cost a third of a row's time in a table of
        short rows; the tag depends on the row only through its number, so XlsxWriter
        writes it once per height (into a buffer) and the rest of the row is the same.
        The row's height is kept only for a row left pending (without a cell)."""
        sheet = self.sheet
        if height is _THEIRS:
            return self._written_row_tag(row)
        tail = self.row_tails.get(height)
        if tail is None:
            if height is not None:
                sheet.set_row(row, height)
            tag = self._written_row_tag(row)
            prefix = f'<row r="{number}"'
            if not tag.startswith(prefix):
                return tag
            tail = self.row_tails[height] = tag[len(prefix) :]
        return f'<row r="{number}"{tail}'

    def _written_row_tag(self, row: int) -> str:
        sheet = self.sheet
        kept, sheet.fh = sheet.fh, io.StringIO()
        try:
            sheet._write_row(row, None, sheet.row_info.get(row))
            return str(sheet.fh.getvalue())
        finally:
            sheet.fh = kept

    def _escaped(self, value: str) -> str:
        """What follows ``<t`` up to the text's end, as XlsxWriter writes it."""
        if not _SPECIAL.search(value):
            return f">{value}"
        text = XMLwriter._escape_control_characters(value)
        preserve = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
        return f"{preserve}>{self.sheet._escape_data(text)}"

    def write(self, row: int, values: Sequence[Any], height: float | None, slow: SlowCell) -> bool:
        """Write row ``row`` (``height`` in points, or the default); False when it cannot
        (a row at or above XlsxWriter's pending one: the caller writes it cell by cell).

        Plain text within the sheet's columns and finite numbers are written here; every
        other value goes to ``slow``, which must store it with XlsxWriter's ``write_*``
        methods (or nothing), and is then written by XlsxWriter's own cell writer at its
        place in the row."""
        sheet = self.sheet
        if row < sheet.previous_row or (row == sheet.previous_row and sheet.table.get(row)):
            return False
        if row > sheet.previous_row:
            sheet._write_single_row(row)  # what is pending above; ``row`` becomes pending
        if row in sheet.row_info:  # its height set before: XlsxWriter's own row tag
            if height is not None:
                sheet.set_row(row, height)
            height = _THEIRS
        out: list[str] = []
        fast: list[int] = []
        opened = False
        number = str(row + 1)
        refs, columns, pending = self.refs, self.columns, sheet.table[row]
        texts = self.texts
        for col, value in enumerate(values):
            if value is None:
                continue
            kind = type(value)
            if kind is str and col < columns:
                # most text repeats: a text seen in this column is plain and written
                known = texts[col].get(value)
                if known is not None:
                    out += (refs[col], number, known)
                    fast.append(col)
                    continue
            if kind is str and col < columns and value and len(value) <= _SHORT:
                if is_plain(value):
                    out.append(refs[col])
                    out.append(number)
                    out.append(self._text(col, value))
                    fast.append(col)
                    continue
            elif (kind is int or (kind is float and math.isfinite(value))) and col < columns:
                if not self.number_tail:
                    self.number_tail = f'" s="{self.number._get_xf_index()}"><v>'
                out.append(f"{refs[col]}{number}{self.number_tail}{value:.16G}</v></c>")
                fast.append(col)
                continue
            elif kind is str and not value:
                continue  # an empty text in a column's own style: XlsxWriter writes nothing
            elif kind is dt.date and self.date is not None and col < columns:
                if value.year >= 1900:
                    out.append(f"{refs[col]}{number}{self._day(value)}")
                    fast.append(col)
                    continue
            elif kind is Styled and col < columns:
                text, style = value
                if type(text) is str and text and len(text) <= _SHORT and is_plain(text):
                    out.append(refs[col])
                    out.append(number)
                    out.append(self._styled_text(col, style, text))
                    fast.append(col)
                    continue
            slow(row, col, value)
            cell = pending.pop(col, None)
            if cell is not None:
                if not opened:
                    out.insert(0, self._row_tag(row, number, height))
                    opened = True
                sheet.fh.write("".join(out))
                out.clear()
                sheet._write_cell(row, col, cell)
        if fast:
            sheet._check_dimensions(row, fast[0])
            sheet._check_dimensions(row, fast[-1])
        elif not opened:
            if height is not None and height is not _THEIRS:
                sheet.set_row(row, height)
            return True  # no cell: the row stays XlsxWriter's pending one (its height)
        if not opened:
            out.insert(0, self._row_tag(row, number, height))
        out.append("</row>")
        sheet.fh.write("".join(out))
        pending.clear()
        sheet.previous_row = row + 1  # written: XlsxWriter's next flush starts below it
        return True


#: Bytes copied at a time from a sheet's file of rows into its XML.
_CHUNK = 1 << 20


def copy_rows_as_bytes(sheet: Any) -> None:
    """Have ``sheet`` (constant memory, its rows in a temporary file) copy its rows into
    its XML as bytes when the workbook closes.

    XlsxWriter reads the rows back as text and writes them again (decoding and encoding
    55 MB of a province year's violations: a fifth of closing the workbook, beside the
    compression). The bytes are the same: the file is UTF-8 as XlsxWriter writes it, and
    line ends are translated as its text-mode read translates them (``\r\n`` and ``\r``
    become ``\n``; a sheet's text holds none, XlsxWriter escapes ``\r``). A sheet
    without the XlsxWriter internals this needs is left as it is."""
    needed = ("_write_optimized_sheet_data", "row_data_fh", "row_data_filename", "fh")
    if not getattr(sheet, "constant_memory", False) or not all(hasattr(sheet, n) for n in needed):
        return
    theirs = sheet._write_optimized_sheet_data

    def write() -> None:
        out, rows = sheet.fh, sheet.row_data_fh
        if sheet.dim_rowmin is None or not hasattr(out, "buffer") or not hasattr(rows, "buffer"):
            theirs()
            return
        sheet._xml_start_tag("sheetData")
        out.flush()
        rows.flush()
        rows.seek(0)
        source, target = rows.buffer, out.buffer
        carried = b""
        while chunk := source.read(_CHUNK):
            if carried:
                chunk, carried = carried + chunk, b""
            if chunk.endswith(b"\r"):  # perhaps the first half of a \r\n
                chunk, carried = chunk[:-1], b"\r"
            if b"\r" in chunk:
                chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            target.write(chunk)
        if carried:
            target.write(b"\n")
        rows.close()
        os.unlink(sheet.row_data_filename)
        sheet._xml_end_tag("sheetData")

    sheet._write_optimized_sheet_data = write
