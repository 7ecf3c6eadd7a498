"""An in-process server with one user of each role, and helpers to log in and upload."""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from auditor.web.app import create_app
from auditor.web.security import add_user

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"
PASSWORD = "mat-khau-dai"
#: Set by .ci/run (a role and a database on Debian's PostgreSQL cluster).
PG_URL = os.environ.get("AUDITOR_TEST_POSTGRES")


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Log in through the form; the session's CSRF token."""
    form = client.get("/login")
    response = client.post(
        "/login",
        data={"name": name, "password": password, "csrf": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/").text)


def sample_files(prefix: str = "sample_data/") -> list[tuple[str, tuple[str, bytes]]]:
    return [
        ("files", (prefix + p.relative_to(SAMPLE).as_posix(), p.read_bytes()))
        for p in sorted(SAMPLE.rglob("*"))
        if p.is_file()
    ]


def wait(client: TestClient, run_id: int, seconds: float = 180.0, **headers: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = client.get(f"/api/runs/{run_id}", headers=headers).json()
        if status["status"] in ("done", "failed"):
            return status
        time.sleep(0.3)
    raise AssertionError(f"run {run_id} did not finish in {seconds} s")


def _databases() -> list[Any]:
    return [
        pytest.param(None, id="sqlite"),
        pytest.param(
            PG_URL,
            id="postgresql",
            marks=pytest.mark.skipif(
                not PG_URL, reason="AUDITOR_TEST_POSTGRES is not set (.ci/run sets it)"
            ),
        ),
    ]


#: Schemas made by this test process, dropped when the session ends.
_SCHEMAS: list[str] = []


def _fresh_postgres(url: str) -> str:
    """A URL to a new, empty schema of the test database.

    Each test module gets its own schema (``search_path`` set in the URL), so test runs
    from several checkouts sharing one database neither see nor lock each other's tables.
    """
    from sqlalchemy import create_engine, text

    from auditor.web.db import database_url

    schema = f"t_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    engine = create_engine(database_url(Path("."), url))
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    _SCHEMAS.append(schema)
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session", autouse=True)
def _drop_schemas() -> Iterator[None]:
    yield
    if not (PG_URL and _SCHEMAS):
        return
    from sqlalchemy import create_engine, text

    from auditor.web.db import database_url

    engine = create_engine(database_url(Path("."), PG_URL))
    with engine.begin() as connection:
        for schema in _SCHEMAS:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(scope="module", params=_databases())
def database(request: pytest.FixtureRequest) -> str | None:
    url: str | None = request.param
    return _fresh_postgres(url) if url else None


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, database: str | None) -> Iterator[TestClient]:
    """The server with the sample year uploaded by the board user and audited (run 1)."""
    app = create_app(tmp_path_factory.mktemp("web") / "data", database)
    with TestClient(app) as client:
        with app.state.sessions.begin() as db:
            add_user(db, "admin", "admin", PASSWORD, None)
            add_user(db, "board", "board", PASSWORD, None)
            add_user(db, "cell1", "cell", PASSWORD, "CB-001")
        csrf = login(client, "board")
        response = client.post(
            "/runs",
            data={"year": "2024", "csrf": csrf},
            files=sample_files(),
            follow_redirects=False,
        )
        assert response.headers["location"] == "/runs/1"
        assert wait(client, 1)["status"] == "done"
        client.cookies.clear()
        yield client
