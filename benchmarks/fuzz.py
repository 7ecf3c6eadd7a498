"""Mutation fuzz: broken copies of good workbooks, audited in batches by the command line.

From good workbooks (by default the sample year and the LibreOffice and Gnumeric saves
under tests/data/), make mutants: byte flips, truncations, and edits of the XML inside
the zip (huge numbers, dates in 9999 and beyond, shared-string indices past the table,
a sheet renamed to another sheet's name, a part deleted, a flipped byte in a part's
XML). Each batch is audited by ``auditor audit`` in its own process, as a user runs it,
and these must hold for every batch:

- the run exits 0 and writes report.json, report.xlsx and report.html;
- every mutant has exactly one ``inputs`` entry;
- per file, ``rows.rejected`` equals its entries in ``rejected_rows``, and an ``ok``
  file's rows read are its rows accepted plus rejected;
- nothing reaches stderr (``--quiet``: the auditor itself prints nothing there on a run
  that succeeds), so no traceback and no native panic text.

    .venv/bin/python -m benchmarks.fuzz --mutants 1500 --batch 150 --seed 1

Prints the mutants made by kind, the files' outcomes, and every broken invariant (exit
status 1 when there is one).
"""

from __future__ import annotations

import argparse
import collections
import io
import json
import random
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SEEDS = [
    ROOT / "sample_data",
    ROOT / "tests" / "data" / "libreoffice",
    ROOT / "tests" / "data" / "gnumeric",
]
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")

#: A mutation of a zip's members: name -> bytes (None deletes), or None when it has
#: nothing to change in this workbook.
Members = dict[str, bytes | None]
ZipEdit = Callable[[dict[str, bytes], random.Random], Members | None]

HUGE_NUMBERS = (
    b"1e308",
    b"1.8e308",
    b"-1e308",
    b"99999999999999999999999999999",
    b"9223372036854775808",
    b"-9223372036854775809",
    b"NaN",
    b"1e-320",
)
#: 31/12/9999, the first day after it, and serials far past any calendar.
HUGE_SERIALS = (b"2958465", b"2958466", b"10000000", b"1e15", b"-1")
TEXT_DATES = (b"31/12/9999", b"01/01/10000", b"00/00/0000", b"31/12/1899", b"29/02/2100")
ODS_DATES = (b"9999-12-31", b"10000-01-01", b"0000-01-01", b"-0001-01-01", b"2024-13-45")


def _sheets(parts: dict[str, bytes]) -> list[str]:
    return sorted(
        name
        for name in parts
        if (name.startswith("xl/worksheets/") and name.endswith(".xml")) or name == "content.xml"
    )


def _replace_one(
    data: bytes,
    pattern: re.Pattern[bytes],
    make: Callable[[re.Match[bytes]], bytes],
    rng: random.Random,
) -> bytes | None:
    """``data`` with one match of ``pattern``, chosen at random, replaced by ``make``."""
    matches = list(pattern.finditer(data))
    if not matches:
        return None
    match = rng.choice(matches)
    return data[: match.start()] + make(match) + data[match.end() :]


def _middle(value: bytes) -> Callable[[re.Match[bytes]], bytes]:
    """A match of a three-group pattern with its middle group replaced by ``value``."""
    return lambda match: match[1] + value + match[3]


_NUMBER_CELL = re.compile(rb"(<c\b[^>]*>(?:<f>[^<]*</f>)?<v>)(-?[\d.eE+]+)(</v>)")
_ODS_FLOAT = re.compile(rb'(office:value=")([^"]*)(")')
_DATE_SERIAL = re.compile(rb"(<c\b[^>]*>(?:<f>[^<]*</f>)?<v>)(4\d{4}(?:\.\d+)?)(</v>)")
_TEXT_DATE = re.compile(rb"(>)(\d{1,2}/\d{1,2}/\d{4})(<)")
_ODS_DATE = re.compile(rb'(office:date-value=")([^"]*)(")')
_SHARED_INDEX = re.compile(rb'(<c\b[^>]*t="s"[^>]*><v>)(\d+)(</v>)')
_XLSX_SHEET_NAME = re.compile(rb'(<sheet\b[^>]*\bname=")([^"]*)(")')
_ODS_SHEET_NAME = re.compile(rb'(<table:table\b[^>]*\btable:name=")([^"]*)(")')


def huge_number(parts: dict[str, bytes], rng: random.Random) -> Members | None:
    """A number cell's value becomes one no count can hold (or no float)."""
    for name in rng.sample(_sheets(parts), len(_sheets(parts))):
        pattern = _ODS_FLOAT if name == "content.xml" else _NUMBER_CELL
        value = rng.choice(HUGE_NUMBERS)
        changed = _replace_one(parts[name], pattern, _middle(value), rng)
        if changed is not None:
            return {name: changed}
    return None


def far_date(parts: dict[str, bytes], rng: random.Random) -> Members | None:
    """A date (a serial, a typed date in the shared strings, an .ods date value) moved
    to 9999 or past any calendar."""
    edits: list[tuple[str, re.Pattern[bytes], Sequence[bytes]]] = []
    for name in _sheets(parts):
        if name == "content.xml":
            edits += [(name, _ODS_DATE, ODS_DATES), (name, _TEXT_DATE, TEXT_DATES)]
        else:
            edits.append((name, _DATE_SERIAL, HUGE_SERIALS))
    if "xl/sharedStrings.xml" in parts:
        edits.append(("xl/sharedStrings.xml", _TEXT_DATE, TEXT_DATES))
    rng.shuffle(edits)
    for name, pattern, values in edits:
        value = rng.choice(values)
        changed = _replace_one(parts[name], pattern, _middle(value), rng)
        if changed is not None:
            return {name: changed}
    return None


def bad_shared_string(parts: dict[str, bytes], rng: random.Random) -> Members | None:
    """A text cell points past the shared-string table (or at a negative index)."""
    for name in rng.sample(_sheets(parts), len(_sheets(parts))):
        index = rng.choice((b"999999", b"4294967295", b"18446744073709551616", b"-1"))
        changed = _replace_one(parts[name], _SHARED_INDEX, _middle(index), rng)
        if changed is not None:
            return {name: changed}
    return None


def sheet_renamed(parts: dict[str, bytes], rng: random.Random) -> Members | None:
    """One sheet takes another sheet's name (so two tables share it)."""
    name = "xl/workbook.xml" if "xl/workbook.xml" in parts else "content.xml"
    if name not in parts:
        return None
    pattern = _XLSX_SHEET_NAME if name == "xl/workbook.xml" else _ODS_SHEET_NAME
    names = [m[2] for m in pattern.finditer(parts[name])]
    if len(names) < 2:
        return None
    target = rng.choice(names)
    changed = _replace_one(
        parts[name],
        pattern,
        lambda m: m[1] + (target if m[2] != target else names[names.index(target) - 1]) + m[3],
        rng,
    )
    return None if changed is None else {name: changed}


def part_deleted(parts: dict[str, bytes], rng: random.Random) -> Members | None:
    """A part of the zip is missing (a sheet, the shared strings, the styles, the
    relationships, content.xml, the manifest)."""
    return {rng.choice(sorted(parts)): None}


def xml_byte_flipped(parts: dict[str, bytes], rng: random.Random) -> Members | None:
    """One byte of a sheet's or the shared strings' XML changed, the zip still whole."""
    names = _sheets(parts) + [n for n in ("xl/sharedStrings.xml",) if n in parts]
    name = rng.choice(names) if names else rng.choice(sorted(parts))
    data = bytearray(parts[name])
    if not data:
        return None
    at = rng.randrange(len(data))
    data[at] = rng.choice(b"<>&\"'/=\x00\xff0 9")
    return {name: bytes(data)}


ZIP_EDITS: dict[str, ZipEdit] = {
    "huge_number": huge_number,
    "far_date": far_date,
    "bad_shared_string": bad_shared_string,
    "sheet_renamed": sheet_renamed,
    "part_deleted": part_deleted,
    "xml_byte_flipped": xml_byte_flipped,
}


def byte_flips(data: bytes, rng: random.Random) -> bytes:
    """1-8 random bytes of the file changed."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def truncated(data: bytes, rng: random.Random) -> bytes:
    """The file cut short, as an interrupted download leaves it."""
    return data[: rng.randrange(len(data))]


def _edit_zip(data: bytes, edit: ZipEdit, rng: random.Random) -> bytes | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            parts = {info.filename: archive.read(info) for info in infos}
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    changes = edit(parts, rng)
    if changes is None:
        return None
    copy = io.BytesIO()
    with zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as out:
        for info in infos:
            content = changes.get(info.filename, parts[info.filename])
            if content is not None:
                out.writestr(info, content)
    return copy.getvalue()


def mutate(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One mutant of the workbook ``data``: (kind of mutation, bytes)."""
    if data.startswith(b"PK\x03\x04") and rng.random() < 0.75:
        kinds = list(ZIP_EDITS)
        rng.shuffle(kinds)
        for kind in kinds:
            changed = _edit_zip(data, ZIP_EDITS[kind], rng)
            if changed is not None:
                return kind, changed
    if rng.random() < 0.6:
        return "byte_flips", byte_flips(data, rng)
    return "truncated", truncated(data, rng)


def seed_files(sources: Sequence[Path]) -> list[Path]:
    found: list[Path] = []
    for source in sources:
        paths = sorted(source.rglob("*")) if source.is_dir() else [source]
        found += [p for p in paths if p.is_file() and p.suffix.lower() in SUFFIXES]
    return found


def make_mutants(seeds: Sequence[Path], count: int, seed: int, folder: Path) -> dict[str, str]:
    """Write ``count`` mutants of ``seeds`` into ``folder``; file name -> mutation kind."""
    rng = random.Random(seed)
    originals = [(path, path.read_bytes()) for path in seeds]
    folder.mkdir(parents=True, exist_ok=True)
    made: dict[str, str] = {}
    for number in range(count):
        path, data = rng.choice(originals)
        kind, mutant = mutate(data, rng)
        name = f"m{seed}_{number:05d}_{kind}_{path.name}"
        (folder / name).write_bytes(mutant)
        made[name] = kind
    return made


@dataclass
class Batch:
    files: dict[str, str]
    returncode: int
    stderr: str
    seconds: float
    report: dict[str, Any] | None = None
    problems: list[str] = field(default_factory=list)


def audit_batch(folder: Path, out: Path, files: dict[str, str], workers: int) -> Batch:
    """Run ``auditor audit`` on ``folder`` in a new process and check the invariants."""
    command = [
        sys.executable,
        "-c",
        "from auditor.cli import main; main()",
        "audit",
        str(folder),
        "--year",
        "2024",
        "--out",
        str(out),
        "--quiet",
        "--workers",
        str(workers),
    ]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=1800)
    batch = Batch(files, done.returncode, done.stderr, time.perf_counter() - start)
    batch.problems = check(batch, out)
    return batch


def check(batch: Batch, out: Path) -> list[str]:
    """The invariants that failed for one audited batch, in words."""
    problems: list[str] = []
    if batch.returncode != 0:
        problems.append(f"exit status {batch.returncode}")
    if batch.stderr.strip():
        problems.append(f"stderr: {batch.stderr.strip()[:500]}")
    missing = [n for n in ("report.json", "report.xlsx", "report.html") if not (out / n).is_file()]
    if missing:
        problems.append(f"no {', '.join(missing)}")
    if not (out / "report.json").is_file():
        return problems
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    batch.report = report
    listed = collections.Counter(entry["file"] for entry in report["inputs"])
    for name in batch.files:
        if listed[name] != 1:
            problems.append(f"{name}: {listed[name]} inputs entries")
    for name in set(listed) - set(batch.files):
        problems.append(f"{name}: listed but not a mutant")
    rejected = collections.Counter(row["file"] for row in report["rejected_rows"])
    for entry in report["inputs"]:
        rows = entry["rows"]
        if rows["rejected"] != rejected[entry["file"]]:
            problems.append(
                f"{entry['file']}: rows.rejected {rows['rejected']} but "
                f"{rejected[entry['file']]} rejected_rows"
            )
        if entry["status"] == "ok" and rows["read"] != rows["accepted"] + rows["rejected"]:
            problems.append(f"{entry['file']}: rows {rows} do not add up")
    return problems


def outcomes(batches: Sequence[Batch]) -> collections.Counter[str]:
    """How the mutants came out: ``ok`` or the English error, by count."""
    counts: collections.Counter[str] = collections.Counter()
    for batch in batches:
        for entry in (batch.report or {}).get("inputs", []):
            error = entry.get("error_en") or ""
            counts[entry["status"] if entry["status"] == "ok" else error.split(" (")[0]] += 1
    return counts


def run(
    seeds: Sequence[Path], mutants: int, batch_size: int, seed: int, workers: int, work: Path
) -> list[Batch]:
    files = seed_files(seeds)
    batches: list[Batch] = []
    for number, start in enumerate(range(0, mutants, batch_size)):
        folder = work / f"batch{number:03d}"
        made = make_mutants(files, min(batch_size, mutants - start), seed * 1000 + number, folder)
        batches.append(audit_batch(folder, work / f"report{number:03d}", made, workers))
    return batches


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=int, default=1500)
    parser.add_argument("--batch", type=int, default=150)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("seeds", nargs="*", type=Path, default=DEFAULT_SEEDS)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="fuzz-") as work:
        batches = run(args.seeds, args.mutants, args.batch, args.seed, args.workers, Path(work))
    seconds = time.perf_counter() - start
    kinds = collections.Counter(kind for b in batches for kind in b.files.values())
    problems = [p for b in batches for p in b.problems]
    print(
        f"# mutation fuzz: {sum(kinds.values())} mutants of {len(seed_files(args.seeds))} "
        f"workbooks, {len(batches)} batches of {args.batch}, seed {args.seed}, "
        f"{seconds:.0f} s ({sum(b.seconds for b in batches):.0f} s auditing)"
    )
    print("\n## mutants by kind")
    for kind, count in kinds.most_common():
        print(f"{kind:<22}{count:>6}")
    print("\n## outcomes")
    for outcome, count in outcomes(batches).most_common():
        print(f"{count:>6}  {outcome}")
    failed = sum(bool(b.problems) for b in batches)
    print(
        f"\n## invariants: {failed} of {len(batches)} batches broke one, {len(problems)} problems"
    )
    for problem in problems[:50]:
        print(f"- {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
