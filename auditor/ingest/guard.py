"""Cheap checks that refuse a hostile file before any parser sees it.

None of the spreadsheet readers caps a zip bomb (reading-workbooks.md: a 511 KB .xlsx
unpacked to 521 MiB), and calamine aborts the whole process when a sheet's used range is
too big to allocate (a cell at XFD1048576 asks for 17 billion cells). So before parsing,
the archive's declared sizes, its compression ratio and its member count, an .xls's
declared dimensions and the references of the cells with values an .xlsx holds (not its
``<dimension>``, which calamine ignores) are checked against
:class:`Limits`, and XML carrying a DTD is refused. What still slips through is caught by
the bounded worker in :mod:`auditor.ingest.pool`.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import defusedxml.ElementTree as DefusedET

from auditor.codes import FileCode
from auditor.ingest.read import (
    FORMULA_ELEMENT,
    ReadError,
    column_number,
    corrupt,
    empty_file,
    not_a_spreadsheet,
    ole_stream,
    parts_format,
    password_protected,
    sniff,
    sniff_head,
    too_large,
    unsafe_xml,
    worksheet_members,
)
from auditor.ingest.text import vi_number

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds on one file; the defaults leave room for a province's consolidated log.

    CLI flags (one per field): ``--max-file-mb``, ``--max-unpacked-mb``,
    ``--max-ratio``, ``--max-members``, ``--max-rows``, ``--max-cols``, ``--max-cells``,
    ``--timeout`` (seconds a file may take) and ``--memory-mb`` (per worker).
    """

    #: Size of the file on disk.
    max_file_mb: float = 200.0
    #: Sum of the declared uncompressed sizes of a zip's members (xlsx/xlsm/ods).
    max_unpacked_mb: float = 1024.0
    #: Uncompressed / compressed, for a member over 1 MB and for the whole archive.
    max_ratio: float = 200.0
    #: Members in the zip.
    max_members: int = 10_000
    #: Rows / columns a sheet may declare or reference (Excel's own maximum rows is 1,048,576).
    max_rows: int = 1_100_000
    max_cols: int = 512
    #: Rows x columns of a sheet's used range, as declared or as referenced.
    max_cells: int = 20_000_000
    #: Seconds to read one file (worker mode).
    timeout_s: float = 120.0
    #: Address space of each worker process, in MB (worker mode).
    memory_mb: int = 3072


_SHEET_XML = re.compile(r"^xl/(?:worksheets|dialogsheets|macrosheets)/[^/]+\.xml$")
#: XML parts a reader parses besides the sheets (whose DTD check rides on their scan).
_XML_MEMBER = re.compile(
    r"^(?:xl/[^/]+\.xml|xl/_rels/[^/]+\.rels|styles\.xml|META-INF/manifest\.xml)$"
)
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_CHUNK = 1 << 20


def column_letters(number: int) -> str:
    """Spreadsheet column letters of a 1-based column number (1 → A, 27 → AA)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class SheetTooLarge(ReadError):
    """A sheet over the size limits; the archive check names the sheet before raising."""

    def __init__(self, rows: int, cols: int, declared: bool, sheet: str | None = None) -> None:
        self.rows, self.cols, self.declared = rows, cols, declared
        verb_vi, verb_en = (
            ("khai báo", "declares") if declared else ("có giá trị tới", "holds values to")
        )
        where_vi = f"trang tính “{sheet}”" if sheet else "trang tính"
        where_en = f"sheet “{sheet}”" if sheet else "a sheet"
        problem = too_large(
            f"{where_vi} {verb_vi} {vi_number(rows)} dòng × {vi_number(cols)} cột. Cách sửa: "
            "xóa các dòng, cột thừa (và xóa định dạng các dòng trống) ở cuối trang rồi lưu "
            "lại, hoặc nâng giới hạn bằng --max-rows, --max-cols, --max-cells",
            f"{where_en} {verb_en} {rows:,} rows × {cols:,} columns. To fix: delete the "
            "surplus rows and columns (and clear the formatting of empty rows) at the end "
            "of the sheet and save again, or raise --max-rows, --max-cols, --max-cells",
            FileCode.sheet_too_large,
        )
        super().__init__(problem.code, problem.reason_vi, problem.reason_en)

    def named(self, sheet: str) -> SheetTooLarge:
        return SheetTooLarge(self.rows, self.cols, self.declared, sheet)


def _over(rows: int, cols: int, limits: Limits, declared: bool) -> None:
    if rows > limits.max_rows or cols > limits.max_cols or rows * cols > limits.max_cells:
        raise SheetTooLarge(rows, cols, declared)


@lru_cache(maxsize=8)
def _reference_patterns(limits: Limits) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """Patterns matching only the cell references that may break a limit.

    A normal sheet has none of them, so the scan costs about one decompression: a
    reference is matched when its column has as many letters as ``max_cols`` in letters,
    or its row as many digits as ``max_rows``; each match is then compared exactly.
    """
    # XFD, three letters, is Excel's last column
    letters = min(3, max(1, len(column_letters(limits.max_cols))))
    digits = max(1, len(str(max(0, limits.max_rows))))
    # possessive (no backtracking: "$", letters and digits never overlap): twice as fast.
    # Only an ``r`` attribute itself counts (``firstPageNumber="4294967293"`` is no
    # reference): the byte before a match is checked (:func:`_is_attribute`), since a
    # look-behind here would keep the engine from skipping to each ``r="`` (6x slower).
    wide = re.compile(rb'r="\$?+([A-Z]{%d,3}+)\$?+(\d++)"' % letters)
    tall = re.compile(rb'r="\$?+([A-Z]{0,3}+)\$?+(\d{%d,}+)"' % digits)
    return wide, tall


def _is_attribute(window: bytes, at: int) -> bool:
    """Whether the ``r="`` at ``at`` is an attribute named ``r`` (white space before it)."""
    return at > 0 and window[at - 1 : at] in (b" ", b"\t", b"\n", b"\r")


#: How far back a reference's element may start, and forward end (in bytes).
_TAG_REACH = 4096


def _holds_value(window: bytes, at: int) -> bool:
    """Whether the element whose ``r`` attribute is at ``at`` is a cell that holds
    something: calamine sizes a sheet by its cells with values, so a styled empty cell
    (``<c r="XFD1" s="3"/>``) or a styled empty row reaching row 1,048,576 costs it
    nothing. When the element cannot be seen whole, it counts."""
    start = window.rfind(b"<", max(0, at - _TAG_REACH), at)
    end = window.find(b">", at, at + _TAG_REACH)
    if start < 0 or end < 0:
        return True
    name = window[start + 1 : at].split(None, 1)[0].rsplit(b":", 1)[-1]
    if name == b"row":
        return False  # a row's reach is its cells'
    if name != b"c":
        return True
    if window[end - 1 : end] == b"/":
        return False
    after = window[end + 1 : end + 1 + 8]
    return not (after.startswith(b"</c>") or (after.startswith(b"</") and b"c>" in after))


#: A zip up to this size is read into memory once: its members are unpacked straight from
#: those bytes (zipfile's own reader took as long as calamine's read of a cell's workbook)
#: and its SHA-256 is taken from them.
IN_MEMORY_BYTES = 8 * MB
#: A zip member's local header (zipfile's ``structFileHeader``).
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
#: Flag bits that leave a member to zipfile: encrypted, patched data, strong encryption.
_UNUSUAL_FLAGS = 0x01 | 0x20 | 0x40
_UTF8_NAME = 0x800
_LOCAL_MAGIC = b"PK\x03\x04"


def _unpacked(data: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """The member ``info`` of the zip whose bytes are ``data``, unpacked, as zipfile reads
    it; ``None`` when anything is out of the ordinary (encrypted, another compression
    method, a local header unlike the directory, a size or CRC-32 that does not hold),
    for zipfile to read it and say what is wrong."""
    at = info.header_offset
    if at < 0 or at + _LOCAL_HEADER.size > len(data):
        return None
    header = _LOCAL_HEADER.unpack_from(data, at)
    magic, flags, name_length, extra_length = header[0], header[3], header[10], header[11]
    if magic != _LOCAL_MAGIC or info.flag_bits & _UNUSUAL_FLAGS:
        return None
    start = at + _LOCAL_HEADER.size
    name = data[start : start + name_length]
    try:
        written = name.decode("utf-8" if flags & _UTF8_NAME else "cp437")
    except UnicodeDecodeError:
        return None
    if written != info.orig_filename:
        return None
    start += name_length + extra_length
    raw = data[start : start + info.compress_size]
    if len(raw) != info.compress_size:
        return None
    if info.compress_type == zipfile.ZIP_STORED:
        out = raw
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        try:
            out = zlib.decompressobj(-15).decompress(raw, info.file_size + 1)
        except zlib.error:
            return None
    else:
        return None
    if len(out) != info.file_size or zlib.crc32(out) != info.CRC:
        return None
    return out


#: zipfile unpacks at least this much at a time: a read of fewer bytes from a member no
#: larger reaches its end, and so checks its CRC-32.
_ZIP_READ = 4096


def _head(data: bytes, info: zipfile.ZipInfo, size: int) -> bytes | None:
    """The first ``size`` bytes of a small member (``_ZIP_READ`` at most, packed and
    unpacked), as zipfile's ``read(size)`` gives them, CRC-32 checked as it does; ``None``
    for a larger one or anything out of the ordinary (zipfile reads it)."""
    if size > _ZIP_READ or info.file_size > _ZIP_READ or info.compress_size > _ZIP_READ:
        return None
    whole = _unpacked(data, info)
    return None if whole is None else whole[:size]


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, data: bytes | None) -> Iterator[bytes]:
    """A member's bytes as zipfile reads them in chunks of ``_CHUNK``: a small member of
    a zip held in memory comes whole in one chunk, unpacked from ``data``."""
    if data is not None and info.file_size <= _CHUNK:
        whole = _unpacked(data, info)
        if whole is not None:
            if whole:
                yield whole
            return
    with archive.open(info) as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


def _check_references(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, data: bytes | None = None
) -> bool:
    """Stream a sheet's XML and compare the cell references it holds with the limits;
    say whether it holds a formula element (so the reader need not decompress it again
    to look for formulas without a value).

    calamine sizes a sheet by its farthest cell, whatever the ``<dimension>`` says, so a
    single cell at XFD1048576 would make it allocate hundreds of GB.
    """
    wide, tall = _reference_patterns(limits)
    max_row = max_col = 0
    formula = False
    tail = b""
    first = True
    for chunk in _chunks(archive, info, data):
        if first:
            if _DTD.search(chunk[:2048]):
                raise unsafe_xml()
            first = False
        window = tail + chunk
        formula = formula or FORMULA_ELEMENT.search(window) is not None
        for pattern in (wide, tall):
            for match in pattern.finditer(window):
                if not _is_attribute(window, match.start()):
                    continue
                if not _holds_value(window, match.start()):
                    continue
                col = column_number(match.group(1).decode()) if match.group(1) else 0
                max_col = max(max_col, col)
                max_row = max(max_row, int(match.group(2)))
        # a reference cut by the chunk's end, with its element; re-matches are harmless
        tail = chunk[-_TAG_REACH:]
    if max_row or max_col:
        _over(max_row, max_col, limits, declared=False)
    return formula


_XLSB_SHEET = re.compile(r"^xl/(?:worksheets|dialogsheets|macrosheets)/[^/]+\.bin$")
#: BIFF12 record types of an .xlsb sheet: a row header, and the cells that hold a value
#: (number, error, bool, text, shared text, formulas; a blank cell, 1, holds none).
_XLSB_ROW = 0
_XLSB_VALUE_CELLS = frozenset(range(2, 12))


def _biff12_records(data: bytes) -> Iterator[tuple[int, int, int]]:
    """(type, payload offset, length) of each record of a BIFF12 stream (.xlsb parts): a
    type of one or two bytes and a length of up to four, each a 7-bit varint. Stops at a
    header cut by the end of the data; a payload may run past it (callers check)."""
    size = len(data)
    position = 0
    while position < size:
        kind = data[position]
        position += 1
        if kind & 0x80:
            if position >= size:
                return
            kind = (kind & 0x7F) | ((data[position] & 0x7F) << 7)
            position += 1
        length = shift = 0
        for _ in range(4):
            if position >= size:
                break
            byte = data[position]
            position += 1
            length |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        yield kind, position, length
        position += length


def _check_xlsb_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    """Compare the farthest cell with a value of an .xlsb sheet with the limits.

    calamine sizes an .xlsb sheet by its farthest cell, as for .xlsx: one number in a row
    header flipped to 1,048,570 makes it allocate a million rows. The sheet is a stream
    of records (a type and a length, each a 7-bit varint); a row header gives the row of
    the cells after it, each cell starts with its column.
    """
    data = archive.read(info)
    size = len(data)
    row = max_row = max_col = 0
    for kind, position, _length in _biff12_records(data):
        if position + 4 <= size:
            if kind == _XLSB_ROW:
                row = struct.unpack_from("<I", data, position)[0] + 1
            elif kind in _XLSB_VALUE_CELLS:
                col = struct.unpack_from("<I", data, position)[0] + 1
                max_col = max(max_col, col)
                max_row = max(max_row, row)
    if max_row or max_col:
        _over(max_row, max_col, limits, declared=False)


def _xlsb_sheet_name(archive: zipfile.ZipFile, member: str) -> str:
    """The name an .xlsb sheet part has in the workbook (its part name when unknown):
    workbook.bin lists each sheet (record 156, BrtBundleSh) with its relationship id and
    name, as length-prefixed UTF-16 strings."""
    fallback = member.rsplit("/", 1)[-1]
    try:
        rels = DefusedET.fromstring(archive.read("xl/_rels/workbook.bin.rels"))
        targets = {
            rel.get("Id") or "": posixpath.normpath(posixpath.join("xl", rel.get("Target") or ""))
            for rel in rels
        }
        data = archive.read("xl/workbook.bin")
    except Exception:  # a damaged or unusual workbook: the part's name still says which
        return fallback
    for kind, position, length in _biff12_records(data):
        record = data[position : position + length]
        if kind != 156 or len(record) < 12:
            continue
        strings: list[str] = []
        at = 8
        for _ in range(2):
            if at + 4 > len(record):
                break
            count = struct.unpack_from("<I", record, at)[0]
            at += 4
            if count == 0xFFFFFFFF:  # a null relationship id
                strings.append("")
                continue
            strings.append(record[at : at + 2 * count].decode("utf-16-le", "replace"))
            at += 2 * count
        if len(strings) == 2 and targets.get(strings[0]) == member:
            return strings[1]
    return fallback


_ODS_TAG = re.compile(rb"<(/?)table:(table-row|table|named-expressions)(?=[\s/>])")
_MAX_CARRY = 1 << 20


def _check_ods_nesting(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse an .ods whose table, row or named-expression elements are left open.

    calamine (0.36) loops forever at the end of content.xml when one of them is never
    closed, so a truncated or mangled content.xml would hang the reader. Self-closing
    elements do not count; an end tag without a start is ignored, as calamine does.
    """
    depth = {b"table": 0, b"table-row": 0, b"named-expressions": 0}
    carry = b""
    dtd_checked = False
    with archive.open(info) as handle:
        while True:
            chunk = handle.read(_CHUNK)
            if not dtd_checked:
                if _DTD.search(chunk[:2048]):
                    raise unsafe_xml()
                dtd_checked = True
            buffer = carry + chunk
            position = 0
            carry = b""
            for match in _ODS_TAG.finditer(buffer):
                if match.start() < position:
                    continue
                # Inside another tag (``</tab</table:table>``) it is no tag to the reader.
                if buffer.rfind(b"<", 0, match.start()) > buffer.rfind(b">", 0, match.start()):
                    continue
                name = match.group(2)
                if match.group(1):
                    depth[name] = max(0, depth[name] - 1)
                    position = match.end()
                    continue
                close = buffer.find(b">", match.end())
                if close < 0:  # the start tag goes on in the next chunk
                    carry = buffer[match.start() :]
                    break
                if buffer[close - 1 : close] != b"/":
                    depth[name] += 1
                position = close + 1
            else:
                carry = buffer[max(position, len(buffer) - 40) :]
            if not chunk:
                break
            if len(carry) > _MAX_CARRY:
                raise corrupt()
    if any(depth.values()):
        raise corrupt()


_UNIQUE_COUNT = re.compile(rb"<(?:\w+:)?sst\b[^>]*?\buniqueCount=\"(\d+)\"")


def _check_xml_head(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, data: bytes | None = None
) -> None:
    """Refuse XML with a DTD (Office never writes one, and entities are the attack), and
    a shared-string table that claims more strings than its size can hold: calamine
    reserves room for ``uniqueCount`` strings up front (4e9 of them ask for 96 GB)."""
    head = None if data is None else _head(data, info, 2048)
    if head is None:
        with archive.open(info) as handle:
            head = handle.read(2048)  # a DTD comes before the root element
    if _DTD.search(head):
        raise unsafe_xml()
    match = _UNIQUE_COUNT.search(head)
    if match and int(match.group(1)) > info.file_size // 8 + 16:  # <si><t/></si> is 13 bytes
        raise corrupt()


def _check_archive(
    path: Path, limits: Limits, scan: Callable[[str], bool] | None, data: bytes | None = None
) -> tuple[frozenset[str] | None, str]:
    """The checks of a zip (``data``: its bytes, when held in memory)."""
    with zipfile.ZipFile(path if data is None else io.BytesIO(data)) as archive:
        members = archive.infolist()
        if len(members) > limits.max_members:
            raise too_large(f"{vi_number(len(members))} thành phần", f"{len(members):,} members")
        unpacked = sum(m.file_size for m in members)
        packed = sum(m.compress_size for m in members) or 1
        if unpacked > limits.max_unpacked_mb * MB:
            raise too_large(
                f"giải nén ra {vi_number(unpacked / MB)} MB", f"unpacks to {unpacked / MB:,.0f} MB"
            )
        for member in members:
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > MB and ratio > limits.max_ratio:
                raise too_large(
                    f"tỉ lệ nén {vi_number(ratio)}:1 ở {member.filename}",
                    f"compression ratio {ratio:,.0f}:1 in {member.filename}",
                )
        if unpacked / packed > limits.max_ratio and unpacked > 8 * MB:
            raise too_large(
                f"tỉ lệ nén {vi_number(unpacked / packed)}:1",
                f"compression ratio {unpacked / packed:,.0f}:1",
            )
        names = {m.filename for m in members}
        if not names & {"xl/workbook.xml", "xl/workbook.bin", "content.xml"}:
            if "EncryptedPackage" in names or "encryption" in names:
                raise password_protected()
            raise not_a_spreadsheet()
        if "META-INF/manifest.xml" in names:
            manifest = archive.read("META-INF/manifest.xml")
            if b"encryption-data" in manifest:  # an .ods saved with a password
                raise password_protected()
        for member in members:
            if _XML_MEMBER.search(member.filename):
                _check_xml_head(archive, member, data)
        formulas: set[str] = set()
        # a sheet part outside the usual place: the reader looks for formulas itself
        unusual = any(
            m.filename.startswith("xl/worksheets/")
            and m.filename.endswith(".xml")
            and not _SHEET_XML.match(m.filename)
            for m in members
        )
        for member in members:
            if _SHEET_XML.match(member.filename):
                if scan is not None and not scan(member.filename):
                    continue
                try:
                    if _check_references(archive, member, limits, data):
                        formulas.add(member.filename)
                except SheetTooLarge as problem:
                    raise problem.named(_sheet_name(archive, member.filename)) from None
            elif member.filename == "content.xml":
                _check_ods_nesting(archive, member)
            elif _XLSB_SHEET.match(member.filename):
                if scan is not None and not scan(member.filename):
                    continue
                try:
                    _check_xlsb_sheet(archive, member, limits)
                except SheetTooLarge as problem:
                    raise problem.named(_xlsb_sheet_name(archive, member.filename)) from None
        return (None if unusual else frozenset(formulas)), parts_format(names)


def _sheet_name(archive: zipfile.ZipFile, member: str) -> str:
    """The name a sheet part has in the workbook (its part name when unknown)."""
    try:
        names = {part: name for name, part in worksheet_members(archive).items()}
    except Exception:  # a damaged workbook.xml: the part's name still says which sheet
        names = {}
    return names.get(member, member.rsplit("/", 1)[-1])


def _check_xls(path: Path, limits: Limits) -> None:
    """Compare each sheet's DIMENSIONS record of an .xls with the limits.

    calamine reserves rows x columns cells from that record before reading a cell, so a
    flipped byte there asks for hundreds of GB and aborts the process.
    """
    try:
        stream = ole_stream(path, "Workbook", "Book")
    except ValueError:
        return  # too broken to tell: calamine gives the reason, in a bounded worker
    if stream is None:
        return
    sheets: list[int] = []
    position = 0
    while position + 4 <= len(stream):  # the workbook globals, up to their EOF record
        kind, length = struct.unpack_from("<HH", stream, position)
        if kind == 0x002F:  # FILEPASS: the rest is encrypted (its sizes are noise)
            raise password_protected()
        if kind == 0x0085 and length >= 4:  # BOUNDSHEET: where a sheet's records start
            sheets.append(struct.unpack_from("<I", stream, position + 4)[0])
        elif kind == 0x000A:
            break
        position += 4 + length
    for start in sheets:
        if start >= len(stream):  # calamine would panic slicing past the stream
            raise corrupt()
        position = start
        for _ in range(256):  # DIMENSIONS comes right after a sheet's first records
            if position + 4 > len(stream):
                break
            kind, length = struct.unpack_from("<HH", stream, position)
            record = stream[position + 4 : position + 4 + length]
            if kind == 0x0200:
                _check_xls_dimensions(record, limits)
                break
            if kind == 0x000A:
                break
            position += 4 + length


def _check_xls_dimensions(record: bytes, limits: Limits) -> None:
    if len(record) == 10:
        first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", record)
    elif len(record) == 14:
        first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", record)
    else:
        return
    if first_col > 0xFF or last_col < first_col:
        first_col = 0
    if last_row < 1 or last_col < 1:
        return
    rows = ((last_row - 1 - first_row) & 0xFFFFFFFF) + 1  # as calamine computes it
    _over(rows, last_col - first_col, limits, declared=True)


@dataclass(frozen=True)
class FileCheck:
    """What the guard learnt while checking a file.

    ``formula_members``: the sheet parts of an .xlsx holding a formula element, or
    ``None`` when the guard cannot tell (not a zip, or a sheet part where it does not look).
    """

    kind: str
    formula_members: frozenset[str] | None = None
    #: For a zip: ``xlsx`` (also .xlsm), ``xlsb`` or ``ods`` by its parts, so the reader
    #: need not open the zip's directory again to tell calamine the format.
    zip_format: str = ""
    #: The file's SHA-256 when the guard read it whole (a small file), else ``None``.
    sha256: str | None = None


def check_file(path: Path, limits: Limits) -> str:
    """Refuse ``path`` with a clear reason, or return its container kind (``zip``/``ole``)."""
    return inspect_file(path, limits).kind


def inspect_file(
    path: Path, limits: Limits, scan: Callable[[str], bool] | None = None
) -> FileCheck:
    """Refuse ``path`` with a clear reason, or say what kind it is and where formulas are.

    Reads no more than the zip directory, the first 2 KB of each XML part and one
    streaming pass over each sheet's XML (of the sheet parts ``scan`` names, when given:
    the parts a worker reading some sheets of a large workbook will open); never parses
    XML.
    """
    size = path.stat().st_size
    if size == 0:
        raise empty_file()
    if size > limits.max_file_mb * MB:
        raise too_large(f"{vi_number(size / MB)} MB", f"{size / MB:,.0f} MB")
    # a small file is read once, and told by its first bytes
    data = path.read_bytes() if size <= IN_MEMORY_BYTES else None
    kind = sniff(path) if data is None else sniff_head(data[:8])
    if kind == "ole":
        _check_xls(path, limits)
        return FileCheck(kind, sha256=None if data is None else hashlib.sha256(data).hexdigest())
    try:
        formulas, parts = _check_archive(path, limits, scan, data)
    except ReadError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
        raise corrupt() from None
    except NotImplementedError:  # an unsupported compression method
        raise corrupt() from None
    except Exception:  # zlib.error and friends from a damaged member
        raise corrupt() from None
    digest = None if data is None else hashlib.sha256(data).hexdigest()
    return FileCheck(kind, formulas, parts, digest)
