"""Find the files an audit reads under the INPUT arguments.

Every regular file found gets exactly one entry (docs/report-json.md): spreadsheets to read,
lock and hidden files to skip with a note, everything else to report as "not a
spreadsheet" by the reader. The walk is sorted so two runs see files in the same order,
and it never follows a symbolic link out of the INPUT tree.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from auditor.codes import FileCode

SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})


@dataclass(frozen=True)
class Found:
    """A file under an INPUT argument and what to do with it."""

    path: Path
    rel: str
    skip_vi: str | None = None
    skip_en: str | None = None
    #: The skip reason's code (``inputs[].code``).
    skip_code: FileCode | None = None

    @property
    def skipped(self) -> bool:
        return self.skip_vi is not None


def _skip_reason(name: str) -> tuple[str, str, FileCode] | None:
    if name.startswith("~$") or name.startswith(".~lock."):
        return (
            "Tệp khóa của chương trình bảng tính, bỏ qua",
            "Lock file, skipped",
            FileCode.lock_file,
        )
    if name.startswith("."):
        return ("Tệp ẩn, bỏ qua", "Hidden file, skipped", FileCode.hidden_file)
    return None


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def _found(path: Path, rel: str, root: Path) -> Found:
    reason = _skip_reason(path.name)
    if reason is None and path.is_symlink() and not _inside(path, root):
        reason = (
            "Liên kết trỏ ra ngoài thư mục đầu vào, không đọc",
            "Symbolic link leading out of the input tree, not followed",
            FileCode.link_outside_input,
        )
    if reason is None:
        return Found(path, rel)
    return Found(path, rel, *reason)


def discover(inputs: list[Path]) -> list[Found]:
    """Every file under ``inputs``, in a stable order, with its path relative to its INPUT.

    Hidden directories (``.git``, ``.Trash``) are not entered.
    """
    found: list[Found] = []
    for given in inputs:
        if given.is_dir():
            root = given.resolve()
            for dirpath, dirnames, filenames in os.walk(given, followlinks=False):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                base = Path(dirpath)
                for name in sorted(filenames):
                    path = base / name
                    rel = path.relative_to(given).as_posix()
                    if path.is_symlink() or path.is_file():
                        found.append(_found(path, rel, root))
        else:
            found.append(_found(given, given.name, given.resolve().parent))
    return found
