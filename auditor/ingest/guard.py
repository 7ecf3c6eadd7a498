"""Cheap checks that refuse a hostile file before any parser sees it.

None of the spreadsheet readers caps a zip bomb (reading-workbooks.md: a 511 KB .xlsx
unpacked to 521 MiB), and a native reader that runs out of memory aborts the whole
process. So before parsing, the archive's declared sizes, its compression ratio, its
member count and the sheets' declared dimensions are checked against :class:`Limits`;
what still slips through is caught by the bounded worker in :mod:`auditor.ingest.pool`.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from auditor.ingest.read import ReadError, corrupt, empty_file, not_a_spreadsheet, sniff


@dataclass(frozen=True)
class Limits:
    """Bounds on one file; the defaults leave room for a province's consolidated log."""

    max_file_mb: float = 200.0
    max_unpacked_mb: float = 1024.0
    max_ratio: float = 200.0
    max_members: int = 10_000
    max_rows: int = 1_100_000
    max_cols: int = 512
    max_cells: int = 20_000_000
    timeout_s: float = 120.0
    memory_mb: int = 3072


def too_large(what_vi: str, what_en: str) -> ReadError:
    return ReadError(f"Tệp quá lớn hoặc nén bất thường: {what_vi}",
                     f"File too large or too compressed: {what_en}")


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?\"")
_SHEET_XML = re.compile(r"^xl/worksheets/[^/]+\.xml$")


def column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + (ord(char) - 64)
    return number


def _check_dimension(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    with archive.open(info) as handle:
        head = handle.read(4096)
    match = _DIMENSION.search(head)
    if not match or not match.group(3):
        return
    rows = int(match.group(4))
    cols = column_number(match.group(3).decode())
    if rows > limits.max_rows or cols > limits.max_cols or rows * cols > limits.max_cells:
        raise too_large(
            f"trang tính khai báo {rows:,} dòng × {cols:,} cột",
            f"a sheet declares {rows:,} rows × {cols:,} columns",
        )


def check_file(path: Path, limits: Limits) -> str:
    """Refuse ``path`` with a clear reason, or return its container kind (``zip``/``ole``)."""
    size = path.stat().st_size
    if size == 0:
        raise empty_file()
    if size > limits.max_file_mb * 1024 * 1024:
        raise too_large(f"{size / 1048576:.0f} MB", f"{size / 1048576:.0f} MB")
    kind = sniff(path)
    if kind != "zip":
        return kind
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > limits.max_members:
                raise too_large(f"{len(members)} thành phần", f"{len(members)} members")
            unpacked = sum(m.file_size for m in members)
            packed = sum(m.compress_size for m in members) or 1
            if unpacked > limits.max_unpacked_mb * 1024 * 1024:
                raise too_large(
                    f"giải nén ra {unpacked / 1048576:.0f} MB",
                    f"unpacks to {unpacked / 1048576:.0f} MB",
                )
            for member in members:
                ratio = member.file_size / max(member.compress_size, 1)
                if member.file_size > 1024 * 1024 and ratio > limits.max_ratio:
                    raise too_large(
                        f"tỉ lệ nén {ratio:.0f}:1 ở {member.filename}",
                        f"compression ratio {ratio:.0f}:1 in {member.filename}",
                    )
            if unpacked / packed > limits.max_ratio and unpacked > 8 * 1024 * 1024:
                raise too_large(f"tỉ lệ nén {unpacked / packed:.0f}:1",
                                f"compression ratio {unpacked / packed:.0f}:1")
            names = {m.filename for m in members}
            if "xl/workbook.xml" not in names and "content.xml" not in names:
                raise not_a_spreadsheet()
            for member in members:
                if _SHEET_XML.match(member.filename):
                    _check_dimension(archive, member, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        raise corrupt() from None
    except NotImplementedError:  # an unsupported compression method
        raise corrupt() from None
    return kind
