"""The one background worker: runs queued audits one at a time, oldest first.

The queue is the ``runs`` table itself, so a restart loses nothing queued; a run found
``running`` when the server starts was cut off by the stop and is marked failed with that
reason (it can be run again from its page or ``POST /api/runs/{id}/rerun``).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.orm import sessionmaker

from auditor.web.db import CellRow, Run, RunFile, now
from auditor.web.security import cell_key
from auditor.web.uploads import BlobStore

INTERRUPTED = (
    "Bị gián đoạn: máy chủ đã dừng khi đang kiểm tra; hãy chạy lại. "
    "/ Interrupted: the server stopped during the audit; run it again."
)
#: Seconds one audit may take before it is stopped and its run failed.
RUN_TIMEOUT_S = 3600.0
#: Progress is written to the database at most this often.
PROGRESS_EVERY_S = 0.25


try:
    _LIBC: ctypes.CDLL | None = ctypes.CDLL(None)
except OSError:  # pragma: no cover - not Linux
    _LIBC = None


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """An audit must not outlive a killed server (it would write into a run the
    restarted server has already marked as interrupted). Only a call into the already
    loaded libc here: the child of a threaded process must not take locks."""
    if _LIBC is not None:
        with contextlib.suppress(AttributeError):
            _LIBC.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class Worker:
    def __init__(self, sessions: sessionmaker, data: Path, blobs: BlobStore) -> None:
        self.sessions = sessions
        self.data = data
        self.blobs = blobs
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="audit-worker", daemon=True)
        self.current: subprocess.Popen[str] | None = None

    def run_dir(self, run_id: int) -> Path:
        return self.data / "runs" / str(run_id)

    def recover(self) -> int:
        """Mark the runs a stopped server left running as interrupted."""
        with self.sessions.begin() as db:
            result = db.execute(
                update(Run)
                .where(Run.status == "running")
                .values(status="failed", error=INTERRUPTED, finished_at=now())
            )
            return int(result.rowcount or 0)

    def start(self) -> None:
        self.recover()
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()
        if self.current is not None:
            with contextlib.suppress(ProcessLookupError):
                self.current.kill()
        self.thread.join(timeout=10)

    def _claim(self) -> Run | None:
        with self.sessions.begin() as db:
            run = db.scalar(
                select(Run).where(Run.status == "queued").order_by(Run.created_at, Run.id)
            )
            if run is None:
                return None
            db.execute(delete(CellRow).where(CellRow.run_id == run.id))
            run.status, run.stage, run.done, run.total = "running", "start", 0, 0
            run.started_at, run.finished_at, run.error = now(), None, None
            run.attempts += 1
            db.flush()
            db.expunge(run)
            return run

    def _loop(self) -> None:
        while not self.stopping.is_set():
            run = self._claim()
            if run is None:
                self.wake.wait(timeout=1.0)
                self.wake.clear()
                continue
            try:
                self._audit(run)
            except Exception as problem:  # a bug here must fail the run, not the worker
                self._finish(run.id, "failed", f"Lỗi máy chủ / server error: {problem!r}")

    def _finish(self, run_id: int, status: str, error: str | None) -> None:
        with self.sessions.begin() as db:
            db.execute(
                update(Run)
                .where(Run.id == run_id)
                .values(status=status, error=error, finished_at=now())
            )

    def _audit(self, run: Run) -> None:
        where = self.run_dir(run.id)
        inputs, out = where / "inputs", where / "out"
        shutil.rmtree(where, ignore_errors=True)
        inputs.mkdir(parents=True)
        with self.sessions() as db:
            files = db.scalars(select(RunFile).where(RunFile.run_id == run.id)).all()
            for item in files:
                if item.refused is None and item.sha256:
                    self.blobs.materialise(item.sha256, inputs / item.name)
        command = [
            sys.executable,
            "-m",
            "auditor.web.job",
            "--inputs",
            str(inputs),
            "--out",
            str(out),
            "--year",
            str(run.year),
            "--generated-at",
            now().isoformat() + "+00:00",
        ]
        if run.as_of:
            command += ["--as-of", run.as_of]
        stderr_path = where / "job.log"
        with open(stderr_path, "w") as log:
            process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                preexec_fn=_die_with_parent,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
            self.current = process
            started = time.monotonic()
            timer = threading.Timer(RUN_TIMEOUT_S, process.kill)
            timer.start()
            written = 0.0
            try:
                assert process.stdout is not None
                for line in process.stdout:
                    try:
                        step = json.loads(line)
                    except ValueError:
                        continue
                    if time.monotonic() - written >= PROGRESS_EVERY_S or step["stage"] == "done":
                        written = time.monotonic()
                        with self.sessions.begin() as db:
                            db.execute(
                                update(Run)
                                .where(Run.id == run.id)
                                .values(stage=step["stage"], done=step["done"], total=step["total"])
                            )
                code = process.wait()
            finally:
                timer.cancel()
                self.current = None
        if self.stopping.is_set():
            return  # the server is stopping: the run stays "running", found so at restart
        if code != 0:
            tail = stderr_path.read_text(errors="replace").strip().splitlines()[-3:]
            why = (
                f"Quá thời gian {RUN_TIMEOUT_S:.0f} giây. / Took over {RUN_TIMEOUT_S:.0f} s."
                if time.monotonic() - started >= RUN_TIMEOUT_S
                else "Kiểm tra thất bại / the audit failed: " + " ".join(tail)[-1000:]
            )
            self._finish(run.id, "failed", why)
            return
        self._store(run.id, out / "report.json")

    def _store(self, run_id: int, report_json: Path) -> None:
        report = json.loads(report_json.read_text(encoding="utf-8"))
        with self.sessions.begin() as db:
            seen: set[str] = set()
            for cell in report["cells"]:
                key = cell_key(cell["cell_id"])
                if key in seen:
                    continue
                seen.add(key)
                db.add(
                    CellRow(
                        run_id=run_id,
                        cell_key=key,
                        cell_id=cell["cell_id"],
                        cell_name=cell.get("cell_name"),
                        parent=cell.get("parent"),
                        score=cell["score"],
                        band=cell["band"],
                        band_before_quota=cell["band_before_quota"],
                        rank=cell["rank"],
                        points_lost=cell["points_lost"],
                        moved_by_quota=bool(cell.get("moved_by_quota")),
                        violations=cell["violations"],
                    )
                )
            db.execute(
                update(Run)
                .where(Run.id == run_id)
                .values(status="done", stage="done", error=None, finished_at=now())
            )
