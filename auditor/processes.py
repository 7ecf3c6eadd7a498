"""How the pipeline's worker processes start: forked where that is safe, else from the
fork server.

A forked child starts at once with what this process holds (the pipeline's modules, the
report to write), where a fork server must first import the pipeline (0.5-1 s at the
start of a run, measured here) and a child of it must receive its data pickled. A fork
copies only the calling thread, though: a lock another thread held at that moment would
stay held in the child. So a child is forked only while this process runs no other
thread (a caller's, say, or a progress bar's); otherwise the fork server starts it.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from multiprocessing.context import BaseContext

__all__ = ["address_space_mb", "can_fork", "worker_context"]


def can_fork() -> bool:
    """Whether a child may be forked from this process now."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def worker_context() -> BaseContext:
    """``fork`` where :func:`can_fork`, else the fork server."""
    return multiprocessing.get_context("fork" if can_fork() else "forkserver")


def address_space_mb() -> float:
    """This process's address space in MB (what a forked child starts with), or
    infinity where it cannot be told."""
    try:
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return float("inf")
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
