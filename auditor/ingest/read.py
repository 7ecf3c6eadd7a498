"""Read a workbook's sheets as rows of plain values with python-calamine.

calamine never runs macros and never evaluates formulas (a formula counts by its cached
value). The file's format is decided by its first bytes, not its name, so a photo renamed
``.xls`` or a password-protected workbook gets a clear reason instead of a parser error.
"""

from __future__ import annotations

import contextlib
import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import defusedxml.ElementTree as DefusedET
import olefile
import python_calamine as pc
from defusedxml import DefusedXmlException

from auditor.codes import FileCode
from auditor.ingest.ods_whitespace import without_indentation

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ReadError(Exception):
    """A file that cannot be read as a workbook: the reason's code (``inputs[].code``,
    docs/codes.md) and the reason in Vietnamese and English."""

    def __init__(self, code: FileCode, reason_vi: str, reason_en: str) -> None:
        super().__init__(f"{reason_vi} / {reason_en}")
        self.code = code
        self.reason_vi = reason_vi
        self.reason_en = reason_en


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    #: (row, column), 1-based as a spreadsheet program shows them, of formula cells with
    #: no cached value (.xlsx/.xlsm only). Such a cell reads as blank; formulas are never
    #: evaluated.
    formula_without_value: list[tuple[int, int]] = field(default_factory=list)
    #: Hidden sheets (lists behind dropdowns) are read like any other, but one holding no
    #: table is skipped without a note.
    visible: bool = True
    #: The name this sheet shares with an earlier one (an edited or damaged workbook):
    #: calamine finds sheets by name, so it is not read (no rows), and a note says so.
    duplicate_of: str | None = None
    #: An Excel 4 macro sheet (XLM): never read and never run, listed so a note says so.
    macro: bool = False


def unique_names(names: list[str]) -> list[str]:
    """Sheet names made distinct: a second ``Sổ sinh hoạt`` becomes ``Sổ sinh hoạt (2)``.

    Spreadsheet programs refuse two sheets of one name, but an edited or damaged file
    may hold them; rows are located by sheet and row, so each sheet needs its own.
    """
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        unique, number = name, 1
        while unique in seen:
            number += 1
            unique = f"{name} ({number})"
        seen.add(unique)
        out.append(unique)
    return out


def not_a_spreadsheet() -> ReadError:
    return ReadError(
        FileCode.not_a_spreadsheet,
        "Không phải tệp bảng tính (xlsx, xlsm, xlsb, xls, ods)",
        "Not a spreadsheet (xlsx, xlsm, xlsb, xls, ods)",
    )


def corrupt(detail: str = "") -> ReadError:
    """``detail``, what the reader said (a Rust panic's message), goes in both texts."""
    said = f" (chương trình đọc báo: {detail})" if detail else ""
    said_en = f" (the reader said: {detail})" if detail else ""
    return ReadError(
        FileCode.file_corrupt,
        f"Tệp bị hỏng hoặc tải về chưa trọn vẹn{said}",
        f"The file is corrupt or truncated{said_en}",
    )


def password_protected() -> ReadError:
    return ReadError(
        FileCode.password_protected,
        "Tệp có mật khẩu, không đọc được",
        "The file is password-protected",
    )


def empty_file() -> ReadError:
    return ReadError(FileCode.file_empty, "Tệp rỗng", "The file is empty")


def too_large(what_vi: str, what_en: str, code: FileCode = FileCode.file_too_large) -> ReadError:
    return ReadError(
        code,
        f"Tệp quá lớn hoặc nén bất thường: {what_vi}",
        f"File too large or too compressed: {what_en}",
    )


def unsafe_xml() -> ReadError:
    return ReadError(
        FileCode.unsafe_xml,
        "Tệp chứa khai báo DTD/thực thể XML, không đọc vì lý do an toàn",
        "The file contains XML DTD or entity declarations, refused for safety",
    )


def sniff(path: Path) -> str:
    """``zip`` (xlsx/xlsm/ods), ``ole`` (xls or an encrypted xlsx), or raise ReadError."""
    with path.open("rb") as handle:
        return sniff_head(handle.read(8))


def sniff_head(head: bytes) -> str:
    """:func:`sniff` of a file whose first bytes are ``head`` (8 or all there are)."""
    if not head:
        raise empty_file()
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head == OLE_MAGIC:
        return "ole"
    raise not_a_spreadsheet()


def ole_stream_names(path: Path) -> set[str]:
    """The stream and storage names of an OLE2 file (empty when it is too broken to tell)."""
    try:
        with olefile.OleFileIO(str(path)) as ole:
            return {entry[-1] for entry in ole.listdir(streams=True, storages=True)}
    except Exception:  # olefile raises several types for a broken container
        return set()


def ole_stream(path: Path, *names: str) -> bytes | None:
    """The first of ``names`` that the OLE2 file holds, or None; raises ValueError when
    the container is too broken to read."""
    try:
        with olefile.OleFileIO(str(path)) as ole:
            for name in names:
                if ole.exists(name):
                    data: bytes = ole.openstream(name).read()
                    return data
    except Exception as problem:  # olefile raises several types for a broken container
        raise ValueError(str(problem)) from None
    return None


def _ole_is_encrypted_ooxml(path: Path) -> bool:
    """An encrypted .xlsx is an OLE2 container holding an ``EncryptedPackage`` stream."""
    names = ole_stream_names(path)
    if names:
        return "EncryptedPackage" in names or "EncryptionInfo" in names
    data = path.read_bytes()[: 1 << 20]
    return "EncryptedPackage".encode("utf-16-le") in data


def zip_format(path: Path) -> str:
    """``xlsx`` (also .xlsm), ``xlsb`` or ``ods``, by the parts the zip holds; ``""``
    when it holds none of them."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return ""
    return parts_format(names)


def parts_format(names: set[str]) -> str:
    """``xlsx``, ``xlsb``, ``ods`` or ``""`` for a zip holding the parts ``names``."""
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "content.xml" in names:
        return "ods"
    return ""


_SUFFIXES = {"xlsx": (".xlsx", ".xlsm"), "xlsb": (".xlsb",), "ods": (".ods",)}


def _suffix_matches(path: Path, kind: str, parts: str = "") -> bool:
    """Whether the file's name tells calamine its real format (an .xlsx saved as
    ``.ods`` does not: calamine picks its parser by the name). ``parts``, a zip's format
    when the guard has told it, spares opening the zip's directory again."""
    suffix = path.suffix.lower()
    if kind == "zip":
        return suffix in _SUFFIXES.get(parts or zip_format(path), ())
    return suffix == ".xls"


def _open(path: Path, kind: str, parts: str = "") -> Any:
    """Open by content, not by name: an .xlsx saved as ``.xls`` (or the reverse) reads."""
    if _suffix_matches(path, kind, parts):
        return pc.CalamineWorkbook.from_path(str(path))
    with path.open("rb") as handle:
        return pc.CalamineWorkbook.from_filelike(handle)


def _calamine_error(problem: BaseException) -> ReadError:
    if isinstance(problem, pc.PasswordError):
        return password_protected()
    if isinstance(problem, MemoryError):
        return too_large("vượt giới hạn bộ nhớ khi đọc", "reading exceeded the memory limit")
    text = str(problem)
    if "Cell limit exceeded" in text:
        return too_large("bảng tính quá nhiều ô", "a sheet has too many cells")
    if "unrecognized entity" in text or "DOCTYPE" in text:
        return unsafe_xml()
    if type(problem).__name__ == "PanicException":  # calamine's own bug on this file
        return corrupt(" ".join(text.split())[:200])
    return corrupt()


#: What calamine says of a workbook listing a sheet kind it does not know (an Excel 4
#: macro sheet of an .xlsm): it refuses the whole workbook.
_UNKNOWN_SHEET_KIND = "Unrecognized sheet:type"
#: Relationship types of the sheets calamine reads; any other kind of ``<sheet>`` (macro
#: sheets ``xlMacrosheet``, ``xlIntlMacrosheet``, dialog sheets) is left out for it.
_READ_KINDS = ("/worksheet", "/chartsheet")


def _sheet_element(rid: str) -> re.Pattern[bytes]:
    """A ``<sheet .../>`` element of workbook.xml whose relationship id is ``rid``."""
    quoted = re.escape(rid.encode())
    return re.compile(rb"<(?:[\w.-]+:)?sheet\s[^>]*?:id=([\"'])" + quoted + rb"\1[^>]*/>")


def without_macro_sheets(path: Path) -> tuple[bytes, list[str]]:
    """The workbook as a zip in memory without its macro sheets in workbook.xml, and
    their names.

    calamine refuses a whole .xlsm that holds an Excel 4 macro sheet; without them
    listed, it reads the worksheets (the macro sheet's part stays in the zip, unread).
    The guard has bounded the zip's unpacked size before this runs.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            book = archive.read("xl/workbook.xml")
            rels = DefusedET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            other = {
                rel.get("Id") or ""
                for rel in rels
                if not (rel.get("Type") or "").endswith(_READ_KINDS)
            }
            names: list[str] = []
            for element in DefusedET.fromstring(book).iter():
                rid = element.get(f"{{{_OFFICE_REL}}}id")
                if _local(element.tag) == "sheet" and rid in other:
                    names.append(element.get("name") or "")
                    book = _sheet_element(rid).sub(b"", book, count=1)
            copy = io.BytesIO()
            with zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as out:
                for info in archive.infolist():
                    data = book if info.filename == "xl/workbook.xml" else archive.read(info)
                    out.writestr(info.filename, data)
    except DefusedXmlException:
        raise unsafe_xml() from None
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError, ET.ParseError):
        raise corrupt() from None
    return copy.getvalue(), names


def _open_indented_ods(path: Path, problem: BaseException) -> Any:
    """An .ods calamine refused, opened again with content.xml's indentation removed
    (Gnumeric indents it); when that does not help, calamine's first refusal stands."""
    data = without_indentation(str(path))
    if data is None:
        raise problem
    try:
        return pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # calamine raises unrelated types (and Rust panics)
        raise problem from None


def read_sheets(
    path: Path,
    formula_members: frozenset[str] | None = None,
    wanted: Callable[[str], bool] | None = None,
    parts: str = "",
) -> list[Sheet]:
    """All worksheets of a workbook (those whose name is ``wanted``) as rows from
    spreadsheet row 1 (index 0).

    For .xlsx/.xlsm, formula cells that carry no cached value are listed in
    :attr:`Sheet.formula_without_value` (the reader never computes a formula).
    ``formula_members``, the sheet parts the guard saw a formula in, spares a second
    decompression of every sheet to find them.
    """
    kind, sheets = parse_sheets(path, wanted, parts)
    mark_formulas(path, kind, sheets, formula_members, wanted)
    return sheets


def parse_sheets(
    path: Path, wanted: Callable[[str], bool] | None = None, parts: str = ""
) -> tuple[str, list[Sheet]]:
    """The container kind and the worksheets (those whose name is ``wanted``) as calamine
    reads them; :func:`mark_formulas` completes them. calamine lets other threads run
    while it parses a sheet. ``parts``: a zip's format, when the guard has told it."""
    kind = "zip" if parts else sniff(path)  # a format from the guard: a zip, sniffed there
    if kind == "ole" and _ole_is_encrypted_ooxml(path):
        raise password_protected()
    macros: list[str] = []
    try:
        try:
            workbook = _open(path, kind, parts)
        except pc.CalamineError as problem:
            if kind == "zip" and _UNKNOWN_SHEET_KIND in str(problem):
                data, macros = without_macro_sheets(path)
                workbook = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
            elif kind == "zip" and (parts or zip_format(path)) == "ods":
                workbook = _open_indented_ods(path, problem)
            else:
                raise
    except (KeyboardInterrupt, SystemExit, ReadError):
        raise
    except BaseException as problem:  # calamine raises unrelated types (and Rust panics)
        raise _calamine_error(problem) from None
    sheets = [Sheet(name, [], macro=True) for name in macros if wanted is None or wanted(name)]
    try:
        metadata = list(workbook.sheets_metadata)
        names = unique_names([meta.name for meta in metadata])
        for index, meta in enumerate(metadata):
            if str(meta.typ) != str(pc.SheetTypeEnum.WorkSheet):
                xlm = str(meta.typ) == str(pc.SheetTypeEnum.MacroSheet)  # an .xls's macro sheet
                if xlm and (wanted is None or wanted(names[index])):
                    sheets.append(Sheet(names[index], [], macro=True))
                continue
            name = names[index]
            if wanted is not None and not wanted(name):
                continue
            if name != meta.name:  # calamine would give the first sheet of that name again
                sheets.append(Sheet(name, [], duplicate_of=meta.name))
                continue
            sheet = workbook.get_sheet_by_index(index)
            rows = sheet.to_python(skip_empty_area=False)
            try:
                merged = list(sheet.merged_cell_ranges or [])
            except Exception:
                merged = []
            visible = str(meta.visible) == str(pc.SheetVisibleEnum.Visible)
            sheets.append(Sheet(name, rows, merged, visible=visible))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as problem:
        raise _calamine_error(problem) from None
    finally:
        workbook.close()
    return kind, sheets


def mark_formulas(
    path: Path,
    kind: str,
    sheets: list[Sheet],
    formula_members: frozenset[str] | None,
    wanted: Callable[[str], bool] | None = None,
) -> None:
    """Fill :attr:`Sheet.formula_without_value` of an .xlsx/.xlsm's ``sheets``."""
    if kind == "zip":
        missing = formulas_without_value(path, formula_members, wanted)
        for sheet in sheets:
            sheet.formula_without_value = missing.get(sheet.name, [])


# ------------------------------------------------------------------ formulas without a value

#: A formula element (``<f>``, ``<x:f ...>``, ``<f/>``) in a sheet's XML.
FORMULA_ELEMENT = re.compile(rb"f(?<=[<:]f)[\s>/]")
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)$")
_OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _has_formula(archive: zipfile.ZipFile, member: str) -> bool:
    tail = b""
    with archive.open(member) as handle:
        while chunk := handle.read(1 << 20):
            if FORMULA_ELEMENT.search(tail + chunk[:8]) or FORMULA_ELEMENT.search(chunk):
                return True
            tail = chunk[-8:]
    return False


def worksheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip member of its XML, from workbook.xml and its relationships."""
    try:
        workbook = DefusedET.fromstring(archive.read("xl/workbook.xml"))
        rels = DefusedET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        return {}
    targets: dict[str, str] = {}
    for rel in rels:
        target = rel.get("Target") or ""
        if rel.get("TargetMode") == "External" or not target:
            continue
        member = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        targets[rel.get("Id") or ""] = posixpath.normpath(member)
    listed = [
        (element.get("name") or "", element.get(f"{{{_OFFICE_REL}}}id"))
        for element in workbook.iter()
        if _local(element.tag) == "sheet"
    ]
    names = unique_names([name for name, _ in listed])  # as parse_sheets names them
    return {
        name: targets[rid] for name, (_, rid) in zip(names, listed, strict=True) if rid in targets
    }


def sheet_parts(path: Path) -> dict[str, tuple[str, int]]:
    """Sheet name -> (zip member of its XML, unpacked size), for an .xlsx/.xlsm (empty if
    unknown)."""
    try:
        with zipfile.ZipFile(path) as archive:
            sizes = {info.filename: info.file_size for info in archive.infolist()}
            members = worksheet_members(archive)
    except DefusedXmlException:
        raise unsafe_xml() from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, ET.ParseError):
        return {}
    return {name: (member, sizes[member]) for name, member in members.items() if member in sizes}


def _lacks_cached_value(cell: Any) -> bool:
    """A ``<c>`` with a formula and no cached value (an empty ``<v>`` counts as none,
    except for a text result, whose cached value may really be empty)."""
    formula = value = None
    for child in cell:
        name = _local(child.tag)
        if name == "f":
            formula = child
        elif name == "v":
            value = child
    if formula is None:
        return False
    return value is None or (not value.text and cell.get("t") not in ("str", "inlineStr"))


def _scan_formulas(handle: Any, found: list[tuple[int, int]]) -> None:
    """Add (row, column), 1-based, of each ``<c>`` with an ``<f>`` and no cached ``<v>``."""
    row = col = 0
    for event, element in DefusedET.iterparse(handle, events=("start", "end")):
        name = _local(element.tag)
        if event == "start":
            if name == "row":
                number = element.get("r")
                row = int(number) if number and number.isdigit() else row + 1
                col = 0
            elif name == "c":
                match = _CELL_REF.match(element.get("r") or "")
                if match:
                    col = column_number(match.group(1))
                    row = int(match.group(2))
                else:
                    col += 1
            continue
        if name == "c":
            if _lacks_cached_value(element):
                found.append((row, col))
            element.clear()
        elif name == "row":
            element.clear()


_CACHED_VALUE = re.compile(rb"<v>[^<]")


class _NeedFullParse(Exception):
    """A formula cell the quick scan cannot place (prefixed tags, no ``r`` attribute)."""


def _check_cell(snippet: bytes, found: list[tuple[int, int]]) -> None:
    """Parse one ``<c>`` element (with defusedxml) and note it when its value is missing."""
    element = DefusedET.fromstring(snippet)
    if not _lacks_cached_value(element):
        return
    match = _CELL_REF.match(element.get("r") or "")
    if not match:
        raise _NeedFullParse
    found.append((int(match.group(2)), column_number(match.group(1))))


def _quick_scan(handle: Any, found: list[tuple[int, int]]) -> bool:
    """Find formula cells without a cached value by scanning bytes; only cells that have
    a formula and no non-empty ``<v>`` are parsed (with defusedxml).

    Returns False when the sheet needs the full element-by-element parse instead (tags
    with a namespace prefix, or a formula cell without an ``r`` reference).
    """
    carry = b""
    try:
        while True:
            chunk = handle.read(1 << 20)
            buffer = carry + chunk
            done = 0
            carry = b""
            for match in FORMULA_ELEMENT.finditer(buffer):
                at = match.start()
                if at < done:
                    continue
                if buffer[at - 1 : at] != b"<":
                    return False  # a prefixed <x:f>
                low = max(done, at - 4096)
                start = max(buffer.rfind(b"<c ", low, at), buffer.rfind(b"<c>", low, at))
                end = buffer.find(b"</c>", at)
                if start < 0:
                    return False
                if end < 0:
                    if not chunk:
                        return True  # an unfinished cell at the end: nothing more to find
                    carry = buffer[start:]
                    break
                end += 4
                snippet = buffer[start:end]
                if not _CACHED_VALUE.search(snippet):
                    _check_cell(snippet, found)
                done = end
            else:
                carry = buffer[max(done, len(buffer) - 16) :]
            if not chunk:
                return True
    except _NeedFullParse:
        return False


def formulas_without_value(
    path: Path,
    formula_members: frozenset[str] | None = None,
    wanted: Callable[[str], bool] | None = None,
) -> dict[str, list[tuple[int, int]]]:
    """For an .xlsx/.xlsm: sheet name -> cells whose formula has no cached value.

    Sheets without a formula element pay one decompression pass and nothing else; in
    the others only formula cells without a non-empty ``<v>`` are parsed (defusedxml).
    """
    result: dict[str, list[tuple[int, int]]] = {}
    if formula_members is not None and not formula_members:
        return result  # the guard saw no formula: not even the zip directory is read again
    try:
        with zipfile.ZipFile(path) as archive:
            with_formulas = (
                set(formula_members)
                if formula_members is not None
                else {
                    name
                    for name in archive.namelist()
                    if name.startswith("xl/worksheets/") and _has_formula(archive, name)
                }
            )
            if not with_formulas:
                return result
            for sheet, member in worksheet_members(archive).items():
                if member not in with_formulas or (wanted is not None and not wanted(sheet)):
                    continue
                cells: list[tuple[int, int]] = []
                # Malformed XML that calamine read anyway: keep the cells found so far.
                with archive.open(member) as handle, contextlib.suppress(ET.ParseError):
                    if not _quick_scan(handle, cells):
                        cells.clear()
                        with archive.open(member) as again:
                            _scan_formulas(again, cells)
                if cells:
                    result[sheet] = cells
    except DefusedXmlException:
        raise unsafe_xml() from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise corrupt() from None
    return result


def column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + (ord(char) - 64)
    return number
