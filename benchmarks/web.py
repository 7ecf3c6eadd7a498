"""The web application under 20 clients on loopback: uploads, reads, and its memory.

Starts ``auditor serve`` (SQLite in a temporary ``--data``), then
1. twenty clients upload a one-cell year each through the API at once and follow it to
   the end (the load test's scenario): wall time, runs per minute, p95 of the answers;
2. twenty clients read at once, ``--requests`` each, from three routes: a run's cells
   (JSON, database), the list of runs (JSON, database) and, as the reference measured in
   the same run, the static ``app.js`` (no database, no template): requests per second,
   p50 and p95 latency, and each route's throughput as a ratio to the reference;
3. the server process's RSS idle, peak (sampled every 0.1 s) and after.

    .venv/bin/python benchmarks/web.py
    .venv/bin/python benchmarks/web.py --clients 10 --requests 50
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.web.live import Server, add_user, token_for
from tests.web.load import twenty_uploads


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def read_load(
    server: Server, token: str, path: str, clients: int, requests: int
) -> tuple[float, list[float], int]:
    """(requests per second, latencies in s, answers that were not 200)."""
    latencies: list[float] = []
    bad = 0
    lock = threading.Lock()

    def one_client(_: int) -> None:
        nonlocal bad
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
            for _i in range(requests):
                started = time.perf_counter()
                answer = client.get(path)
                took = time.perf_counter() - started
                with lock:
                    latencies.append(took)
                    bad += answer.status_code != 200

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one_client, range(clients)))
    wall = time.perf_counter() - started
    return len(latencies) / wall, latencies, bad


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=100, help="reads per client per route")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        add_user(data, "board", "board")
        token = token_for(data, "board")
        server = Server(data).start()
        try:
            idle = server.rss_kib()
            started = time.perf_counter()
            outcomes, peak = twenty_uploads(server, token, Path(tmp), clients=args.clients)
            wall = time.perf_counter() - started
            done = sum(o.status == "done" for o in outcomes)
            upload_latency = [s for o in outcomes for _p, _c, s in o.answers]
            errors = sum(c >= 500 for o in outcomes for _p, c, _s in o.answers)
            print(f"auditor serve, {args.clients} clients on loopback (SQLite)")
            print(
                f"uploads: {done}/{args.clients} runs done in {wall:.1f} s "
                f"({60 * done / wall:.1f} runs/min, one audit at a time), "
                f"{len(upload_latency)} answers, "
                f"p95 {1000 * quantile(upload_latency, 0.95):.0f} ms, "
                f"{errors} server errors"
            )
            run = outcomes[0].run_id
            routes = [
                ("static app.js (reference)", "/static/app.js"),
                ("GET /api/runs/{id}/cells", f"/api/runs/{run}/cells"),
                ("GET /api/runs", "/api/runs"),
            ]
            reference = 0.0
            print(f"{'route':28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'ratio':>6} {'!200':>5}")
            for label, path in routes:
                rate, latencies, bad = read_load(server, token, path, args.clients, args.requests)
                peak = max(peak, server.rss_kib())
                reference = reference or rate
                print(
                    f"{label:28} {rate:8.0f} {1000 * statistics.median(latencies):8.1f} "
                    f"{1000 * quantile(latencies, 0.95):8.1f} {rate / reference:6.2f} {bad:5d}"
                )
            after = server.rss_kib()
            print(
                f"server RSS: idle {idle / 1024:.0f} MiB, peak {peak / 1024:.0f} MiB, "
                f"after {after / 1024:.0f} MiB (VmHWM {server.peak_rss_kib() / 1024:.0f} MiB)"
            )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
