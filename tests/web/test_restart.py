"""A power cut in the middle of an audit: ``auditor serve`` killed with SIGKILL while a run
is being audited, then started again on the same ``--data``.

So that the cut always lands mid-audit however fast the machine, the audit's process is
frozen (SIGSTOP) as soon as it is seen: to the server it is an audit that takes long.

What the board's staff must find: every finished run as it was (same report bytes, same
cells), the interrupted run failed with a reason saying so, the run queued behind it
audited after the restart, and the interrupted one able to run again to the end.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web.conftest import _databases, _fresh_postgres
from tests.web.live import SAMPLE, Server, add_user, get_json, token_for, wait_status


@pytest.fixture(params=_databases())
def database(request: pytest.FixtureRequest) -> Iterator[str | None]:
    url: str | None = request.param
    if url:
        url = _fresh_postgres(url)
    yield url


def folder_files(folder: Path) -> list[tuple[str, tuple[str, bytes]]]:
    return [
        ("files", (f"{folder.name}/{p.relative_to(folder).as_posix()}", p.read_bytes()))
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    ]


def upload(server: Server, token: str, folder: Path) -> int:
    created = httpx.post(
        server.url + "/api/runs",
        headers={"Authorization": f"Bearer {token}"},
        data={"year": "2024"},
        files=folder_files(folder),
        timeout=120,
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def fetch(server: Server, token: str, path: str) -> bytes:
    answer = httpx.get(server.url + path, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert answer.status_code == 200, (path, answer.status_code)
    return answer.content


def audits_of(data: Path, parent: int | None = None) -> list[int]:
    """Pids of audit processes working in ``data`` (only ``parent``'s children if given)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"auditor.web.job" not in command or not any(str(data).encode() in c for c in command):
            continue
        if parent is not None and f"PPid:\t{parent}\n" not in _status(proc):
            continue
        found.append(int(proc.name))
    return found


def _status(proc: Path) -> str:
    try:
        return (proc / "status").read_text()
    except OSError:
        return ""


def wait_until(what: Any, seconds: float, why: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = what()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(why)


def test_a_killed_server_keeps_finished_runs_and_marks_the_cut_one_interrupted(
    tmp_path: Path, database: str | None
) -> None:
    data = tmp_path / "data"
    add_user(data, "board", "board", database=database)
    token = token_for(data, "board", database)
    server = Server(data, database).start()
    try:
        finished = upload(server, token, SAMPLE)
        assert wait_status(server, finished, token, ("done", "failed"))["status"] == "done"
        report_before = fetch(server, token, f"/api/runs/{finished}/report.json")
        cells_before = get_json(f"{server.url}/api/runs/{finished}/cells", token)["cell_list"]

        cut = upload(server, token, SAMPLE)
        assert server.process is not None
        serving = server.process.pid
        audit = wait_until(
            lambda: audits_of(data, serving), 120, "the cut run's audit never started"
        )
        for pid in audit:
            os.kill(pid, signal.SIGSTOP)
        status = get_json(f"{server.url}/api/runs/{cut}", token)
        assert status["status"] == "running", status
        queued = upload(server, token, SAMPLE)
        assert get_json(f"{server.url}/api/runs/{queued}", token)["status"] == "queued"
        server.kill()
        # the audit dies with its server (it must not write into a run marked interrupted)
        wait_until(lambda: not audits_of(data), 15, "the audit outlived its killed server")

        server.start()
        status = get_json(f"{server.url}/api/runs/{cut}", token)
        assert status["status"] == "failed"
        assert "Bị gián đoạn" in status["error"] and "Interrupted" in status["error"]
        assert fetch(server, token, f"/api/runs/{finished}/report.json") == report_before
        after = get_json(f"{server.url}/api/runs/{finished}/cells", token)["cell_list"]
        assert after == cells_before
        # the queue is the database: the run waiting behind the cut one is audited now
        assert wait_status(server, queued, token, ("done", "failed"))["status"] == "done"

        again = httpx.post(
            f"{server.url}/api/runs/{cut}/rerun",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert again.status_code == 200 and again.json()["status"] == "queued"
        done = wait_status(server, cut, token, ("done", "failed"))
        assert done["status"] == "done" and done["error"] is None
        cells = get_json(f"{server.url}/api/runs/{cut}/cells", token)["cell_list"]
        assert cells == cells_before
        listed = {r["id"]: r["status"] for r in get_json(f"{server.url}/api/runs", token)["runs"]}
        assert listed == {finished: "done", cut: "done", queued: "done"}
    finally:
        server.stop()
