"""Read files in worker processes that a hostile file can crash without taking the run down.

A native reader that runs out of memory aborts its process instead of raising, and a
crafted file can make a parser spin. Each worker therefore runs under an address-space
limit; the parent gives it one file at a time, and when the worker dies, raises or
overruns the time limit, that file becomes an ``error`` with a reason, the worker is
replaced and the run goes on. Two workers also use both cores of a typical office machine.

Small files go to a worker a few at a time (``batch``): it answers each file as soon as it
is read, so every file keeps its own time limit and a crash is still the fault of the one
file being read, while the worker never waits for the parent between files (on a busy
machine that wait, once a file, cost more than reading a cell's workbook).
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import pickle
import select
import selectors
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from auditor.codes import FileCode
from auditor.ingest.guard import Limits
from auditor.ingest.quiet import silence_native_output
from auditor.runtime import address_space_mb, can_fork, fork_context, reader_context, tune

#: Builds a file's result inside a worker from the item given (a file, or a part of
#: one); must be importable (a module-level function).
Task = Callable[[Any, Limits], Any]
#: Builds the result of an item whose worker died, raised or overran the time limit.
OnFailure = Callable[[Any, FileCode, str, str], Any]
#: Says an item goes to a worker by itself (a large workbook's part).
Alone = Callable[[Any], bool] | None

CRASH_VI = "Chương trình đọc bị dừng đột ngột khi đọc tệp (tệp hỏng hoặc vượt giới hạn bộ nhớ)"
CRASH_EN = "The reader stopped abruptly on this file (corrupt, or over the memory limit)"
MEMORY_VI = "Đọc tệp vượt giới hạn bộ nhớ ({mb} MB)"
MEMORY_EN = "Reading the file exceeded the memory limit ({mb} MB)"
ERROR_VI = "Lỗi không mong đợi khi đọc tệp ({kind})"
ERROR_EN = "Unexpected error while reading the file ({kind})"
TIMEOUT_VI = "Đọc tệp quá thời gian cho phép ({s:g} giây)"
TIMEOUT_EN = "Reading the file exceeded the time limit ({s:g} s)"
#: How long a new worker may take to start (import, limits) before its first file's own
#: time limit starts: a busy machine can take seconds to start a process from the fork
#: server, and that must not count as the file being slow.
STARTUP_S = 60.0
#: A worker is forked only while this process's address space is at most this share of
#: a worker's memory limit (the fork starts with all of it).
FORK_SHARE = 4


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


def _outcome(index: int, task: Task, found: Any, limits: Limits) -> bytes:
    """The pickled reply for one file: ``(index, True, result)`` or ``(index, False, why)``."""
    try:
        result = task(found, limits)
        return pickle.dumps((index, True, result), pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        why: tuple[str, str] = ("memory", "")
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as problem:  # a task must not kill its worker (Rust panics included)
        why = ("error", type(problem).__name__)
    return pickle.dumps((index, False, why), pickle.HIGHEST_PROTOCOL)


def _worker(
    conn: Connection, task: Task, limits: Limits, inherited: Sequence[Connection] = ()
) -> None:
    # A forked worker holds copies of the parent's ends of the pipes, its own included:
    # closed, the worker sees its pipe end (and exits) when the parent dies.
    for end in inherited:
        end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    # A crash here is the file's error, which the parent reports; a fault dump inherited
    # from a forking parent would only print a stack trace on the user's terminal.
    faulthandler.disable()
    # A Rust panic prints its backtrace to fd 2; the file's error already carries it.
    silence_native_output()
    _limit_memory(limits.memory_mb)
    tune()
    conn.send_bytes(_READY)  # the file's clock starts now, not when the process was asked for
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            # Nothing is left to flush (every reply went out whole), and tearing down the
            # interpreter would free every object of the last file one by one while the
            # parent waits: 0.2 s after a 200,000-row workbook.
            conn.close()
            os._exit(0)
        for index, found in message:  # one or a few files, each answered when read
            try:
                reply = _outcome(index, task, found, limits)
            except MemoryError:  # pickling a huge result
                reply = pickle.dumps((index, False, ("memory", "")))
            conn.send_bytes(reply)


_READY = b"ready"


def forks_first(limits: Limits) -> bool:
    """Whether a new pool's first workers are forked from this process (at once)."""
    return can_fork() and address_space_mb() <= limits.memory_mb / FORK_SHARE


class _Waiting:
    """Waiting for the busy workers' answers or deaths: a selector kept while the same
    workers are busy (``multiprocessing.connection.wait`` builds one, and registers every
    pipe and process, at each of the run's thousands of answers); ``wait`` itself where
    there is no poll (Windows' pipes are no sockets)."""

    def __init__(self) -> None:
        self._watched: tuple[Any, ...] = ()
        self._selector: selectors.BaseSelector | None = None

    def wait(self, busy: list[_Slot], timeout: float) -> list[Any]:
        watched = (*(s.conn for s in busy), *(s.process.sentinel for s in busy))
        if not hasattr(select, "poll"):
            return wait(list(watched), timeout=timeout)
        if watched != self._watched or self._selector is None:
            self.close()
            self._selector = selectors.PollSelector()
            for thing in watched:
                self._selector.register(thing, selectors.EVENT_READ)
            self._watched = watched
        return [key.fileobj for key, _events in self._selector.select(timeout)]

    def close(self) -> None:
        if self._selector is not None:
            self._selector.close()  # closes no pipe: only the poll object goes
        self._selector = None
        self._watched = ()


@dataclass
class _Slot:
    process: Any
    conn: Connection
    #: The items given to this worker and not yet answered, in the order it reads them:
    #: the first is the one being read.
    queue: deque[int] = field(default_factory=deque)
    #: When the first of ``queue`` was started (given, or its predecessor answered).
    started: float = 0.0
    #: whether the worker said it is ready (until then ``started`` counts its start-up)
    ready: bool = False
    #: A poll of ``conn`` alone, where there is poll: whether another answer is there
    #: already (``Connection.poll`` builds a selector each time, once an answer).
    poller: Any = None

    def answered(self) -> bool:
        """Whether the worker has sent something not yet read (or died)."""
        if self.poller is None:
            return self.conn.poll(0)
        return bool(self.poller.poll(0))

    def limit(self, limits: Limits) -> float:
        return limits.timeout_s if self.ready else STARTUP_S + limits.timeout_s


class WorkerPool:
    """A few bounded worker processes, one file each at a time.

    The first workers are forked where that is safe and this process is still small
    (:mod:`auditor.runtime`): they start at once. Otherwise, and for every worker that
    replaces one that failed (by then this process may hold much of the run), they start
    from a fork server (``spawn`` where there is none), so each one starts small and its
    address-space limit leaves room for the file, not for a copy of the parent.
    """

    def __init__(
        self, task: Task, limits: Limits, workers: int, *, preload: Sequence[str] = ()
    ) -> None:
        self.task = task
        self.limits = limits
        # The task's module is imported once in the fork server, not in every worker;
        # and ``preload``, what later worker processes of the run will need.
        self.context: Any = reader_context([task.__module__, *preload])
        first = fork_context() if forks_first(limits) else self.context
        self.slots: list[_Slot] = []
        try:
            for _ in range(max(1, workers)):
                self.slots.append(self._start(first))
        except BaseException:
            self.close()
            raise

    def _start(self, context: Any) -> _Slot:
        parent, child = context.Pipe()
        forked = context.get_start_method() == "fork"
        inherited = [parent, *(slot.conn for slot in self.slots)] if forked else []
        process = context.Process(
            target=_worker, args=(child, self.task, self.limits, inherited), daemon=True
        )
        process.start()
        child.close()
        slot = _Slot(process, parent)
        if hasattr(select, "poll"):
            slot.poller = select.poll()
            slot.poller.register(parent.fileno(), select.POLLIN)
        return slot

    def _replace(self, position: int) -> None:
        slot = self.slots[position]
        if slot.process.is_alive():
            slot.process.kill()
        slot.process.join(timeout=5)
        slot.conn.close()
        self.slots[position] = self._start(self.context)

    def _failure(self, why: tuple[str, str]) -> tuple[FileCode, str, str]:
        """The code and the reasons of a file whose worker failed (``why``: its kind)."""
        kind, detail = why
        if kind == "memory":
            mb = self.limits.memory_mb
            return FileCode.reader_out_of_memory, MEMORY_VI.format(mb=mb), MEMORY_EN.format(mb=mb)
        if kind == "timeout":
            s = self.limits.timeout_s
            return FileCode.reader_timeout, TIMEOUT_VI.format(s=s), TIMEOUT_EN.format(s=s)
        if kind == "error":
            return FileCode.reader_error, ERROR_VI.format(kind=detail), ERROR_EN.format(kind=detail)
        return FileCode.reader_crashed, CRASH_VI, CRASH_EN

    def _dispatch(self, position: int, indexes: list[int], items: Sequence[Any]) -> None:
        """Give files to a slot, replacing its worker if it died while idle; to a slot
        still reading, files to read after those it has (its clock runs on)."""
        slot = self.slots[position]
        if slot.queue:
            # if it died, what it was given is read again
            with contextlib.suppress(OSError, ValueError):
                slot.conn.send([(index, items[index]) for index in indexes])
            slot.queue.extend(indexes)  # answered, or failed and given back, in order
            return
        for _attempt in range(2):
            slot = self.slots[position]
            try:
                slot.conn.send([(index, items[index]) for index in indexes])
            except (OSError, ValueError):
                self._replace(position)
                continue
            slot.queue = deque(indexes)
            slot.started = time.monotonic()
            return
        raise RuntimeError("cannot start a reader process")

    def _wants_more(
        self, slot: _Slot, pending: list[int], items: Sequence[Any], batch: int, alone: Alone
    ) -> bool:
        """Whether a slot is given its next files now: when idle, or, reading small files
        only, when it is down to half a batch (so it never waits for this process's turn
        to send the next ones, which on a busy machine cost more than reading a file)."""
        if not pending:
            return False
        if not slot.queue:
            return True
        if batch < 2 or len(slot.queue) > batch // 2:
            return False
        if alone is None:
            return True
        return not alone(items[pending[-1]]) and not any(alone(items[i]) for i in slot.queue)

    def run(
        self,
        items: Sequence[Any],
        on_failure: OnFailure,
        *,
        batch: int = 1,
        alone: Alone = None,
    ) -> Iterator[tuple[int, Any]]:
        """Yield ``(index, result)`` for every item, as files finish (not in order).

        Every index is yielded exactly once: with the task's result, or with
        ``on_failure(item, code, reason_vi, reason_en)`` when its worker crashed, raised, ran
        out of memory or overran ``limits.timeout_s``. Up to ``batch`` items go to a
        worker at once (fewer near the end, so the workers finish together), except an
        item ``alone`` says must go by itself (a large workbook's part); each still has
        its own time limit, and when its worker fails, the items given with it and not
        yet answered go to the next worker.
        """
        pending = list(range(len(items)))[::-1]
        waiting = _Waiting()
        try:
            yield from self._run(items, on_failure, batch, alone, pending, waiting)
        finally:
            waiting.close()

    def _run(
        self,
        items: Sequence[Any],
        on_failure: OnFailure,
        batch: int,
        alone: Alone,
        pending: list[int],
        waiting: _Waiting,
    ) -> Iterator[tuple[int, Any]]:
        while pending or any(s.queue for s in self.slots):
            for position, slot in enumerate(self.slots):
                if self._wants_more(slot, pending, items, batch, alone):
                    self._dispatch(position, self._take(pending, items, batch, alone), items)
            busy = [s for s in self.slots if s.queue]
            deadline = min(s.started + s.limit(self.limits) for s in busy)
            ready = waiting.wait(busy, max(0.0, deadline - time.monotonic()))
            for position, slot in enumerate(self.slots):
                if not slot.queue:
                    continue
                if slot.conn in ready and not slot.ready:
                    try:
                        slot.conn.recv_bytes()  # its ready message
                    except (EOFError, OSError):  # died while starting: the sentinel says so
                        pass
                    else:
                        slot.ready = True
                        slot.started = time.monotonic()
                        continue
                if slot.conn in ready and slot.ready:
                    yield from self._answers(position, items, on_failure, pending)
                elif slot.process.sentinel in ready or not slot.process.is_alive():
                    yield self._failed(position, items, on_failure, pending, "crash")
                elif time.monotonic() - slot.started > slot.limit(self.limits):
                    yield self._failed(position, items, on_failure, pending, "timeout")

    def _take(
        self,
        pending: list[int],
        items: Sequence[Any],
        batch: int,
        alone: Alone,
    ) -> list[int]:
        """The next items for one worker: one, or up to ``batch`` that may go together
        (no more than a share of what is left, so no worker is left with a long tail)."""
        taken = [pending.pop()]
        size = min(batch, max(1, len(pending) // (2 * len(self.slots))))
        if alone is not None and alone(items[taken[0]]):
            return taken
        while len(taken) < size and pending:
            if alone is not None and alone(items[pending[-1]]):
                break
            taken.append(pending.pop())
        return taken

    def _answers(
        self, position: int, items: Sequence[Any], on_failure: OnFailure, pending: list[int]
    ) -> Iterator[tuple[int, Any]]:
        """The answers a slot's worker has sent, in the order of its queue."""
        slot = self.slots[position]
        while slot.queue:
            index = slot.queue[0]
            try:
                got, ok, value = pickle.loads(slot.conn.recv_bytes())
            except Exception:  # the worker died mid-reply
                yield self._failed(position, items, on_failure, pending, "crash")
                return
            if got != index:  # cannot happen; if it did, trust nothing of this worker
                yield self._failed(position, items, on_failure, pending, "crash")
                return
            slot.queue.popleft()
            slot.started = time.monotonic()  # the next one's clock starts now
            yield index, (value if ok else on_failure(items[index], *self._failure(value)))
            if not slot.queue or not slot.answered():
                return

    def _failed(
        self,
        position: int,
        items: Sequence[Any],
        on_failure: OnFailure,
        pending: list[int],
        kind: str,
    ) -> tuple[int, Any]:
        """The failure of the item a slot's worker was reading: the worker is replaced,
        and the items given with it and not yet answered go back to be read again."""
        slot = self.slots[position]
        index, *rest = slot.queue
        slot.queue = deque()
        pending.extend(reversed(rest))
        self._replace(position)
        return index, on_failure(items[index], *self._failure((kind, "")))

    def close(self) -> None:
        for slot in self.slots:
            with contextlib.suppress(OSError, ValueError):
                slot.conn.send(None)
        for slot in self.slots:
            slot.process.join(timeout=2)
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join(timeout=2)
            slot.conn.close()
        self.slots = []

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
