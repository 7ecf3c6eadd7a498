"""Parts: reading one file, or the sheets of a large one that one worker reads.

This is the worker side of the import: whatever a file holds, reading it gives a
:class:`FileResult` (an ``error`` one for a file that cannot be read), never an
exception, so one broken file never stops the others. A large workbook is dealt into
parts by sheet so both cores read it; :mod:`auditor.ingest.merging` puts them together.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from auditor.codes import FileCode
from auditor.ingest.discover import Found
from auditor.ingest.file_result import FileResult, finish
from auditor.ingest.guard import Limits, inspect_file
from auditor.ingest.read import (
    ReadError,
    Sheet,
    mark_formulas,
    parse_sheets,
    read_sheets,
    sheet_parts,
)
from auditor.ingest.sheet_rows import records_of_sheets
from auditor.models import InputFile, Note

DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class FilePart:
    """A file to read whole, or the sheets of it that one worker reads.

    A large workbook is read in parts, one per worker, so its sheets are read and
    validated on both cores: ``take`` only these sheets, or all but those in ``leave``.
    """

    found: Found
    take: frozenset[str] | None = None
    leave: frozenset[str] = frozenset()
    #: Every sheet name of the workbook, in its order (for putting the parts together).
    order: tuple[str, ...] = ()
    #: Zip member of each sheet's XML -> the sheet's name, for a large .xlsx (whole or a
    #: part): its worker parses while it guards (:func:`_parse_while_guarding`).
    sheet_of: Mapping[str, str] = field(default_factory=dict)

    @property
    def whole(self) -> bool:
        return self.take is None and not self.leave

    def wanted(self, name: str) -> bool:
        return (self.take is None or name in self.take) and name not in self.leave

    def guards(self, member: str) -> bool:
        """Whether this part's worker scans sheet part ``member``: each is scanned by
        exactly one part (one no sheet names, by the part that takes the rest)."""
        name = self.sheet_of.get(member)
        return self.take is None if name is None else self.wanted(name)


def sha256_of(path: Path) -> str:
    """The file's SHA-256, read in chunks (a consolidated log is megabytes)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_file(found: Found, limits: Limits = DEFAULT_LIMITS) -> FileResult:
    """Read one file into records, rejected rows and notes, never raising for bad input."""
    return read_part(FilePart(found), limits)


def read_part(part: FilePart, limits: Limits = DEFAULT_LIMITS) -> FileResult:
    """Read a file, or the sheets of it that ``part`` names, never raising for bad input.

    A part's result is put together with the other parts' by
    :func:`auditor.ingest.merging.combine_parts`.
    """
    found = part.found
    if found.skipped:
        return FileResult(
            InputFile(
                file=found.rel,
                sha256=None,
                status="skipped",
                error=found.skip_vi,
                error_en=found.skip_en,
                code=found.skip_code,
            ),
            notes=[
                Note(
                    file=found.rel,
                    code="file_skipped",
                    message_vi=found.skip_vi or "",
                    message_en=found.skip_en or "",
                )
            ],
        )
    try:
        start = time.perf_counter()
        if part.sheet_of:  # a large workbook, or a part of one
            sheets = _parse_while_guarding(part, limits)
            digest = sha256_of(found.path)
        else:
            checked = inspect_file(found.path, limits)
            sheets = read_sheets(found.path, checked.formula_members, parts=checked.zip_format)
            # a small zip's, from the bytes the guard read
            digest = checked.sha256 or sha256_of(found.path)
        middle = time.perf_counter()
        result = records_of_sheets(found.rel, digest, sheets)
        if part.whole:
            finish(result)
        result.read_seconds = middle - start
        result.validate_seconds = time.perf_counter() - middle
        return result
    except ReadError as problem:
        return error_result(found, problem.code, problem.reason_vi, problem.reason_en)
    except OSError as problem:
        return error_result(
            found,
            FileCode.cannot_open,
            f"Không mở được tệp: {problem.strerror}",
            f"Cannot open the file: {problem.strerror}",
        )
    except Exception as problem:  # a bug or an unforeseen file must not stop the run
        return error_result(
            found,
            FileCode.unexpected_error,
            f"Lỗi không lường trước khi đọc tệp ({type(problem).__name__})",
            f"Unexpected error while reading the file ({type(problem).__name__}: {problem})",
        )


def _parse_while_guarding(part: FilePart, limits: Limits) -> list[Sheet]:
    """A part's sheets, parsed by calamine in a thread while this one scans the part's
    sheet XML with the guard: calamine lets other threads run while it parses, so the
    scan (0.45 s on a 200,000-row workbook) no longer comes first.

    A refusal by the guard wins over anything the parse says; a parse the guard would
    have refused can only crash this bounded worker, and then the parent asks the guard
    why (:func:`failed_part`).
    """
    path = part.found.path
    with ThreadPoolExecutor(max_workers=1) as background:
        parsing = background.submit(parse_sheets, path, part.wanted)
        checked = inspect_file(path, limits, part.guards)
        kind, sheets = parsing.result()
    mark_formulas(path, kind, sheets, checked.formula_members, part.wanted)
    return sheets


def error_result(found: Found, code: FileCode, reason_vi: str, reason_en: str) -> FileResult:
    """The result of a file that cannot be read: its status ``error`` and the reason."""
    digest = None
    with contextlib.suppress(OSError):
        digest = sha256_of(found.path)
    return FileResult(
        InputFile(
            file=found.rel,
            sha256=digest,
            status="error",
            error=reason_vi,
            error_en=reason_en,
            code=code,
        )
    )


def failed_part(
    part: FilePart, code: FileCode, reason_vi: str, reason_en: str, limits: Limits
) -> FileResult:
    """The result of a part whose worker crashed or overran its time limit. A large
    workbook was parsed while it was being guarded: the guard, asked now, may know the
    file's real fault."""
    if part.sheet_of:
        try:
            inspect_file(part.found.path, limits)
        except ReadError as problem:
            code, reason_vi, reason_en = problem.code, problem.reason_vi, problem.reason_en
        except Exception:  # the crash's reason stands
            pass
    return error_result(part.found, code, reason_vi, reason_en)


def split_file(found: Found, limits: Limits, workers: int) -> list[FilePart] | FileResult:
    """The parts a large .xlsx is read in: its sheets dealt to ``workers`` by unpacked
    size, the largest first (one part when it has one sheet); or the file's error result
    when the guard refuses it.

    The guard's checks of the zip directory and of the XML parts' heads run here, in the
    parent, before any worker opens the file or this one reads its sheet list; each
    part's worker scans its own sheets' XML while it parses them.
    """
    try:
        checked = inspect_file(found.path, limits, scan=_nothing)
        parts = sheet_parts(found.path) if checked.kind == "zip" else {}
    except ReadError as problem:
        return error_result(found, problem.code, problem.reason_vi, problem.reason_en)
    except Exception:  # a worker meets it again and says what it is
        return [FilePart(found)]
    loads = [0] * workers
    groups: list[set[str]] = [set() for _ in range(workers)]
    for name in sorted(parts, key=lambda name: -parts[name][1]):
        lightest = loads.index(min(loads))
        groups[lightest].add(name)
        loads[lightest] += parts[name][1]
    others = [frozenset(group) for group in groups[1:] if group]
    sheet_of = {member: name for name, (member, _) in parts.items()}
    if not others:
        return [FilePart(found, sheet_of=sheet_of)]
    order = tuple(parts)
    return [
        FilePart(found, leave=frozenset().union(*others), order=order, sheet_of=sheet_of),
        *(FilePart(found, take=group, order=order, sheet_of=sheet_of) for group in others),
    ]


def _nothing(_member: str) -> bool:
    return False
