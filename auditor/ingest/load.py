"""Import every workbook under the INPUT arguments into one :class:`Dataset`.

Nothing is lost: every file gets one status, every data row ends as a record or as a
rejected row, and everything else worth knowing (skipped files, unknown columns, ignored
sheets) becomes a note. One broken file never stops the others.

This module runs the import: it finds the files, reads them here or in bounded worker
processes (:mod:`auditor.ingest.parts`, large workbooks in parts) and merges the results
(:mod:`auditor.ingest.merging`).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from auditor.codes import FileCode
from auditor.ingest.dataset import Dataset
from auditor.ingest.discover import Found, discover
from auditor.ingest.file_result import FileResult
from auditor.ingest.guard import Limits
from auditor.ingest.merging import Merger, combine_parts, merge
from auditor.ingest.parts import (
    DEFAULT_LIMITS,
    FilePart,
    failed_part,
    read_file,
    read_part,
    split_file,
)
from auditor.ingest.pool import WorkerPool, forks_first
from auditor.ingest.quiet import native_output_silenced

__all__ = ["DEFAULT_LIMITS", "SPLIT_BYTES", "FileResult", "Progress", "load", "merge", "read_file"]

#: Called after each file with (files done, files in all, relative path).
Progress = Callable[[int, int, str], None]


#: From this size on disk a workbook is read in parts, one per worker (a cell's own
#: workbook is tens of KB; a province's consolidated log of 200,000 rows is 9 MB).
SPLIT_BYTES = 2 * 1024 * 1024
#: Small files given to a worker at once (:meth:`WorkerPool.run`): a worker reads a cell's
#: workbook in about 1.5 ms, less than the parent's turn to send the next one took on a
#: busy machine.
BATCH = 16


def load(
    inputs: Sequence[Path | str],
    *,
    limits: Limits = DEFAULT_LIMITS,
    workers: int = 0,
    progress: Progress | None = None,
    preload: Sequence[str] = (),
    year: int | None = None,
) -> Dataset:
    """Read every file under ``inputs`` (files or directories); with ``year``, the
    files of other years are set aside (``skipped``) before member rows are resolved.

    ``workers=0`` reads in this process (fast for tests and trusted files); with workers,
    each file is read in a bounded process (:mod:`auditor.ingest.pool`), so a file that
    crashes or exhausts its reader becomes an ``error`` and the run goes on. ``preload``
    names modules the fork server imports once for the run's later worker processes.
    """
    start = time.perf_counter()
    found = discover([Path(p) for p in inputs])
    discovered = time.perf_counter() - start
    results: list[FileResult | None] = [None] * len(found)
    merger = Merger()
    added = 0

    def add_ready() -> None:
        """Merge the results read so far that follow, in order, those merged already."""
        nonlocal added
        while added < len(results) and (result := results[added]) is not None:
            merger.add(result)
            results[added] = None  # merged: its rows live on in the merger's tables
            added += 1

    if workers <= 0:
        for index, item in enumerate(found):
            with native_output_silenced():
                results[index] = read_file(item, limits)
            add_ready()
            if progress is not None:
                progress(index + 1, len(found), item.rel)
    else:
        readable = [i for i, item in enumerate(found) if not item.skipped]
        for index, item in enumerate(found):
            if item.skipped:
                results[index] = read_file(item, limits)
        add_ready()
        if readable:
            _read_in_workers(
                found, readable, results, limits, workers, progress, preload, add_ready
            )
    for result in results[added:]:  # every file has its result by now; were one missing,
        if result is not None:  # those after it are merged in their order all the same
            merger.add(result)
    return _timed(merger.merged(year), discovered)


def _size(found: Found) -> int:
    try:
        return found.path.stat().st_size
    except OSError:
        return 0


def _read_in_workers(
    found: Sequence[Found],
    readable: list[int],
    results: list[FileResult | None],
    limits: Limits,
    workers: int,
    progress: Progress | None,
    preload: Sequence[str],
    on_result: Callable[[], None] = lambda: None,
) -> None:
    """Fill ``results[i]`` for every readable file, in bounded worker processes, calling
    ``on_result`` after each.

    The parent checks the large files and deals their sheets into parts while the
    workers start: forked, at once; from the fork server, which first imports the
    pipeline, in a moment.
    """
    large = {i for i in readable if workers > 1 and _size(found[i]) >= SPLIT_BYTES}
    count = workers if large else min(workers, len(readable))
    done = 0

    def finished(index: int, result: FileResult) -> None:
        nonlocal done
        results[index] = result
        done += 1
        on_result()
        if progress is not None:
            progress(done, len(readable), found[index].rel)

    def parts() -> list[tuple[int, FilePart]]:
        tasks: list[tuple[int, FilePart]] = []
        for index in readable:
            split = split_file(found[index], limits, count) if index in large else None
            if isinstance(split, FileResult):
                finished(index, split)
            else:
                tasks += [(index, part) for part in split or [FilePart(found[index])]]
        return tasks

    if forks_first(limits):
        pool = WorkerPool(read_part, limits, count, preload=preload)
        try:
            tasks = parts()
        except BaseException:
            pool.close()
            raise
    else:
        # the fork server imports the pipeline meanwhile
        with ThreadPoolExecutor(max_workers=1) as starter:
            starting = starter.submit(WorkerPool, read_part, limits, count, preload=preload)
            try:
                tasks = parts()
            except BaseException:
                starting.result().close()
                raise
            pool = starting.result()

    def failed(part: FilePart, code: FileCode, reason_vi: str, reason_en: str) -> FileResult:
        return failed_part(part, code, reason_vi, reason_en, limits)

    with pool:
        parts_of = Counter(index for index, _ in tasks)
        got: dict[int, list[tuple[int, FileResult]]] = {}
        again: list[int] = []
        items = [part for _, part in tasks]
        for position, result in pool.run(items, failed, batch=BATCH, alone=_alone):
            index, part = tasks[position]
            if part.whole:
                finished(index, result)
                continue
            got.setdefault(index, []).append((position, result))
            if len(got[index]) == parts_of[index]:
                combined = combine_parts([r for _, r in sorted(got.pop(index))], part.order)
                if combined is None:
                    again.append(index)
                else:
                    finished(index, combined)
        whole = [FilePart(found[i]) for i in again]
        for position, result in pool.run(whole, failed):
            finished(again[position], result)


def _alone(part: FilePart) -> bool:
    """A large workbook, or a part of one, goes to its worker by itself."""
    return bool(part.sheet_of) or not part.whole


def _timed(dataset: Dataset, discovered: float) -> Dataset:
    dataset.stats["discover_seconds"] = discovered
    return dataset
