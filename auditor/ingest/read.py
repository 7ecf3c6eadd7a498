"""Read a workbook's sheets as rows of plain values with python-calamine.

calamine never runs macros and never evaluates formulas (a formula counts by its cached
value). The file's format is decided by its first bytes, not its name, so a photo renamed
``.xls`` or a password-protected workbook gets a clear reason instead of a parser error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine as pc

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ReadError(Exception):
    """A file that cannot be read as a workbook, with the reason in Vietnamese and English."""

    def __init__(self, reason_vi: str, reason_en: str) -> None:
        super().__init__(f"{reason_vi} / {reason_en}")
        self.reason_vi = reason_vi
        self.reason_en = reason_en


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)


def not_a_spreadsheet() -> ReadError:
    return ReadError(
        "Không phải tệp bảng tính (xlsx, xlsm, xls, ods)",
        "Not a spreadsheet (xlsx, xlsm, xls, ods)",
    )


def corrupt() -> ReadError:
    return ReadError(
        "Tệp bị hỏng hoặc tải về chưa trọn vẹn",
        "The file is corrupt or truncated",
    )


def password_protected() -> ReadError:
    return ReadError("Tệp có mật khẩu, không đọc được", "The file is password-protected")


def empty_file() -> ReadError:
    return ReadError("Tệp rỗng", "The file is empty")


def sniff(path: Path) -> str:
    """``zip`` (xlsx/xlsm/ods), ``ole`` (xls or an encrypted xlsx), or raise ReadError."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if not head:
        raise empty_file()
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head == OLE_MAGIC:
        return "ole"
    raise not_a_spreadsheet()


def _ole_is_encrypted_ooxml(path: Path) -> bool:
    """An encrypted .xlsx is an OLE2 container holding an ``EncryptedPackage`` stream."""
    data = path.read_bytes()[: 1 << 20]
    return "EncryptedPackage".encode("utf-16-le") in data


def read_sheets(path: Path) -> list[Sheet]:
    """All worksheets of a workbook as rows from spreadsheet row 1 (index 0)."""
    if sniff(path) == "ole" and _ole_is_encrypted_ooxml(path):
        raise password_protected()
    try:
        workbook = pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError:
        raise password_protected() from None
    except Exception:  # calamine raises several unrelated types for broken files
        raise corrupt() from None
    sheets: list[Sheet] = []
    try:
        for index, meta in enumerate(workbook.sheets_metadata):
            if str(meta.typ) != str(pc.SheetTypeEnum.WorkSheet):
                continue
            sheet = workbook.get_sheet_by_index(index)
            rows = sheet.to_python(skip_empty_area=False)
            try:
                merged = list(sheet.merged_cell_ranges or [])
            except Exception:
                merged = []
            sheets.append(Sheet(meta.name, rows, merged))
    except pc.PasswordError:
        raise password_protected() from None
    except Exception:
        raise corrupt() from None
    finally:
        workbook.close()
    return sheets
