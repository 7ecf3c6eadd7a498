"""Twenty clients at once on a real server: each uploads a small year of its own through
the API, follows it to the end and reads its cells, while asking for pages. Shared by the
load test (which checks every answer) and ``benchmarks/web.py`` (which times them).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.web.live import Server


def small_year(folder: Path, index: int) -> tuple[str, bytes]:
    """One cell's workbook, its own cell id and name: ``CB-9NN``."""
    from tests.conftest import SESSION_HEADER, info_sheet, session_row, write_workbook

    cell = f"CB-9{index:02d}"
    rows = [session_row(n, dt.date(2024, n, 10), "TK") for n in range(1, 13)]
    path = write_workbook(
        folder / f"{cell}.xlsx",
        [info_sheet(cell, f"Chi bộ thử {index}"), ("Sổ sinh hoạt", [SESSION_HEADER, *rows])],
    )
    return path.name, path.read_bytes()


@dataclass
class Outcome:
    cell: str
    run_id: int = 0
    status: str = ""
    cells: list[str] = field(default_factory=list)
    answers: list[tuple[str, int, float]] = field(default_factory=list)  # path, code, s


def _client(server: Server, token: str, name: str, content: bytes, seconds: float) -> Outcome:
    outcome = Outcome(cell=name.removesuffix(".xlsx"))
    headers = {"Authorization": f"Bearer {token}"}
    deadline = time.monotonic() + seconds
    with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:

        def ask(method: str, path: str, **kwargs: object) -> httpx.Response:
            started = time.perf_counter()
            answer = client.request(method, path, **kwargs)  # type: ignore[arg-type]
            outcome.answers.append((path, answer.status_code, time.perf_counter() - started))
            return answer

        created = ask(
            "POST", "/api/runs", data={"year": "2024"}, files=[("files", (name, content))]
        )
        if created.status_code != 201:
            return outcome
        outcome.run_id = int(created.json()["id"])
        while time.monotonic() < deadline:
            status = ask("GET", f"/api/runs/{outcome.run_id}").json()
            ask("GET", "/api/runs")
            if status["status"] in ("done", "failed"):
                outcome.status = status["status"]
                break
            time.sleep(0.2)
        if outcome.status == "done":
            listed = ask("GET", f"/api/runs/{outcome.run_id}/cells").json()["cell_list"]
            outcome.cells = [c["cell_id"] for c in listed]
            ask("GET", f"/api/runs/{outcome.run_id}/report.json")
    return outcome


def twenty_uploads(
    server: Server, token: str, folder: Path, clients: int = 20, seconds: float = 600.0
) -> tuple[list[Outcome], int]:
    """Every client's outcome, and the server's peak RSS (KiB) seen while they ran."""
    years = [small_year(folder, i) for i in range(clients)]
    peak = server.rss_kib()
    stop = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not stop.wait(0.1):
            peak = max(peak, server.rss_kib())

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        with ThreadPoolExecutor(clients) as pool:
            outcomes = list(pool.map(lambda y: _client(server, token, y[0], y[1], seconds), years))
    finally:
        stop.set()
        watcher.join()
    return outcomes, peak
