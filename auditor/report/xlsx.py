"""A thin layer over XlsxWriter shared by ``report.xlsx`` and the per-cell workbooks.

Every workbook is opened with ``strings_to_formulas``, ``strings_to_urls`` and
``strings_to_numbers`` off and ``constant_memory`` on (rows are written in order, one
sheet after the other), or ``in_memory`` for small workbooks. Text always goes through
``write_string``; text that looks like a formula also gets the quote-prefix flag (see
:mod:`auditor.report.safe`). Nothing is ever written as a formula.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import xlsxwriter

from auditor.report.common import BAND_COLOURS
from auditor.report.safe import is_formula_like, is_plain, write_text
from auditor.report.sheet_rows import RowWriter, Styled, copy_rows_as_bytes

__all__ = [
    "MAX_ROWS",
    "Book",
    "Elsewhere",
    "Part",
    "Shape",
    "Share",
    "Styled",
    "part_start",
    "print_setup",
    "wrapped_height",
]

#: Excel's row limit (header included).
MAX_ROWS = 1_048_576
_MAX_WIDTH = 60
_FONT = "Times New Roman"


_STYLES: dict[str, dict[str, Any]] = {
    "text": {},
    "wrap": {"text_wrap": True, "valign": "top"},
    "header": {
        "bold": True,
        "bg_color": "#1F4E79",
        "font_color": "#FFFFFF",
        "text_wrap": True,
        "valign": "vcenter",
        "border": 1,
    },
    "title": {"bold": True, "font_size": 14},
    "bold": {"bold": True},
    "date": {"num_format": "dd/mm/yyyy", "align": "left"},
    "moved": {"bg_color": "#FCE4D6"},
    **{
        f"band:{band}": {"bg_color": fill, "font_color": font, "bold": True}
        for band, (fill, font) in BAND_COLOURS.items()
    },
}


def _shown_length(value: Any) -> int:
    if type(value) is str and "\n" not in value and "\r" not in value:
        return len(value)  # most values: one line of text
    if isinstance(value, Styled):
        value = value.value
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def _longest(values: Sequence[Any]) -> int:
    """The longest line any of ``values`` shows (a column's values: a few hundred
    distinct ones over thousands of rows, or mostly blank)."""
    try:
        shown = set(values)
    except TypeError:  # an unhashable value: look at every one
        return max(map(_shown_length, values), default=0)
    shown.discard(None)
    return max(map(_shown_length, shown), default=0)


#: Points per line of 11-point text (Excel's and LibreOffice's default row height).
LINE_POINTS = 15.0


def wrapped_height(cells: Iterable[tuple[Any, float]], line: float = LINE_POINTS) -> float | None:
    """The height (points) a row needs so its wrapped cells show all their text, given each
    cell's value and its column's width; None when one line is enough.

    XlsxWriter cannot autofit a row (only Excel can, when it recalculates), and LibreOffice
    keeps the default height of rows written without one, so wrapped text overlapped the
    next row on print. The estimate is deliberately generous: a column of width ``w``
    holds about ``w`` characters of 11-point Times New Roman, less two for the words that
    wrap early, so a row may get a little air but never cuts a line off.
    """
    given = list(cells)
    wrapping = [(i, _per_line(width)) for i, (_, width) in enumerate(given)]
    return _row_height([value for value, _ in given], wrapping, line)


def _per_line(width: float) -> int:
    """Characters a line of a column ``width`` wide holds (see :func:`wrapped_height`)."""
    return max(1, int(width) - 2)


def _row_height(
    values: Sequence[Any], wrapping: Sequence[tuple[int, int]], line: float = LINE_POINTS
) -> float | None:
    """:func:`wrapped_height` of a row's ``values``, given (column, characters a line)
    of its wrapping columns: the table writer's form, called once per row (64,000 rows
    of violations in a province year), with each column's line length worked out once."""
    lines = 1
    count = len(values)
    for i, per_line in wrapping:
        if i >= count:
            continue
        value = values[i]
        if value is None:
            continue
        if type(value) is not str:
            if isinstance(value, Styled):
                value = value.value
            value = value if isinstance(value, str) else str(value)
        if "\n" not in value:
            if len(value) <= per_line:
                continue
            needed = -(-len(value) // per_line)
        else:
            parts = value.replace("\r\n", "\n").split("\n")  # a cell breaks lines at LF only
            needed = sum(-(-len(part) // per_line) or 1 for part in parts)
        if needed > lines:
            lines = needed
    return None if lines == 1 else lines * line + 3


def print_setup(sheet: Any, title: str, header_row: int) -> None:
    """How a sheet prints: A4 landscape, one page wide, the header row repeated, the
    sheet's title at the top and "Trang n/N" at the foot of every page."""
    sheet.set_paper(9)  # A4
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    sheet.repeat_rows(header_row)
    shown = title.replace("&", "&&")[:200]
    sheet.set_header(f'&C&"Times New Roman,Bold"&12{shown}')
    sheet.set_footer('&C&"Times New Roman"&10Trang &P/&N')


class Book:
    """One workbook being written."""

    def __init__(self, path: Path, *, small: bool = False) -> None:
        # A small workbook is assembled in memory (no temporary files: ~3x faster for the
        # per-cell workbooks); a large one streams rows to disk.
        self.workbook = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": not small,
                "in_memory": small,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "nan_inf_to_errors": True,
            },
        )
        self._formats: dict[tuple[str, bool, bool], Any] = {}
        self._names: set[str] = set()

    def fmt(self, style: str = "text", *, quote: bool = False, wrap: bool = False) -> Any:
        key = (style, quote, wrap)
        if key not in self._formats:
            props: dict[str, Any] = {"font_name": _FONT, "font_size": 11}
            props.update(_STYLES.get(style, {}))
            if wrap:
                props.update(_STYLES["wrap"])
            if quote:
                props["quote_prefix"] = True
            self._formats[key] = self.workbook.add_format(props)
        return self._formats[key]

    def _sheet_name(self, name: str) -> str:
        base = name[:31]
        candidate, n = base, 2
        while candidate.lower() in self._names:
            suffix = f" ({n})"
            candidate = base[: 31 - len(suffix)] + suffix
            n += 1
        self._names.add(candidate.lower())
        return candidate

    def write_cell(self, sheet: Any, row: int, col: int, value: Any, wrap: bool = False) -> None:
        style = "text"
        if isinstance(value, Styled):
            value, style = value.value, value.style
        if type(value) is str and value and is_plain(value):
            sheet.write_string(row, col, value, self.fmt(style, wrap=wrap))
            return
        if value is None or value == "":
            if style != "text":
                sheet.write_blank(row, col, None, self.fmt(style))
            return
        if isinstance(value, bool):
            sheet.write_string(row, col, "Có" if value else "Không", self.fmt(style))
        elif isinstance(value, int | float):
            sheet.write_number(row, col, value, self.fmt(style))
        elif isinstance(value, dt.date):
            day = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
            if day.year >= 1900:
                sheet.write_datetime(row, col, day, self.fmt("date" if style == "text" else style))
            else:
                sheet.write_string(row, col, value.isoformat(), self.fmt(style))
        else:
            text = str(value)
            write_text(
                sheet, row, col, text, self.fmt(style, quote=is_formula_like(text), wrap=wrap)
            )

    def table(
        self,
        name: str,
        headers: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        preamble: Sequence[Sequence[Any]] = (),
        min_widths: Sequence[int] | None = None,
        filter_: bool = True,
        elsewhere: Elsewhere | None = None,
    ) -> Any:
        """A sheet: optional preamble lines, a header row (frozen, filtered), the rows.

        ``elsewhere`` is another process's :class:`Share` of the same rows: its shape
        is asked for first (the rows it writes are then not even made here), its part
        when this sheet's rows reach the part's first row."""
        sheet = self.workbook.add_worksheet(self._sheet_name(name))
        if RowWriter.usable(sheet):
            copy_rows_as_bytes(sheet)
        lines = iter(rows)
        shape = None
        if elsewhere is not None and RowWriter.usable(sheet):
            shape = elsewhere.shape()
        start = None if shape is None else part_start(shape.total)
        if shape is None or start is None or len(shape.widths) != len(headers):
            layout = _Layout.of(headers, lines, len(preamble), min_widths)
            start = None
        else:
            head = list(itertools.islice(lines, start))
            layout = _Layout(shape.widths, head, shape.total, shape.dropped, len(preamble))
        for i, width in enumerate(layout.widths):
            sheet.set_column(i, i, width)
        row = 0
        for line in preamble:
            for col, value in enumerate(line):
                self.write_cell(sheet, row, col, value)
            row += 1
        header_row = row
        sheet.set_row(header_row, 30)
        for col, title in enumerate(headers):
            write_text(sheet, header_row, col, title, self.fmt("header"))
        count = layout.total
        writer = self._writer(sheet, layout)
        self._rows(sheet, layout, writer, layout.body, 0)
        if start is not None and elsewhere is not None:
            part = elsewhere.part()
            if part is not None and part.fits(start, count):
                self._splice(sheet, layout, part)
                self._rows(sheet, layout, writer, part.rest, part.stop)
            else:  # it wrote none: the rest is made and written here
                if part is not None:
                    Path(part.path).unlink(missing_ok=True)
                rest = list(itertools.islice(lines, count - start))
                self._rows(sheet, layout, writer, rest, start)
        row = layout.first + count
        if layout.dropped:
            sheet.write_string(
                row, 0, f"… còn {layout.dropped} dòng không ghi được (vượt giới hạn của Excel)"
            )
        sheet.freeze_panes(header_row + 1, 0)
        print_setup(sheet, name, header_row)
        if filter_ and headers:
            sheet.autofilter(header_row, 0, max(header_row, row - 1), len(headers) - 1)
        return sheet

    def _writer(self, sheet: Any, layout: _Layout) -> RowWriter | None:
        if not RowWriter.usable(sheet):
            return None
        wrapped, columns = layout.wrapped, len(layout.wrapped)
        return RowWriter(
            sheet,
            [self.fmt("text", wrap=wrap) for wrap in wrapped],
            self.fmt("text"),
            lambda style, col: self.fmt(style, wrap=col < columns and wrapped[col]),
            lambda: self.fmt("date"),
        )

    def _rows(
        self,
        sheet: Any,
        layout: _Layout,
        writer: RowWriter | None,
        lines: Sequence[Sequence[Any]],
        start: int,
    ) -> None:
        """Write ``lines``, the table's rows from its ``start``-th on, in ``sheet``."""
        wrapped, wrapping = layout.wrapped, layout.wrapping
        columns = len(wrapped)
        # the common cells (blank, plain text in its column's style, a number) first
        plain = [self.fmt("text", wrap=wrap) for wrap in wrapped]
        write_string, write_number = sheet.write_string, sheet.write_number
        number = self.fmt("text")

        def slow(row: int, col: int, value: Any) -> None:
            self.write_cell(sheet, row, col, value, wrap=col < columns and wrapped[col])

        # The last row is left to XlsxWriter, which writes it when the workbook closes and
        # numbers its styles then: the workbook is the one XlsxWriter alone would write.
        last = layout.first + layout.total - 1
        row = layout.first + start
        for line in lines:
            height = None
            if wrapping:
                height = _row_height(line, wrapping)
            if writer is not None and row < last and writer.write(row, line, height, slow):
                row += 1
                continue
            if height is not None:
                sheet.set_row(row, height)  # before the row's cells (constant_memory)
            for col, value in enumerate(line):
                if value is None:
                    continue
                kind = type(value)
                if kind is str and col < columns and value and is_plain(value):
                    write_string(row, col, value, plain[col])
                elif kind is int or kind is float:
                    write_number(row, col, value, number)
                else:
                    self.write_cell(sheet, row, col, value, wrap=col < columns and wrapped[col])
            row += 1

    def _splice(self, sheet: Any, layout: _Layout, part: Part) -> None:
        """Put the rows of ``part`` into ``sheet`` as if written here: its styles are
        numbered in the order the part first used them, as writing its rows here would."""
        first = layout.first + part.start
        sheet._write_single_row(first)  # what is pending above the part
        try:
            data = Path(part.path).read_bytes()
        finally:
            Path(part.path).unlink(missing_ok=True)
        for mark, key in enumerate(part.styles):
            style, quote, wrap = key
            index = self.fmt(style, quote=quote, wrap=wrap)._get_xf_index()
            data = data.replace(_mark(mark).encode(), str(index).encode())
        if b"\x00" in data:
            raise RuntimeError("a style of the rows written elsewhere was not numbered")
        sheet.fh.flush()
        sheet.fh.buffer.write(data)
        if part.rows is not None and part.columns is not None:
            sheet._check_dimensions(part.rows[0], part.columns[0])
            sheet._check_dimensions(part.rows[1], part.columns[1])
        sheet.previous_row = layout.first + part.stop

    def close(self) -> None:
        self.workbook.close()


class _Layout:
    """A table's rows as its sheet holds them (cut at Excel's row limit), its columns'
    widths and which of them wrap: the same in every process that writes its rows.
    ``body`` holds its first rows (all of them, unless another process writes some)."""

    def __init__(
        self,
        widths: Sequence[int],
        body: list[Sequence[Any]],
        total: int,
        dropped: int,
        preamble: int,
    ) -> None:
        self.widths = list(widths)
        self.body = body
        self.total = total
        self.dropped = dropped
        #: The sheet row of the body's first row (below the preamble and the header).
        self.first = preamble + 1
        self.wrapped = [w >= _MAX_WIDTH for w in widths]
        self.wrapping = [(i, _per_line(widths[i])) for i, wrap in enumerate(self.wrapped) if wrap]

    @classmethod
    def of(
        cls,
        headers: Sequence[str],
        rows: Iterable[Sequence[Any]],
        preamble: int,
        min_widths: Sequence[int] | None,
    ) -> _Layout:
        body = list(rows)
        limit = MAX_ROWS - preamble - 2
        dropped = max(0, len(body) - limit)
        if dropped:
            body = body[:limit]
        widths = [max(len(h) + 2, 6) for h in headers]
        if min_widths:
            widths = [max(w, m) for w, m in zip(widths, min_widths, strict=False)]
        for i, values in zip(range(len(widths)), itertools.zip_longest(*body), strict=False):
            widths[i] = max(widths[i], min(_MAX_WIDTH, _longest(values) + 2))
        return cls(widths, body, len(body), dropped, preamble)


class Shape(NamedTuple):
    """What a table's sheet needs to know of all its rows before it writes any: its
    columns' widths, how many rows it holds and how many it leaves out."""

    widths: list[int]
    total: int
    dropped: int


#: A table of at least this many rows has its last :data:`PART_SHARE` written by another
#: process when its writer asks (report.xlsx's violations: 64,000 rows in a province year).
PART_ROWS = 2_000
PART_SHARE = 0.45


def part_start(count: int) -> int | None:
    """The first body row of a table of ``count`` rows that another process writes, or
    None when the table is too small to share."""
    if count < PART_ROWS:
        return None
    return count - int(count * PART_SHARE)


def _mark(number: int) -> str:
    """The stand-in for a style's index in a part's rows: a NUL never stands raw in a
    sheet's XML (control characters in text are escaped as ``_x0000_``)."""
    return f"\x00{number}\x00"


class Part(NamedTuple):
    """Rows ``start`` to ``stop`` of a table of ``total`` rows, written by another process
    into the file ``path`` as XlsxWriter writes them, each style's index written as the
    :func:`_mark` of its place in ``styles`` (the order the rows first used them)."""

    path: str
    start: int
    stop: int
    total: int
    styles: list[tuple[str, bool, bool]]
    #: The first and last sheet row, the first and last column, that hold a cell.
    rows: tuple[int, int] | None
    columns: tuple[int, int] | None
    #: The table's rows after the part, for the workbook's own process to write.
    rest: list[Sequence[Any]]

    def fits(self, start: int, count: int) -> bool:
        return self.start == start and self.total == count and start < self.stop < count


class _PartBook(Book):
    """A workbook never closed: its one sheet's rows go to a part's file, each style's
    index as a stand-in numbered in the order the rows first use the styles."""

    def __init__(self) -> None:
        super().__init__(Path(os.devnull))
        self.used: dict[tuple[str, bool, bool], str] = {}

    def fmt(self, style: str = "text", *, quote: bool = False, wrap: bool = False) -> Any:
        key = (style, quote, wrap)
        known = self._formats.get(key)
        if known is None:
            known = super().fmt(style, quote=quote, wrap=wrap)
            used = self.used

            def index() -> str:
                mark = used.get(key)
                if mark is None:
                    mark = used[key] = _mark(len(used))
                return mark

            known._get_xf_index = index
        return known


class Share:
    """The share of a table's rows another process writes for :meth:`Book.table`: it
    lays the whole table out (:meth:`shape`), then writes the part :func:`part_start`
    gives it (:meth:`part`), so the workbook's process makes and writes only the rest.

    Why: the report's biggest sheet is most of report.xlsx's time, and report.xlsx is
    written on one core while the other one writes report.json and report.html, faster.
    """

    def __init__(
        self,
        headers: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        preamble: int = 0,
        min_widths: Sequence[int] | None = None,
    ) -> None:
        self.headers = list(headers)
        self.layout = _Layout.of(headers, rows, preamble, min_widths)

    def shape(self) -> Shape:
        layout = self.layout
        return Shape(layout.widths, layout.total, layout.dropped)

    def part(self) -> Part | None:
        """The part's rows written to a file; None when the table is too small to share
        or XlsxWriter's internals the row writer needs are missing."""
        layout = self.layout
        count = layout.total
        start = part_start(count)
        stop = count - 1  # the last row is left to XlsxWriter in the workbook's own process
        if start is None or start >= stop:
            return None
        book = _PartBook()
        try:
            sheet = book.workbook.add_worksheet()
            writer = book._writer(sheet, layout)
            if writer is None:
                return None
            sheet._opt_close()
            Path(sheet.row_data_filename).unlink(missing_ok=True)
            if self.headers:  # the header row's extent, as the workbook's sheet has it by then
                sheet._check_dimensions(layout.first - 1, 0)
                sheet._check_dimensions(layout.first - 1, len(self.headers) - 1)
            fd, path = tempfile.mkstemp(prefix="report-xlsx-", suffix=".rows")
            os.close(fd)
            with open(path, "w+", encoding="utf-8") as out:  # as XlsxWriter opens its files
                sheet.fh = sheet.row_data_fh = out
                book._rows(sheet, layout, writer, layout.body[start:stop], start)
                sheet._write_single_row(layout.first + stop)  # a row left pending at the end
            has_cells = sheet.dim_rowmin is not None
            return Part(
                path,
                start,
                stop,
                count,
                list(book.used),
                (sheet.dim_rowmin, sheet.dim_rowmax) if has_cells else None,
                (sheet.dim_colmin, sheet.dim_colmax) if has_cells else None,
                layout.body[stop:],
            )
        finally:
            book.workbook.fileclosed = True  # nothing to write: it only lent its sheet


class Elsewhere(NamedTuple):
    """How :meth:`Book.table` gets another process's :class:`Share` of its rows: each
    call waits for that process (None: it has none)."""

    shape: Callable[[], Shape | None]
    part: Callable[[], Part | None]
