"""The bounded worker pool: a file that crashes, hangs or eats memory fails alone."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from auditor.codes import FileCode
from auditor.ingest.discover import Found
from auditor.ingest.guard import Limits
from auditor.ingest.pool import WorkerPool
from auditor.ingest.read import read_sheets
from tests import hostile

LIMITS = Limits(timeout_s=1.5, memory_mb=1024)


def task(found: Found, limits: Limits) -> Any:
    """Misbehaves as the file's name says; module-level so workers can import it."""
    name = found.rel
    if name.startswith("abort"):
        os.abort()
    if name.startswith("exit"):
        os._exit(3)
    if name.startswith("slow"):
        time.sleep(60)
    if name.startswith("nap"):
        time.sleep(0.4)
    if name.startswith("big"):
        block = bytearray(3 * limits.memory_mb * 1024 * 1024)  # refused by RLIMIT_AS
        return len(block)
    if name.startswith("raise"):
        raise ValueError("boom")
    if name.startswith("none"):
        return None  # a legitimate result, not a failure
    if name.startswith("calamine"):
        return len(read_sheets(found.path))  # no guard: calamine itself hits the limit
    return ("ok", name)


def failed(found: Found, code: FileCode, vi: str, en: str) -> Any:
    assert code.matches(vi, en), (code, vi, en)  # the reasons read as the code's template
    return ("error", found.rel, vi, en, code)


def run(
    names: list[str],
    limits: Limits = LIMITS,
    workers: int = 2,
    batch: int = 1,
    **paths: Path,
) -> list[Any]:
    items = [Found(paths.get(n.split(".")[0], Path(n)), n) for n in names]
    with WorkerPool(task, limits, workers) as pool:
        results = dict(pool.run(items, failed, batch=batch))
    assert sorted(results) == list(range(len(names)))  # every file exactly once
    return [results[i] for i in range(len(names))]


def test_crash_timeout_memory_and_exception_fail_alone() -> None:
    names = ["a", "abort", "b", "slow", "c", "big", "d", "raise", "exit", "e"]
    started = time.monotonic()
    results = run(names)
    assert time.monotonic() - started < 20
    by_name = {r[1]: r for r in results}
    for ok in "abcde":
        assert by_name[ok] == ("ok", ok)
    assert "dừng đột ngột" in by_name["abort"][2] and by_name["abort"][3]
    assert "dừng đột ngột" in by_name["exit"][2]
    assert "quá thời gian" in by_name["slow"][2] and "1.5 s" in by_name["slow"][3]
    assert "bộ nhớ (1024 MB)" in by_name["big"][2] and "memory limit" in by_name["big"][3]
    assert "ValueError" in by_name["raise"][3]
    assert {name: by_name[name][4] for name in ("abort", "exit", "slow", "big", "raise")} == {
        "abort": FileCode.reader_crashed,
        "exit": FileCode.reader_crashed,
        "slow": FileCode.reader_timeout,
        "big": FileCode.reader_out_of_memory,
        "raise": FileCode.reader_error,
    }


def test_one_worker_is_replaced_after_each_failure() -> None:
    results = run(["abort", "a", "abort2", "b", "slow", "c"], workers=1)
    assert [r[0] for r in results] == ["error", "ok", "error", "ok", "error", "ok"]


def test_files_given_together_still_fail_alone() -> None:
    """Given a worker several at a time, a file that crashes, hangs, eats memory or
    raises is still the only one to fail, with its own reason; the files given with it
    are read (by the next worker when it died)."""
    names = ["a", "abort", "b", "c", "slow", "d", "big", "e", "raise", "f", "exit", "g"]
    names += [f"ok{n}" for n in range(30)]
    results = run(names, workers=1, batch=4)
    codes = {r[1]: r[4] for r in results if r[0] == "error"}
    assert codes == {
        "abort": FileCode.reader_crashed,
        "exit": FileCode.reader_crashed,
        "slow": FileCode.reader_timeout,
        "big": FileCode.reader_out_of_memory,
        "raise": FileCode.reader_error,
    }
    assert [r for r in results if r[0] == "ok"] == [
        ("ok", name) for name in names if name not in codes
    ]


def test_each_file_given_together_has_its_own_time_limit() -> None:
    """Four files of 0.4 s each given at once under a 1 s limit all finish: the limit
    is each file's, not the batch's."""
    names = [f"nap{n}" for n in range(4)]
    assert run(names, Limits(timeout_s=1.0, memory_mb=1024), workers=1, batch=4) == [
        ("ok", name) for name in names
    ]


def test_worker_bounds_a_native_allocation(tmp_path: Path) -> None:
    """Past the guard, calamine asks for 512 GB and aborts: only its worker dies."""
    huge = hostile.huge_range_xlsx(tmp_path / "huge.xlsx")
    results = run(["calamine.xlsx", "a"], calamine=huge)
    assert results[0][0] == "error"
    assert results[1] == ("ok", "a")


def test_worker_time_limit_stops_a_reader_that_never_returns(tmp_path: Path) -> None:
    """Past the guard, calamine loops forever on this .ods: the time limit ends it."""
    loop = hostile.unclosed_table_ods(tmp_path / "loop.ods")
    results = run(["calamine.ods", "a"], limits=Limits(timeout_s=1.0), calamine=loop)
    assert results[0][0] == "error" and "time limit" in results[0][3]
    assert results[1] == ("ok", "a")


def test_empty_run_and_more_workers_than_files() -> None:
    assert run([], workers=2) == []
    assert run(["a", "none"], workers=3) == [("ok", "a"), None]


#: In a fresh interpreter (small, with no other thread), so the first worker is forked.
_FORKED = """
from auditor.ingest.guard import Limits
from auditor.ingest.pool import forks_first
from tests.ingest.test_pool import run

limits = Limits(timeout_s=1.5, memory_mb=2048)
print(forks_first(limits))
print(*(r[0] for r in run(["a", "abort", "b", "big", "c", "slow", "d"], limits, workers=1)))
"""


def test_a_forked_worker_fails_alone_and_its_replacement_comes_from_the_fork_server() -> None:
    root = Path(__file__).resolve().parents[2]
    ran = subprocess.run(
        [sys.executable, "-c", _FORKED], cwd=root, capture_output=True, text=True, check=True
    )
    assert ran.stdout.split("\n")[:2] == ["True", "ok error ok error ok error ok"]


_KILLED = """
import os, signal
from auditor.ingest.guard import Limits
from auditor.ingest.pool import WorkerPool, forks_first
from tests.ingest.test_pool import task

limits = Limits(memory_mb=2048)
pool = WorkerPool(task, limits, 2)
print(forks_first(limits), *(slot.process.pid for slot in pool.slots), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_forked_workers_end_when_the_parent_is_killed() -> None:
    root = Path(__file__).resolve().parents[2]
    # (orphaned workers would keep its output open: the timeout ends the wait)
    ran = subprocess.run(
        [sys.executable, "-c", _KILLED], cwd=root, capture_output=True, text=True, timeout=30
    )
    forked, *pids = ran.stdout.split()
    assert forked == "True" and len(pids) == 2
    deadline = time.monotonic() + 10
    while any(_running(int(pid)) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_running(int(pid)) for pid in pids)


def test_a_worker_slow_to_start_does_not_use_up_the_files_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On a busy machine a new worker can take seconds to start; that is not the file's
    time: a one-second limit still reads a trivial file whose worker took two to start."""
    from tests.ingest import slow_start_task  # the parent pays the import once

    monkeypatch.setattr("auditor.ingest.pool.forks_first", lambda limits: False)
    limits = Limits(timeout_s=1.0, memory_mb=1024)
    with WorkerPool(slow_start_task.task, limits, 1) as pool:
        results = dict(pool.run([Found(Path("a"), "a")], failed))
    assert results == {0: ("ok", "a")}
