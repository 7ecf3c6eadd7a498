"""How the pipeline's processes run: which start method, what the fork server preloads,
and how often the garbage collector walks the heap. One place, so that the reading
workers (:mod:`auditor.ingest.pool`), the judging pool (:mod:`auditor.engine`), the
report and documents writers follow the same choices.

**Start methods.** A forked child starts at once with what this process holds (the
pipeline's modules, the report to write), where a fork server must first import the
pipeline and a child of it must receive its data pickled. A fork copies only the calling
thread, though: a lock another thread held at that moment would stay held in the child.
So a child is forked only while this process runs no other thread (a caller's, say, or
a progress bar's); otherwise the fork server starts it.

**Preloading.** The fork server starts once per run, with the reading workers; it
imports the reading task's module and :data:`PIPELINE_MODULES` once, so that the later
workers it forks (judging, reports) start without importing them.

**Garbage collection.** Reading, facts and reports allocate a few small objects per cell
value and keep most of them. With CPython's default thresholds (700, 10, 10) the
collector walks the growing heap again and again. The pipeline makes few reference
cycles, so collecting less often costs little memory; cycles are still collected, only
in larger batches. (Figures: ``docs/architecture.md``.)
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.context import BaseContext

__all__ = [
    "PIPELINE_MODULES",
    "THRESHOLDS",
    "address_space_mb",
    "can_fork",
    "default_workers",
    "fewer_collections",
    "fork_context",
    "reader_context",
    "tune",
    "worker_context",
]

#: Modules the judging and report worker processes use, for when they start from the
#: fork server (a fork copies them from the parent): imported there once, with the
#: reading workers', so later workers start without importing them.
PIPELINE_MODULES = ("auditor.engine", "auditor.report")

#: The pipeline's garbage-collector thresholds (CPython's default: 700, 10, 10).
THRESHOLDS = (50_000, 50, 50)


def default_workers() -> int:
    """Two bounded workers where there are two cores (the usual office machine)."""
    return max(1, min(2, os.cpu_count() or 1))


def can_fork() -> bool:
    """Whether a child may be forked from this process now."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def worker_context() -> BaseContext:
    """``fork`` where :func:`can_fork`, else the fork server."""
    return multiprocessing.get_context("fork" if can_fork() else "forkserver")


def fork_context() -> BaseContext:
    """``fork``, for a caller that has checked :func:`can_fork` itself (and more)."""
    return multiprocessing.get_context("fork")


def reader_context(preload: Sequence[str] = ()) -> BaseContext:
    """The context reading workers start from when they are not forked: the fork server
    (``spawn`` where there is none), which imports ``preload`` once for the run.

    Every worker that replaces one that failed starts from here: by then this process
    may hold much of the run, and a worker from the fork server starts small, so its
    address-space limit leaves room for the file, not for a copy of the parent.
    """
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(list(preload))
    return context


def address_space_mb() -> float:
    """This process's address space in MB (what a forked child starts with), or
    infinity where it cannot be told."""
    try:
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return float("inf")
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


def tune() -> None:
    """Set the pipeline's thresholds for the rest of a worker process's life."""
    gc.set_threshold(*THRESHOLDS)


#: Open :func:`fewer_collections` blocks that give back, at their end, what
#: :func:`collector_paused` kept out of the collections (none when a caller froze).
_THAWING = 0


@contextmanager
def fewer_collections() -> Iterator[None]:
    """The pipeline's thresholds inside the block, the caller's again after it; what
    :func:`collector_paused` kept out of the collections in it is back in them after it
    (unless the caller had frozen objects of its own: then nothing is kept out)."""
    global _THAWING
    previous = gc.get_threshold()
    thaw = gc.get_freeze_count() == 0
    gc.set_threshold(*THRESHOLDS)
    _THAWING += thaw
    try:
        yield
    finally:
        _THAWING -= thaw
        gc.set_threshold(*previous)
        if thaw and gc.get_freeze_count():
            gc.unfreeze()


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off inside the block (on again after it if it was).

    The member evaluation makes a few million small objects (rows as tuples, facts,
    findings) and keeps most of them until it returns; the collector walked them again
    and again, with the run's dataset, for nothing: they hold no reference cycles and go
    by reference counting. Anything cyclic left is collected once the block ends (inside
    a run, once the run ends).

    Inside a run (:func:`fewer_collections`) they are also kept out of the collections
    until the run ends (frozen): the first collection after the block walked every one
    of them, and the next older ones again (0.25 CPU s at 1,000 cells of 20 members)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if _THAWING:
            gc.freeze()
        if enabled:
            gc.enable()
