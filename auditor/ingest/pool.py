"""Read files in worker processes that a hostile file can crash without taking the run down.

A native reader that runs out of memory aborts its process instead of raising, and a
crafted file can make a parser spin. Each worker therefore runs under an address-space
limit; the parent gives it one file at a time, and when the worker dies or overruns the
time limit, that file becomes an ``error`` with a reason, the worker is replaced and the
run goes on. Two workers also use both cores of a typical office machine.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from auditor.ingest.discover import Found
from auditor.ingest.guard import Limits

#: Builds a file's result inside a worker; must be importable (a module-level function).
Task = Callable[[Found, Limits], Any]
#: Builds the result of a file whose worker died or overran the time limit.
OnFailure = Callable[[Found, str, str], Any]


def _limit_memory(megabytes: int) -> None:
    try:
        import resource
    except ImportError:  # not on this platform: the time limit still holds
        return
    wanted = megabytes * 1024 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft != resource.RLIM_INFINITY:
        wanted = min(wanted, soft)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def _worker(conn: Connection, task: Task, limits: Limits) -> None:
    _limit_memory(limits.memory_mb)
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        index, found = message
        try:
            result = task(found, limits)
        except MemoryError:
            result = None
        try:
            conn.send((index, result))
        except MemoryError:
            conn.send((index, None))


@dataclass
class _Slot:
    process: Any
    conn: Connection
    index: int | None = None
    started: float = 0.0


CRASH_VI = "Tệp làm chương trình đọc bị lỗi hoặc vượt giới hạn bộ nhớ"
CRASH_EN = "Reading the file crashed the reader or exceeded the memory limit"
TIMEOUT_VI = "Đọc tệp quá thời gian cho phép"
TIMEOUT_EN = "Reading the file exceeded the time limit"


class WorkerPool:
    """A few bounded worker processes, one file each at a time."""

    def __init__(self, task: Task, limits: Limits, workers: int) -> None:
        self.task = task
        self.limits = limits
        self.context = mp.get_context("forkserver" if os.name == "posix" else "spawn")
        self.slots = [self._start() for _ in range(max(1, workers))]

    def _start(self) -> _Slot:
        parent, child = self.context.Pipe()
        process = self.context.Process(
            target=_worker, args=(child, self.task, self.limits), daemon=True
        )
        process.start()
        child.close()
        return _Slot(process, parent)

    def _replace(self, slot: _Slot) -> _Slot:
        if slot.process.is_alive():
            slot.process.kill()
        slot.process.join(timeout=5)
        slot.conn.close()
        return self._start()

    def run(self, items: Sequence[Found], on_failure: OnFailure) -> Iterator[tuple[int, Any]]:
        """Yield ``(index, result)`` as files finish (not in order)."""
        pending = list(range(len(items)))[::-1]
        while pending or any(s.index is not None for s in self.slots):
            for slot in self.slots:
                if slot.index is None and pending:
                    slot.index = pending.pop()
                    slot.started = time.monotonic()
                    slot.conn.send((slot.index, items[slot.index]))
            busy = [s for s in self.slots if s.index is not None]
            deadline = min(s.started for s in busy) + self.limits.timeout_s
            ready = wait(
                [s.conn for s in busy] + [s.process.sentinel for s in busy],
                timeout=max(0.0, deadline - time.monotonic()),
            )
            for position, slot in enumerate(self.slots):
                if slot.index is None:
                    continue
                index = slot.index
                if slot.conn in ready:
                    try:
                        got, result = slot.conn.recv()
                    except (EOFError, OSError):
                        got, result = index, None
                    if result is None:
                        result = on_failure(items[index], CRASH_VI, CRASH_EN)
                    slot.index = None
                    yield got, result
                elif slot.process.sentinel in ready or not slot.process.is_alive():
                    self.slots[position] = self._replace(slot)
                    yield index, on_failure(items[index], CRASH_VI, CRASH_EN)
                elif time.monotonic() - slot.started > self.limits.timeout_s:
                    self.slots[position] = self._replace(slot)
                    yield index, on_failure(items[index], TIMEOUT_VI, TIMEOUT_EN)

    def close(self) -> None:
        for slot in self.slots:
            try:
                slot.conn.send(None)
            except (OSError, ValueError):
                pass
        for slot in self.slots:
            slot.process.join(timeout=2)
            if slot.process.is_alive():
                slot.process.kill()
            slot.conn.close()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
