"""A real ``auditor serve`` process on loopback, for the tests that need one (browser,
restart, load, the CLI) and for the benchmarks and screenshots that use the same setup.

The server is the installed command in a subprocess of its own, so a test can kill it
with SIGKILL and start it again on the same ``--data``, exactly as a board's staff would
see it after a power cut. Every wait is bounded.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"
CHROMIUM = Path("/usr/bin/chromium")
#: Debian's Chromium, driven by Playwright without any browser download (and by
#: tests/report/test_html_browser.py directly, with the same switches).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "mat-khau-dai"


def auditor_command() -> list[str]:
    """The ``auditor`` entry point of the interpreter running the tests."""
    script = Path(sys.executable).with_name("auditor")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from auditor.cli import main; main()"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _users(*args: str, password: str | None = None) -> str:
    """``auditor users ...`` in this process (the command's own code, without the seconds
    a new interpreter takes to import it on a busy machine)."""
    from typer.testing import CliRunner

    from auditor.cli import app

    result = CliRunner().invoke(app, ["users", *args], input=password)
    assert result.exit_code == 0, result.output
    return result.output


def add_user(
    data: Path, name: str, role: str, cell: str | None = None, database: str | None = None
) -> None:
    """``auditor users add`` as the README shows it, password on stdin."""
    args = ["add", name, "--role", role, "--data", str(data)]
    args += ["--cell", cell] if cell else []
    args += ["--database", database] if database else []
    _users(*args, password=PASSWORD + "\n")


class Server:
    """``auditor serve --data DIR`` on a free loopback port, started and stopped here."""

    def __init__(self, data: Path, database: str | None = None) -> None:
        self.data = data
        self.database = database
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data.parent / f"{data.name}-serve.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> Server:
        self.data.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        command = [*auditor_command(), "serve", "--data", str(self.data)]
        command += ["--host", "127.0.0.1", "--port", str(self.port)]
        if self.database:
            command += ["--database", self.database]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"auditor serve stopped: {self.log.read_text()[-2000:]}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(self.url + "/login", timeout=2) as answer,
            ):
                if answer.status == 200:
                    return self
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"auditor serve did not answer in {timeout} s")

    def kill(self) -> None:
        """SIGKILL, as a power cut or the OOM killer would: no clean shutdown."""
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()
        self.process = None

    def rss_kib(self) -> int:
        """The server process's resident memory now (Linux /proc)."""
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def peak_rss_kib(self) -> int:
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0


@contextlib.contextmanager
def running(data: Path, database: str | None = None) -> Iterator[Server]:
    server = Server(data, database).start()
    try:
        yield server
    finally:
        server.stop()


def token_for(data: Path, name: str, database: str | None = None) -> str:
    args = ["token", name, "--data", str(data)]
    args += ["--database", database] if database else []
    return _users(*args).strip()


def get_json(url: str, token: str, timeout: float = 10.0) -> Any:
    import json

    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        return json.loads(answer.read())


def wait_status(
    server: Server, run_id: int, token: str, until: tuple[str, ...], seconds: float = 180.0
) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(urllib.error.URLError, TimeoutError):
            status = get_json(f"{server.url}/api/runs/{run_id}", token)
            if status["status"] in until:
                return status
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} did not reach {until} in {seconds} s")
